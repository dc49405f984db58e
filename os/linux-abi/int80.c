/* int80: Linux's i386 system calls made with `int $0x80` from this 64-bit
 * program, as a 64-bit Linux with CONFIG_IA32_EMULATION runs them: i386
 * numbers (arch/x86/entry/syscalls/syscall_32.tbl), arguments in ebx ecx
 * edx esi edi ebp, and the 32-bit structures of the compat layer: struct
 * stat64, compat_iovec, compat_siginfo, compat_sigaction, compat_stack_t,
 * compat_timespec, compat_tms, the 72-byte compat_rusage, pread64's and
 * _llseek's split offsets, clone's i386 argument order. Every pointer
 * handed over is static data, below 4 GiB (the kernel zero-extends each
 * register from 32 bits). */
#include "abi.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

/* The i386 numbers used here. */
enum {
	I_exit = 1, I_read = 3, I_write = 4, I_close = 6, I_waitpid = 7, I_creat = 8, I_chdir = 12,
	I_getpid = 20, I_getuid = 24, I_times = 43, I_pipe = 42, I_getgid = 47, I_setpgid = 57,
	I_getpgrp = 65, I_setsid = 66, I_ftruncate = 93, I_uname = 122, I_clone = 120,
	I_getpgid = 132, I_old_getrlimit = 76, I_old_mmap = 90, I_munmap = 91, I_oldstat = 106, I_oldlstat = 107, I_oldfstat = 108, I_llseek = 140, I_readv = 145, I_writev = 146, I_getsid = 147,
	I_nanosleep = 162, I_rt_sigaction = 174, I_rt_sigprocmask = 175, I_rt_sigpending = 176,
	I_rt_sigtimedwait = 177, I_rt_sigsuspend = 179, I_pread64 = 180, I_pwrite64 = 181,
	I_getcwd = 183, I_getdents = 141, I_sigaltstack = 186, I_stat64 = 195, I_lstat64 = 196, I_fstat64 = 197,
	I_getuid32 = 199, I_getgid32 = 200, I_geteuid32 = 201, I_getegid32 = 202,
	I_getdents64 = 220, I_fcntl64 = 221, I_gettid = 224, I_set_tid_address = 258,
	I_clock_nanosleep = 267, I_waitid = 284, I_mkdirat = 296, I_fstatat64 = 300,
	I_unlinkat = 301, I_symlinkat = 304, I_readlinkat = 305, I_faccessat = 307, I_dup3 = 330,
	I_pipe2 = 331, I_prlimit64 = 340, I_getrandom = 355,
};

/* One int $0x80 call. rbp is saved by hand (it may be the frame pointer),
 * below the red zone. */
static long i80(long nr, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r8 __asm__("r8") = f;
	__asm__ volatile("sub $128, %%rsp\n\tpush %%rbp\n\tmov %%r8, %%rbp\n\tint $0x80\n\t"
			 "pop %%rbp\n\tadd $128, %%rsp"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "r"(r8)
			 : "memory", "cc");
	return r;
}
#define P(x) ((long)(uintptr_t)(x))
#define C0(n) i80(n, 0, 0, 0, 0, 0, 0)
#define C1(n, a) i80(n, P(a), 0, 0, 0, 0, 0)
#define C2(n, a, b) i80(n, P(a), P(b), 0, 0, 0, 0)
#define C3(n, a, b, c) i80(n, P(a), P(b), P(c), 0, 0, 0)
#define C4(n, a, b, c, d) i80(n, P(a), P(b), P(c), P(d), 0, 0)
#define C5(n, a, b, c, d, e) i80(n, P(a), P(b), P(c), P(d), P(e), 0)

/* "label: result" for a raw call: the number, or -1 and the errno name. */
static void R(const char *label, long r)
{
	if (r < 0 && r > -4096)
		printf("%s: -1 %s\n", label, ename((int)-r));
	else
		printf("%s: %ld\n", label, r);
}

/* i386 struct stat64 (96 bytes, packed). */
struct stat64_32 {
	uint64_t st_dev;
	uint8_t pad0[4];
	uint32_t st_ino32, st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev;
	uint8_t pad3[4];
	int64_t st_size;
	uint32_t st_blksize;
	uint64_t st_blocks;
	uint32_t st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
	uint64_t st_ino;
} __attribute__((packed));
_Static_assert(sizeof(struct stat64_32) == 96, "struct stat64 is 96 bytes");

/* i386 struct stat of the old stat/lstat/fstat (64 bytes). */
struct stat32 {
	uint16_t st_dev, pad1;
	uint32_t st_ino;
	uint16_t st_mode, st_nlink, st_uid, st_gid, st_rdev, pad2;
	uint32_t st_size, st_blksize, st_blocks, st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec,
		 st_ctime_, st_ctime_nsec, unused4, unused5;
};
_Static_assert(sizeof(struct stat32) == 64, "compat_stat is 64 bytes");

/* What the old stat must say about a file that stat() described: the
 * same values, or EOVERFLOW exactly when one does not fit (a device
 * number with a major or minor above 255, a 64-bit inode number, a size
 * of 2 GiB or more). */
static int old_stat_fits(const struct stat *n)
{
	return major(n->st_dev) < 256 && minor(n->st_dev) < 256 && major(n->st_rdev) < 256 &&
	       minor(n->st_rdev) < 256 && n->st_ino <= 0xffffffffu && n->st_nlink <= 0xffff &&
	       n->st_size <= 0x7fffffff;
}

static int old_stat_agrees(long r, const struct stat32 *o, const struct stat *n)
{
	if (!old_stat_fits(n))
		return r == -EOVERFLOW;
	return r == 0 && o->st_dev == ((major(n->st_dev) << 8) | minor(n->st_dev)) && o->st_ino == n->st_ino &&
	       o->st_mode == (uint16_t)n->st_mode && o->st_nlink == n->st_nlink &&
	       o->st_rdev == ((major(n->st_rdev) << 8) | minor(n->st_rdev)) && o->st_size == n->st_size &&
	       o->st_blocks == n->st_blocks && o->st_mtime_ == (uint32_t)n->st_mtime && o->pad1 == 0 &&
	       o->pad2 == 0 && o->unused4 == 0 && o->unused5 == 0;
}

