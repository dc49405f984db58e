/* vfstest: files and descriptors against Linux's semantics - open, openat,
 * close, read, pread64, lseek, fstat/stat/lstat/newfstatat, getdents64,
 * access, readlink, getcwd, chdir, the tmpfs at /tmp, /dev/null, /dev/zero,
 * /dev/full, pipes (blocking, EOF, EPIPE and SIGPIPE), dup/dup2/dup3, fcntl,
 * close-on-exec across execve, readv/writev, ioctl. KTAP on stdout. Every
 * check holds on the host's Linux too (make test-user-host runs it there);
 * the few about Ringside's own tree (the read-only initramfs, the console)
 * are skipped elsewhere. Raw sys_*() calls so the kernel's -errno is seen.
 *
 * vfstest --check-cloexec A B: the program execve runs: exits 0 if fd A
 * is closed and fd B open. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_CLOEXEC   02000000
#define AT_FDCWD    (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EMPTY_PATH 0x1000
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413
#define TIOCGPGRP 0x540F
#define FIONREAD 0x541B
#define FIOCLEX 0x5451
#define S_IFMT 0170000
#define S_IFREG 0100000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFLNK 0120000
#define S_IFIFO 0010000

#define BAD_PTR ((void *)0x10)

struct kstat {
	unsigned long dev, ino, nlink;
	unsigned mode, uid, gid, pad0;
	unsigned long rdev;
	long size, blksize, blocks;
	unsigned long times[6];
	long unused[3];
};

struct iov { void *base; size_t len; };

static const char *self;
static int on_ringside;
static char tmpdir[64];

static void tmp_path(char *out, const char *name)
{
	snprintf(out, 128, "%s/%s", tmpdir, name);
}

/* ---- reading the tree ---- */

