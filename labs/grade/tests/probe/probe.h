/* The "lab" of ringgrade's self-test: three small functions a student
 * writes in probe.c. They stand in for kernel functions (the student's code
 * runs inside the trusted harness, as lab code runs inside the kernel). */
#ifndef PROBE_H
#define PROBE_H

#include <stddef.h>

/* a + b */
int probe_add(int a, int b);
/* the length of s, like strlen */
size_t probe_length(const char *s);
/* the larger of a and b */
int probe_max(int a, int b);

#endif