struct iovec32 { uint32_t base, len; };
struct sigaction32 { uint32_t handler, flags, restorer, mask[2]; };
struct stack32 { uint32_t sp; int32_t flags; uint32_t size; };
struct siginfo32 { int32_t signo, errno_, code, pid, uid, status, utime, stime; uint8_t rest[96]; };
_Static_assert(sizeof(struct siginfo32) == 128, "compat_siginfo is 128 bytes");

static struct stat64_32 st64;
static struct stat32 st32;
static struct stat st;
static char path[64], path2[64], dirpath[64], buf[256];
static int fds[2];
static struct iovec32 iov[3];
static char part1[4], part2[16];
static struct siginfo32 si;
static unsigned char rusage32[80];
static int status32;
static struct sigaction32 sa32, oldsa32;
static uint64_t set64, oldset64;
static int32_t ts32[2];
static struct stack32 ss32, oss32;
static char altstack[16384], altstack2[16384];
static int32_t tms32[4];
static int ptid, ctid;
static long long llres;

static void describe(const char *label, int st_)
{
	if (WIFEXITED(st_))
		printf("%s: exit %d\n", label, WEXITSTATUS(st_));
	else if (WIFSIGNALED(st_))
		printf("%s: signal %d\n", label, WTERMSIG(st_));
	else
		printf("%s: status %#x\n", label, st_);
}

/* The oldest i386 calls: oldstat/oldfstat/oldlstat (18, 28, 84) fill
 * struct __old_kernel_stat (seven 16-bit fields, then 32-bit size and
 * times; EOVERFLOW only for an inode number or link count past 16 bits),
 * olduname (109) struct old_utsname (five fields of 65 bytes),
 * oldolduname (59) five fields of 9 (8 characters and a NUL), and
 * ftruncate64 (194) takes the length in two registers, low half first. */
struct oldold_stat {
	uint16_t st_dev, st_ino, st_mode, st_nlink, st_uid, st_gid, st_rdev, pad;
	uint32_t st_size, st_atime_, st_mtime_, st_ctime_;
};
static struct oldold_stat oo;
static int oldold_agrees(long r, const struct stat *n)
{
	if (n->st_ino > 0xffff || n->st_nlink > 0xffff)
		return r == -EOVERFLOW;
	return r == 0 && oo.st_dev == (uint16_t)((major(n->st_dev) << 8) | minor(n->st_dev)) &&
	       oo.st_ino == n->st_ino && oo.st_mode == (uint16_t)n->st_mode && oo.st_nlink == n->st_nlink &&
	       oo.st_uid == n->st_uid && oo.st_gid == n->st_gid &&
	       oo.st_rdev == (uint16_t)((major(n->st_rdev) << 8) | minor(n->st_rdev)) &&
	       oo.st_size == (uint32_t)n->st_size && oo.st_mtime_ == (uint32_t)n->st_mtime && oo.pad == 0;
}
static struct utsname_new { char f[6][65]; } un;
static char oldun[6][65], ooun[48];
static void oldest_calls(void)
{
	enum { I_oldstat = 18, I_oldfstat = 28, I_oldolduname = 59, I_oldlstat = 84, I_olduname = 109,
	       I_ftruncate64 = 194 };
	long r = C2(I_oldstat, path, &oo);
	stat(path, &st);
	Y("oldstat: __old_kernel_stat's fields, or EOVERFLOW for an inode past 16 bits", oldold_agrees(r, &st));
	r = C2(I_oldlstat, path2, &oo);
	lstat(path2, &st);
	Y("oldlstat: the link itself", oldold_agrees(r, &st) && (r || S_ISLNK(oo.st_mode)));
	int fd = open("/dev/null", O_RDONLY);
	memset(&oo, 0xaa, sizeof(oo));
	r = C2(I_oldfstat, fd, &oo);
	fstat(fd, &st);
	Y("oldfstat /dev/null agrees with fstat", oldold_agrees(r, &st));
	if (!r)
		printf("oldfstat /dev/null: rdev %#x size %u\n", oo.st_rdev, oo.st_size);
	else
		printf("oldfstat /dev/null: rdev 0x103 size 0\n");   /* what fits: the host's inode may not */
	R("oldfstat bad fd", C2(I_oldfstat, 99, &oo));
	R("oldstat missing", C2(I_oldstat, "/nonexistent", &oo));
	R("oldstat bad pointer", C2(I_oldstat, "/", BAD_PTR));
	close(fd);

	syscall(SYS_uname, &un);
	memset(oldun, 0xaa, sizeof(oldun));
	R("olduname", C1(I_olduname, oldun));
	Y("olduname: uname's first five fields, nothing after", !memcmp(oldun, &un, 5 * 65) &&
	  (unsigned char)oldun[5][0] == 0xaa);
	R("olduname NULL", C1(I_olduname, 0));
	R("olduname bad pointer", C1(I_olduname, BAD_PTR));
	memset(ooun, 0xaa, sizeof(ooun));
	R("oldolduname", C1(I_oldolduname, ooun));
	int same = (unsigned char)ooun[45] == 0xaa;
	for (int k = 0; k < 5; k++)
		same &= !strncmp(ooun + 9 * k, un.f[k], 8) && ooun[9 * k + 8] == 0;
	Y("oldolduname: 8 characters of each and a NUL, 45 bytes", same);
	R("oldolduname NULL", C1(I_oldolduname, 0));

	fd = open(path, O_RDWR);
	R("ftruncate64 5000", C3(I_ftruncate64, fd, 5000, 0));
	fstat(fd, &st);
	printf("ftruncate64: size %lld\n", (long long)st.st_size);
	R("ftruncate64 10", C3(I_ftruncate64, fd, 10, 0));
	fstat(fd, &st);
	printf("ftruncate64: size %lld\n", (long long)st.st_size);
	R("ftruncate64 negative", C3(I_ftruncate64, fd, 0, 0x80000000u));
	R("ftruncate64 bad fd", C3(I_ftruncate64, 99, 0, 0));
	close(fd);
	fd = open(path, O_RDONLY);
	R("ftruncate64 read-only fd", C3(I_ftruncate64, fd, 0, 0));
	close(fd);
	/* The i386 open leaves O_LARGEFILE out: ftruncate past 2 GiB is then
	 * EINVAL (MAX_NON_LFS), and so is ftruncate64 (4.3's sys32_ftruncate64
	 * calls sys_ftruncate). */
	fd = (int)C2(5, path, O_RDWR);
	R("ftruncate 3 GiB without O_LARGEFILE", C2(I_ftruncate, fd, 0xc0000000u));
	R("ftruncate64 3 GiB without O_LARGEFILE", C3(I_ftruncate64, fd, 0xc0000000u, 0));
	C3(I_ftruncate64, fd, 0, 0);
	close(fd);
}

