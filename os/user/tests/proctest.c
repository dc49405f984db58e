/* proctest: processes, signals and ptrace events against Linux's semantics -
 * waitid (P_PID, P_ALL, P_PGID; WEXITED, WSTOPPED, WCONTINUED, WNOHANG,
 * WNOWAIT; its siginfo), stops and continues reported to the parent,
 * rt_sigsuspend, rt_sigtimedwait, sigaltstack with SA_ONSTACK,
 * restart_syscall (a nanosleep stopped and continued sleeps on),
 * clock_nanosleep, vfork and clone for processes, and ptrace's fork, vfork,
 * clone, exec and exit events, PTRACE_GETSIGINFO, PTRACE_O_EXITKILL,
 * PR_SET_PTRACER, PR_GET_SECCOMP and SECCOMP_FILTER_FLAG_TSYNC. KTAP on
 * stdout; every check holds on the host's Linux too. Raw sys_*() calls so
 * the kernel's -errno is seen. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define P_ALL  0
#define P_PID  1
#define P_PGID 2
#define WSTOPPED   2
#define WEXITED    4
#define WCONTINUED 8
#define WNOWAIT    0x01000000
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
#define SA_ONSTACK 0x08000000
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define PR_SET_PTRACER 0x59616d61
#define PR_GET_SECCOMP 21
#define BAD_PTR ((void *)0x10)

static const char *self;
static int on_ringside;

struct stack { void *sp; int flags; unsigned long size; };

static long waitid_(int which, long id, siginfo_t *si, int options)
{
	return syscall6(__NR_waitid, which, id, (long)si, options, 0, 0);
}

/* wait4 and waitid that give up after 3 s (WNOHANG, polled), so that a
 * kernel that never reports fails the check instead of hanging the test:
 * then wait4 returns 0 and waitid leaves si_pid 0. */
static long wait4_3s(long pid, int *status, int options)
{
	for (int k = 0; k < 300; k++) {
		long got = sys_wait4((int)pid, status, options | WNOHANG, NULL);
		if (got != 0)
			return got;
		ktap_sleep_ms(10);
	}
	return 0;
}

