/* lab7_frame [GROUP...]: the signal frame and rt_sigreturn, register by
 * register. GROUP (frame, fpu, forged, sigreturn) runs only that group's
 * subtests, one lab.def test each; none runs them all.
 *
 * frame:
 *   handler_args        rdi = signal, rsi = &siginfo, rdx = &ucontext, the
 *                       siginfo right after the ucontext, as Linux lays it out
 *   frame_alignment     the handler starts as if called: (rsp + 8) % 16 == 0,
 *                       and the frame sits below the 128-byte red zone
 *   saved_mask          uc_sigmask is the mask before the handler; during the
 *                       handler the signal itself is blocked
 *   registers_restored  every register a syscall preserves is the same after
 *                       a handler ran on that syscall's return
 *   handler_entry       the handler starts with rax 0, DF clear, cs 0x33 and ss
 *                       0x2b (it interrupted a ud2 with rax != 0 and DF set)
 *   saved_context       the SIGILL frame of a ud2 holds every register of the
 *                       interrupted code (rcx, r11, rax too), rip, rflags,
 *                       cs/gs/fs/ss, oldmask, uc_flags 0, uc_link 0; all come back
 *   siginfo_fields      kill, tgkill (pid, uid), SIGCHLD (pid, status, uid), a clone
 *                       child's exit signal (SIGUSR2, child fields), seccomp
 *                       SIGSYS (call_addr, syscall, arch, errno), a page fault
 *                       (addr, and cr2 in the ucontext)
 * forged:
 *   flags_from_frame    the handler's change to CF in the frame is honoured,
 *                       IOPL in the frame is not
 *   forged_cs           a frame with the kernel's code segment returns to
 *                       user mode with the user one
 *   noncanonical_rip    a frame whose rip is not canonical: SIGSEGV at that
 *                       rip, as on Linux
 *   fpstate_checks      fpregs NULL gives the initial state; an fpregs 8 or 1
 *                       byte off alignment, unmapped, or with a reserved MXCSR
 *                       bit: SIGSEGV
 *   context_edits       a handler that edits every saved register, AC in the
 *                       flags and uc_sigmask: the interrupted code sees them
 *   frame_placement     the fpstate and the frame exactly where Linux 4.3's
 *                       get_sigframe puts them, for rsp 0, 63 and 8 past a line
 *   no_restorer         a handler without SA_RESTORER: SIGSEGV, no handler
 *   handler_from_32bit  a signal in 32-bit code: the handler runs in 64-bit mode
 * fpu:
 *   fpstate_saved       uc_mcontext.fpregs points at the interrupted x87/SSE
 *                       registers, 64-byte aligned, between the ucontext and
 *                       the red zone
 *   handler_fpu_clean   the handler starts from the initial FPU state
 *   fpstate_restored    after a handler that overwrote every x87/SSE register
 *                       the interrupted code has its own back; an xmm0 edited
 *                       in the frame is the new xmm0
 * sigreturn:
 *   sigreturn_not_restarted  a second signal on rt_sigreturn's way out does not
 *                       take the restored rax for a restart code
 *   sigreturn_orig_ax   a tracer at rt_sigreturn's exit stop reads orig_rax -1
 * KTAP on stdout, one-word result names. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/seccomp.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fpstate.h"

#define CF   0x1UL
#define IF   0x200UL
#define IOPL 0x3000UL

static volatile int got_sig;
static volatile unsigned long info_offset, uc_addr, frame_addr_seen, interrupted_sp;
static volatile int info_signo, blocked_self, mask_had_usr2, mask_had_usr1;
static volatile int forge;                      /* what the handler changes in the frame */

enum { FORGE_NONE, FORGE_CF_IOPL, FORGE_CS, FORGE_RIP };

static void handler(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	sigset_t now;
	got_sig = sig;
	info_signo = info->si_signo;
	info_offset = (unsigned long)info - (unsigned long)uc;
	uc_addr = (unsigned long)uc;
	frame_addr_seen = (unsigned long)__builtin_frame_address(0);
	interrupted_sp = uc->uc_mcontext.gregs[REG_RSP];
	sigprocmask(SIG_BLOCK, NULL, &now);
	blocked_self = sigismember(&now, sig);
	mask_had_usr2 = sigismember(&uc->uc_sigmask, SIGUSR2);
	mask_had_usr1 = sigismember(&uc->uc_sigmask, SIGUSR1);
	if (forge == FORGE_CF_IOPL)
		uc->uc_mcontext.gregs[REG_EFL] |= CF | IOPL;
	if (forge == FORGE_RIP)
		uc->uc_mcontext.gregs[REG_RIP] = 0x0000800000000000UL;   /* not canonical */
	if (forge == FORGE_CS)
		uc->uc_mcontext.gregs[REG_CSGSFS] = (uc->uc_mcontext.gregs[REG_CSGSFS] & ~0xffffUL) | 0x08;
}

static void install(void)
{
	struct sigaction act = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &act, NULL);
}

/* kill(getpid(), SIGUSR1) by hand, with known values in every register a
 * syscall must preserve; the handler runs on the way back. out[] gets
 * rdi rsi rdx r8 r9 r10 rbx rbp r12 r13 r14 r15, then rflags, then rax. */
