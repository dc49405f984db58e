/* rsp: the packet codec and an acked connection on top of a transport. */
#include "rsp.h"

#include <string.h>
#include <time.h>

enum { ST_IDLE, ST_PAYLOAD, ST_ESCAPE, ST_RUN, ST_SUM1, ST_SUM2 };

void rsp_parser_init(struct rsp_parser *p)
{
	memset(p, 0, sizeof *p);
	p->state = ST_IDLE;
}

int rsp_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_byte(struct rsp_parser *p, char c)
{
	if (p->len < RSP_MAX_PAYLOAD)
		p->payload[p->len++] = c;
	else
		p->oversized = true;
}

static void start_packet(struct rsp_parser *p, bool notification)
{
	p->state = ST_PAYLOAD;
	p->sum = 0;
	p->len = 0;
	p->broken = false;
	p->oversized = false;
	p->notification = notification;
}

enum rsp_event rsp_parser_feed(struct rsp_parser *p, unsigned char b)
{
	switch (p->state) {
	case ST_IDLE:
		if (b == '+')
			return RSP_EV_ACK;
		if (b == '-')
			return RSP_EV_NAK;
		if (b == '$' || b == '%')
			start_packet(p, b == '%');
		/* Anything else between packets is line noise: skip it. */
		return RSP_EV_NONE;
	case ST_PAYLOAD:
		if (b == '#') {
			p->state = ST_SUM1;
			return RSP_EV_NONE;
		}
		if (b == '$') {
			/* A new start inside a packet: the old one was truncated. */
			start_packet(p, false);
			return RSP_EV_MALFORMED;
		}
		p->sum += b;
		if (b == '}')
			p->state = ST_ESCAPE;
		else if (b == '*')
			p->state = p->len == 0 ? (p->broken = true, ST_PAYLOAD) : ST_RUN;
		else
			put_byte(p, (char)b);
		return RSP_EV_NONE;
	case ST_ESCAPE:
		if (b == '#' || b == '$') {
			/* The escape swallowed a frame byte: the packet is corrupt. */
			p->broken = true;
			p->state = b == '#' ? ST_SUM1 : ST_PAYLOAD;
			if (b == '$') {
				start_packet(p, false);
				return RSP_EV_MALFORMED;
			}
			return RSP_EV_NONE;
		}
		p->sum += b;
		put_byte(p, (char)(b ^ 0x20));
		p->state = ST_PAYLOAD;
		return RSP_EV_NONE;
	case ST_RUN:
		if (b == '#' || b == '$' || b < ' ' || b > 126) {
			p->broken = true;
			if (b == '#') {
				p->state = ST_SUM1;
				return RSP_EV_NONE;
			}
			if (b == '$') {
				start_packet(p, false);
				return RSP_EV_MALFORMED;
			}
			p->sum += b;
			p->state = ST_PAYLOAD;
			return RSP_EV_NONE;
		}
		p->sum += b;
		/* "X*c" is X followed by c-29 more copies of X. */
		for (int i = 0; i < b - 29; i++)
			put_byte(p, p->payload[p->len - 1]);
		p->state = ST_PAYLOAD;
		return RSP_EV_NONE;
	case ST_SUM1: {
		int v = rsp_hexval(b);
		if (v < 0) {
			p->state = ST_IDLE;
			if (b == '$')
				start_packet(p, false);
			return RSP_EV_MALFORMED;
		}
		p->got_sum = (unsigned char)(v << 4);
		p->state = ST_SUM2;
		return RSP_EV_NONE;
	}
	case ST_SUM2: {
		int v = rsp_hexval(b);
		p->state = ST_IDLE;
		if (v < 0) {
			if (b == '$')
				start_packet(p, false);
			return RSP_EV_MALFORMED;
		}
		p->got_sum |= (unsigned char)v;
		p->payload[p->len] = '\0';
		if (p->got_sum != p->sum)
			return RSP_EV_BAD_CHECKSUM;
		if (p->broken)
			return RSP_EV_MALFORMED;
		if (p->oversized)
			return RSP_EV_OVERSIZED;
		return p->notification ? RSP_EV_NOTIFICATION : RSP_EV_PACKET;
	}
	}
	p->state = ST_IDLE;
	return RSP_EV_NONE;
}

unsigned char rsp_checksum(const char *data, size_t len)
{
	unsigned char sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)data[i];
	return sum;
}

int rsp_frame(const char *payload, size_t len, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	if (cap < 4)
		return -1;
	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		char c = payload[i];
		if (c == '$' || c == '#' || c == '}' || c == '*') {
			if (n + 2 > cap - 3)
				return -1;
			out[n++] = '}';
			out[n++] = (char)(c ^ 0x20);
		} else {
			if (n + 1 > cap - 3)
				return -1;
			out[n++] = c;
		}
	}
	unsigned char sum = rsp_checksum(out + 1, n - 1);
	out[n++] = '#';
	out[n++] = hex[sum >> 4];
	out[n++] = hex[sum & 15];
	return (int)n;
}

int rsp_hex_decode(const char *hex, size_t nhex, unsigned char *out, size_t cap)
{
	if (nhex % 2 != 0 || nhex / 2 > cap)
		return -1;
	for (size_t i = 0; i < nhex / 2; i++) {
		int hi = rsp_hexval(hex[2 * i]), lo = rsp_hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (int)(nhex / 2);
}

void rsp_hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void rsp_log_escape(FILE *f, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\\')
			fputs("\\\\", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

size_t rsp_log_unescape(char *s)
{
	size_t out = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] == 'n') {
			s[out++] = '\n';
			i++;
		} else if (s[i] == '\\' && s[i + 1] == '\\') {
			s[out++] = '\\';
			i++;
		} else if (s[i] == '\\' && s[i + 1] == 'x' && rsp_hexval(s[i + 2]) >= 0 && rsp_hexval(s[i + 3]) >= 0) {
			s[out++] = (char)(rsp_hexval(s[i + 2]) << 4 | rsp_hexval(s[i + 3]));
			i += 3;
		} else {
			s[out++] = s[i];
		}
	}
	s[out] = '\0';
	return out;
}