static void stat_family(void)
{
	memset(&st64, 0xaa, sizeof(st64));
	R("stat64 /dev/null", C2(I_stat64, "/dev/null", &st64));
	printf("stat64 mode %o rdev %#llx size %lld blocks %llu uid %u gid %u\n", st64.st_mode,
	       (unsigned long long)st64.st_rdev, (long long)st64.st_size,
	       (unsigned long long)st64.st_blocks, st64.st_uid, st64.st_gid);
	printf("stat64 padding left alone: %02x%02x%02x%02x %02x%02x%02x%02x\n", st64.pad0[0], st64.pad0[1],
	       st64.pad0[2], st64.pad0[3], st64.pad3[0], st64.pad3[1], st64.pad3[2], st64.pad3[3]);
	stat("/dev/null", &st);
	Y("stat64 agrees with stat (dev, ino, ino32, nlink, mtime)",
	  st64.st_dev == st.st_dev && st64.st_ino == st.st_ino && st64.st_ino32 == (uint32_t)st.st_ino &&
	  st64.st_nlink == st.st_nlink && st64.st_mtime_ == (uint32_t)st.st_mtime);

	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0640);
	memset(buf, 'a', sizeof(buf));
	for (int k = 0; k < 20; k++)
		write(fd, buf, 250);
	memset(&st64, 0xaa, sizeof(st64));
	R("fstat64 file", C2(I_fstat64, fd, &st64));
	fstat(fd, &st);
	printf("fstat64 mode %o size %lld blksize %u\n", st64.st_mode, (long long)st64.st_size, st64.st_blksize);
	Y("fstat64 blocks and ino as fstat's", st64.st_blocks == (uint64_t)st.st_blocks && st64.st_ino == st.st_ino);
	R("fstat64 bad fd", C2(I_fstat64, 99, &st64));
	R("fstat64 bad pointer", C2(I_fstat64, fd, BAD_PTR));
	close(fd);

	symlink(path, path2);
	R("lstat64 symlink", C2(I_lstat64, path2, &st64));
	Y("lstat64 sees a link of the target's name length", S_ISLNK(st64.st_mode) && st64.st_size == (int64_t)strlen(path));
	R("stat64 symlink", C2(I_stat64, path2, &st64));
	printf("stat64 through the link: mode %o size %lld\n", st64.st_mode, (long long)st64.st_size);
	R("stat64 missing", C2(I_stat64, "/no/such", &st64));
	R("stat64 bad path", C2(I_stat64, BAD_PTR, &st64));
	R("stat64 bad buffer", C2(I_stat64, "/dev/null", BAD_PTR));
	R("fstatat64 AT_FDCWD", C4(I_fstatat64, AT_FDCWD, path, &st64, 0));
	printf("fstatat64 size %lld\n", (long long)st64.st_size);
	R("fstatat64 nofollow", C4(I_fstatat64, AT_FDCWD, path2, &st64, AT_SYMLINK_NOFOLLOW));
	Y("fstatat64 nofollow: a link", S_ISLNK(st64.st_mode));
	R("fstatat64 flag 1", C4(I_fstatat64, AT_FDCWD, path, &st64, 1));
	R("fstatat64 bad dirfd", C4(I_fstatat64, 99, "x", &st64, 0));
	R("fstatat64 empty path", C4(I_fstatat64, AT_FDCWD, "", &st64, 0));
	memset(&st32, 0xaa, sizeof(st32));
	long r = C2(I_oldstat, "/dev/null", &st32);
	stat("/dev/null", &st);
	Y("old stat /dev/null agrees with stat()", old_stat_agrees(r, &st32, &st));
	printf("old stat /dev/null: mode %o rdev %#x\n", st32.st_mode, st32.st_rdev);
	memset(&st32, 0xaa, sizeof(st32));
	r = C2(I_oldlstat, path2, &st32);
	lstat(path2, &st);
	Y("old lstat of the link agrees with lstat()", old_stat_agrees(r, &st32, &st));
	stat("/dev/null", &st);
	r = C2(I_oldstat, "/dev/null", BAD_PTR);
	Y("old stat bad buffer: EFAULT (EOVERFLOW first where /dev/null does not fit)",
	  r == (old_stat_fits(&st) ? -EFAULT : -EOVERFLOW));
	R("old stat missing", C2(I_oldstat, "/no/such", &st32));
	R("old fstat bad fd", C2(I_oldfstat, 99, &st32));
	pipe(fds);
	memset(&st32, 0xaa, sizeof(st32));
	r = C2(I_oldfstat, fds[0], &st32);
	fstat(fds[0], &st);
	Y("old fstat of a pipe agrees with fstat()", old_stat_agrees(r, &st32, &st));
	R("fstat64 pipe", C2(I_fstat64, fds[0], &st64));
	printf("pipe: fifo %d size %lld\n", S_ISFIFO(st64.st_mode), (long long)st64.st_size);
}

