/* vsnprintf for the kernel: %d %i %u %x %X %o %p %s %c %%, the l/ll/z
 * length modifiers, field width, precision for strings, and the - 0 # flags. */
#include <ringside/kernel.h>

struct out { char *buf; size_t size, len; };

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_number(struct out *o, unsigned long v, unsigned base, bool upper,
		       bool negative, int width, bool left, char pad, const char *prefix)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int plen = (negative ? 1 : 0) + (int)strlen(prefix);
	int fill = width - n - plen;
	if (!left && pad == ' ')
		for (; fill > 0; fill--)
			put(o, ' ');
	if (negative)
		put(o, '-');
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	if (!left && pad == '0')
		for (; fill > 0; fill--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	for (; left && fill > 0; fill--)
		put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool left = false, alt = false;
		char pad = ' ';
		for (;; fmt++) {
			if (fmt[1] == '-') left = true;
			else if (fmt[1] == '0') pad = '0';
			else if (fmt[1] == '#') alt = true;
			else break;
		}
		fmt++;
		int width = 0, precision = -1;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			precision = 0;
			if (*fmt == '*') {
				precision = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				precision = precision * 10 + (*fmt++ - '0');
		}
		int lng = 0;
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd': case 'i': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);
			put_number(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10,
				   false, v < 0, width, left, pad, "");
			break;
		}
		case 'u': case 'x': case 'X': case 'o': {
			unsigned long v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			const char *prefix = alt && base == 16 ? (*fmt == 'X' ? "0X" : "0x") : "";
			put_number(&o, v, base, *fmt == 'X', false, width, left, pad, prefix);
			break;
		}
		case 'p':
			put_number(&o, (unsigned long)va_arg(ap, void *), 16, false, false,
				   width, left, pad, "0x");
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = precision >= 0 ? (int)strnlen(s, precision) : (int)strlen(s);
			int fill = width - len;
			for (; !left && fill > 0; fill--)
				put(&o, ' ');
			for (int i = 0; i < len; i++)
				put(&o, s[i]);
			for (; left && fill > 0; fill--)
				put(&o, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case 0:
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
