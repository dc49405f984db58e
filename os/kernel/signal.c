/* Signals: sending (kill, tgkill, faults, SIGCHLD), the masks and
 * dispositions (rt_sigprocmask, rt_sigaction), and delivery on the way back
 * to user mode (do_signal, called from prepare_exit_to_usermode when
 * TIF_SIGPENDING is set). The frame a handler runs on, and rt_sigreturn's
 * undoing of it, are lab 7's code (solutions/lab7/). */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/signal.h>
#include <ringside/ptrace.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <ringside/uprobes.h>
#include <ringside/context_tracking.h>
#include <ringside/sigframe.h>
#include <ringside/signal_32.h>
#include <ringside/time.h>
#include <asm/x86.h>

#define SIGNAL_NAME(sig) [sig] = #sig,
static const char *const signal_names[32] = { LINUX_SIGNAL_NAMES(SIGNAL_NAME) };
#undef SIGNAL_NAME

const char *signal_name(int sig)
{
	if (sig > 0 && sig < 32 && signal_names[sig])
		return signal_names[sig];
	return sig >= 32 && sig <= 64 ? "SIGRT" : "SIG?";
}

#define SIG_DEFAULT_IGNORE (sigmask(SIGCHLD) | sigmask(SIGURG) | sigmask(SIGWINCH) | sigmask(SIGCONT))
#define SIG_DEFAULT_STOP   (sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))

static bool sig_valid(int sig) { return sig >= 1 && sig <= 64; }

static bool sig_ignored(struct task_struct *t, int sig)
{
	unsigned long h = t->sighand[sig - 1].handler;
	if (h == SIG_IGN)
		return true;
	return h == SIG_DFL && (SIG_DEFAULT_IGNORE & sigmask(sig));
}

void recalc_sigpending(struct task_struct *t)
{
	if ((t->pending & ~t->blocked) || t->trap_stop_pending)
		set_tsk_thread_flag(t, TIF_SIGPENDING);
	else
		clear_tsk_thread_flag(t, TIF_SIGPENDING);
}

int send_signal(struct task_struct *t, int sig, const struct ksiginfo *info)
{
	unsigned long flags = local_irq_save();
	if (t->state == EXIT_ZOMBIE || t->state == EXIT_DEAD) {
		local_irq_restore(flags);
		return 0;
	}
	if (sig == SIGCONT && t->state == TASK_STOPPED) {
		t->pending &= ~SIG_DEFAULT_STOP;
		wake_up_stopped(t);
		/* The parent learns of it: wait with WCONTINUED, and SIGCHLD
		 * with CLD_CONTINUED unless it asked for SA_NOCLDSTOP. */
		t->continued = true;
		struct task_struct *p = t->parent;
		if (p) {
			wake_up_channel(p);
			if (!(p->sighand[SIGCHLD - 1].flags & SA_NOCLDSTOP)) {
				struct ksiginfo ci = { .signo = SIGCHLD, .code = CLD_CONTINUED,
						       .pid = t->pid, .status = SIGCONT };
				send_signal(p, SIGCHLD, &ci);
			}
		}
	}
	if (SIG_DEFAULT_STOP & sigmask(sig))
		t->pending &= ~sigmask(SIGCONT);
	/* An ignored signal is dropped at once, unless a tracer wants to see it. */
	/* ... but a blocked one is kept: its handler may change before it is
	 * unblocked or sigwait may take it (Linux's sig_ignored). */
	if (sig_ignored(t, sig) && !((t->blocked | t->real_blocked) & sigmask(sig)) && !(t->ptrace && sig != SIGCONT)) {
		local_irq_restore(flags);
		return 0;
	}
	t->pending |= sigmask(sig);
	if (info)
		t->siginfo[sig - 1] = *info;
	else
		t->siginfo[sig - 1] = (struct ksiginfo){ .signo = sig, .code = SI_KERNEL };
	recalc_sigpending(t);
	if (sig == SIGKILL && (t->state == TASK_STOPPED || t->state == TASK_TRACED))
		wake_up_stopped(t);
	else if (signal_pending(t) && t->state == TASK_INTERRUPTIBLE)
		wake_up_process(t);
	local_irq_restore(flags);
	return 0;
}

void force_sig_info(int sig, const struct ksiginfo *info)
{
	struct task_struct *t = current;
	struct k_sigaction *ka = &t->sighand[sig - 1];
	/* A fault the task cannot see would repeat forever: unblock it, and
	 * take back SIG_IGN, as Linux's force_sig_info does. */
	if ((t->blocked & sigmask(sig)) || ka->handler == SIG_IGN) {
		t->blocked &= ~sigmask(sig);
		if (ka->handler == SIG_IGN)
			ka->handler = SIG_DFL;
	}
	send_signal(t, sig, info);
}

