/* keeper: the process that makes sure QEMU and its files go with ringdb.
 * See keeper.h for the protocol. */
#include "keeper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void keeper_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

int keeper_mkdir(struct keeper *k, char *err, size_t cap)
{
	memset(k, 0, sizeof *k);
	k->ctl = k->status = -1;
	/* A unix socket path has room for 107 bytes: a long $TMPDIR is not used. */
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 40 || access(tmp, W_OK) != 0)
		tmp = "/tmp";
	snprintf(k->dir, sizeof k->dir, "%s/ringdb-XXXXXX", tmp);
	if (!mkdtemp(k->dir)) {
		snprintf(err, cap, "cannot make a private directory in %s: %s", tmp, strerror(errno));
		k->dir[0] = '\0';
		return -1;
	}
	return 0;
}

static bool reap(pid_t pid, int wait_ms)
{
	for (int waited = 0;; waited += 20) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))
			return true;
		if (waited >= wait_ms)
			return false;
		usleep(20000);
	}
}

/* The keeper itself: never returns. */
static void keeper_main(int ctl, int status, pid_t launcher, const char *dir)
{
	bool exited = false;
	for (;;) {
		struct pollfd p = { .fd = ctl, .events = POLLIN };
		int n = poll(&p, 1, exited ? -1 : 100);
		if (n > 0) {
			char buf[64];
			ssize_t r = read(ctl, buf, sizeof buf);
			if (r <= 0 && !(r < 0 && errno == EINTR))
				break; /* ringdb is gone, however it ended */
		}
		int st;
		if (!exited && waitpid(launcher, &st, WNOHANG) == launcher) {
			exited = true;
			char line[32];
			int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			int len = snprintf(line, sizeof line, "X %d\n", code);
			if (write(status, line, (size_t)len) < 0) {
				/* ringdb is gone: the ctl pipe says so next */
			}
		}
	}
	/* The launcher's group is the launcher and QEMU (and timeout(1)). */
	kill(-launcher, SIGTERM);
	if (!exited && !reap(launcher, 2000)) {
		kill(-launcher, SIGKILL);
		reap(launcher, 2000);
	}
	/* A QEMU whose launcher died first: the group may outlive its leader. */
	kill(-launcher, SIGKILL);
	keeper_remove_dir(dir);
	_exit(0);
}

int keeper_start(struct keeper *k, const char *const *argv, const char *console, char *err, size_t cap)
{
	int ctl[2], st[2];
	if (pipe2(ctl, O_CLOEXEC) < 0 || pipe2(st, O_CLOEXEC) < 0) {
		snprintf(err, cap, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t kp = fork();
	if (kp < 0) {
		snprintf(err, cap, "fork: %s", strerror(errno));
		return -1;
	}
	if (kp == 0) {
		close(ctl[1]);
		close(st[0]);
		/* Its own process group: Ctrl-C, a closed terminal's SIGHUP or a
		 * `kill -KILL -GROUP` meant for ringdb do not reach it; it ends
		 * when ringdb's end of the pipe closes. */
		setpgid(0, 0);
		static const int ignored[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
		for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
			signal(ignored[i], SIG_IGN);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1); /* not ringdb's stdout: `ringdb | cat` ends with ringdb */
			if (null > 2)
				close(null);
		}
		pid_t lp = fork();
		if (lp < 0)
			_exit(127);
		if (lp == 0) {
			setpgid(0, 0);
			for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
				signal(ignored[i], SIG_DFL);
			/* Should the keeper itself be killed, the launcher goes too. */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			int con = open(console, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (con >= 0) {
				dup2(con, 1);
				dup2(con, 2);
				if (con > 2)
					close(con);
			}
			execv(argv[0], (char *const *)argv);
			fprintf(stderr, "ringdb: cannot run %s: %s\n", argv[0], strerror(errno));
			_exit(127);
		}
		setpgid(lp, lp); /* no race with the child's own setpgid */
		char line[32];
		int len = snprintf(line, sizeof line, "P %d\n", (int)lp);
		if (write(st[1], line, (size_t)len) < 0)
			_exit(1);
		keeper_main(ctl[0], st[1], lp, k->dir);
	}
	close(ctl[0]);
	close(st[1]);
	k->pid = kp;
	k->ctl = ctl[1];
	k->status = st[0];
	/* The keeper's first line names the launcher. */
	char line[32];
	ssize_t r;
	do
		r = read(k->status, line, sizeof line - 1);
	while (r < 0 && errno == EINTR);
	if (r <= 0 || line[0] != 'P') {
		snprintf(err, cap, "the QEMU keeper process did not start");
		keeper_stop(k);
		return -1;
	}
	line[r] = '\0';
	k->launcher = (pid_t)atoi(line + 2);
	fcntl(k->status, F_SETFL, O_NONBLOCK);
	return 0;
}

bool keeper_poll_exit(struct keeper *k)
{
	if (k->exited || k->status < 0)
		return k->exited;
	char line[32];
	ssize_t r = read(k->status, line, sizeof line - 1);
	if (r > 0) {
		line[r] = '\0';
		if (line[0] == 'X') {
			k->exited = true;
			k->exit_status = atoi(line + 2);
		}
	}
	return k->exited;
}

void keeper_stop(struct keeper *k)
{
	if (k->pid <= 0 && k->dir[0])
		keeper_remove_dir(k->dir); /* the keeper never started: nobody else will */
	if (k->ctl >= 0) {
		close(k->ctl);
		k->ctl = -1;
	}
	if (k->pid > 0) {
		while (waitpid(k->pid, NULL, 0) < 0 && errno == EINTR)
			;
		k->pid = 0;
	}
	if (k->status >= 0) {
		close(k->status);
		k->status = -1;
	}
	k->launcher = 0;
}
