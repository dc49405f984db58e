/* ptrace (kernel/ptrace.c): a parent traces its child. The hooks below are
 * what the entry/exit pipeline calls; their names are Linux's tracehook API. */
#ifndef RINGSIDE_PTRACE_H
#define RINGSIDE_PTRACE_H
#include <ringside/types.h>
#include <asm/ptrace.h>

#define PTRACE_TRACEME     0
#define PTRACE_PEEKTEXT    1
#define PTRACE_PEEKDATA    2
#define PTRACE_PEEKUSR     3
#define PTRACE_POKETEXT    4
#define PTRACE_POKEDATA    5
#define PTRACE_POKEUSR     6
#define PTRACE_CONT        7
#define PTRACE_KILL        8
#define PTRACE_SINGLESTEP  9
#define PTRACE_GETREGS     12
#define PTRACE_SETREGS     13
#define PTRACE_ATTACH      16
#define PTRACE_DETACH      17
#define PTRACE_SYSCALL     24
#define PTRACE_SYSEMU      31
#define PTRACE_SYSEMU_SINGLESTEP 32
#define PTRACE_SETOPTIONS  0x4200
#define PTRACE_GETEVENTMSG 0x4201
#define PTRACE_SEIZE       0x4206

#define PTRACE_O_TRACESYSGOOD  0x00000001
#define PTRACE_O_TRACEEXEC     0x00000010
#define PTRACE_O_TRACESECCOMP  0x00000080
#define PTRACE_O_EXITKILL      0x00100000
#define PTRACE_O_MASK          (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | \
				PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)
#define PTRACE_EVENT_EXEC     4
#define PTRACE_EVENT_SECCOMP  7

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
#endif
