/* fputest: the x87/SSE registers belong to the task, as on Linux.
 *
 *   switch_keeps_state     two tasks with different registers yield to each
 *                          other 200 times; each finds its own registers
 *   fork_copies_state      the child of fork starts with the parent's registers
 *   handler_starts_clean   a signal handler starts from Linux's initial state
 *                          (x87 control word 0x37f, MXCSR 0x1f80, the rest 0)
 *   frame_fpstate          uc_mcontext.fpregs points into the frame, 64-byte
 *                          aligned, between the ucontext and the red zone, and
 *                          holds the interrupted registers
 *   handler_clobber        a handler that overwrites every x87 and SSE register
 *                          leaves the interrupted code's registers intact
 *   edit_saved_xmm0        a handler that edits xmm0 in the frame changes xmm0
 *                          after rt_sigreturn
 *   null_fpstate           fpregs = NULL in the frame: rt_sigreturn loads the
 *                          initial state (Linux's fpu__clear)
 *   bad_fpstate            an unmapped, a kernel and a misaligned fpregs, and a
 *                          reserved MXCSR bit: rt_sigreturn fails with SIGSEGV
 *   x87_sigfpe             an unmasked x87 divide by zero: SIGFPE, FPE_FLTDIV,
 *                          si_addr at the x87 instruction that reported it
 *   sse_sigfpe             an unmasked SSE invalid operation: SIGFPE,
 *                          FPE_FLTINV, si_addr at the faulting instruction
 *   int_sigfpe             an integer divide by zero stays FPE_INTDIV
 *   ptrace_fpregs          PTRACE_GETFPREGS reads a stopped tracee's registers,
 *                          PTRACE_SETFPREGS changes them (a reserved MXCSR bit
 *                          is dropped, as Linux does)
 *   ptrace_regset          PTRACE_GETREGSET/SETREGSET with NT_PRFPREG and
 *                          NT_PRSTATUS: the iovec's length is cut to the set's
 *                          size and written back; a length that is not a whole
 *                          number of words, or an unknown set, is EINVAL
 * KTAP on stdout. Runs on Linux too (make test-user-host). */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/utsname.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fpstate.h"

/* ---- context switches and fork ---- */

static int yield_keeping(unsigned char seed)
{
	static fxstate in, out;
	make_state(&in, seed);
	__asm__ volatile("fxrstor64 (%[in])\n\t"
			 "movl $200, %%r12d\n"
			 "1:\tmovl %[yield], %%eax\n\t"
			 "syscall\n\t"
			 "movl $20000, %%ecx\n"
			 "2:\tdecl %%ecx\n\t"      /* spin too: the timer may switch us */
			 "jnz 2b\n\t"
			 "decl %%r12d\n\t"
			 "jnz 1b\n\t"
			 "fxsave64 (%[out])\n\t"
			 "fninit\n\t"
			 "pushq $0x1f80\n\t"
			 "ldmxcsr (%%rsp)\n\t"
			 "addq $8, %%rsp"
			 :
			 : [in] "r"(&in), [out] "r"(&out), [yield] "i"(__NR_sched_yield)
			 : "rax", "rcx", "r11", "r12", CLOBBERS);
	return same_state(&out, &in, "after 200 yields") ? 0 : 1;
}

