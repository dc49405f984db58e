/* A stand-in task for the labs' in-kernel tests (os/tests/ktest_labN.c).
 *
 * The entry and exit functions find their thread_info from pt_regs (stack
 * arithmetic) and the task from `current`. A test builds a real kernel stack
 * for a fake task - thread_info at the bottom, pt_regs at the top - and makes
 * that task `current` for the duration of the test, so the function under
 * test, and every subsystem it calls (seccomp, task_work, user-return
 * notifiers, ptrace hooks), sees one consistent task whose flags and
 * registers the test chose. The fake task has no tracer, no mm and no parent;
 * tests never let it reach code that would schedule it or deliver a signal
 * to it. */
#ifndef OS_TESTS_LAB_FIXTURE_H
#define OS_TESTS_LAB_FIXTURE_H
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/mm.h>
#include <ringside/percpu.h>
#include <ringside/seccomp.h>
#include <ringside/context_tracking.h>
#include <ringside/errno.h>
#include <ringside/syscalls.h>
#include <asm/x86.h>

struct fake_task {
	struct task_struct task;
	struct task_struct *saved_current;
	struct thread_info *ti;
	struct pt_regs *regs;
	bool saved_ct_enabled;
	enum ctx_state saved_ct_state;
};

static inline bool fake_task_begin(struct fake_task *f, u32 flags)
{
	memset(f, 0, sizeof(*f));
	f->task.stack = alloc_pages(THREAD_SIZE_ORDER);
	if (!f->task.stack)
		return false;
	memset(f->task.stack, 0, THREAD_SIZE);
	f->task.state = TASK_RUNNING;
	f->task.pid = 4242;
	strlcpy(f->task.comm, "labtest", TASK_COMM_LEN);
	INIT_LIST_HEAD(&f->task.children);
	INIT_LIST_HEAD(&f->task.sibling);
	INIT_LIST_HEAD(&f->task.run_list);
	INIT_LIST_HEAD(&f->task.tasks);
	f->task.time_slice = 1 << 30;          /* the timer never asks it to yield */
	f->ti = task_thread_info(&f->task);
	f->ti->task = &f->task;
	f->ti->flags = flags;
	f->regs = task_pt_regs(&f->task);
	f->regs->cs = 0x33;
	f->regs->ss = 0x2b;
	f->regs->flags = X86_EFLAGS_IF;
	f->regs->ax = -ENOSYS;
	f->saved_ct_enabled = context_tracking_enabled;
	f->saved_ct_state = cpu_data.context_state;
	unsigned long irq = local_irq_save();
	f->saved_current = cpu_data.current_task;
	cpu_data.current_task = &f->task;
	local_irq_restore(irq);
	return true;
}

static inline void fake_task_end(struct fake_task *f)
{
	unsigned long irq = local_irq_save();
	cpu_data.current_task = f->saved_current;
	local_irq_restore(irq);
	context_tracking_enabled = f->saved_ct_enabled;
	cpu_data.context_state = f->saved_ct_state;
	if (f->task.seccomp_filter) {
		kfree(f->task.seccomp_filter);
		f->task.seccomp_filter = NULL;
	}
	free_pages(f->task.stack, THREAD_SIZE_ORDER);
	local_irq_enable();                    /* tests may leave them off */
}

/* Give the fake task one seccomp filter (a copy of prog). */
static inline bool fake_task_filter(struct fake_task *f, const struct sock_filter *prog, unsigned len)
{
	struct seccomp_filter *filter = kmalloc(sizeof(*filter) + len * sizeof(*prog));
	if (!filter)
		return false;
	filter->refcount = 1;
	filter->prev = NULL;
	filter->len = len;
	memcpy(filter->insns, prog, len * sizeof(*prog));
	if (f->task.seccomp_filter)
		kfree(f->task.seccomp_filter);
	f->task.seccomp_filter = filter;
	f->task.seccomp_mode = SECCOMP_MODE_FILTER;
	return true;
}

#define BPF_STMT(code, k) { (u16)(code), 0, 0, (u32)(k) }
#define BPF_JUMP(code, k, jt, jf) { (u16)(code), (u8)(jt), (u8)(jf), (u32)(k) }
#endif
