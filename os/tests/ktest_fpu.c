/* In-kernel tests of kernel/fpu.c: the control registers boot leaves, the
 * SIGFPE code of each x87 and SSE exception (QEMU's TCG never raises #XM,
 * so the SSE half can only be checked here), and #NM's recovery. */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include <ringside/sched.h>
#include <ringside/signal.h>
#include <asm/fpu.h>
#include <asm/x86.h>

KTEST(fpu_control_registers)
{
	unsigned long cr0 = read_cr0(), cr4 = read_cr4();
	KEXPECT((cr0 & (X86_CR0_MP | X86_CR0_NE)) == (X86_CR0_MP | X86_CR0_NE), "CR0 %#lx: MP and NE set", cr0);
	KEXPECT(!(cr0 & (X86_CR0_EM | X86_CR0_TS)), "CR0 %#lx: EM and TS clear", cr0);
	KEXPECT((cr4 & (X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)) == (X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT),
		"CR4 %#lx: OSFXSR and OSXMMEXCPT set", cr4);
	KEXPECT(mxcsr_feature_mask & 0xffbf, "MXCSR mask %#x", mxcsr_feature_mask);
}

KTEST(fpu_initial_state_is_linux)
{
	struct fxregs_state fx;
	memset(&fx, 0xaa, sizeof(fx));
	fpu__init_state(&fx);
	KEXPECT(fx.cwd == 0x37f && fx.mxcsr == 0x1f80, "cwd %#x mxcsr %#x", fx.cwd, fx.mxcsr);
	KEXPECT(fx.swd == 0 && fx.twd == 0 && fx.st_space[0] == 0 && fx.xmm_space[63] == 0, "the rest 0");
}

KTEST(fpu_exception_code)
{
	struct fxregs_state fx;
	fpu__init_state(&fx);
	/* SSE (#XM, 19): flags in MXCSR bits 0-5, masks in bits 7-12. */
	static const struct { u32 mxcsr; int code; } sse[] = {
		{ (0x1f80 & ~0x080 & ~0x200) | 0x01 | 0x04, FPE_FLTINV },   /* IE beats ZE */
		{ (0x1f80 & ~0x200) | 0x04, FPE_FLTDIV },
		{ (0x1f80 & ~0x400) | 0x08, FPE_FLTOVF },
		{ (0x1f80 & ~0x800) | 0x10, FPE_FLTUND },
		{ (0x1f80 & ~0x100) | 0x02, FPE_FLTUND },                 /* denormal */
		{ (0x1f80 & ~0x1000) | 0x20, FPE_FLTRES },
		{ 0x1f80 | 0x04, 0 },                                      /* masked: spurious */
	};
	for (unsigned i = 0; i < ARRAY_SIZE(sse); i++) {
		fx.mxcsr = sse[i].mxcsr;
		int code = fpu__exception_code(&fx, 19);
		KEXPECT(code == sse[i].code, "#XM with MXCSR %#x: si_code %d, want %d", sse[i].mxcsr, code,
			sse[i].code);
	}
	/* x87 (#MF, 16): flags in the status word, masks in the control word. */
	fx.cwd = 0x37f & ~0x04;
	fx.swd = 0x04 | 0x80;
	KEXPECT(fpu__exception_code(&fx, 16) == FPE_FLTDIV, "x87 zero divide: %d", fpu__exception_code(&fx, 16));
	fx.cwd = 0x37f;
	KEXPECT(fpu__exception_code(&fx, 16) == 0, "masked x87 zero divide: spurious");
	fx.cwd = 0x37f & ~0x01;
	fx.swd = 0x01 | 0x40;
	KEXPECT(fpu__exception_code(&fx, 16) == FPE_FLTINV, "x87 stack fault: %d", fpu__exception_code(&fx, 16));
}

KTEST(fpu_device_not_available_recovers)
{
	struct pt_regs regs;
	memset(&regs, 0, sizeof(regs));
	unsigned long flags = local_irq_save();
	write_cr0(read_cr0() | X86_CR0_TS);
	fpu__device_not_available(&regs);
	unsigned long cr0 = read_cr0();
	write_cr0(cr0 & ~X86_CR0_TS);
	local_irq_restore(flags);
	KEXPECT(!(cr0 & X86_CR0_TS), "#NM must clear CR0.TS so that the instruction can be retried");
	KEXPECT(!signal_pending(current), "#NM must not reach the task as a signal");
}
