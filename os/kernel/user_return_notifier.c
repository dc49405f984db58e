/* User-return notifiers: kernel code that must run once before the current
 * task next enters user mode, and not on every return (Linux's KVM uses it
 * to restore host MSRs lazily). Ringside's real user is arch_prctl: the FS
 * base (user-space thread-local storage) is written to MSR_FS_BASE only when
 * a task that has one goes back to user mode, not on every context switch. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/task_work.h>
#include <ringside/percpu.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <asm/x86.h>
#include <ringside/tls.h>

/* As in Linux, the notifiers are per CPU: they fire on the CPU's next
 * return to user mode, whichever task makes it. TIF_USER_RETURN_NOTIFY marks
 * the current task, and moves to the next task at a context switch. */
static struct user_return_notifier *armed;

void user_return_notifier_register(struct user_return_notifier *urn)
{
	unsigned long flags = local_irq_save();
	for (struct user_return_notifier *n = armed; n; n = n->next)
		if (n == urn) {
			local_irq_restore(flags);
			return;           /* already armed */
		}
	urn->next = armed;
	armed = urn;
	set_thread_flag(TIF_USER_RETURN_NOTIFY);
	local_irq_restore(flags);
}

void fire_user_return_notifiers(void)
{
	unsigned long flags = local_irq_save();
	struct user_return_notifier *n = armed;
	armed = NULL;
	clear_thread_flag(TIF_USER_RETURN_NOTIFY);
	local_irq_restore(flags);
	while (n) {
		struct user_return_notifier *next = n->next;
		n->on_user_return(n);
		cpu_data.stats.user_return_notifiers++;
		n = next;
	}
}

/* The FS base last written to the MSR, to skip writes that change nothing. */
static unsigned long loaded_fs_base;

/* A selector load into fs (a 32-bit task's TLS, arch/tls.c) also loaded
 * MSR_FS_BASE: what it holds is not known any more. */
void fs_base_forget(void)
{
	loaded_fs_base = ~0UL;
}

static void load_fs_base(struct user_return_notifier *urn)
{
	(void)urn;
	u16 fs;
	__asm__ volatile("movw %%fs, %0" : "=r"(fs));
	if (fs)
		return;           /* the base is the selector's descriptor's */
	if (loaded_fs_base != current->fs_base) {
		wrmsr(MSR_FS_BASE, current->fs_base);
		loaded_fs_base = current->fs_base;
	}
}

static struct user_return_notifier fs_base_notifier = { .on_user_return = load_fs_base };

/* Called by switch_to() with the task about to run: carry an armed
 * notifier over to it, and arm the FS reload if the MSR holds another
 * task's value. Runs with IRQs off. */
void user_return_switch(struct task_struct *prev, struct task_struct *next)
{
	if (test_tsk_thread_flag(prev, TIF_USER_RETURN_NOTIFY)) {
		clear_tsk_thread_flag(prev, TIF_USER_RETURN_NOTIFY);
		set_tsk_thread_flag(next, TIF_USER_RETURN_NOTIFY);
	}
	if (next->mm && next->fs_base != loaded_fs_base) {
		bool found = false;
		for (struct user_return_notifier *n = armed; n; n = n->next)
			found |= n == &fs_base_notifier;
		if (!found) {
			fs_base_notifier.next = armed;
			armed = &fs_base_notifier;
		}
		set_tsk_thread_flag(next, TIF_USER_RETURN_NOTIFY);
	}
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

SYSCALL_DEFINE(sys_arch_prctl)
{
	struct task_struct *t = current;
	switch (a0) {
	case ARCH_SET_FS:
		if (a1 >= TASK_SIZE_MAX)
			return -EPERM;
		t->fs_base = a1;
		user_return_notifier_register(&fs_base_notifier);
		return 0;
	case ARCH_GET_FS:
		return put_user(t->fs_base, (unsigned long *)a1);
	case ARCH_SET_GS:
		/* In the kernel, after swapgs, the user's GS base is the one
		 * in MSR_KERNEL_GS_BASE; switch_to() puts each task's there. */
		if (a1 >= TASK_SIZE_MAX)
			return -EPERM;
		t->gs_base = a1;
		wrmsr(MSR_KERNEL_GS_BASE, a1);
		return 0;
	case ARCH_GET_GS:
		return put_user(t->gs_base, (unsigned long *)a1);
	default:
		return -EINVAL;
	}
}
