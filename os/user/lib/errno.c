/* errno, and the names and messages of error numbers and signals. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int errno;

struct errno_entry {
	int number;
	const char *name;
	const char *message;
};

/* Linux's values; the messages are short descriptions of our own. */
static const struct errno_entry errno_table[] = {
	{ EPERM, "EPERM", "Operation not permitted" },
	{ ENOENT, "ENOENT", "No such file or directory" },
	{ ESRCH, "ESRCH", "No such process" },
	{ EINTR, "EINTR", "Interrupted system call" },
	{ EIO, "EIO", "Input/output error" },
	{ ENXIO, "ENXIO", "No such device or address" },
	{ E2BIG, "E2BIG", "Argument list too long" },
	{ ENOEXEC, "ENOEXEC", "Exec format error" },
	{ EBADF, "EBADF", "Bad file descriptor" },
	{ ECHILD, "ECHILD", "No child processes" },
	{ EAGAIN, "EAGAIN", "Resource temporarily unavailable" },
	{ ENOMEM, "ENOMEM", "Cannot allocate memory" },
	{ EACCES, "EACCES", "Permission denied" },
	{ EFAULT, "EFAULT", "Bad address" },
	{ ENOTBLK, "ENOTBLK", "Block device required" },
	{ EBUSY, "EBUSY", "Device or resource busy" },
	{ EEXIST, "EEXIST", "File exists" },
	{ EXDEV, "EXDEV", "Invalid cross-device link" },
	{ ENODEV, "ENODEV", "No such device" },
	{ ENOTDIR, "ENOTDIR", "Not a directory" },
	{ EISDIR, "EISDIR", "Is a directory" },
	{ EINVAL, "EINVAL", "Invalid argument" },
	{ ENFILE, "ENFILE", "Too many open files in system" },
	{ EMFILE, "EMFILE", "Too many open files" },
	{ ENOTTY, "ENOTTY", "Inappropriate ioctl for device" },
	{ ETXTBSY, "ETXTBSY", "Text file busy" },
	{ EFBIG, "EFBIG", "File too large" },
	{ ENOSPC, "ENOSPC", "No space left on device" },
	{ ESPIPE, "ESPIPE", "Illegal seek" },
	{ EROFS, "EROFS", "Read-only file system" },
	{ EMLINK, "EMLINK", "Too many links" },
	{ EPIPE, "EPIPE", "Broken pipe" },
	{ EDOM, "EDOM", "Numerical argument out of domain" },
	{ ERANGE, "ERANGE", "Numerical result out of range" },
	{ EDEADLK, "EDEADLK", "Resource deadlock avoided" },
	{ ENAMETOOLONG, "ENAMETOOLONG", "File name too long" },
	{ ENOLCK, "ENOLCK", "No locks available" },
	{ ENOSYS, "ENOSYS", "Function not implemented" },
	{ ENOTEMPTY, "ENOTEMPTY", "Directory not empty" },
	{ ELOOP, "ELOOP", "Too many levels of symbolic links" },
	{ EOVERFLOW, "EOVERFLOW", "Value too large for defined data type" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported" },
	{ ETIMEDOUT, "ETIMEDOUT", "Connection timed out" },
};

static const struct errno_entry *errno_lookup(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		if (errno_table[i].number == err)
			return &errno_table[i];
	return NULL;
}

const char *errno_name(int err)
{
	const struct errno_entry *e = errno_lookup(err);

	return e ? e->name : NULL;
}

char *strerror(int err)
{
	static char unknown[32];
	const struct errno_entry *e = errno_lookup(err);

	if (err == 0)
		return (char *)"Success";
	if (e)
		return (char *)e->message;
	snprintf(unknown, sizeof(unknown), "Unknown error %d", err);
	return unknown;
}

#define SIGNAL_NAME(sig) [sig] = #sig,
static const char *const signal_names[] = { LINUX_SIGNAL_NAMES(SIGNAL_NAME) };
#undef SIGNAL_NAME

const char *signal_name(int sig)
{
	if (sig > 0 && sig <= SIGSYS)
		return signal_names[sig];
	return "SIG?";
}
