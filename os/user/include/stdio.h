/* Ringside libc: formatted output and line input.
 *
 * stdout is buffered and flushed at every newline, when the buffer fills, and
 * at exit(), so a complete line leaves in a single write() and lines of two
 * processes never mix mid-line. stderr (dprintf(2, ...)) is not buffered.
 * Formats: %d %i %u %x %X %o %p %s %c %% with the length modifiers hh h l ll z
 * t j, a width or `*`, a precision or `.*`, and the flags - 0 + space #. */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

#define PRINTF_LIKE(fmt, first) __attribute__((format(printf, fmt, first)))

int printf(const char *fmt, ...) PRINTF_LIKE(1, 2);
int vprintf(const char *fmt, va_list ap);
int dprintf(int fd, const char *fmt, ...) PRINTF_LIKE(2, 3);
int vdprintf(int fd, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
/* Write what stdout holds; 0, or -1 with errno. */
int fflush_stdout(void);

/* One byte from fd 0 through a small buffer; EOF at end of input or error. */
int getchar(void);
/* Read one line from fd 0 into buf (without the newline, NUL-terminated).
 * Returns its length, -1 at end of input with nothing read, or -2 if the
 * line did not fit (the rest of it is read and dropped). A backspace or DEL
 * byte removes the previous character, for consoles that pass them raw. */
long read_line(char *buf, size_t size);

#endif