static void vectors(void)
{
	static const char a[] = "abc", b[] = "defg";
	iov[0] = (struct iovec32){ (uint32_t)P(a), 3 };
	iov[1] = (struct iovec32){ (uint32_t)P(b), 4 };
	R("writev 2", C3(I_writev, fds[1], iov, 2));
	iov[0] = (struct iovec32){ (uint32_t)P(part1), 3 };
	iov[1] = (struct iovec32){ (uint32_t)P(part2), sizeof(part2) };
	R("readv 2", C3(I_readv, fds[0], iov, 2));
	printf("readv got: %.3s|%.4s\n", part1, part2);
	R("writev 0", C3(I_writev, fds[1], iov, 0));
	R("writev 1025", C3(I_writev, fds[1], iov, 1025));
	R("writev bad vector", C3(I_writev, fds[1], BAD_PTR, 1));
	iov[0] = (struct iovec32){ 0x10, 3 };
	R("writev bad base", C3(I_writev, fds[1], iov, 1));
	iov[0] = (struct iovec32){ (uint32_t)P(a), 0x80000000u };
	R("writev negative length", C3(I_writev, fds[1], iov, 1));
	R("readv on the write end", C3(I_readv, fds[1], iov, 1));
	R("readv bad fd", C3(I_readv, 99, iov, 1));

	int fd = open(path, O_RDWR);
	R("pwrite64 at 3", i80(I_pwrite64, fd, P("XYZ"), 3, 3, 0, 0));
	memset(buf, 0, sizeof(buf));
	R("pread64 at 1", i80(I_pread64, fd, P(buf), 6, 1, 0, 0));
	printf("pread64 got: %s\n", buf);
	R("pread64 at 4 GiB", i80(I_pread64, fd, P(buf), 6, 0, 1, 0));
	R("pread64 negative", i80(I_pread64, fd, P(buf), 6, 0, 0x80000000L, 0));
	R("pread64 pipe", i80(I_pread64, fds[0], P(buf), 6, 0, 0, 0));
	R("pread64 bad buffer", i80(I_pread64, fd, 0x10, 6, 0, 0, 0));
	R("_llseek SET 2", C5(I_llseek, fd, 0, 2, &llres, SEEK_SET));
	printf("_llseek result %lld\n", llres);
	R("_llseek END -1", C5(I_llseek, fd, 0xffffffffL, 0xffffffffL, &llres, SEEK_END));
	printf("_llseek result %lld\n", llres);
	R("_llseek SET 4 GiB + 5", C5(I_llseek, fd, 1, 5, &llres, SEEK_SET));
	printf("_llseek result %lld\n", llres);
	R("_llseek whence 5", C5(I_llseek, fd, 0, 0, &llres, 5));
	R("_llseek before 0", C5(I_llseek, fd, 0xffffffffL, 0xfffffff0L, &llres, SEEK_SET));
	R("_llseek bad result", C5(I_llseek, fd, 0, 7, BAD_PTR, SEEK_SET));
	T("... but it moved", lseek(fd, 0, SEEK_CUR));
	R("_llseek pipe", C5(I_llseek, fds[0], 0, 0, &llres, SEEK_SET));
	R("_llseek bad fd", C5(I_llseek, 99, 0, 0, &llres, SEEK_SET));
	R("ftruncate 100", C2(I_ftruncate, fd, 100));
	fstat(fd, &st);
	printf("size now %lld\n", (long long)st.st_size);
	close(fd);
}

/* The old i386 getdents (141): struct linux_dirent of 32-bit words, d_ino
 * (u32) at 0, d_off (s32) at 4, d_reclen (u16) at 8, the name and its NUL
 * at 10, d_type in the record's last byte; records padded to 4 bytes, the
 * padding left as the buffer held it. Compared with getdents64 on the same
 * directory (".", "..", "f", "l", "fifth"; a five-letter name's record
 * is 20 bytes). d_off is a cookie (a hash on ext4,
 * narrowed to 32 bits for a compat call): it is checked by seeking to it
 * with the i386 lseek and reading the next record. */
