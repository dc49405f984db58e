/* Small helpers shared by ringgrade's modules: checked allocation, a growable
 * byte buffer, and file reading. Allocation failure ends the program: the
 * grader cannot do anything useful without memory. */
#ifndef RINGGRADE_UTIL_H
#define RINGGRADE_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A NUL-terminated growable buffer; data is never NULL after strbuf_init. */
struct strbuf {
	char *data;
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *bytes, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Hand the data to the caller (who frees it) and reset the buffer. */
char *strbuf_detach(struct strbuf *sb);

/* Read a whole file, at most max bytes; returns NULL (errno set) on failure
 * or when the file is larger than max (errno = EFBIG). */
char *read_file(const char *path, size_t max, size_t *len_out);
/* Write a whole file atomically (temp file + rename); 0 or -1 with errno. */
int write_file(const char *path, const char *data, size_t len);

/* Seconds from a monotonic clock. */
double now_seconds(void);

/* "a/b/c" joined with "/"; the caller frees. */
char *path_join(const char *a, const char *b);
/* mkdir -p; 0 or -1 with errno. */
int make_dirs(const char *path, unsigned mode);
/* Copy a regular file (mode 0644), replacing dst; 0 or -1 with errno. */
int copy_plain_file(const char *src, const char *dst);
/* Copy the regular files of folder src into dst (made; not recursive);
 * 0 or -1 with errno. */
int copy_flat_dir(const char *src, const char *dst);
/* rm -rf without following symlinks; 0 or -1 with errno. */
int remove_tree(const char *path);

#endif
