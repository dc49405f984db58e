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
#include <ringside/console.h>
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

/* A vfork child that execs or exits lets its parent go on. */
void vfork_release(struct task_struct *t)
{
	struct task_struct *p = t->vfork_parent;
	if (!p)
		return;
	t->vfork_parent = NULL;
	wake_up_channel(&p->vfork_parent);
}

static bool has_stopped_jobs(pid_t pgrp)
{
	struct task_struct *p;
	list_for_each_entry(p, &task_list, tasks)
		if (p->pid && p->pgid == pgrp && p->state == TASK_STOPPED)
			return true;
	return false;
}

/* Linux's kill_orphaned_pgrp: when an exit (parent NULL: tsk is leaving)
 * or a reparenting (tsk a child of parent, the one leaving) cuts a
 * process group's last link to another group of its session and the group
 * has stopped members, it gets SIGHUP and SIGCONT (POSIX 3.2.2.2). */
static void kill_orphaned_pgrp(struct task_struct *tsk, struct task_struct *parent)
{
	struct task_struct *ignored = NULL;
	if (!parent) {
		parent = tsk->parent;
		ignored = tsk;
	}
	if (parent && parent->pgid != tsk->pgid && parent->sid == tsk->sid &&
	    pgrp_orphaned(tsk->pgid, ignored) && has_stopped_jobs(tsk->pgid)) {
		kill_pgrp_priv(tsk->pgid, SIGHUP);
		kill_pgrp_priv(tsk->pgid, SIGCONT);
	}
}

/* Linux's find_new_reaper: the nearest ancestor that asked for
 * PR_SET_CHILD_SUBREAPER and is not exiting itself, else init. */
static struct task_struct *find_new_reaper(struct task_struct *father)
{
	for (struct task_struct *r = father->parent; r && r != init_task_ptr; r = r->parent)
		if (r->child_subreaper && r->state != EXIT_ZOMBIE && r->state != EXIT_DEAD)
			return r;
	return init_task_ptr;
}

/* Linux's forget_original_parent and reparent_leader: every child moves to
 * the new reaper, gets its PR_SET_PDEATHSIG signal (from us, SI_USER), and
 * exits with SIGCHLD from now on whatever clone asked; one that is already
 * a zombie is announced to the reaper (SIGCHLD, as do_notify_parent does),
 * unless traced. Then its group may have become orphaned. Called with IRQs
 * off. */
static void forget_original_parent(struct task_struct *father)
{
	struct task_struct *reaper = find_new_reaper(father), *child, *tmp;
	list_for_each_entry_safe(child, tmp, &father->children, sibling) {
		list_del_init(&child->sibling);
		child->parent = reaper;
		list_add_tail(&child->sibling, &reaper->children);
		if (child->pdeath_signal) {
			struct ksiginfo info = { .signo = child->pdeath_signal, .code = SI_USER, .pid = father->pid };
			send_signal(child, child->pdeath_signal, &info);
		}
		if (child->state == EXIT_DEAD)
			continue;
		child->exit_signal = SIGCHLD;
		bool autoreap = false;
		if (!child->ptrace && child->state == EXIT_ZOMBIE)
			autoreap = do_notify_parent(child, SIGCHLD);
		kill_orphaned_pgrp(child, father);
		if (autoreap) {
			/* The reaper ignores SIGCHLD: the zombie goes at once. */
			child->state = EXIT_DEAD;
			free_task(child);
		}
	}
}

/* A session leader that exits takes its controlling terminal with it: the
 * foreground group gets SIGHUP and SIGCONT (as Linux 4.3's
 * disassociate_ctty does for a pty; a serial line's hang-up of the open
 * files is not modelled) and no one in the session keeps the terminal. */
static void disassociate_ctty(struct task_struct *t)
{
	struct task_struct *p;
	if (!t->has_tty || t->sid != t->pid || tty_session != t->sid)
		return;
	if (tty_pgrp) {
		kill_pgrp_priv(tty_pgrp, SIGHUP);
		kill_pgrp_priv(tty_pgrp, SIGCONT);
	}
	tty_session = tty_pgrp = 0;
	list_for_each_entry(p, &task_list, tasks)
		if (p->sid == t->sid)
			p->has_tty = false;
}

