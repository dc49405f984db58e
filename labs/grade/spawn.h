/* The one process-spawning helper of ringgrade. Every child (make, the QEMU
 * launcher, tar, unzip, git) runs in a session of its own with stdin from
 * /dev/null and stdout+stderr captured through a pipe, under an output cap
 * and a wall-clock limit. When either is exceeded, or the child exits, every
 * process left in its session is killed, so nothing a test started outlives it. */
#ifndef RINGGRADE_SPAWN_H
#define RINGGRADE_SPAWN_H

#include <stddef.h>

struct spawn_options {
	char *const *argv;        /* argv[0] is looked up in PATH unless it has a '/' */
	const char *cwd;          /* NULL: ours */
	size_t output_limit;      /* 0: unlimited */
	int timeout;              /* seconds; 0: none */
	long long file_size_limit;/* RLIMIT_FSIZE in bytes for the child; 0: none */
};

struct spawn_result {
	int exit_code;     /* exit status, or 128+N when killed by signal N */
	int signal;        /* N when the child itself was killed by signal N, else 0 */
	int flooded;       /* output passed output_limit: the session was killed */
	int timed_out;     /* timeout passed: the session was killed */
	int interrupted;   /* ringgrade got SIGINT/SIGTERM: the session was killed */
	char *output;      /* captured bytes (at most output_limit), NUL-terminated */
	size_t output_len;
	double seconds;
};

/* Run a child to completion. Returns 0 when it ran (whatever its status),
 * -1 with errno when it could not be started (ENOENT: program not found). */
int spawn_run(const struct spawn_options *opts, struct spawn_result *result);
void spawn_result_free(struct spawn_result *result);

/* Ask every running spawn to stop (from a signal handler). */
void spawn_interrupt(void);
int spawn_was_interrupted(void);

/* SIGKILL every process whose session id is sid, until none is left. */
void kill_session(int sid);

#endif
