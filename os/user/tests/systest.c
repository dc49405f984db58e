/* systest: every system call of the kernel against Linux's semantics,
 * including the hostile cases (bad descriptors, bad pointers, bad numbers).
 * KTAP on stdout. Each check passes on the host's Linux as well; the few
 * that only hold on Ringside are skipped elsewhere.
 *
 * The raw sys_*() calls are used throughout so the kernel's -errno is seen
 * unfiltered. Checks that could kill the process (touching unmapped memory)
 * run in a forked child. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_ADDRESS ((void *)0xffffffff80000000UL)
#define NONCANONICAL_ADDRESS ((void *)0x8000000000000000UL)

/* A page that is certainly not mapped: mapped, then unmapped. */
static void *unmapped_page(void)
{
	long p = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (syscall_failed(p))
		return (void *)0x10000;  /* below Linux's mmap_min_addr: never mapped */
	sys_munmap((void *)p, PAGE_SIZE);
	return (void *)p;
}

static int killed_by(int status, int sig)
{
	return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

static int exited_with(int status, int code)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static void test_read_write(void)
{
	static const char line[] = "# systest: a line written to fd 1\n";
	static const char err_line[] = "systest: a line written to fd 2 (expected)\n";
	char buf[16];
	char *pages;
	long r;

	ktap_expect(sys_write(1, line, sizeof(line) - 1), sizeof(line) - 1, "write to fd 1 returns the count");
	ktap_expect(sys_write(2, err_line, sizeof(err_line) - 1), sizeof(err_line) - 1,
		    "write to fd 2 returns the count");
	ktap_expect(sys_read(0, buf, 0), 0, "read of 0 bytes from fd 0 returns 0");
	ktap_expect(sys_write(1, line, 0), 0, "write of 0 bytes returns 0");
	ktap_expect(sys_write(3, line, 1), -EBADF, "write to fd 3 (not open) fails with EBADF");
	ktap_expect(sys_write(-1, line, 1), -EBADF, "write to fd -1 fails with EBADF");
	ktap_expect(sys_write(1000, line, 1), -EBADF, "write to fd 1000 fails with EBADF");
	ktap_expect(sys_read(1000, buf, 1), -EBADF, "read from fd 1000 fails with EBADF");
	ktap_expect(sys_read(-1, buf, 1), -EBADF, "read from fd -1 fails with EBADF");
	ktap_expect(sys_write(1, NULL, 5), -EFAULT, "write from a NULL buffer fails with EFAULT");
	ktap_expect(sys_write(1, KERNEL_ADDRESS, 5), -EFAULT,
		    "write from a kernel address fails with EFAULT");
	ktap_expect(sys_write(1, NONCANONICAL_ADDRESS, 5), -EFAULT,
		    "write from a non-canonical address fails with EFAULT");
	ktap_expect(sys_write(1, unmapped_page(), 5), -EFAULT,
		    "write from an unmapped user page fails with EFAULT");

	/* Two pages, the second unmapped; the buffer starts 24 bytes before the
	 * hole. The kernel must not write the whole range; a tty or pipe (our
	 * stdout) gives EFAULT. Those 24 bytes form a harmless comment line in
	 * case a kernel writes the readable part first. */
	r = sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (syscall_failed(r)) {
		ktap_diag("mmap of two pages failed: %ld", r);
		ktap_ok(0, "write crossing into an unmapped page fails with EFAULT");
		return;
	}
	pages = (char *)r;
	sys_munmap(pages + PAGE_SIZE, PAGE_SIZE);
	memcpy(pages + PAGE_SIZE - 24, "# crossing the hole....\n", 24);
	r = sys_write(1, pages + PAGE_SIZE - 24, 64);
	if (!running_on_ringside() && r == 24)
		ktap_diag("this Linux file type takes the readable part first (24 bytes)");
	ktap_ok(r == -EFAULT || (!running_on_ringside() && r == 24),
		"write crossing into an unmapped page fails with EFAULT (got %ld)", r);
	sys_munmap(pages, PAGE_SIZE);
}

static void child_checks_parent(void *parent)
{
	sys_exit_group(sys_getppid() == (long)parent ? 0 : 1);
}

static void test_ids(void)
{
	long pid = sys_getpid();
	int status;

	ktap_ok(pid > 0, "getpid returns a positive pid (%ld)", pid);
	ktap_expect(sys_getpid(), pid, "getpid is stable");
	ktap_expect(sys_gettid(), pid, "gettid equals getpid in a single-threaded process");
	ktap_ok(sys_getppid() >= 0, "getppid returns a pid (%ld)", sys_getppid());
	status = ktap_child_status(child_checks_parent, (void *)pid);
	ktap_ok(exited_with(status, 0), "a child's getppid is its parent's pid");
}

static void test_brk(void)
{
	char *start = (char *)sys_brk(NULL), *grown, *p, *aligned;
	long size = 64 * 1024, r;
	int zeros = 1;

	ktap_ok(start != NULL && !syscall_failed((long)start), "brk(0) reports the current break (%p)", start);
	grown = (char *)sys_brk(start + size);
	ktap_ok(grown == start + size, "brk grows the heap by 64 KiB");
	if (grown != start + size)
		return;
	memset(start, 0xa5, (size_t)size);
	ktap_ok(start[size - 1] == (char)0xa5, "the grown heap is writable to its last byte");
	ktap_expect(sys_brk(start), (long)start, "brk shrinks back to the old break");
	/* The page holding the old break stays mapped; the pages above it were
	 * released and must come back zero-filled. */
	aligned = (char *)(((unsigned long)start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	ktap_expect(sys_brk(start + size), (long)(start + size), "brk grows again");
	for (p = aligned; p < start + size; p++)
		if (*p) {
			zeros = 0;
			break;
		}
	ktap_ok(zeros, "memory given back by brk and grown again reads as zeros");
	r = sys_brk((void *)0x1000);
	ktap_expect(r, (long)(start + size), "brk below the heap start returns the old break");
	r = sys_brk(KERNEL_ADDRESS);
	ktap_expect(r, (long)(start + size), "brk into kernel space returns the old break");
	sys_brk(start);
}

static void touch(void *p)
{
	*(volatile char *)p = 1;
}

static void test_mmap(void)
{
	long r = sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)r;
	unsigned long i;
	int zero = 1, status;

	if (!ktap_ok(!syscall_failed(r) && r % PAGE_SIZE == 0, "mmap of two anonymous pages returns a page-aligned address")) {
		ktap_diag("mmap returned %ld", r);
		return;
	}
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		if (p[i])
			zero = 0;
	ktap_ok(zero, "anonymous memory is zero-filled");
	memset(p, 0x5a, 2 * PAGE_SIZE);
	ktap_ok(p[0] == 0x5a && p[2 * PAGE_SIZE - 1] == 0x5a, "anonymous memory is writable");
	ktap_expect(sys_munmap(p, 2 * PAGE_SIZE), 0, "munmap returns 0");
	status = ktap_child_status(touch, p);
	ktap_ok(killed_by(status, SIGSEGV), "touching unmapped memory kills with SIGSEGV");
	ktap_expect(sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_ANONYMOUS, -1, 0), -EINVAL,
		    "mmap with neither MAP_PRIVATE nor MAP_SHARED fails with EINVAL");
	ktap_expect(sys_mmap(NULL, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -EINVAL,
		    "mmap of length 0 fails with EINVAL");
	ktap_expect(sys_munmap(p + 1, PAGE_SIZE), -EINVAL, "munmap of an unaligned address fails with EINVAL");
	r = sys_mmap(NULL, 1UL << 50, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ktap_expect(r, -ENOMEM, "mmap of 1 PiB fails with ENOMEM");
}

static void test_nanosleep(void)
{
	struct timespec req = { 0, 20 * 1000 * 1000 }, bad = { 0, 1000000000 }, neg = { -1, 0 };
	long before = monotonic_ns(), after;

	ktap_expect(sys_nanosleep(&req, NULL), 0, "nanosleep of 20 ms returns 0");
	after = monotonic_ns();
	if (after - before < 20 * 1000 * 1000)
		ktap_diag("slept %ld ns", after - before);
	ktap_ok(after - before >= 20 * 1000 * 1000, "nanosleep sleeps at least the time requested");
	ktap_expect(sys_nanosleep(NULL, NULL), -EFAULT, "nanosleep with a NULL request fails with EFAULT");
	ktap_expect(sys_nanosleep(KERNEL_ADDRESS, NULL), -EFAULT,
		    "nanosleep with a kernel address fails with EFAULT");
	ktap_expect(sys_nanosleep(&bad, NULL), -EINVAL, "nanosleep with tv_nsec = 1e9 fails with EINVAL");
	ktap_expect(sys_nanosleep(&neg, NULL), -EINVAL, "nanosleep with tv_sec < 0 fails with EINVAL");
	ktap_expect(sys_sched_yield(), 0, "sched_yield returns 0");
}

static void test_uname(void)
{
	struct utsname u;

	memset(&u, 0, sizeof(u));
	ktap_expect(sys_uname(&u), 0, "uname returns 0");
	ktap_ok(u.sysname[0] && strnlen(u.sysname, sizeof(u.sysname)) < sizeof(u.sysname),
		"uname's sysname is a non-empty string (%s)", u.sysname);
	ktap_ok(u.release[0] && strnlen(u.release, sizeof(u.release)) < sizeof(u.release),
		"uname's release is a non-empty string (%s)", u.release);
	ktap_ok(strcmp(u.machine, "x86_64") == 0, "uname's machine is x86_64 (%s)", u.machine);
	ktap_expect(sys_uname(NULL), -EFAULT, "uname with a NULL buffer fails with EFAULT");
	ktap_expect(sys_uname(KERNEL_ADDRESS), -EFAULT, "uname with a kernel address fails with EFAULT");
}

static void test_clock(void)
{
	struct timespec a, b;
	int i, ordered = 1;

	ktap_expect(sys_clock_gettime(CLOCK_MONOTONIC, &a), 0, "clock_gettime(CLOCK_MONOTONIC) returns 0");
	ktap_ok(a.tv_nsec >= 0 && a.tv_nsec < 1000000000 && a.tv_sec >= 0,
		"the monotonic time is normalized (%ld.%09ld)", a.tv_sec, a.tv_nsec);
	for (i = 0; i < 1000; i++) {
		sys_clock_gettime(CLOCK_MONOTONIC, &b);
		if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec))
			ordered = 0;
		a = b;
	}
	ktap_ok(ordered, "CLOCK_MONOTONIC never goes back over 1000 reads");
	ktap_expect(sys_clock_gettime(CLOCK_REALTIME, &a), 0, "clock_gettime(CLOCK_REALTIME) returns 0");
	ktap_expect(sys_clock_gettime(12345, &a), -EINVAL, "clock_gettime of an unknown clock fails with EINVAL");
	ktap_expect(sys_clock_gettime(CLOCK_MONOTONIC, NULL), -EFAULT,
		    "clock_gettime with a NULL pointer fails with EFAULT");
	ktap_expect(sys_clock_gettime(CLOCK_MONOTONIC, KERNEL_ADDRESS), -EFAULT,
		    "clock_gettime with a kernel address fails with EFAULT");
}

static void test_unknown_numbers(void)
{
	ktap_expect(syscall0(400), -ENOSYS, "syscall 400 (unused) fails with ENOSYS");
	ktap_expect(syscall0(100000), -ENOSYS, "syscall 100000 fails with ENOSYS");
	ktap_expect(syscall0(-1), -ENOSYS, "syscall -1 (0xffffffffffffffff) fails with ENOSYS");
	ktap_expect(syscall0(SYSCALLS_64_MAX), -ENOSYS, "the number past the table's end fails with ENOSYS");
}

static void test_execve_errors(void)
{
	char *argv[] = { "missing", NULL };
	char *envp[] = { NULL };

	ktap_expect(sys_execve("/bin/this-does-not-exist", argv, envp), -ENOENT,
		    "execve of a missing file fails with ENOENT");
	ktap_expect(sys_execve(NULL, argv, envp), -EFAULT, "execve with a NULL filename fails with EFAULT");
	ktap_expect(sys_execve(KERNEL_ADDRESS, argv, envp), -EFAULT,
		    "execve with a kernel-address filename fails with EFAULT");
}

static void exit_seven(void *unused) { (void)unused; sys_exit_group(7); }
static void exit_via_exit(void *unused) { (void)unused; sys_exit(3); }
static void exit_via_group(void *unused) { (void)unused; sys_exit_group(4); }
static void exit_big(void *unused) { (void)unused; sys_exit_group(256 + 5); }

static void test_wait(void)
{
	int status = -1;
	long pid;

	ktap_expect(sys_wait4(-1, &status, 0, NULL), -ECHILD, "wait4 with no children fails with ECHILD");
	pid = sys_fork();
	if (pid == 0)
		exit_seven(NULL);
	ktap_expect(sys_wait4(-1, &status, 0, NULL), pid, "wait4(-1) reaps the child and returns its pid");
	ktap_ok(exited_with(status, 7), "wait4 reports exit status 7 (status 0x%x)", status);
	ktap_ok(exited_with(ktap_child_status(exit_via_exit, NULL), 3), "exit(3) gives status 3");
	ktap_ok(exited_with(ktap_child_status(exit_via_group, NULL), 4), "exit_group(4) gives status 4");
	ktap_ok(exited_with(ktap_child_status(exit_big, NULL), 5), "exit status is taken modulo 256 (261 -> 5)");
	ktap_expect(sys_wait4(-1, &status, 0, NULL), -ECHILD, "wait4 after reaping all children fails with ECHILD");
	pid = sys_fork();
	if (pid == 0)
		exit_seven(NULL);
	ktap_expect(sys_wait4((int)pid, KERNEL_ADDRESS, 0, NULL), -EFAULT,
		    "wait4 with a kernel-address status pointer fails with EFAULT");
	sys_wait4((int)pid, NULL, 0, NULL);
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		printf("usage: systest\nCheck every system call against Linux's semantics; KTAP on stdout.\n"
		       "Exit status 0 if every test passed, 1 otherwise.\n");
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(71);
	test_wait();
	test_read_write();
	test_ids();
	test_brk();
	test_mmap();
	test_nanosleep();
	test_uname();
	test_clock();
	test_unknown_numbers();
	test_execve_errors();
	return ktap_finish();
}
