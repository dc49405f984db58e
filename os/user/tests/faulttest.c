/* faulttest: CPU exceptions in user mode become the signals Linux sends.
 * Each fault runs in a forked child; the parent checks how the child died
 * and carries on, showing the kernel contains the fault to the one task.
 * KTAP on stdout. */
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void null_dereference(void) { *(volatile int *)0 = 1; }
static void read_null(void) { (void)*(volatile int *)0; }
static void write_own_text(void) { *(volatile char *)(void *)null_dereference = 0; }
static void invalid_opcode(void) { __asm__ volatile("ud2"); }
static void breakpoint(void) { __asm__ volatile("int3"); }
static void halt(void) { __asm__ volatile("hlt"); }
static void disable_interrupts(void) { __asm__ volatile("cli"); }
static void read_kernel(void) { (void)*(volatile long *)0xffffffff80000000UL; }
static void read_noncanonical(void) { (void)*(volatile long *)0x8000000000000000UL; }

static void divide_by_zero(void)
{
	int zero = 0, result;

	__asm__ volatile("cltd; idivl %2" : "=a"(result) : "a"(1), "r"(zero) : "rdx");
	(void)result;
}

static void jump_to_kernel(void)
{
	void (*target)(void) = (void (*)(void))0xffffffff80000000UL;

	__asm__ volatile("call *%0" : : "r"(target) : "memory");
}

static void jump_to_null(void)
{
	void (*volatile target)(void) = NULL;

	target();
}

static const struct fault_case {
	const char *what;
	void (*fault)(void);
	int signal;
} cases[] = {
	{ "a NULL write", null_dereference, SIGSEGV },
	{ "a NULL read", read_null, SIGSEGV },
	{ "a write to our own (read-only) text", write_own_text, SIGSEGV },
	{ "ud2 (invalid opcode)", invalid_opcode, SIGILL },
	{ "an integer divide by zero", divide_by_zero, SIGFPE },
	{ "int3 (breakpoint)", breakpoint, SIGTRAP },
	{ "hlt (privileged)", halt, SIGSEGV },
	{ "cli (privileged)", disable_interrupts, SIGSEGV },
	{ "a read of a kernel address", read_kernel, SIGSEGV },
	{ "a read of a non-canonical address", read_noncanonical, SIGSEGV },
	{ "a jump to a kernel address", jump_to_kernel, SIGSEGV },
	{ "a jump to address 0", jump_to_null, SIGSEGV },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

int main(int argc, char **argv)
{
	long parent = sys_getpid();
	unsigned i;

	if (argc > 1) {
		printf("usage: faulttest\nCheck that user-mode faults kill only the faulting child, with the\n"
		       "signal Linux sends; KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(NCASES + 1);
	for (i = 0; i < NCASES; i++) {
		char text[64];
		int status = -1;
		long pid = sys_fork();

		if (pid == 0) {
			cases[i].fault();
			sys_exit_group(100);  /* the fault did not happen */
		}
		if (pid < 0 || sys_wait4((int)pid, &status, 0, NULL) != pid) {
			ktap_diag("fork/wait4 failed");
			ktap_ok(0, "%s kills the task with %s", cases[i].what, signal_name(cases[i].signal));
			continue;
		}
		if (!(WIFSIGNALED(status) && WTERMSIG(status) == cases[i].signal))
			ktap_diag("expected %s, child ended: %s", signal_name(cases[i].signal),
				  describe_wait_status(status, text, sizeof(text)));
		ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == cases[i].signal,
			"%s kills the task with %s", cases[i].what, signal_name(cases[i].signal));
	}
	ktap_expect(sys_getpid(), parent, "the parent is unharmed after all the faults");
	return ktap_finish();
}
