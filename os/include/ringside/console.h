#ifndef RINGSIDE_CONSOLE_H
#define RINGSIDE_CONSOLE_H
#include <ringside/types.h>
#include <ringside/errno.h>
void serial_init(void);
long tty_read(char *kbuf, size_t n, bool nonblock);
size_t tty_chars_ready(void);
/* TCSETS, TCSETSW, TCSETSF (flush: drop unread input): the termios bits and
 * control characters the line discipline obeys. */
void tty_set_termios(u32 iflag, u32 lflag, const u8 cc[19], bool flush);
#endif