void force_sig_fault(int sig, unsigned vector, unsigned long address, struct pt_regs *regs)
{
	struct ksiginfo info = { .signo = sig, .addr = address };
	(void)regs;
	switch (sig) {
	case SIGSEGV: info.code = SEGV_MAPERR; break;
	case SIGILL:  info.code = ILL_ILLOPN; info.addr = regs->ip; break;
	case SIGFPE:  info.code = FPE_INTDIV; info.addr = regs->ip; break;
	case SIGTRAP: info.code = vector == 1 ? TRAP_TRACE : TRAP_BRKPT; info.addr = regs->ip; break;
	default:      info.code = SI_KERNEL; break;
	}
	force_sig_info(sig, &info);
}

struct kernel_watch kernel_watch;

/* #DB in user mode: a single step (TF) finished an instruction. It may be a
 * uprobe stepping over its original instruction, or ptrace's single-step.
 * In kernel mode it is a step that reached the kernel, or a hit of a data
 * watchpoint (DR0-DR3) an in-kernel test set: that is counted, with the
 * rflags of the access (kernel_watch), and the kernel goes on. */
void do_debug(struct pt_regs *regs)
{
	unsigned long dr6;
	__asm__ volatile("mov %%db6, %0" : "=r"(dr6));
	__asm__ volatile("mov %0, %%db6" :: "r"(0UL));
	if (!user_mode(regs) && (dr6 & 0xf)) {
		if (!kernel_watch.hits)
			kernel_watch.first_flags = regs->flags;
		if (kernel_watch.hits < KERNEL_WATCH_LOG) {
			kernel_watch.log_ip[kernel_watch.hits] = regs->ip;
			kernel_watch.log_flags[kernel_watch.hits] = regs->flags;
		}
		kernel_watch.hits++;
		kernel_watch.last_flags = regs->flags;
		kernel_watch.last_ip = regs->ip;
		return;
	}
	if (!user_mode(regs)) {
		regs->flags &= ~X86_EFLAGS_TF;   /* a step that reached the kernel */
		return;
	}
	if (uprobe_post_step(regs))
		return;
	(void)dr6;
	force_sig_fault(SIGTRAP, 1, 0, regs);
}

/* Called with IRQs off on the way out of a syscall whose saved rflags have
 * TF (or RF): the program single-steps itself (pushf/popf) and has just
 * stepped over a syscall instruction. The hardware owes it a trap right
 * after that instruction; SYSRET would raise it, but SYSRET is never used
 * with TF set, and IRET would trap one instruction later. So queue the
 * trap as the SIGTRAP a single step gives, once: rt_sigreturn (orig_ax -1)
 * ends no step, and a ptrace single-step (TIF_SINGLESTEP) was already
 * reported by syscall_return_slowpath. Returns whether it queued one. */
bool syscall_exit_user_step(struct pt_regs *regs);
bool syscall_exit_user_step(struct pt_regs *regs)
{
	if (!(regs->flags & X86_EFLAGS_TF) || (long)regs->orig_ax < 0 ||
	    test_thread_flag(TIF_SINGLESTEP))
		return false;
	struct ksiginfo info = { .signo = SIGTRAP, .code = TRAP_TRACE, .addr = regs->ip };
	force_sig_info(SIGTRAP, &info);
	user_exit();          /* a slow exit already said "user": kernel again */
	return true;
}

/* Take the lowest-numbered deliverable signal off the pending set. */
static int dequeue_signal(struct task_struct *t, struct ksiginfo *info)
{
	u64 ready = t->pending & ~t->blocked;
	if (!ready) {
		recalc_sigpending(t);   /* a stale TIF_SIGPENDING must not loop forever */
		return 0;
	}
	int sig = __builtin_ctzl(ready) + 1;
	/* SIGKILL first: nothing else matters then. */
	if (ready & sigmask(SIGKILL))
		sig = SIGKILL;
	t->pending &= ~sigmask(sig);
	*info = t->siginfo[sig - 1];
	if (!info->signo)
		*info = (struct ksiginfo){ .signo = sig, .code = SI_KERNEL };
	recalc_sigpending(t);
	return sig;
}

/* Linux 4.3's do_notify_parent: tsk (a zombie) tells its parent of its end
 * with sig (its exit_signal, or SIGCHLD) and wakes a waiting parent.
 * Returns true when tsk must be released at once instead of staying a
 * zombie ("autoreap"): it is not traced, sig is SIGCHLD and the parent's
 * SIGCHLD action is SIG_IGN (then no signal is sent) or has SA_NOCLDWAIT
 * (the signal is still sent). A clone child whose exit_signal is not
 * SIGCHLD (or 0: nothing sent) stays a zombie whatever the parent's
 * action. (4.3's switch to SIGCHLD for a child whose parent has exec'd
 * since the clone, parent_exec_id, is not modelled.) IRQs off. */