static unsigned char d32[512], d64[512];
static int dirent_matches(const unsigned char *r32, const unsigned char *r64)
{
	uint32_t ino32; uint64_t ino64; uint16_t rl;
	memcpy(&ino32, r32, 4); memcpy(&rl, r32 + 8, 2); memcpy(&ino64, r64, 8);
	const char *name = (const char *)r32 + 10;
	size_t len = strlen(name);
	int pad_kept = 1;
	for (size_t k = 10 + len + 1; k + 1 < rl; k++)
		pad_kept &= r32[k] == 0xaa;
	struct stat sb;
	if (fstatat(AT_FDCWD, name, &sb, AT_SYMLINK_NOFOLLOW))
		return 0;
	return ino32 == ino64 && ino32 == sb.st_ino && rl == ((10 + len + 2 + 3) & ~3u) &&
	       !strcmp(name, (const char *)r64 + 19) && r32[rl - 1] == r64[18] && pad_kept;
}
static void getdents_old(void)
{
	enum { I_lseek = 19 };
	close(open("fifth", O_CREAT | O_WRONLY, 0600));
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	long n64 = syscall(SYS_getdents64, dfd, d64, sizeof(d64));
	lseek(dfd, 0, SEEK_SET);
	memset(d32, 0xaa, sizeof(d32));
	long n = C3(I_getdents, dfd, d32, sizeof(d32));
	R("getdents: bytes for . .. f l fifth", n);
	int same = n > 0, count = 0, seeks = 1;
	long p32 = 0, p64 = 0;
	while (same && p32 < n && p64 < n64) {
		uint16_t rl, rl64;
		memcpy(&rl, d32 + p32 + 8, 2);
		memcpy(&rl64, d64 + p64 + 16, 2);
		same &= rl != 0 && rl64 != 0 && dirent_matches(d32 + p32, d64 + p64);
		p32 += rl; p64 += rl64; count++;
	}
	Y("getdents: each record is getdents64's in 32-bit words", same && p32 == n && p64 == n64);
	printf("getdents: %d records\n", count);
	R("getdents at the end", C3(I_getdents, dfd, d32, sizeof(d32)));
	/* Each record's d_off leads to the record after it. */
	static unsigned char all[512], one[64];
	memcpy(all, d32, sizeof(all));
	for (long p = 0; p < n;) {
		int32_t off; uint16_t rl;
		memcpy(&off, all + p + 4, 4);
		memcpy(&rl, all + p + 8, 2);
		if (!rl || rl > n - p) {
			seeks = 0;
			break;
		}
		p += rl;
		C3(I_lseek, dfd, off, SEEK_SET);
		long m = C3(I_getdents, dfd, one, sizeof(one));
		seeks &= p < n ? m > 0 && !strcmp((char *)one + 10, (char *)all + p + 10) : m == 0;
	}
	Y("getdents: seeking to a record's d_off reads the next one", seeks);
	/* Buffers sized to the records, whichever order the directory has. */
	uint16_t rl0, rl1;
	memcpy(&rl0, all + 8, 2);
	memcpy(&rl1, all + rl0 + 8, 2);
	lseek(dfd, 0, SEEK_SET);
	Y("getdents: room for one record reads it", C3(I_getdents, dfd, d32, rl0) == rl0);
	Y("getdents: the next call reads the second", C3(I_getdents, dfd, d32, rl1) == rl1 &&
	  !strcmp((char *)d32 + 10, (char *)all + rl0 + 10));
	R("getdents buffer too small for one", C3(I_getdents, dfd, d32, 11));
	lseek(dfd, 0, SEEK_SET);
	R("getdents bad pointer", C3(I_getdents, dfd, BAD_PTR, sizeof(d32)));
	R("getdents bad fd", C3(I_getdents, 99, d32, sizeof(d32)));
	R("getdents bad fd and bad pointer", C3(I_getdents, 99, BAD_PTR, sizeof(d32)));
	int ffd = open("f", O_RDONLY);
	R("getdents on a file", C3(I_getdents, ffd, d32, sizeof(d32)));
	close(ffd);
	/* A buffer whose second record crosses into an unmapped page: the
	 * first record's bytes come back, and the next call resumes there. */
	static uint32_t mm[6] = { 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint32_t)-1, 0 };
	long a = C1(90, mm);
	C2(91, a + 4096, 4096);
	lseek(dfd, 0, SEEK_SET);
	Y("getdents: the second record faults, the first comes back",
	  C3(I_getdents, dfd, a + 4096 - rl0 - 4, 64) == rl0);
	Y("getdents: the next call resumes at the second",
	  C3(I_getdents, dfd, d32, rl1) == rl1 && !strcmp((char *)d32 + 10, (char *)all + rl0 + 10));
	C2(91, a, 4096);
	close(dfd);
	unlink("fifth");
}

static void files(void)
{
	snprintf(dirpath, sizeof(dirpath), "%s.d", path);
	R("mkdirat", C3(I_mkdirat, AT_FDCWD, dirpath, 0755));
	R("mkdirat again", C3(I_mkdirat, AT_FDCWD, dirpath, 0755));
	R("chdir", C1(I_chdir, dirpath));
	Y("creat", C2(I_creat, "f", 0600) >= 0);
	R("symlinkat", C3(I_symlinkat, "f", AT_FDCWD, "l"));
	memset(buf, 0, sizeof(buf));
	R("readlinkat", C4(I_readlinkat, AT_FDCWD, "l", buf, sizeof(buf)));
	printf("link reads: %s\n", buf);
	R("readlinkat not a link", C4(I_readlinkat, AT_FDCWD, "f", buf, sizeof(buf)));
	R("faccessat F_OK", C3(I_faccessat, AT_FDCWD, "l", F_OK));
	R("faccessat missing", C3(I_faccessat, AT_FDCWD, "nope", F_OK));
	memset(buf, 0, sizeof(buf));
	long n = C2(I_getcwd, buf, sizeof(buf));
	Y("getcwd: the directory, length with its NUL", n == (long)strlen(dirpath) + 1 && !strcmp(buf, dirpath));
	R("getcwd too small", C2(I_getcwd, buf, 2));
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	n = C3(I_getdents64, dfd, buf, sizeof(buf));
	Y("getdents64 reads entries", n > 0);
	close(dfd);
	getdents_old();
	R("unlinkat f", C3(I_unlinkat, AT_FDCWD, "f", 0));
	R("unlinkat l", C3(I_unlinkat, AT_FDCWD, "l", 0));
	R("unlinkat missing", C3(I_unlinkat, AT_FDCWD, "f", 0));
	R("chdir /", C1(I_chdir, "/"));
	R("unlinkat dir AT_REMOVEDIR", C3(I_unlinkat, AT_FDCWD, dirpath, AT_REMOVEDIR));

	R("pipe", C1(I_pipe, fds));
	R("pipe2 bad flags", C2(I_pipe2, fds, 0x1234));
	R("dup3 same fd", C3(I_dup3, fds[0], fds[0], 0));
	R("fcntl64 F_SETFD", C3(I_fcntl64, fds[0], F_SETFD, FD_CLOEXEC));
	R("fcntl64 F_GETFD", C3(I_fcntl64, fds[0], F_GETFD, 0));
	close(fds[0]);
	close(fds[1]);
	Y("getuid/getuid32/geteuid32 as getuid()", C0(I_getuid) == (long)getuid() && C0(I_getuid32) == (long)getuid() &&
	  C0(I_geteuid32) == (long)geteuid());
	Y("getgid/getgid32/getegid32 as getgid()", C0(I_getgid) == (long)getgid() && C0(I_getgid32) == (long)getgid() &&
	  C0(I_getegid32) == (long)getegid());
	Y("set_tid_address returns the tid", C1(I_set_tid_address, &ctid) == C0(I_gettid));
	unsigned char rnd[8];
	static unsigned char rndbuf[8];
	(void)rnd;
	R("getrandom 8", C3(I_getrandom, rndbuf, 8, 0));
	static unsigned long long lim[2];
	static uint32_t lim32[2];
	struct rlimit rl;
	const int res[] = { RLIMIT_NOFILE, RLIMIT_STACK, RLIMIT_AS };
	for (int k = 0; k < 3; k++) {
		getrlimit(res[k], &rl);
		long r = C2(I_old_getrlimit, res[k], lim32);
		printf("old getrlimit %d: %ld, ", res[k], r);
		Y("getrlimit's values, capped at 0x7fffffff",
		  lim32[0] == (rl.rlim_cur > 0x7fffffff ? 0x7fffffffu : rl.rlim_cur) &&
		  lim32[1] == (rl.rlim_max > 0x7fffffff ? 0x7fffffffu : rl.rlim_max));
	}
	R("old getrlimit resource 99", C2(I_old_getrlimit, 99, lim32));
	R("old getrlimit bad pointer", C2(I_old_getrlimit, RLIMIT_NOFILE, BAD_PTR));
	static uint32_t mm[6];
	mm[0] = 0; mm[1] = 8192; mm[2] = PROT_READ | PROT_WRITE; mm[3] = MAP_PRIVATE | MAP_ANONYMOUS;
	mm[4] = (uint32_t)-1; mm[5] = 0;
	long a = C1(I_old_mmap, mm);
	Y("old mmap: two zeroed pages below 4 GiB that we can write",
	  a > 0 && a < 0xffffffffL && ((char *)a)[4097] == 0 && (((char *)a)[4097] = 1));
	R("munmap them", C2(I_munmap, a, 8192));
	mm[5] = 100;
	R("old mmap offset not page-aligned", C1(I_old_mmap, mm));
	R("old mmap bad pointer", C1(I_old_mmap, BAD_PTR));
	mm[5] = 0; mm[3] = MAP_SHARED | MAP_ANONYMOUS; mm[1] = 0;
	R("old mmap length 0", C1(I_old_mmap, mm));
	R("prlimit64 NOFILE", C4(I_prlimit64, 0, 7, 0, lim));
	Y("prlimit64: soft <= hard", lim[0] <= lim[1]);
}