static long waitid_3s(int which, long id, siginfo_t *si, int options)
{
	for (int k = 0; k < 300; k++) {
		*si = (siginfo_t){ 0 };
		long r = waitid_(which, id, si, options | WNOHANG);
		if (r != 0 || si->si_pid)
			return r;
		ktap_sleep_ms(10);
	}
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;
	sys_clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_waitid(void)
{
	siginfo_t si;
	long pid = sys_fork();
	if (pid == 0)
		sys_exit_group(7);
	memset(&si, 0xff, sizeof(si));
	ktap_expect(waitid_(P_PID, pid, &si, WEXITED | WNOWAIT), 0, "waitid(P_PID, WEXITED|WNOWAIT)");
	ktap_ok(si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_pid == pid && si.si_status == 7,
		"its siginfo: SIGCHLD, CLD_EXITED, the pid, status 7 (code %d, status %d)", si.si_code, si.si_status);
	ktap_expect(sys_kill((int)pid, 0), 0, "kill(zombie, 0) is 0: the process exists until it is reaped");
	ktap_expect(waitid_(P_ALL, 0, &si, WEXITED), 0, "WNOWAIT left it to be waited for again (P_ALL)");
	ktap_ok(si.si_pid == pid, "the same child");
	ktap_expect(waitid_(P_ALL, 0, &si, WEXITED), -ECHILD, "then no child is left: ECHILD");
	ktap_expect(sys_kill((int)pid, 0), -ESRCH, "kill of the reaped pid is ESRCH");

	pid = sys_fork();
	if (pid == 0) {
		sys_kill(sys_getpid(), SIGKILL);
		sys_exit_group(0);
	}
	ktap_expect(waitid_(P_PGID, sys_getpgrp(), &si, WEXITED), 0, "waitid(P_PGID, our group)");
	ktap_ok(si.si_code == CLD_KILLED && si.si_status == SIGKILL, "a killed child: CLD_KILLED, SIGKILL");

	pid = sys_fork();
	if (pid == 0) {
		sys_pause();
		sys_exit_group(0);
	}
	memset(&si, 0xff, sizeof(si));
	ktap_expect(waitid_(P_PID, pid, &si, WEXITED | WNOHANG), 0, "WNOHANG with nothing to report returns 0");
	ktap_ok(si.si_pid == 0 && si.si_signo == 0, "and clears si_pid and si_signo");
	ktap_expect(sys_kill((int)pid, SIGSTOP), 0, "stop the child");
	ktap_expect(waitid_3s(P_PID, pid, &si, WSTOPPED), 0, "waitid(WSTOPPED) sees the stop");
	ktap_ok(si.si_code == CLD_STOPPED && si.si_status == SIGSTOP, "CLD_STOPPED, SIGSTOP");
	ktap_expect(waitid_(P_PID, pid, &si, WSTOPPED | WNOHANG), 0, "a stop is reported once");
	ktap_ok(si.si_pid == 0, "(nothing the second time)");
	ktap_expect(sys_kill((int)pid, SIGCONT), 0, "continue it");
	ktap_expect(waitid_3s(P_PID, pid, &si, WCONTINUED), 0, "waitid(WCONTINUED) sees the continue");
	ktap_ok(si.si_code == CLD_CONTINUED && si.si_status == SIGCONT, "CLD_CONTINUED, SIGCONT");
	sys_kill((int)pid, SIGSTOP);
	int status = 0;
	ktap_expect(wait4_3s(pid, &status, WUNTRACED), pid, "wait4(WUNTRACED) sees a second stop");
	ktap_ok(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "status: stopped by SIGSTOP (%#x)", status);
	sys_kill((int)pid, SIGCONT);
	ktap_expect(wait4_3s(pid, &status, WCONTINUED), pid, "wait4(WCONTINUED) sees the continue");
	ktap_ok(status == 0xffff, "status 0xffff (WIFCONTINUED) (%#x)", status);
	sys_kill((int)pid, SIGKILL);
	sys_wait4((int)pid, NULL, 0, NULL);

	ktap_expect(waitid_(P_ALL, 0, &si, 0), -EINVAL, "waitid without WEXITED/WSTOPPED/WCONTINUED is EINVAL");
	ktap_expect(waitid_(7, 0, &si, WEXITED), -EINVAL, "waitid with idtype 7 is EINVAL");
	ktap_expect(waitid_(P_PID, 0, &si, WEXITED), -EINVAL, "waitid(P_PID, 0) is EINVAL");
	ktap_expect(waitid_(P_ALL, 0, &si, WEXITED | 0x10), -EINVAL, "waitid with an unknown option is EINVAL");
	ktap_expect(sys_wait4(-1, &status, WEXITED, NULL), -EINVAL, "wait4 does not take WEXITED: EINVAL");
	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(0);
	ktap_expect(waitid_(P_PID, pid, BAD_PTR, WEXITED), -EFAULT, "waitid into a bad siginfo is EFAULT");
	sys_wait4((int)pid, NULL, 0, NULL);
}

static volatile int handled;
static volatile unsigned long handler_sp;
static void on_usr1(int sig)
{
	int local;
	handled = sig;
	handler_sp = (unsigned long)&local;
}

static void test_suspend_timedwait(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t block = 1UL << (SIGUSR1 - 1), old, empty = 0, now;
	siginfo_t si;

	sigaction(SIGUSR1, &sa, NULL);
	sys_rt_sigprocmask(SIG_BLOCK, &block, &old, 8);
	long pid = sys_fork();
	if (pid == 0) {
		ktap_sleep_ms(20);
		sys_kill(sys_getppid(), SIGUSR1);
		sys_exit_group(0);
	}
	handled = 0;
	ktap_expect(sys_rt_sigsuspend(&empty, 8), -EINTR, "rt_sigsuspend returns EINTR after the handler");
	ktap_ok(handled == SIGUSR1, "the handler ran");
	sys_rt_sigprocmask(SIG_BLOCK, NULL, &now, 8);
	ktap_ok(now & block, "the mask from before rt_sigsuspend is back (SIGUSR1 blocked)");
	sys_wait4((int)pid, NULL, 0, NULL);
	ktap_expect(sys_rt_sigsuspend(&empty, 4), -EINVAL, "rt_sigsuspend with sigsetsize 4 is EINVAL");
	ktap_expect(sys_rt_sigsuspend(BAD_PTR, 8), -EFAULT, "rt_sigsuspend from a bad pointer is EFAULT");

	/* rt_sigtimedwait takes a blocked signal without running the handler. */
	handled = 0;
	sys_kill(sys_getpid(), SIGUSR1);
	memset(&si, 0, sizeof(si));
	ktap_expect(sys_rt_sigtimedwait(&block, &si, NULL, 8), SIGUSR1, "rt_sigtimedwait takes the pending SIGUSR1");
	ktap_ok(si.si_signo == SIGUSR1 && si.si_code == 0 && si.si_pid == sys_getpid(),
		"its siginfo: SIGUSR1, SI_USER, our pid");
	ktap_ok(handled == 0, "and no handler ran");
	struct timespec zero = { 0, 0 }, ten = { 0, 10 * 1000 * 1000 }, bad = { 0, 1000000000 };
	ktap_expect(sys_rt_sigtimedwait(&block, NULL, &zero, 8), -EAGAIN, "with nothing pending and a zero timeout: EAGAIN");
	long t0 = now_ms();
	ktap_expect(sys_rt_sigtimedwait(&block, NULL, &ten, 8), -EAGAIN, "a 10 ms timeout: EAGAIN");
	ktap_ok(now_ms() - t0 >= 10, "after at least 10 ms");
	ktap_expect(sys_rt_sigtimedwait(&block, NULL, &bad, 8), -EINVAL, "a timeout with tv_nsec 1e9 is EINVAL");
	ktap_expect(sys_rt_sigtimedwait(&block, NULL, NULL, 7), -EINVAL, "sigsetsize 7 is EINVAL");
	pid = sys_fork();
	if (pid == 0) {
		ktap_sleep_ms(20);
		sys_kill(sys_getppid(), SIGUSR1);
		sys_exit_group(0);
	}
	ktap_expect(sys_rt_sigtimedwait(&block, &si, NULL, 8), SIGUSR1, "rt_sigtimedwait waits for a signal to come");
	ktap_ok(si.si_pid == pid, "sent by the child");
	sys_wait4((int)pid, NULL, 0, NULL);
	sys_rt_sigprocmask(SIG_SETMASK, &old, NULL, 8);
}

static char altstack[16384] __attribute__((aligned(16)));

static void test_altstack(void)
{
	struct stack ss = { altstack, 0, sizeof(altstack) }, got;
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_ONSTACK };

	ktap_expect(sys_sigaltstack(NULL, &got), 0, "sigaltstack reads the current setting");
	ktap_ok(got.flags == SS_DISABLE, "none at first: SS_DISABLE (%d)", got.flags);
	ktap_expect(sys_sigaltstack(&ss, NULL), 0, "sigaltstack sets a 16 KiB stack");
	sigaction(SIGUSR1, &sa, NULL);
	handled = 0;
	sys_kill(sys_getpid(), SIGUSR1);
	ktap_ok(handled == SIGUSR1 && handler_sp >= (unsigned long)altstack &&
		handler_sp < (unsigned long)altstack + sizeof(altstack),
		"an SA_ONSTACK handler runs on it");
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	sys_kill(sys_getpid(), SIGUSR1);
	ktap_ok(handler_sp < (unsigned long)altstack || handler_sp >= (unsigned long)altstack + sizeof(altstack),
		"a handler without SA_ONSTACK does not");
	ktap_expect(sys_sigaltstack(NULL, &got), 0, "read it back");
	ktap_ok(got.sp == altstack && got.size == sizeof(altstack) && got.flags == 0, "same stack, not on it now");
	struct stack small = { altstack, 0, 1024 }, odd = { altstack, 5, sizeof(altstack) };
	ktap_expect(sys_sigaltstack(&small, NULL), -ENOMEM, "a stack under MINSIGSTKSZ is ENOMEM");
	ktap_expect(sys_sigaltstack(&odd, NULL), -EINVAL, "ss_flags 5 is EINVAL");
	ktap_expect(sys_sigaltstack(BAD_PTR, NULL), -EFAULT, "sigaltstack from a bad pointer is EFAULT");
	struct stack off = { NULL, SS_DISABLE, 0 };
	ktap_expect(sys_sigaltstack(&off, NULL), 0, "SS_DISABLE turns it off");
}

