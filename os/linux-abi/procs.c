/* procs: processes and signals - fork, wait4, kill, process groups and
 * sessions (setpgid, getpgid, setsid, getsid, kill(-pgid)), the ids,
 * times, nanosleep, clock_gettime, sigaction/sigprocmask/pending signals,
 * SIGCHLD, and a stopped child reported with WUNTRACED. */
#include "abi.h"
#include <signal.h>
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

int main(void)
{
	int st;
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
	return 0;
}
