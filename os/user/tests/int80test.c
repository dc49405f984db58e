/* int80test: Linux's i386 system-call ABI reached with `int $0x80` from a
 * 64-bit task: i386 numbers (not the x86-64 ones), arguments in ebx, ecx,
 * edx, esi, edi, ebp, every value truncated to 32 bits, the result in eax.
 * KTAP on stdout. Buffers passed this way are static: they must lie below
 * 4 GiB, which the stack does not. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ringside.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* struct compat_timespec: two 32-bit fields. */
struct timespec32 {
	int tv_sec;
	int tv_nsec;
};

static const char message[] = "# int80test: these bytes went through int $0x80\n";
static struct utsname uts32;
static struct timespec32 now32;
static struct ringside_entry_stats stats_before, stats_after;

static void test_numbers_and_registers(void)
{
	long r;

	ktap_expect(sys32_getpid(), sys_getpid(), "i386 getpid (20) equals the 64-bit getpid");
	ktap_expect(sys32_getppid(), sys_getppid(), "i386 getppid (64) equals the 64-bit getppid");
	ktap_expect(sys32_gettid(), sys_gettid(), "i386 gettid (224) equals the 64-bit gettid");
	ktap_expect(sys32_write(1, message, sizeof(message) - 1), sizeof(message) - 1,
		    "i386 write (4) with fd, buffer, count in ebx, ecx, edx writes the bytes");
	ktap_expect(sys32_write(1000, message, 1), -EBADF, "i386 write to fd 1000 fails with EBADF");
	ktap_expect(sys32_write(1, NULL, 1), -EFAULT, "i386 write from NULL fails with EFAULT");
	ktap_expect((int)syscall32_0(1000), -ENOSYS, "i386 number 1000 fails with ENOSYS in eax");
	ktap_expect((int)syscall32_0(0x7fffffff), -ENOSYS, "i386 number 0x7fffffff fails with ENOSYS");

	/* eax = 39 is getpid on x86-64 but mkdir on i386. With a NULL path,
	 * mkdir says EFAULT (Linux and Ringside alike). */
	r = (int)syscall32_2(39, 0, 0755);
	ktap_expect(r, -EFAULT, "i386 number 39 is mkdir (not getpid): EFAULT for a NULL path");

	ktap_expect(sys32_uname(&uts32), 0, "i386 uname (122) into a static buffer returns 0");
	ktap_ok(uts32.sysname[0] != '\0', "i386 uname fills in sysname (%s)", uts32.sysname);
	ktap_expect(sys32_clock_gettime(1, &now32), 0, "i386 clock_gettime (265) returns 0");
	ktap_ok(now32.tv_nsec >= 0 && now32.tv_nsec < 1000000000,
		"i386 clock_gettime fills a 32-bit timespec (%d.%09d)", now32.tv_sec, now32.tv_nsec);
}

/* mmap2 uses all six argument registers: addr ebx, len ecx, prot edx, flags
 * esi, fd edi, pgoff ebp. */
