/* lab1_int80: lab 1's int $0x80 values as a program sees them.
 *
 *   lab1_int80 args     each i386 argument register reaches the call as an
 *                       unsigned 32-bit value: a pointer, length or address
 *                       with bit 31 set (0x80000000 and up) works exactly as
 *                       it would in a 32-bit process, zero-extended - never
 *                       sign-extended to 0xffffffff8..., never cut to 16 bits
 *   lab1_int80 traced   a tracer that sets an int $0x80 call's number to a
 *                       64-bit value whose low 32 bits are out of range gets
 *                       ENOSYS, as Linux 4.3 does
 *   lab1_int80          both (run-host-tests runs it so on the host Linux,
 *                       which gives the same answers)
 *
 * Buffers passed through int $0x80 must lie below 4 GiB: the page used here
 * is mapped at 0x80000000 with a 64-bit mmap first. One result per check,
 * one-word names; KTAP on stdout. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NR32_READ       3
#define NR32_MUNMAP     91
#define NR32_MREMAP     163
#define NR32_GETPID     20
#define NR32_PRLIMIT64  340
#define MREMAP_MAYMOVE_ 1
#define MREMAP_FIXED_   2
#define RLIMIT_NOFILE_  7
#define HIGH_PAGE       0x80000000UL     /* bit 31 set: negative as an s32 */

struct rlimit64_ {
	unsigned long cur, max;
};

static char buf[64];

/* edx: read(fd, buf, 0x80000000) from a pipe holding 5 bytes reads them. */
static void test_count(void)
{
	int fds[2];
	long r = -1;
	if (pipe(fds) == 0 && write(fds[1], "hello", 5) == 5)
		r = syscall32_3(NR32_READ, fds[0], (long)buf, 0x80000000L);
	ktap_diag("i386 read(pipe with 5 bytes, buf, count 0x80000000 in edx) = %d (want 5; 0 means "
		  "the count lost its high bits, -EFAULT or -EINVAL that it was sign-extended)", (int)r);
	ktap_ok((int)r == 5 && !memcmp(buf, "hello", 5), "edx_count_zero_extended");
	close(fds[0]);
	close(fds[1]);
}

/* esi: prlimit64(0, RLIMIT_NOFILE, NULL, old) with old at 0x80000100. */
static void test_pointer(void)
{
	struct rlimit64_ *old = (struct rlimit64_ *)(HIGH_PAGE + 0x100);
	old->cur = old->max = 0;
	long r = syscall32_4(NR32_PRLIMIT64, 0, RLIMIT_NOFILE_, 0, (long)old);
	ktap_diag("i386 prlimit64(0, RLIMIT_NOFILE, NULL, old = %p in esi) = %d, old = {%lu, %lu} "
		  "(want 0 and the limits filled in)", (void *)old, (int)r, old->cur, old->max);
	ktap_ok((int)r == 0 && old->cur != 0, "esi_pointer_zero_extended");
}

/* ebx, edi: mremap(0x80000000, 4096, 4096, MAYMOVE | FIXED, 0x80012000). */
static void test_addresses(void)
{
	long r = syscall32_5(NR32_MREMAP, HIGH_PAGE, 4096, 4096, MREMAP_MAYMOVE_ | MREMAP_FIXED_,
			     HIGH_PAGE + 0x12000);
	ktap_diag("i386 mremap(%#lx in ebx, 4096, 4096, MAYMOVE|FIXED, %#lx in edi) = %#x (want %#lx)",
		  HIGH_PAGE, HIGH_PAGE + 0x12000, (unsigned)r, HIGH_PAGE + 0x12000);
	ktap_ok((unsigned)r == HIGH_PAGE + 0x12000, "ebx_edi_addresses_zero_extended");
}

/* ebx, ecx: munmap(0x90000000, 0x80000000) unmaps 2 GiB where nothing is. */
static void test_length(void)
{
	long r = syscall32_2(NR32_MUNMAP, 0x90000000L, 0x80000000L);
	ktap_diag("i386 munmap(0x90000000 in ebx, length 0x80000000 in ecx) = %d (want 0; -EINVAL "
		  "means the address or the length was sign-extended or cut)", (int)r);
	ktap_ok((int)r == 0, "ebx_ecx_length_zero_extended");
}

static void args_tests(void)
{
	long p = sys_mmap((void *)HIGH_PAGE, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if ((unsigned long)p != HIGH_PAGE)
		ktap_diag("setup: mmap at %#lx returned %ld: the checks below cannot pass", HIGH_PAGE, p);
	test_count();
	test_pointer();
	test_addresses();
	test_length();
}

#define WIDE32 0xffffffff80000014UL   /* getpid's 20 in the low half, bit 31 set */

static void traced_child(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	raise(SIGSTOP);
	long r = syscall32_0(NR32_GETPID);
	_exit((int)r == -ENOSYS ? 0 : (int)r == (int)sys_getpid() ? 1 : 2);
}

static void traced_tests(void)
{
	pid_t pid = fork();
	if (pid == 0)
		traced_child();
	struct user_regs_struct regs;
	int status = ktap_wait_status(pid), code = -1;
	if (status >= 0 && WIFSTOPPED(status) && ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0 &&
	    (status = ktap_wait_status(pid)) >= 0 && WIFSTOPPED(status) &&
	    ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0 && regs.orig_rax == NR32_GETPID) {
		regs.orig_rax = WIDE32;
		if (ptrace(PTRACE_SETREGS, pid, NULL, &regs) == 0 &&
		    ptrace(PTRACE_DETACH, pid, NULL, NULL) == 0) {
			status = ktap_wait_status(pid);
			if (status >= 0 && WIFEXITED(status))
				code = WEXITSTATUS(status);
			else if (status >= 0 && WIFSIGNALED(status))
				ktap_diag("the child died of signal %d", WTERMSIG(status));
		}
	} else {
		ktap_diag("no syscall-entry stop for i386 getpid (status %#x)", status);
	}
	if (code < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	ktap_diag("i386 getpid whose number the tracer set to %#lx: %s", WIDE32,
		  code == 0 ? "ENOSYS" : code == 1 ? "ran getpid" : code == 2 ? "ran something else" :
		  "did not finish");
	ktap_ok(code == 0, "traced_number_out_of_range");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: lab1_int80 [args|traced]\nLab 1 tests: i386 argument values with bit 31 set "
		       "(args), a tracer's out-of-range i386 number (traced); both without an argument.\nKTAP on stdout; exit "
		       "status 0 when every check passed.\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "args")) {
		ktap_plan(4);
		args_tests();
	} else if (argc == 2 && !strcmp(argv[1], "traced")) {
		ktap_plan(1);
		traced_tests();
	} else if (argc == 1) {            /* both: how run-host-tests runs it */
		ktap_plan(5);
		args_tests();
		traced_tests();
	} else {
		dprintf(2, "usage: lab1_int80 [args|traced]\n");
		return 2;
	}
	return ktap_finish();
}
