/* The x86-64 signal frame as Linux lays it out on the user stack
 * (arch/x86/include/uapi/asm/sigcontext.h, ucontext.h, siginfo.h): what a
 * handler finds at its rsp, and what rt_sigreturn reads back. Lab 7 builds
 * and reads it; the layout itself is the ABI and is fixed here.
 *
 * On the stack, from high to low addresses (Linux 4.3's get_sigframe):
 *   the interrupted code's rsp
 *   128 bytes of red zone, left alone
 *   struct _fpstate_64, at a 64-byte boundary (fpu__alloc_mathframe)
 *   struct rt_sigframe, placed so that the handler starts as if called:
 *   (its address + 8) % 16 == 0; uc_mcontext.fpstate points at the above */
#ifndef RINGSIDE_SIGFRAME_H
#define RINGSIDE_SIGFRAME_H
#include <ringside/types.h>

/* The x87/SSE state in a signal frame: FXSAVE's 512-byte image (Linux
 * 4.4's uapi name; 4.3 calls the 64-bit one struct _fpstate). Without XSAVE,
 * as here, the last 48 bytes carry no magic: Linux leaves them alone. */
struct _fpstate_64 {
	u16 cwd;                      /* x87 control word */
	u16 swd;                      /* x87 status word */
	u16 twd;                      /* x87 tag word, FXSAVE's abridged form */
	u16 fop;
	u64 rip;
	u64 rdp;
	u32 mxcsr;                    /* SSE control/status */
	u32 mxcsr_mask;
	u32 st_space[32];             /* st0-st7, 16 bytes each */
	u32 xmm_space[64];            /* xmm0-xmm15, 16 bytes each */
	u32 reserved2[12];
	u32 reserved3[12];            /* sw_reserved: xsave's magic, unused here */
};

struct sigcontext_64 {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 di, si, bp, bx, dx, ax, cx, sp, ip, flags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;                  /* &the frame's struct _fpstate_64; 0: none */
	u64 reserved1[8];
};

struct ucontext_64 {
	u64 uc_flags;
	u64 uc_link;
	struct { u64 ss_sp; s32 ss_flags; u32 pad; u64 ss_size; } uc_stack;
	struct sigcontext_64 uc_mcontext;
	u64 uc_sigmask;
};

struct siginfo_64 {
	s32 si_signo, si_errno, si_code, pad;
	union {
		struct { s32 pid; u32 uid; s32 status; s32 pad; u64 utime, stime; } child;
		struct { s32 pid; u32 uid; } kill;
		struct { u64 addr; } fault;
		struct { u64 call_addr; s32 syscall; u32 arch; } sys;
		u8 pad[128 - 16];
	} u;
};

struct rt_sigframe {
	u64 pretcode;                 /* the handler returns here: sa_restorer */
	struct ucontext_64 uc;
	struct siginfo_64 info;
};

BUILD_BUG_ON(sizeof(struct _fpstate_64) != 512);
BUILD_BUG_ON(offsetof(struct _fpstate_64, mxcsr) != 24);
BUILD_BUG_ON(offsetof(struct _fpstate_64, xmm_space) != 160);
BUILD_BUG_ON(sizeof(struct sigcontext_64) != 256);
BUILD_BUG_ON(offsetof(struct ucontext_64, uc_mcontext) != 40);
BUILD_BUG_ON(sizeof(struct siginfo_64) != 128);
/* The frame's FPU half, for lab 7 (kernel/fpu.c does the FXSAVE/FXRSTOR):
 * fill fp with current's x87/SSE registers; load fp, already checked (a
 * 16-byte-aligned user copy whose MXCSR has no bit outside
 * mxcsr_feature_mask), into current's registers. */
void fpu__copy_to_sigframe(struct _fpstate_64 *fp);
void fpu__restore_from_sigframe(const struct _fpstate_64 *fp);
#endif
