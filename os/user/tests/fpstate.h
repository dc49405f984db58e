/* fpstate.h: what fputest and lab7_frame share to look at the x87/SSE
 * registers from user space: FXSAVE's image, a distinct test state, a
 * syscall made with that state loaded, and a SIGUSR1 handler whose first
 * instructions save what the kernel gave it and then overwrite every
 * register, before its C part looks at (and may edit) the frame's fpstate.
 * Included by exactly one file of a program. */
#ifndef FPSTATE_H
#define FPSTATE_H
#include <ktap.h>
#include <signal.h>
#include <string.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <unistd.h>

/* FXSAVE's image (struct user_fpregs_struct with the registers as bytes). */
typedef struct {
	unsigned short cwd, swd, ftw, fop;
	unsigned long rip, rdp;
	unsigned int mxcsr, mxcsr_mask;
	unsigned char st[8][16];       /* 10 bytes used */
	unsigned char xmm[16][16];
	unsigned int padding[24];
} __attribute__((aligned(64))) fxstate;

_Static_assert(sizeof(fxstate) == 512, "FXSAVE image");

#define INIT_CWD   0x37f
#define INIT_MXCSR 0x1f80

/* Our test state: every register distinct, a non-default control word
 * (53-bit precision) and MXCSR (round toward zero, flush to zero). */
static inline void make_state(fxstate *fx, unsigned char seed)
{
	memset(fx, 0, sizeof(*fx));
	fx->cwd = 0x27f;
	fx->mxcsr = 0xff80;
	fx->ftw = 0xff;                 /* all eight x87 registers in use */
	for (int i = 0; i < 8; i++)
		for (int b = 0; b < 10; b++)
			fx->st[i][b] = (unsigned char)(seed + 16 * i + b + 1);
	for (int i = 0; i < 16; i++)
		for (int b = 0; b < 16; b++)
			fx->xmm[i][b] = (unsigned char)(seed ^ (16 * i + b + 0x40));
}

/* What a program can see of the state: control words, tags, registers. */
static inline int same_state(const fxstate *a, const fxstate *b, const char *what)
{
	int same = 1;
	if (a->cwd != b->cwd || a->mxcsr != b->mxcsr || a->ftw != b->ftw) {
		ktap_diag("%s: cwd %#x mxcsr %#x ftw %#x, want cwd %#x mxcsr %#x ftw %#x", what, a->cwd,
			  a->mxcsr, a->ftw, b->cwd, b->mxcsr, b->ftw);
		same = 0;
	}
	for (int i = 0; i < 8; i++)
		if (memcmp(a->st[i], b->st[i], 10)) {
			ktap_diag("%s: st%d differs", what, i);
			same = 0;
		}
	for (int i = 0; i < 16; i++)
		if (memcmp(a->xmm[i], b->xmm[i], 16)) {
			ktap_diag("%s: xmm%d differs (byte 0: %#x, want %#x)", what, i, a->xmm[i][0],
				  b->xmm[i][0]);
			same = 0;
		}
	return same;
}

static inline int is_initial(const fxstate *fx, const char *what)
{
	fxstate init;
	memset(&init, 0, sizeof(init));
	init.cwd = INIT_CWD;
	init.mxcsr = INIT_MXCSR;
	return same_state(fx, &init, what) && fx->swd == 0;
}

#define CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
	"xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory"

/* Load in, make one syscall, save into out, then put a clean state back
 * for the C code around us: nothing but the kernel runs in between. */
static inline long syscall_with_state(const fxstate *in, fxstate *out, long nr, long a1, long a2)
{
	long ret;
	__asm__ volatile("fxrstor64 (%[in])\n\t"
			 "syscall\n\t"
			 "fxsave64 (%[out])\n\t"
			 "fninit\n\t"
			 "pushq $0x1f80\n\t"
			 "ldmxcsr (%%rsp)\n\t"
			 "addq $8, %%rsp"
			 : "=a"(ret)
			 : [in] "r"(in), [out] "r"(out), "a"(nr), "D"(a1), "S"(a2)
			 : "rcx", "r11", "rdx", CLOBBERS);
	return ret;
}

enum edit { EDIT_NONE, EDIT_XMM0, EDIT_NULL, EDIT_UNMAPPED, EDIT_KERNEL, EDIT_MISALIGNED, EDIT_MXCSR, EDIT_ODD };

