/* Ringside libc: Ringside's own system calls (os/include/uapi/ringside.h). */
#ifndef _SYS_RINGSIDE_H
#define _SYS_RINGSIDE_H

#include <ringside.h>

/* Copy the kernel's entry/exit counters; -1 and errno (ENOSYS on Linux). */
int ringside_stats(struct ringside_entry_stats *stats);
/* ringside_audit(op, pid, buf, count), ringside_trace(...), ringside_uprobe(op,
 * addr), ringside_task_work(pid, value): the result, or -1 and errno (lib/ringside.c). */
long ringside_audit(int op, int pid, struct ringside_audit_record *buf, unsigned long count);
long ringside_trace(int op, int pid, struct ringside_trace_event *buf, unsigned long count);
long ringside_uprobe(int op, void *addr);
long ringside_task_work(int pid, long value);

#endif
