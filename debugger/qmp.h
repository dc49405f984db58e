/* qmp: the few QEMU Machine Protocol requests ringdb makes beside the
 * gdbstub in a record/replay session (launcher --qmp): the replay's
 * instruction count (query-replay) and a stop at one (replay-break). */
#ifndef RINGDB_QMP_H
#define RINGDB_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct qmp {
	int fd;
	char buf[8192];
	size_t len;
	char error[256];
};

void qmp_init(struct qmp *q);
/* Connect to the unix socket PATH (retrying up to TIMEOUT_MS while QEMU
 * starts), read the greeting, leave capabilities negotiation. 0 or -1. */
int qmp_open(struct qmp *q, const char *path, int timeout_ms);
void qmp_close(struct qmp *q);
bool qmp_connected(const struct qmp *q);
/* Send one command (a JSON object) and wait for its reply, skipping
 * events. REPLY gets the reply line. 0 on {"return": ...}, -1 otherwise
 * (an {"error": ...} reply or a dead socket: q->error says which). */
int qmp_exec(struct qmp *q, const char *json, char *reply, size_t cap);
/* The replay's (or recording's) instruction count. */
int qmp_icount(struct qmp *q, uint64_t *icount);
/* Stop the replay when its instruction count reaches ICOUNT. */
int qmp_replay_break(struct qmp *q, uint64_t icount);
int qmp_replay_delete_break(struct qmp *q);

#endif
