/* The process-spawning helper (see spawn.h). fork+execve rather than
 * posix_spawn because the child needs setsid and a file-size rlimit; the
 * child runs only async-signal-safe calls, as ringgrade has threads. */
#include "spawn.h"
#include "def.h"
#include "sandbox.h"
#include "util.h"

#include <grp.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static atomic_int interrupted;

void spawn_interrupt(void)
{
	atomic_store(&interrupted, 1);
}

int spawn_was_interrupted(void)
{
	return atomic_load(&interrupted);
}

/* Session id of a process from /proc/PID/stat (field 6, after the
 * parenthesised command name, which may itself contain spaces). */
static int session_of(const char *pid)
{
	char path[64], buf[512];
	int fd, sid = -1;
	ssize_t n;
	char *close_paren;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	close_paren = strrchr(buf, ')');
	if (!close_paren)
		return -1;
	/* ") S ppid pgrp session". A zombie is already dead: it waits for
	 * its parent (for a sandbox's inner init, whatever reaps orphans -
	 * which in a container may be slow or never), and killing it again
	 * would change nothing. */
	{
		char state = '?';
		if (sscanf(close_paren + 1, " %c %*d %*d %d", &state, &sid) != 2)
			return -1;
		if (state == 'Z' || state == 'X')
			return -1;
	}
	return sid;
}

void kill_session(int sid)
{
	/* A fork loop can create processes while we sweep; repeat until a
	 * sweep finds none. The rounds are bounded in case /proc lies. */
	for (int round = 0; round < 200; round++) {
		DIR *proc = opendir("/proc");
		struct dirent *entry;
		int found = 0;

		if (!proc)
			return;
		while ((entry = readdir(proc))) {
			if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
				continue;
			if (session_of(entry->d_name) == sid) {
				kill((pid_t)atoi(entry->d_name), SIGKILL);
				found = 1;
			}
		}
		closedir(proc);
		if (!found)
			return;
		usleep(2000);
	}
}

/* PATH lookup done before fork (execvp may allocate). */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;

	if (strchr(name, '/'))
		return xstrdup(name);
	copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *candidate = path_join(dir, name);
		if (access(candidate, X_OK) == 0) {
			free(copy);
			return candidate;
		}
		free(candidate);
	}
	free(copy);
	return NULL;
}

static void child_fail(int status_fd)
{
	int err = errno;

	if (write(status_fd, &err, sizeof(err)) < 0) {
		/* nothing more a child can do */
	}
	_exit(127);
}