/* status_word is the wait4 encoding: (code << 8) for exit, sig for a signal. */
static void __noreturn exit_with_status(int status_word)
{
	struct task_struct *t = current;
	if (t == init_task_ptr) {
		if (!console_quiet)
			printk(KERN_INFO "init exited with status %#x: powering off\n", status_word);
		power_off(status_word);
	}
	/* PTRACE_O_TRACEEXIT: the tracer sees the task before anything is gone. */
	if (t->ptrace && (t->ptrace_options & PTRACE_O_TRACEEXIT))
		ptrace_event(PTRACE_EVENT_EXIT, status_word);
	void exit_clear_child_tid(struct task_struct *t);
	exit_clear_child_tid(t);
	vfork_release(t);
	/* Leave the address space before freeing it. */
	struct mm_struct *mm = t->mm;
	t->mm = NULL;
	switch_mm(NULL);
	if (mm)
		mm_put(mm);

	files_close_all(t);
	cwd_set(t, NULL);
	exit_ptrace(t);
	seccomp_release(t);
	unsigned long flags = local_irq_save();
	disassociate_ctty(t);
	forget_original_parent(t);
	kill_orphaned_pgrp(t, NULL);
	t->exit_code = status_word;
	t->state = EXIT_ZOMBIE;
	/* A task traced by someone other than its parent reports its exit to
	 * the tracer first; the parent hears of it when the tracer has waited
	 * (or gone). */
	if (t->ptrace && t->tracer && t->tracer != t->parent) {
		struct ksiginfo info = { .signo = SIGCHLD, .pid = t->pid,
					 .code = (status_word & 0x7f) ? CLD_KILLED : CLD_EXITED,
					 .status = (status_word & 0x7f) ? (status_word & 0x7f) : (status_word >> 8) & 0xff };
		send_signal(t->tracer, SIGCHLD, &info);
		wake_up_channel(t->tracer);
	} else if (do_notify_parent(t, t->exit_signal)) {
		/* Linux 4.3's exit_notify: the parent ignores SIGCHLD (SIG_IGN
		 * or SA_NOCLDWAIT), so no zombie is left: the task is released
		 * now (its parent's wait no longer sees it, ECHILD when it was
		 * the last) and schedule() frees it once we are off its stack. */
		t->state = EXIT_DEAD;
		list_del_init(&t->sibling);
		list_del_init(&t->tasks);
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

#define WNOHANG    0x00000001
#define WUNTRACED  0x00000002
#define WSTOPPED   WUNTRACED
#define WEXITED    0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT    0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL     0x40000000
#define __WCLONE   0x80000000
#define P_ALL  0
#define P_PID  1
#define P_PGID 2

/* What a wait found: the wait4 status word and the waitid siginfo. */
struct wait_result {
	pid_t pid;
	int status_word;
	int code;       /* CLD_* */
	int status;     /* exit code or signal */
};

static bool wait_matches(struct task_struct *p, int which, pid_t id)
{
	switch (which) {
	case P_PID:  return p->pid == id;
	case P_PGID: return p->pgid == id;
	default:     return true;
	}
}

/* Linux's eligible_child for processes: a "clone" child is one that
 * reports its end with a signal other than SIGCHLD (clone's CSIGNAL).
 * Without __WALL, __WCLONE waits for clone children only and its absence
 * for the others only; a child that sees no match does not count (ECHILD if
 * none does). A tracer waits for its tracees whatever the flags (since
 * Linux 4.7; 4.3 applied the rule to them too). __WNOTHREAD changes
 * nothing with one thread per process. */
static bool wait_eligible(struct task_struct *me, struct task_struct *p, int options)
{
	if ((p->ptrace && p->tracer == me) || (options & __WALL))
		return true;
	return (p->exit_signal != SIGCHLD) == !!(options & __WCLONE);
}

/* May this waiter report p now? Fills r and returns true if so; consumes
 * the event (reaps a zombie) unless WNOWAIT. Called with IRQs off. */
static bool wait_consider(struct task_struct *me, struct task_struct *p, int options,
			  struct wait_result *r)
{
	bool tracing = p->ptrace && p->tracer == me;
	bool nowait = options & WNOWAIT;
	if (p->state == EXIT_ZOMBIE) {
		if (!(options & WEXITED))
			return false;
		if (p->ptrace && p->tracer && p->tracer != me)
			return false;        /* its tracer sees the exit first */
		int w = p->exit_code;
		*r = (struct wait_result){ p->pid, w, (w & 0x7f) ? ((w & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED,
					   (w & 0x7f) ? (w & 0x7f) : (w >> 8) & 0xff };
		if (nowait)
			return true;
		if (p->parent != me) {
			/* We traced it but it is not ours: detach, tell the parent. */
			p->ptrace = 0;
			p->tracer = NULL;
			if (do_notify_parent(p, p->exit_signal)) {
				/* Its parent ignores SIGCHLD (4.3's wait_task_zombie). */
				p->state = EXIT_DEAD;
				free_task(p);
			}
			return true;
		}
		me->cutime += p->utime + p->cutime;
		me->cstime += p->stime + p->cstime;
		p->state = EXIT_DEAD;
		free_task(p);
		return true;
	}
	if (p->state == TASK_TRACED && tracing && !p->stop_reported) {
		int code = p->stop_code >> 8;
		*r = (struct wait_result){ p->pid, p->stop_code, CLD_TRAPPED, code };
		if (!nowait)
			p->stop_reported = true;
		return true;
	}
	if (p->parent != me)
		return false;
	if (p->state == TASK_STOPPED && !p->stop_reported && (options & WSTOPPED)) {
		*r = (struct wait_result){ p->pid, p->stop_code, CLD_STOPPED, (p->stop_code >> 8) & 0xff };
		if (!nowait)
			p->stop_reported = true;
		return true;
	}
	if (p->continued && (options & WCONTINUED)) {
		*r = (struct wait_result){ p->pid, 0xffff, CLD_CONTINUED, SIGCONT };
		if (!nowait)
			p->continued = false;
		return true;
	}
	return false;
}

/* The heart of wait4 and waitid: 1 and *r when something was reported, 0
 * for WNOHANG with nothing to report, or -ECHILD / -ERESTARTSYS. */
static long do_wait(int which, pid_t id, int options, struct wait_result *r)
{
	struct task_struct *me = current, *p, *tmp;
	for (;;) {
		bool any = false;
		local_irq_disable();
		list_for_each_entry_safe(p, tmp, &me->children, sibling) {
			if (!wait_matches(p, which, id) || !wait_eligible(me, p, options))
				continue;
			any = true;
			if (wait_consider(me, p, options, r)) {
				local_irq_enable();
				return 1;
			}
		}
		/* Tasks we trace that are not our children (attached at fork). */
		list_for_each_entry_safe(p, tmp, &task_list, tasks) {
			if (!p->ptrace || p->tracer != me || p->parent == me || !wait_matches(p, which, id))
				continue;
			any = true;
			if (wait_consider(me, p, options, r)) {
				local_irq_enable();
				return 1;
			}
		}
		if (!any) {
			local_irq_enable();
			return -ECHILD;
		}
		if (options & WNOHANG) {
			local_irq_enable();
			return 0;
		}
		if (signal_pending(me)) {
			local_irq_enable();
			return -ERESTARTSYS;
		}
		me->state = TASK_INTERRUPTIBLE;
		me->wait_channel = me;
		schedule();
	}
}

long do_wait4(pid_t pid, int *ustatus, int options, void *urusage, size_t rusage_size)
{
	struct wait_result r;
	int which = P_PID;
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == -1) {
		which = P_ALL;
	} else if (pid <= 0) {
		which = P_PGID;
		pid = pid ? -pid : current->pgid;
	}
	long ret = do_wait(which, pid, options | WEXITED, &r);
	if (ret <= 0)
		return ret;
	if (ustatus && put_user(r.status_word, ustatus))
		return -EFAULT;
	if (urusage && clear_user(urusage, rusage_size))
		return -EFAULT;
	return r.pid;
}

/* waitid(idtype, id, infop, options, rusage): Linux's siginfo answer; 0 on
 * success, also for WNOHANG with nothing to report (then the siginfo's
 * signo, code, pid, uid and status read 0). */
static long do_waitid(int which, pid_t id, void *uinfo, int options, void *urusage, bool compat)
{
	struct wait_result r;
	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (which) {
	case P_ALL:
		break;
	case P_PID:
	case P_PGID:
		if (id <= 0)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	long ret = do_wait(which, id, options, &r);
	if (ret < 0)
		return ret;
	struct ksiginfo info = { 0 };
	if (ret > 0)
		info = (struct ksiginfo){ .signo = SIGCHLD, .code = r.code, .pid = r.pid, .status = r.status };
	if (uinfo && (compat ? copy_siginfo_to_user32(uinfo, &info) : copy_siginfo_to_user(uinfo, &info)))
		return -EFAULT;
	if (urusage && clear_user(urusage, compat ? 72 : 144))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(sys_waitid)
{
	return do_waitid((int)a0, (pid_t)a1, (void *)a2, (int)a3, (void *)a4, false);
}

/* int $0x80: a compat_siginfo (union at 12) and a 72-byte compat_rusage. */
SYSCALL_DEFINE(compat_sys_waitid)
{
	return do_waitid((int)a0, (pid_t)a1, (void *)a2, (int)a3, (void *)a4, true);
}

/* i386 waitpid(pid, status, options): wait4 without the rusage. */
SYSCALL_DEFINE(sys_waitpid)
{
	return do_wait4((pid_t)a0, (int *)a1, (int)a2, NULL, 0);
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
