/* Syscall auditing (kernel/audit.c) and the sys_enter/sys_exit tracepoints
 * (kernel/trace.c): each keeps a ring buffer user space reads back. */
#ifndef RINGSIDE_AUDIT_H
#define RINGSIDE_AUDIT_H
#include <ringside/types.h>
#include <asm/ptrace.h>

extern bool audit_all_tasks;        /* audit=1 on the command line */
void audit_syscall_entry(u32 arch, int nr, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3);
void audit_syscall_exit(struct pt_regs *regs);

extern bool trace_all_tasks;        /* ringside_trace(ENABLE, -1) */
void trace_sys_enter(struct pt_regs *regs, long nr);
void trace_sys_exit(struct pt_regs *regs, long ret);
#endif
