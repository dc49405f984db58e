/* init: pid 1. Starts the shell (or the program named on its command line),
 * reaps every child that exits, orphans included, and when that first child
 * is gone exits with its status, which makes the kernel power the machine
 * off and hand the status to the launcher. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(void)
{
	printf("usage: init [PROGRAM [ARG...]]\n"
	       "Run PROGRAM (default /bin/sh) as the first child, reap every process that\n"
	       "exits, and exit with PROGRAM's status (128+N if signal N killed it).\n"
	       "The kernel passes the words after \"--\" on its command line as arguments.\n");
}

int main(int argc, char **argv)
{
	static char *default_argv[] = { "/bin/sh", NULL };
	char **child_argv = argc > 1 ? argv + 1 : default_argv;
	char text[64];
	pid_t child, pid;
	int status;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage();
		return 0;
	}
	printf("Ringside init (pid %d): starting %s\n", getpid(), child_argv[0]);
	child = fork();
	if (child < 0) {
		dprintf(2, "init: fork failed: %s\n", strerror(errno));
		return 1;
	}
	if (child == 0) {
		execve(child_argv[0], child_argv, environ);
		dprintf(2, "init: cannot run %s: %s (%s)\n", child_argv[0], strerror(errno),
			errno_name(errno) ? errno_name(errno) : "?");
		_exit(127);
	}
	for (;;) {
		pid = wait4(-1, &status, 0, NULL);
		if (pid < 0) {
			dprintf(2, "init: wait4 failed: %s\n", strerror(errno));
			return 1;
		}
		if (pid != child)
			continue;  /* an orphan we adopted: reaped, nothing more to do */
		printf("init: %s: %s\n", child_argv[0], describe_wait_status(status, text, sizeof(text)));
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		return WEXITSTATUS(status);
	}
}
