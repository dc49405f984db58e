/* The FPU and SSE registers of user tasks, as Linux 4.3 handles them on a CPU
 * with FXSR and eager switching (arch/x86/kernel/fpu/: init.c, core.c,
 * signal.c; traps.c's math_error).
 *
 * The kernel never uses these registers itself (-mgeneral-regs-only), so at
 * any moment in the kernel the CPU holds the current task's user values.
 * That makes the rules short:
 *  - a context switch saves the outgoing user task's registers into its
 *    area and loads the incoming one's (eager: no #NM tricks, and nothing at
 *    all on the syscall path);
 *  - code that reads current's state saves it first (fpu__save); code that
 *    changes it writes the area and loads it (fpu__restore);
 *  - another task's state (ptrace) is simply its area: it is not running. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/signal.h>
#include <ringside/sigframe.h>
#include <asm/fpu.h>
#include <asm/x86.h>

u32 mxcsr_feature_mask = 0xffbf;

/* The 64-bit forms: they save the full 64-bit x87 instruction and data
 * pointers (Linux uses fxsaveq/fxrstorq on x86-64). */
static inline void fxsave(struct fxregs_state *fx) { __asm__ volatile("fxsaveq %0" : "=m"(*fx)); }
static inline void fxrstor(const struct fxregs_state *fx) { __asm__ volatile("fxrstorq %0" :: "m"(*fx)); }

/* Boot (Linux's fpu__init_cpu_generic, with CR0 as head_64.S's CR0_STATE
 * leaves it): MP and NE set, EM and TS clear, so x87/SSE instructions run
 * and report errors as #MF/#XM; CR4.OSFXSR and OSXMMEXCPT enable SSE. */
void fpu__init_cpu(void)
{
	u32 a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & (1 << 24)) || !(d & (1 << 25)))
		panic("the CPU has no FXSR or SSE (every x86-64 CPU has both)");
	write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE) & ~(X86_CR0_EM | X86_CR0_TS));
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");

	/* Linux's mxcsr_feature_mask_init: FXSAVE reports the MXCSR bits the
	 * CPU implements; 0 means the original SSE set (all but DAZ). */
	static struct fxregs_state probe;
	memset(&probe, 0, sizeof(probe));
	fxsave(&probe);
	if (probe.mxcsr_mask)
		mxcsr_feature_mask = probe.mxcsr_mask;
}

void fpu__init_state(struct fxregs_state *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->cwd = FPU_INIT_CWD;
	fx->mxcsr = MXCSR_DEFAULT;
}

void fpu__save(struct task_struct *t)
{
	fxsave(&t->fpu.state);
}

void fpu__restore(struct task_struct *t)
{
	fxrstor(&t->fpu.state);
}

/* Called from switch_to() with IRQs off. Only user tasks (those with an mm)
 * own registers: the idle task and kernel threads never touch them, so
 * what they leave in the CPU is still the last user task's. */
void fpu__switch(struct task_struct *prev, struct task_struct *next)
{
	if (prev->mm)
		fxsave(&prev->fpu.state);
	if (next->mm)
		fxrstor(&next->fpu.state);
}

/* fork: the child starts with the parent's registers as they are now. */
void fpu__copy(struct task_struct *child, struct task_struct *parent)
{
	if (parent == current)
		fxsave(&child->fpu.state);
	else
		child->fpu.state = parent->fpu.state;
}

/* execve, and a signal handler's start: Linux's initial state. */
void fpu__clear(struct task_struct *t)
{
	fpu__init_state(&t->fpu.state);
	if (t == current)
		fxrstor(&t->fpu.state);
}

/* The frame's image is FXSAVE's, byte for byte. */
BUILD_BUG_ON(sizeof(struct _fpstate_64) != sizeof(struct fxregs_state));
BUILD_BUG_ON(offsetof(struct _fpstate_64, xmm_space) != offsetof(struct fxregs_state, xmm_space));
BUILD_BUG_ON(offsetof(struct _fpstate_64, reserved3) != offsetof(struct fxregs_state, sw_reserved));

void fpu__copy_to_sigframe(struct _fpstate_64 *fp)
{
	struct fxregs_state *fx = &current->fpu.state;
	fxsave(fx);
	memcpy(fp, fx, sizeof(*fp));
	/* FXSAVE does not write bytes 464-511; without XSAVE Linux puts no
	 * magic there. Zero them rather than pass on old bytes. */
	memset(fp->reserved2, 0, sizeof(fp->reserved2));
	memset(fp->reserved3, 0, sizeof(fp->reserved3));
}

void fpu__restore_from_sigframe(const struct _fpstate_64 *fp)
{
	struct fxregs_state *fx = &current->fpu.state;
	memcpy(fx, fp, sizeof(*fx));
	fx->mxcsr &= mxcsr_feature_mask;   /* never a #GP in the kernel */
	fxrstor(fx);
}

/* Which exception an #MF or #XM reports (Linux's fpu__exception_code): the
 * raised flags that are not masked, lowest first in Linux's order; 0 when
 * none is (a spurious trap: the instruction is simply retried). */
int fpu__exception_code(const struct fxregs_state *fx, unsigned vector)
{
	unsigned err;
	if (vector == 16)
		err = fx->swd & ~fx->cwd;
	else
		err = ~(fx->mxcsr >> 7) & fx->mxcsr;
	if (err & 0x001)
		return FPE_FLTINV;   /* invalid operation (x87: stack fault too) */
	if (err & 0x004)
		return FPE_FLTDIV;   /* divide by zero */
	if (err & 0x008)
		return FPE_FLTOVF;   /* overflow */
	if (err & 0x012)
		return FPE_FLTUND;   /* denormal operand, underflow */
	if (err & 0x020)
		return FPE_FLTRES;   /* precision (inexact result) */
	return 0;
}

/* #MF: an x87 error, reported at the next x87 instruction; #XM: an SSE
 * error, at the faulting instruction. si_addr is the saved rip either way,
 * as in Linux's math_error. */
void fpu__math_error(struct pt_regs *regs, unsigned vector)
{
	struct task_struct *t = current;
	fpu__save(t);
	int code = fpu__exception_code(&t->fpu.state, vector);
	if (!code)
		return;
	struct ksiginfo info = { .signo = SIGFPE, .code = code, .addr = regs->ip };
	force_sig_info(SIGFPE, &info);
}

/* #NM: CR0.TS is never set, so this cannot come from user code; if it
 * does (something set TS), clear it and retry, as Linux's
 * do_device_not_available does: user space never sees it. Switching is
 * eager, so the registers in the CPU are already current's. */
void fpu__device_not_available(struct pt_regs *regs)
{
	(void)regs;
	__asm__ volatile("clts");
}