static int wait_status(pid_t pid)
{
	int status = -1;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void test_switch(void)
{
	pid_t a = fork();
	if (a == 0)
		_exit(yield_keeping(0x11));
	pid_t b = fork();
	if (b == 0)
		_exit(yield_keeping(0xa7));
	int sa = wait_status(a), sb = wait_status(b);
	ktap_diag("two tasks yielding to each other: status %#x and %#x (0: registers kept)", sa, sb);
	ktap_ok(sa == 0 && sb == 0, "switch_keeps_state");
}

static void test_fork(void)
{
	static fxstate in, out;
	make_state(&in, 0x5c);
	long pid = syscall_with_state(&in, &out, __NR_fork, 0, 0);
	if (pid == 0)
		_exit(same_state(&out, &in, "child after fork") ? 0 : 1);
	int parent_ok = same_state(&out, &in, "parent after fork");
	int status = pid > 0 ? wait_status((pid_t)pid) : -1;
	ktap_diag("fork: child status %#x (0: it had the parent's registers)", status);
	ktap_ok(parent_ok && status == 0, "fork_copies_state");
}

/* ---- signal frames ---- */

static void test_signal_frames(void)
{
	static fxstate in, out;
	install_handler();
	make_state(&in, 0x21);
	kill_self_with_state(&in, &out, EDIT_NONE);

	ktap_ok(fp_handler_ran && is_initial(&handler_entry_state, "handler's first instruction"),
		"handler_starts_clean");

	ktap_diag("frame: ucontext %#lx, fpregs %#lx, interrupted rsp %#lx", fp_uc_addr, fp_fpregs_addr,
		  fp_interrupted_sp);
	ktap_ok(fp_handler_ran && fp_fpregs_addr && fp_fpregs_addr % 64 == 0 && fp_fpregs_addr > fp_uc_addr &&
		fp_fpregs_addr + 512 <= fp_interrupted_sp - 128 &&
		same_state(&fp_frame_copy, &in, "the frame's fpstate") &&
		fpregs_aligned_at_every_depth(&in, &out),
		"frame_fpstate");

	ktap_ok(fp_handler_ran && same_state(&out, &in, "after a clobbering handler"), "handler_clobber");

	static fxstate want;
	want = in;
	memset(want.xmm[0], 0xee, 16);
	kill_self_with_state(&in, &out, EDIT_XMM0);
	ktap_ok(fp_handler_ran && same_state(&out, &want, "after editing xmm0 in the frame"), "edit_saved_xmm0");

	kill_self_with_state(&in, &out, EDIT_NULL);
	ktap_ok(fp_handler_ran && is_initial(&out, "after a frame with fpregs = NULL"), "null_fpstate");
}

static int bad_frame_child(int mode)
{
	static fxstate in, out;
	install_handler();
	make_state(&in, 0x42);
	kill_self_with_state(&in, &out, mode);
	return 3;                       /* rt_sigreturn took the frame */
}

static void test_bad_frames(void)
{
	static const struct { int mode; const char *what; } cases[] = {
		{ EDIT_UNMAPPED, "an unmapped fpregs" },
		{ EDIT_KERNEL, "a kernel fpregs" },
		{ EDIT_MISALIGNED, "an fpregs 8 bytes off 16-byte alignment" },
		{ EDIT_MXCSR, "a reserved MXCSR bit" },
	};
	int all = 1;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(bad_frame_child(cases[i].mode));
		int status = wait_status(pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV) {
			ktap_diag("%s: child status %#x, want killed by SIGSEGV", cases[i].what, status);
			all = 0;
		}
	}
	ktap_ok(all, "bad_fpstate");
}

/* ---- exceptions ---- */

extern char x87_report_insn[], sse_fault_insn[], int_fault_insn[];

static void x87_divide(void)
{
	static const unsigned short cw = 0x37b;   /* zero-divide unmasked */
	__asm__ volatile("fldcw %0\n\t"
			 "fld1\n\t"
			 "fldz\n\t"
			 "fdivrp\n\t"                   /* 1 / 0: flagged, not yet reported */
			 ".globl x87_report_insn\n"
			 "x87_report_insn:\n\t"
			 "fwait"                        /* #MF here */
			 :: "m"(cw));
}

static void sse_invalid(void)
{
	static const unsigned int mxcsr = 0x1f00;   /* invalid-operation unmasked */
	static const float minus_one = -1.0f;
	__asm__ volatile("ldmxcsr %0\n\t"
			 "movss %1, %%xmm1\n\t"
			 ".globl sse_fault_insn\n"
			 "sse_fault_insn:\n\t"
			 "sqrtss %%xmm1, %%xmm0"        /* #XM here */
			 :: "m"(mxcsr), "m"(minus_one) : "xmm0", "xmm1");
}

static void int_divide(void)
{
	__asm__ volatile("xorl %%ecx, %%ecx\n\t"
			 "movl $1, %%eax\n\t"
			 "cltd\n\t"
			 ".globl int_fault_insn\n"
			 "int_fault_insn:\n\t"
			 "idivl %%ecx" ::: "rax", "rcx", "rdx");
}

static char *report_want_addr;
static int report_want_code;