static void processes(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	memset(&si, 0xaa, sizeof(si));
	memset(rusage32, 0xaa, sizeof(rusage32));
	R("waitid P_PID WEXITED", C5(I_waitid, P_PID, pid, &si, WEXITED, rusage32));
	printf("compat siginfo: signo %d errno %d code %d status %d uid %d pid-at-12 %d\n", si.signo, si.errno_,
	       si.code, si.status, si.uid, si.pid == pid);
	Y("compat rusage is 72 bytes (72..79 untouched)", rusage32[72] == 0xaa && rusage32[79] == 0xaa);
	R("waitid no child", C4(I_waitid, P_ALL, 0, &si, WEXITED));
	R("waitid no event", C4(I_waitid, P_ALL, 0, &si, 0));
	R("waitid bad idtype", C4(I_waitid, 9, 0, &si, WEXITED));

	/* After SIGCONT the child waits for EOF on a pipe the parent closes
	 * once it has seen WCONTINUED: a child that exited first would leave
	 * no continued event to wait for (ECHILD), a race under load. */
	int hold[2];
	pipe(hold);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char b;
		close(hold[1]);
		raise(SIGSTOP);
		while (read(hold[0], &b, 1) > 0)
			;
		_exit(3);
	}
	close(hold[0]);
	R("waitid WSTOPPED", C4(I_waitid, P_PID, pid, &si, WSTOPPED));
	printf("stopped: code %d status %d\n", si.code, si.status);
	memset(&si, 0xaa, sizeof(si));
	R("waitid WNOHANG nothing", C4(I_waitid, P_PID, pid, &si, WEXITED | WNOHANG));
	printf("nothing: signo %d pid %d\n", si.signo, si.pid);
	kill(pid, SIGCONT);
	R("waitid WCONTINUED", C4(I_waitid, P_PID, pid, &si, WCONTINUED));
	printf("continued: code %d status %d\n", si.code, si.status);
	close(hold[1]);
	Y("waitpid", C3(I_waitpid, pid, &status32, 0) == pid);
	describe("waitpid status", status32);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(4);
	R("waitid bad siginfo", C4(I_waitid, P_PID, pid, BAD_PTR, WEXITED));
	R("... the child is gone", C4(I_waitid, P_PID, pid, &si, WEXITED));

	/* clone in the i386 order: flags, newsp, parent_tid, tls, child_tid.
	 * The child finds its tid where child_tid pointed. */
	fflush(stdout);
	ptid = ctid = 0;
	long c = i80(I_clone, SIGCHLD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, 0, P(&ptid), 0, P(&ctid), 0);
	if (c == 0)
		_exit(ctid == getpid() ? 21 : 22);
	Y("clone: parent_tid holds the child", c > 0 && ptid == c);
	waitpid((pid_t)c, &status32, 0);
	describe("clone child (21: child_tid set)", status32);
	R("clone CLONE_THREAD alone", i80(I_clone, CLONE_THREAD | SIGCHLD, 0, 0, 0, 0, 0));
	/* A child that reports with no signal is a "clone" child: waits
	 * without __WCLONE or __WALL do not see it. */
	fflush(stdout);
	c = i80(I_clone, 0, 0, 0, 0, 0, 0);
	if (c == 0)
		_exit(5);
	R("waitpid clone child, no __WCLONE", C3(I_waitpid, c, &status32, 0));
	Y("waitpid clone child, __WCLONE", C3(I_waitpid, c, &status32, __WCLONE) == c);
	describe("its status", status32);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(6);
	R("waitid fork child, __WCLONE", C4(I_waitid, P_PID, pid, &si, WEXITED | __WCLONE));
	R("waitid fork child, __WALL", C4(I_waitid, P_PID, pid, &si, WEXITED | __WALL));
	printf("status %d\n", si.status);

	R("times", C1(I_times, tms32) == -EFAULT ? -1 : 0);
	Y("times: four clock_t, none negative", tms32[0] >= 0 && tms32[1] >= 0 && tms32[2] >= 0 && tms32[3] >= 0);
	R("times bad pointer", C1(I_times, BAD_PTR));
	ts32[0] = 0;
	ts32[1] = 1000000;
	R("clock_nanosleep 1 ms", C4(I_clock_nanosleep, CLOCK_MONOTONIC, 0, ts32, ts32));
	R("clock_nanosleep clock 99", C4(I_clock_nanosleep, 99, 0, ts32, 0));
	R("clock_nanosleep bad request", C4(I_clock_nanosleep, CLOCK_MONOTONIC, 0, BAD_PTR, 0));
	ts32[1] = 1000000000;
	R("clock_nanosleep nsec 1e9", C4(I_clock_nanosleep, CLOCK_MONOTONIC, 0, ts32, 0));
	ts32[1] = 0;
	R("clock_nanosleep abstime 0", C4(I_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, ts32, 0));
	ts32[1] = 1000;
	R("nanosleep 1 us", C2(I_nanosleep, ts32, 0));

	Y("getpgid(0) is getpgrp", C1(I_getpgid, 0) == C0(I_getpgrp));
	Y("getsid(0) as getsid()", C1(I_getsid, 0) == getsid(0));
	R("setpgid(0, 0)", C2(I_setpgid, 0, 0));
	Y("now leads its group", C0(I_getpgrp) == getpid());
	R("setsid as a group leader", C0(I_setsid));
	R("getpgid missing", C1(I_getpgid, 0x3ffffff0));
}

