/* entrytest: entry and exit semantics real programs (and Linux's own x86
 * entry selftests) rely on.
 *
 *   exec_registers   at the first instruction after execve every general
 *                    register but rsp is 0 and rflags is 0x202, whatever
 *                    the caller of execve had in them
 *   exec_fpu         ... and the x87/SSE state is Linux's initial one
 *   nt_flag          EFLAGS.NT set before `syscall` (SYSRET exit) and
 *                    `int $0x80` (IRET exit) is still set after it, across
 *                    timer interrupts and context switches too
 *   tf_syscall       a program single-stepping itself (TF) over `syscall`
 *                    gets one SIGTRAP right after it: not none, not two,
 *                    not one instruction late; and no SYSRET with TF set
 *   int80_registers  int $0x80 from a 64-bit task preserves rbx, rcx, rdx,
 *                    rsi, rdi, rbp and r8-r15 (r8-r11 since Linux 4.17;
 *                    4.3 returned them zeroed)
 * The program's entry point is entrytest_start (linked with -e): it records
 * the registers before any libc code runs, then jumps to _start.
 * KTAP on stdout. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ringside.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fpstate.h"

/* rax rbx rcx rdx rsi rdi rbp r8..r15, rsp, rflags */
unsigned long entry_regs[18];
fxstate entry_fx;
static const char *const reg_names[16] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
	"r9", "r10", "r11", "r12", "r13", "r14", "r15", "rsp",
};

__asm__(".text\n"
	".globl entrytest_start\n"
	"entrytest_start:\n"
	"\tmovq %rax, entry_regs+0(%rip)\n"
	"\tmovq %rbx, entry_regs+8(%rip)\n"
	"\tmovq %rcx, entry_regs+16(%rip)\n"
	"\tmovq %rdx, entry_regs+24(%rip)\n"
	"\tmovq %rsi, entry_regs+32(%rip)\n"
	"\tmovq %rdi, entry_regs+40(%rip)\n"
	"\tmovq %rbp, entry_regs+48(%rip)\n"
	"\tmovq %r8, entry_regs+56(%rip)\n"
	"\tmovq %r9, entry_regs+64(%rip)\n"
	"\tmovq %r10, entry_regs+72(%rip)\n"
	"\tmovq %r11, entry_regs+80(%rip)\n"
	"\tmovq %r12, entry_regs+88(%rip)\n"
	"\tmovq %r13, entry_regs+96(%rip)\n"
	"\tmovq %r14, entry_regs+104(%rip)\n"
	"\tmovq %r15, entry_regs+112(%rip)\n"
	"\tmovq %rsp, entry_regs+120(%rip)\n"
	"\tpushfq\n"
	"\tpopq entry_regs+128(%rip)\n"
	"\tfxsave64 entry_fx(%rip)\n"
	"\tjmp _start\n");

/* The exec'd copy: report what entrytest_start saw, as an exit status bit
 * mask: 1 a general register, 2 rflags, 4 the FPU. */
static int report_entry(void)
{
	int bad = 0;
	for (int i = 0; i < 15; i++)
		if (entry_regs[i]) {
			ktap_diag("after execve: %s = %#lx, want 0", reg_names[i], entry_regs[i]);
			bad |= 1;
		}
	if (entry_regs[16] != 0x202) {
		ktap_diag("after execve: rflags = %#lx, want 0x202", entry_regs[16]);
		bad |= 2;
	}
	if (!is_initial(&entry_fx, "after execve"))
		bad |= 4;
	return bad;
}