static void kill_self_keeping_registers(unsigned long out[14])
{
	long pid = getpid();
	__asm__ volatile(
		"subq $128, %%rsp\n\t"                 /* keep clear of the red zone */
		"pushq %%rbp\n\t"
		"pushq %%rbx\n\t"
		"pushq %%r12\n\t"
		"pushq %%r13\n\t"
		"pushq %%r14\n\t"
		"pushq %%r15\n\t"
		"pushq %[out]\n\t"
		"movq %[pid], %%rdi\n\t"
		"movq $10, %%rsi\n\t"                   /* SIGUSR1 */
		"movabsq $0x1111222233334444, %%rdx\n\t"
		"movabsq $0x5555666677778888, %%r8\n\t"
		"movabsq $0x99990000aaaabbbb, %%r9\n\t"
		"movabsq $0xccccddddeeeeffff, %%r10\n\t"
		"movabsq $0x0101010102020202, %%rbx\n\t"
		"movabsq $0x0303030304040404, %%rbp\n\t"
		"movabsq $0x0505050506060606, %%r12\n\t"
		"movabsq $0x0707070708080808, %%r13\n\t"
		"movabsq $0x0909090910101010, %%r14\n\t"
		"movabsq $0x1111111112121212, %%r15\n\t"
		"movl $62, %%eax\n\t"                   /* kill */
		"syscall\n\t"
		"pushfq\n\t"
		"pushq %%rax\n\t"
		"movq 16(%%rsp), %%rax\n\t"             /* out */
		"movq %%rdi, 0(%%rax)\n\t"
		"movq %%rsi, 8(%%rax)\n\t"
		"movq %%rdx, 16(%%rax)\n\t"
		"movq %%r8, 24(%%rax)\n\t"
		"movq %%r9, 32(%%rax)\n\t"
		"movq %%r10, 40(%%rax)\n\t"
		"movq %%rbx, 48(%%rax)\n\t"
		"movq %%rbp, 56(%%rax)\n\t"
		"movq %%r12, 64(%%rax)\n\t"
		"movq %%r13, 72(%%rax)\n\t"
		"movq %%r14, 80(%%rax)\n\t"
		"movq %%r15, 88(%%rax)\n\t"
		"popq %%rdx\n\t"                        /* rax */
		"movq %%rdx, 104(%%rax)\n\t"
		"popq %%rdx\n\t"                        /* rflags */
		"movq %%rdx, 96(%%rax)\n\t"
		"addq $8, %%rsp\n\t"
		"popq %%r15\n\t"
		"popq %%r14\n\t"
		"popq %%r13\n\t"
		"popq %%r12\n\t"
		"popq %%rbx\n\t"
		"popq %%rbp\n\t"
		"addq $128, %%rsp\n\t"
		:
		: [pid] "r"(pid), [out] "r"(out)
		: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
}

static const unsigned long expected[12] = {
	0, 10, 0x1111222233334444UL, 0x5555666677778888UL, 0x99990000aaaabbbbUL, 0xccccddddeeeeffffUL,
	0x0101010102020202UL, 0x0303030304040404UL, 0x0505050506060606UL, 0x0707070708080808UL,
	0x0909090910101010UL, 0x1111111112121212UL,
};
static const char *const names[12] = {
	"rdi", "rsi", "rdx", "r8", "r9", "r10", "rbx", "rbp", "r12", "r13", "r14", "r15",
};

static int forged_cs_child(void)
{
	install();
	forge = FORGE_CS;
	unsigned long out[14];
	kill_self_keeping_registers(out);
	unsigned short cs;
	__asm__ volatile("movw %%cs, %0" : "=r"(cs));
	return got_sig == SIGUSR1 && cs == 0x33 ? 0 : 1;
}

/* rt_sigreturn to a non-canonical rip: SIGSEGV at that rip, as on Linux
 * (whose IRET faults there and becomes a user #GP), never a kernel fault. */
static void segv_handler(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	/* 10: the frame was refused (rip still rt_sigreturn's); 11: SIGSEGV at
	 * the frame's rip, as a #GP gives it on Linux (SI_KERNEL); 13: at that
	 * rip but with another code (the CPU faulted fetching there: on real
	 * hardware the IRET itself would have faulted in the kernel). */
	unsigned long rip = uc->uc_mcontext.gregs[REG_RIP];
	if (rip == 0x0000800000000000UL)
		_exit(info->si_code == SI_KERNEL ? 11 : 13);
	_exit(rip < 0x0000800000000000UL ? 10 : 12);
}

static int forged_rip_child(void)
{
	struct sigaction segv = { .sa_sigaction = segv_handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGSEGV, &segv, NULL);
	install();
	forge = FORGE_RIP;
	unsigned long out[14];
	kill_self_keeping_registers(out);
	return 3;                        /* the frame was used as it was */
}

static int bad_fpstate_child(int mode)
{
	static fxstate in, out;
	install_handler();
	make_state(&in, 0x42);
	kill_self_with_state(&in, &out, mode);
	return 3;                        /* rt_sigreturn took the frame */
}

static void fpu_tests(void)
{
	static fxstate in, out, want;
	install_handler();
	make_state(&in, 0x21);
	kill_self_with_state(&in, &out, EDIT_NONE);
	ktap_diag("fpstate: ucontext %#lx, fpregs %#lx, interrupted rsp %#lx", fp_uc_addr, fp_fpregs_addr,
		  fp_interrupted_sp);
	ktap_ok(fp_handler_ran && fp_fpregs_addr && fp_fpregs_addr % 64 == 0 && fp_fpregs_addr > fp_uc_addr &&
		fp_fpregs_addr + 512 <= fp_interrupted_sp - 128 &&
		same_state(&fp_frame_copy, &in, "the frame's fpstate") &&
		fpregs_aligned_at_every_depth(&in, &out),
		"fpstate_saved");
	ktap_ok(fp_handler_ran && is_initial(&handler_entry_state, "the handler's first instruction"),
		"handler_fpu_clean");
	int restored = fp_handler_ran && same_state(&out, &in, "after a handler that overwrote them");
	want = in;
	memset(want.xmm[0], 0xee, 16);
	kill_self_with_state(&in, &out, EDIT_XMM0);
	restored &= fp_handler_ran && same_state(&out, &want, "after editing xmm0 in the frame");
	ktap_ok(restored, "fpstate_restored");
}

static void fpstate_checks_test(void)
{
	static fxstate in, out;
	install_handler();
	make_state(&in, 0x21);
	kill_self_with_state(&in, &out, EDIT_NULL);
	int checks = fp_handler_ran && is_initial(&out, "after a frame with fpregs = NULL");
	static const struct { int mode; const char *what; } bad[] = {
		{ EDIT_MISALIGNED, "an fpregs 8 bytes off 16-byte alignment" },
		{ EDIT_ODD, "an fpregs 1 byte off 16-byte alignment" },
		{ EDIT_MXCSR, "a reserved MXCSR bit" },
		{ EDIT_UNMAPPED, "an unmapped fpregs" },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(bad_fpstate_child(bad[i].mode));
		int status = 0;
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV) {
			ktap_diag("%s: child status %#x, want killed by SIGSEGV", bad[i].what, status);
			checks = 0;
		}
	}
	ktap_ok(checks, "fpstate_checks");
}

