/* uprobetest (Ringside only): TIF_UPROBE through ringside_uprobe().
 *
 * A probe on a function of this program counts each call (the int3 traps,
 * uprobe_notify_resume runs the handler on the way out, and the function
 * goes on unchanged); it is copied into a forked child; unregistered, it
 * counts no more; bad addresses and a second registration are refused.
 * KTAP on stdout. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <string.h>
#include <sys/ringside.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define PLAN 10
#define CALLS 10

__attribute__((noinline)) static long probed(long x)
{
	__asm__ volatile("");
	return x * 3 + 1;
}

/* Call through a volatile pointer so the calls are not folded away. */
static long (*volatile call_probed)(long) = probed;
static long some_data = 5;

static int call_n(int n)
{
	int right = 1;

	for (int i = 0; i < n; i++)
		right &= call_probed(i) == i * 3 + 1;
	return right;
}

int main(int argc, char **argv)
{
	struct ringside_entry_stats before, after;
	void *addr = (void *)probed;
	int status;

	if (argc > 1) {
		printf("usage: uprobetest\nUser probes (Ringside only): hits, fork, unregister, bad addresses.\n"
		       "KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(PLAN);
	if (!running_on_ringside()) {
		ktap_expect(sys_ringside_uprobe(RINGSIDE_UPROBE_HITS, addr), -ENOSYS, "ringside_uprobe (503) is ENOSYS on Linux");
		for (int i = 2; i <= PLAN; i++)
			ktap_skip("not on Ringside", "uprobe check %d", i);
		return ktap_finish();
	}

	ktap_expect(sys_ringside_uprobe(RINGSIDE_UPROBE_REGISTER, addr), 0, "register a probe on probed()");
	sys_ringside_stats(&before);
	int right = call_n(CALLS);
	sys_ringside_stats(&after);
	ktap_ok(right, "probed() still computes the right results under the probe");
	ktap_expect(sys_ringside_uprobe(RINGSIDE_UPROBE_HITS, addr), CALLS, "%d calls give %d hits", CALLS, CALLS);
	ktap_ok(after.uprobe_hits - before.uprobe_hits == CALLS, "ringside_stats' uprobe_hits grew by %d (+%lu)", CALLS,
		after.uprobe_hits - before.uprobe_hits);

	pid_t child = fork();
	if (child == 0)
		_exit(call_n(4) && sys_ringside_uprobe(RINGSIDE_UPROBE_HITS, addr) == 4 ? 0 : 1);
	waitpid(child, &status, 0);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"a forked child has the probe: its 4 calls are right and hit (status %#x)", status);

	ktap_expect(sys_ringside_uprobe(RINGSIDE_UPROBE_REGISTER, addr), -EEXIST, "registering it twice is EEXIST");
	ktap_expect(sys_ringside_uprobe(RINGSIDE_UPROBE_UNREGISTER, addr), 0, "unregister it");
	sys_ringside_stats(&before);
	right = call_n(CALLS);
	sys_ringside_stats(&after);
	ktap_ok(right && after.uprobe_hits == before.uprobe_hits, "after unregistering, calls are right and hit nothing");
	ktap_expect(sys_ringside_uprobe(RINGSIDE_UPROBE_REGISTER, &some_data), -EINVAL, "a probe on data is EINVAL");
	ktap_expect(sys_ringside_uprobe(RINGSIDE_UPROBE_REGISTER, (void *)0x1000), -EINVAL,
		    "a probe on an unmapped address is EINVAL");
	return ktap_finish();
}