bool do_notify_parent(struct task_struct *tsk, int sig)
{
	struct task_struct *parent = tsk->parent;
	bool autoreap = false;
	if (!parent)
		return false;
	int w = tsk->exit_code;
	/* si_signo is sig (a clone child's exit signal may be SIGUSR1); chld
	 * keeps the child layout, as 4.3's __SI_CHLD tag in si_code does. */
	struct ksiginfo info = { .signo = sig, .chld = true, .pid = tsk->pid, .status = w & 0x7f };
	if (w & 0x80)
		info.code = CLD_DUMPED;
	else if (w & 0x7f)
		info.code = CLD_KILLED;
	else {
		info.code = CLD_EXITED;
		info.status = (w >> 8) & 0xff;
	}
	struct k_sigaction *ka = &parent->sighand[SIGCHLD - 1];
	if (!tsk->ptrace && sig == SIGCHLD && (ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT))) {
		autoreap = true;
		if (ka->handler == SIG_IGN)
			sig = 0;
	}
	if (sig > 0 && sig <= _NSIG)
		send_signal(parent, sig, &info);
	wake_up_channel(parent);
	return autoreap;
}

static void do_signal_stop(int sig)
{
	struct task_struct *t = current;
	local_irq_disable();
	t->state = TASK_STOPPED;
	t->stop_code = (sig << 8) | 0x7f;
	t->stop_reported = false;
	t->continued = false;
	if (t->parent) {
		wake_up_channel(t->parent);
		if (!(t->parent->sighand[SIGCHLD - 1].flags & SA_NOCLDSTOP)) {
			struct ksiginfo ci = { .signo = SIGCHLD, .code = 5 /* CLD_STOPPED */, .pid = t->pid, .status = sig };
			send_signal(t->parent, SIGCHLD, &ci);
		}
	}
	schedule();
	local_irq_enable();
}

void handle_signal(int sig, struct k_sigaction *ka, struct ksiginfo *info, struct pt_regs *regs);
void restart_syscall_if_needed(struct pt_regs *regs);

/* ---- around the handler's frame (lab 7 builds the frame itself) ---- */

#define SS_ONSTACK  1
#define SS_DISABLE  2
#define MINSIGSTKSZ 2048

static bool on_sig_stack(struct task_struct *t, unsigned long sp)
{
	return t->sas_ss_size && sp > t->sas_ss_sp && sp - t->sas_ss_sp <= t->sas_ss_size;
}

/* Run handle_signal with what Linux's get_sigframe and sigmask_to_save add:
 * an SA_ONSTACK handler gets its frame on the alternate stack (the frame
 * still records the interrupted rsp, and uc_stack the alternate stack),
 * and after rt_sigsuspend the frame saves the mask from before the call
 * while the handler runs with the temporary one (plus sa_mask). */
static void deliver(int sig, struct k_sigaction *ka, struct ksiginfo *info, struct pt_regs *regs)
{
	struct task_struct *t = current;
	unsigned long orig_sp = regs->sp;
	bool alt = (ka->flags & SA_ONSTACK) && t->sas_ss_size && !on_sig_stack(t, orig_sp);
	u64 temporary = t->blocked;
	bool restore = t->restore_sigmask;
	unsigned long handler = ka->handler;   /* SA_RESETHAND clears ka's */

	if (restore)
		t->blocked = t->saved_sigmask;
	if (test_tsk_thread_flag(t, TIF_IA32)) {
		/* An i386 task gets an i386 frame (kernel/signal_32.c), its
		 * uc_stack as compat_save_altstack_ex writes it. */
		int ss_flags = !t->sas_ss_size ? SS_DISABLE : on_sig_stack(t, orig_sp) ? SS_ONSTACK : 0;
		ia32_handle_signal(sig, ka, info, regs, alt ? t->sas_ss_sp + t->sas_ss_size : orig_sp,
				   t->sas_ss_sp, ss_flags, t->sas_ss_size);
		goto mask;
	}
	if (alt)    /* the frame code leaves a 128-byte red zone: none on the alternate stack */
		regs->sp = t->sas_ss_sp + t->sas_ss_size + 128;
	handle_signal(sig, ka, info, regs);
	bool built = regs->ip == handler;
	if (alt && !built) {
		regs->sp = orig_sp;     /* no frame: nothing moved */
		built = false;
	}
	if (built) {
		/* uc_stack as Linux's __save_altstack writes it, also when there
		 * is no alternate stack (SS_DISABLE): rt_sigreturn reads it back. */
		struct rt_sigframe *f = (struct rt_sigframe *)regs->sp;
		struct { u64 sp; s32 flags; u32 pad; u64 size; } st = {
			t->sas_ss_sp, !t->sas_ss_size ? SS_DISABLE : on_sig_stack(t, orig_sp) ? SS_ONSTACK : 0,
			0, t->sas_ss_size };
		copy_to_user(&f->uc.uc_stack, &st, sizeof(st));
		if (t->sas_ss_size)
			copy_to_user(&f->uc.uc_mcontext.sp, &orig_sp, sizeof(orig_sp));
	}
mask:
	if (restore) {
		t->restore_sigmask = false;
		u64 added = ka->mask | ((ka->flags & SA_NODEFER) ? 0 : sigmask(sig));
		t->blocked = (temporary | added) & ~SIG_KERNEL_ONLY_MASK;
		recalc_sigpending(t);
	}
}

