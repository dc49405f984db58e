/* textbuf: a grid of characters with attributes. Panels draw into one; the
 * ncurses UI copies it to the screen, batch mode prints it, and the golden
 * tests compare it, so all three see exactly the same rendering. */
#ifndef RINGDB_TEXTBUF_H
#define RINGDB_TEXTBUF_H

#include <stdio.h>

enum attr {
	ATTR_NORMAL = 0,
	ATTR_TITLE,   /* panel titles */
	ATTR_CHANGED, /* a value that changed since the last stop */
	ATTR_CURRENT, /* the current line / stage */
	ATTR_DIM,     /* not applicable, not saved, unknown */
	ATTR_BREAK,   /* breakpoint markers */
	ATTR_GOOD,    /* a condition that holds */
	ATTR_BAD,     /* a condition that fails, errors */
	ATTR_BORDER,
	ATTR_COUNT
};

/* One letter per attribute for text dumps of the attribute plane. */
#define ATTR_LETTERS ".TCUDBGXb"

struct textbuf {
	int w, h;
	char *ch;
	unsigned char *attr;
};

int tb_init(struct textbuf *tb, int w, int h);
void tb_free(struct textbuf *tb);
void tb_clear(struct textbuf *tb);
/* Write TEXT at (X, Y), clipped to the buffer and to MAXW columns. Returns
 * the columns written. */
int tb_puts(struct textbuf *tb, int x, int y, int maxw, enum attr a, const char *text);
/* The last row holding anything but blanks, +1. */
int tb_used_rows(const struct textbuf *tb);
/* Text of the buffer, trailing blanks trimmed; with ATTRS, each line is
 * followed by a line of attribute letters. */
void tb_dump(const struct textbuf *tb, FILE *out, int rows, int attrs);

/* A rectangle of a textbuf that a panel fills row by row. */
struct region {
	struct textbuf *tb;
	int x, y, w, h;
	int row; /* next row to write */
	int col; /* column within the current row (for tb_add) */
};

void region_init(struct region *r, struct textbuf *tb, int x, int y, int w, int h);
/* Append formatted text to the current row. */
void rg_add(struct region *r, enum attr a, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* End the current row. */
void rg_newline(struct region *r);
/* A whole row. */
void rg_line(struct region *r, enum attr a, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int rg_rows_left(const struct region *r);

#endif
