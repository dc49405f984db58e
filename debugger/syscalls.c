/* syscalls: names and argument types for the decoder. */
#include "syscalls.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The generated rows leave trailing members out (fewer than six
 * arguments); that is intended. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define ARG(type, name) { #type, #name }
#define SYSCALL(nr, name, entry, nargs, ...) { nr, #name, #entry, nargs, { __VA_ARGS__ } },

static const struct syscall_desc table_64[] = {
#include "syscalls_64.h"
};
static const struct syscall_desc table_32[] = {
#include "syscalls_32.h"
};

#undef SYSCALL
#undef ARG

const struct syscall_desc *syscall_find(enum syscall_abi abi, long nr)
{
	const struct syscall_desc *t = abi == ABI_32 ? table_32 : table_64;
	size_t n = abi == ABI_32 ? sizeof table_32 / sizeof *t : sizeof table_64 / sizeof *t;
	for (size_t i = 0; i < n; i++)
		if (t[i].nr == nr)
			return &t[i];
	return NULL;
}

const char *const *syscall_arg_regs(enum syscall_abi abi)
{
	/* SYSCALL: rcx holds the return address, so the fourth argument moves to r10. */
	static const char *const regs_64[6] = { "di", "si", "dx", "r10", "r8", "r9" };
	static const char *const regs_32[6] = { "bx", "cx", "dx", "si", "di", "bp" };
	return abi == ABI_32 ? regs_32 : regs_64;
}

#define E(name) { name, #name }
static const struct {
	int value;
	const char *name;
} errnos[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC), E(EBADF),
	E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST),
	E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE),
	E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG),
	E(EOVERFLOW), E(EILSEQ), E(ENOTSOCK), E(EOPNOTSUPP), E(ETIMEDOUT), E(ECANCELED),
	/* Kernel-internal codes that never reach user space but do show up in
	 * pt_regs->ax on the way out (Linux include/linux/errno.h). */
	{ 512, "ERESTARTSYS" }, { 513, "ERESTARTNOINTR" }, { 514, "ERESTARTNOHAND" },
	{ 516, "ERESTART_RESTARTBLOCK" },
};
#undef E

const char *errno_name(long err)
{
	for (size_t i = 0; i < sizeof errnos / sizeof *errnos; i++)
		if (errnos[i].value == err)
			return errnos[i].name;
	return NULL;
}

void syscall_format_result(long ret, char *out, size_t cap)
{
	/* Linux returns errors as -1..-4095. */
	if (ret < 0 && ret >= -4095) {
		const char *n = errno_name(-ret);
		if (n) {
			snprintf(out, cap, "%ld (-%s)", ret, n);
			return;
		}
	}
	snprintf(out, cap, "%ld", ret);
}

/* TEXT as a C string literal, cut at the field width. */
static size_t quote(const char *text, int len, bool cut, char *out, size_t cap)
{
	size_t n = 0;
	if (cap < 8)
		return 0;
	out[n++] = '"';
	for (int i = 0; i < len && n + 6 < cap; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '\n')
			n += (size_t)snprintf(out + n, cap - n, "\\n");
		else if (ch == '"' || ch == '\\')
			n += (size_t)snprintf(out + n, cap - n, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", ch);
		else
			out[n++] = (char)ch;
	}
	n += (size_t)snprintf(out + n, cap - n, "\"%s", cut ? "..." : "");
	return n;
}

void syscall_format_call(enum syscall_abi abi, long nr, const unsigned long *args, char *out, size_t cap)
{
	syscall_format_call_peek(abi, nr, args, NULL, out, cap);
}

void syscall_format_call_peek(enum syscall_abi abi, long nr, const unsigned long *args,
			      const struct syscall_peek *peek, char *out, size_t cap)
{
	const struct syscall_desc *d = syscall_find(abi, nr);
	if (!d) {
		snprintf(out, cap, "syscall_%ld(?)", nr);
		return;
	}
	size_t n = (size_t)snprintf(out, cap, "%s(", d->name);
	for (int i = 0; i < d->nargs && n < cap; i++) {
		const char *type = d->args[i].type;
		unsigned long v = args[i];
		if (abi == ABI_32)
			v &= 0xffffffffUL;
		const char *sep = i ? ", " : "";
		if (peek && peek->valid[i] && n + 16 < cap) {
			n += (size_t)snprintf(out + n, cap - n, "%s%s=", sep, d->args[i].name);
			bool cut = !strcmp(type, "wbuf") ? i + 1 < d->nargs && args[i + 1] > (unsigned long)peek->len[i]
							 : peek->len[i] == SYSCALL_PEEK;
			n += quote(peek->text[i], peek->len[i], cut, out + n, cap - n);
		} else if (!strcmp(type, "ptr") || !strcmp(type, "str") || !strcmp(type, "wbuf") ||
		    !strcmp(type, "rbuf") || !strcmp(type, "hex") || !strcmp(type, "flags"))
			n += (size_t)snprintf(out + n, cap - n, "%s%s=%#lx", sep, d->args[i].name, v);
		else if (!strcmp(type, "uint") || !strcmp(type, "ulong") || !strcmp(type, "size"))
			n += (size_t)snprintf(out + n, cap - n, "%s%s=%lu", sep, d->args[i].name, v);
		else if (abi == ABI_32 || !strcmp(type, "int") || !strcmp(type, "fd") || !strcmp(type, "pid") ||
			 !strcmp(type, "sig"))
			n += (size_t)snprintf(out + n, cap - n, "%s%s=%d", sep, d->args[i].name, (int)v);
		else
			n += (size_t)snprintf(out + n, cap - n, "%s%s=%ld", sep, d->args[i].name, (long)v);
	}
	if (n < cap)
		snprintf(out + n, cap - n, ")");
}