static void test_restart(void)
{
	/* A child sleeps 300 ms; we stop it at 50 ms and continue it 100 ms
	 * later: the sleep resumes through restart_syscall for what was left,
	 * so it ends no sooner than 300 ms after it started, and no later than
	 * the stop plus the sleep (450 ms) with some slack. */
	long pid = sys_fork();
	if (pid == 0) {
		long t0 = now_ms();
		struct timespec ts = { 0, 300 * 1000 * 1000 };
		long r = sys_nanosleep(&ts, NULL);
		long took = now_ms() - t0;
		sys_exit_group(r != 0 ? 1 : took < 300 ? 2 : took > 1000 ? 3 : 0);
	}
	ktap_sleep_ms(50);
	sys_kill((int)pid, SIGSTOP);
	int status = 0;
	sys_wait4((int)pid, &status, WUNTRACED, NULL);
	ktap_sleep_ms(100);
	sys_kill((int)pid, SIGCONT);
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"a nanosleep stopped and continued sleeps the rest and returns 0 (child status %#x; 2: too short)", status);

	/* With a handler, the sleep ends with EINTR and rem holds the rest. */
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	pid = sys_fork();
	if (pid == 0) {
		struct timespec ts = { 2, 0 }, rem = { -1, -1 };
		long r = sys_nanosleep(&ts, &rem);
		sys_exit_group(r != -EINTR ? 1 : rem.tv_sec < 1 || rem.tv_sec > 2 ? 2 : 0);
	}
	ktap_sleep_ms(50);
	sys_kill((int)pid, SIGUSR1);
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"a handler ends nanosleep with EINTR and the time left in rem (child status %#x)", status);

	struct timespec ts = { 0, 20 * 1000 * 1000 }, abs;
	long t0 = now_ms();
	ktap_expect(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL), 0, "clock_nanosleep(MONOTONIC) 20 ms");
	ktap_ok(now_ms() - t0 >= 20, "slept at least 20 ms");
	sys_clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 20 * 1000 * 1000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	t0 = now_ms();
	ktap_expect(sys_clock_nanosleep(CLOCK_MONOTONIC, 1 /* TIMER_ABSTIME */, &abs, NULL), 0, "clock_nanosleep to an absolute time");
	ktap_ok(now_ms() - t0 >= 15, "slept until then");
	ktap_expect(sys_clock_nanosleep(CLOCK_MONOTONIC, 1, &abs, NULL), 0, "an absolute time in the past returns at once");
	ktap_expect(sys_clock_nanosleep(100, 0, &ts, NULL), -EINVAL, "clock_nanosleep on clock 100 is EINVAL");
	ktap_expect(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, BAD_PTR, NULL), -EFAULT, "clock_nanosleep from a bad pointer is EFAULT");
	struct timespec bad = { 0, -1 };
	ktap_expect(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), -EINVAL, "a negative tv_nsec is EINVAL");
}

