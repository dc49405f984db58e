/* tracecat: the sys_enter / sys_exit tracepoints (TIF_SYSCALL_TRACEPOINT)
 * through Ringside's ringside_trace() call.
 *
 *   tracecat -e [PID|-1]   enable the tracepoints for PID (default: our
 *                          parent, the shell); -1 = every task, and new ones
 *   tracecat -d [PID|-1]   disable them
 *   tracecat -l            print (and consume) the events, one per line:
 *     sys_enter: pid=5 nr=1(write) args=(0x1, 0x4010a0, 0xd, 0x0, 0x0, 0x0)
 *     sys_exit: pid=5 nr=1 ret=13
 *   tracecat -r PROG ARGS...  run PROG traced, then print its events
 *
 * Exit status: 0 (PROG's for -r); 1 if the kernel refused (ENOSYS on
 * Linux); 2 for a usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ringside.h>
#include <sys/sysnames.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(int status)
{
	dprintf(status ? 2 : 1,
		"usage: tracecat -e [PID|-1] | -d [PID|-1] | -l | -r PROG [ARGS...]\n"
		"The sys_enter/sys_exit tracepoints (Ringside's ringside_trace call):\n"
		"  -e [PID]  enable for PID (default: our parent, the shell; -1 = all tasks)\n"
		"  -d [PID]  disable\n"
		"  -l        print and consume the events in the kernel's ring buffer\n"
		"  -r PROG   run PROG (with its ARGS) traced, then print its events\n"
		"Exit status: 0 (PROG's for -r), 1 if the kernel refused, 2 for a usage error.\n");
	return status;
}

static int fail(const char *what)
{
	dprintf(2, "tracecat: %s: %s%s\n", what, strerror(errno),
		errno == ENOSYS ? " (tracepoints need the Ringside kernel)" : "");
	return 1;
}

static void print_event(const struct ringside_trace_event *e)
{
	if (e->type == RINGSIDE_TRACE_SYS_ENTER) {
		const struct syscall_info *info = syscall_info_64(e->nr);

		printf("sys_enter: pid=%d nr=%ld(%s) args=(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", e->pid,
		       e->nr, info ? info->name : "?", e->args[0], e->args[1], e->args[2], e->args[3],
		       e->args[4], e->args[5]);
	} else {
		printf("sys_exit: pid=%d nr=%ld ret=%ld\n", e->pid, e->nr, e->ret);
	}
}

/* Print the events of pid (all if 0, none if -1); returns how many, or -1. */
static long list_events(int pid)
{
	struct ringside_trace_event buf[16];
	long total = 0, n;

	/* A traced tracecat adds two events per read: stop at a short read. */
	do {
		n = ringside_trace(RINGSIDE_TRACE_READ, 0, buf, 16);
		for (long i = 0; i < n; i++)
			if (!pid || buf[i].pid == pid) {
				print_event(&buf[i]);
				total++;
			}
	} while (n == 16);
	return n < 0 ? -1 : total;
}

static int run_traced(char **argv)
{
	int status;

	if (list_events(-1) < 0)
		return fail("reading the trace events");
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		if (ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0) < 0)
			_exit(fail("enabling the tracepoints"));
		execvp(argv[0], argv);
		dprintf(2, "tracecat: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	waitpid(pid, &status, 0);
	fflush_stdout();
	if (list_events(pid) < 0)
		return fail("reading the trace events");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	int pid;

	if (argc < 2)
		return usage(2);
	const char *op = argv[1];
	if (strcmp(op, "--help") == 0 || strcmp(op, "-h") == 0)
		return usage(0);
	if (strcmp(op, "-r") == 0)
		return argc < 3 ? usage(2) : run_traced(argv + 2);
	if (strcmp(op, "-l") == 0) {
		if (argc != 2)
			return usage(2);
		return list_events(0) < 0 ? fail("reading the trace events") : 0;
	}
	if ((strcmp(op, "-e") && strcmp(op, "-d")) || argc > 3)
		return usage(2);
	pid = getppid();
	if (argc == 3) {
		char *end;
		long v = strtol(argv[2], &end, 10);

		if (end == argv[2] || *end || v < -1) {
			dprintf(2, "tracecat: '%s' is not a pid (or -1 for all)\n", argv[2]);
			return 2;
		}
		pid = (int)v;
	}
	int enable = strcmp(op, "-e") == 0;
	if (ringside_trace(enable ? RINGSIDE_TRACE_ENABLE : RINGSIDE_TRACE_DISABLE, pid, NULL, 0) < 0)
		return fail(enable ? "enabling the tracepoints" : "disabling the tracepoints");
	printf("tracepoints %s for %s %d\n", enable ? "enabled" : "disabled", pid == -1 ? "all, pid" : "pid", pid);
	return 0;
}