/* ---- a signal that interrupts arbitrary code: every register in the frame ----
 * ud2 with a known value in every general register and CF and DF set: the
 * SIGILL handler (context_entry, below) records what it starts with, reads
 * the ucontext, moves rip past the ud2 and, in the second round, writes a
 * new value into every register slot. ctx_in/ctx_out are indexed like
 * gregs (REG_R8 .. REG_RCX); ctx_out[CTX_FLAGS] is rflags after the return. */
#define CTX_FLAGS 17
#define DF 0x400UL
#define AC 0x40000UL
#define ALRM_BIT (1UL << (SIGALRM - 1))
unsigned long ctx_in[NGREG], ctx_out[NGREG];
unsigned long entry_rax, entry_rflags, entry_cs, entry_ss;   /* written by context_entry */
static volatile int ctx_edit, ctx_sig;
static volatile unsigned long ctx_uc_flags, ctx_uc_link, ctx_sigmask;
static unsigned long ctx_gregs[NGREG];
extern char ctx_ud2[];

void context_handler(int sig, siginfo_t *info, void *ucv);
void context_entry(int sig, siginfo_t *info, void *ucv);
/* The handler's first instructions: what the kernel set before any C code
 * (rax, rflags, cs, ss), then the C part. */
__asm__(".text\n"
	".globl context_entry\n"
	".type context_entry, @function\n"
	"context_entry:\n\t"
	"movq %rax, entry_rax(%rip)\n\t"
	"pushfq\n\t"
	"popq %rax\n\t"
	"movq %rax, entry_rflags(%rip)\n\t"
	"xorl %eax, %eax\n\t"
	"movw %cs, %ax\n\t"
	"movq %rax, entry_cs(%rip)\n\t"
	"movw %ss, %ax\n\t"
	"movq %rax, entry_ss(%rip)\n\t"
	"cld\n\t"
	"jmp context_handler\n\t"
	".size context_entry, .-context_entry\n");

static unsigned long edited(int i) { return 0x5e00000000000000UL | (unsigned long)i * 0x010101010101UL; }

void context_handler(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)info;
	ctx_sig = sig;
	ctx_uc_flags = uc->uc_flags;
	ctx_uc_link = (unsigned long)uc->uc_link;
	ctx_sigmask = uc->uc_sigmask;
	memcpy(ctx_gregs, uc->uc_mcontext.gregs, sizeof(ctx_gregs));
	uc->uc_mcontext.gregs[REG_RIP] += 2;              /* past the ud2 */
	if (ctx_edit) {
		for (int i = REG_R8; i <= REG_RCX; i++)
			if (i != REG_RSP)
				uc->uc_mcontext.gregs[i] = edited(i);
		uc->uc_mcontext.gregs[REG_EFL] |= AC;     /* a flag user mode may set */
		uc->uc_sigmask |= ALRM_BIT;               /* the mask to go back to */
	}
}

