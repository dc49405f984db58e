/* Signal frames of i386 tasks (TIF_IA32), as Linux 4.3's
 * arch/x86/ia32/ia32_signal.c builds them: struct sigframe_ia32 for a
 * handler without SA_SIGINFO, struct rt_sigframe_ia32 with it, each with
 * the 32-bit sigcontext and a struct _fpstate_ia32 (the 112-byte FSAVE
 * header, then FXSAVE's 512-byte image) above it; sigreturn (119) and
 * rt_sigreturn (173) read them back. A 64-bit task keeps its 64-bit frame
 * (lab 7), also for a handler installed through int $0x80, as in 4.3.
 *
 * On the stack, from high to low addresses (4.3's get_sigframe and
 * fpu__alloc_mathframe):
 *   the interrupted esp (no red zone in the i386 ABI), or the alternate
 *   stack's top for an SA_ONSTACK handler
 *   the FXSAVE image, at a 64-byte boundary
 *   the 112-byte FSAVE header just below it: sc.fpstate points here
 *   the frame, placed so that the handler starts as if called:
 *   (esp + 4) % 16 == 0 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/signal.h>
#include <ringside/sigframe.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <ringside/signal_32.h>
#include <ringside/tls.h>
#include <asm/segment.h>
#include <asm/desc.h>
#include <asm/fpu.h>
#include <asm/x86.h>

/* struct sigcontext_ia32 (4.3's uapi sigcontext32.h), 88 bytes. */
struct sigcontext_32 {
	u16 gs, gsh, fs, fsh, es, esh, ds, dsh;
	u32 di, si, bp, sp, bx, dx, cx, ax;
	u32 trapno, err, ip;
	u16 cs, csh;
	u32 flags, sp_at_signal;
	u16 ss, ssh;
	u32 fpstate;                  /* &the frame's struct _fpstate_32; 0: none */
	u32 oldmask, cr2;
};

/* struct _fpstate_ia32: the FSAVE environment and registers (Linux's
 * struct user_i387_ia32_struct, 108 bytes), status and magic (0: FXSR data
 * follows, X86_FXSR_MAGIC), then FXSAVE's image as fpu__copy_to_sigframe
 * writes it (its last 48 bytes, sw_reserved, zero without XSAVE). */
struct _fpstate_32 {
	u32 cw, sw, tag, ipoff, cssel, dataoff, datasel;
	u8 st[8][10];
	u16 status, magic;
	u8 fx[512];                   /* struct _fpstate_64's bytes (4-byte aligned here) */
};

struct compat_stack { u32 ss_sp; s32 ss_flags; u32 ss_size; };

struct ucontext_32 {
	u32 uc_flags, uc_link;
	struct compat_stack uc_stack;
	struct sigcontext_32 uc_mcontext;
	u32 uc_sigmask[2];
};

struct siginfo_32_bytes { u8 b[128]; };   /* copy_siginfo_to_user32 fills it */

struct sigframe_32 {
	u32 pretcode;                 /* the handler returns here */
	s32 sig;
	struct sigcontext_32 sc;
	struct _fpstate_32 fpstate_unused;   /* kept so extramask stays where it was */
	u32 extramask[1];             /* the mask's upper half */
	u8 retcode[8];
};

struct rt_sigframe_32 {
	u32 pretcode;
	s32 sig;
	u32 pinfo, puc;
	struct siginfo_32_bytes info;
	struct ucontext_32 uc;
	u8 retcode[8];
};

BUILD_BUG_ON(sizeof(struct sigcontext_32) != 88);
BUILD_BUG_ON(offsetof(struct _fpstate_32, status) != 108);
BUILD_BUG_ON(offsetof(struct _fpstate_32, fx) != 112);
BUILD_BUG_ON(sizeof(struct _fpstate_32) != 624);
BUILD_BUG_ON(sizeof(struct ucontext_32) != 116);
BUILD_BUG_ON(offsetof(struct sigframe_32, extramask) != 720);
BUILD_BUG_ON(sizeof(struct sigframe_32) != 732);
BUILD_BUG_ON(offsetof(struct rt_sigframe_32, uc) != 144);
BUILD_BUG_ON(sizeof(struct rt_sigframe_32) != 268);

