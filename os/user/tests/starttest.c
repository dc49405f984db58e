/* starttest: the calls a C library makes before main() and at exit
 * (set_tid_address, set_robust_list, rseq, prlimit64, getrlimit, getrandom,
 * uname, exit_group), the memory calls after mmap (mprotect, mremap,
 * madvise) and the identity calls (uids, process groups, sessions, times),
 * each with Linux's errnos. KTAP on stdout; every check holds on the host's
 * Linux too (make test-user-host runs it there). Raw sys_*() calls so the
 * kernel's -errno is seen unfiltered; checks that could kill the process run
 * in a forked child. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define BAD_PTR ((void *)0x10)
#define KERNEL_ADDRESS ((void *)0xffffffff80000000UL)

struct rlim64 { unsigned long cur, max; };

static long map(unsigned long len, int prot)
{
	return sys_mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void write_byte(void *p)
{
	*(volatile char *)p = 1;
}

static void read_byte(void *p)
{
	(void)*(volatile char *)p;
}

static void test_startup(void)
{
	static int tid_word = 7;

	ktap_expect(sys_set_tid_address(&tid_word), sys_gettid(), "set_tid_address returns the thread id");
	ktap_expect(sys_set_robust_list(BAD_PTR, 24), 0, "set_robust_list with the 24-byte head succeeds (not read yet)");
	ktap_expect(sys_set_robust_list(NULL, 23), -EINVAL, "set_robust_list with a wrong length is EINVAL");
	/* rseq: ENOSYS where the feature is absent (Ringside, Linux < 4.18);
	 * where present, a bad length is EINVAL. Both libcs cope with either. */
	long r = syscall6(334, (long)BAD_PTR, 3, 0, 0, 0, 0);
	ktap_ok(r == -ENOSYS || r == -EINVAL, "rseq with a 3-byte area: ENOSYS or EINVAL (got %ld)", r);

	/* The child zeroes its set_tid_address word on exit: only its copy. */
	long pid = sys_fork();
	if (pid == 0) {
		sys_set_tid_address(&tid_word);
		sys_exit_group(0);
	}
	int status = 0;
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(tid_word == 7, "a child's clear_child_tid write stays in its own address space");

	/* ARCH_SET_GS: %gs:0 reads our block, across a context switch, and a
	 * child's own GS does not leak into ours. */
	static unsigned long gs_block[2] = { 0x6a5b, 0 }, other[2] = { 0x7777, 0 };
	unsigned long gs = 0, seen = 0;
	ktap_expect(sys_arch_prctl(0x1001 /* ARCH_SET_GS */, (unsigned long)gs_block), 0, "ARCH_SET_GS to a block");
	ktap_expect(sys_arch_prctl(0x1004 /* ARCH_GET_GS */, (unsigned long)&gs), 0, "ARCH_GET_GS");
	ktap_ok(gs == (unsigned long)gs_block, "ARCH_GET_GS returns the block's address");
	long cpid = sys_fork();
	if (cpid == 0) {
		sys_arch_prctl(0x1001, (unsigned long)other);
		for (int k = 0; k < 5; k++)
			sys_sched_yield();
		__asm__ volatile("mov %%gs:0, %0" : "=r"(seen));
		sys_exit_group(seen == 0x7777 ? 0 : 1);
	}
	sys_sched_yield();
	__asm__ volatile("mov %%gs:0, %0" : "=r"(seen));
	int gst = -1;
	sys_wait4((int)cpid, &gst, 0, NULL);
	ktap_ok(seen == 0x6a5b && WIFEXITED(gst) && WEXITSTATUS(gst) == 0,
		"%%gs:0 reads each task's own block across context switches (%#lx, child %#x)", seen, gst);
	ktap_expect(sys_arch_prctl(0x1001, 0xffffffff80000000UL), -EPERM, "ARCH_SET_GS to a kernel address is EPERM");
	sys_arch_prctl(0x1001, 0);

	struct utsname u;
	ktap_expect(sys_uname(&u), 0, "uname succeeds");
	ktap_ok(!strcmp(u.machine, "x86_64"), "uname's machine is x86_64");
	ktap_expect(sys_uname(BAD_PTR), -EFAULT, "uname into a bad pointer is EFAULT");
}