static void test_six_arguments(void)
{
	long r = (unsigned int)sys32_mmap2(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok = !syscall_failed((int)r) && r % PAGE_SIZE == 0;

	if (!ok)
		ktap_diag("mmap2 returned %d", (int)r);
	ktap_ok(ok, "i386 mmap2 (192) with six register arguments maps a page");
	if (ok) {
		/* Touch it in a child: if the kernel placed the page above 4 GiB,
		 * eax holds only the low half of its address and the touch faults. */
		char *p = (char *)r;
		int status = -1;
		long pid = sys_fork();

		if (pid == 0) {
			p[0] = 1;
			p[PAGE_SIZE - 1] = 2;
			sys_exit_group(p[0] == 1 && p[PAGE_SIZE - 1] == 2 ? 0 : 1);
		}
		sys_wait4((int)pid, &status, 0, NULL);
		if (status != 0)
			ktap_diag("touching the page at %p (eax) ended the child with status 0x%x", p, status);
		ktap_ok(status == 0, "the page from i386 mmap2 is below 4 GiB and writable");
		sys_munmap(p, PAGE_SIZE);
	} else {
		ktap_ok(0, "the page from i386 mmap2 is below 4 GiB and writable");
	}
	ktap_expect(sys32_mmap2(NULL, PAGE_SIZE, PROT_READ, MAP_ANONYMOUS, -1, 0), -EINVAL,
		    "i386 mmap2 without MAP_PRIVATE in esi fails with EINVAL");
}

/* A pointer above 4 GiB loses its top half in ebx/ecx: the kernel sees a
 * different address and must answer EFAULT. We ask for a page whose low 32
 * bits are 0x1000 (a hint; a kernel may place it elsewhere), then make sure
 * the truncated address really is unmapped: a child that reads it must die of
 * SIGSEGV. */
static void test_truncation(void)
{
	const char *name = "i386 uname with a pointer above 4 GiB (truncated) fails with EFAULT";
	long r = sys_mmap((void *)0x600000001000UL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char *low;
	int status = -1;
	long pid;

	if (syscall_failed(r) || (unsigned long)r >> 32 == 0) {
		ktap_diag("mmap returned %ld", r);
		ktap_skip("no page above 4 GiB", "%s", name);
		return;
	}
	low = (volatile char *)((unsigned long)r & 0xffffffffUL);
	pid = sys_fork();
	if (pid == 0) {
		(void)*low;
		sys_exit_group(0);
	}
	sys_wait4((int)pid, &status, 0, NULL);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		ktap_expect(sys32_uname((void *)r), -EFAULT, "%s", name);
	else
		ktap_skip("the truncated address happens to be mapped", "%s", name);
	sys_munmap((void *)r, PAGE_SIZE);
}

static void test_stats(void)
{
	int i;

	if (!running_on_ringside()) {
		ktap_skip("not on Ringside", "ringside_stats counts int $0x80 entries");
		return;
	}
	sys_ringside_stats(&stats_before);
	for (i = 0; i < 10; i++)
		sys32_getpid();
	sys_ringside_stats(&stats_after);
	if (stats_after.int80_syscalls - stats_before.int80_syscalls < 10)
		ktap_diag("int80_syscalls went from %lu to %lu", stats_before.int80_syscalls,
			  stats_after.int80_syscalls);
	ktap_ok(stats_after.int80_syscalls - stats_before.int80_syscalls >= 10,
		"ringside_stats counts 10 int $0x80 entries");
}

/* socketcall (102) and Linux 4.3's direct i386 socket calls (359 socket ...
 * 373 shutdown): Ringside has no networking (the 64-bit socket calls are
 * absent too), so these answer -ENOSYS as Linux 4.3 built without
 * CONFIG_NET does (kernel/sys_ni.c: sys_socketcall, compat_sys_socketcall
 * and sys_socket are cond_syscall, hence sys_ni_syscall). The host has
 * networking: there socketcall with call 0 is -EINVAL. */
static void test_socketcall(void)
{
	static unsigned int args[3] = { 1, 1, 0 };   /* AF_UNIX, SOCK_STREAM, 0 */
	if (!running_on_ringside()) {
		ktap_expect((int)syscall32_2(102, 0, (long)args), -EINVAL,
			    "host (CONFIG_NET): socketcall call 0 is EINVAL");
		ktap_skip("not on Ringside", "socket (359) is ENOSYS without CONFIG_NET");
		return;
	}
	ktap_expect((int)syscall32_2(102, 1, (long)args), -ENOSYS,
		    "socketcall (102) SYS_SOCKET is ENOSYS: no CONFIG_NET");
	ktap_expect((int)syscall32_2(359, 1, 1), -ENOSYS, "socket (359) is ENOSYS: no CONFIG_NET");
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		printf("usage: int80test\nCheck the i386 system-call ABI (int $0x80) from a 64-bit task;\n"
		       "KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(20);
	test_numbers_and_registers();
	test_six_arguments();
	test_truncation();
	test_stats();
	test_socketcall();
	return ktap_finish();
}
