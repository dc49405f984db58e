/* fastpath (Ringside only): a syscall with no work flag set takes the fast
 * path in and leaves through SYSRET. ringside_stats() reads the kernel's
 * per-CPU entry counters before and after N getpid calls:
 *   fast_syscalls  grows by N, plus the second ringside_stats call itself
 *   slow_syscalls  does not grow: no _TIF_WORK_SYSCALL_ENTRY flag is set
 *   sysret_exits   grows by about N: a timer tick can set TIF_NEED_RESCHED
 *                  during a call and send that return through the slow exit
 * On another kernel these are skipped and only one test runs: number 500
 * must be unknown there (ENOSYS). KTAP on stdout. */
#include <ktap.h>
#include <stdio.h>
#include <string.h>
#include <sys/ringside.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#define CALLS 1000

int main(int argc, char **argv)
{
	struct ringside_entry_stats before, after;
	unsigned long fast, slow, sysret, slow_exits, int80;
	int i;

	if (argc > 1) {
		printf("usage: fastpath\nCheck, with ringside_stats, that getpid takes the fast path and\n"
		       "returns with SYSRET (Ringside only; skipped elsewhere). KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(5);
	if (!running_on_ringside()) {
		ktap_skip("not on Ringside", "%d getpid calls add %d to fast_syscalls", CALLS, CALLS);
		ktap_skip("not on Ringside", "they add nothing to slow_syscalls");
		ktap_skip("not on Ringside", "they leave through SYSRET about %d times", CALLS);
		ktap_skip("not on Ringside", "they add nothing to int80_syscalls");
		/* Ringside's own calls sit above Linux's numbers so that Linux
		 * refuses them instead of doing something else. */
		ktap_expect(sys_ringside_stats(&before), -38, "ringside_stats (500) is ENOSYS on Linux");
		return ktap_finish();
	}
	sys_ringside_stats(&before);
	for (i = 0; i < CALLS; i++)
		sys_getpid();
	sys_ringside_stats(&after);
	fast = after.fast_syscalls - before.fast_syscalls;
	slow = after.slow_syscalls - before.slow_syscalls;
	sysret = after.sysret_exits - before.sysret_exits;
	slow_exits = after.slow_exits - before.slow_exits;
	int80 = after.int80_syscalls - before.int80_syscalls;
	ktap_diag("deltas: fast %lu slow %lu sysret %lu slow_exits %lu int80 %lu ticks %lu", fast, slow,
		  sysret, slow_exits, int80, after.ticks - before.ticks);
	/* The counting call itself may or may not be included, hence N..N+1. */
	ktap_ok(fast >= CALLS && fast <= CALLS + 1, "%d getpid calls add %d to fast_syscalls", CALLS, CALLS);
	ktap_ok(slow == 0, "they add nothing to slow_syscalls");
	ktap_ok(sysret >= CALLS * 9 / 10 && sysret <= CALLS + 1 && sysret + slow_exits >= CALLS,
		"they leave through SYSRET about %d times", CALLS);
	ktap_ok(int80 == 0, "they add nothing to int80_syscalls");
	ktap_expect(sys_ringside_stats((void *)0xffffffff80000000UL), -14,
		    "ringside_stats rejects a bad pointer with EFAULT");
	return ktap_finish();
}
