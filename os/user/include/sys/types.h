/* Ringside libc: the POSIX scalar types, sized as on x86-64 Linux. */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H

#include <stddef.h>

typedef int pid_t;
typedef long off_t;
typedef long time_t;
typedef int clockid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;

#endif
