/* fork(), vfork() and clone() for processes: a new task with a copy of the
 * parent's address space and of its saved user registers; the child sees 0
 * where the parent sees its pid. A traced parent that asked for it
 * (PTRACE_O_TRACEFORK, TRACEVFORK, TRACECLONE) stops at a fork event and
 * its child starts attached to the same tracer. Threads (CLONE_VM without
 * CLONE_VFORK, CLONE_THREAD, CLONE_SIGHAND, CLONE_FILES...) are not here. */
/* (A vfork child shares the parent's mm: mm->users counts both.) */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/mm.h>
#include <ringside/fs.h>
#include <ringside/errno.h>
#include <ringside/syscalls.h>
#include <ringside/seccomp.h>
#include <ringside/ptrace.h>
#include <ringside/signal.h>
#include <ringside/uaccess.h>
#include <ringside/tls.h>
#include <asm/x86.h>

void start_task(struct task_struct *t, void (*fn)(void *), void *arg);

/* Flags a child does not inherit: pending work belongs to the parent. */
#define TIF_NOT_INHERITED (_TIF_SIGPENDING | _TIF_NEED_RESCHED | _TIF_NOTIFY_RESUME | \
			   _TIF_SINGLESTEP | _TIF_SYSCALL_TRACE | _TIF_SYSCALL_EMU | \
			   _TIF_UPROBE | _TIF_USER_RETURN_NOTIFY | _TIF_FORCED_TF)

#define CSIGNAL              0x000000ff
#define CLONE_VM             0x00000100
#define CLONE_PTRACE         0x00002000
#define CLONE_VFORK          0x00004000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_UNTRACED       0x00800000
#define CLONE_CHILD_SETTID   0x01000000
#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_PTRACE | CLONE_VFORK | CLONE_SETTLS | \
			 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | \
			 CLONE_UNTRACED | CLONE_CHILD_SETTID)

struct clone_args {
	unsigned long flags, newsp, parent_tid, child_tid, tls;
};

void vfork_release(struct task_struct *t);

static long copy_and_start(struct pt_regs *regs, const struct clone_args *ca)
{
	struct task_struct *parent = current;
	struct task_struct *child = alloc_task();
	if (!child)
		return -EAGAIN;
	/* CLONE_VM (with CLONE_VFORK only): the child borrows the parent's
	 * memory while the parent waits; otherwise it gets a copy. */
	if (ca->flags & CLONE_VM) {
		child->mm = parent->mm;
		child->mm->users++;
	} else {
		child->mm = mm_copy(parent->mm);
	}
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
	if (ca->newsp)
		cregs->sp = ca->newsp;
	child->exit_signal = ca->flags & CSIGNAL;
	/* Dispositions and the mask are inherited; pending signals are not. */
	memcpy(child->sighand, parent->sighand, sizeof(child->sighand));
	child->blocked = parent->blocked;
	child->sas_ss_sp = parent->sas_ss_sp;
	child->sas_ss_size = parent->sas_ss_size;
	child->gs_base = parent->gs_base;
	/* CLONE_SETTLS (copy_thread_tls in Linux 4.3): from an i386 call
	 * (TS_COMPAT, so int $0x80 from a 64-bit task too) tls points at a
	 * struct user_desc for the child's set_thread_area, no allocation;
	 * otherwise it is the child's FS base. */
	copy_tls(child, parent);
	child->fs_base = parent->fs_base;
	if ((ca->flags & CLONE_SETTLS) && (current_thread_info()->status & TS_COMPAT)) {
		long err = do_set_thread_area(child, -1, ca->tls, false);
		if (err) {
			mm_put(child->mm);
			free_task(child);
			return err;
		}
	} else if (ca->flags & CLONE_SETTLS) {
		child->fs_base = ca->tls;
	}
	if (ca->flags & CLONE_CHILD_SETTID) {
		u32 tid = child->pid;
		copy_to_mm(child->mm, ca->child_tid, &tid, sizeof(tid));   /* a bad address is ignored */
	}
	if (ca->flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = ca->child_tid;
	memcpy(child->rlim, parent->rlim, sizeof(child->rlim));
	child->pgid = parent->pgid;
	child->umask = parent->umask;
	child->files = files_copy(parent->files);
	if (!child->files) {
		mm_put(child->mm);
		free_task(child);
		return -ENOMEM;
	}
	cwd_set(child, parent->cwd);
	child->sid = parent->sid;
	child->has_tty = parent->has_tty;
	fpu__copy(child, parent);
	seccomp_fork(child, parent);
	child->parent = parent;
	int event = ca->flags & CLONE_VFORK ? PTRACE_EVENT_VFORK :
		    (ca->flags & CSIGNAL) != SIGCHLD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK;
	event = ca->flags & CLONE_UNTRACED ? 0 : ptrace_init_child(child, event);
	if (ca->flags & CLONE_VFORK)
		child->vfork_parent = parent;
	unsigned long flags = local_irq_save();
	list_add_tail(&child->sibling, &parent->children);
	local_irq_restore(flags);
	pid_t pid = child->pid;
	if (ca->flags & CLONE_PARENT_SETTID)
		put_user((u32)pid, (u32 *)ca->parent_tid);
	start_task(child, NULL, NULL);
	if (event)
		ptrace_event(event, pid);
	if (ca->flags & CLONE_VFORK) {
		/* The parent waits until the child has exec'd or exited. */
		while (child->vfork_parent == parent && !fatal_signal_pending(parent)) {
			local_irq_disable();
			if (child->vfork_parent == parent) {
				parent->state = TASK_INTERRUPTIBLE;
				parent->wait_channel = &parent->vfork_parent;
				schedule();
			}
			local_irq_enable();
		}
		if (parent->ptrace && (parent->ptrace_options & PTRACE_O_TRACEVFORKDONE))
			ptrace_event(PTRACE_EVENT_VFORK_DONE, pid);
	}
	return pid;
}

long do_fork(struct pt_regs *regs)
{
	struct clone_args ca = { .flags = SIGCHLD };
	return copy_and_start(regs, &ca);
}

SYSCALL_DEFINE(sys_fork)
{
	return do_fork(task_pt_regs(current));
}

/* vfork: the child runs in the parent's memory, on its stack, until it
 * execs or exits; the parent waits until then. */
SYSCALL_DEFINE(sys_vfork)
{
	struct clone_args ca = { .flags = CLONE_VFORK | CLONE_VM | SIGCHLD };
	return copy_and_start(task_pt_regs(current), &ca);
}

/* clone(flags, newsp, parent_tid, child_tid, tls), x86-64 argument order.
 * A process, not a thread: CLONE_VM only with CLONE_VFORK (posix_spawn's
 * way), so that two tasks never run in one address space at once;
 * anything else is -EINVAL. */
SYSCALL_DEFINE(sys_clone)
{
	struct clone_args ca = { a0, a1, a2, a3, a4 };
	if (ca.flags & ~(unsigned long)CLONE_SUPPORTED)
		return -EINVAL;
	if ((ca.flags & CLONE_VM) && !(ca.flags & CLONE_VFORK))
		return -EINVAL;
	return copy_and_start(task_pt_regs(current), &ca);
}

/* i386 clone(flags, newsp, parent_tid, tls, child_tid): tls before
 * child_tid (Linux's CLONE_BACKWARDS order). There CLONE_SETTLS names a
 * struct user_desc (copy_and_start hands it to do_set_thread_area). */
SYSCALL_DEFINE(compat_sys_clone)
{
	return sys_clone(a0, a1, a2, a4, a3, 0);
}
