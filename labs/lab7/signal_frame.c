/* Lab 7: signal frames, rt_sigreturn and syscall restarts - your code.
 *
 * do_signal() (os/kernel/signal.c) runs on the way back to user mode (lab 4's
 * loop, TIF_SIGPENDING). It dequeues one signal and, when the task has a
 * handler for it, calls handle_signal(). If no handler runs, it calls
 * restart_syscall_if_needed(). The rt_sigreturn syscall calls
 * restore_rt_frame() and installs the mask it returns.
 *
 * The frame is Linux's x86-64 one, so that the libc's sigaction, siginfo_t
 * and ucontext_t (os/user/include/sys/sigaction.h) read it unchanged. The
 * structures below are that ABI: use them as they are.
 *
 * Read docs/labs/lab7.md first.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/signal.h>
#include <ringside/sigframe.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <asm/segment.h>
#include <asm/x86.h>

/* setup_rt_frame: build the frame for a handler of sig on the user stack
 * and point the registers at the handler. Return 0, or -EFAULT when it
 * cannot be done (the registers are then left as they were).
 *  - No SA_RESTORER in ka->flags: nowhere to return to, -EFAULT.
 *  - Where (Linux 4.3's get_sigframe): below regs->sp minus the 128-byte red
 *    zone, first the FPU state, a struct _fpstate_64 (512 bytes) starting on
 *    a 64-byte boundary; below it the whole struct rt_sigframe, placed so
 *    that the handler starts as if `call`ed it: (frame address + 8) % 16 == 0.
 *  - What: pretcode = ka->restorer; uc.uc_mcontext = every register of regs
 *    (r8..r15, di si bp bx dx ax cx sp ip flags, cs, ss), oldmask and
 *    uc.uc_sigmask = saved_mask, cr2 = info->addr, fpstate = the user
 *    address of the FPU state, the rest 0; info = the siginfo: signo, errno,
 *    code, then by kind - SIGSYS: call_addr = info->addr, syscall, arch;
 *    a child's end or stop (info->chld, set whatever the signal is, or
 *    SIGCHLD): pid, status; sent by a task (SI_USER, SI_TKILL): pid;
 *    anything else (faults): addr. The FPU state: fpu__copy_to_sigframe()
 *    fills a local struct _fpstate_64 with the task's x87/SSE registers.
 *  - Write the FPU state and the frame with copy_to_user(); a failure is
 *    -EFAULT.
 *  - Then: rip = ka->handler, rsp = the frame, rdi = sig, rsi = &frame->info,
 *    rdx = &frame->uc, rax = 0, DF, RF and TF cleared from rflags,
 *    cs = __USER_CS, ss = __USER_DS. */
int setup_rt_frame(int sig, const struct k_sigaction *ka, const struct ksiginfo *info,
		   u64 saved_mask, struct pt_regs *regs)
{
	/* TODO */
	(void)sig;
	(void)ka;
	(void)info;
	(void)saved_mask;
	(void)regs;
	return -EFAULT;
}

/* restore_rt_frame: the kernel half of rt_sigreturn. The handler's `ret`
 * popped pretcode, so the frame starts at regs->sp - 8. Read it with
 * copy_from_user (-EFAULT on failure), then trust only what user mode could
 * set itself:
 *  - the FPU state at uc_mcontext.fpstate, unless that is 0: FXRSTOR, which
 *    loads it, faults on an address that is not 16-byte aligned and on an
 *    MXCSR with a bit outside mxcsr_feature_mask; Linux turns such a fault
 *    into SIGSEGV. So: a misaligned fpstate, one copy_from_user cannot read
 *    (512 bytes), or a reserved MXCSR bit in it: refuse the frame (-EFAULT);
 *  - restore r8..r15, di si bp bx dx ax cx sp ip (a bad rip is not refused
 *    here: rt_sigreturn itself sends SIGSEGV for a non-canonical one);
 *  - from the saved rflags take only CF PF AF ZF SF TF DF OF RF AC; every
 *    other bit (IF, IOPL...) stays as it is in regs;
 *  - cs and ss become the user selectors whatever the frame says;
 *  - orig_ax = -1: the interrupted call must not be restarted again;
 *  - the FPU: fpu__restore_from_sigframe(&the checked copy), or, when
 *    fpstate is 0, fpu__clear(current) (the initial state, as Linux);
 *  - *mask = the saved uc_sigmask.
 * Return 0, or -EFAULT for a frame that cannot be read or is refused; a
 * refused frame leaves regs and the FPU untouched. (rt_sigreturn then
 * returns the restored rax, whatever it is.) */
int restore_rt_frame(struct pt_regs *regs, u64 *mask)
{
	/* TODO */
	(void)regs;
	(void)mask;
	return -EFAULT;
}

/* restart_syscall_if_needed: a signal interrupted a syscall (orig_ax >= 0)
 * and no handler ran. If the call returned -ERESTARTSYS, -ERESTARTNOHAND or
 * -ERESTARTNOINTR, make it run again: rax = orig_ax and rip back over the
 * 2-byte syscall (or int $0x80) instruction. */
void restart_syscall_if_needed(struct pt_regs *regs)
{
	/* TODO */
	(void)regs;
}

/* handle_signal: run the handler ka of sig.
 *  1. If a syscall was interrupted (orig_ax >= 0), decide from its result:
 *       -ERESTART_RESTARTBLOCK, -ERESTARTNOHAND   fail with -EINTR;
 *       -ERESTARTSYS    restart if ka has SA_RESTART, else -EINTR;
 *       -ERESTARTNOINTR always restart (as above: rax and rip).
 *  2. setup_rt_frame(sig, ka, info, current->blocked, regs); on failure
 *     force_sig_info(SIGSEGV, NULL) and return. On success the handler
 *     must start from the initial FPU state: fpu__clear(current).
 *  3. Block ka->mask and, unless SA_NODEFER, sig itself; SIGKILL and SIGSTOP
 *     can never be blocked. SA_RESETHAND: the disposition goes back to
 *     SIG_DFL. Then recalc_sigpending(current). */
void handle_signal(int sig, struct k_sigaction *ka, struct ksiginfo *info, struct pt_regs *regs)
{
	/* TODO */
	(void)sig;
	(void)ka;
	(void)info;
	(void)regs;
}
