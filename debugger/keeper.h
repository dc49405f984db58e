/* keeper: a QEMU never outlives the ringdb that started it.
 *
 * ringdb forks a small keeper process first; the keeper makes a private
 * directory (/tmp/ringdb-XXXXXX) for the gdbstub socket and the console
 * file, starts the launcher (and so QEMU) as its own child in a new process
 * group, and then waits on a pipe whose only writer is ringdb. However
 * ringdb ends (exit, SIGPIPE, SIGKILL, a crash, a closed terminal) the pipe
 * reaches end-of-file: the keeper stops the process group (SIGTERM, then
 * SIGKILL after 2 s), removes the directory and exits. Files kept on
 * purpose (recordings) never live in that directory. */
#ifndef RINGDB_KEEPER_H
#define RINGDB_KEEPER_H

#include <stdbool.h>
#include <sys/types.h>

struct keeper {
	pid_t pid;          /* the keeper process (ringdb's child) */
	pid_t launcher;     /* the launcher's pid = its process group */
	int ctl;            /* write end: closing it ends the keeper */
	int status;         /* read end: "P pid" then "X status" lines */
	bool exited;        /* the launcher has exited */
	int exit_status;    /* its status, decoded as the shell would */
	char dir[64];       /* the private directory */
};

/* Make the directory, fork the keeper, start ARGV (argv[0] = the launcher)
 * with stdout and stderr on CONSOLE and stdin on /dev/null. Returns 0, or
 * -1 with a message in ERR. */
int keeper_start(struct keeper *k, const char *const *argv, const char *console, char *err, size_t cap);
/* Make the private directory only (paths are built in it before the
 * launcher's arguments exist). */
int keeper_mkdir(struct keeper *k, char *err, size_t cap);
/* Has the launcher exited? Reads the status pipe without blocking. */
bool keeper_poll_exit(struct keeper *k);
/* Remove a flat directory and the files in it (the keeper's own, or an
 * unpacked recording's). */
void keeper_remove_dir(const char *dir);
/* Stop QEMU, remove the directory, reap the keeper. */
void keeper_stop(struct keeper *k);

#endif
