/* exitworktest (Ringside only): the work prepare_exit_to_usermode does on
 * the way out, and its loop.
 *
 * TIF_NOTIFY_RESUME: work queued with ringside_task_work() runs before the
 * very syscall that queued it returns, and work queued on another task runs
 * in that task. The loop re-checks the flags: a SIGUSR1 handler that queues
 * task work and raises SIGUSR2 has, with the work and SIGUSR2's handler,
 * all run before raise(SIGUSR1) returns, over at least two passes of the
 * loop. TIF_NEED_RESCHED: sched_yield lets a busy child run. KTAP. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <string.h>
#include <sys/ringside.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define PLAN 8

static volatile int usr1_ran, usr2_ran, usr2_saw_work;
static volatile long work_at_start;

static void usr2_handler(int sig)
{
	(void)sig;
	usr2_ran = 1;
}

/* Queue work and raise another signal from inside a handler. */
static void usr1_handler(int sig)
{
	(void)sig;
	usr1_ran = 1;
	sys_ringside_task_work(0, 3);
	raise(SIGUSR2);
	usr2_saw_work = sys_ringside_task_work(0, 0) == work_at_start + 3;
}

int main(int argc, char **argv)
{
	struct ringside_entry_stats before, after;
	int status;

	if (argc > 1) {
		printf("usage: exitworktest\nThe exit-to-user-mode loop: task work (TIF_NOTIFY_RESUME), signals\n"
		       "raised inside it, and rescheduling (Ringside only). KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(PLAN);
	if (!running_on_ringside()) {
		ktap_expect(sys_ringside_task_work(0, 0), -ENOSYS, "ringside_task_work (504) is ENOSYS on Linux");
		for (int i = 2; i <= PLAN; i++)
			ktap_skip("not on Ringside", "exit-work check %d", i);
		return ktap_finish();
	}

	/* work on ourselves */
	long start = sys_ringside_task_work(0, 0);
	sys_ringside_stats(&before);
	long queued = sys_ringside_task_work(0, 5);
	long now = sys_ringside_task_work(0, 0);
	sys_ringside_stats(&after);
	ktap_ok(queued == 0 && now == start + 5, "task work queued on ourselves has run when the call returns (%ld -> %ld)",
		start, now);
	ktap_ok(after.notify_resume_runs - before.notify_resume_runs == 1,
		"tracehook_notify_resume ran it once (notify_resume_runs +%lu)",
		after.notify_resume_runs - before.notify_resume_runs);

	/* work on a child runs in the child */
	pid_t child = fork();
	if (child == 0) {
		while (sys_ringside_task_work(0, 0) == 0)
			sys_sched_yield();
		_exit(sys_ringside_task_work(0, 0) == 7 ? 0 : 1);
	}
	long r = sys_ringside_task_work(child, 7);
	long mine = sys_ringside_task_work(0, 0);
	waitpid(child, &status, 0);
	ktap_ok(r == 0 && mine == now && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"work queued on a child runs in the child, not in us (status %#x)", status);

	/* a flag raised during the exit loop is handled before returning */
	struct sigaction a1 = { .sa_handler = usr1_handler }, a2 = { .sa_handler = usr2_handler };
	sigaction(SIGUSR1, &a1, NULL);
	sigaction(SIGUSR2, &a2, NULL);
	work_at_start = sys_ringside_task_work(0, 0);
	sys_ringside_stats(&before);
	raise(SIGUSR1);
	sys_ringside_stats(&after);
	ktap_ok(usr1_ran && usr2_ran, "SIGUSR1's handler and the SIGUSR2 it raised both ran before raise returned");
	ktap_ok(usr2_saw_work && sys_ringside_task_work(0, 0) == work_at_start + 3,
		"and the task work the handler queued ran too");
	ktap_ok(after.exit_loop_iterations - before.exit_loop_iterations >= 2,
		"the exit loop did work at least twice (+%lu)", after.exit_loop_iterations - before.exit_loop_iterations);

	/* rescheduling */
	child = fork();
	if (child == 0) {
		for (volatile long i = 0; i < 2000000; i++)
			;
		_exit(0);
	}
	long yields = 0;
	while (waitpid(child, &status, WNOHANG) == 0 && yields < 10000000)
		yields++, sys_sched_yield();
	ktap_ok(WIFEXITED(status) && yields < 10000000,
		"sched_yield lets a busy child run to its end (%ld yields)", yields);
	ktap_expect(sys_ringside_task_work(999999, 1), -ESRCH, "task work for a nonexistent pid is ESRCH");
	return ktap_finish();
}
