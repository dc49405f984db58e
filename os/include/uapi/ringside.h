/* Ringside's own syscalls and the structures they share with user space.
 * Linux has no such calls; they live above Linux's numbers (500 and up) so a
 * program built for Linux never reaches them by accident. */
#ifndef UAPI_RINGSIDE_H
#define UAPI_RINGSIDE_H

/* ringside_stats(struct ringside_entry_stats *out): copy the per-CPU entry
 * counters. They let a test see which path a syscall took: a getpid with no
 * work flag set must add one to fast_syscalls and one to sysret_exits. */
struct ringside_entry_stats {
	unsigned long fast_syscalls;  /* SYSCALL entries dispatched on the fast path */
	unsigned long slow_syscalls;  /* SYSCALL entries that took the slow path */
	unsigned long int80_syscalls; /* int $0x80 entries */
	unsigned long sysret_exits;   /* returns to user mode through SYSRET */
	unsigned long iret_exits;     /* returns to user mode through IRET (any entry) */
	unsigned long slow_exits;     /* fast-path syscalls sent to the slow exit by exit work */
	unsigned long interrupts;     /* hardware interrupts taken */
	unsigned long ticks;          /* timer ticks since boot */
};

#endif