static void test_open_read(void)
{
	char buf[16];
	struct kstat st;
	long fd = sys_open(self, O_RDONLY, 0);

	ktap_ok(fd >= 3, "open our own executable gives a descriptor above 2 (%ld)", fd);
	ktap_expect(sys_read((int)fd, buf, 4), 4, "read 4 bytes of it");
	ktap_ok(!memcmp(buf, "\177ELF", 4), "they are the ELF magic");
	ktap_expect(sys_lseek((int)fd, 0, 1 /* SEEK_CUR */), 4, "lseek(SEEK_CUR) is at 4");
	ktap_expect(sys_fstat((int)fd, &st), 0, "fstat succeeds");
	ktap_ok((st.mode & S_IFMT) == S_IFREG && st.size > 64, "fstat: a regular file of %ld bytes", st.size);
	ktap_expect(sys_lseek((int)fd, 0, 2 /* SEEK_END */), st.size, "lseek(SEEK_END) is at the size");
	ktap_expect(sys_read((int)fd, buf, 4), 0, "read at the end returns 0");
	ktap_expect(sys_lseek((int)fd, -1, 0), -EINVAL, "lseek to -1 is EINVAL");
	ktap_expect(sys_lseek((int)fd, 0, 7), -EINVAL, "lseek with whence 7 is EINVAL");
	memset(buf, 0, sizeof(buf));
	ktap_expect(sys_pread64((int)fd, buf, 3, 1), 3, "pread64 3 bytes at offset 1");
	ktap_ok(!memcmp(buf, "ELF", 3), "pread64 read \"ELF\"");
	ktap_expect(sys_lseek((int)fd, 0, 1), st.size, "pread64 left the position alone");
	ktap_expect(sys_pread64((int)fd, buf, 3, -1), -EINVAL, "pread64 at a negative offset is EINVAL");
	ktap_expect(sys_write((int)fd, "x", 1), -EBADF, "write to an O_RDONLY descriptor is EBADF");
	ktap_expect(sys_read((int)fd, BAD_PTR, 4), 0, "read at EOF into a bad pointer returns 0 (nothing copied)");
	sys_lseek((int)fd, 0, 0);
	ktap_expect(sys_read((int)fd, BAD_PTR, 4), -EFAULT, "read into a bad pointer is EFAULT");
	ktap_expect(sys_fstat((int)fd, BAD_PTR), -EFAULT, "fstat into a bad pointer is EFAULT");
	ktap_expect(sys_fcntl((int)fd, F_GETFL, 0), O_RDONLY | O_LARGEFILE, "F_GETFL of an open file: O_RDONLY|O_LARGEFILE");
	ktap_expect(sys_close((int)fd), 0, "close succeeds");
	ktap_expect(sys_close((int)fd), -EBADF, "closing it again is EBADF");
	ktap_expect(sys_fstat((int)fd, &st), -EBADF, "fstat of a closed descriptor is EBADF");
	ktap_expect(sys_read(-1, buf, 1), -EBADF, "read from fd -1 is EBADF");

	ktap_expect(sys_open("/no/such/file", O_RDONLY, 0), -ENOENT, "open of a missing file is ENOENT");
	ktap_expect(sys_open("/dev/null/x", O_RDONLY, 0), -ENOTDIR, "a path through a device is ENOTDIR");
	ktap_expect(sys_open(BAD_PTR, O_RDONLY, 0), -EFAULT, "open of a bad pointer is EFAULT");
	ktap_expect(sys_open("", O_RDONLY, 0), -ENOENT, "open of \"\" is ENOENT");
	ktap_expect(sys_open("/dev", O_WRONLY, 0), -EISDIR, "open a directory for writing is EISDIR");
	ktap_expect(sys_open("/dev/null", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR, "O_DIRECTORY on a device is ENOTDIR");
	char longname[300];
	memset(longname, 'a', sizeof(longname));
	longname[0] = '/';
	longname[299] = 0;
	ktap_expect(sys_open(longname, O_RDONLY, 0), -ENAMETOOLONG, "a 298-byte name is ENAMETOOLONG");

	fd = sys_open("/dev", O_RDONLY | O_DIRECTORY, 0);
	ktap_ok(fd >= 0, "open /dev with O_DIRECTORY");
	ktap_expect(sys_read((int)fd, buf, 4), -EISDIR, "read from a directory is EISDIR");
	long nfd = sys_openat((int)fd, "null", O_WRONLY, 0);
	ktap_ok(nfd >= 0, "openat(/dev, \"null\")");
	ktap_expect(sys_write((int)nfd, "abc", 3), 3, "write 3 bytes to /dev/null");
	sys_close((int)nfd);
	ktap_expect(sys_newfstatat((int)fd, "zero", &st, 0), 0, "newfstatat(/dev, \"zero\")");
	ktap_ok((st.mode & S_IFMT) == S_IFCHR && st.rdev == 0x105, "/dev/zero is character device 1:5 (rdev %#lx)", st.rdev);
	ktap_expect(sys_newfstatat((int)fd, "", &st, AT_EMPTY_PATH), 0, "newfstatat with AT_EMPTY_PATH");
	ktap_ok((st.mode & S_IFMT) == S_IFDIR, "AT_EMPTY_PATH stats the directory itself");
	ktap_expect(sys_newfstatat((int)fd, "", &st, 0), -ENOENT, "an empty path without AT_EMPTY_PATH is ENOENT");
	ktap_expect(sys_newfstatat((int)fd, "zero", &st, 0x80), -EINVAL, "newfstatat with an unknown flag is EINVAL");
	ktap_expect(sys_openat(999, "null", O_RDONLY, 0), -EBADF, "openat relative to a closed descriptor is EBADF");
	ktap_ok(sys_openat(999, "/dev/null", O_RDONLY, 0) >= 0, "an absolute path ignores the dirfd");
	sys_close((int)fd);
	fd = sys_open("/dev/null", O_RDONLY, 0);
	ktap_expect(sys_openat((int)fd, "x", O_RDONLY, 0), -ENOTDIR, "openat relative to a device is ENOTDIR");
	sys_close((int)fd);
	sys_close(3);   /* the absolute-path openat above */
	for (int k = 4; k < 10; k++)
		sys_close(k);

	ktap_expect(sys_stat("/dev/null", &st), 0, "stat /dev/null");
	ktap_ok((st.mode & S_IFMT) == S_IFCHR && st.rdev == 0x103 && (st.mode & 0777) == 0666,
		"/dev/null is character device 1:3, mode 0666");
	ktap_expect(sys_stat("/dev/null", BAD_PTR), -EFAULT, "stat into a bad pointer is EFAULT");
	ktap_expect(sys_stat("/", &st), 0, "stat /");
	ktap_ok((st.mode & S_IFMT) == S_IFDIR, "/ is a directory");
}

static void test_devices(void)
{
	char buf[8] = "xxxxxxx";
	long fd = sys_open("/dev/zero", O_RDONLY, 0);

	ktap_expect(sys_read((int)fd, buf, sizeof(buf)), sizeof(buf), "read 8 bytes of /dev/zero");
	ktap_ok(!buf[0] && !buf[7], "they are zeroes");
	ktap_expect(sys_lseek((int)fd, 100, 0), 0, "lseek on /dev/zero answers 0");
	sys_close((int)fd);
	fd = sys_open("/dev/null", O_RDWR, 0);
	ktap_expect(sys_read((int)fd, buf, sizeof(buf)), 0, "read from /dev/null is end of file");
	ktap_expect(sys_write((int)fd, BAD_PTR, 0), 0, "write of 0 bytes to /dev/null");
	ktap_expect(sys_ioctl((int)fd, TCGETS, buf), -ENOTTY, "TCGETS on /dev/null is ENOTTY");
	ktap_expect(sys_ioctl((int)fd, FIOCLEX, NULL), 0, "FIOCLEX on /dev/null");
	ktap_expect(sys_fcntl((int)fd, F_GETFD, 0), 1, "FIOCLEX set FD_CLOEXEC");
	sys_close((int)fd);
	fd = sys_open("/dev/full", O_WRONLY, 0);
	ktap_expect(sys_write((int)fd, "x", 1), -ENOSPC, "write to /dev/full is ENOSPC");
	sys_close((int)fd);
	ktap_expect(sys_ioctl(999, TCGETS, buf), -EBADF, "ioctl on a closed descriptor is EBADF");
}

/* Find name in a getdents64 buffer. */
static int dents_have(const char *buf, long len, const char *name, int type)
{
	for (long off = 0; off < len;) {
		unsigned short reclen;
		memcpy(&reclen, buf + off + 16, 2);
		if (!strcmp(buf + off + 19, name) && (type < 0 || buf[off + 18] == type))
			return 1;
		if (!reclen)
			return 0;
		off += reclen;
	}
	return 0;
}

static void test_getdents(void)
{
	static char buf[4096];
	long fd = sys_open("/dev", O_RDONLY | O_DIRECTORY, 0);
	long n = sys_getdents64((int)fd, buf, sizeof(buf));

	ktap_ok(n > 0, "getdents64 on /dev returns entries (%ld bytes)", n);
	ktap_ok(dents_have(buf, n, "null", 2 /* DT_CHR */) && dents_have(buf, n, "zero", 2),
		"null and zero are there as DT_CHR");
	ktap_ok(dents_have(buf, n, ".", 4) && dents_have(buf, n, "..", 4), ". and .. are there as DT_DIR");
	long again = sys_getdents64((int)fd, buf, sizeof(buf));
	ktap_expect(again, 0, "a second getdents64 is at the end");
	sys_lseek((int)fd, 0, 0);
	ktap_expect(sys_getdents64((int)fd, buf, 8), -EINVAL, "a buffer too small for one entry is EINVAL");
	ktap_expect(sys_getdents64((int)fd, BAD_PTR, 4096), -EFAULT, "getdents64 into a bad pointer is EFAULT");
	sys_close((int)fd);
	fd = sys_open("/dev/null", O_RDONLY, 0);
	ktap_expect(sys_getdents64((int)fd, buf, sizeof(buf)), -ENOTDIR, "getdents64 on a device is ENOTDIR");
	sys_close((int)fd);
	ktap_expect(sys_getdents64(999, buf, sizeof(buf)), -EBADF, "getdents64 on a closed descriptor is EBADF");
}

static void test_paths(void)
{
	char buf[256];
	struct kstat st;

	ktap_expect(sys_access("/dev/null", 4 /* R_OK */), 0, "access(/dev/null, R_OK)");
	ktap_expect(sys_access(self, 1 /* X_OK */), 0, "access(ourselves, X_OK)");
	ktap_expect(sys_access("/no/such", 0), -ENOENT, "access of a missing file is ENOENT");
	ktap_expect(sys_access("/dev/null", 8), -EINVAL, "access with mode 8 is EINVAL");
	ktap_expect(sys_access(BAD_PTR, 0), -EFAULT, "access of a bad pointer is EFAULT");
	ktap_expect(sys_faccessat(AT_FDCWD, "/dev/zero", 4), 0, "faccessat(AT_FDCWD, /dev/zero)");
	ktap_expect(sys_readlink("/dev/null", buf, sizeof(buf)), -EINVAL, "readlink of a non-symlink is EINVAL");
	ktap_expect(sys_readlink("/dev/null", buf, 0), -EINVAL, "readlink with bufsiz 0 is EINVAL");
	ktap_expect(sys_readlink("/no/such", buf, sizeof(buf)), -ENOENT, "readlink of a missing file is ENOENT");

	ktap_expect(sys_chdir("/dev"), 0, "chdir /dev");
	ktap_expect(sys_getcwd(buf, sizeof(buf)), 5, "getcwd returns 5 (with the NUL)");
	ktap_ok(!strcmp(buf, "/dev"), "getcwd is /dev");
	ktap_expect(sys_getcwd(buf, 3), -ERANGE, "getcwd into 3 bytes is ERANGE");
	ktap_expect(sys_getcwd(BAD_PTR, 100), -EFAULT, "getcwd into a bad pointer is EFAULT");
	ktap_expect(sys_stat("null", &st), 0, "a relative path starts at the cwd");
	ktap_expect(sys_stat("../dev/./zero", &st), 0, "\"..\" and \".\" work");
	ktap_expect(sys_chdir("null"), -ENOTDIR, "chdir to a device is ENOTDIR");
	ktap_expect(sys_chdir("/no/such"), -ENOENT, "chdir to a missing directory is ENOENT");
	ktap_expect(sys_chdir(BAD_PTR), -EFAULT, "chdir to a bad pointer is EFAULT");
	long fd = sys_open("/", O_RDONLY | O_DIRECTORY, 0);
	ktap_expect(sys_fchdir((int)fd), 0, "fchdir to /");
	ktap_expect(sys_getcwd(buf, sizeof(buf)), 2, "getcwd is now \"/\"");
	sys_close((int)fd);
}

static void test_tmpfs(void)
{
	char a[128], b[128], buf[64];
	struct kstat st;
	long fd, fd2;

	tmp_path(a, "file");
	tmp_path(b, "link");
	fd = sys_open(a, O_CREAT | O_EXCL | O_RDWR, 0644);
	ktap_ok(fd >= 0, "create a file in /tmp");
	ktap_expect(sys_write((int)fd, "hello", 5), 5, "write 5 bytes to it");
	ktap_expect(sys_pread64((int)fd, buf, 5, 0), 5, "pread64 them back");
	ktap_ok(!memcmp(buf, "hello", 5), "the contents are \"hello\"");
	ktap_expect(sys_fstat((int)fd, &st), 0, "fstat the new file");
	ktap_ok(st.size == 5 && (st.mode & 0777) == (0644 & ~022), "size 5, mode 0644 less the umask (%o)", st.mode & 0777);
	ktap_expect(sys_open(a, O_CREAT | O_EXCL | O_RDWR, 0644), -EEXIST, "O_CREAT|O_EXCL on an existing file is EEXIST");
	fd2 = sys_open(a, O_WRONLY | O_APPEND, 0);
	ktap_expect(sys_write((int)fd2, "!", 1), 1, "write through O_APPEND");
	ktap_expect(sys_pread64((int)fd, buf, 6, 0), 6, "the file is 6 bytes now");
	ktap_ok(!memcmp(buf, "hello!", 6), "O_APPEND wrote at the end");
	sys_close((int)fd2);
	ktap_expect(sys_ftruncate((int)fd, 2), 0, "ftruncate to 2");
	ktap_expect(sys_lseek((int)fd, 0, 2), 2, "the size is 2");
	ktap_expect(sys_ftruncate((int)fd, -1), -EINVAL, "ftruncate to -1 is EINVAL");
	ktap_expect(sys_lseek((int)fd, 10, 0), 10, "lseek past the end");
	ktap_expect(sys_write((int)fd, "z", 1), 1, "write past the end");
	ktap_expect(sys_pread64((int)fd, buf, 11, 0), 11, "the gap counts");
	ktap_ok(buf[0] == 'h' && buf[5] == 0 && buf[10] == 'z', "and reads as zeroes");

	ktap_expect(sys_symlink(a, b), 0, "symlink in /tmp");
	memset(buf, 0, sizeof(buf));
	ktap_expect(sys_readlink(b, buf, sizeof(buf)), (long)strlen(a), "readlink returns the target's length");
	ktap_ok(!strcmp(buf, a), "readlink returns the target");
	ktap_expect(sys_readlink(b, buf, 3), 3, "readlink truncates to bufsiz");
	ktap_expect(sys_stat(b, &st), 0, "stat follows the link");
	ktap_ok((st.mode & S_IFMT) == S_IFREG, "to the regular file");
	ktap_expect(sys_lstat(b, &st), 0, "lstat does not");
	ktap_ok((st.mode & S_IFMT) == S_IFLNK, "it sees the link");
	ktap_expect(sys_open(b, O_RDONLY | O_NOFOLLOW, 0), -ELOOP, "O_NOFOLLOW on a symlink is ELOOP");
	ktap_expect(sys_symlink(a, b), -EEXIST, "symlink over an existing name is EEXIST");
	ktap_expect(sys_unlink(b), 0, "unlink the link");

	ktap_expect(sys_unlink(a), 0, "unlink the file while it is open");
	ktap_expect(sys_open(a, O_RDONLY, 0), -ENOENT, "its name is gone");
	ktap_expect(sys_pread64((int)fd, buf, 2, 0), 2, "the open descriptor still reads it");
	sys_close((int)fd);
	ktap_expect(sys_unlink(a), -ENOENT, "unlink of a missing file is ENOENT");

	tmp_path(a, "dir");
	ktap_expect(sys_mkdir(a, 0755), 0, "mkdir in /tmp");
	ktap_expect(sys_mkdir(a, 0755), -EEXIST, "mkdir of an existing name is EEXIST");
	tmp_path(b, "dir/inner");
	ktap_expect(sys_mkdir(b, 0755), 0, "mkdir inside it");
	ktap_expect(sys_rmdir(a), -ENOTEMPTY, "rmdir of a non-empty directory is ENOTEMPTY");
	ktap_expect(sys_unlink(b), -EISDIR, "unlink of a directory is EISDIR");
	ktap_expect(sys_unlinkat(AT_FDCWD, b, AT_REMOVEDIR), 0, "unlinkat with AT_REMOVEDIR");
	ktap_expect(sys_unlinkat(AT_FDCWD, a, 0x1), -EINVAL, "unlinkat with an unknown flag is EINVAL");
	tmp_path(b, "plain");
	fd = sys_open(b, O_CREAT | O_WRONLY, 0600);
	sys_close((int)fd);
	ktap_expect(sys_rmdir(b), -ENOTDIR, "rmdir of a file is ENOTDIR");
	sys_unlink(b);
	ktap_expect(sys_rmdir(a), 0, "rmdir the empty directory");

	if (on_ringside) {
		ktap_expect(sys_open("/bin/new", O_CREAT | O_WRONLY, 0644), -EROFS, "creating in the initramfs is EROFS");
		ktap_expect(sys_open("/bin/hello", O_WRONLY, 0), -EROFS, "writing an initramfs file is EROFS");
		ktap_expect(sys_unlink("/bin/hello"), -EROFS, "unlinking an initramfs file is EROFS");
		ktap_expect(sys_mkdir("/bin/x", 0755), -EROFS, "mkdir in the initramfs is EROFS");
	} else {
		for (int k = 0; k < 4; k++)
			ktap_skip("not on Ringside", "the initramfs is read-only (%d)", k);
	}
}

static volatile int got_sigpipe;
static void on_sigpipe(int sig)
{
	(void)sig;
	got_sigpipe++;
}

static void write_to_closed_pipe(void *arg)
{
	int *p = arg;
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigaction(SIGPIPE, &dfl, NULL);   /* whoever started us may ignore it */
	sys_close(p[0]);
	sys_write(p[1], "x", 1);
	sys_exit_group(0);
}

static void test_pipes(void)
{
	int p[2] = { -1, -1 };
	char buf[128];

	ktap_expect(sys_pipe(p), 0, "pipe");
	ktap_ok(p[0] >= 3 && p[1] == p[0] + 1, "the two lowest free descriptors (%d, %d)", p[0], p[1]);
	ktap_expect(sys_fcntl(p[0], F_GETFL, 0), O_RDONLY, "the read end is O_RDONLY");
	ktap_expect(sys_fcntl(p[1], F_GETFL, 0), O_WRONLY, "the write end is O_WRONLY");
	ktap_expect(sys_write(p[1], "abc", 3), 3, "write 3 bytes");
	int avail = -1;
	ktap_expect(sys_ioctl(p[0], FIONREAD, &avail), 0, "FIONREAD on the pipe");
	ktap_ok(avail == 3, "FIONREAD says 3 (%d)", avail);
	ktap_expect(sys_read(p[0], buf, sizeof(buf)), 3, "read returns what is there");
	ktap_expect(sys_lseek(p[0], 0, 0), -ESPIPE, "lseek on a pipe is ESPIPE");
	ktap_expect(sys_pread64(p[0], buf, 1, 0), -ESPIPE, "pread64 on a pipe is ESPIPE");
	ktap_expect(sys_read(p[1], buf, 1), -EBADF, "read from the write end is EBADF");
	ktap_expect(sys_ioctl(p[0], TCGETS, buf), -ENOTTY, "TCGETS on a pipe is ENOTTY");

	/* Blocking: the child writes after a while; read waits for it. */
	long pid = sys_fork();
	if (pid == 0) {
		struct timespec ts = { 0, 30 * 1000 * 1000 };
		sys_nanosleep(&ts, NULL);
		sys_write(p[1], "late", 4);
		sys_exit_group(0);
	}
	ktap_expect(sys_read(p[0], buf, sizeof(buf)), 4, "read blocks until the child writes");
	sys_wait4((int)pid, NULL, 0, NULL);
	sys_close(p[1]);
	ktap_expect(sys_read(p[0], buf, sizeof(buf)), 0, "with every writer gone, read is end of file");
	sys_close(p[0]);

	/* A child writing to a pipe nobody reads dies of SIGPIPE. */
	sys_pipe(p);
	pid = sys_fork();
	if (pid == 0)
		write_to_closed_pipe(p);
	sys_close(p[0]);
	sys_close(p[1]);
	int status = 0;
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "writing with no reader kills with SIGPIPE (status %#x)", status);

	struct sigaction sa = { .sa_handler = on_sigpipe }, old;
	sigaction(SIGPIPE, &sa, &old);
	sys_pipe(p);
	sys_close(p[0]);
	ktap_expect(sys_write(p[1], "x", 1), -EPIPE, "with a handler, the write is EPIPE");
	ktap_ok(got_sigpipe == 1, "and SIGPIPE was delivered once");
	sys_close(p[1]);
	sigaction(SIGPIPE, &old, NULL);

	ktap_expect(sys_pipe2(p, O_CLOEXEC | O_NONBLOCK), 0, "pipe2(O_CLOEXEC|O_NONBLOCK)");
	ktap_expect(sys_fcntl(p[0], F_GETFD, 0), 1, "pipe2's ends are close-on-exec");
	ktap_expect(sys_fcntl(p[1], F_GETFL, 0), O_WRONLY | O_NONBLOCK, "and non-blocking");
	ktap_expect(sys_read(p[0], buf, 1), -EAGAIN, "reading an empty non-blocking pipe is EAGAIN");
	static char big[8192];
	long total = 0, n;
	while ((n = sys_write(p[1], big, sizeof(big))) > 0)
		total += n;
	ktap_expect(n, -EAGAIN, "a full non-blocking pipe is EAGAIN");
	ktap_expect(total, 65536, "a pipe holds 64 KiB");
	sys_close(p[0]);
	sys_close(p[1]);
	ktap_expect(sys_pipe2(p, 0x1), -EINVAL, "pipe2 with an unknown flag is EINVAL");
	ktap_expect(sys_pipe(BAD_PTR), -EFAULT, "pipe into a bad pointer is EFAULT");
}

