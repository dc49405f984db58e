/* lab7_frame: the signal frame and rt_sigreturn, register by register.
 *
 *   handler_args        rdi = signal, rsi = &siginfo, rdx = &ucontext, the
 *                       siginfo right after the ucontext, as Linux lays it out
 *   frame_alignment     the handler starts as if called: (rsp + 8) % 16 == 0,
 *                       and the frame sits below the 128-byte red zone
 *   saved_mask          uc_sigmask is the mask before the handler; during the
 *                       handler the signal itself is blocked
 *   registers_restored  every register a syscall preserves is the same after
 *                       a handler ran on that syscall's return
 *   flags_from_frame    the handler's change to CF in the frame is honoured,
 *                       IOPL in the frame is not
 *   forged_cs           a frame with the kernel's code segment returns to
 *                       user mode with the user one
 *   noncanonical_rip    a frame whose rip is not canonical: SIGSEGV at that
 *                       rip, as on Linux
 *   fpstate_saved       uc_mcontext.fpregs points at the interrupted x87/SSE
 *                       registers, 64-byte aligned, between the ucontext and
 *                       the red zone
 *   handler_fpu_clean   the handler starts from the initial FPU state
 *   fpstate_restored    after a handler that overwrote every x87/SSE register
 *                       the interrupted code has its own back; an xmm0 edited
 *                       in the frame is the new xmm0
 *   fpstate_checks      fpregs NULL gives the initial state; a misaligned
 *                       fpregs, or a reserved MXCSR bit: SIGSEGV
 * KTAP on stdout, one-word result names. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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

	kill_self_with_state(&in, &out, EDIT_NULL);
	int checks = fp_handler_ran && is_initial(&out, "after a frame with fpregs = NULL");
	static const struct { int mode; const char *what; } bad[] = {
		{ EDIT_MISALIGNED, "an fpregs 8 bytes off 16-byte alignment" },
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

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: lab7_frame\nLab 7 tests: the signal frame and rt_sigreturn, register by register.\nKTAP on stdout; exit status 0 when every check passed. Ringside only.\n");
		return 0;
	}
	if (!running_on_ringside()) {
		ktap_plan(1);
		ktap_skip("not on Ringside", "lab7_frame");
		return ktap_finish();
	}
	ktap_plan(12);
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

	forge = FORGE_CF_IOPL;
	got_sig = 0;
	kill_self_keeping_registers(out);
	ktap_diag("rflags after a handler that set CF and IOPL 3 in the frame: %#lx", out[12]);
	ktap_ok(got_sig && (out[12] & CF) && !(out[12] & IOPL) && (out[12] & IF), "flags_from_frame");

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
	fpu_tests();

	pid = fork();
	if (pid == 0)
		_exit(sigreturn_restart_child());
	status = 0;
	waitpid(pid, &status, 0);
	ktap_diag("a handler set the saved rax to %ld, and a second signal came on rt_sigreturn's way "
		  "out: child status %#x (want a normal exit 0: the value returned as it is, no restart)",
		  RESTART_CODE, status);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "sigreturn_not_restarted");
	return ktap_finish();
}