/* execve(path, argv, envp) with every other register and the FPU dirty. */
static long dirty_execve(const char *path, char *const argv[], char *const envp[])
{
	static fxstate dirty;
	make_state(&dirty, 0x99);
	long ret;
	__asm__ volatile("fxrstor64 (%[fx])\n\t"
			 "pushq %%rbp\n\t"
			 "pushq %%rbx\n\t"
			 "pushq %%r12\n\t"
			 "pushq %%r13\n\t"
			 "pushq %%r14\n\t"
			 "pushq %%r15\n\t"
			 "movq $-1, %%rbx\n\t"
			 "movq $-1, %%rbp\n\t"
			 "movq $-1, %%r8\n\t"
			 "movq $-1, %%r9\n\t"
			 "movq $-1, %%r10\n\t"
			 "movq $-1, %%r12\n\t"
			 "movq $-1, %%r13\n\t"
			 "movq $-1, %%r14\n\t"
			 "movq $-1, %%r15\n\t"
			 "pushfq\n\t"
			 "orq $0x0cd5, (%%rsp)\n\t"      /* CF PF AF ZF SF DF OF */
			 "popfq\n\t"
			 "syscall\n\t"
			 "cld\n\t"                        /* only if execve failed */
			 "popq %%r15\n\t"
			 "popq %%r14\n\t"
			 "popq %%r13\n\t"
			 "popq %%r12\n\t"
			 "popq %%rbx\n\t"
			 "popq %%rbp"
			 : "=a"(ret)
			 : "0"((long)__NR_execve), "D"(path), "S"(argv), "d"(envp), [fx] "c"(&dirty)
			 : "r8", "r9", "r10", "r11", "memory", "cc", CLOBBERS);
	return ret;
}

static void test_exec(const char *self)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)self, "--report-entry", NULL };
		char *envp[] = { NULL };
		dirty_execve(self, argv, envp);
		_exit(99);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	ktap_diag("exec'd copy: status %#x (0: all clear; bits 1 GPR, 2 rflags, 4 FPU; 99: execve failed)", status);
	ktap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 3) && WEXITSTATUS(status) != 99, "exec_registers");
	ktap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 4) && WEXITSTATUS(status) != 99, "exec_fpu");
}

#define NT 0x4000UL
#define TF 0x100UL

/* rflags after a syscall (or int $0x80) made with NT set. */
static unsigned long flags_after(int int80, long nr)
{
	unsigned long flags;
	if (int80)
		__asm__ volatile("pushfq\n\t"
				 "orq $0x4000, (%%rsp)\n\t"
				 "popfq\n\t"
				 "int $0x80\n\t"
				 "pushfq\n\t"
				 "popq %0\n\t"
				 "pushq %0\n\t"
				 "andq $~0x4000, (%%rsp)\n\t"
				 "popfq"
				 : "=r"(flags), "+a"(nr) : : "rbx", "rcx", "rdx", "rsi", "rdi", "memory", "cc");
	else
		__asm__ volatile("pushfq\n\t"
				 "orq $0x4000, (%%rsp)\n\t"
				 "popfq\n\t"
				 "syscall\n\t"
				 "pushfq\n\t"
				 "popq %0\n\t"
				 "pushq %0\n\t"
				 "andq $~0x4000, (%%rsp)\n\t"
				 "popfq"
				 : "=r"(flags), "+a"(nr) : : "rcx", "r11", "memory", "cc");
	return flags;
}

/* NT held across many syscalls, timer interrupts and switches to a
 * spinning sibling, then read back. */
static unsigned long nt_across_switches(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq\n\t"
			 "orq $0x4000, (%%rsp)\n\t"
			 "popfq\n\t"
			 "movl $100, %%r12d\n"
			 "1:\tmovl %[yield], %%eax\n\t"
			 "syscall\n\t"
			 "movl $20000, %%ecx\n"
			 "2:\tdecl %%ecx\n\t"
			 "jnz 2b\n\t"
			 "decl %%r12d\n\t"
			 "jnz 1b\n\t"
			 "pushfq\n\t"
			 "popq %0\n\t"
			 "pushq %0\n\t"
			 "andq $~0x4000, (%%rsp)\n\t"
			 "popfq"
			 : "=r"(flags) : [yield] "i"(__NR_sched_yield) : "rax", "rcx", "r11", "r12", "memory", "cc");
	return flags;
}

