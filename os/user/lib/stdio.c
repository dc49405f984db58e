/* printf and friends, the stdout buffer, and line input. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Where formatted characters go: a caller's buffer (snprintf) or a file
 * descriptor through a bounce buffer (dprintf), or the stdout buffer. */
enum sink_kind { SINK_STRING, SINK_FD, SINK_STDOUT };

struct sink {
	enum sink_kind kind;
	char *buf;
	size_t size;
	size_t len;
	size_t total;   /* characters produced, stored or not */
	int fd;
	int error;
};

static char stdout_buf[4096];
static size_t stdout_len;
static int stdout_has_newline;

int fflush_stdout(void)
{
	size_t len = stdout_len;

	stdout_len = 0;
	stdout_has_newline = 0;
	if (len && write_all(STDOUT_FILENO, stdout_buf, len) < 0)
		return -1;
	return 0;
}

static void stdout_putc(char c)
{
	if (stdout_len == sizeof(stdout_buf))
		fflush_stdout();
	stdout_buf[stdout_len++] = c;
	if (c == '\n')
		stdout_has_newline = 1;
}

/* After each call: lines that are complete leave together in one write. */
static int stdout_end_call(void)
{
	return stdout_has_newline ? fflush_stdout() : 0;
}

static void emit(struct sink *s, char c)
{
	s->total++;
	switch (s->kind) {
	case SINK_STRING:
		if (s->len + 1 < s->size)
			s->buf[s->len++] = c;
		break;
	case SINK_FD:
		if (s->len == s->size) {
			if (write_all(s->fd, s->buf, s->len) < 0)
				s->error = 1;
			s->len = 0;
		}
		s->buf[s->len++] = c;
		break;
	case SINK_STDOUT:
		stdout_putc(c);
		break;
	}
}

static void emit_repeat(struct sink *s, char c, int count)
{
	while (count-- > 0)
		emit(s, c);
}

struct spec {
	int left;       /* '-' */
	int zero;       /* '0' */
	int plus;       /* '+' */
	int space;      /* ' ' */
	int alt;        /* '#' */
	int width;
	int precision;  /* -1: none given */
};

/* Print a string padded to the width; precision limits its length. */
static void emit_string(struct sink *s, const char *str, const struct spec *sp)
{
	size_t len = sp->precision >= 0 ? strnlen(str, (size_t)sp->precision) : strlen(str);
	int pad = sp->width > (int)len ? sp->width - (int)len : 0;

	if (!sp->left)
		emit_repeat(s, ' ', pad);
	while (len--)
		emit(s, *str++);
	if (sp->left)
		emit_repeat(s, ' ', pad);
}

/* Print an integer: sign or prefix, zero padding to the precision, then
 * space or zero padding to the width. */