static __attribute__((noinline)) void ud2_with_every_register(void)
{
	__asm__ volatile(
		"subq $128, %%rsp\n\t"                 /* keep clear of the red zone */
		"pushq %%rbp\n\t"
		"pushq %%rbx\n\t"
		"pushq %%r12\n\t"
		"pushq %%r13\n\t"
		"pushq %%r14\n\t"
		"pushq %%r15\n\t"
		"movq ctx_in+0(%%rip), %%r8\n\t"
		"movq ctx_in+8(%%rip), %%r9\n\t"
		"movq ctx_in+16(%%rip), %%r10\n\t"
		"movq ctx_in+24(%%rip), %%r11\n\t"
		"movq ctx_in+32(%%rip), %%r12\n\t"
		"movq ctx_in+40(%%rip), %%r13\n\t"
		"movq ctx_in+48(%%rip), %%r14\n\t"
		"movq ctx_in+56(%%rip), %%r15\n\t"
		"movq ctx_in+64(%%rip), %%rdi\n\t"
		"movq ctx_in+72(%%rip), %%rsi\n\t"
		"movq ctx_in+80(%%rip), %%rbp\n\t"
		"movq ctx_in+88(%%rip), %%rbx\n\t"
		"movq ctx_in+96(%%rip), %%rdx\n\t"
		"movq ctx_in+104(%%rip), %%rax\n\t"
		"movq ctx_in+112(%%rip), %%rcx\n\t"
		"stc\n\t"
		"std\n"
		".globl ctx_ud2\n"
		"ctx_ud2:\n\t"
		"ud2\n\t"
		"pushfq\n\t"
		"cld\n\t"
		"pushq (%%rsp)\n\t"                  /* AC off again before any C code */
		"andq $-262145, (%%rsp)\n\t"
		"popfq\n\t"
		"movq %%r8, ctx_out+0(%%rip)\n\t"
		"movq %%r9, ctx_out+8(%%rip)\n\t"
		"movq %%r10, ctx_out+16(%%rip)\n\t"
		"movq %%r11, ctx_out+24(%%rip)\n\t"
		"movq %%r12, ctx_out+32(%%rip)\n\t"
		"movq %%r13, ctx_out+40(%%rip)\n\t"
		"movq %%r14, ctx_out+48(%%rip)\n\t"
		"movq %%r15, ctx_out+56(%%rip)\n\t"
		"movq %%rdi, ctx_out+64(%%rip)\n\t"
		"movq %%rsi, ctx_out+72(%%rip)\n\t"
		"movq %%rbp, ctx_out+80(%%rip)\n\t"
		"movq %%rbx, ctx_out+88(%%rip)\n\t"
		"movq %%rdx, ctx_out+96(%%rip)\n\t"
		"movq %%rax, ctx_out+104(%%rip)\n\t"
		"movq %%rcx, ctx_out+112(%%rip)\n\t"
		"popq %%rax\n\t"
		"movq %%rax, ctx_out+136(%%rip)\n\t"   /* CTX_FLAGS */
		"popq %%r15\n\t"
		"popq %%r14\n\t"
		"popq %%r13\n\t"
		"popq %%r12\n\t"
		"popq %%rbx\n\t"
		"popq %%rbp\n\t"
		"addq $128, %%rsp\n\t"
		:
		:
		: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
}

static const char *const greg_names[NGREG] = {
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rdi", "rsi", "rbp", "rbx", "rdx", "rax",
	"rcx", "rsp", "rip", "rflags", "cs/gs/fs/ss", "err", "trapno", "oldmask", "cr2",
};

/* Every register in [REG_R8, REG_RCX] but rsp equal to want(i); says which not. */
static int registers_are(const unsigned long *got, unsigned long (*want)(int), const char *what)
{
	int same = 1;
	for (int i = REG_R8; i <= REG_RCX; i++) {
		if (i == REG_RSP || got[i] == want(i))
			continue;
		ktap_diag("%s: %s is %#lx, want %#lx", what, greg_names[i], got[i], want(i));
		same = 0;
	}
	return same;
}

static unsigned long original(int i) { return ctx_in[i]; }

static void context_tests(int saved_round, int edit_round)
{
	struct sigaction act = { .sa_sigaction = context_entry, .sa_flags = SA_SIGINFO };
	sigaction(SIGILL, &act, NULL);
	for (int i = REG_R8; i <= REG_RCX; i++)
		ctx_in[i] = 0x0123000000000000UL | (unsigned long)(i + 1) * 0x0011001100110011UL;
	sigset_t usr2, old;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, &old);

	if (!saved_round)
		goto edits;
	ctx_edit = 0;
	ctx_sig = 0;
	entry_rax = entry_rflags = entry_cs = entry_ss = 0xdead;
	ud2_with_every_register();
	ktap_diag("handler entry: rax %#lx, rflags %#lx, cs %#lx, ss %#lx (interrupted: rax %#lx, "
		  "CF and DF set)", entry_rax, entry_rflags, entry_cs, entry_ss, ctx_in[REG_RAX]);
	ktap_ok(ctx_sig == SIGILL && entry_rax == 0 && !(entry_rflags & DF) && entry_cs == 0x33 &&
		entry_ss == 0x2b, "handler_entry");

	int saved = ctx_sig == SIGILL && registers_are(ctx_gregs, original, "the frame");
	unsigned long csgsfs = ctx_gregs[REG_CSGSFS];
	ktap_diag("frame: rip %#lx (the ud2 at %#lx), rflags %#lx, cs %#lx gs %#lx fs %#lx ss %#lx, "
		  "oldmask %#lx, uc_sigmask %#lx, uc_flags %#lx, uc_link %#lx", ctx_gregs[REG_RIP],
		  (unsigned long)ctx_ud2, ctx_gregs[REG_EFL], csgsfs & 0xffff, (csgsfs >> 16) & 0xffff,
		  (csgsfs >> 32) & 0xffff, csgsfs >> 48, ctx_gregs[REG_OLDMASK], ctx_sigmask, ctx_uc_flags,
		  ctx_uc_link);
	saved &= ctx_gregs[REG_RIP] == (unsigned long)ctx_ud2 &&
		 (ctx_gregs[REG_EFL] & (CF | DF | IF)) == (CF | DF | IF) &&
		 csgsfs == (0x2bUL << 48 | 0x33) &&
		 ctx_gregs[REG_OLDMASK] == (old | usr2) && ctx_sigmask == (old | usr2) && ctx_uc_flags == 0 &&
		 ctx_uc_link == 0;
	saved &= registers_are(ctx_out, original, "after the handler");
	ktap_diag("rflags after the handler: %#lx (want CF and DF back)", ctx_out[CTX_FLAGS]);
	saved &= (ctx_out[CTX_FLAGS] & (CF | DF)) == (CF | DF);
	ktap_ok(saved, "saved_context");
edits:
	if (!edit_round)
		goto done;
	ctx_edit = 1;
	ctx_sig = 0;
	ud2_with_every_register();
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	ktap_diag("after a handler that edited the frame: rflags %#lx (want CF, DF and the AC it set), "
		  "SIGALRM %s (it added SIGALRM to uc_sigmask)", ctx_out[CTX_FLAGS],
		  now & ALRM_BIT ? "blocked" : "not blocked");
	ktap_ok(ctx_sig == SIGILL && registers_are(ctx_out, edited, "after a handler that edited the frame") &&
		(ctx_out[CTX_FLAGS] & (CF | DF | AC)) == (CF | DF | AC) && (now & ALRM_BIT), "context_edits");
done:
	sigprocmask(SIG_SETMASK, &old, NULL);
	act.sa_sigaction = NULL;
	act.sa_flags = 0;
	sigaction(SIGILL, &act, NULL);
}

