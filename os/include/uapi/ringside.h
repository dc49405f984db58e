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
	unsigned long sysret_exits;   /* returns to user mode through SYSRET (the fast exit's
				       * are derived, not counted: <ringside/percpu.h>) */
	unsigned long iret_exits;     /* returns to user mode through IRET (any entry) */
	unsigned long slow_exits;     /* fast-path syscalls sent to the slow exit by exit work */
	unsigned long interrupts;     /* hardware interrupts taken */
	unsigned long ticks;          /* timer ticks since boot */
	unsigned long notify_resume_runs;   /* task_work items run by tracehook_notify_resume */
	unsigned long uprobe_hits;          /* uprobe handlers run by uprobe_notify_resume */
	unsigned long user_return_notifiers;/* user-return notifiers fired */
	unsigned long ct_warnings;          /* CT_WARN_ON reports (context tracking) */
	unsigned long exit_loop_iterations; /* passes of prepare_exit_to_usermode's loop that did work */
};

/* ringside_audit(op, arg, buf, count): per-task syscall auditing.
 * AUDIT_ENABLE/DISABLE: arg is a pid (0 = the caller); sets or clears
 *   TIF_SYSCALL_AUDIT; children inherit it. Returns 0, -ESRCH, -EINVAL.
 * AUDIT_READ: move up to count records (oldest first) into buf; returns how
 *   many. The kernel keeps the newest RINGSIDE_AUDIT_RING records.
 * AUDIT_STATUS: 1 if task arg audits, else 0. */
#define RINGSIDE_AUDIT_DISABLE 0
#define RINGSIDE_AUDIT_ENABLE  1
#define RINGSIDE_AUDIT_READ    2
#define RINGSIDE_AUDIT_STATUS  3
#define RINGSIDE_AUDIT_RING    256
#define RINGSIDE_AUDIT_ENTRY   1
#define RINGSIDE_AUDIT_EXIT    2
struct ringside_audit_record {
	unsigned long seq;       /* increases by one per record */
	unsigned int type;       /* RINGSIDE_AUDIT_ENTRY or _EXIT */
	unsigned int arch;       /* AUDIT_ARCH_X86_64 0xc000003e, AUDIT_ARCH_I386 0x40000003 */
	int pid;
	int nr;                  /* syscall number in that arch's table */
	unsigned long args[4];   /* entry: the first four arguments */
	long result;             /* exit: the return value */
	int success;             /* exit: 1 unless result is -errno */
	int pad;
};

/* ringside_trace(op, arg, buf, count): the sys_enter/sys_exit tracepoints.
 * TRACE_ENABLE/DISABLE: arg is a pid (0 = the caller, -1 = every task now and
 *   every task created later); sets or clears TIF_SYSCALL_TRACEPOINT.
 * TRACE_READ: move up to count events into buf; returns how many. */
#define RINGSIDE_TRACE_DISABLE 0
#define RINGSIDE_TRACE_ENABLE  1
#define RINGSIDE_TRACE_READ    2
#define RINGSIDE_TRACE_RING    256
#define RINGSIDE_TRACE_SYS_ENTER 1
#define RINGSIDE_TRACE_SYS_EXIT  2
struct ringside_trace_event {
	unsigned long seq;
	unsigned int type;       /* RINGSIDE_TRACE_SYS_ENTER or _SYS_EXIT */
	int pid;
	long nr;                 /* orig_ax: the syscall number (-1 if skipped) */
	unsigned long args[6];   /* sys_enter: the six argument registers */
	long ret;                /* sys_exit: the return value */
};

/* ringside_uprobe(op, addr): a breakpoint probe in the caller's own code.
 * UPROBE_REGISTER: plant an int3 at addr (user text); each hit runs the
 *   kernel handler (through TIF_UPROBE on the way out), counts the hit, and
 *   the task goes on with the original instruction. -EINVAL, -EEXIST, -EFAULT.
 * UPROBE_UNREGISTER: restore the original byte.
 * UPROBE_HITS: returns how many times the probe at addr was hit. */
#define RINGSIDE_UPROBE_REGISTER   0
#define RINGSIDE_UPROBE_UNREGISTER 1
#define RINGSIDE_UPROBE_HITS       2

/* ringside_task_work(pid, value): queue deferred work on task pid (0 = the
 * caller); it runs from tracehook_notify_resume (TIF_NOTIFY_RESUME) the next
 * time that task returns to user mode, and adds value to the task's
 * work_done counter, which ringside_task_work(pid, 0) ... returns. A call with
 * value 0 queues nothing and returns the counter. */

#endif
