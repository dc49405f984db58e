/* lab3_ptrace: the syscall slow path as a tracer sees it.
 *
 *   lab3_ptrace entry   lab 3: a number changed at the syscall-entry stop is
 *                       the one the call, the sys_enter tracepoint and the
 *                       audit entry record all see
 *   lab3_ptrace exit    lab 5: the syscall-exit stop, and the single-step
 *                       over a syscall instruction reported at the right
 *                       place - and not at all under PTRACE_SYSEMU
 *
 * The exit tests point a stopped child at a fixed stub (below) so that the
 * instruction addresses are known. Every wait is bounded: a missing stop is
 * a failed result, not a hang. KTAP on stdout, one-word result names. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/ringside.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* getpid by the syscall instruction, a nop, then a spin the tracer never
 * lets the child leave. */
extern char lab3_stub_syscall[], lab3_stub_nop[];
__asm__(".text\n"
	".globl lab3_stub_syscall, lab3_stub_nop\n"
	"lab3_stub_syscall: syscall\n"
	"lab3_stub_nop: nop\n"
	"1: jmp 1b\n");

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* The next wait4 status of pid within about two seconds, or -1. */
static int wait_status(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		int status;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		sleep_ms(10);
	}
	return -1;
}

static void finish_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A child that stops itself for its tracer and then spins. */
static pid_t start_stopped_child(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		for (;;)
			sched_yield();
	}
	int status = wait_status(pid);
	if (status < 0 || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		ktap_diag("the child did not stop (status %#x)", status);
		finish_child(pid);
		return -1;
	}
	return pid;
}

/* Point the stopped child at the stub's syscall instruction with rax = 39. */
static int aim_at_stub(pid_t pid)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0)
		return -1;
	regs.rip = (unsigned long)lab3_stub_syscall;
	regs.rax = __NR_getpid;
	return (int)ptrace(PTRACE_SETREGS, pid, NULL, &regs);
}

static unsigned long rip_of(pid_t pid)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0)
		return 0;
	return regs.rip;
}

/* ---- lab 3 ---- */

#define RESULT_WAS_PPID 1
#define TRACEPOINT_SAW_NEW 2
#define AUDIT_SAW_NEW 4

static struct ringside_audit_record records[RINGSIDE_AUDIT_RING];
static struct ringside_trace_event events[RINGSIDE_TRACE_RING];

static void changed_number_child(void)
{
	long me = syscall0(__NR_getpid);
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);
	ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0);
	/* One read empties each ring (a read is audited too, so a loop reading
	 * until nothing is left would never end). */
	ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	syscall2(__NR_kill, me, SIGSTOP);      /* raise() might call getpid itself */
	long r = syscall0(__NR_getpid);        /* the tracer turns it into getppid */
	long ppid = syscall0(__NR_getppid);
	long nrec = ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	long nev = ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	int code = r == ppid ? RESULT_WAS_PPID : 0;
	int enter_new = 0, enter_old = 0, audit_new = 0, audit_old = 0;
	for (long i = 0; i < nev; i++) {
		if (events[i].type != RINGSIDE_TRACE_SYS_ENTER || events[i].pid != me)
			continue;
		enter_new += events[i].nr == __NR_getppid;
		enter_old += events[i].nr == __NR_getpid;
	}
	for (long i = 0; i < nrec; i++) {
		if (records[i].type != RINGSIDE_AUDIT_ENTRY || records[i].pid != me)
			continue;
		audit_new += records[i].nr == __NR_getppid;
		audit_old += records[i].nr == __NR_getpid;
	}
	/* Two getppids ran: the changed one and ours. */
	if (enter_new == 2 && enter_old == 0)
		code |= TRACEPOINT_SAW_NEW;
	if (audit_new == 2 && audit_old == 0)
		code |= AUDIT_SAW_NEW;
	_exit(code);
}

static void entry_tests(void)
{
	ktap_plan(3);
	pid_t pid = fork();
	if (pid == 0)
		changed_number_child();
	int status = wait_status(pid), code = -1;
	if (status >= 0 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP &&
	    ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0) {
		status = wait_status(pid);
		struct user_regs_struct regs;
		if (status >= 0 && WIFSTOPPED(status) && ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0 &&
		    regs.orig_rax == __NR_getpid) {
			regs.orig_rax = __NR_getppid;
			ptrace(PTRACE_SETREGS, pid, NULL, &regs);
			ptrace(PTRACE_SYSCALL, pid, NULL, NULL);      /* to the exit stop */
			status = wait_status(pid);
			if (status >= 0 && WIFSTOPPED(status))
				ptrace(PTRACE_DETACH, pid, NULL, NULL);
			status = wait_status(pid);
			if (status >= 0 && WIFEXITED(status))
				code = WEXITSTATUS(status);
		} else {
			ktap_diag("no syscall-entry stop for getpid (status %#x, orig_rax %ld)", status,
				  (long)regs.orig_rax);
		}
	}
	if (code < 0) {
		ktap_diag("the traced child did not finish (status %#x)", status);
		finish_child(pid);
		code = 0;
	}
	ktap_ok(code & RESULT_WAS_PPID, "changed_number_runs");
	ktap_ok(code & TRACEPOINT_SAW_NEW, "tracepoint_after_tracer");
	ktap_ok(code & AUDIT_SAW_NEW, "audit_after_tracer");
}