void do_signal(struct pt_regs *regs)
{
	struct task_struct *t = current;
	struct ksiginfo info;
	if (t->trap_stop_pending)
		ptrace_trap_stop();
	for (;;) {
		int sig = dequeue_signal(t, &info);
		if (!sig)
			break;
		/* A traced task stops at every signal but SIGKILL; the tracer
		 * decides what, if anything, is delivered. */
		if (t->ptrace && sig != SIGKILL) {
			t->resume_signal = 0;
			t->last_siginfo = info;
			ptrace_stop(sig);
			int chosen = t->resume_signal;
			t->resume_signal = 0;
			if (!sig_valid(chosen))
				continue;
			if (chosen != sig)
				info = (struct ksiginfo){ .signo = chosen, .code = SI_USER, .pid = t->tracer ? t->tracer->pid : 0 };
			else
				info = t->last_siginfo;     /* PTRACE_SETSIGINFO may have changed it */
			sig = chosen;
			if (t->blocked & sigmask(sig)) {
				send_signal(t, sig, &info);
				continue;
			}
		}
		struct k_sigaction *ka = &t->sighand[sig - 1];
		if (ka->handler == SIG_IGN)
			continue;
		if (ka->handler != SIG_DFL) {
			deliver(sig, ka, &info, regs);
			return;
		}
		if (SIG_DEFAULT_IGNORE & sigmask(sig))
			continue;
		if (SIG_DEFAULT_STOP & sigmask(sig)) {
			/* An orphaned process group does not stop for the
			 * terminal's stop signals (Linux's get_signal). */
			if (sig != SIGSTOP && pgrp_orphaned(t->pgid, NULL))
				continue;
			do_signal_stop(sig);
			continue;
		}
		do_exit_signal(sig);   /* term and core: the task dies */
	}
	/* No handler ran: a syscall interrupted only to deliver is restarted. */
	restart_syscall_if_needed(regs);
	/* One that left a restart block continues through restart_syscall
	 * (a nanosleep stopped and continued sleeps what was left). */
	if ((long)regs->orig_ax >= 0 && (long)regs->ax == -ERESTART_RESTARTBLOCK) {
		/* An i386 task's number is i386's (4.3's NR_restart_syscall tests
		 * TIF_IA32: TS_COMPAT is already cleared on this way out). */
		regs->ax = test_tsk_thread_flag(t, TIF_IA32) || (task_thread_info(t)->status & TS_COMPAT)
			   ? __NR_ia32_restart_syscall : __NR_restart_syscall;
		regs->ip -= 2;
	}
	/* rt_sigsuspend's temporary mask goes when no handler took it along. */
	if (t->restore_sigmask) {
		t->restore_sigmask = false;
		t->blocked = t->saved_sigmask;
		recalc_sigpending(t);
	}
}

void flush_signal_handlers(struct task_struct *t)
{
	for (int i = 0; i < 64; i++) {
		if (t->sighand[i].handler != SIG_IGN)
			t->sighand[i].handler = SIG_DFL;
		t->sighand[i].flags = 0;
		t->sighand[i].restorer = 0;
		t->sighand[i].mask = 0;
	}
}

/* ---- syscalls ---- */

/* The core of rt_sigaction, as Linux's do_sigaction: the old action is
 * read before the new one is installed; the callers copy from and to user
 * space around it (a bad oact still installs act, then -EFAULT, as on
 * Linux). */
