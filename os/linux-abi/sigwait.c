/* sigwait: corners of signals, waits and tracing that programs lean on:
 * rt_sigreturn takes the alternate signal stack back from the frame's
 * uc_stack (a handler may change it there); rt_sigaction and sigaltstack
 * install the new setting before they find the old-value pointer bad;
 * wait4/waitid and "clone" children (those that report their end with no
 * SIGCHLD) under __WCLONE and __WALL; the first stop of a child attached
 * through PTRACE_O_TRACEFORK: SIGSTOP after PTRACE_ATTACH, a
 * PTRACE_EVENT_STOP after PTRACE_SEIZE. */
#include "abi.h"
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <ucontext.h>

static char stack1[16384], stack2[16384];
static int mode;

static void edit_uc_stack(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	(void)sig;
	(void)si;
	switch (mode) {
	case 1:     /* switch it off */
		uc->uc_stack.ss_flags = SS_DISABLE;
		break;
	case 2:     /* another one */
		uc->uc_stack.ss_sp = stack2;
		uc->uc_stack.ss_size = sizeof(stack2);
		uc->uc_stack.ss_flags = 0;
		break;
	case 3:     /* one too small: refused, silently */
		uc->uc_stack.ss_sp = stack2;
		uc->uc_stack.ss_size = 100;
		uc->uc_stack.ss_flags = 0;
		break;
	case 4:     /* bad flags: refused, silently */
		uc->uc_stack.ss_flags = 5;
		break;
	}
}

static void show(const char *label)
{
	stack_t cur;
	sigaltstack(NULL, &cur);
	printf("%s: %s, size %zu, flags %d\n", label,
	       cur.ss_sp == stack1 ? "stack1" : cur.ss_sp == stack2 ? "stack2" : cur.ss_sp ? "other" : "none",
	       cur.ss_size, cur.ss_flags);
}

static void set_stack1(void)
{
	stack_t ss = { .ss_sp = stack1, .ss_size = sizeof(stack1), .ss_flags = 0 };
	sigaltstack(&ss, NULL);
}

static void altstack_from_frame(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = edit_uc_stack;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	for (mode = 1; mode <= 4; mode++) {
		set_stack1();
		raise(SIGUSR1);
		char label[64];
		snprintf(label, sizeof(label), "after a handler on the normal stack, edit %d", mode);
		show(label);
	}
	/* Not compared: an edit made by a handler that runs on the alternate
	 * stack. Linux 4.3 (and Ringside) judge it at the restored rsp, off
	 * that stack, and apply it; a recent host kernel ignores it. */
	mode = 0;
	raise(SIGUSR1);
	show("no edit");
	signal(SIGUSR1, SIG_DFL);
}

static void bad_old_pointers(void)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	T("rt_sigaction with a bad oact", syscall(SYS_rt_sigaction, SIGUSR2, &sa, BAD_PTR, 8));
	sigaction(SIGUSR2, NULL, &old);
	Y("... installed all the same", old.sa_handler == SIG_IGN);
	T("rt_sigaction bad act, signal 0", syscall(SYS_rt_sigaction, 0, BAD_PTR, NULL, 8));
	T("rt_sigaction bad act, SIGKILL", syscall(SYS_rt_sigaction, SIGKILL, BAD_PTR, NULL, 8));
	signal(SIGUSR2, SIG_DFL);
	stack_t ss = { .ss_sp = stack2, .ss_size = sizeof(stack2), .ss_flags = 0 };
	T("sigaltstack with a bad oss", syscall(SYS_sigaltstack, &ss, BAD_PTR));
	show("... installed all the same");
	ss.ss_size = 10;
	T("sigaltstack refused, bad oss", syscall(SYS_sigaltstack, &ss, BAD_PTR));
	show("... unchanged");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
}

