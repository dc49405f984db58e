/* The file wrappers: open, close, dup, pipe, fcntl, stat, chdir, getcwd,
 * and directory reading on top of getdents64. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	unsigned mode = va_arg(ap, unsigned);
	va_end(ap);
	return (int)syscall_result(sys_open(path, flags, mode));
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	unsigned mode = va_arg(ap, unsigned);
	va_end(ap);
	return (int)syscall_result(sys_openat(dirfd, path, flags, mode));
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	return (int)syscall_result(sys_fcntl(fd, cmd, arg));
}

int close(int fd) { return (int)syscall_result(sys_close(fd)); }
int dup(int fd) { return (int)syscall_result(sys_dup(fd)); }
int dup2(int oldfd, int newfd) { return (int)syscall_result(sys_dup2(oldfd, newfd)); }
int pipe(int fds[2]) { return (int)syscall_result(sys_pipe(fds)); }
int pipe2(int fds[2], int flags) { return (int)syscall_result(sys_pipe2(fds, flags)); }
int chdir(const char *path) { return (int)syscall_result(sys_chdir(path)); }
int unlink(const char *path) { return (int)syscall_result(sys_unlink(path)); }
int rmdir(const char *path) { return (int)syscall_result(sys_rmdir(path)); }
int mkdir(const char *path, unsigned int mode) { return (int)syscall_result(sys_mkdir(path, mode)); }
int stat(const char *path, struct stat *st) { return (int)syscall_result(sys_stat(path, st)); }
int lstat(const char *path, struct stat *st) { return (int)syscall_result(sys_lstat(path, st)); }
int fstat(int fd, struct stat *st) { return (int)syscall_result(sys_fstat(fd, st)); }
off_t lseek(int fd, off_t off, int whence) { return syscall_result(sys_lseek(fd, off, whence)); }

char *getcwd(char *buf, size_t size)
{
	return syscall_result(sys_getcwd(buf, size)) < 0 ? NULL : buf;
}

struct DIR {
	int fd;
	long pos, len;
	char buf[2048];
};

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	DIR *d = malloc(sizeof(*d));
	if (!d) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	d->fd = fd;
	d->pos = d->len = 0;
	return d;
}

struct dirent *readdir(DIR *d)
{
	if (d->pos >= d->len) {
		long n = syscall_result(sys_getdents64(d->fd, d->buf, sizeof(d->buf)));
		if (n <= 0)
			return NULL;
		d->len = n;
		d->pos = 0;
	}
	struct dirent *e = (struct dirent *)(d->buf + d->pos);
	d->pos += e->d_reclen;
	return e;
}

int closedir(DIR *d)
{
	int r = close(d->fd);
	free(d);
	return r;
}
