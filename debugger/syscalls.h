/* syscalls: the decoder tables, built from the same X-macro headers as the
 * kernel's dispatch tables ($(GEN)/syscalls_64.h, syscalls_32.h), and errno
 * names (Linux values, from the host's <errno.h>, which are Linux's). */
#ifndef RINGDB_SYSCALLS_H
#define RINGDB_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

struct syscall_arg_desc {
	const char *type; /* fd, ptr, str, size, ... (see syscall_64.tbl) */
	const char *name;
};

struct syscall_desc {
	int nr;
	const char *name;
	const char *entry;
	int nargs;
	struct syscall_arg_desc args[6];
};

enum syscall_abi { ABI_64 = 64, ABI_32 = 32 };

const struct syscall_desc *syscall_find(enum syscall_abi abi, long nr);
/* pt_regs member names holding arguments 1..6 in ABI. */
const char *const *syscall_arg_regs(enum syscall_abi abi);
const char *errno_name(long err);
/* "-14 (-EFAULT)" for errors, the number otherwise. */
void syscall_format_result(long ret, char *out, size_t cap);
/* User memory an argument points to, read at the syscall's entry: a
 * string (`str`) or the start of a buffer written out (`wbuf`). */
#define SYSCALL_PEEK 40
struct syscall_peek {
	bool valid[6];
	char text[6][SYSCALL_PEEK + 1];
	int len[6];
};

/* "read(fd=3, buf=0x7ffd..., count=64)"; with PEEK (may be NULL) strings
 * and written buffers are shown as C strings. */
void syscall_format_call(enum syscall_abi abi, long nr, const unsigned long *args, char *out, size_t cap);
void syscall_format_call_peek(enum syscall_abi abi, long nr, const unsigned long *args,
			      const struct syscall_peek *peek, char *out, size_t cap);

#endif
