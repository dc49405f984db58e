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

struct percpu {
	struct percpu *self;               /* %gs:0: this struct's address */
	unsigned long rsp_scratch;         /* user rsp while SYSCALL switches stacks */
	unsigned long top_of_stack;        /* current task's kernel stack top (= TSS rsp0) */
	struct task_struct *current_task;
	struct ringside_entry_stats stats; /* fast/slow path counters (ringside_stats) */
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
