/* procs: processes and signals - fork, wait4, waitid, kill, process groups
 * and sessions (setpgid, getpgid, setsid, getsid, kill(-pgid)), the ids,
 * times, nanosleep (and its restart after a stop), clock_nanosleep,
 * clock_gettime, sigaction/sigprocmask/pending signals, sigsuspend,
 * sigtimedwait, sigaltstack, stops and continues reported to the parent,
 * vfork and posix_spawn (clone with CLONE_VM|CLONE_VFORK). */
#include "abi.h"
#include <signal.h>
#include <spawn.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>

static volatile int got;
static void on_usr1(int sig) { got = sig; }

static void describe(const char *label, int st)
{
	if (WIFEXITED(st))
		printf("%s: exit %d\n", label, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: signal %d\n", label, WTERMSIG(st));
	else if (WIFSTOPPED(st))
		printf("%s: stopped by %d\n", label, WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		printf("%s: continued\n", label);
}

static volatile unsigned long handler_sp;
static void on_usr2(int sig)
{
	int local;
	(void)sig;
	handler_sp = (unsigned long)&local;
}

static long ms_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static void more(char *self)
{
	int st;
	siginfo_t si;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	memset(&si, 0, sizeof(si));
	T("waitid P_PID WEXITED|WNOWAIT", waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	printf("siginfo: signo %d code %d status %d pid-matches %d\n", si.si_signo, si.si_code, si.si_status, si.si_pid == pid);
	T("waitid P_ALL WEXITED", waitid(P_ALL, 0, &si, WEXITED));
	Y("same child again", si.si_pid == pid);
	T("waitid no child", waitid(P_ALL, 0, &si, WEXITED));
	T("waitid no WEXITED/WSTOPPED/WCONTINUED", waitid(P_ALL, 0, &si, 0));
	T("waitid idtype 7", waitid(7, 0, &si, WEXITED));
	T("waitid P_PID 0", waitid(P_PID, 0, &si, WEXITED));

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	memset(&si, 0xff, sizeof(si));
	T("waitid WNOHANG, nothing yet", waitid(P_PID, pid, &si, WEXITED | WNOHANG));
	printf("cleared: pid %d signo %d\n", si.si_pid, si.si_signo);
	kill(pid, SIGSTOP);
	T("waitid WSTOPPED", waitid(P_PID, pid, &si, WSTOPPED));
	printf("stop: code %d status %d\n", si.si_code, si.si_status);
	kill(pid, SIGCONT);
	T("waitid WCONTINUED", waitid(P_PID, pid, &si, WCONTINUED));
	printf("continue: code %d status %d\n", si.si_code, si.si_status);
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	kill(pid, SIGCONT);
	T("waitpid WCONTINUED", waitpid(pid, &st, WCONTINUED) == pid ? 0 : -1);
	describe("continued", st);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	describe("killed", st);

	/* A 300 ms sleep stopped at 50 ms for 100 ms still sleeps 300 ms. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct timespec t0, d = { 0, 300000000 };
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int r = nanosleep(&d, NULL);
		long took = ms_since(&t0);
		_exit(r != 0 ? 1 : took < 300 ? 2 : took > 1500 ? 3 : 0);
	}
	struct timespec w = { 0, 50000000 };
	nanosleep(&w, NULL);
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	w.tv_nsec = 100000000;
	nanosleep(&w, NULL);
	kill(pid, SIGCONT);
	waitpid(pid, &st, 0);
	describe("nanosleep across a stop (0 = slept the rest)", st);

	struct sigaction sa = { .sa_handler = on_usr2 };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sigset_t set, old, none;
	sigemptyset(&set);
	sigemptyset(&none);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR2);
	T("sigtimedwait takes it", sigtimedwait(&set, &si, NULL));
	printf("sigtimedwait info: signo %d code %d self %d\n", si.si_signo, si.si_code, si.si_pid == getpid());
	struct timespec zero = { 0, 0 };
	T("sigtimedwait nothing, zero timeout", sigtimedwait(&set, &si, &zero));
	raise(SIGUSR2);
	handler_sp = 0;
	T("sigsuspend", sigsuspend(&none));
	Y("the handler ran", handler_sp != 0);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	Y("old mask back after sigsuspend", sigismember(&now, SIGUSR2));
	sigprocmask(SIG_SETMASK, &old, NULL);

	static char alt[32768];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) }, cur;
	T("sigaltstack read", sigaltstack(NULL, &cur));
	printf("initial flags: %d\n", cur.ss_flags);
	T("sigaltstack set", sigaltstack(&ss, NULL));
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	Y("SA_ONSTACK handler on the alternate stack",
	  handler_sp >= (unsigned long)alt && handler_sp < (unsigned long)alt + sizeof(alt));
	stack_t small = { .ss_sp = alt, .ss_size = 1024 };
	T("sigaltstack too small", sigaltstack(&small, NULL));
	stack_t off = { .ss_flags = SS_DISABLE };
	T("sigaltstack disable", sigaltstack(&off, NULL));

	struct timespec t0, d = { 0, 20000000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T("clock_nanosleep 20 ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL));
	Y("at least 20 ms", ms_since(&t0) >= 20);
	T("clock_nanosleep clock 100 (returns the error)", clock_nanosleep(100, 0, &d, NULL));

	fflush(stdout);
	pid = vfork();
	if (pid == 0)
		_exit(9);
	waitpid(pid, &st, 0);
	describe("vfork child", st);

	char *args[] = { self, "--exit", "33", NULL };
	pid_t sp;
	T("posix_spawn", posix_spawn(&sp, self, NULL, NULL, args, environ));
	waitpid(sp, &st, 0);
	describe("spawned child", st);
	char *nope[] = { "/no/such", NULL };
	T("posix_spawn of a missing file (returns the error)", posix_spawn(&sp, "/no/such", NULL, NULL, nope, environ));
	waitpid(sp, &st, 0);
}

int main(int argc, char **argv)
{
	int st;
	if (argc == 3 && !strcmp(argv[1], "--exit"))
		return atoi(argv[2]);
	Y("uid == euid", getuid() == geteuid());
	Y("gid == egid", getgid() == getegid());
	Y("getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
	T("getpgid missing", getpgid(0x3ffffff0));
	T("getsid missing", getsid(0x3ffffff0));
	T("setpgid negative", setpgid(0, -1));
	T("setpgid non-child", setpgid(0x3ffffff0, 0));
	T("setpgid to a missing group", setpgid(0, 0x3ffffff0));

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	T("setpgid child", setpgid(pid, pid) == 0 ? 0 : -1);
	Y("child's group", getpgid(pid) == pid);
	Y("child's session is ours", getsid(pid) == getsid(0));
	T("kill(-pgid, SIGKILL)", kill(-pid, SIGKILL));
	waitpid(pid, &st, 0);
	describe("group member", st);
	T("kill a reaped child", kill(pid, 0));

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pid_t s = setsid();
		int ok = s == getpid() && getsid(0) == s && getpgid(0) == s;
		errno = 0;
		int again = setsid() == -1 && errno == EPERM;
		errno = 0;
		int pg = setpgid(0, 0) == -1 && errno == EPERM;
		_exit(ok + 2 * again + 4 * pg);
	}
	waitpid(pid, &st, 0);
	describe("setsid child (7 = all three right)", st);

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(42);
	T("wait4 the child", waitpid(pid, &st, 0) == pid ? 0 : -1);
	describe("child", st);
	T("wait with no children", wait(&st));
	T("waitpid bad options", waitpid(-1, &st, 0x1000));

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(3);
	}
	T("WUNTRACED sees the stop", waitpid(pid, &st, WUNTRACED) == pid ? 0 : -1);
	describe("stopped child", st);
	kill(pid, SIGCONT);
	waitpid(pid, &st, 0);
	describe("continued child", st);

	struct sigaction sa = { .sa_handler = on_usr1 };
	sigemptyset(&sa.sa_mask);
	T("sigaction", sigaction(SIGUSR1, &sa, NULL));
	T("sigaction SIGKILL", sigaction(SIGKILL, &sa, NULL));
	T("sigaction 65", sigaction(65, &sa, NULL));
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	T("block SIGUSR1", sigprocmask(SIG_BLOCK, &set, &old));
	T("raise", raise(SIGUSR1));
	printf("handled while blocked: %d\n", got);
	sigset_t pend;
	sigpending(&pend);
	Y("pending", sigismember(&pend, SIGUSR1));
	T("unblock", sigprocmask(SIG_SETMASK, &old, NULL));
	printf("handled after unblock: %d\n", got);
	T("sigprocmask bad how", syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8));
	T("kill bad signal", kill(getpid(), 65));
	T("kill missing pid", kill(0x3ffffff0, 0));

	struct tms t;
	clock_t c = times(&t);
	Y("times", c != (clock_t)-1);
	T("times bad pointer", syscall(SYS_times, BAD_PTR));
	struct timespec a, b, d = { 0, 20000000 };
	clock_gettime(CLOCK_MONOTONIC, &a);
	T("nanosleep 20 ms", nanosleep(&d, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	Y("slept at least 20 ms", ms >= 20);
	d.tv_nsec = 1000000000;
	T("nanosleep bad nsec", nanosleep(&d, NULL));
	T("clock_gettime bad clock", clock_gettime(12345, &a));
	more(argv[0]);
	return 0;
}
