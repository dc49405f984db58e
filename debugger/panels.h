/* panels: each panel is a small type behind one interface (htop-style): a
 * name, a title, a draw function that fills a region of a textbuf from the
 * session, and a key handler. Adding a panel touches one table. Layouts
 * place panels on the screen; the same drawing serves batch `panel NAME`,
 * the ncurses screen and the golden tests. */
#ifndef RINGDB_PANELS_H
#define RINGDB_PANELS_H

#include <stdbool.h>

#include "session.h"
#include "textbuf.h"

struct panel_type {
	const char *name;
	const char *title;
	const char *help;
	void (*draw)(struct session *s, struct region *r);
	/* Returns true when the key was used. */
	bool (*key)(struct session *s, int key);
};

extern const struct panel_type panel_types[];
extern const int panel_type_count;
const struct panel_type *panel_find(const char *name);

struct layout_slot {
	const char *panel;
	int x, y, w, h; /* percent of the panel area */
};

struct layout {
	const char *name;
	const char *help;
	struct layout_slot slots[8];
};

extern const struct layout layouts[];
extern const int layout_count;
int layout_find(const char *name);

/* Smallest screen the layouts fit; below it the screen shows a message. */
#define SCREEN_MIN_W 60
#define SCREEN_MIN_H 16

/* Draw the whole screen for layout S->layout into TB (its size is the
 * terminal's), the command line INPUT (NULL: none) on the last row. */
void screen_compose(struct session *s, struct textbuf *tb, const char *input);
/* Draw one panel as text for batch mode, WIDTH columns. */
void panel_print(struct session *s, const struct panel_type *p, int width, FILE *out);

#endif
