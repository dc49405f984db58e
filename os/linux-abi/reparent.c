/* reparent: what happens to children when their parent exits, as Linux
 * 4.3's forget_original_parent and reparent_leader do it. This process
 * becomes a PR_SET_CHILD_SUBREAPER (the host's init is out of reach, so
 * the nearest subreaper is where orphans go, on both machines); a middle
 * process A, started with clone's exit signal SIGUSR1, starts B (exit
 * signal SIGUSR2) and exits:
 *  - a B that is already a zombie is announced to us with SIGCHLD (not
 *    SIGUSR2: exit_signal is reset), with its pid and status;
 *  - a living B sees getppid() become us, gets its PR_SET_PDEATHSIG signal
 *    from A (SI_USER, si_pid A), and its exit later sends us SIGCHLD and
 *    is waited for without __WCLONE;
 *  - a subreaper between (A itself) takes the orphan instead of us.
 * prctl's own answers and errors are checked too. */
#include "abi.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

static pid_t me;

/* fork, with sig as the exit signal the parent gets (clone's CSIGNAL). */
static pid_t fork_sig(int sig)
{
	return syscall(SYS_clone, sig, 0, 0, 0, 0);
}

/* The next pending signal of set, waiting at most 5 s; 0 if none came. */
static int take(int sig, siginfo_t *si)
{
	sigset_t set;
	struct timespec ts = { 5, 0 };
	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigtimedwait(&set, si, &ts);
}

static int pending(int sig)
{
	sigset_t set;
	sigpending(&set);
	return sigismember(&set, sig);
}

