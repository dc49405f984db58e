/* Ringside libc: clocks and sleeping. */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

int clock_gettime(clockid_t clock, struct timespec *tp);
int nanosleep(const struct timespec *req, struct timespec *rem);

/* CLOCK_MONOTONIC in nanoseconds (0 if the clock cannot be read). */
long monotonic_ns(void);

#endif