#define __NR_ia32_sigreturn    119
#define __NR_ia32_rt_sigreturn 173

/* The flags sigreturn takes from the frame (4.3's FIX_EFLAGS). */
#define FIX_EFLAGS (0x1UL | 0x4UL | 0x10UL | 0x40UL | 0x80UL | 0x100UL | \
		    0x400UL | 0x800UL | 0x10000UL | 0x40000UL)

/* The x87 tag word in FSAVE's full form (4.3's twd_fxsr_to_i387): two
 * bits per physical register, from FXSAVE's abridged bits and the value. */
static u32 twd_fxsr_to_i387(const struct fxregs_state *fx)
{
	u32 tos = (fx->swd >> 11) & 7, twd = fx->twd, ret = 0xffff0000u;
	for (int i = 0; i < 8; i++, twd >>= 1) {
		u32 tag = 3;                                     /* empty */
		if (twd & 1) {
			const u16 *st = (const u16 *)((const u8 *)fx->st_space + ((i - tos) & 7) * 16);
			u16 exp = st[4] & 0x7fff;
			if (exp == 0x7fff)
				tag = 2;                                 /* special */
			else if (exp == 0)
				tag = (st[0] | st[1] | st[2] | st[3]) ? 2 : 1;   /* zero */
			else
				tag = (st[3] & 0x8000) ? 0 : 2;          /* valid */
		}
		ret |= tag << (2 * i);
	}
	return ret;
}

/* ...and back to the abridged form (twd_i387_to_fxsr). */
static u16 twd_i387_to_fxsr(u16 twd)
{
	u32 tmp = ~twd;
	tmp = (tmp | (tmp >> 1)) & 0x5555;
	tmp = (tmp | (tmp >> 1)) & 0x3333;
	tmp = (tmp | (tmp >> 2)) & 0x0f0f;
	tmp = (tmp | (tmp >> 4)) & 0x00ff;
	return tmp;
}

/* copy_fpstate_to_sigframe for an ia32 frame: FXSAVE's image, then the
 * FSAVE header made from it (convert_from_fxsr; in 64-bit mode the x87
 * selectors are not saved: fcs is the task's cs, fos its ds). */
static void fill_fpstate(struct _fpstate_32 *fp, const struct pt_regs *regs)
{
	struct _fpstate_64 image;
	fpu__copy_to_sigframe(&image);       /* saves current's registers too */
	memcpy(fp->fx, &image, sizeof(image));
	const struct fxregs_state *fx = &current->fpu.state;
	u16 ds;
	__asm__ volatile("movw %%ds, %0" : "=r"(ds));
	fp->cw = fx->cwd | 0xffff0000u;
	fp->sw = fx->swd | 0xffff0000u;
	fp->tag = twd_fxsr_to_i387(fx);
	fp->ipoff = (u32)fx->rip;
	fp->cssel = (u32)regs->cs;
	fp->dataoff = (u32)fx->rdp;
	fp->datasel = ds | 0xffff0000u;
	for (int i = 0; i < 8; i++)
		memcpy(fp->st[i], (const u8 *)fx->st_space + i * 16, 10);
	fp->status = fx->swd;
	fp->magic = 0;                       /* X86_FXSR_MAGIC */
}

