/* textbuf: characters + attributes, and regions panels draw into. */
#include "textbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int tb_init(struct textbuf *tb, int w, int h)
{
	tb->w = w > 0 ? w : 1;
	tb->h = h > 0 ? h : 1;
	tb->ch = malloc((size_t)tb->w * (size_t)tb->h);
	tb->attr = malloc((size_t)tb->w * (size_t)tb->h);
	if (!tb->ch || !tb->attr) {
		tb_free(tb);
		return -1;
	}
	tb_clear(tb);
	return 0;
}

void tb_free(struct textbuf *tb)
{
	free(tb->ch);
	free(tb->attr);
	tb->ch = NULL;
	tb->attr = NULL;
}

void tb_clear(struct textbuf *tb)
{
	memset(tb->ch, ' ', (size_t)tb->w * (size_t)tb->h);
	memset(tb->attr, ATTR_NORMAL, (size_t)tb->w * (size_t)tb->h);
}

int tb_puts(struct textbuf *tb, int x, int y, int maxw, enum attr a, const char *text)
{
	if (y < 0 || y >= tb->h || x < 0)
		return 0;
	int n = 0;
	for (; text[n] && x + n < tb->w && n < maxw; n++) {
		unsigned char c = (unsigned char)text[n];
		tb->ch[y * tb->w + x + n] = (char)(c < 0x20 || c >= 0x7f ? '?' : c);
		tb->attr[y * tb->w + x + n] = (unsigned char)a;
	}
	return n;
}

int tb_used_rows(const struct textbuf *tb)
{
	for (int y = tb->h - 1; y >= 0; y--)
		for (int x = 0; x < tb->w; x++)
			if (tb->ch[y * tb->w + x] != ' ')
				return y + 1;
	return 0;
}

void tb_dump(const struct textbuf *tb, FILE *out, int rows, int attrs)
{
	if (rows > tb->h)
		rows = tb->h;
	for (int y = 0; y < rows; y++) {
		int end = tb->w;
		while (end > 0 && tb->ch[y * tb->w + end - 1] == ' ' && tb->attr[y * tb->w + end - 1] == ATTR_NORMAL)
			end--;
		fwrite(tb->ch + y * tb->w, 1, (size_t)end, out);
		fputc('\n', out);
		if (attrs) {
			for (int x = 0; x < end; x++) {
				unsigned a = tb->attr[y * tb->w + x];
				fputc(a < ATTR_COUNT ? ATTR_LETTERS[a] : '?', out);
			}
			fputc('\n', out);
		}
	}
}

void region_init(struct region *r, struct textbuf *tb, int x, int y, int w, int h)
{
	r->tb = tb;
	r->x = x;
	r->y = y;
	r->w = w < 0 ? 0 : w;
	r->h = h < 0 ? 0 : h;
	r->row = 0;
	r->col = 0;
}

static void vadd(struct region *r, enum attr a, const char *fmt, va_list ap)
{
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	if (r->row >= r->h || r->col >= r->w)
		return;
	r->col += tb_puts(r->tb, r->x + r->col, r->y + r->row, r->w - r->col, a, buf);
}

void rg_add(struct region *r, enum attr a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(r, a, fmt, ap);
	va_end(ap);
}

void rg_newline(struct region *r)
{
	r->row++;
	r->col = 0;
}

void rg_line(struct region *r, enum attr a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(r, a, fmt, ap);
	va_end(ap);
	rg_newline(r);
}

int rg_rows_left(const struct region *r)
{
	return r->h - r->row;
}
