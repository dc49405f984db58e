/* The per-CPU area, reached through GS in kernel mode (swapgs on entry).
 * One CPU, so there is one instance, cpu_data; the entry assembly addresses
 * its fields as %gs:OFFSET with offsets from asm-offsets. */
#ifndef RINGSIDE_PERCPU_H
#define RINGSIDE_PERCPU_H
#include <ringside/types.h>
#include <uapi/ringside.h>

struct task_struct;

/* Where the context-tracking code believes the CPU is (kernel/context_tracking.c). */
enum ctx_state { CONTEXT_KERNEL = 0, CONTEXT_USER = 1 };

/* The entry counters as the kernel keeps them (ringside_stats turns them
 * into struct ringside_entry_stats). The SYSCALL fast path counts only its
 * entries: its way out by SYSRET has no counter (Linux 4.3's fast path has
 * none at all, and the null syscall's budget has room for one). Every
 * arrival at the fast exit either leaves by SYSRET or goes on to the slow
 * exit (slow_exits), so
 *   sysret_exits = fast_syscalls + phase1_resumes - ptregs_redos - slow_exits
 *                  + slow_sysret_exits. */
struct entry_counters {
	unsigned long fast_syscalls;  /* SYSCALL entries dispatched on the fast path */
	unsigned long slow_syscalls;  /* SYSCALL entries that took the slow path */
	unsigned long int80_syscalls; /* int $0x80 entries */
	unsigned long phase1_resumes; /* slow-path entries phase 1 sent back to the fast path */
	unsigned long ptregs_redos;   /* fast-path ptregs calls redone on a full frame (stub_full_frame) */
	unsigned long slow_sysret_exits; /* SYSRETs of the slow exit (its checks passed) */
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

struct percpu {
	struct percpu *self;               /* %gs:0: this struct's address */
	unsigned long rsp_scratch;         /* user rsp while SYSCALL switches stacks */
	unsigned long top_of_stack;        /* current task's kernel stack top (= TSS rsp0) */
	struct task_struct *current_task;
	struct entry_counters stats;       /* fast/slow path counters (ringside_stats) */
	enum ctx_state context_state;      /* context tracking (nohz_full) */
};

extern struct percpu cpu_data;

#define this_cpu_inc(field) __asm__ volatile("incq %%gs:%c0" :: "i"(offsetof(struct percpu, field)) : "memory")

static inline struct task_struct *get_current(void)
{
	struct task_struct *t;
	__asm__("movq %%gs:%c1, %0" : "=r"(t) : "i"(offsetof(struct percpu, current_task)));
	return t;
}
#define current get_current()
#endif
