/* ptrace (kernel/ptrace.c): a tracer (the parent, or the parent's tracer
 * for a child attached at fork) traces a task. The hooks below are
 * what the entry/exit pipeline calls; their names are Linux's tracehook API. */
#ifndef RINGSIDE_PTRACE_H
#define RINGSIDE_PTRACE_H
#include <ringside/types.h>
#include <asm/ptrace.h>
#include <uapi/linux_ptrace.h>

#define PTRACE_O_MASK          (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | \
				PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
				PTRACE_O_TRACEEXEC | PTRACE_O_TRACEVFORKDONE | \
				PTRACE_O_TRACEEXIT | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)

#define PT_PTRACED 0x1
#define PT_SEIZED  0x2

struct task_struct;

/* Stop the current task for its tracer with this wait4 stop code (the
 * signal number, possibly | 0x80 or | event << 8). Returns when resumed. */
void ptrace_stop(int code);
/* A syscall-entry stop; nonzero means the syscall must be skipped (the
 * task is being killed). */
int tracehook_report_syscall_entry(struct pt_regs *regs);
void tracehook_report_syscall_exit(struct pt_regs *regs, int step);
/* A ptrace event stop (seccomp, exec) carrying message for GETEVENTMSG. */
void ptrace_event(int event, unsigned long message);
void user_enable_single_step(struct task_struct *t);
void user_disable_single_step(struct task_struct *t);
void exit_ptrace(struct task_struct *tracer);   /* the tracer is exiting */
/* fork/vfork/clone: attach the child to the parent's tracer when the
 * parent asked for this event; returns the event to report, or 0. */
int ptrace_init_child(struct task_struct *child, int event);
/* do_signal: take a pending PTRACE_EVENT_STOP (task->trap_stop_pending). */
void ptrace_trap_stop(void);
#endif
