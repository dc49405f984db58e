/* What every linux-abi program shares: report lines that are the same on
 * Linux and on Ringside when both are right. Each line is "label: result",
 * the result a number, "-1 ENAME" for a failed call, or yes/no for a
 * condition. Nothing that differs between machines (pids, addresses,
 * times, the host's files) is printed; relations between them are.
 *
 * stdout is line-buffered on both sides (on Ringside it is the console, on
 * the host a pipe), so a fork never duplicates unprinted lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

__attribute__((unused)) static const char *ename(int e)
{
	static const char *const names[] = {
		[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",
		[EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
		[EBADF] = "EBADF", [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
		[EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EEXIST] = "EEXIST",
		[EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
		[EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY",
		[EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE", [EROFS] = "EROFS",
		[EPIPE] = "EPIPE", [ERANGE] = "ERANGE", [ENAMETOOLONG] = "ENAMETOOLONG",
		[ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP",
		[EOVERFLOW] = "EOVERFLOW",
	};
	static char buf[16];
	if (e > 0 && e < (int)(sizeof(names) / sizeof(names[0])) && names[e])
		return names[e];
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* T("label", call): the call's result, or -1 and errno's name. */
#define T(label, expr) do { \
	errno = 0; \
	long _r = (long)(expr); \
	if (_r == -1 && errno) \
		printf("%s: -1 %s\n", label, ename(errno)); \
	else \
		printf("%s: %ld\n", label, _r); \
} while (0)

/* Y("label", condition): yes or no. */
#define Y(label, cond) printf("%s: %s\n", label, (cond) ? "yes" : "no")

#define BAD_PTR ((void *)0x10)

__attribute__((constructor)) static void abi_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}
