/* preempt: does the timer preempt a task that never enters the kernel?
 *
 * The reasoning. A task that spins in a loop with no system calls gives a
 * cooperative scheduler no chance to switch: only the timer interrupt can
 * take the CPU away from it. So we fork several children that all spin at
 * once. Each child's loop body is pure arithmetic; every SAMPLE_EVERY
 * iterations it reads CLOCK_MONOTONIC once. Back-to-back samples normally lie
 * a few microseconds apart. When the child was preempted, the gap between
 * two samples also holds the time slices the other children ran in: a
 * "gap" is a jump larger than both the clock's own step (measured first, so a
 * clock that ticks in 10 ms jiffies is not mistaken for preemption) and 1 ms,
 * far above the cost of SAMPLE_EVERY iterations.
 *
 * If the kernel preempts, every child sees gaps while its siblings run, and
 * stops after GAPS_WANTED of them. If it does not, the first child runs to
 * its deadline seeing none, then the next, and so on: each reports 0 gaps and
 * the test fails (it does not hang: the deadline bounds each child). A child
 * reports its gap count as its exit status. Nothing is asserted about how
 * long anything took; the clock only tells a gap from a loop iteration.
 *
 * Gaps can also come from the host descheduling QEMU, so the gap checks
 * alone can pass on a kernel that never preempts; the last check, a
 * handshake between a spinning task and a signalling one, cannot (see
 * handshake()).
 *
 * On a multi-CPU host the children can run truly in parallel and see no
 * gaps, so off Ringside we start more children than CPUs are likely to be
 * idle (16); the argument overrides the count. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SAMPLE_EVERY 256
#define GAPS_WANTED 3
#define DEADLINE_NS (8L * 1000 * 1000 * 1000)
#define MAX_CHILDREN 64

/* The smallest positive step of CLOCK_MONOTONIC we can observe; 0 if the
 * clock did not move in ten million reads. */
static long clock_step_ns(void)
{
	long smallest = 0, prev = monotonic_ns(), now, reads;
	int changes = 0;

	for (reads = 0; changes < 5 && reads < 10 * 1000 * 1000; reads++) {
		now = monotonic_ns();
		if (now != prev) {
			if (smallest == 0 || now - prev < smallest)
				smallest = now - prev;
			changes++;
			prev = now;
		}
	}
	return smallest;
}

/* The child: spin, count gaps, exit with the count. */
static __attribute__((noreturn)) void spin(long threshold)
{
	volatile unsigned long work = 0;
	long start = monotonic_ns(), prev = start, now;
	int gaps = 0;

	while (gaps < GAPS_WANTED) {
		int i;

		for (i = 0; i < SAMPLE_EVERY; i++)
			work = work * 6364136223846793005UL + 1;  /* no syscalls here */
		now = monotonic_ns();
		if (now - prev > threshold)
			gaps++;
		prev = now;
		if (now - start > DEADLINE_NS)
			break;
	}
	sys_exit_group(gaps);
	__builtin_unreachable();
}

/* The handshake: the decisive check. A spins without syscalls until its
 * SIGUSR1 handler sets a flag; B, started after A, sends that SIGUSR1. On one
 * CPU B can only run while A spins if the timer takes the CPU from A, and A
 * can only see the signal if the return to user mode delivers it. Gaps in a
 * clock (the first checks) can also come from the host descheduling QEMU;
 * this cannot. A gives up after `give_up_ns` of its own spinning so that a
 * kernel that never preempts fails instead of hanging. */
static volatile int handshake_seen;

static void handshake_handler(int sig)
{
	(void)sig;
	handshake_seen = 1;
}