static void test_vfork_clone(void)
{
	static volatile int parent_waited;
	long t0 = now_ms();
	long pid = sys_vfork();
	if (pid == 0) {
		struct timespec ts = { 0, 30 * 1000 * 1000 };
		sys_nanosleep(&ts, NULL);
		sys_exit_group(5);
	}
	parent_waited = now_ms() - t0 >= 30;
	int status = 0;
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(parent_waited, "vfork's parent waits for the child to exit");
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 5, "the child's status (%#x)", status);

	static int tid_word;
	pid = sys_clone(0x01000000 /* CHILD_SETTID */ | SIGCHLD, 0, NULL, &tid_word, 0);
	if (pid == 0)
		sys_exit_group(tid_word == sys_getpid() ? 0 : 1);
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "clone(CLONE_CHILD_SETTID|SIGCHLD) wrote the child's tid in the child");
	ktap_ok(tid_word == 0, "and not in the parent");
	pid = sys_clone(0x00100000 /* PARENT_SETTID */ | SIGCHLD, 0, &tid_word, NULL, 0);
	if (pid == 0)
		sys_exit_group(0);
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(tid_word == pid, "CLONE_PARENT_SETTID writes it in the parent");
}

/* A traced child that forks, vforks, clones, execs and exits. */
static void traced_body(void)
{
	long pid = sys_fork();
	if (pid == 0)
		sys_exit_group(11);
	sys_wait4((int)pid, NULL, 0, NULL);
	pid = sys_vfork();
	if (pid == 0)
		sys_exit_group(12);
	sys_wait4((int)pid, NULL, 0, NULL);
	pid = sys_clone(0, 0, NULL, NULL, 0);   /* exit signal not SIGCHLD (none): a clone event */
	if (pid == 0)
		sys_exit_group(13);
	sys_wait4((int)pid, NULL, 0x80000000 /* __WCLONE */, NULL);
	char *argv[] = { (char *)self, "--exit", "9", NULL };
	sys_execve(self, argv, environ);
	sys_exit_group(99);
}