static int do_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact)
{
	if (!sig_valid(sig) || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	struct k_sigaction *ka = &current->sighand[sig - 1];
	if (oact)
		*oact = *ka;
	if (act) {
		*ka = *act;
		ka->mask &= ~SIG_KERNEL_ONLY_MASK;
		if (sig_ignored(current, sig)) {     /* setting SIG_IGN discards it */
			current->pending &= ~sigmask(sig);
			recalc_sigpending(current);
		}
	}
	return 0;
}

SYSCALL_DEFINE(sys_rt_sigaction)
{
	struct k_sigaction act, old;
	if (a3 != sizeof(u64))
		return -EINVAL;
	if (a1 && copy_from_user(&act, (const void *)a1, sizeof(act)))
		return -EFAULT;
	int ret = do_sigaction((int)a0, a1 ? &act : NULL, a2 ? &old : NULL);
	if (!ret && a2 && copy_to_user((void *)a2, &old, sizeof(old)))
		return -EFAULT;
	return ret;
}

/* struct compat_sigaction of int $0x80 (Linux's include/linux/compat.h on
 * x86): handler, flags, restorer as 32-bit words, then the 64-bit mask as
 * two 32-bit halves; 20 bytes. */
struct compat_sigaction { u32 handler, flags, restorer, mask[2]; };

SYSCALL_DEFINE(compat_sys_rt_sigaction)
{
	struct compat_sigaction c;
	struct k_sigaction act, old;
	if (a3 != sizeof(u64))
		return -EINVAL;
	if (a1) {
		if (copy_from_user(&c, (const void *)a1, sizeof(c)))
			return -EFAULT;
		act = (struct k_sigaction){ c.handler, c.flags, c.restorer,
					    c.mask[0] | (u64)c.mask[1] << 32 };
	}
	int ret = do_sigaction((int)a0, a1 ? &act : NULL, a2 ? &old : NULL);
	if (!ret && a2) {
		c = (struct compat_sigaction){ (u32)old.handler, (u32)old.flags, (u32)old.restorer,
					       { (u32)old.mask, (u32)(old.mask >> 32) } };
		if (copy_to_user((void *)a2, &c, sizeof(c)))
			return -EFAULT;
	}
	return ret;
}

SYSCALL_DEFINE(sys_rt_sigprocmask)
{
	struct task_struct *t = current;
	u64 set = 0, old = t->blocked;
	if (a3 != sizeof(u64))
		return -EINVAL;
	if (a1) {
		if (copy_from_user(&set, (const void *)a1, sizeof(set)))
			return -EFAULT;
		set &= ~SIG_KERNEL_ONLY_MASK;
		switch (a0) {
		case SIG_BLOCK:   t->blocked |= set; break;
		case SIG_UNBLOCK: t->blocked &= ~set; break;
		case SIG_SETMASK: t->blocked = set; break;
		default:          return -EINVAL;
		}
		recalc_sigpending(t);
	}
	if (a2 && copy_to_user((void *)a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static int kill_one(struct task_struct *t, int sig, int code)
{
	if (!sig)
		return 0;
	/* init gets only the signals it has asked for, as on Linux. */
	if (t == init_task_ptr && t->sighand[sig - 1].handler == SIG_DFL)
		return 0;
	struct ksiginfo info = { .signo = sig, .code = code, .pid = current->pid };
	return send_signal(t, sig, &info);
}

int kill_pgrp_priv(pid_t pgrp, int sig)
{
	struct task_struct *t, *tmp;
	int found = 0;
	list_for_each_entry_safe(t, tmp, &task_list, tasks) {
		if (!t->pid || t->pgid != pgrp || t->state == EXIT_DEAD)
			continue;
		found++;
		if (t == init_task_ptr && t->sighand[sig - 1].handler == SIG_DFL)
			continue;
		struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };
		send_signal(t, sig, &info);
	}
	return found;
}

bool pgrp_orphaned(pid_t pgrp, struct task_struct *ignored)
{
	struct task_struct *t;
	list_for_each_entry(t, &task_list, tasks) {
		if (!t->pid || t->pgid != pgrp || t == ignored || t->state == EXIT_ZOMBIE ||
		    t->state == EXIT_DEAD || !t->parent || t->parent == init_task_ptr)
			continue;
		if (t->parent->pgid != pgrp && t->parent->sid == t->sid)
			return false;
	}
	return true;
}

SYSCALL_DEFINE(sys_kill)
{
	pid_t pid = (pid_t)a0;
	int sig = (int)a1;
	if (sig < 0 || sig > 64)
		return -EINVAL;
	if (pid > 0) {
		struct task_struct *t = find_task_by_pid(pid);
		if (!t)
			return -ESRCH;
		return kill_one(t, sig, SI_USER);   /* a zombie takes it (and drops it): 0 */
	}
	if (pid == -1) {                         /* everyone but init and us */
		struct task_struct *t;
		int found = 0;
		list_for_each_entry(t, &task_list, tasks) {
			if (t->pid > 1 && t != current && t->state != EXIT_DEAD) {
				kill_one(t, sig, SI_USER);
				found++;
			}
		}
		return found ? 0 : -ESRCH;
	}
	/* 0: our process group; -pgid: that group. */
	pid_t pgid = pid ? -pid : current->pgid;
	struct task_struct *t, *tmp;
	int found = 0;
	list_for_each_entry_safe(t, tmp, &task_list, tasks) {
		if (t->pid && t->pgid == pgid && t->state != EXIT_DEAD) {
			kill_one(t, sig, SI_USER);
			found++;
		}
	}
	return found ? 0 : -ESRCH;
}

/* The blocked signals waiting to be delivered. */
SYSCALL_DEFINE(sys_rt_sigpending)
{
	if (a1 > sizeof(u64))
		return -EINVAL;
	u64 set = current->pending & current->blocked;
	return copy_to_user((void *)a0, &set, a1);
}

/* tkill(tid, sig): tgkill without the thread group (musl's raise() uses it). */
SYSCALL_DEFINE(sys_tkill)
{
	pid_t tid = (pid_t)a0;
	int sig = (int)a1;
	if (tid <= 0 || sig < 0 || sig > 64)
		return -EINVAL;
	struct task_struct *t = find_task_by_pid(tid);
	if (!t)
		return -ESRCH;
	return kill_one(t, sig, SI_TKILL);
}

SYSCALL_DEFINE(sys_tgkill)
{
	pid_t tgid = (pid_t)a0, tid = (pid_t)a1;
	int sig = (int)a2;
	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > 64)
		return -EINVAL;
	struct task_struct *t = find_task_by_pid(tid);
	if (!t || t->pid != tgid)
		return -ESRCH;
	return kill_one(t, sig, SI_TKILL);
}

SYSCALL_DEFINE(sys_pause)
{
	local_irq_disable();
	while (!signal_pending(current)) {
		current->state = TASK_INTERRUPTIBLE;
		current->wait_channel = &current->pending;
		schedule();
		local_irq_disable();
	}
	local_irq_enable();
	return -ERESTARTNOHAND;
}

/* sigaltstack's core, below; rt_sigreturn uses it too. */
struct kstack { unsigned long sp; int flags; unsigned long size; };
static int do_sigaltstack(const struct kstack *ss, struct kstack *oss, unsigned long sp);

SYSCALL_DEFINE(sys_rt_sigreturn)
{
	struct pt_regs *regs = task_pt_regs(current);
	struct rt_sigframe *frame = (struct rt_sigframe *)(regs->sp - sizeof(long));
	struct { u64 sp; s32 flags; u32 pad; u64 size; } uss;
	u64 mask;
	if (restore_rt_frame(regs, &mask) ||
	    copy_from_user(&uss, &frame->uc.uc_stack, sizeof(uss))) {
		/* A frame we cannot read or will not trust: the task dies the
		 * way Linux kills it, with SIGSEGV. */
		force_sig_info(SIGSEGV, NULL);
		return 0;
	}
	current->blocked = mask & ~SIG_KERNEL_ONLY_MASK;
	recalc_sigpending(current);
	/* The alternate stack as uc_stack says (Linux's restore_altstack): a
	 * handler may change it there. Judged at the restored rsp, so nothing
	 * changes while that is on the alternate stack (-EPERM); like every
	 * refusal but -EFAULT, that one is silent. */
	struct kstack ss = { uss.sp, uss.flags, uss.size };
	do_sigaltstack(&ss, NULL, regs->sp);
	/* A non-canonical rip cannot be returned to: IRET would fault in the
	 * kernel (and SYSRET worse). Linux lets IRET fault and turns that into
	 * a user #GP at the restored registers; the same, without the fault:
	 * SIGSEGV (SI_KERNEL, as a #GP) with rip the frame's. */
	if ((unsigned long)((long)(regs->ip << 16) >> 16) != regs->ip) {
		struct ksiginfo info = { .signo = SIGSEGV, .code = SI_KERNEL };
		force_sig_info(SIGSEGV, &info);
	}
	/* The "result" of rt_sigreturn is the interrupted code's rax, which
	 * may be anything, -EFAULT included. */
	return regs->ax;
}

void restore_altstack_32(u32 ss_sp, int ss_flags, u32 ss_size, unsigned long sp)
{
	struct kstack ss = { ss_sp, ss_flags, ss_size };
	do_sigaltstack(&ss, NULL, sp);
}

/* ---- siginfo for user space: waitid, rt_sigtimedwait, PTRACE_GETSIGINFO ---- */

int copy_siginfo_to_user(void *uinfo, const struct ksiginfo *info)
{
	struct siginfo_64 si;
	memset(&si, 0, sizeof(si));
	si.si_signo = info->signo;
	si.si_errno = info->errno;
	si.si_code = info->code;
	if (info->signo == SIGSYS) {
		si.u.sys.call_addr = info->addr;
		si.u.sys.syscall = info->syscall;
		si.u.sys.arch = info->arch;
	} else if (info->chld || info->signo == SIGCHLD) {
		si.u.child.pid = info->pid;
		si.u.child.status = info->status;
	} else if (info->code == SI_USER || info->code == SI_TKILL || info->code == SI_KERNEL) {
		si.u.kill.pid = info->pid;
	} else {
		si.u.fault.addr = info->addr;
	}
	return copy_to_user(uinfo, &si, sizeof(si));
}

/* compat_siginfo of int $0x80 (Linux's arch/x86/include/asm/compat.h):
 * 128 bytes, signo, errno and code, then the union at 12 (no padding, as
 * on i386) with 32-bit pointers and clock_t. Zeroed beyond the fields, as
 * Linux (since 4.19's to_compat_siginfo) writes it. */
struct siginfo_32 {
	s32 si_signo, si_errno, si_code;
	union {
		struct { s32 pid; u32 uid; s32 status; s32 utime, stime; } child;
		struct { s32 pid; u32 uid; } kill;
		struct { u32 addr; } fault;
		struct { u32 call_addr; s32 syscall; u32 arch; } sys;
		u8 pad[128 - 12];
	} u;
};
BUILD_BUG_ON(sizeof(struct siginfo_32) != 128);

int copy_siginfo_to_user32(void *uinfo, const struct ksiginfo *info)
{
	struct siginfo_32 si;
	memset(&si, 0, sizeof(si));
	si.si_signo = info->signo;
	si.si_errno = info->errno;
	si.si_code = info->code;
	if (info->signo == SIGSYS) {
		si.u.sys.call_addr = (u32)info->addr;
		si.u.sys.syscall = info->syscall;
		si.u.sys.arch = info->arch;
	} else if (info->chld || info->signo == SIGCHLD) {
		si.u.child.pid = info->pid;
		si.u.child.status = info->status;
	} else if (info->code == SI_USER || info->code == SI_TKILL || info->code == SI_KERNEL) {
		si.u.kill.pid = info->pid;
	} else {
		si.u.fault.addr = (u32)info->addr;
	}
	return copy_to_user(uinfo, &si, sizeof(si));
}

/* ---- rt_sigsuspend, rt_sigtimedwait, sigaltstack ---- */

SYSCALL_DEFINE(sys_rt_sigsuspend)
{
	struct task_struct *t = current;
	u64 mask;
	if (a1 != sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&mask, (const void *)a0, sizeof(mask)))
		return -EFAULT;
	t->saved_sigmask = t->blocked;
	t->restore_sigmask = true;
	t->blocked = mask & ~SIG_KERNEL_ONLY_MASK;
	recalc_sigpending(t);
	local_irq_disable();
	while (!signal_pending(t)) {
		t->state = TASK_INTERRUPTIBLE;
		t->wait_channel = &t->pending;
		schedule();
		local_irq_disable();
	}
	local_irq_enable();
	return -ERESTARTNOHAND;
}

/* Take sig (one of set) off the pending set, if one is there. */
static int dequeue_from(struct task_struct *t, u64 set, struct ksiginfo *info)
{
	u64 ready = t->pending & set;
	if (!ready)
		return 0;
	int sig = __builtin_ctzl(ready) + 1;
	t->pending &= ~sigmask(sig);
	*info = t->siginfo[sig - 1];
	if (!info->signo)
		*info = (struct ksiginfo){ .signo = sig, .code = SI_USER };
	recalc_sigpending(t);
	return sig;
}

/* Wait for one of set (ts NULL: for ever); the signal, -EAGAIN when the
 * timeout passes, -EINTR when a signal outside set (and not blocked)
 * arrives first, -EINVAL for a bad timespec. As Linux's do_sigtimedwait. */
static long do_sigtimedwait(u64 set, struct ksiginfo *info, const struct timespec64 *ts)
{
	struct task_struct *t = current;
	set &= ~SIG_KERNEL_ONLY_MASK;
	if (ts && (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NSEC_PER_SEC))
		return -EINVAL;
	unsigned long deadline = ts ? ktime_get_ns() + ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec : 0;
	int sig = dequeue_from(t, set, info);
	if (!sig) {
		/* Let the awaited signals wake us while we sleep. */
		u64 real_blocked = t->blocked;
		t->real_blocked = real_blocked;
		t->blocked &= ~set;
		recalc_sigpending(t);
		for (;;) {
			local_irq_disable();
			if (signal_pending(t)) {
				local_irq_enable();
				break;
			}
			unsigned long now = ktime_get_ns();
			if (ts && now >= deadline) {
				local_irq_enable();
				break;
			}
			t->wake_at = ts ? jiffies + (deadline - now + NSEC_PER_TICK - 1) / NSEC_PER_TICK : 0;
			t->state = TASK_INTERRUPTIBLE;
			t->wait_channel = &t->pending;
			schedule();
			local_irq_enable();
		}
		t->blocked = real_blocked;
		t->real_blocked = 0;
		recalc_sigpending(t);
		sig = dequeue_from(t, set, info);
		if (!sig)
			return signal_pending(t) ? -EINTR : -EAGAIN;
	}
	return sig;
}

SYSCALL_DEFINE(sys_rt_sigtimedwait)
{
	u64 set;
	struct ksiginfo info;
	struct timespec64 ts;
	if (a3 != sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&set, (const void *)a0, sizeof(set)))
		return -EFAULT;
	if (a2 && copy_from_user(&ts, (const void *)a2, sizeof(ts)))
		return -EFAULT;
	long sig = do_sigtimedwait(set, &info, a2 ? &ts : NULL);
	if (sig > 0 && a1 && copy_siginfo_to_user((void *)a1, &info))
		return -EFAULT;
	return sig;
}