fxstate handler_entry_state, handler_garbage;
fxstate fp_frame_copy;
static volatile int fp_handler_ran, fp_edit_mode;
static volatile unsigned long fp_fpregs_addr, fp_uc_addr, fp_interrupted_sp;

void fpu_handler_c(int sig, siginfo_t *info, void *ucv);
void fpu_handler_c(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)info;
	fp_handler_ran = 1;
	fp_fpregs_addr = (unsigned long)uc->uc_mcontext.fpregs;
	fp_uc_addr = (unsigned long)uc;
	fp_interrupted_sp = uc->uc_mcontext.gregs[REG_RSP];
	if (uc->uc_mcontext.fpregs)
		memcpy(&fp_frame_copy, uc->uc_mcontext.fpregs, sizeof(fp_frame_copy));
	fxstate *fp = (fxstate *)uc->uc_mcontext.fpregs;
	switch (fp_edit_mode) {
	case EDIT_XMM0:
		memset(fp->xmm[0], 0xee, 16);
		break;
	case EDIT_NULL:
		uc->uc_mcontext.fpregs = NULL;
		break;
	case EDIT_UNMAPPED:
		uc->uc_mcontext.fpregs = (fpregset_t)0x1000;
		break;
	case EDIT_KERNEL:
		uc->uc_mcontext.fpregs = (fpregset_t)0xffffffff80000000UL;
		break;
	case EDIT_MISALIGNED:
		/* A copy 8 bytes further on, so only the alignment is wrong. */
		memmove((char *)fp - 56, fp, 512);
		uc->uc_mcontext.fpregs = (fpregset_t)((char *)fp - 56);
		break;
	case EDIT_ODD:
		/* The same, 1 byte off: an odd address. */
		memmove((char *)fp - 63, fp, 512);
		uc->uc_mcontext.fpregs = (fpregset_t)((char *)fp - 63);
		break;
	case EDIT_MXCSR:
		fp->mxcsr |= ~fp->mxcsr_mask & 0xffff0000u;   /* a bit the CPU lacks */
		break;
	}
}

/* The handler proper: its first instruction saves what the kernel gave it,
 * the second overwrites every x87/SSE register (and MXCSR) with garbage,
 * then the C part looks at the frame. */
__asm__(".text\n"
	".globl fpu_handler_stub\n"
	"fpu_handler_stub:\n"
	"\tfxsave64 handler_entry_state(%rip)\n"
	"\tfxrstor64 handler_garbage(%rip)\n"
	"\tjmp fpu_handler_c\n");
void fpu_handler_stub(int sig, siginfo_t *info, void *uc);

static inline void install_handler(void)
{
	struct sigaction act = { .sa_sigaction = fpu_handler_stub, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &act, NULL);
	make_state(&handler_garbage, 0xd3);
	handler_garbage.cwd = 0x7f;
	handler_garbage.mxcsr = 0x3f80;
}

/* Raise SIGUSR1 with state in loaded; out gets the state after the handler. */
static inline void kill_self_with_state(const fxstate *in, fxstate *out, int mode)
{
	fp_handler_ran = 0;
	fp_edit_mode = mode;
	syscall_with_state(in, out, __NR_kill, getpid(), SIGUSR1);
}

/* The frame's fpstate address when the signal comes with the stack k * 16
 * bytes deeper: alignment must not depend on where the stack happens to be. */
static __attribute__((noinline)) unsigned long fpregs_at_depth(int k, const fxstate *in, fxstate *out)
{
	volatile char pad[16 * k + 16];
	pad[0] = 0;
	kill_self_with_state(in, out, EDIT_NONE);
	return pad[0] + fp_fpregs_addr;
}

/* Every depth of a 64-byte cycle gives a 64-byte-aligned fpstate. */
static inline int fpregs_aligned_at_every_depth(const fxstate *in, fxstate *out)
{
	int aligned = 1;
	for (int k = 0; k < 4; k++) {
		unsigned long addr = fpregs_at_depth(k, in, out);
		if (!addr || addr % 64) {
			ktap_diag("stack %d bytes deeper: fpregs %#lx, not 64-byte aligned", 16 * k, addr);
			aligned = 0;
		}
	}
	return aligned;
}
#endif