static void test_nt(void)
{
	unsigned long sc = flags_after(0, __NR_getpid);
	unsigned long i80 = flags_after(1, __NR_ia32_getpid);
	pid_t spinner = fork();
	if (spinner == 0) {
		for (volatile unsigned long i = 0; i < 30000000UL; i++)
			;
		_exit(0);
	}
	unsigned long sw = nt_across_switches();
	kill(spinner, SIGKILL);
	waitpid(spinner, NULL, 0);
	ktap_diag("rflags after syscall %#lx, after int $0x80 %#lx, after yields %#lx (NT = 0x4000)", sc, i80, sw);
	ktap_ok((sc & NT) && (i80 & NT) && (sw & NT), "nt_flag");
}

/* ---- single-stepping ourselves over syscall ---- */

#define MAX_TRAPS 16
static volatile unsigned long trap_ip[MAX_TRAPS];
static volatile int traps;

static void sigtrap_handler(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)info;
	if (traps < MAX_TRAPS)
		trap_ip[traps] = uc->uc_mcontext.gregs[REG_RIP];
	traps++;
}

extern char step_before_syscall[], step_after_syscall[], step_after_nop[];

static void test_tf(void)
{
	struct sigaction act = { .sa_sigaction = sigtrap_handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGTRAP, &act, NULL);
	traps = 0;
	struct ringside_entry_stats before, after;
	sys_ringside_stats(&before);
	__asm__ volatile("pushfq\n\t"
			 "orq $0x100, (%%rsp)\n\t"
			 "popfq\n\t"                      /* traps after the next insn */
			 "movl %[getpid], %%eax\n"
			 ".globl step_before_syscall\n"
			 "step_before_syscall:\n\t"
			 "syscall\n"
			 ".globl step_after_syscall\n"
			 "step_after_syscall:\n\t"
			 "nop\n"
			 ".globl step_after_nop\n"
			 "step_after_nop:\n\t"
			 "pushfq\n\t"
			 "andq $~0x100, (%%rsp)\n\t"
			 "popfq"
			 : : [getpid] "i"(__NR_getpid) : "rax", "rcx", "r11", "memory", "cc");
	sys_ringside_stats(&after);
	/* The first counting call leaves by SYSRET after it counted; nothing
	 * else in between may: not the stepped syscall, not the handlers'
	 * rt_sigreturn back into a TF-set context. */
	unsigned long sysrets = after.sysret_exits - before.sysret_exits - 1;
	ktap_diag("SYSRET exits while TF was set: %lu (want 0)", sysrets);
	int at_syscall = 0, after_syscall = 0, after_nop = 0, order_ok = 1;
	for (int i = 0; i < traps && i < MAX_TRAPS; i++) {
		unsigned long ip = trap_ip[i];
		ktap_diag("SIGTRAP %d at %#lx%s", i, ip,
			  ip == (unsigned long)step_before_syscall ? " (before syscall)" :
			  ip == (unsigned long)step_after_syscall ? " (right after syscall)" :
			  ip == (unsigned long)step_after_nop ? " (after the nop)" : "");
		at_syscall += ip == (unsigned long)step_before_syscall;
		after_syscall += ip == (unsigned long)step_after_syscall;
		after_nop += ip == (unsigned long)step_after_nop;
		if (i > 0 && trap_ip[i - 1] == (unsigned long)step_before_syscall &&
		    ip != (unsigned long)step_after_syscall)
			order_ok = 0;
	}
	ktap_ok(at_syscall == 1 && after_syscall == 1 && after_nop == 1 && order_ok && sysrets == 0, "tf_syscall");
	act.sa_sigaction = NULL;
	act.sa_flags = 0;
	sigaction(SIGTRAP, &act, NULL);
}

/* ---- int $0x80 from a 64-bit task ---- */

