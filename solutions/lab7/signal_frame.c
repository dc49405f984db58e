/* Lab 7: signal frames and rt_sigreturn.
 *
 * To run a handler, the kernel builds a struct rt_sigframe on the user stack
 * (Linux's x86-64 layout: the return address, a ucontext holding every
 * saved register and the old signal mask, then the siginfo), and points the
 * saved registers at the handler: rip = handler, rdi = signal, rsi = &info,
 * rdx = &uc, rsp = the frame. The handler's `ret` pops the return address,
 * which is sa_restorer: a stub that calls rt_sigreturn. rt_sigreturn reads
 * the frame back and restores the registers - but only what user mode may
 * set: the segment selectors stay the user ones and only the arithmetic
 * flags, DF, TF and AC come from the frame, so a forged frame cannot reach
 * ring 0.
 *
 * The x87/SSE registers travel the same way: their 512-byte image sits above
 * the frame (64-byte aligned, as Linux 4.3's fpu__alloc_mathframe puts it),
 * uc_mcontext.fpstate points at it, the handler starts from the initial FPU
 * state, and rt_sigreturn loads the image back - after the checks FXRSTOR
 * would otherwise fail in the kernel.
 *
 * A syscall interrupted by a signal is either restarted (rip moved back
 * over the 2-byte syscall instruction, rax = the number again) or returns
 * -EINTR, depending on the error it returned and on SA_RESTART.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/signal.h>
#include <ringside/sigframe.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <asm/segment.h>
#include <asm/x86.h>

/* Flags rt_sigreturn takes from the frame: CF PF AF ZF SF TF DF OF RF AC. */
#define FIX_EFLAGS (0x1UL | 0x4UL | 0x10UL | 0x40UL | 0x80UL | 0x100UL | \
		    0x400UL | 0x800UL | 0x10000UL | 0x40000UL)

static void fill_siginfo(struct siginfo_64 *si, const struct ksiginfo *info)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = info->signo;
	si->si_errno = info->errno;
	si->si_code = info->code;
	if (info->signo == SIGSYS) {
		si->u.sys.call_addr = info->addr;
		si->u.sys.syscall = info->syscall;
		si->u.sys.arch = info->arch;
	} else if (info->chld || info->signo == SIGCHLD) {
		si->u.child.pid = info->pid;
		si->u.child.status = info->status;
	} else if (info->code == SI_USER || info->code == SI_TKILL) {
		si->u.kill.pid = info->pid;
	} else {
		si->u.fault.addr = info->addr;
	}
}

int setup_rt_frame(int sig, const struct k_sigaction *ka, const struct ksiginfo *info,
		   u64 saved_mask, struct pt_regs *regs)
{
	struct rt_sigframe frame;
	struct _fpstate_64 fpstate;
	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;        /* nowhere to return to */

	/* Below the red zone (128 bytes): the FPU state on a 64-byte boundary,
	 * then the frame, aligned so that the handler starts as if called:
	 * (rsp + 8) % 16 == 0. */
	unsigned long fp = (regs->sp - 128 - sizeof(fpstate)) & ~63UL;
	unsigned long sp = fp - sizeof(frame);
	sp = (sp & ~15UL) - 8;

	fpu__copy_to_sigframe(&fpstate);
	memset(&frame, 0, sizeof(frame));
	frame.pretcode = ka->restorer;
	struct sigcontext_64 *sc = &frame.uc.uc_mcontext;
	sc->r8 = regs->r8;   sc->r9 = regs->r9;   sc->r10 = regs->r10; sc->r11 = regs->r11;
	sc->r12 = regs->r12; sc->r13 = regs->r13; sc->r14 = regs->r14; sc->r15 = regs->r15;
	sc->di = regs->di;   sc->si = regs->si;   sc->bp = regs->bp;   sc->bx = regs->bx;
	sc->dx = regs->dx;   sc->ax = regs->ax;   sc->cx = regs->cx;   sc->sp = regs->sp;
	sc->ip = regs->ip;   sc->flags = regs->flags;
	sc->cs = regs->cs;   sc->ss = regs->ss;
	sc->trapno = 0;
	sc->oldmask = saved_mask;
	sc->cr2 = info->addr;
	sc->fpstate = fp;
	frame.uc.uc_sigmask = saved_mask;
	fill_siginfo(&frame.info, info);

	if (copy_to_user((void *)fp, &fpstate, sizeof(fpstate)) ||
	    copy_to_user((void *)sp, &frame, sizeof(frame)))
		return -EFAULT;

	struct rt_sigframe *uframe = (struct rt_sigframe *)sp;
	regs->ip = ka->handler;
	regs->sp = sp;
	regs->di = sig;
	regs->si = (unsigned long)&uframe->info;
	regs->dx = (unsigned long)&uframe->uc;
	regs->ax = 0;
	regs->flags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	return 0;
}

