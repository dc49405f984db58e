/* Ending a task (exit, exit_group, a fatal signal) and reaping it (wait4).
 * A dead task stays a zombie, holding its exit status, until its parent
 * waits for it; orphans are handed to init. When init itself exits, the
 * machine powers off with init's status: that is how `make run` and the
 * tests report their verdict to the host. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/mm.h>
#include <ringside/fs.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <ringside/signal.h>
#include <ringside/exitcode.h>
#include <ringside/ptrace.h>
#include <ringside/seccomp.h>
#include <asm/x86.h>

static void __noreturn power_off(int status_word)
{
	int code;
	if ((status_word & 0x7f) == 0)
		code = EXITCODE_STATUS((status_word >> 8) & 0xff);
	else
		code = EXITCODE_SIGNAL(status_word & 0x7f);
	local_irq_disable();
	outl(DEBUG_EXIT_PORT, code);
	for (;;)
		halt();
}

/* status_word is the wait4 encoding: (code << 8) for exit, sig for a signal. */
static void __noreturn exit_with_status(int status_word)
{
	struct task_struct *t = current, *child, *tmp;
	if (t == init_task_ptr) {
		if (!console_quiet)
			printk(KERN_INFO "init exited with status %#x: powering off\n", status_word);
		power_off(status_word);
	}
	void exit_clear_child_tid(struct task_struct *t);
	exit_clear_child_tid(t);
	/* Leave the address space before freeing it. */
	struct mm_struct *mm = t->mm;
	t->mm = NULL;
	switch_mm(NULL);
	if (mm)
		mm_destroy(mm);

	files_close_all(t);
	cwd_set(t, NULL);
	exit_ptrace(t);
	seccomp_release(t);
	unsigned long flags = local_irq_save();
	bool zombies_for_init = false;
	list_for_each_entry_safe(child, tmp, &t->children, sibling) {
		list_del_init(&child->sibling);
		child->parent = init_task_ptr;
		list_add_tail(&child->sibling, &init_task_ptr->children);
		if (child->state == EXIT_ZOMBIE)
			zombies_for_init = true;
	}
	if (zombies_for_init)
		wake_up_channel(init_task_ptr);
	t->exit_code = status_word;
	t->state = EXIT_ZOMBIE;
	if (t->parent) {
		struct ksiginfo info = { .signo = SIGCHLD, .pid = t->pid,
					 .code = (status_word & 0x7f) ? CLD_KILLED : CLD_EXITED,
					 .status = (status_word & 0x7f) ? (status_word & 0x7f) : (status_word >> 8) & 0xff };
		send_signal(t->parent, SIGCHLD, &info);
		wake_up_channel(t->parent);
	}
	local_irq_restore(flags);
	schedule();
	panic("a zombie was scheduled");
}

void __noreturn do_exit(int code)
{
	exit_with_status((code & 0xff) << 8);
}

void __noreturn do_exit_signal(int sig)
{
	exit_with_status(sig & 0x7f);
}

SYSCALL_DEFINE(sys_exit)
{
	do_exit((int)a0);
}

/* One thread per process, so exit_group is exit. */
SYSCALL_DEFINE(sys_exit_group)
{
	do_exit((int)a0);
}

#define WNOHANG 1
#define WUNTRACED 2

/* pid > 0: that child; -1: any; 0: any in our process group; < -1: any in group -pid. */
static bool wait_matches(struct task_struct *child, pid_t pid)
{
	if (pid > 0)
		return child->pid == pid;
	if (pid == -1)
		return true;
	return child->pgid == (pid ? -pid : current->pgid);
}

long do_wait4(pid_t pid, int *ustatus, int options, void *urusage, size_t rusage_size)
{
	struct task_struct *t = current, *child;
	if (options & ~(WNOHANG | 0x2 | 0x4 | 0x8 | 0x40000000 | 0x80000000 | 0x20000000))
		return -EINVAL;
	for (;;) {
		bool any = false;
		struct task_struct *zombie = NULL;
		local_irq_disable();
		list_for_each_entry(child, &t->children, sibling) {
			if (!wait_matches(child, pid))
				continue;
			any = true;
			if (child->state == EXIT_ZOMBIE) {
				zombie = child;
				break;
			}
			/* A stop not yet reported: a traced child's always, an
			 * untraced child's with WUNTRACED. */
			if (!child->stop_reported &&
			    ((child->state == TASK_TRACED && child->ptrace) ||
			     (child->state == TASK_STOPPED && (options & WUNTRACED)))) {
				child->stop_reported = true;
				int code = child->stop_code;
				pid_t cpid = child->pid;
				local_irq_enable();
				if (ustatus && put_user(code, ustatus))
					return -EFAULT;
				return cpid;
			}
		}
		if (!any) {
			local_irq_enable();
			return -ECHILD;
		}
		if (zombie) {
			local_irq_enable();
			if (ustatus && put_user(zombie->exit_code, ustatus))
				return -EFAULT;
			if (urusage && clear_user(urusage, rusage_size))
				return -EFAULT;
			pid_t reaped = zombie->pid;
			t->cutime += zombie->utime + zombie->cutime;
			t->cstime += zombie->stime + zombie->cstime;
			zombie->state = EXIT_DEAD;
			free_task(zombie);
			return reaped;
		}
		if (options & WNOHANG) {
			local_irq_enable();
			return 0;
		}
		if (signal_pending(t)) {
			local_irq_enable();
			return -ERESTARTSYS;
		}
		t->state = TASK_INTERRUPTIBLE;
		t->wait_channel = t;
		schedule();
	}
}

SYSCALL_DEFINE(sys_wait4)
{
	return do_wait4((pid_t)a0, (int *)a1, (int)a2, (void *)a3, 144);
}

SYSCALL_DEFINE(compat_sys_wait4)
{
	return do_wait4((pid_t)a0, (int *)(unsigned long)(u32)a1, (int)a2,
			(void *)(unsigned long)(u32)a3, 72);
}