/* Wait for pid's next stop or exit, passing on signal-delivery stops
 * (SIGCHLD from the tracee's own children, for one) as Linux tracers do. */
static long wait_tracee(long pid, int *status)
{
	for (;;) {
		long got = wait4_3s(pid, status, 0x40000000 /* __WALL */);
		if (got != pid || !WIFSTOPPED(*status) || WSTOPSIG(*status) == SIGTRAP)
			return got;
		sys_ptrace(PTRACE_CONT, pid, NULL, (void *)(long)WSTOPSIG(*status));
	}
}

static void test_ptrace_events(void)
{
	int status;
	long pid = sys_fork();
	if (pid == 0) {
		if (sys_ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			sys_exit_group(100);
		sys_kill(sys_getpid(), SIGSTOP);
		traced_body();
	}
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "the tracee stopped itself");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	ktap_expect(sys_ptrace(PTRACE_GETSIGINFO, pid, NULL, &si), 0, "PTRACE_GETSIGINFO at a signal stop");
	ktap_ok(si.si_signo == SIGSTOP && si.si_code == 0 && si.si_pid == pid, "SIGSTOP, SI_USER, from itself");
	ktap_expect(sys_ptrace(PTRACE_GETSIGINFO, pid, NULL, BAD_PTR), -EFAULT, "PTRACE_GETSIGINFO into a bad pointer is EFAULT");
	long opts = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
		    PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;
	ktap_expect(sys_ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)opts), 0, "PTRACE_SETOPTIONS with every event");
	static const struct { int event; const char *name; } events[] = {
		{ PTRACE_EVENT_FORK, "fork" }, { PTRACE_EVENT_VFORK, "vfork" }, { PTRACE_EVENT_CLONE, "clone" },
	};
	sys_ptrace(PTRACE_CONT, pid, NULL, NULL);
	for (int k = 0; k < 3; k++) {
		long got = wait_tracee(pid, &status);
		ktap_ok(got == pid && WIFSTOPPED(status) && status >> 8 == (SIGTRAP | events[k].event << 8),
			"the %s event stops the tracee (status %#x)", events[k].name, status);
		unsigned long child = 0;
		sys_ptrace(PTRACE_GETEVENTMSG, pid, NULL, &child);
		memset(&si, 0, sizeof(si));
		sys_ptrace(PTRACE_GETSIGINFO, pid, NULL, &si);
		ktap_ok(si.si_signo == SIGTRAP && si.si_code == (SIGTRAP | events[k].event << 8),
			"GETSIGINFO at the %s event: SIGTRAP, code SIGTRAP|event<<8", events[k].name);
		/* The new child is ours to trace: it starts with a SIGSTOP. */
		int cst = 0;
		long c = child ? wait4_3s(child, &cst, 0x40000000 /* __WALL */) : 0;
		ktap_ok(c == (long)child && WIFSTOPPED(cst) && WSTOPSIG(cst) == SIGSTOP,
			"its %s child (pid from GETEVENTMSG) is traced and starts stopped (%#x)", events[k].name, cst);
		sys_ptrace(PTRACE_CONT, child, NULL, NULL);
		c = child ? wait4_3s(child, &cst, 0x40000000) : 0;
		ktap_ok(c == (long)child && WIFSTOPPED(cst) && cst >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8),
			"it inherits the options: an exit event (%#x)", cst);
		sys_ptrace(PTRACE_CONT, child, NULL, NULL);
		c = child ? wait4_3s(child, &cst, 0x40000000) : 0;
		ktap_ok(c == (long)child && WIFEXITED(cst) && WEXITSTATUS(cst) == 11 + k,
			"we see it exit with %d (%#x)", 11 + k, cst);
		sys_ptrace(PTRACE_CONT, pid, NULL, NULL);
	}
	long got = wait_tracee(pid, &status);
	ktap_ok(got == pid && WIFSTOPPED(status) && status >> 8 == (SIGTRAP | PTRACE_EVENT_EXEC << 8),
		"the exec event (status %#x)", status);
	sys_ptrace(PTRACE_CONT, pid, NULL, NULL);
	got = wait_tracee(pid, &status);
	unsigned long msg = 0;
	sys_ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg);
	ktap_ok(got == pid && status >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8) && WEXITSTATUS((int)msg) == 9,
		"the exit event, its message the exit status (status %#x, msg %#lx)", status, msg);
	sys_ptrace(PTRACE_CONT, pid, NULL, NULL);
	got = wait_tracee(pid, &status);
	ktap_ok(got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 9, "then it exits with 9");

	/* PTRACE_O_EXITKILL: a tracer that dies takes its tracee along. The
	 * tracee holds a pipe's write end: the read end sees end of file once
	 * it is dead. */
	int p[2];
	sys_pipe2(p, 04000 /* O_NONBLOCK */);
	pid = sys_fork();
	if (pid == 0) {
		long tracee = sys_fork();
		if (tracee == 0) {
			sys_close(p[0]);
			sys_ptrace(PTRACE_TRACEME, 0, NULL, NULL);
			sys_kill(sys_getpid(), SIGSTOP);
			for (;;)
				sys_pause();
		}
		sys_close(p[0]);
		sys_close(p[1]);
		sys_wait4((int)tracee, NULL, 0, NULL);
		sys_ptrace(PTRACE_SETOPTIONS, tracee, NULL, (void *)PTRACE_O_EXITKILL);
		sys_ptrace(PTRACE_CONT, tracee, NULL, NULL);
		sys_exit_group(0);
	}
	sys_close(p[1]);
	sys_wait4((int)pid, &status, 0, NULL);
	char c;
	long r = -EAGAIN;
	for (int k = 0; k < 200 && r == -EAGAIN; k++) {
		r = sys_read(p[0], &c, 1);
		if (r == -EAGAIN)
			ktap_sleep_ms(10);
	}
	sys_close(p[0]);
	ktap_expect(r, 0, "PTRACE_O_EXITKILL: the tracee dies with its tracer (its pipe end closes)");
}

