#ifndef RINGSIDE_TIME_H
#define RINGSIDE_TIME_H
#include <ringside/types.h>
#define NSEC_PER_SEC 1000000000UL
#define NSEC_PER_TICK (NSEC_PER_SEC / HZ)
struct timespec64 { long tv_sec; long tv_nsec; };
unsigned long ktime_get_ns(void);       /* monotonic, since boot */
unsigned long ktime_get_real_seconds_at_boot(void);
void time_init(void);
unsigned long pit_ns_into_tick(void);
bool pit_tick_pending(void);
#endif