/* ---- siginfo by kind: kill, SIGCHLD, SIGSYS, a page fault ---- */
#define UNMAPPED 0x1008UL                      /* the first page is never mapped */
static volatile int si_got;
static siginfo_t si_copy;
static volatile unsigned long si_cr2;
extern char segv_load[], segv_resume[];

static void copy_info_handler(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	si_got = sig;
	si_copy = *info;
	si_cr2 = uc->uc_mcontext.gregs[REG_CR2];
	if (sig == SIGSEGV)
		uc->uc_mcontext.gregs[REG_RIP] = (unsigned long)segv_resume;
}

static void on(int sig, int flags)
{
	struct sigaction act = { .sa_sigaction = copy_info_handler, .sa_flags = SA_SIGINFO | flags };
	sigaction(sig, &act, NULL);
}

static void off(int sig)
{
	struct sigaction act = { .sa_handler = SIG_DFL };
	sigaction(sig, &act, NULL);
}

static __attribute__((noinline)) void load_unmapped(void)
{
	__asm__ volatile(".globl segv_load\n"
			 "segv_load:\n\t"
			 "movq (%0), %%rax\n"
			 ".globl segv_resume\n"
			 "segv_resume:\n"
			 : : "r"(UNMAPPED) : "rax", "memory");
}

/* In a child (a filter is for life): getppid trapped by seccomp with data
 * 42. Exit 0 when the SIGSYS siginfo is right, else a bit per wrong field. */
static int sigsys_child(void)
{
	on(SIGSYS, 0);
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | 42),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = 4, .filter = prog };
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog))
		return 90;
	unsigned long after;
	long r;
	__asm__ volatile("lea 1f(%%rip), %1\n\t"
			 "mov $110, %%eax\n\t"           /* getppid */
			 "syscall\n"
			 "1:"
			 : "=a"(r), "=&r"(after)
			 :
			 : "rcx", "r11", "memory");
	(void)r;
	int bad = 0;
	if (si_got != SIGSYS || si_copy.si_signo != SIGSYS || si_copy.si_code != SYS_SECCOMP)
		bad |= 1;
	if (si_copy.si_errno != 42)
		bad |= 2;
	if ((unsigned long)si_copy.si_call_addr != after)
		bad |= 4;
	if (si_copy.si_syscall != __NR_getppid)
		bad |= 8;
	if (si_copy.si_arch != AUDIT_ARCH_X86_64)
		bad |= 16;
	return bad;
}