static volatile int hits;
static volatile long on_alt;
static void on_sig(int sig)
{
	int local;
	(void)sig;
	hits++;
	on_alt = (char *)&local >= altstack && (char *)&local < altstack + sizeof(altstack);
	static struct stack32 in;
	if (on_alt) {
		C2(I_sigaltstack, 0, &in);
		printf("in the handler: sigaltstack flags %d\n", in.flags);
		R("change it while on it", C2(I_sigaltstack, &ss32, 0));
	}
}

/* A restorer to name in a compat sigaction (never returned through). */
void abi_restore_rt(void);
__asm__(".text\n.globl abi_restore_rt\nabi_restore_rt:\n\tmov $15, %eax\n\tsyscall\n\thlt\n");

static void signals(void)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaddset(&sa.sa_mask, 40);
	sigaction(SIGUSR1, &sa, NULL);
	R("rt_sigaction read", C4(I_rt_sigaction, SIGUSR1, 0, &oldsa32, 8));
	Y("compat sigaction: handler, mask halves", oldsa32.handler == (uint32_t)P(on_sig) &&
	  oldsa32.mask[0] == 1u << (SIGUSR2 - 1) && oldsa32.mask[1] == 1u << (40 - 33));
	printf("flags has SA_RESTORER: %d\n", !!(oldsa32.flags & 0x04000000));

	sa32 = (struct sigaction32){ (uint32_t)P(on_sig), 0x04000000 | SA_ONSTACK, (uint32_t)P(abi_restore_rt),
				     { 1u << (SIGKILL - 1) | 1u << (SIGUSR2 - 1), 1u << (50 - 33) } };
	R("rt_sigaction install", C4(I_rt_sigaction, SIGUSR1, &sa32, 0, 8));
	sigaction(SIGUSR1, NULL, &old);
	Y("seen by sigaction: handler, restorer flag, mask without SIGKILL",
	  old.sa_handler == on_sig && sigismember(&old.sa_mask, SIGUSR2) && sigismember(&old.sa_mask, 50) &&
	  !sigismember(&old.sa_mask, SIGKILL) && (old.sa_flags & SA_ONSTACK));
	R("rt_sigaction sigsetsize 4", C4(I_rt_sigaction, SIGUSR1, &sa32, 0, 4));
	R("rt_sigaction signal 0", C4(I_rt_sigaction, 0, 0, &oldsa32, 8));
	R("rt_sigaction signal 65", C4(I_rt_sigaction, 65, 0, &oldsa32, 8));
	R("rt_sigaction SIGKILL install", C4(I_rt_sigaction, SIGKILL, &sa32, 0, 8));
	R("rt_sigaction SIGKILL read", C4(I_rt_sigaction, SIGKILL, 0, &oldsa32, 8));
	R("rt_sigaction bad act", C4(I_rt_sigaction, SIGUSR1, BAD_PTR, 0, 8));
	R("rt_sigaction bad act, signal 0", C4(I_rt_sigaction, 0, BAD_PTR, 0, 8));
	sa32.handler = (uint32_t)P(SIG_IGN);
	R("rt_sigaction bad oact", C4(I_rt_sigaction, SIGUSR2, &sa32, BAD_PTR, 8));
	sigaction(SIGUSR2, NULL, &old);
	Y("... the new action is in place all the same", old.sa_handler == SIG_IGN);
	signal(SIGUSR2, SIG_DFL);
	/* Not delivered: which frame a handler installed through int $0x80
	 * gets differs between Linux versions (4.3: the task's kind, a 64-bit
	 * frame; since 4.9: an i386 frame, SA_IA32_ABI). Reinstalled with the
	 * 64-bit call for the rest. */
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);

	/* sigaltstack with compat_stack_t */
	ss32 = (struct stack32){ (uint32_t)P(altstack), 0, sizeof(altstack) };
	memset(&oss32, 0xaa, sizeof(oss32));
	R("sigaltstack set", C2(I_sigaltstack, &ss32, &oss32));
	printf("old: flags %d size %u\n", oss32.flags, oss32.size);
	memset(&oss32, 0xaa, sizeof(oss32));
	R("sigaltstack read", C2(I_sigaltstack, 0, &oss32));
	Y("compat_stack_t: sp, flags, size", oss32.sp == (uint32_t)P(altstack) && oss32.flags == 0 &&
	  oss32.size == sizeof(altstack));
	stack_t cur;
	sigaltstack(NULL, &cur);
	Y("sigaltstack() sees it", cur.ss_sp == altstack && cur.ss_size == sizeof(altstack) && cur.ss_flags == 0);
	raise(SIGUSR1);
	printf("SA_ONSTACK handler ran on it: %ld\n", on_alt);
	ss32.size = 100;
	R("sigaltstack too small", C2(I_sigaltstack, &ss32, 0));
	ss32 = (struct stack32){ (uint32_t)P(altstack), 5, sizeof(altstack) };
	R("sigaltstack flags 5", C2(I_sigaltstack, &ss32, 0));
	R("sigaltstack bad ss", C2(I_sigaltstack, BAD_PTR, 0));
	ss32 = (struct stack32){ (uint32_t)P(altstack2), 0, sizeof(altstack2) };
	R("sigaltstack bad oss", C2(I_sigaltstack, &ss32, BAD_PTR));
	sigaltstack(NULL, &cur);
	Y("... the new stack is in place all the same", cur.ss_sp == altstack2);
	ss32 = (struct stack32){ 0, SS_DISABLE, 0 };
	R("sigaltstack disable", C2(I_sigaltstack, &ss32, &oss32));
	R("sigaltstack read", C2(I_sigaltstack, 0, &oss32));
	printf("now: flags %d size %u\n", oss32.flags, oss32.size);

	/* masks */
	set64 = 1ull << (SIGUSR2 - 1) | 1ull << (SIGKILL - 1);
	R("rt_sigprocmask block", C4(I_rt_sigprocmask, SIG_BLOCK, &set64, &oldset64, 8));
	R("rt_sigprocmask read", C4(I_rt_sigprocmask, SIG_BLOCK, 0, &oldset64, 8));
	printf("blocked: %#llx\n", (unsigned long long)oldset64);
	R("rt_sigprocmask how 3", C4(I_rt_sigprocmask, 3, &set64, 0, 8));
	R("rt_sigprocmask sigsetsize 4", C4(I_rt_sigprocmask, SIG_BLOCK, &set64, 0, 4));
	R("rt_sigprocmask bad set", C4(I_rt_sigprocmask, SIG_BLOCK, BAD_PTR, 0, 8));
	raise(SIGUSR2);
	oldset64 = 0;
	R("rt_sigpending", C2(I_rt_sigpending, &oldset64, 8));
	printf("pending: %#llx\n", (unsigned long long)oldset64);
	R("rt_sigpending sigsetsize 9", C2(I_rt_sigpending, &oldset64, 9));
	R("rt_sigpending bad pointer", C2(I_rt_sigpending, BAD_PTR, 8));
	set64 = 1ull << (SIGUSR2 - 1);
	memset(&si, 0xaa, sizeof(si));
	R("rt_sigtimedwait pending", C4(I_rt_sigtimedwait, &set64, &si, 0, 8));
	printf("compat siginfo: signo %d code %d pid-at-12 %d uid %d\n", si.signo, si.code, si.pid == getpid(), si.uid);
	ts32[0] = 0;
	ts32[1] = 2000000;
	R("rt_sigtimedwait timeout", C4(I_rt_sigtimedwait, &set64, &si, ts32, 8));
	ts32[1] = 1000000000;
	R("rt_sigtimedwait nsec 1e9", C4(I_rt_sigtimedwait, &set64, &si, ts32, 8));
	R("rt_sigtimedwait bad timespec", C4(I_rt_sigtimedwait, &set64, &si, BAD_PTR, 8));
	R("rt_sigtimedwait bad set", C4(I_rt_sigtimedwait, BAD_PTR, &si, ts32, 8));
	R("rt_sigtimedwait sigsetsize 4", C4(I_rt_sigtimedwait, &set64, &si, ts32, 4));
	raise(SIGUSR2);
	R("rt_sigtimedwait bad siginfo", C4(I_rt_sigtimedwait, &set64, BAD_PTR, 0, 8));
	oldset64 = 0;
	C2(I_rt_sigpending, &oldset64, 8);
	printf("... but it was taken: pending %#llx\n", (unsigned long long)oldset64);

	/* rt_sigsuspend: SIGUSR1 blocked, a child sends it. */
	set64 = 1ull << (SIGUSR1 - 1);
	C4(I_rt_sigprocmask, SIG_BLOCK, &set64, 0, 8);
	hits = 0;
	fflush(stdout);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		struct timespec d = { 0, 20000000 };
		nanosleep(&d, NULL);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	set64 = 0;
	R("rt_sigsuspend", C2(I_rt_sigsuspend, &set64, 8));
	printf("handler ran: %d\n", hits);
	C4(I_rt_sigprocmask, SIG_BLOCK, 0, &oldset64, 8);
	Y("the mask is back (SIGUSR1 blocked)", oldset64 & (1ull << (SIGUSR1 - 1)));
	R("rt_sigsuspend sigsetsize 4", C2(I_rt_sigsuspend, &set64, 4));
	R("rt_sigsuspend bad mask", C2(I_rt_sigsuspend, BAD_PTR, 8));
	waitpid(pid, NULL, 0);
}

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/abi-int80-%d", (int)getpid());
	snprintf(path2, sizeof(path2), "/tmp/abi-int80-%d.l", (int)getpid());
	stat_family();
	oldest_calls();
	vectors();
	unlink(path2);
	files();
	unlink(path);
	processes();
	signals();
	R("exit through int $0x80", 0);
	fflush(stdout);
	C1(I_exit, 0);
	return 1;
}
