/* qmp: a minimal QMP client (see qmp.h). */
#include "qmp.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define QMP_TIMEOUT_MS 10000

void qmp_init(struct qmp *q)
{
	memset(q, 0, sizeof *q);
	q->fd = -1;
}

bool qmp_connected(const struct qmp *q)
{
	return q->fd >= 0;
}

void qmp_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	q->len = 0;
}

static long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* One line (a JSON object) into OUT, or -1. */
static int read_line(struct qmp *q, char *out, size_t cap, int timeout_ms)
{
	long deadline = ms_now() + timeout_ms;
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		if (nl) {
			size_t n = (size_t)(nl - q->buf);
			snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), q->buf);
			memmove(q->buf, nl + 1, q->len - n - 1);
			q->len -= n + 1;
			return 0;
		}
		if (q->len == sizeof q->buf) {
			q->len = 0; /* an oversized line: drop it */
			continue;
		}
		long left = deadline - ms_now();
		struct pollfd p = { .fd = q->fd, .events = POLLIN };
		int r = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(q->error, sizeof q->error, "QEMU's QMP socket did not answer");
			return -1;
		}
		ssize_t got = read(q->fd, q->buf + q->len, sizeof q->buf - q->len);
		if (got <= 0) {
			snprintf(q->error, sizeof q->error, "QEMU's QMP socket closed");
			qmp_close(q);
			return -1;
		}
		q->len += (size_t)got;
	}
}

int qmp_exec(struct qmp *q, const char *json, char *reply, size_t cap)
{
	if (q->fd < 0) {
		snprintf(q->error, sizeof q->error, "no QMP connection to QEMU");
		return -1;
	}
	size_t n = strlen(json);
	if (write(q->fd, json, n) != (ssize_t)n || write(q->fd, "\n", 1) != 1) {
		snprintf(q->error, sizeof q->error, "writing to QEMU's QMP socket: %s", strerror(errno));
		qmp_close(q);
		return -1;
	}
	for (;;) {
		if (read_line(q, reply, cap, QMP_TIMEOUT_MS) < 0)
			return -1;
		if (strstr(reply, "\"event\""))
			continue;
		if (strncmp(reply, "{\"return\"", 9) == 0)
			return 0;
		snprintf(q->error, sizeof q->error, "QEMU answered %.200s", reply);
		return -1;
	}
}

int qmp_open(struct qmp *q, const char *path, int timeout_ms)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof a.sun_path) {
		snprintf(q->error, sizeof q->error, "QMP socket path too long");
		return -1;
	}
	strcpy(a.sun_path, path);
	long deadline = ms_now() + timeout_ms;
	for (;;) {
		q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (q->fd < 0) {
			snprintf(q->error, sizeof q->error, "socket: %s", strerror(errno));
			return -1;
		}
		if (connect(q->fd, (struct sockaddr *)&a, sizeof a) == 0)
			break;
		qmp_close(q);
		if (ms_now() > deadline) {
			snprintf(q->error, sizeof q->error, "cannot connect to QEMU's QMP socket %s", path);
			return -1;
		}
		usleep(10000);
	}
	char line[1024];
	if (read_line(q, line, sizeof line, QMP_TIMEOUT_MS) < 0 || !strstr(line, "\"QMP\"")) {
		snprintf(q->error, sizeof q->error, "no QMP greeting on %s", path);
		qmp_close(q);
		return -1;
	}
	if (qmp_exec(q, "{\"execute\": \"qmp_capabilities\"}", line, sizeof line) < 0) {
		qmp_close(q);
		return -1;
	}
	return 0;
}

int qmp_icount(struct qmp *q, uint64_t *icount)
{
	char reply[1024];
	if (qmp_exec(q, "{\"execute\": \"query-replay\"}", reply, sizeof reply) < 0)
		return -1;
	const char *p = strstr(reply, "\"icount\":");
	if (!p) {
		snprintf(q->error, sizeof q->error, "query-replay without an icount: %.200s", reply);
		return -1;
	}
	*icount = strtoull(p + 9, NULL, 10);
	return 0;
}

int qmp_replay_break(struct qmp *q, uint64_t icount)
{
	char cmd[128], reply[512];
	snprintf(cmd, sizeof cmd, "{\"execute\": \"replay-break\", \"arguments\": {\"icount\": %" PRIu64 "}}", icount);
	return qmp_exec(q, cmd, reply, sizeof reply);
}

int qmp_replay_delete_break(struct qmp *q)
{
	char reply[512];
	return qmp_exec(q, "{\"execute\": \"replay-delete-break\"}", reply, sizeof reply);
}