static void test_int80(void)
{
	static const unsigned long want[14] = {
		0x1111111111111111UL, 0x2222222222222222UL, 0x3333333333333333UL, 0x4444444444444444UL,
		0x5555555555555555UL, 0x6666666666666666UL, 0x7777777777777777UL, 0x8888888888888888UL,
		0x9999999999999999UL, 0xaaaaaaaaaaaaaaaaUL, 0xbbbbbbbbbbbbbbbbUL, 0xccccccccccccccccUL,
		0xddddddddddddddddUL, 0xeeeeeeeeeeeeeeeeUL,
	};
	static const char *const names[14] = {
		"rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	static unsigned long got[14];
	__asm__ volatile("pushq %%rbp\n\t"
			 "pushq %%rbx\n\t"
			 "pushq %%r12\n\t"
			 "pushq %%r13\n\t"
			 "pushq %%r14\n\t"
			 "pushq %%r15\n\t"
			 "pushq %[got]\n\t"
			 "movq 0(%[want]), %%rbx\n\t"
			 "movq 8(%[want]), %%rcx\n\t"
			 "movq 16(%[want]), %%rdx\n\t"
			 "movq 24(%[want]), %%rsi\n\t"
			 "movq 32(%[want]), %%rdi\n\t"
			 "movq 40(%[want]), %%rbp\n\t"
			 "movq 48(%[want]), %%r8\n\t"
			 "movq 56(%[want]), %%r9\n\t"
			 "movq 64(%[want]), %%r10\n\t"
			 "movq 72(%[want]), %%r11\n\t"
			 "movq 80(%[want]), %%r12\n\t"
			 "movq 88(%[want]), %%r13\n\t"
			 "movq 96(%[want]), %%r14\n\t"
			 "movq 104(%[want]), %%r15\n\t"
			 "movl %[nr], %%eax\n\t"
			 "int $0x80\n\t"
			 "popq %%rax\n\t"                 /* got */
			 "movq %%rbx, 0(%%rax)\n\t"
			 "movq %%rcx, 8(%%rax)\n\t"
			 "movq %%rdx, 16(%%rax)\n\t"
			 "movq %%rsi, 24(%%rax)\n\t"
			 "movq %%rdi, 32(%%rax)\n\t"
			 "movq %%rbp, 40(%%rax)\n\t"
			 "movq %%r8, 48(%%rax)\n\t"
			 "movq %%r9, 56(%%rax)\n\t"
			 "movq %%r10, 64(%%rax)\n\t"
			 "movq %%r11, 72(%%rax)\n\t"
			 "movq %%r12, 80(%%rax)\n\t"
			 "movq %%r13, 88(%%rax)\n\t"
			 "movq %%r14, 96(%%rax)\n\t"
			 "movq %%r15, 104(%%rax)\n\t"
			 "popq %%r15\n\t"
			 "popq %%r14\n\t"
			 "popq %%r13\n\t"
			 "popq %%r12\n\t"
			 "popq %%rbx\n\t"
			 "popq %%rbp"
			 :
			 : [got] "r"(got), [want] "a"(want), [nr] "i"(__NR_ia32_getpid)
			 : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
	int all = 1;
	for (int i = 0; i < 14; i++)
		if (got[i] != want[i]) {
			ktap_diag("%s after int $0x80: %#lx, want %#lx", names[i], got[i], want[i]);
			all = 0;
		}
	ktap_ok(all, "int80_registers");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--report-entry"))
		return report_entry();
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: entrytest\nEntry and exit semantics: registers after execve, EFLAGS.NT, TF over\n"
		       "syscall, int $0x80's registers. KTAP on stdout; exit status 0 when every\n"
		       "check passed.\n");
		return 0;
	}
	ktap_plan(5);
	test_exec(argv[0]);
	test_nt();
	/* Linux 4.3 left the fast path by SYSRET even with TF set, and SYSRET's
	 * trap comes right after the syscall; later Linux (no fast path: every
	 * return passes the SYSRET checks) takes IRET, whose trap comes one
	 * instruction late. Ringside gives 4.3's answer without SYSRET, so this
	 * check is Ringside's own. */
	if (running_on_ringside())
		test_tf();
	else
		ktap_skip("recent Linux traps one instruction late (IRET)", "tf_syscall");
	test_int80();
	return ktap_finish();
}
