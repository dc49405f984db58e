/* Deferred work for a task, run on its way back to user mode
 * (TIF_NOTIFY_RESUME, kernel/task_work.c), and user-return notifiers
 * (TIF_USER_RETURN_NOTIFY, kernel/user_return_notifier.c). */
#ifndef RINGSIDE_TASK_WORK_H
#define RINGSIDE_TASK_WORK_H
#include <ringside/types.h>
#include <asm/ptrace.h>

struct task_struct;

struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *work);
};
/* Queue work on t; it runs in t's context from tracehook_notify_resume. */
int task_work_add(struct task_struct *t, struct callback_head *work);
void tracehook_notify_resume(struct pt_regs *regs);

struct user_return_notifier {
	void (*on_user_return)(struct user_return_notifier *urn);
	struct user_return_notifier *next;
};
/* Register for the current task: fires once, on its next return to user mode. */
void user_return_notifier_register(struct user_return_notifier *urn);
void fire_user_return_notifiers(void);
void user_return_switch(struct task_struct *prev, struct task_struct *next);
#endif
