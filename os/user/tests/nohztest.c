/* nohztest (Ringside only): TIF_NOHZ and context tracking.
 *
 * Booted with `nohz_full`, every task has TIF_NOHZ, so every syscall takes
 * the slow path (enter_from_user_mode, user_enter on the way out) and the
 * per-CPU context state is always right: ringside_stats' ct_warnings stays
 * 0 across syscalls, faults, signals and forks. Without nohz_full the
 * checks are skipped, unless the environment says RINGSIDE_NOHZ=1 (put it
 * on the kernel command line next to nohz_full), which makes a missing
 * nohz_full a failure. KTAP on stdout. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ringside.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define PLAN 6
#define CALLS 1000

static volatile int handled;
static void on_usr1(int sig) { (void)sig; handled = 1; }
static void on_segv(int sig) { _exit(sig == SIGSEGV ? 0 : 1); }

static unsigned long warnings(void)
{
	struct ringside_entry_stats s;

	sys_ringside_stats(&s);
	return s.ct_warnings;
}

int main(int argc, char **argv)
{
	struct ringside_entry_stats before, after;
	int status, i;

	if (argc > 1) {
		printf("usage: nohztest\nContext tracking under nohz_full (Ringside only): every syscall slow,\n"
		       "no CT_WARN_ON across syscalls, faults and signals. KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(PLAN);
	const char *expect = getenv("RINGSIDE_NOHZ");
	int nohz = 0;
	if (running_on_ringside()) {
		sys_ringside_stats(&before);
		for (i = 0; i < 10; i++)
			sys_getpid();
		sys_ringside_stats(&after);
		nohz = after.fast_syscalls == before.fast_syscalls;
	}
	if (!nohz && !(expect && strcmp(expect, "1") == 0)) {
		const char *why = running_on_ringside() ? "not booted with nohz_full" : "not on Ringside";
		for (i = 1; i <= PLAN; i++)
			ktap_skip(why, "context tracking check %d", i);
		return ktap_finish();
	}
	if (!nohz)
		ktap_diag("RINGSIDE_NOHZ=1 but syscalls take the fast path: is nohz_full on the command line?");

	unsigned long w0 = warnings();
	sys_ringside_stats(&before);
	for (i = 0; i < CALLS; i++)
		sys_getpid();
	sys_ringside_stats(&after);
	unsigned long slow = after.slow_syscalls - before.slow_syscalls, fast = after.fast_syscalls - before.fast_syscalls;
	ktap_ok(slow >= CALLS && slow <= CALLS + 1 && fast == 0,
		"with TIF_NOHZ all %d getpids take the slow path (slow +%lu, fast +%lu)", CALLS, slow, fast);
	ktap_ok(warnings() == w0, "no CT_WARN_ON across them (ct_warnings %lu -> %lu)", w0, warnings());

	struct sigaction act = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &act, NULL);
	raise(SIGUSR1);
	ktap_ok(handled && warnings() == w0, "none across a signal and its handler");

	pid_t child = fork();
	if (child == 0) {
		struct sigaction segv = { .sa_handler = on_segv };

		sigaction(SIGSEGV, &segv, NULL);
		(void)*(volatile long *)0x1008;
		_exit(1);
	}
	waitpid(child, &status, 0);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && warnings() == w0,
		"none across a page fault handled in a child (status %#x)", status);

	child = fork();
	if (child == 0) {
		struct ringside_entry_stats b, a;

		sys_ringside_stats(&b);
		for (int k = 0; k < 100; k++)
			sys_getppid();
		sys_ringside_stats(&a);
		_exit(a.fast_syscalls == b.fast_syscalls ? 0 : 1);
	}
	waitpid(child, &status, 0);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a forked child has TIF_NOHZ too: all its syscalls are slow");
	for (i = 0; i < 100; i++)
		sys_sched_yield();
	ktap_ok(warnings() == w0, "none across fork, exit, wait4 and 100 sched_yields (ct_warnings %lu)", warnings());
	return ktap_finish();
}
