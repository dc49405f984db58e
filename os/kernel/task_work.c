/* task_work: functions queued for a task and run by that task itself on its
 * way back to user mode. Queuing sets TIF_NOTIFY_RESUME; the exit loop calls
 * tracehook_notify_resume(), which runs the queue. ringside_task_work()
 * exposes it to user space so a test can queue work on another task and see
 * it run in that task. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/task_work.h>
#include <ringside/percpu.h>
#include <ringside/errno.h>
#include <ringside/syscalls.h>
#include <ringside/mm.h>
#include <asm/x86.h>

int task_work_add(struct task_struct *t, struct callback_head *work)
{
	unsigned long flags = local_irq_save();
	if (t->state == EXIT_ZOMBIE || t->state == EXIT_DEAD) {
		local_irq_restore(flags);
		return -ESRCH;
	}
	/* Appended, so works run in the order they were queued. */
	struct callback_head **pp = &t->task_works;
	while (*pp)
		pp = &(*pp)->next;
	work->next = NULL;
	*pp = work;
	set_tsk_thread_flag(t, TIF_NOTIFY_RESUME);
	local_irq_restore(flags);
	return 0;
}

void tracehook_notify_resume(struct pt_regs *regs)
{
	struct task_struct *t = current;
	(void)regs;
	clear_thread_flag(TIF_NOTIFY_RESUME);
	for (;;) {
		unsigned long flags = local_irq_save();
		struct callback_head *work = t->task_works;
		t->task_works = NULL;
		local_irq_restore(flags);
		if (!work)
			break;
		while (work) {
			struct callback_head *next = work->next;
			work->func(work);
			work = next;
		}
	}
}

/* A queued ringside_task_work item: adds its value to the target's counter. */
struct counted_work {
	struct callback_head head;
	unsigned long value;
};

static void counted_work_run(struct callback_head *head)
{
	struct counted_work *w = container_of(head, struct counted_work, head);
	current->work_done += w->value;
	cpu_data.stats.notify_resume_runs++;
	kfree(w);
}

SYSCALL_DEFINE(sys_ringside_task_work)
{
	pid_t pid = (pid_t)a0;
	struct task_struct *t = pid ? find_task_by_pid(pid) : current;
	if (!t || t->state == EXIT_ZOMBIE || pid < 0)
		return -ESRCH;
	if (!a1)
		return t->work_done;
	struct counted_work *w = kmalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->head.func = counted_work_run;
	w->value = a1;
	int err = task_work_add(t, &w->head);
	if (err)
		kfree(w);
	return err;
}