void rsp_conn_init(struct rsp_conn *c, struct transport *t)
{
	memset(c, 0, sizeof *c);
	c->t = t;
	c->max_retries = 3;
	rsp_parser_init(&c->parser);
}

const char *rsp_strerror(int code)
{
	switch (code) {
	case RSP_OK: return "ok";
	case RSP_TIMEOUT: return "the gdbstub did not answer in time";
	case RSP_CLOSED: return "the connection to QEMU closed (QEMU exited or was killed)";
	case RSP_PROTOCOL: return "the gdbstub sent broken packets";
	case RSP_TOOBIG: return "reply too large";
	}
	return "unknown error";
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Next parser event from the buffered stream, reading more when needed.
 * Returns an rsp_event, or a negative RSP_ code. */
static int next_event(struct rsp_conn *c, long deadline)
{
	for (;;) {
		while (c->in_pos < c->in_len) {
			enum rsp_event ev = rsp_parser_feed(&c->parser, c->in[c->in_pos++]);
			if (ev != RSP_EV_NONE)
				return ev;
		}
		int left = deadline < 0 ? -1 : (int)(deadline - now_ms());
		if (deadline >= 0 && left < 0)
			left = 0;
		ssize_t got = transport_read(c->t, c->in, sizeof c->in, left);
		if (got == TRANSPORT_TIMEOUT)
			return RSP_TIMEOUT;
		if (got < 0)
			return RSP_CLOSED;
		c->in_pos = 0;
		c->in_len = (size_t)got;
	}
}

static int write_raw(struct rsp_conn *c, const char *s, size_t n)
{
	int rc = transport_write(c->t, s, n);
	if (rc == TRANSPORT_TIMEOUT)
		return RSP_TIMEOUT;
	return rc < 0 ? RSP_CLOSED : RSP_OK;
}

int rsp_send(struct rsp_conn *c, const char *payload, int timeout_ms)
{
	static char frame[2 * RSP_MAX_PAYLOAD + 8];
	size_t len = strlen(payload);
	int n = rsp_frame(payload, len, frame, sizeof frame);
	if (n < 0)
		return RSP_TOOBIG;
	if (c->log) {
		fputs("> ", c->log);
		rsp_log_escape(c->log, payload, len);
		fputc('\n', c->log);
		fflush(c->log);
	}
	long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	for (int attempt = 0; attempt <= c->max_retries; attempt++) {
		int rc = write_raw(c, frame, (size_t)n);
		if (rc)
			return rc;
		c->packets_sent++;
		for (;;) {
			int ev = next_event(c, deadline);
			if (ev < 0)
				return ev;
			if (ev == RSP_EV_ACK)
				return RSP_OK;
			if (ev == RSP_EV_NAK)
				break;
			/* A packet before our ack means the stub never saw ours
			 * intact; answer it per protocol and keep waiting. */
			if (ev == RSP_EV_BAD_CHECKSUM)
				write_raw(c, "-", 1);
			else if (ev == RSP_EV_PACKET || ev == RSP_EV_MALFORMED || ev == RSP_EV_OVERSIZED)
				write_raw(c, "+", 1);
		}
	}
	snprintf(c->error, sizeof c->error, "packet refused %d times", c->max_retries + 1);
	return RSP_PROTOCOL;
}

int rsp_recv(struct rsp_conn *c, char *out, size_t cap, size_t *len, int timeout_ms)
{
	long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int bad = 0;
	for (;;) {
		int ev = next_event(c, deadline);
		if (ev < 0)
			return ev;
		switch (ev) {
		case RSP_EV_PACKET: {
			int rc = write_raw(c, "+", 1);
			if (rc)
				return rc;
			c->packets_received++;
			size_t n = c->parser.len;
			if (c->log) {
				fputs("< ", c->log);
				rsp_log_escape(c->log, c->parser.payload, n);
				fputc('\n', c->log);
				fflush(c->log);
			}
			if (n + 1 > cap)
				return RSP_TOOBIG;
			memcpy(out, c->parser.payload, n + 1);
			if (len)
				*len = n;
			return RSP_OK;
		}
		case RSP_EV_BAD_CHECKSUM:
			if (++bad > c->max_retries) {
				snprintf(c->error, sizeof c->error, "%d packets with bad checksums in a row", bad);
				return RSP_PROTOCOL;
			}
			{
				int rc = write_raw(c, "-", 1);
				if (rc)
					return rc;
			}
			break;
		case RSP_EV_MALFORMED:
		case RSP_EV_OVERSIZED:
			/* Resending would bring the same bytes: ack and report. */
			write_raw(c, "+", 1);
			snprintf(c->error, sizeof c->error, "%s packet from the gdbstub",
				 ev == RSP_EV_OVERSIZED ? "oversized" : "malformed");
			return RSP_PROTOCOL;
		default:
			/* Stray acks and notifications carry nothing for us. */
			break;
		}
	}
}

int rsp_command(struct rsp_conn *c, const char *payload, char *reply, size_t cap, int timeout_ms)
{
	int rc = rsp_send(c, payload, timeout_ms);
	if (rc)
		return rc;
	return rsp_recv(c, reply, cap, NULL, timeout_ms);
}

int rsp_interrupt(struct rsp_conn *c)
{
	if (c->log) {
		fputs("! 03\n", c->log);
		fflush(c->log);
	}
	return write_raw(c, "\x03", 1);
}
