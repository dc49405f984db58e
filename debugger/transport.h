/* transport: a byte stream to a gdbstub (TCP or unix socket), non-blocking,
 * every read bounded by a timeout. Knows nothing of packets. */
#ifndef RINGDB_TRANSPORT_H
#define RINGDB_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

enum {
	TRANSPORT_TIMEOUT = -1, /* nothing arrived in time */
	TRANSPORT_CLOSED = -2,  /* the peer hung up (QEMU exited?) */
	TRANSPORT_ERROR = -3,   /* errno-style failure, see the message */
};

struct transport {
	int fd;
};

/* Connect to WHERE: "unix:PATH", "HOST:PORT", "PORT" (localhost) or "fd:N"
 * (an inherited connected socket).
 * Returns 0, or -1 with a message in ERR. */
int transport_open(struct transport *t, const char *where, char *err, size_t errlen);
/* Adopt an already connected descriptor (tests use a socketpair). */
int transport_adopt(struct transport *t, int fd);
/* Read up to N bytes, waiting at most TIMEOUT_MS (-1: forever). Returns the
 * count, or one of the negative codes above. */
ssize_t transport_read(struct transport *t, void *buf, size_t n, int timeout_ms);
/* Write all N bytes. Returns 0 or a negative code. */
int transport_write(struct transport *t, const void *buf, size_t n);
void transport_close(struct transport *t);

#endif