static void reporting_handler(int sig, siginfo_t *info, void *ucv)
{
	(void)ucv;
	/* exit 0: right code and address; 1: wrong code; 2: wrong address. */
	if (sig != SIGFPE || info->si_code != report_want_code)
		_exit(10 + (sig == SIGFPE ? info->si_code : 0));
	_exit((char *)info->si_addr == report_want_addr ? 0 : 2);
}

static void test_fpe(void (*fault)(void), int want_code, char *want_addr, const char *name)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction act = { .sa_sigaction = reporting_handler, .sa_flags = SA_SIGINFO };
		sigaction(SIGFPE, &act, NULL);
		report_want_code = want_code;
		report_want_addr = want_addr;
		fault();
		_exit(3);               /* no exception at all */
	}
	int status = wait_status(pid);
	ktap_diag("%s: child status %#x (0: SIGFPE with si_code %d at %p; 1x: si_code x; 2: wrong "
		  "si_addr; 3: no exception)", name, status, want_code, want_addr);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", name);
}

/* ---- ptrace ---- */

#define NT_PRSTATUS_SIZE (27 * 8)

struct regset_iovec { void *base; unsigned long len; };

static fxstate tracee_in, tracee_out;

/* The tracee: load our state, stop (SIGSTOP to itself), then report how the
 * state came back in the exit status: 0 as the tracer set it. */
static int tracee(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		return 9;
	make_state(&tracee_in, 0x77);
	syscall_with_state(&tracee_in, &tracee_out, __NR_kill, getpid(), SIGSTOP);
	/* The tracer set xmm3 to 0x3c..., MXCSR to 0x7f80 and the control
	 * word to 0x27f (through the regset). */
	fxstate want = tracee_in;
	memset(want.xmm[3], 0x3c, 16);
	want.mxcsr = 0x7f80;
	want.cwd = 0x7f;
	return same_state(&tracee_out, &want, "tracee after SETFPREGS") ? 0 : 1;
}

