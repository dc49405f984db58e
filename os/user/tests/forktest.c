/* forktest: fork, execve and wait4 together. KTAP on stdout.
 *
 * Programs are found next to this one (the directory of argv[0]): /bin on
 * Ringside, build/user/bin when run on the host. To check that argv and envp
 * cross execve intact, forktest runs itself again with --child-argv: that
 * mode compares what it received with what the parent sent and exits 0 only
 * if every string matches. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *sent_argv[] = { "forktest", "--child-argv", "one", "two words", "", "last", NULL };
static char *sent_envp[] = { "RINGSIDE_A=1", "RINGSIDE_B=two words", "EMPTY=", NULL };

static char self_dir[256];

static void program_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s%s", self_dir, name);
}

/* --child-argv: exit 0 if argv and envp are exactly what the parent sent. */
static int check_received(int argc, char **argv, char **envp)
{
	int i;

	if (argc != 6)
		return 10;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], sent_argv[i]) != 0)
			return 10 + i;
	if (argv[argc] != NULL)
		return 20;
	for (i = 0; sent_envp[i]; i++)
		if (!envp[i] || strcmp(envp[i], sent_envp[i]) != 0)
			return 30 + i;
	if (envp[i] != NULL)
		return 40;
	if (strcmp(getenv("RINGSIDE_B") ? getenv("RINGSIDE_B") : "", "two words") != 0)
		return 41;
	return 0;
}

static int wait_for(long pid)
{
	int status = -1;

	if (sys_wait4((int)pid, &status, 0, NULL) != pid)
		return -1;
	return status;
}

static int exited_with(int status, int code)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static void test_exec_hello(void)
{
	char path[320];
	char *argv[] = { "hello", NULL };
	char *envp[] = { "HOME=/", NULL };
	long pid;
	int status;

	program_path(path, sizeof(path), "hello");
	pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		dprintf(2, "forktest: execve %s: %s\n", path, strerror(errno));
		_exit(99);
	}
	status = wait_for(pid);
	if (!exited_with(status, 0))
		ktap_diag("hello ended with status 0x%x", status);
	ktap_ok(exited_with(status, 0), "fork + execve of hello exits 0");
}

static void test_exec_argv(void)
{
	char path[320];
	long pid;
	int status;

	program_path(path, sizeof(path), "forktest");
	pid = fork();
	if (pid == 0) {
		execve(path, sent_argv, sent_envp);
		_exit(99);
	}
	status = wait_for(pid);
	if (!exited_with(status, 0))
		ktap_diag("the re-executed forktest reported mismatch code %d (status 0x%x)",
			  WEXITSTATUS(status), status);
	ktap_ok(exited_with(status, 0), "argv and envp (with spaces and an empty string) arrive intact");

	program_path(path, sizeof(path), "argv");
	pid = fork();
	if (pid == 0) {
		char *args[] = { "argv", "shown", "by", "the argv helper", NULL };

		execve(path, args, sent_envp);
		_exit(99);
	}
	ktap_ok(exited_with(wait_for(pid), 0), "the argv helper runs and exits 0");
}

static void test_sequential_children(void)
{
	int i, ok = 1, status;
	long pid;

	for (i = 0; i < 20; i++) {
		pid = fork();
		if (pid == 0)
			_exit(i);
		if (!exited_with(wait_for(pid), i))
			ok = 0;
	}
	ktap_ok(ok, "20 children forked and reaped one after another, each with its status");

	long pids[20];
	int seen[20] = { 0 };

	for (i = 0; i < 20; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(100 + i);
	}
	ok = 1;
	for (i = 0; i < 20; i++) {
		long got = sys_wait4(-1, &status, 0, NULL);
		int j, found = 0;

		for (j = 0; j < 20; j++)
			if (pids[j] == got && !seen[j] && exited_with(status, 100 + j))
				seen[j] = found = 1;
		if (!found)
			ok = 0;
	}
	ktap_ok(ok, "20 children alive at once are each reaped exactly once by wait4(-1)");
	ktap_expect(sys_wait4(-1, &status, 0, NULL), -ECHILD, "then wait4 fails with ECHILD");
}

static void test_specific_pid(void)
{
	long first = fork(), second;
	int status = -1;

	if (first == 0)
		_exit(1);
	second = fork();
	if (second == 0)
		_exit(2);
	ktap_expect(sys_wait4((int)second, &status, 0, NULL), second, "wait4 for a given pid returns that pid");
	ktap_ok(exited_with(status, 2), "and that child's status");
	ktap_expect(sys_wait4((int)first, &status, 0, NULL), first, "the other child is still there to reap");
	ktap_ok(exited_with(status, 1), "with its own status");
	ktap_expect(sys_wait4(99999, &status, 0, NULL), -ECHILD, "wait4 for a pid that is not our child fails with ECHILD");
}

/* Each level forks the next and exits with its child's status + 1. */
static int fork_chain(int levels)
{
	long pid;
	int status;

	if (levels == 0)
		return 10;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(fork_chain(levels - 1));
	status = wait_for(pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) + 1 : 0;
}

static void test_exit_codes(void)
{
	long pid = fork();
	int status;

	if (pid == 0)
		exit(42);
	status = wait_for(pid);
	ktap_ok(exited_with(status, 42), "a child's exit(42) is seen as status 42");
	ktap_expect(fork_chain(3), 13, "a chain of 3 forked levels passes each status up");

	pid = fork();
	if (pid == 0) {
		/* The grandchild outlives its parent: it is re-parented, not ours. */
		if (fork() == 0) {
			struct timespec t = { 0, 10 * 1000 * 1000 };

			nanosleep(&t, NULL);
			_exit(0);
		}
		_exit(5);
	}
	ktap_ok(exited_with(wait_for(pid), 5), "a child that leaves an orphan behind exits normally");
	if (getpid() == 1)
		ktap_skip("we are init: orphans are re-parented to us", "the orphan is not our child");
	else
		ktap_expect(sys_wait4(-1, &status, 0, NULL), -ECHILD, "the orphan is not our child");
}

int main(int argc, char **argv, char **envp)
{
	char *slash;

	if (argc > 1 && strcmp(argv[1], "--child-argv") == 0)
		return check_received(argc, argv, envp);
	if (argc > 1) {
		printf("usage: forktest\nCheck fork, execve and wait4; KTAP on stdout. The programs hello and argv\n"
		       "must sit in the same directory as forktest.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	slash = strrchr(argv[0], '/');
	if (slash && (size_t)(slash - argv[0]) + 2 < sizeof(self_dir))
		snprintf(self_dir, sizeof(self_dir), "%.*s/", (int)(slash - argv[0]), argv[0]);
	else
		strcpy(self_dir, "/bin/");
	ktap_plan(15);
	test_exec_hello();
	test_exec_argv();
	test_sequential_children();
	test_specific_pid();
	test_exit_codes();
	return ktap_finish();
}