static void test_dup_fcntl(void)
{
	long fd = sys_open("/dev/null", O_RDWR, 0);
	long d;

	d = sys_dup((int)fd);
	ktap_expect(d, fd + 1, "dup takes the lowest free descriptor");
	ktap_expect(sys_dup(999), -EBADF, "dup of a closed descriptor is EBADF");
	ktap_expect(sys_dup2((int)fd, 100), 100, "dup2 to 100");
	ktap_expect(sys_fcntl(100, F_GETFL, 0), O_RDWR | O_LARGEFILE, "the copy shares the flags");
	ktap_expect(sys_dup2((int)fd, (int)fd), fd, "dup2 onto itself returns it");
	ktap_expect(sys_dup2(999, 101), -EBADF, "dup2 of a closed descriptor is EBADF");
	ktap_expect(sys_dup2((int)fd, -1), -EBADF, "dup2 to -1 is EBADF");
	ktap_expect(sys_dup3((int)fd, (int)fd, 0), -EINVAL, "dup3 onto itself is EINVAL");
	ktap_expect(sys_dup3((int)fd, 101, 1), -EINVAL, "dup3 with an unknown flag is EINVAL");
	ktap_expect(sys_dup3((int)fd, 101, O_CLOEXEC), 101, "dup3 with O_CLOEXEC");
	ktap_expect(sys_fcntl(101, F_GETFD, 0), 1, "the copy is close-on-exec");
	ktap_expect(sys_fcntl(100, F_GETFD, 0), 0, "dup2's copy is not");
	ktap_expect(sys_fcntl((int)fd, F_DUPFD, 50), 50, "F_DUPFD from 50");
	ktap_expect(sys_fcntl((int)fd, F_DUPFD_CLOEXEC, 50), 51, "F_DUPFD_CLOEXEC from 50 takes 51");
	ktap_expect(sys_fcntl(51, F_GETFD, 0), 1, "F_DUPFD_CLOEXEC sets FD_CLOEXEC");
	ktap_expect(sys_fcntl(51, F_SETFD, 0), 0, "F_SETFD 0");
	ktap_expect(sys_fcntl(51, F_GETFD, 0), 0, "FD_CLOEXEC is clear");
	ktap_expect(sys_fcntl((int)fd, F_SETFL, O_NONBLOCK | O_WRONLY), 0, "F_SETFL O_NONBLOCK (and O_WRONLY)");
	ktap_expect(sys_fcntl(100, F_GETFL, 0), O_RDWR | O_NONBLOCK | O_LARGEFILE,
		    "O_NONBLOCK is shared by the copies; the access mode did not change");
	ktap_expect(sys_fcntl((int)fd, 12345, 0), -EINVAL, "an unknown fcntl command is EINVAL");
	ktap_expect(sys_fcntl(999, F_GETFD, 0), -EBADF, "fcntl on a closed descriptor is EBADF");
	ktap_expect(sys_fcntl((int)fd, F_DUPFD, 1L << 30), -EINVAL, "F_DUPFD beyond RLIMIT_NOFILE is EINVAL");
	sys_close(50);
	sys_close(51);
	sys_close(100);
	sys_close(101);
	sys_close((int)d);
	sys_close((int)fd);

	/* The file position is shared between duplicates. */
	fd = sys_open(self, O_RDONLY, 0);
	d = sys_dup((int)fd);
	sys_lseek((int)fd, 10, 0);
	ktap_expect(sys_lseek((int)d, 0, 1), 10, "duplicates share the file position");
	sys_close((int)d);
	sys_close((int)fd);
}