int restore_rt_frame(struct pt_regs *regs, u64 *mask)
{
	struct rt_sigframe frame;
	struct _fpstate_64 fpstate;
	/* The handler's ret popped pretcode: the frame starts 8 bytes below. */
	if (copy_from_user(&frame, (const void *)(regs->sp - 8), sizeof(frame)))
		return -EFAULT;
	const struct sigcontext_64 *sc = &frame.uc.uc_mcontext;
	/* The FPU image, if any, with what FXRSTOR would #GP on (Linux 4.3
	 * runs FXRSTOR on the user copy and turns its fault into SIGSEGV): it
	 * must be 16-byte aligned and set no MXCSR bit the CPU lacks. */
	if (sc->fpstate) {
		if ((sc->fpstate & 15) ||
		    copy_from_user(&fpstate, (const void *)sc->fpstate, sizeof(fpstate)) ||
		    (fpstate.mxcsr & ~mxcsr_feature_mask))
			return -EFAULT;
	}
	regs->r8 = sc->r8;   regs->r9 = sc->r9;   regs->r10 = sc->r10; regs->r11 = sc->r11;
	regs->r12 = sc->r12; regs->r13 = sc->r13; regs->r14 = sc->r14; regs->r15 = sc->r15;
	regs->di = sc->di;   regs->si = sc->si;   regs->bp = sc->bp;   regs->bx = sc->bx;
	regs->dx = sc->dx;   regs->ax = sc->ax;   regs->cx = sc->cx;   regs->sp = sc->sp;
	regs->ip = sc->ip;
	regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc->flags & FIX_EFLAGS);
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->orig_ax = -1;            /* no syscall to restart any more */
	if (sc->fpstate)
		fpu__restore_from_sigframe(&fpstate);
	else
		fpu__clear(current);   /* no image: the initial state, as Linux */
	*mask = frame.uc.uc_sigmask;
	return 0;
}

/* The syscall instruction (0f 05) and int $0x80 (cd 80) are both 2 bytes. */
static void restart(struct pt_regs *regs)
{
	regs->ax = regs->orig_ax;
	regs->ip -= 2;
}

void restart_syscall_if_needed(struct pt_regs *regs)
{
	if ((long)regs->orig_ax < 0)
		return;
	switch ((long)regs->ax) {
	case -ERESTARTNOHAND:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
		restart(regs);
		break;
	}
}

void handle_signal(int sig, struct k_sigaction *ka, struct ksiginfo *info, struct pt_regs *regs)
{
	struct task_struct *t = current;
	if ((long)regs->orig_ax >= 0) {
		switch ((long)regs->ax) {
		case -ERESTART_RESTARTBLOCK:
		case -ERESTARTNOHAND:
			regs->ax = -EINTR;
			break;
		case -ERESTARTSYS:
			if (!(ka->flags & SA_RESTART)) {
				regs->ax = -EINTR;
				break;
			}
			restart(regs);
			break;
		case -ERESTARTNOINTR:
			restart(regs);
			break;
		}
	}
	if (setup_rt_frame(sig, ka, info, t->blocked, regs)) {
		force_sig_info(SIGSEGV, NULL);
		return;
	}
	fpu__clear(t);                 /* the handler starts from a clean FPU */
	t->blocked |= ka->mask;
	if (!(ka->flags & SA_NODEFER))
		t->blocked |= sigmask(sig);
	t->blocked &= ~SIG_KERNEL_ONLY_MASK;
	if (ka->flags & SA_RESETHAND)
		ka->handler = SIG_DFL;
	recalc_sigpending(t);
}
