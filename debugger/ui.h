/* ui: the ncurses screen. It only copies screen_compose's textbuf to the
 * terminal and turns keys into commands. */
#ifndef RINGDB_UI_H
#define RINGDB_UI_H

#include "session.h"

/* Run the interactive screen until `quit`. Returns 0, or 1 when the
 * terminal could not be set up. */
int ui_run(struct session *s);

#endif
