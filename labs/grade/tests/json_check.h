/* A strict JSON (RFC 8259) syntax checker, so the tests can parse back what
 * the JSON writer produced without trusting the writer's own code. */
#ifndef RINGGRADE_JSON_CHECK_H
#define RINGGRADE_JSON_CHECK_H

#include <stddef.h>

/* 0 when text is one valid JSON value (with optional blanks around it);
 * -1 with the byte offset of the first error in *where. */
int json_check(const char *text, size_t len, size_t *where);

#endif