static void siginfo_tests(void)
{
	int ok = 1;
	pid_t me = getpid();

	on(SIGUSR1, 0);
	si_got = 0;
	kill(me, SIGUSR1);
	ktap_diag("kill: signo %d errno %d code %d pid %d uid %u (want 10 0 %d %d %u)", si_copy.si_signo,
		  si_copy.si_errno, si_copy.si_code, si_copy.si_pid, (unsigned)si_copy.si_uid, SI_USER, me,
		  (unsigned)sys_getuid());
	ok &= si_got == SIGUSR1 && si_copy.si_signo == SIGUSR1 && si_copy.si_errno == 0 &&
	      si_copy.si_code == SI_USER && si_copy.si_pid == me && si_copy.si_uid == (uid_t)sys_getuid();
	si_got = 0;
	tgkill(me, me, SIGUSR1);
	ktap_diag("tgkill: signo %d code %d pid %d uid %u (want 10 %d %d 0)", si_copy.si_signo, si_copy.si_code,
		  si_copy.si_pid, (unsigned)si_copy.si_uid, SI_TKILL, me);
	ok &= si_got == SIGUSR1 && si_copy.si_code == SI_TKILL && si_copy.si_pid == me && si_copy.si_uid == 0;

	on(SIGCHLD, SA_RESTART);
	si_got = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	int status = 0;
	waitpid(pid, &status, 0);
	ktap_diag("SIGCHLD: signo %d code %d pid %d status %d uid %u (want %d %d %d 3 0)", si_copy.si_signo,
		  si_copy.si_code, si_copy.si_pid, si_copy.si_status, (unsigned)si_copy.si_uid, SIGCHLD,
		  CLD_EXITED, pid);
	ok &= si_got == SIGCHLD && si_copy.si_code == CLD_EXITED && si_copy.si_pid == pid &&
	      si_copy.si_status == 3 && si_copy.si_uid == 0 && si_copy.si_errno == 0;
	off(SIGCHLD);

	/* A clone child whose exit signal is SIGUSR2: the handler gets signo
	 * SIGUSR2 with a child's fields (4.3 tags them __SI_CHLD in si_code;
	 * here ksiginfo.chld says so), not a kill's or a fault's. */
	on(SIGUSR2, SA_RESTART);
	si_got = 0;
	pid = sys_clone(SIGUSR2, 0, NULL, NULL, 0);
	if (pid == 0)
		_exit(5);
	status = 0;
	sys_wait4((int)pid, &status, 0x80000000 /* __WCLONE */, NULL);
	ktap_diag("clone's exit signal SIGUSR2: signo %d code %d pid %d status %d (want %d %d %d 5)",
		  si_copy.si_signo, si_copy.si_code, si_copy.si_pid, si_copy.si_status, SIGUSR2, CLD_EXITED, pid);
	ok &= si_got == SIGUSR2 && si_copy.si_signo == SIGUSR2 && si_copy.si_code == CLD_EXITED &&
	      si_copy.si_pid == pid && si_copy.si_status == 5;
	off(SIGUSR2);

	pid = fork();
	if (pid == 0)
		_exit(sigsys_child());
	status = 0;
	waitpid(pid, &status, 0);
	ktap_diag("SIGSYS from SECCOMP_RET_TRAP|42 on getppid: child status %#x (want exit 0; bits: 1 "
		  "signo/code, 2 si_errno, 4 si_call_addr, 8 si_syscall, 16 si_arch)", status);
	ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;

	on(SIGSEGV, 0);
	si_got = 0;
	load_unmapped();
	ktap_diag("page fault at %#lx: signo %d code %d addr %#lx, uc_mcontext cr2 %#lx (want %d %d)",
		  UNMAPPED, si_copy.si_signo, si_copy.si_code, (unsigned long)si_copy.si_addr, si_cr2, SIGSEGV,
		  SEGV_MAPERR);
	ok &= si_got == SIGSEGV && si_copy.si_code == SEGV_MAPERR &&
	      (unsigned long)si_copy.si_addr == UNMAPPED && si_cr2 == UNMAPPED;
	off(SIGSEGV);
	install();
	ktap_ok(ok, "siginfo_fields");
}

/* ---- where exactly the frame goes ---- */
static char placement_stack[16384] __attribute__((aligned(64)));
static volatile unsigned long placed_uc, placed_fpregs, placed_rsp;

static void placement_handler(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)info;
	placed_uc = (unsigned long)uc;
	placed_fpregs = (unsigned long)uc->uc_mcontext.fpregs;
	placed_rsp = uc->uc_mcontext.gregs[REG_RSP];
}

/* kill(getpid(), SIGUSR1) with rsp = sp, any value (odd too). */
static __attribute__((noinline)) void kill_self_on_stack(unsigned long sp)
{
	long pid = getpid();
	__asm__ volatile("movq %%rsp, %%r12\n\t"
			 "movq %[sp], %%rsp\n\t"
			 "movl $62, %%eax\n\t"
			 "syscall\n\t"
			 "movq %%r12, %%rsp\n\t"
			 :
			 : [sp] "r"(sp), "D"(pid), "S"(10L)
			 : "rax", "rcx", "rdx", "r11", "r12", "memory", "cc");
}

static void placement_tests(void)
{
	struct sigaction act = { .sa_sigaction = placement_handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &act, NULL);
	int ok = 1;
	unsigned long top = (unsigned long)placement_stack + sizeof(placement_stack) - 1024;
	const unsigned long sps[] = { top, top + 63, top + 8 };   /* 0, 63 and 8 past a 64-byte line */
	for (unsigned i = 0; i < sizeof(sps) / sizeof(sps[0]); i++) {
		placed_uc = placed_fpregs = placed_rsp = 0;
		kill_self_on_stack(sps[i]);
		unsigned long fp = (sps[i] - 128 - 512) & ~63UL;
		unsigned long uc = (((fp - 440) & ~15UL) - 8) + 8;
		if (placed_fpregs != fp || placed_uc != uc || placed_rsp != sps[i]) {
			ktap_diag("interrupted rsp %#lx: fpregs %#lx, ucontext %#lx, saved rsp %#lx; want "
				  "fpregs %#lx (the highest 64-byte boundary with 512 bytes below the red "
				  "zone), ucontext %#lx", sps[i], placed_fpregs, placed_uc, placed_rsp, fp, uc);
			ok = 0;
		}
	}
	install();
	ktap_ok(ok, "frame_placement");
}

/* ---- a signal that interrupts 32-bit code: the handler runs in 64-bit mode ----
 * A far jump to __USER32_CS runs a ud2 as 32-bit code. Exit 0: the handler
 * ran with cs 0x33 and the frame says 0x23; 1: the frame's cs is wrong. (A
 * handler started in 32-bit mode runs its 64-bit code as garbage and dies.) */