static int handshake(long give_up_ns)
{
	struct sigaction act = { .sa_handler = handshake_handler };
	struct timespec start, now;
	int status_a = 0, status_b = 0;

	handshake_seen = 0;
	sigaction(SIGUSR1, &act, NULL);          /* inherited by A before it runs */
	long a = sys_fork();
	if (a == 0) {
		clock_gettime(CLOCK_MONOTONIC, &start);
		for (unsigned long n = 0; !handshake_seen; n++) {
			if ((n & 0xfffff) == 0) {        /* rarely: a syscall would offer a switch */
				clock_gettime(CLOCK_MONOTONIC, &now);
				if ((now.tv_sec - start.tv_sec) * 1000000000L + now.tv_nsec - start.tv_nsec > give_up_ns)
					sys_exit(1);
			}
		}
		sys_exit(0);
	}
	long b = sys_fork();
	if (b == 0)
		sys_exit(kill((int)a, SIGUSR1) == 0 ? 0 : 2);
	if (a < 0 || b < 0)
		return 0;
	sys_wait4((int)b, &status_b, 0, NULL);
	sys_wait4((int)a, &status_a, 0, NULL);
	ktap_diag("handshake: A exit status %d (0: saw the signal), B exit status %d",
		  WIFEXITED(status_a) ? WEXITSTATUS(status_a) : -1, WIFEXITED(status_b) ? WEXITSTATUS(status_b) : -1);
	return WIFEXITED(status_a) && WEXITSTATUS(status_a) == 0 && WIFEXITED(status_b) && WEXITSTATUS(status_b) == 0;
}

int main(int argc, char **argv)
{
	long pids[MAX_CHILDREN], step, threshold;
	int children = running_on_ringside() ? 3 : 16, i, all_gaps = 1, all_done = 1, status;
	char *end;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--help") == 0)) {
		printf("usage: preempt [CHILDREN]\n"
		       "Check that busy-looping tasks (no syscalls) are preempted by the timer;\n"
		       "CHILDREN spinning processes (default 3 on Ringside, 16 elsewhere, max %d).\n"
		       "KTAP on stdout; exit 0 if every test passed.\n", MAX_CHILDREN);
		return argc == 2 ? 0 : 2;
	}
	if (argc == 2) {
		children = (int)strtol(argv[1], &end, 10);
		if (*end || children < 2 || children > MAX_CHILDREN) {
			dprintf(2, "preempt: CHILDREN must be a number from 2 to %d\n", MAX_CHILDREN);
			return 2;
		}
	}
	ktap_plan(4);
	step = clock_step_ns();
	threshold = step + step / 2 > 1000000 ? step + step / 2 : 1000000;
	ktap_diag("clock step %ld ns; a gap is a jump over %ld ns; %d children", step, threshold, children);
	if (!ktap_ok(step > 0, "CLOCK_MONOTONIC advances while we spin")) {
		/* Without a moving clock the children could neither see gaps nor
		 * reach their deadline: do not start them. */
		ktap_ok(0, "every spinning child finished");
		ktap_ok(0, "every spinning child was preempted while the others were runnable");
		ktap_ok(0, "a spinning task is preempted so that another can signal it");
		return ktap_finish();
	}
	for (i = 0; i < children; i++) {
		pids[i] = sys_fork();
		if (pids[i] == 0)
			spin(threshold);
		if (pids[i] < 0) {
			ktap_diag("fork failed: %ld", pids[i]);
			children = i;
			all_done = 0;
		}
	}
	for (i = 0; i < children; i++) {
		if (sys_wait4((int)pids[i], &status, 0, NULL) != pids[i] || !WIFEXITED(status)) {
			ktap_diag("child %d did not exit normally (status 0x%x)", i, status);
			all_done = 0;
			all_gaps = 0;
			continue;
		}
		ktap_diag("child %d saw %d gap(s)", i, WEXITSTATUS(status));
		if (WEXITSTATUS(status) == 0)
			all_gaps = 0;
	}
	ktap_ok(all_done, "every spinning child finished");
	ktap_ok(all_gaps, "every spinning child was preempted while the others were runnable");
	ktap_ok(handshake(5000000000L), "a spinning task is preempted so that another can signal it");
	return ktap_finish();
}