static void emit_number(struct sink *s, unsigned long long value, int negative, unsigned base,
			int upper, const struct spec *sp, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, pad, prefix_len, sign;

	while (value) {
		tmp[n++] = digits[value % base];
		value /= base;
	}
	if (n == 0 && sp->precision != 0)
		tmp[n++] = '0';
	if (base == 8 && sp->alt && (n == 0 || tmp[n - 1] != '0'))
		tmp[n++] = '0';
	zeros = sp->precision > n ? sp->precision - n : 0;
	sign = negative || sp->plus || sp->space;
	prefix_len = prefix ? (int)strlen(prefix) : 0;
	pad = sp->width - n - zeros - sign - prefix_len;
	if (pad < 0)
		pad = 0;
	if (sp->zero && !sp->left && sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		emit_repeat(s, ' ', pad);
	if (sign)
		emit(s, negative ? '-' : sp->plus ? '+' : ' ');
	while (prefix && *prefix)
		emit(s, *prefix++);
	emit_repeat(s, '0', zeros);
	while (n)
		emit(s, tmp[--n]);
	if (sp->left)
		emit_repeat(s, ' ', pad);
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		struct spec sp = { 0, 0, 0, 0, 0, 0, -1 };
		int length = 0;  /* 0 int, 1 long, 2 long long, -1 short, -2 char */
		unsigned long long u;
		long long v;

		if (*fmt != '%') {
			emit(s, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-')
				sp.left = 1;
			else if (*fmt == '0')
				sp.zero = 1;
			else if (*fmt == '+')
				sp.plus = 1;
			else if (*fmt == ' ')
				sp.space = 1;
			else if (*fmt == '#')
				sp.alt = 1;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = 1;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.precision = 0;
			if (*fmt == '*') {
				sp.precision = va_arg(ap, int);
				if (sp.precision < 0)
					sp.precision = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.precision = sp.precision * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				length = length >= 1 ? 2 : 1;
			else if (*fmt == 'h')
				length = length <= -1 ? -2 : -1;
			else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
				length = 1;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (length >= 1)
				v = length == 2 ? va_arg(ap, long long) : va_arg(ap, long);
			else
				v = va_arg(ap, int);
			if (length == -1)
				v = (short)v;
			else if (length == -2)
				v = (signed char)v;
			u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
			emit_number(s, u, v < 0, 10, 0, &sp, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (length >= 1)
				u = length == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			if (length == -1)
				u = (unsigned short)u;
			else if (length == -2)
				u = (unsigned char)u;
			sp.plus = sp.space = 0;
			if (*fmt == 'u')
				emit_number(s, u, 0, 10, 0, &sp, NULL);
			else if (*fmt == 'o')
				emit_number(s, u, 0, 8, 0, &sp, NULL);
			else
				emit_number(s, u, 0, 16, *fmt == 'X', &sp,
					    sp.alt && u ? (*fmt == 'X' ? "0X" : "0x") : NULL);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			sp.plus = sp.space = 0;
			if (u == 0) {
				sp.precision = -1;
				emit_string(s, "(nil)", &sp);
			} else {
				emit_number(s, u, 0, 16, 0, &sp, "0x");
			}
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			emit_string(s, str ? str : "(null)", &sp);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!sp.left)
				emit_repeat(s, ' ', sp.width - 1);
			emit(s, c);
			if (sp.left)
				emit_repeat(s, ' ', sp.width - 1);
			break;
		}
		case '%':
			emit(s, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it and stop. */
			emit(s, '%');
			return;
		default:
			/* Unknown conversion: print it as written so the mistake shows. */
			emit(s, '%');
			emit(s, *fmt);
			break;
		}
	}
}

static int clamp_total(size_t total)
{
	return total > 0x7fffffff ? 0x7fffffff : (int)total;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { SINK_STRING, buf, size, 0, 0, -1, 0 };

	format(&s, fmt, ap);
	if (size)
		buf[s.len] = '\0';
	return clamp_total(s.total);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
	char bounce[512];
	struct sink s = { SINK_FD, bounce, sizeof(bounce), 0, 0, fd, 0 };

	if (fd == STDOUT_FILENO)
		fflush_stdout();
	format(&s, fmt, ap);
	if (s.len && write_all(fd, bounce, s.len) < 0)
		s.error = 1;
	return s.error ? -1 : clamp_total(s.total);
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink s = { SINK_STDOUT, NULL, 0, 0, 0, STDOUT_FILENO, 0 };

	format(&s, fmt, ap);
	if (stdout_end_call() < 0)
		return -1;
	return clamp_total(s.total);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int putchar(int c)
{
	stdout_putc((char)c);
	return stdout_end_call() < 0 ? EOF : (unsigned char)c;
}

int puts(const char *str)
{
	while (*str)
		stdout_putc(*str++);
	stdout_putc('\n');
	return stdout_end_call() < 0 ? EOF : 1;
}

static char stdin_buf[256];
static size_t stdin_pos, stdin_len;

int getchar(void)
{
	if (stdin_pos == stdin_len) {
		ssize_t n;

		fflush_stdout();  /* a prompt must show before we block */
		n = read(STDIN_FILENO, stdin_buf, sizeof(stdin_buf));
		if (n <= 0)
			return EOF;
		stdin_pos = 0;
		stdin_len = (size_t)n;
	}
	return (unsigned char)stdin_buf[stdin_pos++];
}

long read_line(char *buf, size_t size)
{
	size_t len = 0;
	int c, overflow = 0, any = 0;

	if (size == 0)
		return -2;
	while ((c = getchar()) != EOF) {
		any = 1;
		if (c == '\n' || c == '\r')
			break;
		if (c == '\b' || c == 0x7f) {
			if (len)
				len--;
		} else if (len + 1 < size) {
			buf[len++] = (char)c;
		} else {
			overflow = 1;
		}
	}
	buf[len] = '\0';
	if (!any)
		return -1;
	return overflow ? -2 : (long)len;
}