static void compat_handler(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	unsigned short cs;
	(void)info;
	__asm__ volatile("movw %%cs, %0" : "=r"(cs));
	_exit(sig == SIGILL && cs == 0x33 && (uc->uc_mcontext.gregs[REG_CSGSFS] & 0xffff) == 0x23 ? 0 : 1);
}

extern char compat_ud2[];
static int compat_child(void)
{
	struct sigaction act = { .sa_sigaction = compat_handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGILL, &act, NULL);
	/* A far jump through memory (offset, selector), not a far return: QEMU's
	 * lret reads the stack with kernel rights, which SMAP refuses. */
	static struct { unsigned int offset; unsigned short selector; } __attribute__((packed)) far;
	far.offset = (unsigned int)(unsigned long)compat_ud2;
	far.selector = 0x23;                                 /* __USER32_CS */
	__asm__ volatile("ljmpl *%0\n"
			 ".code32\n"
			 ".globl compat_ud2\n"
			 "compat_ud2:\tud2\n"
			 ".code64\n"
			 : : "m"(far) : "memory");
	return 3;
}

static void compat_test(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(compat_child());
	int status = 0;
	waitpid(pid, &status, 0);
	ktap_diag("SIGILL in 32-bit code: child status %#x (want exit 0: the handler ran in 64-bit mode "
		  "and the frame holds cs 0x23)", status);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "handler_from_32bit");
}

/* ---- no SA_RESTORER: nowhere to return to, so no frame ---- */
static void exit7_handler(int sig)
{
	(void)sig;
	_exit(7);
}

static int no_restorer_child(void)
{
	struct sigaction act = { .sa_handler = exit7_handler, .sa_flags = 0 };   /* no SA_RESTORER */
	if (sys_rt_sigaction(SIGUSR1, &act, NULL, 8))
		return 90;
	kill(getpid(), SIGUSR1);
	return 3;
}

static void no_restorer_test(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(no_restorer_child());
	int status = 0;
	waitpid(pid, &status, 0);
	ktap_diag("a handler without SA_RESTORER: child status %#x (want killed by SIGSEGV; exit 7: the "
		  "handler ran)", status);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "no_restorer");
}

/* A handler may rewrite the saved rax, even to a value that happens to be
 * a kernel restart code. rt_sigreturn ends the syscall-ness of the frame
 * it restores (orig_ax = -1, as Linux's restore_sigcontext does), so a
 * second signal delivered on rt_sigreturn's own way out must not take that
 * rax for an interrupted call to restart. */
#define RESTART_CODE (-513L)            /* the kernel's -ERESTARTNOINTR */
static volatile int runs_a, runs_b;

static void rewrite_rax_handler(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)info;
	runs_a++;
	uc->uc_mcontext.gregs[REG_RAX] = (unsigned long)RESTART_CODE;
	syscall2(__NR_kill, syscall0(__NR_getpid), SIGUSR2);   /* blocked here: pending */
}

static void count_handler(int sig)
{
	(void)sig;
	runs_b++;
}

static int sigreturn_restart_child(void)
{
	struct sigaction a = { .sa_sigaction = rewrite_rax_handler, .sa_flags = SA_SIGINFO };
	sigemptyset(&a.sa_mask);
	sigaddset(&a.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &a, NULL);
	struct sigaction b = { .sa_handler = count_handler };
	sigaction(SIGUSR2, &b, NULL);
	long r = syscall2(__NR_kill, syscall0(__NR_getpid), SIGUSR1);
	/* 0: kill "returned" what the first handler wrote, each handler ran once. */
	return r == RESTART_CODE && runs_a == 1 && runs_b == 1 ? 0 : r == RESTART_CODE ? 1 : 2;
}

/* What a tracer sees at rt_sigreturn's exit stop: orig_rax -1, as Linux 4.3's
 * restore_sigcontext leaves it (no syscall is in progress any more). The
 * child stops itself, then runs a SIGUSR1 handler under PTRACE_SYSCALL. */
static int tracee(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		_exit(90);
	kill(getpid(), SIGSTOP);
	kill(getpid(), SIGUSR1);             /* the handler was installed before fork */
	_exit(0);
}

static void tracer_test(void)
{
	install();
	pid_t pid = fork();
	if (pid == 0)
		_exit(tracee());
	int status = 0, in_call = 0, after_sigreturn = 0, stops = 0;
	long seen = 0x5eed;
	waitpid(pid, &status, 0);            /* its SIGSTOP */
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)PTRACE_O_TRACESYSGOOD);
	ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
	while (stops++ < 100 && waitpid(pid, &status, 0) == pid && WIFSTOPPED(status)) {
		long sig = 0;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			struct user_regs_struct r;
			ptrace(PTRACE_GETREGS, pid, NULL, &r);
			in_call = !in_call;
			if (in_call && r.orig_rax == __NR_rt_sigreturn)
				after_sigreturn = 1;
			else if (!in_call && after_sigreturn == 1) {
				seen = (long)r.orig_rax;
				after_sigreturn = 2;
			}
		} else {
			sig = WSTOPSIG(status);      /* a signal: deliver it */
		}
		ptrace(PTRACE_SYSCALL, pid, NULL, (void *)sig);
	}
	if (!WIFEXITED(status)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ktap_diag("a tracer at rt_sigreturn's exit stop reads orig_rax %ld (want -1: no syscall in "
		  "progress; %s)", seen, after_sigreturn == 2 ? "stopped there" : "never got there");
	ktap_ok(after_sigreturn == 2 && seen == -1, "sigreturn_orig_ax");
}