static void test_cloexec(void)
{
	long a = sys_open("/dev/null", O_RDONLY | O_CLOEXEC, 0);
	long b = sys_open("/dev/null", O_RDONLY, 0);
	long pid = sys_fork();

	if (pid == 0) {
		char sa[16], sb[16];
		snprintf(sa, sizeof(sa), "%ld", a);
		snprintf(sb, sizeof(sb), "%ld", b);
		char *argv[] = { (char *)self, "--check-cloexec", sa, sb, NULL };
		sys_execve(self, argv, environ);
		sys_exit_group(99);
	}
	int status = -1;
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"execve closes the O_CLOEXEC descriptor and keeps the other (status %#x)", status);
	sys_close((int)a);
	sys_close((int)b);
}

static void test_vectors(void)
{
	int p[2];
	char x[4] = "abc", y[4] = "def", out[8] = { 0 };
	struct iov wv[3] = { { x, 3 }, { NULL, 0 }, { y, 3 } };
	struct iov rv[2] = { { out, 2 }, { out + 2, 4 } };

	sys_pipe(p);
	ktap_expect(sys_writev(p[1], wv, 3), 6, "writev of three vectors (one empty)");
	ktap_expect(sys_readv(p[0], rv, 2), 6, "readv into two");
	ktap_ok(!memcmp(out, "abcdef", 6), "the bytes arrive in order");
	ktap_expect(sys_writev(p[1], wv, -1), -EINVAL, "writev with a negative count is EINVAL");
	ktap_expect(sys_writev(p[1], wv, 1025), -EINVAL, "writev with 1025 vectors is EINVAL");
	ktap_expect(sys_writev(p[1], BAD_PTR, 1), -EFAULT, "writev from a bad iovec is EFAULT");
	struct iov bad = { BAD_PTR, 4 };
	ktap_expect(sys_writev(p[1], &bad, 1), -EFAULT, "writev of a bad buffer is EFAULT");
	ktap_expect(sys_writev(999, wv, 1), -EBADF, "writev to a closed descriptor is EBADF");
	ktap_expect(sys_writev(p[1], wv, 0), 0, "writev of no vectors is 0");
	sys_close(p[0]);
	sys_close(p[1]);
}