static void fill_sigcontext(struct sigcontext_32 *sc, u32 fpstate, const struct pt_regs *regs,
			    u32 mask, const struct ksiginfo *info)
{
	u16 gs, fs, es, ds;
	__asm__ volatile("movw %%gs, %0" : "=r"(gs));
	__asm__ volatile("movw %%fs, %0" : "=r"(fs));
	__asm__ volatile("movw %%es, %0" : "=r"(es));
	__asm__ volatile("movw %%ds, %0" : "=r"(ds));
	memset(sc, 0, sizeof(*sc));
	sc->gs = gs; sc->fs = fs; sc->es = es; sc->ds = ds;
	sc->di = regs->di; sc->si = regs->si; sc->bp = regs->bp; sc->sp = regs->sp;
	sc->bx = regs->bx; sc->dx = regs->dx; sc->cx = regs->cx; sc->ax = regs->ax;
	sc->ip = regs->ip;
	sc->cs = regs->cs;
	sc->flags = regs->flags;
	sc->sp_at_signal = regs->sp;
	sc->ss = regs->ss;
	sc->fpstate = fpstate;
	sc->oldmask = mask;
	sc->cr2 = info->addr;
}

/* get_sigframe: the FPU image below sp, the frame below that. */
static unsigned long frame_below(unsigned long sp, unsigned long size, unsigned long *fpstate)
{
	unsigned long fx = (sp - sizeof(struct _fpstate_64)) & ~63UL;
	*fpstate = fx - offsetof(struct _fpstate_32, fx);
	sp = *fpstate - size;
	return ((sp + 4) & ~15UL) - 4;
}

static int setup_frame_32(int sig, const struct k_sigaction *ka, const struct ksiginfo *info,
			  u64 mask, struct pt_regs *regs, unsigned long sp)
{
	struct sigframe_32 frame;
	struct _fpstate_32 fp;
	unsigned long fpaddr, at = frame_below(sp, sizeof(frame), &fpaddr);
	static const u8 code[8] = { 0x58, 0xb8, __NR_ia32_sigreturn, 0, 0, 0, 0xcd, 0x80 };
	if (at >= 0x100000000UL)
		return -EFAULT;
	memset(&frame, 0, sizeof(frame));
	fill_fpstate(&fp, regs);
	frame.sig = sig;
	fill_sigcontext(&frame.sc, fpaddr, regs, (u32)mask, info);
	frame.extramask[0] = mask >> 32;
	memcpy(frame.retcode, code, sizeof(code));   /* popl %eax; movl $119,%eax; int $0x80 */
	frame.pretcode = ka->flags & SA_RESTORER ? (u32)ka->restorer
			 : (u32)(at + offsetof(struct sigframe_32, retcode));
	if (copy_to_user((void *)fpaddr, &fp, sizeof(fp)) ||
	    copy_to_user((void *)at, &frame, sizeof(frame)))
		return -EFAULT;
	regs->sp = at;
	regs->ip = (u32)ka->handler;
	regs->ax = sig;                      /* -mregparm=3 */
	regs->dx = 0;
	regs->cx = 0;
	return 0;
}

static int setup_rt_frame_32(int sig, const struct k_sigaction *ka, const struct ksiginfo *info,
			     u64 mask, struct pt_regs *regs, unsigned long sp,
			     const struct compat_stack *ss)
{
	struct rt_sigframe_32 frame;
	struct _fpstate_32 fp;
	unsigned long fpaddr, at = frame_below(sp, sizeof(frame), &fpaddr);
	static const u8 code[8] = { 0xb8, __NR_ia32_rt_sigreturn, 0, 0, 0, 0xcd, 0x80, 0 };
	if (at >= 0x100000000UL)
		return -EFAULT;
	memset(&frame, 0, sizeof(frame));
	fill_fpstate(&fp, regs);
	frame.sig = sig;
	frame.pinfo = at + offsetof(struct rt_sigframe_32, info);
	frame.puc = at + offsetof(struct rt_sigframe_32, uc);
	frame.uc.uc_stack = *ss;
	fill_sigcontext(&frame.uc.uc_mcontext, fpaddr, regs, (u32)mask, info);
	frame.uc.uc_sigmask[0] = (u32)mask;
	frame.uc.uc_sigmask[1] = mask >> 32;
	memcpy(frame.retcode, code, sizeof(code));   /* movl $173,%eax; int $0x80 */
	frame.pretcode = ka->flags & SA_RESTORER ? (u32)ka->restorer
			 : (u32)(at + offsetof(struct rt_sigframe_32, retcode));
	if (copy_to_user((void *)fpaddr, &fp, sizeof(fp)) ||
	    copy_to_user((void *)at, &frame, sizeof(frame)) ||
	    copy_siginfo_to_user32((void *)(unsigned long)frame.pinfo, info))
		return -EFAULT;
	regs->sp = at;
	regs->ip = (u32)ka->handler;
	regs->ax = sig;                      /* -mregparm=3 */
	regs->dx = frame.pinfo;
	regs->cx = frame.puc;
	return 0;
}

