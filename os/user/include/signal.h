/* Ringside libc: Linux's x86-64 signal numbers (arch/x86/include/uapi/asm/
 * signal.h) and their names. Delivery and handlers belong to the kernel's
 * signal code; this header only names the numbers. */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <linux_signal.h>

#define NSIG      65

/* "SIGSEGV" for 11; "SIG?" for a number outside 1..31. */
const char *signal_name(int sig);

#endif