static void test_console(void)
{
	unsigned char termios[60];
	unsigned short ws[4];
	int pgrp = -1;

	if (!on_ringside) {
		for (int k = 0; k < 6; k++)
			ktap_skip("not on Ringside", "the console is a terminal (%d)", k);
		return;
	}
	long fd = sys_open("/dev/console", O_RDWR, 0);
	ktap_ok(fd >= 0, "open /dev/console");
	ktap_expect(sys_ioctl((int)fd, TCGETS, termios), 0, "TCGETS on the console");
	unsigned lflag;
	memcpy(&lflag, termios + 12, 4);
	ktap_ok((lflag & 2) && (lflag & 8), "the console is in canonical mode with echo (c_lflag %#x)", lflag);
	ktap_expect(sys_ioctl((int)fd, TIOCGWINSZ, ws), 0, "TIOCGWINSZ on the console");
	ktap_expect(sys_ioctl((int)fd, TIOCGPGRP, &pgrp), 0, "TIOCGPGRP on the console");
	ktap_expect(sys_ioctl((int)fd, 0x54ff, NULL), -ENOTTY, "an unknown terminal ioctl is ENOTTY");
	sys_close((int)fd);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: vfstest\nFiles, descriptors, pipes and devices against Linux's semantics. KTAP on stdout.\n");
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "--check-cloexec")) {
		int a = atoi(argv[2]), b = atoi(argv[3]);
		return sys_fcntl(a, F_GETFD, 0) == -EBADF && sys_fcntl(b, F_GETFD, 0) == 0 ? 0 : 1;
	}
	self = ktap_self_path(argv[0]);   /* the tests chdir: keep a path that still works */
	on_ringside = running_on_ringside();
	printf("KTAP version 1\n");
	ktap_plan(196);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vfstest.%ld", sys_getpid());
	if (sys_mkdir(tmpdir, 0700) != 0) {
		printf("Bail out! cannot make %s\n", tmpdir);
		return 1;
	}
	sys_umask(022);
	test_open_read();
	test_devices();
	test_getdents();
	test_paths();
	test_tmpfs();
	test_pipes();
	test_dup_fcntl();
	test_cloexec();
	test_vectors();
	test_console();
	sys_rmdir(tmpdir);
	return ktap_finish();
}
