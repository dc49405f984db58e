/* tracetest (Ringside only): TIF_SYSCALL_TRACEPOINT through ringside_trace().
 *
 * Enabled for ourselves, a syscall leaves a sys_enter event with the number
 * and the six argument registers and a sys_exit event with the result;
 * disabled, nothing; enabled for every task (-1), a child forked afterwards
 * is traced too; bad arguments are refused. On another kernel only ENOSYS is
 * checked. KTAP on stdout. */
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

static struct ringside_trace_event events[RINGSIDE_TRACE_RING];
static int nevents;

static void read_events(void)
{
	long n;

	nevents = 0;
	do {
		n = sys_ringside_trace(RINGSIDE_TRACE_READ, 0, events + nevents, RINGSIDE_TRACE_RING - nevents);
		if (n > 0)
			nevents += (int)n;
	} while (n > 0 && nevents < RINGSIDE_TRACE_RING);
}

static int find(int from, int pid, unsigned type, long nr)
{
	for (int i = from < 0 ? 0 : from; i < nevents; i++)
		if (events[i].pid == pid && events[i].type == type && events[i].nr == nr)
			return i;
	return -1;
}

/* getpid with recognisable values in all six argument registers. */
static long marked_getpid(long base)
{
	return syscall6(__NR_getpid, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6);
}

static int has_marked_args(int i, long base)
{
	for (int a = 0; a < 6; a++)
		if (events[i].args[a] != (unsigned long)(base + a + 1))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	int me = getpid(), status, i;

	if (argc > 1) {
		printf("usage: tracetest\nThe sys_enter/sys_exit tracepoints (Ringside only): per task, global,\n"
		       "bad arguments. KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(PLAN);
	if (!running_on_ringside()) {
		ktap_expect(sys_ringside_trace(RINGSIDE_TRACE_DISABLE, 0, NULL, 0), -ENOSYS,
			    "ringside_trace (502) is ENOSYS on Linux");
		for (i = 2; i <= PLAN; i++)
			ktap_skip("not on Ringside", "tracepoint check %d", i);
		return ktap_finish();
	}

	/* per task */
	read_events();
	ktap_expect(sys_ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0), 0, "TRACE_ENABLE for ourselves");
	long r = marked_getpid(0x100);
	sys_ringside_trace(RINGSIDE_TRACE_DISABLE, 0, NULL, 0);
	read_events();
	int e = find(0, me, RINGSIDE_TRACE_SYS_ENTER, __NR_getpid);
	ktap_ok(e >= 0 && has_marked_args(e, 0x100), "sys_enter has nr 39 and the six argument registers");
	int x = find(e, me, RINGSIDE_TRACE_SYS_EXIT, __NR_getpid);
	ktap_ok(x > e && events[x].ret == r && r == me, "sys_exit has the result %ld", r);
	marked_getpid(0x200);
	read_events();
	ktap_ok(find(0, me, RINGSIDE_TRACE_SYS_ENTER, __NR_getpid) < 0, "after TRACE_DISABLE no events (%d)", nevents);

	/* every task */
	ktap_expect(sys_ringside_trace(RINGSIDE_TRACE_ENABLE, -1, NULL, 0), 0, "TRACE_ENABLE for every task (-1)");
	pid_t child = fork();
	if (child == 0) {
		marked_getpid(0x300);
		_exit(0);
	}
	waitpid(child, &status, 0);
	sys_ringside_trace(RINGSIDE_TRACE_DISABLE, -1, NULL, 0);
	read_events();
	e = find(0, child, RINGSIDE_TRACE_SYS_ENTER, __NR_getpid);
	ktap_ok(e >= 0 && has_marked_args(e, 0x300), "a child forked afterwards is traced");
	ktap_ok(find(0, me, RINGSIDE_TRACE_SYS_ENTER, __NR_wait4) >= 0, "and so are we");

	/* bad arguments */
	ktap_expect(sys_ringside_trace(9, 0, NULL, 0), -EINVAL, "operation 9 is EINVAL");
	sys_ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0);
	long bad = sys_ringside_trace(RINGSIDE_TRACE_READ, 0, (void *)8, 4);
	sys_ringside_trace(RINGSIDE_TRACE_DISABLE, 0, NULL, 0);
	read_events();
	ktap_expect(bad, -EFAULT, "TRACE_READ into buffer 8 is EFAULT");
	ktap_expect(sys_ringside_trace(RINGSIDE_TRACE_ENABLE, 999999, NULL, 0), -ESRCH, "a nonexistent pid is ESRCH");
	return ktap_finish();
}
