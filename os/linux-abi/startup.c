/* startup: what musl and glibc call before main() and at exit, and the
 * memory calls after mmap: set_tid_address, set_robust_list, rseq,
 * prlimit64/getrlimit/setrlimit, getrandom, uname, arch_prctl, mprotect,
 * mremap, madvise, exit_group. */
#include "abi.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define PAGE 4096

static int child_status(void (*fn)(void *), void *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

static void touch_write(void *p) { *(volatile char *)p = 1; }
static void touch_read(void *p) { (void)*(volatile char *)p; }

static void describe(const char *label, int st)
{
	if (WIFEXITED(st))
		printf("%s: exit %d\n", label, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: signal %d\n", label, WTERMSIG(st));
	else
		printf("%s: status %#x\n", label, st);
}

int main(void)
{
	static int tidword;
	long tid = syscall(SYS_set_tid_address, &tidword);
	Y("set_tid_address returns gettid", tid == syscall(SYS_gettid));
	T("set_robust_list 24", syscall(SYS_set_robust_list, BAD_PTR, 24));
	T("set_robust_list 23", syscall(SYS_set_robust_list, NULL, 23));
	errno = 0;
	long r = syscall(SYS_rseq, BAD_PTR, 3, 0, 0);
	Y("rseq: ENOSYS or EINVAL", r == -1 && (errno == ENOSYS || errno == EINVAL));

	struct utsname u;
	T("uname", uname(&u));
	printf("machine: %s\n", u.machine);
	T("uname bad", syscall(SYS_uname, BAD_PTR));

	struct rlimit rl, old;
	T("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &old));
	Y("soft <= hard", old.rlim_cur <= old.rlim_max);
	rl.rlim_cur = 64;
	rl.rlim_max = old.rlim_max;
	T("setrlimit NOFILE 64", setrlimit(RLIMIT_NOFILE, &rl));
	T("getrlimit again", getrlimit(RLIMIT_NOFILE, &rl));
	printf("soft now: %lu\n", (unsigned long)rl.rlim_cur);
	T("dup2 to 64 (beyond the limit)", dup2(1, 64));
	T("dup2 to 63", dup2(1, 63));
	close(63);
	rl.rlim_cur = 200;
	rl.rlim_max = 100;
	T("soft > hard", setrlimit(RLIMIT_NOFILE, &rl));
	T("resource 16", syscall(SYS_getrlimit, 16, &rl));
	T("getrlimit bad pointer", syscall(SYS_getrlimit, RLIMIT_NOFILE, BAD_PTR));
	T("prlimit64 missing pid", syscall(SYS_prlimit64, 0x3ffffff0, RLIMIT_NOFILE, NULL, &rl));
	T("prlimit64 restore", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &old, NULL));
	T("getrlimit STACK", getrlimit(RLIMIT_STACK, &rl));

	unsigned char a[32] = { 0 }, b[32] = { 0 };
	T("getrandom 32", syscall(SYS_getrandom, a, 32, 0));
	T("getrandom nonblock", syscall(SYS_getrandom, b, 32, 1));
	Y("two draws differ", memcmp(a, b, 32) != 0);
	T("getrandom flag 0x40", syscall(SYS_getrandom, a, 8, 0x40));
	T("getrandom bad pointer", syscall(SYS_getrandom, BAD_PTR, 8, 0));

	unsigned long fs = 0;
	T("arch_prctl GET_FS", syscall(SYS_arch_prctl, 0x1003, &fs));
	Y("TLS is set up", fs != 0);
	T("arch_prctl bad code", syscall(SYS_arch_prctl, 0x9999, 0));
	T("arch_prctl GET_FS bad pointer", syscall(SYS_arch_prctl, 0x1003, BAD_PTR));

	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	Y("mmap", p != MAP_FAILED);
	p[0] = 'a';
	T("mprotect middle read-only", mprotect(p + PAGE, PAGE, PROT_READ));
	describe("write read-only page", child_status(touch_write, p + PAGE));
	describe("read read-only page", child_status(touch_read, p + PAGE));
	describe("write next page", child_status(touch_write, p + 2 * PAGE));
	T("mprotect PROT_NONE", mprotect(p, 3 * PAGE, PROT_NONE));
	describe("read PROT_NONE page", child_status(touch_read, p));
	T("mprotect back", mprotect(p, 3 * PAGE, PROT_READ | PROT_WRITE));
	printf("contents kept: %c\n", p[0]);
	T("mprotect unaligned", syscall(SYS_mprotect, p + 1, PAGE, PROT_READ));
	T("mprotect bad prot", mprotect(p, PAGE, 0x40));
	munmap(p + 2 * PAGE, PAGE);
	T("mprotect over a hole", mprotect(p, 3 * PAGE, PROT_READ));
	describe("the part before the hole changed", child_status(touch_write, p));
	T("mprotect back again", mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE));

	p[PAGE] = 'b';
	char *q = mremap(p, 2 * PAGE, 32 * PAGE, MREMAP_MAYMOVE);
	Y("mremap MAYMOVE", q != MAP_FAILED);
	printf("moved contents: %c %c %d\n", q[0], q[PAGE], q[31 * PAGE]);
	char *target = mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(target, 4 * PAGE);
	char *f = mremap(q, 32 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	Y("MAYMOVE|FIXED lands where asked", f == target);
	printf("fixed contents: %c %c\n", f[0], f[PAGE]);
	describe("old address after the move", child_status(touch_read, q));
	errno = 0;
	T("mremap FIXED without MAYMOVE", mremap(f, PAGE, 2 * PAGE, MREMAP_FIXED, target + 8 * PAGE) == MAP_FAILED ? -1 : 0);
	T("mremap unknown flag", mremap(f, PAGE, 2 * PAGE, 8) == MAP_FAILED ? -1 : 0);
	T("mremap to 0", mremap(f, PAGE, 0, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	T("mremap overlapping FIXED", mremap(f, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, f + PAGE) == MAP_FAILED ? -1 : 0);
	T("mremap shrink", mremap(f, 4 * PAGE, PAGE, 0) == f ? 0 : -1);
	describe("shrunk-off page", child_status(touch_read, f + PAGE));

	f[0] = 'z';
	T("madvise WILLNEED", madvise(f, PAGE, MADV_WILLNEED));
	printf("after WILLNEED: %c\n", f[0]);
	T("madvise DONTNEED", madvise(f, PAGE, MADV_DONTNEED));
	printf("after DONTNEED: %d\n", f[0]);
	T("madvise bad advice", madvise(f, PAGE, 999));
	T("madvise unaligned", madvise(f + 1, PAGE, MADV_NORMAL));
	T("madvise over a hole", madvise(f, 2 * PAGE, MADV_NORMAL));
	munmap(f, PAGE);

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		syscall(SYS_exit_group, 300);
	int st;
	waitpid(pid, &st, 0);
	describe("exit_group(300)", st);
	return 0;
}
