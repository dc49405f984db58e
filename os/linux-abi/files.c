/* files: the file system calls on the tree both machines share - /dev,
 * /tmp and this program's own executable: open, openat, close, read,
 * pread64, lseek, fstat/stat/lstat/newfstatat, getdents64, access,
 * readlink, symlink, getcwd, chdir, fchdir, mkdir, rmdir, unlink, ftruncate,
 * and stdio on top of them. */
#include "abi.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int has_entry(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (!strcmp(e->d_name, name))
			found = 1;
	closedir(d);
	return found;
}

int main(int argc, char **argv)
{
	char self[512], dir[64], buf[256];
	struct stat st;
	(void)argc;
	if (argv[0][0] == '/')
		snprintf(self, sizeof(self), "%s", argv[0]);
	else if (getcwd(buf, sizeof(buf)))
		snprintf(self, sizeof(self), "%s/%s", buf, argv[0]);

	int fd = open(self, O_RDONLY);
	T("open self", fd);
	T("read 4", read(fd, buf, 4));
	Y("ELF magic", !memcmp(buf, "\177ELF", 4));
	T("lseek CUR", lseek(fd, 0, SEEK_CUR));
	T("fstat", fstat(fd, &st));
	Y("regular", S_ISREG(st.st_mode));
	Y("lseek END is the size", lseek(fd, 0, SEEK_END) == st.st_size);
	T("read at end", read(fd, buf, 4));
	T("lseek -1", lseek(fd, -1, SEEK_SET));
	T("lseek whence 7", lseek(fd, 0, 7));
	T("pread 3 at 1", pread(fd, buf, 3, 1));
	printf("pread got: %.3s\n", buf);
	T("pread negative", pread(fd, buf, 3, -1));
	T("write to O_RDONLY", write(fd, "x", 1));
	T("F_GETFL", fcntl(fd, F_GETFL));
	/* open(2) itself (glibc's open() is openat): a 64-bit kernel forces
	 * O_LARGEFILE (0100000) for a 64-bit caller, not for an i386 one. */
	int lf = syscall(SYS_open, "/", O_RDONLY | O_DIRECTORY);
	T("open(2): O_LARGEFILE in F_GETFL", lf < 0 ? -1 : !!(fcntl(lf, F_GETFL) & 0100000));
	close(lf);
	lseek(fd, 0, SEEK_SET);
	T("read into bad pointer", read(fd, BAD_PTR, 4));
	T("fstat bad pointer", syscall(SYS_fstat, fd, BAD_PTR));
	T("close", close(fd));
	T("close again", close(fd));
	T("fstat closed", fstat(fd, &st));

	T("open missing", open("/no/such/file", O_RDONLY));
	T("open through a device", open("/dev/null/x", O_RDONLY));
	T("open bad pointer", syscall(SYS_open, BAD_PTR, O_RDONLY, 0));
	T("open empty", open("", O_RDONLY));
	T("open dir for writing", open("/dev", O_WRONLY));
	T("O_DIRECTORY on a device", open("/dev/null", O_RDONLY | O_DIRECTORY));
	char longpath[300];
	memset(longpath, 'a', sizeof(longpath));
	longpath[0] = '/';
	longpath[299] = 0;
	T("open long name", open(longpath, O_RDONLY));

	int dfd = open("/dev", O_RDONLY | O_DIRECTORY);
	T("open /dev", dfd);
	T("read a directory", read(dfd, buf, 4));
	int nfd = openat(dfd, "null", O_WRONLY);
	T("openat /dev null", nfd);
	T("write /dev/null", write(nfd, "abc", 3));
	close(nfd);
	T("fstatat zero", fstatat(dfd, "zero", &st, 0));
	printf("zero: chr %d major %u minor %u mode %o\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev), st.st_mode & 0777);
	T("AT_EMPTY_PATH", fstatat(dfd, "", &st, AT_EMPTY_PATH));
	Y("is a directory", S_ISDIR(st.st_mode));
	T("empty path", fstatat(dfd, "", &st, 0));
	T("fstatat bad flag", fstatat(dfd, "zero", &st, 0x80));
	T("openat closed dirfd", openat(999, "null", O_RDONLY));
	T("openat relative to a device", openat(0, "x", O_RDONLY) < 0 && errno == ENOTDIR ? -2 : 0);
	close(dfd);

	T("stat /dev/null", stat("/dev/null", &st));
	printf("null: chr %d major %u minor %u mode %o\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev), st.st_mode & 0777);
	T("stat bad pointer", syscall(SYS_stat, "/dev/null", BAD_PTR));
	Y("/dev lists null", has_entry("/dev", "null"));
	Y("/dev lists zero", has_entry("/dev", "zero"));
	Y("/dev lists .", has_entry("/dev", "."));
	fd = open("/dev/null", O_RDONLY);
	T("getdents64 on a device", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	close(fd);
	T("getdents64 closed", syscall(SYS_getdents64, 999, buf, sizeof(buf)));
	fd = open("/dev", O_RDONLY | O_DIRECTORY);
	T("getdents64 8-byte buffer", syscall(SYS_getdents64, fd, buf, 8));
	T("getdents64 bad pointer", syscall(SYS_getdents64, fd, BAD_PTR, 4096));
	close(fd);

	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 'x', 8);
	T("read /dev/zero", read(fd, buf, 8));
	printf("zeroes: %d %d\n", buf[0], buf[7]);
	T("lseek /dev/zero", lseek(fd, 100, SEEK_SET));
	close(fd);
	fd = open("/dev/full", O_WRONLY);
	T("write /dev/full", write(fd, "x", 1));
	close(fd);
	fd = open("/dev/null", O_RDWR);
	T("read /dev/null", read(fd, buf, 8));
	close(fd);

	T("access R_OK", access("/dev/null", R_OK));
	T("access X_OK self", access(self, X_OK));
	T("access missing", access("/no/such", F_OK));
	T("access mode 8", access("/dev/null", 8));
	T("readlink non-link", readlink("/dev/null", buf, sizeof(buf)));
	T("readlink bufsiz 0", syscall(SYS_readlink, "/dev/null", buf, 0));

	T("chdir /dev", chdir("/dev"));
	T("getcwd", syscall(SYS_getcwd, buf, sizeof(buf)));
	printf("cwd: %s\n", buf);
	T("getcwd 3 bytes", syscall(SYS_getcwd, buf, 3));
	T("stat relative", stat("null", &st));
	T("stat .. and .", stat("../dev/./zero", &st));
	T("chdir to a device", chdir("null"));
	T("chdir missing", chdir("/no/such"));
	fd = open("/", O_RDONLY | O_DIRECTORY);
	T("fchdir /", fchdir(fd));
	close(fd);
	printf("cwd: %s\n", getcwd(buf, sizeof(buf)));

	snprintf(dir, sizeof(dir), "/tmp/abi-files.%d", (int)getpid());
	umask(022);
	T("mkdir", mkdir(dir, 0700));
	T("mkdir again", mkdir(dir, 0700));
	T("chdir tmp dir", chdir(dir));
	fd = open("f", O_CREAT | O_EXCL | O_RDWR, 0666);
	T("create", fd);
	T("write hello", write(fd, "hello", 5));
	T("fstat new", fstat(fd, &st));
	printf("size %ld mode %o\n", (long)st.st_size, st.st_mode & 0777);
	T("O_EXCL again", open("f", O_CREAT | O_EXCL | O_RDWR, 0666));
	int afd = open("f", O_WRONLY | O_APPEND);
	T("append", write(afd, "!", 1));
	close(afd);
	T("pread all", pread(fd, buf, 32, 0));
	printf("contents: %.6s\n", buf);
	T("ftruncate 2", ftruncate(fd, 2));
	T("size after truncate", lseek(fd, 0, SEEK_END));
	T("ftruncate -1", ftruncate(fd, -1));
	T("seek past end", lseek(fd, 10, SEEK_SET));
	T("write z", write(fd, "z", 1));
	T("pread 11", pread(fd, buf, 11, 0));
	printf("hole: %c %d %c\n", buf[0], buf[5], buf[10]);
	T("symlink", symlink("f", "l"));
	memset(buf, 0, sizeof(buf));
	T("readlink", readlink("l", buf, sizeof(buf)));
	printf("target: %s\n", buf);
	T("readlink 0-sized truncation", readlink("l", buf, 1));
	T("stat follows", stat("l", &st));
	Y("regular", S_ISREG(st.st_mode));
	T("lstat", lstat("l", &st));
	Y("symlink", S_ISLNK(st.st_mode));
	T("O_NOFOLLOW", open("l", O_RDONLY | O_NOFOLLOW));
	T("symlink exists", symlink("f", "l"));
	T("unlink link", unlink("l"));
	T("unlink open file", unlink("f"));
	T("open unlinked", open("f", O_RDONLY));
	T("read through the open fd", pread(fd, buf, 2, 0));
	close(fd);
	T("mkdir d", mkdir("d", 0755));
	T("mkdir d/e", mkdir("d/e", 0755));
	T("rmdir non-empty", rmdir("d"));
	T("unlink a directory", unlink("d/e"));
	T("unlinkat REMOVEDIR", unlinkat(AT_FDCWD, "d/e", AT_REMOVEDIR));
	T("unlinkat bad flag", unlinkat(AT_FDCWD, "d", 1));
	fd = open("p", O_CREAT | O_WRONLY, 0600);
	close(fd);
	T("rmdir a file", rmdir("p"));
	unlink("p");
	T("rmdir d", rmdir("d"));

	FILE *fp = fopen("stdio", "w+");
	Y("fopen", fp != NULL);
	for (int i = 0; i < 1000; i++)
		fprintf(fp, "line %d %.2f\n", i, i / 3.0);
	T("fflush", fflush(fp));
	rewind(fp);
	long lines = 0;
	while (fgets(buf, sizeof(buf), fp))
		lines++;
	printf("lines read back: %ld, last: %s", lines, buf);
	fclose(fp);
	unlink("stdio");
	T("chdir /", chdir("/"));
	T("rmdir tmp dir", rmdir(dir));
	return 0;
}