/* handle_signal for an i386 task: the syscall-restart rules (int $0x80 is
 * 2 bytes, like syscall), the frame at sp, then what Linux's
 * handle_signal does after it: DF, RF and TF cleared, the initial FPU
 * state, the handler's mask. */
void ia32_handle_signal(int sig, struct k_sigaction *ka, const struct ksiginfo *info,
			struct pt_regs *regs, unsigned long sp, u32 ss_sp, int ss_flags, u32 ss_size)
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
			/* fall through */
		case -ERESTARTNOINTR:
			regs->ax = regs->orig_ax;
			regs->ip -= 2;
			break;
		}
	}
	struct compat_stack ss = { ss_sp, ss_flags, ss_size };
	int err = ka->flags & SA_SIGINFO ? setup_rt_frame_32(sig, ka, info, t->blocked, regs, sp, &ss)
					 : setup_frame_32(sig, ka, info, t->blocked, regs, sp);
	if (err) {
		force_sig_info(SIGSEGV, NULL);
		return;
	}
	regs->cs = __USER32_CS;
	regs->ss = __USER_DS;
	load_user_data_segments(t);          /* ds, es: __USER32_DS (== __USER_DS) */
	regs->flags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
	fpu__clear(t);
	t->blocked |= ka->mask;
	if (!(ka->flags & SA_NODEFER))
		t->blocked |= sigmask(sig);
	t->blocked &= ~SIG_KERNEL_ONLY_MASK;
	if (ka->flags & SA_RESETHAND)
		ka->handler = SIG_DFL;
	recalc_sigpending(t);
}

/* A selector sigreturn may load into fs or gs: null, or a GDT entry user
 * mode can load (the user segments, a TLS entry that is present). Linux
 * loads the frame's value and, when the load faults, 0 (its exception
 * fixup); the same result without the fault. */
static u16 loadable_selector(u16 sel)
{
	unsigned idx = sel >> 3;
	if (idx == 0 || (sel & 4))
		return idx == 0 ? sel : 0;
	if (idx == GDT_ENTRY_USER32_CS || idx == GDT_ENTRY_USER_DS || idx == GDT_ENTRY_USER_CS)
		return sel;
	if (idx >= GDT_ENTRY_TLS_MIN && idx <= GDT_ENTRY_TLS_MAX &&
	    (current->tls_array[idx - GDT_ENTRY_TLS_MIN] & (1UL << 47)))
		return sel;
	return 0;
}

/* ia32_restore_sigcontext: fs and gs reloaded if the frame changed them,
 * the eight 32-bit registers (r8-r15 untouched), cs and ss at CPL 3, the
 * flags user mode may set, then the FPU image (fpu__restore_sig for an
 * ia32 frame: FXSAVE's image with the x87 part taken from the FSAVE
 * header, MXCSR masked to what the CPU accepts). */
