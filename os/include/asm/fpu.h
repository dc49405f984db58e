/* The FPU/SSE state of a user task (kernel/fpu.c).
 *
 * Every task owns one 512-byte FXSAVE area. The registers are switched
 * eagerly, as Linux does since 4.2 on CPUs with FXSR: the outgoing task's are
 * saved and the incoming task's loaded on every context switch, never on a
 * syscall. The kernel itself is built with -mgeneral-regs-only, so while it
 * runs the CPU's x87/SSE registers are still the current task's user ones. */
#ifndef ASM_FPU_H
#define ASM_FPU_H
#include <ringside/types.h>

/* The memory image of FXSAVE (64-bit form, FXSAVE64), Linux's struct
 * fxregs_state: the same bytes as the uapi struct _fpstate_64 in a signal
 * frame and as user_i387_struct for PTRACE_GETFPREGS. */
struct fxregs_state {
	u16 cwd;                 /* x87 control word */
	u16 swd;                 /* x87 status word */
	u16 twd;                 /* x87 tag word (abridged: one bit per register) */
	u16 fop;                 /* last x87 opcode */
	u64 rip;                 /* last x87 instruction pointer */
	u64 rdp;                 /* last x87 data pointer */
	u32 mxcsr;               /* SSE control and status */
	u32 mxcsr_mask;          /* which MXCSR bits this CPU supports */
	u32 st_space[32];        /* st0-st7: 8 registers of 16 bytes (10 used) */
	u32 xmm_space[64];       /* xmm0-xmm15: 16 registers of 16 bytes */
	u32 padding[12];
	u32 sw_reserved[12];     /* free for software (xsave's magic in Linux) */
} __attribute__((aligned(16)));

BUILD_BUG_ON(sizeof(struct fxregs_state) != 512);
BUILD_BUG_ON(offsetof(struct fxregs_state, mxcsr) != 24);
BUILD_BUG_ON(offsetof(struct fxregs_state, st_space) != 32);
BUILD_BUG_ON(offsetof(struct fxregs_state, xmm_space) != 160);

/* Linux's initial state (fpstate_init_fxstate): x87 control word 0x37f
 * (every exception masked, 64-bit precision, round to nearest), MXCSR 0x1f80
 * (every SSE exception masked), every register 0. */
#define FPU_INIT_CWD   0x37f
#define MXCSR_DEFAULT  0x1f80

struct fpu {
	struct fxregs_state state;   /* valid while the task is not running */
};

struct task_struct;
struct pt_regs;

/* MXCSR bits this CPU accepts (FXSAVE's mxcsr_mask, 0xffbf when it says 0);
 * FXRSTOR of any other bit raises #GP. */
extern u32 mxcsr_feature_mask;

void fpu__init_cpu(void);                               /* boot: CR0, CR4 */
void fpu__init_state(struct fxregs_state *fx);          /* Linux's initial state */
void fpu__switch(struct task_struct *prev, struct task_struct *next);
void fpu__copy(struct task_struct *child, struct task_struct *parent);  /* fork */
void fpu__clear(struct task_struct *t);                 /* execve, signal handler */
void fpu__save(struct task_struct *t);                  /* t == current: CPU -> t's area */
void fpu__restore(struct task_struct *t);               /* t == current: t's area -> CPU */
/* #MF (16) and #XM (19) in user mode: SIGFPE with Linux's si_code. */
void fpu__math_error(struct pt_regs *regs, unsigned vector);
int fpu__exception_code(const struct fxregs_state *fx, unsigned vector);
/* #NM: cannot happen with CR0.TS clear; if it does, reload and retry. */
void fpu__device_not_available(struct pt_regs *regs);
#endif
