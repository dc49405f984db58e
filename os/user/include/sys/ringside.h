/* Ringside libc: Ringside's own system calls (os/include/uapi/ringside.h). */
#ifndef _SYS_RINGSIDE_H
#define _SYS_RINGSIDE_H

#include <ringside.h>

/* Copy the kernel's entry/exit counters; -1 and errno (ENOSYS on Linux). */
int ringside_stats(struct ringside_entry_stats *stats);

#endif