static void test_ptrace(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(tracee());
	int status = wait_status(pid);
	if (!WIFSTOPPED(status)) {
		ktap_diag("tracee did not stop: status %#x", status);
		ktap_ok(0, "ptrace_fpregs");
		ktap_ok(0, "ptrace_regset");
		return;
	}
	static fxstate got, want, got2;
	make_state(&want, 0x77);
	long r = ptrace(PTRACE_GETFPREGS, pid, NULL, &got);
	int fp_ok = r == 0 && same_state(&got, &want, "PTRACE_GETFPREGS");
	if (r)
		ktap_diag("PTRACE_GETFPREGS: %ld errno %d", r, errno);
	r = ptrace(PTRACE_GETFPREGS, pid, NULL, (void *)8);
	if (r != -1 || errno != EFAULT) {
		ktap_diag("PTRACE_GETFPREGS to address 8: %ld errno %d, want EFAULT", r, errno);
		fp_ok = 0;
	}
	/* A reserved MXCSR bit would make FXRSTOR fault: Linux 4.3's
	 * xfpregs_set drops it, Linux 5.14 and later refuse with EINVAL. */
	static fxstate reserved;
	reserved = got;
	reserved.mxcsr |= ~got.mxcsr_mask & 0xffff0000u;
	r = ptrace(PTRACE_SETFPREGS, pid, NULL, &reserved);
	if (r == 0)
		r = ptrace(PTRACE_GETFPREGS, pid, NULL, &got2);
	if (r == 0 ? got2.mxcsr != got.mxcsr : errno != EINVAL) {
		ktap_diag("PTRACE_SETFPREGS with a reserved MXCSR bit: %ld errno %d, MXCSR now %#x", r, errno,
			  got2.mxcsr);
		fp_ok = 0;
	}
	got.mxcsr = 0x7f80;
	memset(got.xmm[3], 0x3c, 16);
	r = ptrace(PTRACE_SETFPREGS, pid, NULL, &got);
	if (r)
		ktap_diag("PTRACE_SETFPREGS: %ld errno %d", r, errno);
	fp_ok &= r == 0;

	/* The regsets. */
	int rs_ok = 1;
	static unsigned char buf[1024];
	memset(buf, 0xa5, sizeof(buf));
	struct regset_iovec iov = { buf, sizeof(buf) };
	r = ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRFPREG, &iov);
	memcpy(&got2, buf, 512);
	if (r || iov.len != 512 || buf[512] != 0xa5 || got2.mxcsr != 0x7f80 || got2.xmm[3][0] != 0x3c) {
		ktap_diag("GETREGSET NT_PRFPREG 1024 bytes: %ld, len %lu (want 512), mxcsr %#x (want 0x7f80)",
			  r, iov.len, got2.mxcsr);
		rs_ok = 0;
	}
	memset(buf, 0xa5, sizeof(buf));
	iov.len = 8;
	r = ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRFPREG, &iov);
	if (r || iov.len != 8 || buf[8] != 0xa5 || *(unsigned short *)buf != got2.cwd) {
		ktap_diag("GETREGSET NT_PRFPREG 8 bytes: %ld, len %lu, byte 8 %#x (want 0xa5)", r, iov.len, buf[8]);
		rs_ok = 0;
	}
	iov.len = 12;
	r = ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRFPREG, &iov);
	if (r != -1 || errno != EINVAL) {
		ktap_diag("GETREGSET with 12 bytes: %ld errno %d, want EINVAL", r, errno);
		rs_ok = 0;
	}
	iov.len = 512;
	r = ptrace(PTRACE_GETREGSET, pid, (void *)0x999, &iov);
	if (r != -1 || errno != EINVAL) {
		ktap_diag("GETREGSET of set 0x999: %ld errno %d, want EINVAL", r, errno);
		rs_ok = 0;
	}
	r = ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRFPREG, (void *)8);
	if (r != -1 || errno != EFAULT) {
		ktap_diag("GETREGSET with the iovec at address 8: %ld errno %d, want EFAULT", r, errno);
		rs_ok = 0;
	}
	struct user_regs_struct regs, regs2;
	memset(buf, 0, sizeof(buf));
	iov.base = buf;
	iov.len = sizeof(buf);
	r = ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &iov);
	long r2 = ptrace(PTRACE_GETREGS, pid, NULL, &regs);
	memcpy(&regs2, buf, sizeof(regs2));
	if (r || r2 || iov.len != NT_PRSTATUS_SIZE || regs2.rip != regs.rip || regs2.rsp != regs.rsp) {
		ktap_diag("GETREGSET NT_PRSTATUS: %ld, len %lu (want %d), rip %#lx (GETREGS %#lx)", r, iov.len,
			  NT_PRSTATUS_SIZE, regs2.rip, regs.rip);
		rs_ok = 0;
	}
	/* SETREGSET of the control word. Linux 4.3 takes a part of the set
	 * (here the first 8 bytes: cwd, swd, ftw, fop); 5.14 and later want
	 * all 512 bytes. */
	got2.cwd = 0x7f;
	iov.base = &got2;
	iov.len = running_on_ringside() ? 8 : 512;
	unsigned long want_len = iov.len;
	r = ptrace(PTRACE_SETREGSET, pid, (void *)NT_PRFPREG, &iov);
	if (r || iov.len != want_len) {
		ktap_diag("SETREGSET NT_PRFPREG %lu bytes: %ld errno %d, len %lu", want_len, r, errno, iov.len);
		rs_ok = 0;
	}
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	status = wait_status(pid);
	ktap_diag("tracee after the tracer's changes: status %#x (0: xmm3, MXCSR and cwd as set)", status);
	ktap_ok(fp_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0, "ptrace_fpregs");
	ktap_ok(rs_ok, "ptrace_regset");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: fputest\nThe x87/SSE state of a task: context switches, fork, signal frames,\n"
		       "SIGFPE, ptrace. KTAP on stdout; exit status 0 when every check passed.\n");
		return 0;
	}
	ktap_plan(13);
	test_switch();
	test_fork();
	test_signal_frames();
	test_bad_frames();
	test_fpe(x87_divide, FPE_FLTDIV, x87_report_insn, "x87_sigfpe");
	/* QEMU's TCG (7.2) computes SSE exception flags but never raises #XM:
	 * on Ringside the kernel's side is checked by ktest fpu instead. */
	if (running_on_ringside())
		ktap_skip("QEMU TCG raises no #XM; see ktest fpu_exception_code", "sse_sigfpe");
	else
		test_fpe(sse_invalid, FPE_FLTINV, sse_fault_insn, "sse_sigfpe");
	test_fpe(int_divide, FPE_INTDIV, int_fault_insn, "int_sigfpe");
	test_ptrace();
	return ktap_finish();
}