static int restore_sigcontext_32(struct pt_regs *regs, const struct sigcontext_32 *sc)
{
	struct task_struct *t = current;
	t->restart_block.fn = NULL;          /* a pending restart returns -EINTR */
	u16 cs = sc->cs | 3, ss = sc->ss | 3;
	/* IRET to anything else would fault in the kernel; Linux turns that
	 * fault into SIGSEGV: the same, before it. */
	if ((cs != __USER32_CS && cs != __USER_CS) || ss != __USER_DS)
		return -EFAULT;
	u16 cur;
	__asm__ volatile("movw %%gs, %0" : "=r"(cur));
	if ((u16)(sc->gs | 3) != cur)
		load_gs_index(loadable_selector(sc->gs | 3));
	__asm__ volatile("movw %%fs, %0" : "=r"(cur));
	if ((u16)(sc->fs | 3) != cur) {
		u16 fs = loadable_selector(sc->fs | 3);
		__asm__ volatile("movw %0, %%fs" :: "r"(fs) : "memory");
		fs_base_forget();
	}
	regs->di = sc->di; regs->si = sc->si; regs->bp = sc->bp; regs->sp = sc->sp;
	regs->bx = sc->bx; regs->dx = sc->dx; regs->cx = sc->cx; regs->ip = sc->ip;
	regs->ax = sc->ax;
	regs->cs = cs;
	regs->ss = ss;
	regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc->flags & FIX_EFLAGS);
	regs->orig_ax = -1;                  /* no syscall to restart any more */
	if (!sc->fpstate) {
		fpu__clear(t);
		return 0;
	}
	struct _fpstate_32 fp;
	if (copy_from_user(&fp, (const void *)(unsigned long)sc->fpstate, sizeof(fp))) {
		fpu__clear(t);
		return -EFAULT;
	}
	struct fxregs_state *fx = &t->fpu.state;
	memcpy(fx, &fp.fx, sizeof(*fx));
	fx->mxcsr &= mxcsr_feature_mask;
	fx->cwd = fp.cw;
	fx->swd = fp.sw;
	fx->twd = twd_i387_to_fxsr(fp.tag);
	fx->fop = fp.cssel >> 16;
	fx->rip = fp.ipoff;
	fx->rdp = fp.dataoff;
	for (int i = 0; i < 8; i++)
		memcpy((u8 *)fx->st_space + i * 16, fp.st[i], 10);
	fpu__restore(t);
	return 0;
}

static void set_blocked(u64 mask)
{
	current->blocked = mask & ~SIG_KERNEL_ONLY_MASK;
	recalc_sigpending(current);
}

/* sigreturn: the handler's ret popped pretcode and the return code's
 * popl %eax the signal number: the frame starts 8 bytes below esp. */
SYSCALL_DEFINE(sys32_sigreturn)
{
	struct pt_regs *regs = task_pt_regs(current);
	unsigned long at = (u32)(regs->sp - 8);
	struct sigframe_32 frame;
	if (copy_from_user(&frame, (const void *)at, sizeof(frame)))
		goto badframe;
	set_blocked(frame.sc.oldmask | (u64)frame.extramask[0] << 32);
	if (restore_sigcontext_32(regs, &frame.sc))
		goto badframe;
	return regs->ax;
badframe:
	force_sig_info(SIGSEGV, NULL);
	return 0;
}

/* rt_sigreturn: the frame starts 4 bytes below esp (pretcode popped); the
 * alternate stack comes back from uc_stack too. */
SYSCALL_DEFINE(sys32_rt_sigreturn)
{
	struct pt_regs *regs = task_pt_regs(current);
	unsigned long at = (u32)(regs->sp - 4);
	struct rt_sigframe_32 frame;
	if (copy_from_user(&frame, (const void *)at, sizeof(frame)))
		goto badframe;
	set_blocked(frame.uc.uc_sigmask[0] | (u64)frame.uc.uc_sigmask[1] << 32);
	if (restore_sigcontext_32(regs, &frame.uc.uc_mcontext))
		goto badframe;
	restore_altstack_32(frame.uc.uc_stack.ss_sp, frame.uc.uc_stack.ss_flags,
			    frame.uc.uc_stack.ss_size, regs->sp);
	return regs->ax;
badframe:
	force_sig_info(SIGSEGV, NULL);
	return 0;
}