static void describe(const char *label, int st)
{
	if (WIFEXITED(st))
		printf("%s: exit %d\n", label, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: signal %d\n", label, WTERMSIG(st));
	else if (WIFSTOPPED(st))
		printf("%s: stopped, status %#x\n", label, st);
	else
		printf("%s: status %#x\n", label, st);
}

static void clone_waits(void)
{
	int st = 0;
	fflush(stdout);
	long c = syscall(SYS_clone, 0, 0, 0, 0, 0);     /* exit signal none: a "clone" child */
	if (c == 0)
		syscall(SYS_exit_group, 5);
	T("wait4 clone child", wait4((pid_t)c, &st, 0, NULL));
	T("wait4 any, no __WCLONE", wait4(-1, &st, WNOHANG, NULL));
	Y("wait4 clone child __WCLONE", wait4((pid_t)c, &st, __WCLONE, NULL) == c);
	describe("its status", st);
	fflush(stdout);
	c = syscall(SYS_clone, 0, 0, 0, 0, 0);
	if (c == 0)
		syscall(SYS_exit_group, 6);
	Y("wait4 any __WALL", wait4(-1, &st, __WALL, NULL) == c);
	describe("its status", st);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0)
		_exit(7);
	T("wait4 fork child __WCLONE", wait4(p, &st, __WCLONE, NULL));
	siginfo_t si;
	T("waitid fork child __WCLONE", waitid(P_PID, p, &si, WEXITED | __WCLONE));
	T("waitid fork child __WNOTHREAD", waitid(P_PID, p, &si, WEXITED | __WNOTHREAD));
	printf("status %d\n", si.si_status);
	T("wait4 bad option bit", wait4(-1, &st, 0x10, NULL));
}

/* The first stop of a child that a traced process forks, as its tracer
 * sees it. */
static void trace_fork(int seize)
{
	int go[2], st = 0;
	pipe(go);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		char b;
		close(go[1]);
		while (read(go[0], &b, 1) < 0)
			;
		pid_t g = fork();
		if (g == 0)
			_exit(9);
		waitpid(g, NULL, 0);
		_exit(8);
	}
	close(go[0]);
	if (seize) {
		T("PTRACE_SEIZE with TRACEFORK", ptrace(PTRACE_SEIZE, child, 0, PTRACE_O_TRACEFORK));
	} else {
		T("PTRACE_ATTACH", ptrace(PTRACE_ATTACH, child, 0, 0));
		waitpid(child, &st, __WALL);
		describe("attach stop", st);
		T("PTRACE_SETOPTIONS TRACEFORK", ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACEFORK));
		T("PTRACE_CONT", ptrace(PTRACE_CONT, child, 0, 0));
	}
	write(go[1], "x", 1);
	Y("the child stops at its fork event", waitpid(child, &st, __WALL) == child);
	printf("status %#x (fork event: %d)\n", st, st >> 16 == PTRACE_EVENT_FORK);
	unsigned long g = 0;
	ptrace(PTRACE_GETEVENTMSG, child, 0, &g);
	Y("the grandchild stops first", waitpid((pid_t)g, &st, __WALL) == (pid_t)g);
	describe("its first stop", st);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	T("PTRACE_GETSIGINFO", ptrace(PTRACE_GETSIGINFO, (pid_t)g, 0, &si));
	printf("siginfo: signo %d code %#x\n", si.si_signo, si.si_code);
	T("PTRACE_CONT grandchild", ptrace(PTRACE_CONT, (pid_t)g, 0, 0));
	T("PTRACE_CONT child", ptrace(PTRACE_CONT, child, 0, 0));
	Y("the grandchild exits", waitpid((pid_t)g, &st, __WALL) == (pid_t)g);
	describe("grandchild", st);
	/* The child stops once more, at the grandchild's SIGCHLD. */
	while (waitpid(child, &st, __WALL) == child && WIFSTOPPED(st)) {
		printf("child stops at signal %d\n", WSTOPSIG(st));
		ptrace(PTRACE_CONT, child, 0, WSTOPSIG(st));
	}
	describe("child", st);
	close(go[1]);
}

int main(void)
{
	altstack_from_frame();
	bad_old_pointers();
	clone_waits();
	trace_fork(0);
	trace_fork(1);
	return 0;
}