/* int $0x80: a compat_timespec (two 32-bit words) and a compat_siginfo. */
SYSCALL_DEFINE(compat_sys_rt_sigtimedwait)
{
	u64 set;
	struct ksiginfo info;
	struct timespec64 ts;
	s32 ts32[2];
	if (a3 != sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&set, (const void *)a0, sizeof(set)))
		return -EFAULT;
	if (a2) {
		if (copy_from_user(ts32, (const void *)a2, sizeof(ts32)))
			return -EFAULT;
		ts.tv_sec = ts32[0];
		ts.tv_nsec = ts32[1];
	}
	long sig = do_sigtimedwait(set, &info, a2 ? &ts : NULL);
	if (sig > 0 && a1 && copy_siginfo_to_user32((void *)a1, &info))
		return -EFAULT;
	return sig;
}

/* The core of sigaltstack, as Linux's do_sigaltstack: sp is the user stack
 * pointer that decides "running on the alternate stack" (the syscall's, or
 * for rt_sigreturn the restored one). The old setting is taken before the
 * new one is made; the callers copy it out afterwards (a bad oss pointer
 * still installs ss, then -EFAULT, as on Linux). */

static int do_sigaltstack(const struct kstack *ss, struct kstack *oss, unsigned long sp)
{
	struct task_struct *t = current;
	if (oss) {
		oss->sp = t->sas_ss_sp;
		oss->size = t->sas_ss_size;
		oss->flags = !t->sas_ss_size ? SS_DISABLE : on_sig_stack(t, sp) ? SS_ONSTACK : 0;
	}
	if (ss) {
		unsigned long ss_sp = ss->sp, ss_size = ss->size;
		if (on_sig_stack(t, sp))
			return -EPERM;          /* not while running on it */
		if (ss->flags != SS_DISABLE && ss->flags != SS_ONSTACK && ss->flags != 0)
			return -EINVAL;
		if (ss->flags == SS_DISABLE) {
			ss_size = 0;
			ss_sp = 0;
		} else if (ss_size < MINSIGSTKSZ) {
			return -ENOMEM;
		}
		t->sas_ss_sp = ss_sp;
		t->sas_ss_size = ss_size;
	}
	return 0;
}