static void test_rlimits(void)
{
	struct rlim64 old, cur, set;

	ktap_expect(sys_getrlimit(7 /* NOFILE */, &old), 0, "getrlimit(RLIMIT_NOFILE) succeeds");
	ktap_ok(old.cur <= old.max && old.cur >= 64, "RLIMIT_NOFILE: soft %lu <= hard %lu", old.cur, old.max);
	ktap_expect(sys_getrlimit(16, &cur), -EINVAL, "getrlimit(16) is EINVAL");
	ktap_expect(sys_getrlimit(7, BAD_PTR), -EFAULT, "getrlimit into a bad pointer is EFAULT");
	set = (struct rlim64){ 100, old.max };
	ktap_expect(sys_prlimit64(0, 7, &set, &cur), 0, "prlimit64 lowers RLIMIT_NOFILE to 100");
	ktap_ok(cur.cur == old.cur && cur.max == old.max, "prlimit64 returns the previous limit");
	ktap_expect(sys_getrlimit(7, &cur), 0, "getrlimit after prlimit64");
	ktap_ok(cur.cur == 100, "the new soft limit is seen (%lu)", cur.cur);
	set = (struct rlim64){ 200, 100 };
	ktap_expect(sys_prlimit64(0, 7, &set, NULL), -EINVAL, "prlimit64 with soft > hard is EINVAL");
	ktap_expect(sys_prlimit64(0, 99, NULL, &cur), -EINVAL, "prlimit64 on resource 99 is EINVAL");
	ktap_expect(sys_prlimit64(0, 7, BAD_PTR, NULL), -EFAULT, "prlimit64 from a bad pointer is EFAULT");
	ktap_expect(sys_prlimit64(0x3ffffff0, 7, NULL, &cur), -ESRCH, "prlimit64 on a missing pid is ESRCH");
	ktap_expect(sys_prlimit64(sys_getpid(), 7, &old, NULL), 0, "prlimit64 by our own pid restores it");
	ktap_expect(sys_setrlimit(4 /* CORE */, BAD_PTR), -EFAULT, "setrlimit from a bad pointer is EFAULT");
}

static void test_getrandom(void)
{
	unsigned char a[64], b[64];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	ktap_expect(sys_getrandom(a, sizeof(a), 0), sizeof(a), "getrandom fills 64 bytes");
	ktap_expect(sys_getrandom(b, sizeof(b), 1 /* GRND_NONBLOCK */), sizeof(b), "getrandom with GRND_NONBLOCK");
	ktap_ok(memcmp(a, b, sizeof(a)) != 0, "two getrandom calls differ");
	ktap_expect(sys_getrandom(a, 0, 0), 0, "getrandom of 0 bytes returns 0");
	ktap_expect(sys_getrandom(a, 8, 0x40), -EINVAL, "getrandom with an unknown flag is EINVAL");
	ktap_expect(sys_getrandom(BAD_PTR, 8, 0), -EFAULT, "getrandom into a bad pointer is EFAULT");
	ktap_expect(sys_getrandom(KERNEL_ADDRESS, 8, 0), -EFAULT, "getrandom into kernel memory is EFAULT");
}

