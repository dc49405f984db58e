/* transport: TCP and unix-socket byte streams with timeouts. */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -1;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static int open_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof addr.sun_path) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		snprintf(err, errlen, "cannot connect to unix:%s: %s (is QEMU running with --gdb unix:%s?)",
			 path, strerror(errno), path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int open_tcp(const char *host, const char *port, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s:%s: %s", host, port, gai_strerror(rc));
		return -1;
	}
	int fd = -1, saved = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to %s:%s: %s (start QEMU with `make qemu-gdb`?)",
			 host, port, strerror(saved));
		return -1;
	}
	/* One small packet per round trip: Nagle would add 40 ms to each. */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

int transport_open(struct transport *t, const char *where, char *err, size_t errlen)
{
	t->fd = -1;
	int fd;
	if (strncmp(where, "unix:", 5) == 0) {
		fd = open_unix(where + 5, err, errlen);
	} else if (strncmp(where, "fd:", 3) == 0) {
		/* An inherited, already connected descriptor (tests, wrappers). */
		char *end;
		long n = strtol(where + 3, &end, 10);
		if (*end || n < 0) {
			snprintf(err, errlen, "bad descriptor in '%s'", where);
			return -1;
		}
		fd = (int)n;
	} else {
		char host[256] = "127.0.0.1";
		const char *port = where;
		const char *colon = strrchr(where, ':');
		if (colon) {
			size_t n = (size_t)(colon - where);
			if (n >= sizeof host) {
				snprintf(err, errlen, "host name too long: %s", where);
				return -1;
			}
			if (n > 0) {
				memcpy(host, where, n);
				host[n] = '\0';
			}
			port = colon + 1;
		}
		if (*port == '\0' || strspn(port, "0123456789") != strlen(port)) {
			snprintf(err, errlen, "bad address '%s': want HOST:PORT, PORT or unix:PATH", where);
			return -1;
		}
		fd = open_tcp(host, port, err, errlen);
	}
	if (fd < 0)
		return -1;
	return transport_adopt(t, fd);
}

int transport_adopt(struct transport *t, int fd)
{
	t->fd = fd;
	return set_nonblocking(fd);
}

ssize_t transport_read(struct transport *t, void *buf, size_t n, int timeout_ms)
{
	if (t->fd < 0)
		return TRANSPORT_CLOSED;
	for (;;) {
		ssize_t got = read(t->fd, buf, n);
		if (got > 0)
			return got;
		if (got == 0)
			return TRANSPORT_CLOSED;
		if (errno == EINTR)
			continue;
		if (errno == ECONNRESET || errno == EPIPE)
			return TRANSPORT_CLOSED;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return TRANSPORT_ERROR;
		struct pollfd p = { .fd = t->fd, .events = POLLIN };
		int rc = poll(&p, 1, timeout_ms);
		if (rc == 0)
			return TRANSPORT_TIMEOUT;
		if (rc < 0 && errno != EINTR)
			return TRANSPORT_ERROR;
	}
}

int transport_write(struct transport *t, const void *buf, size_t n)
{
	const char *p = buf;
	if (t->fd < 0)
		return TRANSPORT_CLOSED;
	while (n > 0) {
		ssize_t put = send(t->fd, p, n, MSG_NOSIGNAL);
		if (put > 0) {
			p += put;
			n -= (size_t)put;
			continue;
		}
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = { .fd = t->fd, .events = POLLOUT };
			if (poll(&pf, 1, 5000) <= 0)
				return TRANSPORT_TIMEOUT;
			continue;
		}
		return (put < 0 && (errno == EPIPE || errno == ECONNRESET)) ? TRANSPORT_CLOSED : TRANSPORT_ERROR;
	}
	return 0;
}

void transport_close(struct transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
