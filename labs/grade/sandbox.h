/* The sandbox every build and every test run of a submission goes through:
 * bubblewrap (bwrap) with new user, pid, network, ipc, uts and cgroup
 * namespaces; a read-only /usr (and the /etc files compilers and the dynamic
 * loader read); /dev holding only /dev/null; no /proc and no /sys; a
 * private /tmp; and the submission's own grading tree, the one place
 * visible and writable. When ringgrade runs as root, bwrap itself is started
 * as uid/gid 65534 (nobody), so the sandbox runs as an unprivileged host
 * user and the process limit applies (root is exempt from RLIMIT_NPROC).
 * Before bwrap starts, rlimits cap memory (RLIMIT_AS), processes
 * (RLIMIT_NPROC), file size (RLIMIT_FSIZE) and core dumps; the wall-clock
 * limit and the output cap are the spawn helper's.
 *
 * A tree is sandboxed once it is registered: spawn_run() wraps every child
 * whose working folder lies in a registered tree. */
#ifndef RINGGRADE_SANDBOX_H
#define RINGGRADE_SANDBOX_H

#include "util.h"

#include <stddef.h>

/* The unprivileged host user a root ringgrade runs sandboxes as. */
#define SANDBOX_UID 65534
#define SANDBOX_GID 65534
/* Limits applied inside every sandbox. */
#define SANDBOX_FILE_LIMIT   (256LL << 20)   /* bytes per written file */
#define SANDBOX_PROCS        256             /* processes and threads, above what the user already runs */
#define SANDBOX_MEMORY_MIN   (2048LL << 20)  /* address space per process; more when vm_limit asks */
#define SANDBOX_TMP_SIZE     (128LL << 20)   /* the private /tmp (memory-backed) */

/* Off only with --no-sandbox (main.c); on by default. */
void sandbox_set_enabled(int on);
int sandbox_enabled(void);

/* Check that a sandbox can be made here (bwrap installed, namespaces
 * allowed, scratch folders reachable by the sandbox user). 0, or -1 with
 * the reason and what to do in err. */
int sandbox_check(struct strbuf *err);

/* Make tree ready for a sandbox and register it: as root, every file in it
 * is given to the sandbox user and its parent folder made traversable
 * (0711). memory is the RLIMIT_AS in bytes (0: SANDBOX_MEMORY_MIN). 0, or
 * -1 with errno. */
int sandbox_register(const char *tree, long long memory);
/* The same for a thin tree (reuse.h): readonly, the built base its links
 * lead into, is shown read-only at its own path as well. */
int sandbox_register_reading(const char *tree, long long memory, const char *readonly);
/* The same for a folder where a tool (git) reads a submission: the same
 * sandbox, with /dev/urandom as well. */
int sandbox_register_tool(const char *tree);
void sandbox_unregister(const char *tree);

/* For spawn_run: when cwd lies in a registered tree, the bwrap argv that
 * runs argv there (NULL-terminated, the caller frees it with argv_free),
 * with the limits to set before exec in memory, procs and fsize. NULL when
 * cwd is not sandboxed. */
char **sandbox_wrap(char *const *argv, const char *cwd, long long *memory, long *procs, long long *fsize);

/* The uid a sandbox runs as on the host: SANDBOX_UID as root, else ours. */
unsigned sandbox_host_uid(void);

#endif
