/* rsp: GDB Remote Serial Protocol packets.
 *
 * The codec (parser, encoder) is pure and byte-at-a-time, because TCP may
 * deliver "+", several packets or half a packet in one read. The connection
 * part adds acks (QEMU 7.2 has no no-ack mode, so every packet is acked),
 * retransmission on "-", timeouts and a transcript log. */
#ifndef RINGDB_RSP_H
#define RINGDB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "transport.h"

/* Largest decoded payload accepted. QEMU's PacketSize is 4096; run-length
 * decoding can expand a packet, so leave room. */
#define RSP_MAX_PAYLOAD 16384

enum rsp_event {
	RSP_EV_NONE,         /* byte consumed, nothing complete yet */
	RSP_EV_ACK,          /* '+' */
	RSP_EV_NAK,          /* '-' */
	RSP_EV_PACKET,       /* a good packet; payload in parser->payload */
	RSP_EV_NOTIFICATION, /* a good %...#xx notification (ignored by QEMU users) */
	RSP_EV_BAD_CHECKSUM, /* complete packet, checksum mismatch: send '-' */
	RSP_EV_MALFORMED,    /* bad escape, bad run length or bad checksum digits */
	RSP_EV_OVERSIZED,    /* decoded payload longer than RSP_MAX_PAYLOAD */
};

struct rsp_parser {
	int state;
	unsigned char sum;       /* running checksum of the raw bytes */
	unsigned char got_sum;   /* checksum digits received */
	bool notification;
	bool broken;             /* bad escape/run length seen: report when done */
	bool oversized;
	size_t len;
	char payload[RSP_MAX_PAYLOAD + 1];
};

void rsp_parser_init(struct rsp_parser *p);
enum rsp_event rsp_parser_feed(struct rsp_parser *p, unsigned char byte);

unsigned char rsp_checksum(const char *data, size_t len);
/* Frame PAYLOAD as $...#xx, escaping $ # } * so any bytes survive.
 * Returns the framed length, or -1 if OUT (CAP bytes) is too small. */
int rsp_frame(const char *payload, size_t len, char *out, size_t cap);

/* Hex helpers: QEMU sends lower case; accept both. */
int rsp_hexval(int c);
int rsp_hex_decode(const char *hex, size_t nhex, unsigned char *out, size_t cap);
void rsp_hex_encode(const unsigned char *in, size_t n, char *out);

enum {
	RSP_OK = 0,
	RSP_TIMEOUT = -1,  /* no answer in time */
	RSP_CLOSED = -2,   /* the stub hung up: QEMU exited or was killed */
	RSP_PROTOCOL = -3, /* repeated bad packets, or an oversized one */
	RSP_TOOBIG = -4,   /* reply longer than the caller's buffer */
};

struct rsp_conn {
	struct transport *t;
	struct rsp_parser parser;
	unsigned char in[4096];
	size_t in_pos, in_len;
	FILE *log;              /* transcript: "> sent", "< received", "! interrupt" */
	int max_retries;
	char error[256];
	unsigned long packets_sent, packets_received;
};

void rsp_conn_init(struct rsp_conn *c, struct transport *t);
/* Send a packet and wait for its '+'; resend on '-'. */
int rsp_send(struct rsp_conn *c, const char *payload, int timeout_ms);
/* Wait for one packet, ack it, copy the payload (NUL-terminated) to OUT. */
int rsp_recv(struct rsp_conn *c, char *out, size_t cap, size_t *len, int timeout_ms);
/* rsp_send then rsp_recv. */
int rsp_command(struct rsp_conn *c, const char *payload, char *reply, size_t cap, int timeout_ms);
/* The raw 0x03 byte that interrupts a running target. */
int rsp_interrupt(struct rsp_conn *c);
const char *rsp_strerror(int code);

/* Transcript lines escape newlines and non-printing bytes as \n \\ \xNN. */
void rsp_log_escape(FILE *f, const char *data, size_t len);
/* Undo rsp_log_escape in place; returns the new length. */
size_t rsp_log_unescape(char *s);

#endif
