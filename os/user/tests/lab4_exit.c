/* lab4_exit: the exit-work loop's other kinds of work, from user space.
 *
 *   task_work       work queued with ringside_task_work runs before the
 *                   queuing syscall returns (TIF_NOTIFY_RESUME)
 *   uprobe          a probe planted in our own code counts every call and
 *                   the probed function still works (TIF_UPROBE)
 *   fs_base         arch_prctl(ARCH_SET_FS) takes effect before the return
 *                   to user mode: the user-return notifier loads the MSR
 *                   (TIF_USER_RETURN_NOTIFY)
 *
 *   resched         (lab4_exit resched) a task that spins without making
 *                   a syscall loses the CPU when its time slice ends
 *                   (TIF_NEED_RESCHED): else this program never runs again
 *                   and the run times out
 *
 * Each runs in a child, so a kernel that never finishes the work costs one
 * result, not the run. KTAP on stdout, one-word result names. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ringside.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Run fn in a child; its exit status, or -1 if it does not exit within
 * about three seconds (then it is killed). */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	for (int i = 0; i < 300; i++) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		ktap_sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static int task_work_child(void)
{
	if (ringside_task_work(0, 5) != 0)
		return 10;
	long after_one = ringside_task_work(0, 0);
	ringside_task_work(0, 3);
	long after_two = ringside_task_work(0, 0);
	return after_one == 5 && after_two == 8 ? 0 : 1;
}

__attribute__((noinline)) static int probed(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

static int uprobe_child(void)
{
	if (ringside_uprobe(RINGSIDE_UPROBE_REGISTER, (void *)probed) != 0)
		return 10;
	int sum = 0;
	for (int i = 0; i < 3; i++)
		sum += probed(i);             /* 1 + 4 + 7 */
	long hits = ringside_uprobe(RINGSIDE_UPROBE_HITS, (void *)probed);
	return sum == 12 && hits == 3 ? 0 : 1;
}

static unsigned long tls_block[4] = { 0x1234567890abcdefUL, 0, 0, 0 };

static int fs_base_child(void)
{
	tls_block[1] = (unsigned long)tls_block;
	if (arch_prctl(ARCH_SET_FS, (unsigned long)tls_block) != 0)
		return 10;
	unsigned long word;
	__asm__ volatile("movq %%fs:0, %0" : "=r"(word));
	return word == 0x1234567890abcdefUL ? 0 : 1;
}

static void resched_test(void)
{
	ktap_plan(1);
	pid_t pid = fork();
	if (pid == 0)
		for (;;)
			__asm__ volatile("" ::: "memory");   /* never enters the kernel */
	ktap_sleep_ms(100);                   /* the spinner has the CPU now */
	kill(pid, SIGKILL);
	int status = 0;
	waitpid(pid, &status, 0);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "resched");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: lab4_exit [resched]\nLab 4 tests: task_work, uprobe and fs_base exit work; resched: time-slice preemption.\nKTAP on stdout; exit status 0 when every check passed. Ringside only.\n");
		return 0;
	}
	if (!running_on_ringside()) {
		ktap_plan(1);
		ktap_skip("not on Ringside", "lab4_exit");
		return ktap_finish();
	}
	if (argc == 2 && !strcmp(argv[1], "resched")) {
		resched_test();
		return ktap_finish();
	}
	ktap_plan(3);
	int s = in_child(task_work_child);
	ktap_diag("task_work child: status %d (1: the counter did not add up, -1: hung)", s);
	ktap_ok(s == 0, "task_work");
	s = in_child(uprobe_child);
	ktap_diag("uprobe child: status %d (1: wrong count or result, 133: SIGTRAP, -1: hung)", s);
	ktap_ok(s == 0, "uprobe");
	s = in_child(fs_base_child);
	ktap_diag("fs_base child: status %d (1: %%fs:0 is not ours, 139: SIGSEGV, -1: hung)", s);
	ktap_ok(s == 0, "fs_base");
	return ktap_finish();
}