static void test_mprotect(void)
{
	long p = map(3 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	char *c = (char *)p;

	ktap_ok(!syscall_failed(p), "mmap three pages");
	c[0] = 'a';
	ktap_expect(sys_mprotect(c + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0, "mprotect the middle page read-only");
	ktap_ok(WIFSIGNALED(ktap_child_status(write_byte, c + PAGE_SIZE)), "writing the read-only page faults");
	ktap_ok(WIFEXITED(ktap_child_status(write_byte, c)) && WIFEXITED(ktap_child_status(write_byte, c + 2 * PAGE_SIZE)),
		"the pages either side stay writable");
	ktap_ok(WIFEXITED(ktap_child_status(read_byte, c + PAGE_SIZE)), "the read-only page can be read");
	ktap_expect(sys_mprotect(c, 3 * PAGE_SIZE, PROT_NONE), 0, "mprotect all three PROT_NONE");
	ktap_ok(WIFSIGNALED(ktap_child_status(read_byte, c)), "reading a PROT_NONE page faults");
	ktap_expect(sys_mprotect(c, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0, "mprotect back to read-write");
	ktap_ok(c[0] == 'a', "the contents survive mprotect");
	ktap_expect(sys_mprotect(c + 1, PAGE_SIZE, PROT_READ), -EINVAL, "mprotect of an unaligned address is EINVAL");
	ktap_expect(sys_mprotect(c, PAGE_SIZE, 0x40), -EINVAL, "mprotect with an unknown prot bit is EINVAL");
	ktap_expect(sys_mprotect(c, 0, PROT_READ), 0, "mprotect of 0 bytes succeeds");
	sys_munmap(c + 2 * PAGE_SIZE, PAGE_SIZE);
	ktap_expect(sys_mprotect(c, 3 * PAGE_SIZE, PROT_READ), -ENOMEM, "mprotect over a hole is ENOMEM");
	sys_munmap(c, 3 * PAGE_SIZE);
}

static void test_mremap(void)
{
	long p = map(2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	char *c = (char *)p;
	long q;

	c[0] = 'x';
	c[PAGE_SIZE] = 'y';
	q = sys_mremap(c, 2 * PAGE_SIZE, PAGE_SIZE, 0, NULL);
	ktap_expect(q, p, "mremap shrinks in place");
	ktap_ok(WIFSIGNALED(ktap_child_status(read_byte, c + PAGE_SIZE)), "the cut-off page is gone");
	/* Make room: a hole after the area, then grow with MAYMOVE. */
	q = sys_mremap(c, PAGE_SIZE, 16 * PAGE_SIZE, 1 /* MAYMOVE */, NULL);
	ktap_ok(!syscall_failed(q), "mremap grows with MREMAP_MAYMOVE");
	ktap_ok(!syscall_failed(q) && ((char *)q)[0] == 'x', "the contents move with it");
	ktap_ok(!syscall_failed(q) && ((char *)q)[15 * PAGE_SIZE] == 0, "the new part reads as zeroes");
	c = (char *)q;
	long target = map(4 * PAGE_SIZE, PROT_READ);
	sys_munmap((void *)target, 4 * PAGE_SIZE);
	q = sys_mremap(c, 16 * PAGE_SIZE, 4 * PAGE_SIZE, 3 /* MAYMOVE|FIXED */, (void *)target);
	ktap_expect(q, target, "MREMAP_MAYMOVE|MREMAP_FIXED moves to the address asked for");
	ktap_ok(q == target && ((char *)q)[0] == 'x', "the contents are at the new address");
	ktap_ok(WIFSIGNALED(ktap_child_status(read_byte, c)), "the old address is unmapped");
	c = (char *)q;
	ktap_expect(sys_mremap(c, PAGE_SIZE, 2 * PAGE_SIZE, 4, NULL), -EINVAL, "mremap with an unknown flag is EINVAL");
	ktap_expect(sys_mremap(c, PAGE_SIZE, 2 * PAGE_SIZE, 2, (void *)target), -EINVAL, "MREMAP_FIXED without MAYMOVE is EINVAL");
	ktap_expect(sys_mremap(c + 1, PAGE_SIZE, 2 * PAGE_SIZE, 1, NULL), -EINVAL, "mremap of an unaligned address is EINVAL");
	ktap_expect(sys_mremap(c, PAGE_SIZE, 0, 1, NULL), -EINVAL, "mremap to 0 bytes is EINVAL");
	ktap_expect(sys_mremap(c, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 3, c + PAGE_SIZE), -EINVAL,
		    "MREMAP_FIXED onto an overlapping range is EINVAL");
	ktap_expect(sys_mremap(c, 8 * PAGE_SIZE, 16 * PAGE_SIZE, 1, NULL), -EFAULT,
		    "growing a range larger than its area is EFAULT");
	sys_munmap(c, 4 * PAGE_SIZE);
	ktap_expect(sys_mremap(c, PAGE_SIZE, 2 * PAGE_SIZE, 1, NULL), -EFAULT, "mremap of unmapped memory is EFAULT");
	/* Growing in place without MAYMOVE when the next page is taken. */
	p = map(2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	sys_munmap((void *)p, PAGE_SIZE);
	q = map(PAGE_SIZE, PROT_READ);
	if (q == p) {
		ktap_expect(sys_mremap((void *)q, PAGE_SIZE, 2 * PAGE_SIZE, 0, NULL), -ENOMEM,
			    "growing into a taken page without MAYMOVE is ENOMEM");
	} else {
		ktap_skip("mmap did not reuse the hole", "growing into a taken page without MAYMOVE is ENOMEM");
	}
	sys_munmap((void *)p, 2 * PAGE_SIZE);
}

static void test_madvise(void)
{
	long p = map(2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	char *c = (char *)p;

	c[0] = 'z';
	ktap_expect(sys_madvise(c, 2 * PAGE_SIZE, 0 /* NORMAL */), 0, "madvise MADV_NORMAL");
	ktap_expect(sys_madvise(c, 2 * PAGE_SIZE, 3 /* WILLNEED */), 0, "madvise MADV_WILLNEED");
	ktap_ok(c[0] == 'z', "MADV_WILLNEED keeps the data");
	ktap_expect(sys_madvise(c, PAGE_SIZE, 4 /* DONTNEED */), 0, "madvise MADV_DONTNEED");
	ktap_ok(c[0] == 0, "after MADV_DONTNEED private anonymous memory reads as zero");
	ktap_expect(sys_madvise(c + 1, PAGE_SIZE, 0), -EINVAL, "madvise of an unaligned address is EINVAL");
	ktap_expect(sys_madvise(c, PAGE_SIZE, 999), -EINVAL, "madvise with an unknown advice is EINVAL");
	ktap_expect(sys_madvise(c, 0, 0), 0, "madvise of 0 bytes succeeds");
	sys_munmap(c + PAGE_SIZE, PAGE_SIZE);
	ktap_expect(sys_madvise(c, 2 * PAGE_SIZE, 0), -ENOMEM, "madvise over a hole is ENOMEM");
	sys_munmap(c, PAGE_SIZE);
}

static void session_child(void *arg)
{
	(void)arg;
	long sid = sys_setsid();
	if (sid != sys_getpid() || sys_getsid(0) != sid || sys_getpgid(0) != sid)
		sys_exit_group(1);
	if (sys_setsid() != -EPERM)             /* already a group leader */
		sys_exit_group(2);
	if (sys_setpgid(0, 0) != -EPERM)        /* a session leader stays put */
		sys_exit_group(3);
	sys_exit_group(0);
}

static void test_identity(void)
{
	long uid = sys_getuid();

	ktap_ok(uid >= 0 && sys_geteuid() == uid, "getuid and geteuid agree (%ld)", uid);
	ktap_ok(sys_getgid() >= 0 && sys_getegid() == sys_getgid(), "getgid and getegid agree");
	ktap_expect(sys_getpgid(0), sys_getpgrp(), "getpgid(0) is getpgrp()");
	ktap_expect(sys_getpgid(sys_getpid()), sys_getpgrp(), "getpgid(our pid) is getpgrp()");
	ktap_expect(sys_getpgid(0x3ffffff0), -ESRCH, "getpgid of a missing pid is ESRCH");
	ktap_expect(sys_getsid(0x3ffffff0), -ESRCH, "getsid of a missing pid is ESRCH");
	ktap_expect(sys_setpgid(0, -1), -EINVAL, "setpgid to a negative group is EINVAL");
	ktap_expect(sys_setpgid(0x3ffffff0, 0), -ESRCH, "setpgid of a non-child is ESRCH");

	/* A child in a group of its own, seen by the parent. */
	long pid = sys_fork();
	if (pid == 0) {
		sys_pause();
		sys_exit_group(0);
	}
	ktap_expect(sys_setpgid((int)pid, (int)pid), 0, "setpgid puts a child in a new group");
	ktap_expect(sys_getpgid((int)pid), pid, "getpgid sees the child's group");
	ktap_expect(sys_getsid((int)pid), sys_getsid(0), "the child shares our session");
	ktap_expect(sys_kill(-(int)pid, SIGKILL), 0, "kill(-pgid) reaches the group");
	int status = 0;
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the group's member died of SIGKILL");
	ktap_expect(sys_setpgid(0, 0x3ffffff0), -EPERM, "setpgid to a group that does not exist is EPERM");

	status = ktap_child_status(session_child, NULL);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"setsid makes a new session; a second setsid and setpgid are EPERM (child status %#x)", status);

	long tms[4] = { -1, -1, -1, -1 };
	long t = sys_times(tms);
	ktap_ok(!syscall_failed(t) && tms[0] >= 0 && tms[1] >= 0, "times fills struct tms");
	ktap_ok(!syscall_failed(sys_times(NULL)), "times(NULL) succeeds");
	ktap_expect(sys_times(BAD_PTR), -EFAULT, "times into a bad pointer is EFAULT");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: starttest\nStart-up, memory and identity syscalls against Linux's semantics. KTAP on stdout.\n");
		return 0;
	}
	printf("KTAP version 1\n");
	ktap_plan(90);
	test_startup();
	test_rlimits();
	test_getrandom();
	test_mprotect();
	test_mremap();
	test_madvise();
	test_identity();
	return ktap_finish();
}
