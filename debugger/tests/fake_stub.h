/* fake_stub: a test fixture that plays QEMU's side of a captured gdbstub
 * transcript over a socketpair. Lines of a transcript:
 *   > PAYLOAD   the client must send this packet (the stub acks it)
 *   < PAYLOAD   the stub sends this packet and waits for the client's '+'
 *   ! 03        the client must send the 0x03 interrupt byte
 *   <raw BYTES  the stub sends BYTES as they are (for broken packets)
 *   >ack / >nak the client must send '+' / '-'
 *   # ...       comment
 * Payloads use rsp_log_escape. When the transcript ends the stub hangs up,
 * which is what a client sees when QEMU exits. */
#ifndef RINGDB_FAKE_STUB_H
#define RINGDB_FAKE_STUB_H

#include <pthread.h>
#include <stdbool.h>

struct fake_stub {
	int fd;
	pthread_t thread;
	char **lines;
	int nlines;
	int line;          /* next transcript line */
	int failures;
	char message[512]; /* first mismatch */
	bool hang_up;      /* close when done (default true) */
};

/* Load TRANSCRIPT and start serving; *CLIENT_FD is the other end. */
int fake_stub_start(struct fake_stub *s, const char *transcript, int *client_fd);
/* Wait for the stub to finish; returns its failure count. */
int fake_stub_finish(struct fake_stub *s);

#endif
