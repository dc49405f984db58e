/* A parent that ignores SIGCHLD (SIG_IGN, or SA_NOCLDWAIT with a handler)
 * leaves no zombies: its children are released as they exit (Linux 4.3's
 * do_notify_parent and exit_notify), and wait answers ECHILD once they are
 * gone. No sleeps: a child's end is awaited by wait itself (blocking) or by
 * waitid(WNOWAIT), which leaves a zombie in place. */
#include "abi.h"
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

static volatile sig_atomic_t chld_runs, chld_code, chld_status;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	chld_runs++;
	chld_code = si->si_code;
	chld_status = si->si_status;
}

static void set_chld(void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };
	sigaction(SIGCHLD, &sa, NULL);
}

int main(void)
{
	int st = 0, p[2];
	pid_t pid;

	/* SIG_IGN: the child is released at exit, wait has nothing to wait for. */
	set_chld(SIG_IGN);
	pid = fork();
	if (pid == 0)
		_exit(3);
	T("ign wait", wait(&st));
	T("ign kill after", kill(pid, 0));
	T("ign waitid", waitid(P_ALL, 0, NULL, WEXITED | WNOHANG));

	/* SIG_IGN sends nothing: a blocked SIGCHLD (kept pending even when
	 * ignored) would show in sigpending. */
	sigset_t chld, pend;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	pid = fork();
	if (pid == 0)
		_exit(3);
	T("ign blocked-SIGCHLD wait", wait(&st));
	sigpending(&pend);
	Y("ign SIGCHLD pending", sigismember(&pend, SIGCHLD));
	sigprocmask(SIG_UNBLOCK, &chld, NULL);

	/* Blocked in wait while the child exits: woken, then ECHILD. The child
	 * waits for the parent's byte, then yields so that the parent is
	 * usually asleep in wait when it exits (ECHILD either way). */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		char c;
		read(p[0], &c, 1);
		for (int i = 0; i < 100; i++)
			sched_yield();
		_exit(4);
	}
	write(p[1], "x", 1);
	T("ign blocked wait", waitpid(-1, &st, 0));
	close(p[0]);
	close(p[1]);

	/* SA_NOCLDWAIT with a handler: SIGCHLD still comes, no zombie stays. */
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_NOCLDWAIT };
	sigaction(SIGCHLD, &sa, NULL);
	pid = fork();
	if (pid == 0)
		_exit(5);
	T("nocldwait wait", wait(&st));
	T("nocldwait handler runs", chld_runs);
	Y("nocldwait si_code CLD_EXITED", chld_code == CLD_EXITED);
	T("nocldwait si_status", chld_status);

	/* The default action leaves a zombie that wait collects. */
	set_chld(SIG_DFL);
	pid = fork();
	if (pid == 0)
		_exit(7);
	Y("dfl wait is the child", wait(&st) == pid);
	Y("dfl status 7", WIFEXITED(st) && WEXITSTATUS(st) == 7);

	/* A zombie made before SIG_IGN stays (4.3's do_sigaction only drops a
	 * pending SIGCHLD): wait still collects it. */
	pid = fork();
	if (pid == 0)
		_exit(8);
	siginfo_t si = { 0 };
	T("zombie waitid nowait", waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	set_chld(SIG_IGN);
	Y("zombie after ign: wait is the child", waitpid(pid, &st, 0) == pid);
	Y("zombie after ign: status 8", WIFEXITED(st) && WEXITSTATUS(st) == 8);

	/* A clone child whose exit signal is not SIGCHLD is not released
	 * (do_notify_parent's sig == SIGCHLD test): it sends its signal and
	 * stays a zombie for wait(__WCLONE). */
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	pid = syscall(SYS_clone, SIGUSR1, 0, 0, 0, 0);
	if (pid == 0)
		syscall(SYS_exit, 9);
	Y("clone wait is the child", waitpid(pid, &st, __WCLONE) == pid);
	Y("clone status 9", WIFEXITED(st) && WEXITSTATUS(st) == 9);
	sigpending(&pend);
	Y("clone SIGUSR1 pending", sigismember(&pend, SIGUSR1));
	/* Its siginfo: si_signo is the exit signal, in the child layout
	 * (CLD_EXITED, the child's pid and status), as do_notify_parent
	 * fills it. */
	memset(&si, 0, sizeof(si));
	Y("clone SIGUSR1 taken by sigwaitinfo", sigwaitinfo(&usr1, &si) == SIGUSR1);
	printf("clone siginfo: signo %s code %s status %d pid is the child %s\n",
	       si.si_signo == SIGUSR1 ? "SIGUSR1" : si.si_signo == SIGCHLD ? "SIGCHLD" : "other",
	       si.si_code == CLD_EXITED ? "CLD_EXITED" : "other", si.si_status,
	       si.si_pid == pid ? "yes" : "no");
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);

	/* A zombie handed to a subreaper that ignores SIGCHLD goes at once
	 * (4.3's reparent_leader), and so does its parent: ECHILD. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = fork();
	if (pid == 0) {
		set_chld(SIG_DFL);
		pid_t g = fork();
		if (g == 0)
			_exit(10);
		waitid(P_PID, g, &si, WEXITED | WNOWAIT);
		_exit(11);
	}
	T("subreaper wait", wait(&st));
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	set_chld(SIG_DFL);

	/* A traced child's exit goes to its tracer (us) first; when we have
	 * reaped it, its parent P, which ignores SIGCHLD, never sees a zombie
	 * (4.3's wait_task_zombie: do_notify_parent on the detach). */
	pid_t tp = fork();
	if (tp == 0) {
		set_chld(SIG_IGN);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		pid_t c = fork();
		if (c == 0)
			_exit(12);
		T("traced: the parent's wait", wait(&st));
		_exit(0);
	}
	waitpid(tp, &st, __WALL);                       /* its SIGSTOP */
	ptrace(PTRACE_SETOPTIONS, tp, 0, PTRACE_O_TRACEFORK);
	ptrace(PTRACE_CONT, tp, 0, 0);
	waitpid(tp, &st, __WALL);                       /* PTRACE_EVENT_FORK */
	unsigned long tc = 0;
	ptrace(PTRACE_GETEVENTMSG, tp, 0, &tc);
	waitpid(tc, &st, __WALL);                       /* the child's first stop */
	ptrace(PTRACE_CONT, tc, 0, 0);
	Y("traced: the tracer reaps the child", waitpid(tc, &st, __WALL) == (pid_t)tc);
	Y("traced: status 12", WIFEXITED(st) && WEXITSTATUS(st) == 12);
	ptrace(PTRACE_CONT, tp, 0, 0);
	while (waitpid(tp, &st, __WALL) == tp && !WIFEXITED(st))
		ptrace(PTRACE_CONT, tp, 0, 0);
	Y("traced: the parent exits 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* The tracer T exits while the traced child is a zombie it has not
	 * reaped: the child goes at once, as its parent P ignores SIGCHLD
	 * (4.3's __ptrace_detach). P, T's child, comes to us (a subreaper). */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid_t tt = fork();
	if (tt == 0) {
		tp = fork();
		if (tp == 0) {
			set_chld(SIG_IGN);
			ptrace(PTRACE_TRACEME, 0, 0, 0);
			raise(SIGSTOP);
			if (fork() == 0)
				_exit(13);
			T("tracer gone: the parent's wait", wait(&st));
			_exit(0);
		}
		waitpid(tp, &st, __WALL);
		ptrace(PTRACE_SETOPTIONS, tp, 0, PTRACE_O_TRACEFORK);
		ptrace(PTRACE_CONT, tp, 0, 0);
		waitpid(tp, &st, __WALL);
		tc = 0;
		ptrace(PTRACE_GETEVENTMSG, tp, 0, &tc);
		waitpid(tc, &st, __WALL);
		ptrace(PTRACE_CONT, tc, 0, 0);
		Y("tracer gone: the child is a zombie", waitid(P_PID, tc, &si, WEXITED | WNOWAIT | __WALL) == 0 && si.si_status == 13);
		_exit(0);                               /* P is released from its fork stop */
	}
	waitpid(tt, &st, 0);
	Y("tracer gone: the parent is ours", waitpid(-1, &st, 0) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	T("tracer gone: nothing left", wait(&st));
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	return 0;
}