SYSCALL_DEFINE(sys_sigaltstack)
{
	struct { u64 sp; s32 flags; u32 pad; u64 size; } u;
	struct kstack ss, old;
	if (a0) {
		if (copy_from_user(&u, (const void *)a0, sizeof(u)))
			return -EFAULT;
		ss = (struct kstack){ u.sp, u.flags, u.size };
	}
	int ret = do_sigaltstack(a0 ? &ss : NULL, &old, task_pt_regs(current)->sp);
	if (!ret && a1) {
		u = (typeof(u)){ old.sp, old.flags, 0, old.size };
		if (copy_to_user((void *)a1, &u, sizeof(u)))
			return -EFAULT;
	}
	return ret;
}

/* int $0x80: compat_stack_t, three 32-bit words (sp, flags, size). */
SYSCALL_DEFINE(compat_sys_sigaltstack)
{
	struct { u32 sp; s32 flags; u32 size; } u;
	struct kstack ss, old;
	if (a0) {
		if (copy_from_user(&u, (const void *)a0, sizeof(u)))
			return -EFAULT;
		ss = (struct kstack){ u.sp, u.flags, u.size };
	}
	int ret = do_sigaltstack(a0 ? &ss : NULL, &old, task_pt_regs(current)->sp);
	if (!ret && a1) {
		u = (typeof(u)){ (u32)old.sp, old.flags, (u32)old.size };
		if (copy_to_user((void *)a1, &u, sizeof(u)))
			return -EFAULT;
	}
	return ret;
}

/* restart_syscall: continue what the interrupted call left in restart_block. */
SYSCALL_DEFINE(sys_restart_syscall)
{
	struct restart_block *rb = &current->restart_block;
	long (*fn)(struct restart_block *) = rb->fn;
	rb->fn = NULL;
	return fn ? fn(rb) : -EINTR;
}