/* ---- lab 5 ---- */

static void exit_stop_test(void)
{
	pid_t pid = start_stopped_child();
	int ok = 0;
	if (pid > 0 && aim_at_stub(pid) == 0 && ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0) {
		int status = wait_status(pid);
		struct user_regs_struct regs;
		if (status >= 0 && WIFSTOPPED(status) && ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0) {
			status = wait_status(pid);
			if (status >= 0 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP &&
			    ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0) {
				ktap_diag("exit stop: rax %ld, rip %#lx", (long)regs.rax, regs.rip);
				ok = (long)regs.rax == pid && regs.rip == (unsigned long)lab3_stub_nop;
			} else {
				ktap_diag("no syscall-exit stop (status %#x)", status);
			}
		}
	}
	if (pid > 0)
		finish_child(pid);
	ktap_ok(ok, "exit_stop");
}

static int plain_step_reported;

static void step_test(void)
{
	pid_t pid = start_stopped_child();
	unsigned long rip = 0;
	int status = -1;
	if (pid > 0 && aim_at_stub(pid) == 0 && ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) == 0) {
		status = wait_status(pid);
		if (status >= 0 && WIFSTOPPED(status))
			rip = rip_of(pid);
	}
	ktap_diag("single step over syscall: status %#x, rip %#lx (want SIGTRAP at %#lx, right after "
		  "the syscall instruction)", status, rip, (unsigned long)lab3_stub_nop);
	if (pid > 0)
		finish_child(pid);
	plain_step_reported = status >= 0 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP &&
			      rip == (unsigned long)lab3_stub_nop;
	ktap_ok(plain_step_reported, "step_over_syscall");
}

static void sysemu_step_test(void)
{
	pid_t pid = start_stopped_child();
	unsigned long rip1 = 0, rip2 = 0;
	int status = -1;
	if (pid > 0 && aim_at_stub(pid) == 0 && ptrace(PTRACE_SYSEMU_SINGLESTEP, pid, NULL, NULL) == 0) {
		status = wait_status(pid);            /* the syscall-entry report */
		if (status >= 0 && WIFSTOPPED(status)) {
			rip1 = rip_of(pid);
			if (ptrace(PTRACE_SYSEMU_SINGLESTEP, pid, NULL, NULL) == 0) {
				status = wait_status(pid);    /* the step after the nop */
				if (status >= 0 && WIFSTOPPED(status))
					rip2 = rip_of(pid);
			}
		}
	}
	ktap_diag("PTRACE_SYSEMU_SINGLESTEP: entry stop at %#lx, next stop at %#lx (want %#lx: no "
		  "step report for an emulated call)", rip1, rip2, (unsigned long)lab3_stub_nop + 1);
	if (pid > 0)
		finish_child(pid);
	/* The contrast is the point: reported for a real call, not for an
	 * emulated one. */
	if (!plain_step_reported)
		ktap_diag("(and the plain single step over a real syscall was not reported right)");
	ktap_ok(plain_step_reported && rip1 == (unsigned long)lab3_stub_nop &&
		rip2 == (unsigned long)lab3_stub_nop + 1, "sysemu_step_not_reported");
}

static void exit_tests(void)
{
	ktap_plan(3);
	exit_stop_test();
	step_test();
	sysemu_step_test();
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: lab3_ptrace entry|exit\nLab 3 and lab 5 tests: ptrace syscall-entry stops (entry) and exit stops (exit).\nKTAP on stdout; exit status 0 when every check passed. Ringside only.\n");
		return 0;
	}
	if (!running_on_ringside()) {
		ktap_plan(1);
		ktap_skip("not on Ringside", "lab3_ptrace");
		return ktap_finish();
	}
	if (argc == 2 && !strcmp(argv[1], "entry"))
		entry_tests();
	else if (argc == 2 && !strcmp(argv[1], "exit"))
		exit_tests();
	else {
		dprintf(2, "usage: lab3_ptrace entry|exit\n");
		return 2;
	}
	return ktap_finish();
}