static void test_prctl_seccomp(void)
{
	ktap_expect(sys_prctl(PR_GET_SECCOMP, 0, 0, 0, 0), 0, "PR_GET_SECCOMP: 0 without seccomp");
	int yama = on_ringside || sys_access("/proc/sys/kernel/yama", 0) == 0;
	if (yama) {
		ktap_expect(sys_prctl(PR_SET_PTRACER, 0, 0, 0, 0), 0, "PR_SET_PTRACER 0");
		ktap_expect(sys_prctl(PR_SET_PTRACER, -1UL, 0, 0, 0), 0, "PR_SET_PTRACER_ANY");
		ktap_expect(sys_prctl(PR_SET_PTRACER, sys_getppid(), 0, 0, 0), 0, "PR_SET_PTRACER to our parent");
		ktap_expect(sys_prctl(PR_SET_PTRACER, 0x3ffffff0, 0, 0, 0), -EINVAL, "PR_SET_PTRACER to a missing pid is EINVAL");
	} else {
		for (int k = 0; k < 4; k++)
			ktap_skip("no Yama in this kernel: PR_SET_PTRACER is EINVAL", "PR_SET_PTRACER (%d)", k);
	}
	/* TSYNC with one thread succeeds: in a child, which then lives filtered. */
	long pid = sys_fork();
	if (pid == 0) {
		struct { unsigned short code; unsigned char jt, jf; unsigned int k; } allow = { 0x06, 0, 0, 0x7fff0000 };
		struct { unsigned short len; void *filter; } prog = { 1, &allow };
		sys_prctl(38 /* NO_NEW_PRIVS */, 1, 0, 0, 0);
		long r = sys_seccomp(1 /* SET_MODE_FILTER */, 1 /* TSYNC */, &prog);
		long bad = sys_seccomp(1, 0x80, &prog);
		long mode = sys_prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
		sys_exit_group(r != 0 ? 1 : bad != -EINVAL ? 2 : mode != 2 ? 3 : 0);
	}
	int status = 0;
	sys_wait4((int)pid, &status, 0, NULL);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"SECCOMP_FILTER_FLAG_TSYNC with one thread succeeds; an unknown flag is EINVAL; PR_GET_SECCOMP then says 2 (status %#x)", status);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: proctest\nwaitid, stops and continues, sigsuspend, sigtimedwait, sigaltstack, restart_syscall,\n"
		       "clock_nanosleep, vfork, clone, ptrace events. KTAP on stdout.\n");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--exit"))
		return atoi(argv[2]);
	self = ktap_self_path(argv[0]);
	on_ringside = running_on_ringside();
	printf("KTAP version 1\n");
	ktap_plan(100);
	test_waitid();
	test_suspend_timedwait();
	test_altstack();
	test_restart();
	test_vfork_clone();
	test_ptrace_events();
	test_prctl_seccomp();
	return ktap_finish();
}
