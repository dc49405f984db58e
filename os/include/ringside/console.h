#ifndef RINGSIDE_CONSOLE_H
#define RINGSIDE_CONSOLE_H
#include <ringside/types.h>
#include <ringside/errno.h>
void serial_init(void);
/* Wait (bounded) until the UART has sent every byte: before power-off. */
void serial_drain(void);
long tty_read(char *kbuf, size_t n, bool nonblock);
size_t tty_chars_ready(void);
/* TCSETS, TCSETSW, TCSETSF (flush: drop unread input): the termios bits and
 * control characters the line discipline obeys. */
void tty_set_termios(u32 iflag, u32 oflag, u32 lflag, const u8 cc[19], bool flush);
/* A program's output, through OPOST; call it once !tty_output_stopped()
 * (writers sleep on tty_write_channel() until then). */
void tty_write(const char *s, size_t n);
bool tty_output_stopped(void);
void *tty_write_channel(void);
void tty_flush_input(void);             /* TCFLSH TCIFLUSH */
void tty_flow(int action);              /* TCXONC */
/* Job control: the session whose controlling terminal the console is, and
 * its foreground process group (0: none). */
extern pid_t tty_session, tty_pgrp;
#endif
