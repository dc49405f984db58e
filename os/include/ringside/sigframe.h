/* The x86-64 signal frame as Linux lays it out on the user stack
 * (arch/x86/include/uapi/asm/sigcontext.h, ucontext.h, siginfo.h): what a
 * handler finds at its rsp, and what rt_sigreturn reads back. Lab 7 builds
 * and reads it; the layout itself is the ABI and is fixed here. */
#ifndef RINGSIDE_SIGFRAME_H
#define RINGSIDE_SIGFRAME_H
#include <ringside/types.h>

struct sigcontext_64 {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 di, si, bp, bx, dx, ax, cx, sp, ip, flags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;                  /* no FPU state: always 0 */
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

BUILD_BUG_ON(sizeof(struct sigcontext_64) != 256);
BUILD_BUG_ON(offsetof(struct ucontext_64, uc_mcontext) != 40);
BUILD_BUG_ON(sizeof(struct siginfo_64) != 128);
#endif