int spawn_run(const struct spawn_options *opts, struct spawn_result *res)
{
	int out_pipe[2], status_pipe[2];
	/* A child whose working folder is a registered submission tree runs
	 * under bwrap (sandbox.h), with its limits set before exec. */
	long long sb_memory = 0, sb_fsize = 0;
	long sb_procs = 0;
	char **wrapped = sandbox_wrap(opts->argv, opts->cwd, &sb_memory, &sb_procs, &sb_fsize);
	char *const *child_argv = wrapped ? wrapped : opts->argv;
	char *program = find_program(child_argv[0]);
	struct strbuf out;
	pid_t pid;
	int status = 0, exited = 0, exec_errno = 0;
	double start = now_seconds();

	memset(res, 0, sizeof(*res));
	if (!program) {
		if (wrapped)
			argv_free(wrapped);
		errno = ENOENT;
		return -1;
	}
	if (pipe2(out_pipe, O_CLOEXEC) < 0) {
		free(program);
		if (wrapped)
			argv_free(wrapped);
		return -1;
	}
	if (pipe2(status_pipe, O_CLOEXEC) < 0) {
		close(out_pipe[0]);
		close(out_pipe[1]);
		free(program);
		if (wrapped)
			argv_free(wrapped);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		int saved = errno;
		close(out_pipe[0]);
		close(out_pipe[1]);
		close(status_pipe[0]);
		close(status_pipe[1]);
		free(program);
		if (wrapped)
			argv_free(wrapped);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		int null_fd;

		setsid();
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		null_fd = open("/dev/null", O_RDONLY);
		if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_pipe[1], 1) < 0 || dup2(out_pipe[1], 2) < 0)
			child_fail(status_pipe[1]);
		if (opts->cwd && chdir(wrapped ? "/" : opts->cwd) < 0)
			child_fail(status_pipe[1]);
		if (opts->file_size_limit > 0 || sb_fsize > 0) {
			long long limit = opts->file_size_limit > 0 && (sb_fsize == 0 || opts->file_size_limit < sb_fsize)
					  ? opts->file_size_limit : sb_fsize;
			struct rlimit rl = { (rlim_t)limit, (rlim_t)limit };
			if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
				child_fail(status_pipe[1]);
		}
		if (wrapped) {
			struct rlimit mem = { (rlim_t)sb_memory, (rlim_t)sb_memory };
			struct rlimit procs = { (rlim_t)sb_procs, (rlim_t)sb_procs };
			struct rlimit core = { 0, 0 };
			if (setrlimit(RLIMIT_AS, &mem) < 0 || setrlimit(RLIMIT_NPROC, &procs) < 0 ||
			    setrlimit(RLIMIT_CORE, &core) < 0)
				child_fail(status_pipe[1]);
			/* As root, the sandbox is started as an unprivileged
			 * host user: root would be exempt from RLIMIT_NPROC. */
			if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID) < 0 ||
					       setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID) < 0))
				child_fail(status_pipe[1]);
		}
		execve(program, child_argv, environ);
		child_fail(status_pipe[1]);
	}
	free(program);
	if (wrapped)
		argv_free(wrapped);
	close(out_pipe[1]);
	close(status_pipe[1]);
	if (read(status_pipe[0], &exec_errno, sizeof(exec_errno)) == (ssize_t)sizeof(exec_errno)) {
		close(status_pipe[0]);
		close(out_pipe[0]);
		waitpid(pid, &status, 0);
		errno = exec_errno;
		return -1;
	}
	close(status_pipe[0]);

	fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
	strbuf_init(&out);
	for (;;) {
		struct pollfd pfd = { .fd = out_pipe[0], .events = POLLIN };
		char chunk[16384];
		ssize_t n;
		int open_pipe = 1;

		poll(&pfd, 1, 50);
		while ((n = read(out_pipe[0], chunk, sizeof(chunk))) > 0) {
			size_t keep = (size_t)n;
			if (opts->output_limit && out.len + keep > opts->output_limit) {
				keep = opts->output_limit - out.len;
				res->flooded = 1;
			}
			strbuf_add(&out, chunk, keep);
			if (res->flooded)
				break;
		}
		if (n == 0)
			open_pipe = 0;
		if (res->flooded || (opts->timeout && now_seconds() - start > opts->timeout) ||
		    spawn_was_interrupted()) {
			if (!res->flooded && spawn_was_interrupted())
				res->interrupted = 1;
			else if (!res->flooded)
				res->timed_out = 1;
			kill_session(pid);
		}
		if (!exited && waitpid(pid, &status, WNOHANG) == pid)
			exited = 1;
		if (exited) {
			/* The child is gone; whatever it left behind in its
			 * session goes too, then the pipe is drained. */
			kill_session(pid);
			while ((n = read(out_pipe[0], chunk, sizeof(chunk))) > 0 && !res->flooded) {
				size_t keep = (size_t)n;
				if (opts->output_limit && out.len + keep > opts->output_limit) {
					keep = opts->output_limit - out.len;
					res->flooded = 1;
				}
				strbuf_add(&out, chunk, keep);
			}
			break;
		}
		if (!open_pipe && !exited) {
			/* Output closed but the child lives: just wait for it,
			 * still under the timeout. */
			usleep(20000);
		}
	}
	close(out_pipe[0]);
	res->seconds = now_seconds() - start;
	res->output_len = out.len;
	res->output = strbuf_detach(&out);
	if (WIFEXITED(status))
		res->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status)) {
		res->exit_code = 128 + WTERMSIG(status);
		res->signal = WTERMSIG(status);
	}
	return 0;
}

void spawn_result_free(struct spawn_result *res)
{
	free(res->output);
	res->output = NULL;
}
