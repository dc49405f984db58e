/* fork(): a new task with a copy of the parent's address space and of its
 * saved user registers; the child sees 0 where the parent sees its pid. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/mm.h>
#include <ringside/errno.h>
#include <ringside/syscalls.h>
#include <ringside/seccomp.h>
#include <asm/x86.h>

void start_task(struct task_struct *t, void (*fn)(void *), void *arg);

/* Flags a child does not inherit: pending work belongs to the parent. */
#define TIF_NOT_INHERITED (_TIF_SIGPENDING | _TIF_NEED_RESCHED | _TIF_NOTIFY_RESUME | \
			   _TIF_SINGLESTEP | _TIF_SYSCALL_TRACE | _TIF_SYSCALL_EMU | \
			   _TIF_UPROBE | _TIF_USER_RETURN_NOTIFY | _TIF_FORCED_TF)

long do_fork(struct pt_regs *regs)
{
	struct task_struct *parent = current;
	struct task_struct *child = alloc_task();
	if (!child)
		return -EAGAIN;
	child->mm = mm_copy(parent->mm);
	if (!child->mm) {
		free_task(child);
		return -ENOMEM;
	}
	memcpy(child->comm, parent->comm, TASK_COMM_LEN);
	struct thread_info *cti = task_thread_info(child), *pti = task_thread_info(parent);
	cti->flags = pti->flags & ~TIF_NOT_INHERITED;
	cti->status = pti->status;
	struct pt_regs *cregs = task_pt_regs(child);
	*cregs = *regs;
	cregs->ax = 0;                      /* fork() returns 0 in the child */
	cregs->flags &= ~X86_EFLAGS_TF;
	/* Dispositions and the mask are inherited; pending signals are not. */
	memcpy(child->sighand, parent->sighand, sizeof(child->sighand));
	child->blocked = parent->blocked;
	child->fs_base = parent->fs_base;
	fpu__copy(child, parent);
	seccomp_fork(child, parent);
	child->parent = parent;
	unsigned long flags = local_irq_save();
	list_add_tail(&child->sibling, &parent->children);
	local_irq_restore(flags);
	pid_t pid = child->pid;
	start_task(child, NULL, NULL);
	return pid;
}

SYSCALL_DEFINE(sys_fork)
{
	return do_fork(task_pt_regs(current));
}
