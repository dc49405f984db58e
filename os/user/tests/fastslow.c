/* fastslow (Ringside only): the entry assembly takes the slow path exactly
 * when a _TIF_WORK_SYSCALL_ENTRY flag is set. ringside_stats() counts: N
 * getpid calls with no flag add nothing to slow_syscalls; with audit, with
 * the tracepoints, and under an allow-all seccomp filter (in a child, since
 * filters stay) each adds N. Boot without nohz_full (which makes every
 * syscall slow). KTAP on stdout. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ringside.h>
#include <sys/seccomp.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define CALLS 100

/* slow_syscalls and fast_syscalls added by CALLS getpids. */
static void measure(unsigned long *slow, unsigned long *fast)
{
	struct ringside_entry_stats before, after;

	sys_ringside_stats(&before);
	for (int i = 0; i < CALLS; i++)
		sys_getpid();
	sys_ringside_stats(&after);
	*slow = after.slow_syscalls - before.slow_syscalls;
	*fast = after.fast_syscalls - before.fast_syscalls;
}

static int all_slow(unsigned long slow, unsigned long fast)
{
	return slow >= CALLS && slow <= CALLS + 1 && fast <= 1;
}

int main(int argc, char **argv)
{
	unsigned long slow, fast;
	int status;

	if (argc > 1) {
		printf("usage: fastslow\nThe fast path with no work flag, the slow path with audit, the\n"
		       "tracepoints or seccomp (Ringside only). KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(4);
	if (!running_on_ringside()) {
		ktap_skip("not on Ringside", "no flag: the fast path");
		ktap_skip("not on Ringside", "audit: the slow path");
		ktap_skip("not on Ringside", "tracepoint: the slow path");
		ktap_skip("not on Ringside", "seccomp: the slow path");
		return ktap_finish();
	}
	measure(&slow, &fast);
	ktap_ok(slow == 0 && fast >= CALLS, "no flag: %d getpids take the fast path (slow +%lu, fast +%lu)", CALLS, slow,
		fast);

	sys_ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);
	measure(&slow, &fast);
	sys_ringside_audit(RINGSIDE_AUDIT_DISABLE, 0, NULL, 0);
	ktap_ok(all_slow(slow, fast), "TIF_SYSCALL_AUDIT: the slow path (slow +%lu, fast +%lu)", slow, fast);

	sys_ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0);
	measure(&slow, &fast);
	sys_ringside_trace(RINGSIDE_TRACE_DISABLE, 0, NULL, 0);
	struct ringside_trace_event drain[64];
	while (sys_ringside_trace(RINGSIDE_TRACE_READ, 0, drain, 64) == 64)
		;
	ktap_ok(all_slow(slow, fast), "TIF_SYSCALL_TRACEPOINT: the slow path (slow +%lu, fast +%lu)", slow, fast);

	pid_t child = fork();
	if (child == 0) {
		struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
		struct sock_fprog fprog = { .len = 1, .filter = allow };

		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
			_exit(2);
		measure(&slow, &fast);
		_exit(all_slow(slow, fast) ? 0 : 1);
	}
	waitpid(child, &status, 0);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"TIF_SECCOMP (an allow-all filter): the slow path (child status %#x)", status);
	return ktap_finish();
}