int main(void)
{
	int v = -1, st;
	siginfo_t si;
	sigset_t block;
	me = getpid();
	printf("== reparent\n");
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);

	T("PR_GET_CHILD_SUBREAPER at first", prctl(PR_GET_CHILD_SUBREAPER, &v));
	printf("subreaper: %d\n", v);
	T("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1));
	T("PR_GET_CHILD_SUBREAPER", prctl(PR_GET_CHILD_SUBREAPER, &v));
	printf("subreaper: %d\n", v);
	T("PR_GET_CHILD_SUBREAPER to a bad pointer", prctl(PR_GET_CHILD_SUBREAPER, BAD_PTR));
	T("PR_SET_PDEATHSIG 65", prctl(PR_SET_PDEATHSIG, 65));
	T("PR_SET_PDEATHSIG -1", prctl(PR_SET_PDEATHSIG, -1L));
	T("PR_GET_PDEATHSIG to a bad pointer", prctl(PR_GET_PDEATHSIG, BAD_PTR));
	T("PR_SET_PDEATHSIG SIGUSR1", prctl(PR_SET_PDEATHSIG, SIGUSR1));
	v = -1;
	T("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &v));
	printf("pdeath signal: %d\n", v);
	pid_t c = fork();
	if (c == 0) {
		v = -1;
		prctl(PR_GET_PDEATHSIG, &v);
		prctl(PR_GET_CHILD_SUBREAPER, &st);
		printf("a fork child inherits: pdeath signal %d, subreaper %d\n", v, st);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	prctl(PR_SET_PDEATHSIG, 0);
	sigtimedwait(&block, &si, &(struct timespec){ 0, 0 });   /* drop that child's SIGCHLD */

	/* 1. B is a zombie when A exits. */
	int pb[2];
	if (pipe(pb))
		return 1;
	pid_t a = fork_sig(SIGUSR1);
	if (a == 0) {
		pid_t b = fork_sig(SIGUSR2);
		if (b == 0)
			_exit(7);
		siginfo_t w;
		waitid(P_PID, b, &w, WEXITED | WNOWAIT | __WALL);   /* B is a zombie now */
		if (write(pb[1], &b, sizeof(b)) != sizeof(b))
			_exit(1);
		_exit(0);
	}
	pid_t b;
	if (read(pb[0], &b, sizeof(b)) != sizeof(b))
		return 1;
	T("A (exit signal SIGUSR1) waited for with __WCLONE", waitpid(a, &st, __WCLONE) == a);
	Y("A's exit sent SIGUSR1", take(SIGUSR1, &si) == SIGUSR1 && si.si_pid == a);
	Y("the zombie B was announced with SIGCHLD", take(SIGCHLD, &si) == SIGCHLD);
	Y("  from B", si.si_pid == b);
	printf("  si_code %d (CLD_EXITED %d), si_status %d\n", si.si_code, CLD_EXITED, si.si_status);
	Y("B's own SIGUSR2 was not sent to us", !pending(SIGUSR2));
	T("B is ours: waitpid without __WCLONE", waitpid(b, &st, WNOHANG) == b);
	printf("B's status: exit %d\n", WEXITSTATUS(st));

	/* 2. B is alive when A exits. */
	int ready[2], go[2], report[2];
	if (pipe(ready) || pipe(go) || pipe(report))
		return 1;
	a = fork_sig(SIGUSR1);
	if (a == 0) {
		b = fork_sig(SIGUSR2);
		if (b == 0) {
			sigset_t usr1;
			sigemptyset(&usr1);
			sigaddset(&usr1, SIGUSR1);
			prctl(PR_SET_PDEATHSIG, SIGUSR1);
			char x = 'r';
			if (write(ready[1], &x, 1) != 1)
				_exit(1);
			siginfo_t i;
			int got = take(SIGUSR1, &i);
			int r[4] = { got, i.si_code, i.si_pid, getppid() };
			if (write(report[1], r, sizeof(r)) != sizeof(r))
				_exit(1);
			close(go[1]);
			if (read(go[0], &x, 1) < 0)
				_exit(1);
			_exit(9);
		}
		char x;
		if (read(ready[0], &x, 1) != 1)
			_exit(1);
		if (write(pb[1], &b, sizeof(b)) != sizeof(b))
			_exit(1);
		_exit(0);
	}
	if (read(pb[0], &b, sizeof(b)) != sizeof(b))
		return 1;
	waitpid(a, &st, __WCLONE);
	take(SIGUSR1, &si);
	int r[4];
	if (read(report[0], r, sizeof(r)) != sizeof(r))
		return 1;
	Y("B got its PR_SET_PDEATHSIG signal SIGUSR1", r[0] == SIGUSR1);
	Y("  with si_code SI_USER", r[1] == SI_USER);
	Y("  from A", r[2] == a);
	Y("  after it was ours (getppid)", r[3] == me);
	Y("no SIGCHLD for a living orphan", !pending(SIGCHLD));
	close(go[1]);
	int got = take(SIGCHLD, &si);
	Y("B's exit sent SIGCHLD", got == SIGCHLD);
	Y("  from B", si.si_pid == b);
	Y("  and not SIGUSR2", !pending(SIGUSR2));
	T("waitpid(B) without __WCLONE", waitpid(b, &st, 0) == b);
	printf("B's status: exit %d\n", WEXITSTATUS(st));

	/* 3. A nearer subreaper: A asks for it, its child C forks D and exits. */
	if (pipe(report))
		return 1;
	a = fork();
	if (a == 0) {
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		pid_t cc = fork();
		if (cc == 0) {
			pid_t d = fork();
			if (d == 0) {
				_exit(0);
			}
			_exit(0);   /* D is left behind, alive or a zombie */
		}
		waitpid(cc, NULL, 0);
		int n = 0, s2;
		pid_t w;
		while ((w = waitpid(-1, &s2, 0)) > 0)
			n++;                      /* D came to A */
		if (write(report[1], &n, sizeof(n)) != sizeof(n))
			_exit(1);
		_exit(0);
	}
	int n = -1;
	if (read(report[0], &n, sizeof(n)) != sizeof(n))
		return 1;
	printf("orphans A (a subreaper) reaped: %d\n", n);
	waitpid(a, NULL, 0);
	Y("none came to us", waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);

	T("PR_SET_CHILD_SUBREAPER 0", prctl(PR_SET_CHILD_SUBREAPER, 0));
	prctl(PR_GET_CHILD_SUBREAPER, &v);
	printf("subreaper: %d\n", v);
	return 0;
}
