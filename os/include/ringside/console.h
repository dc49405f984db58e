#ifndef RINGSIDE_CONSOLE_H
#define RINGSIDE_CONSOLE_H
#include <ringside/types.h>
#include <ringside/errno.h>
void serial_init(void);
long tty_read(char *kbuf, size_t n, bool nonblock);
size_t tty_chars_ready(void);
#endif