/* The groups lab.def runs one at a time (each test boots for its own), in
 * the order a full run prints them. */
enum { G_FRAME = 1, G_FPU = 2, G_FORGED = 4, G_SIGRETURN = 8 };
static const struct { const char *name; int bit, tests; } groups[] = {
	{ "frame", G_FRAME, 7 },
	{ "fpu", G_FPU, 3 },
	{ "forged", G_FORGED, 8 },
	{ "sigreturn", G_SIGRETURN, 2 },
};
#define NGROUPS (int)(sizeof(groups) / sizeof(groups[0]))

static void frame_group(void)
{
	install();
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	unsigned long out[14];
	forge = FORGE_NONE;
	got_sig = 0;
	kill_self_keeping_registers(out);
	ktap_diag("handler: sig %d, si_signo %d, siginfo at ucontext + %lu (want 304)", got_sig, info_signo,
		  info_offset);
	ktap_ok(got_sig == SIGUSR1 && info_signo == SIGUSR1 && info_offset == 304, "handler_args");
	ktap_diag("frame: ucontext at %#lx, handler frame pointer %#lx, interrupted rsp %#lx", uc_addr,
		  frame_addr_seen, interrupted_sp);
	ktap_ok(got_sig && uc_addr % 16 == 0 && frame_addr_seen % 16 == 0 &&
		interrupted_sp >= uc_addr + 560, "frame_alignment");
	ktap_diag("mask: SIGUSR1 blocked in the handler %d; uc_sigmask has SIGUSR2 %d, SIGUSR1 %d",
		  blocked_self, mask_had_usr2, mask_had_usr1);
	ktap_ok(got_sig && blocked_self == 1 && mask_had_usr2 == 1 && mask_had_usr1 == 0, "saved_mask");
	sigprocmask(SIG_UNBLOCK, &usr2, NULL);
	int all = got_sig == SIGUSR1 && out[13] == 0;
	for (int i = 0; i < 12; i++) {
		unsigned long want = i == 0 ? (unsigned long)getpid() : expected[i];
		if (out[i] != want) {
			ktap_diag("%s after the handler: %#lx, want %#lx", names[i], out[i], want);
			all = 0;
		}
	}
	ktap_ok(all, "registers_restored");
	context_tests(1, 0);
	siginfo_tests();
}

static void forged_group(void)
{
	unsigned long out[14];
	install();
	forge = FORGE_CF_IOPL;
	got_sig = 0;
	kill_self_keeping_registers(out);
	ktap_diag("rflags after a handler that set CF and IOPL 3 in the frame: %#lx", out[12]);
	ktap_ok(got_sig && (out[12] & CF) && !(out[12] & IOPL) && (out[12] & IF), "flags_from_frame");
	forge = FORGE_NONE;

	pid_t pid = fork();
	if (pid == 0)
		_exit(forged_cs_child());
	int status = 0;
	waitpid(pid, &status, 0);
	ktap_diag("a frame with cs 0x08: child status %#x (want a normal exit 0)", status);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "forged_cs");

	pid = fork();
	if (pid == 0)
		_exit(forged_rip_child());
	status = 0;
	waitpid(pid, &status, 0);
	ktap_diag("a frame with a non-canonical rip: child status %#x (want exit 11: SIGSEGV at that "
		  "rip, SI_KERNEL; 10: the frame was refused; 13: a fault fetching there)", status);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 11, "noncanonical_rip");
	fpstate_checks_test();
	context_tests(0, 1);
	placement_tests();
	no_restorer_test();
	compat_test();
}

static void sigreturn_group(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(sigreturn_restart_child());
	int status = 0;
	waitpid(pid, &status, 0);
	ktap_diag("a handler set the saved rax to %ld, and a second signal came on rt_sigreturn's way "
		  "out: child status %#x (want a normal exit 0: the value returned as it is, no restart)",
		  RESTART_CODE, status);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "sigreturn_not_restarted");
	tracer_test();
}

int main(int argc, char **argv)
{
	int which = 0, plan = 0;
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: lab7_frame [GROUP...]\n"
		       "Lab 7 tests: the signal frame and rt_sigreturn, register by register.\n"
		       "GROUP is frame, fpu, forged or sigreturn (lab.def runs one per test);\n"
		       "without one, all of them. KTAP on stdout; exit status 0 when every check\n"
		       "passed. Ringside only.\n");
		return 0;
	}
	for (int a = 1; a < argc; a++) {
		int g = 0;
		while (g < NGROUPS && strcmp(argv[a], groups[g].name))
			g++;
		if (g == NGROUPS) {
			dprintf(2, "lab7_frame: unknown group '%s' (frame, fpu, forged, sigreturn; see --help)\n",
				argv[a]);
			return 2;
		}
		which |= groups[g].bit;
	}
	if (!which)
		which = G_FRAME | G_FPU | G_FORGED | G_SIGRETURN;
	for (int g = 0; g < NGROUPS; g++)
		if (which & groups[g].bit)
			plan += groups[g].tests;
	if (!running_on_ringside()) {
		ktap_plan(1);
		ktap_skip("not on Ringside", "lab7_frame");
		return ktap_finish();
	}
	ktap_plan(plan);
	if (which & G_FRAME)
		frame_group();
	if (which & G_FPU)
		fpu_tests();
	if (which & G_FORGED)
		forged_group();
	if (which & G_SIGRETURN)
		sigreturn_group();
	return ktap_finish();
}
