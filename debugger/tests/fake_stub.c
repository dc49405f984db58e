/* fake_stub: replay a transcript as the gdbstub side. */
#include "fake_stub.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../rsp.h"

static void mismatch(struct fake_stub *s, const char *fmt, const char *a, const char *b)
{
	if (s->failures++ == 0)
		snprintf(s->message, sizeof s->message, fmt, s->line + 1, a, b);
}

static int read_byte(struct fake_stub *s, unsigned char *b)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	if (poll(&p, 1, 10000) <= 0)
		return -1;
	return read(s->fd, b, 1) == 1 ? 0 : -1;
}

/* Read one packet from the client, ignoring acks in between. */
static int read_packet(struct fake_stub *s, struct rsp_parser *p)
{
	unsigned char b;
	while (read_byte(s, &b) == 0) {
		enum rsp_event ev = rsp_parser_feed(p, b);
		if (ev == RSP_EV_PACKET)
			return 0;
		if (ev == RSP_EV_BAD_CHECKSUM || ev == RSP_EV_MALFORMED)
			return -1;
	}
	return -1;
}

static void *serve(void *arg)
{
	struct fake_stub *s = arg;
	static struct rsp_parser parser;
	static char frame[2 * RSP_MAX_PAYLOAD + 8];
	rsp_parser_init(&parser);
	for (; s->line < s->nlines; s->line++) {
		char *l = s->lines[s->line];
		if (l[0] == '#' || l[0] == '\0')
			continue;
		if (strncmp(l, "> ", 2) == 0) {
			if (read_packet(s, &parser) < 0) {
				mismatch(s, "line %d: expected packet '%s'%s, got none or a broken one", l + 2, "");
				break;
			}
			write(s->fd, "+", 1);
			if (strcmp(parser.payload, l + 2) != 0) {
				mismatch(s, "line %d: expected '%.200s', client sent '%.200s'", l + 2, parser.payload);
				break;
			}
		} else if (strncmp(l, "< ", 2) == 0) {
			int n = rsp_frame(l + 2, strlen(l + 2), frame, sizeof frame);
			if (n < 0 || write(s->fd, frame, (size_t)n) != n)
				break;
			unsigned char b;
			/* The client must ack; a '-' asks for the same bytes again. */
			for (;;) {
				if (read_byte(s, &b) < 0) {
					mismatch(s, "line %d: no ack for '%.200s'%s", l + 2, "");
					goto out;
				}
				if (b == '+')
					break;
				if (b == '-')
					write(s->fd, frame, (size_t)n);
			}
		} else if (strncmp(l, "<raw ", 5) == 0) {
			write(s->fd, l + 5, strlen(l + 5));
		} else if (strcmp(l, ">ack") == 0 || strcmp(l, ">nak") == 0) {
			unsigned char b;
			if (read_byte(s, &b) < 0 || b != (l[1] == 'a' ? '+' : '-')) {
				mismatch(s, "line %d: expected %s%s", l + 1, "");
				break;
			}
		} else if (strcmp(l, "! 03") == 0) {
			unsigned char b;
			if (read_byte(s, &b) < 0 || b != 0x03) {
				mismatch(s, "line %d: expected the 0x03 interrupt%s%s", "", "");
				break;
			}
		} else {
			mismatch(s, "line %d: bad transcript line '%s'%s", l, "");
			break;
		}
	}
out:
	if (s->hang_up)
		shutdown(s->fd, SHUT_RDWR);
	return NULL;
}

int fake_stub_start(struct fake_stub *s, const char *transcript, int *client_fd)
{
	memset(s, 0, sizeof *s);
	s->hang_up = true;
	FILE *f = fopen(transcript, "r");
	if (!f) {
		perror(transcript);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		s->lines = realloc(s->lines, sizeof *s->lines * (size_t)(s->nlines + 1));
		rsp_log_unescape(line);
		s->lines[s->nlines++] = strdup(line);
	}
	free(line);
	fclose(f);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	s->fd = sv[0];
	*client_fd = sv[1];
	return pthread_create(&s->thread, NULL, serve, s);
}

int fake_stub_finish(struct fake_stub *s)
{
	pthread_join(s->thread, NULL);
	close(s->fd);
	for (int i = 0; i < s->nlines; i++)
		free(s->lines[i]);
	free(s->lines);
	if (s->failures)
		fprintf(stderr, "fake stub: %s\n(if ringdb now asks differently on purpose: make ringdb-transcripts)\n", s->message);
	return s->failures;
}
