/* int80ptrace: the i386 ptrace (26) made with `int $0x80` by this 64-bit
 * tracer, as a 64-bit Linux with CONFIG_IA32_EMULATION answers it
 * (compat_sys_ptrace -> compat_arch_ptrace -> ia32_arch_ptrace, taken
 * because int $0x80 sets TS_COMPAT): the tracee's registers through the
 * i386 layouts (struct user32 offsets for PEEKUSR/POKEUSR, the 17 words of
 * user_regs_struct32 for GETREGS/SETREGS, user_i387_ia32_struct for
 * GETFPREGS, the FXSAVE image for GETFPXREGS), 4-byte PEEKDATA, POKEDATA
 * and GETEVENTMSG, the compat siginfo of GETSIGINFO, and GETREGSET's
 * compat_iovec with the tracer's (64-bit) regset view. Each answer is
 * compared with what the 64-bit ptrace says about the same tracee.
 * Every pointer handed to int $0x80 is static data, below 4 GiB. */
#include "abi.h"
#include <signal.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <elf.h>
#include <stddef.h>

enum { I_ptrace = 26 };

static long i80(long nr, long a, long b, long c, long d)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d) : "memory", "cc");
	return r;
}
#define P(x) ((long)(uintptr_t)(x))
#define PT(req, pid, addr, data) i80(I_ptrace, req, pid, P(addr), P(data))
#define PT64(req, pid, addr, data) syscall(SYS_ptrace, req, pid, addr, data)

static void R(const char *label, long r)
{
	if (r < 0 && r > -4096)
		printf("%s: -1 %s\n", label, ename((int)-r));
	else
		printf("%s: %ld\n", label, r);
}

/* struct user_regs_struct32, and which 64-bit register each word shows. */
static const char *const names32[17] = { "ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es",
					 "fs", "gs", "orig_eax", "eip", "cs", "eflags", "esp", "ss" };
#define W(f) (offsetof(struct user_regs_struct, f) / 8)
static const unsigned from64[17] = { W(rbx), W(rcx), W(rdx), W(rsi), W(rdi), W(rbp), W(rax), W(ds), W(es),
				     W(fs), W(gs), W(orig_rax), W(rip), W(cs), W(eflags), W(rsp), W(ss) };

static volatile uint64_t pvar = 0x1122334455667788ull;
static uint32_t regs32[18], peek[17], word[2];
static uint64_t word64;
static struct user_regs_struct regs64, saved64;
static unsigned char siginfo32[128];
static unsigned char fp32[112], fxsave[512], fx64[512];
static unsigned char regset[224];
static uint32_t iov32[3];

/* The tracee: stops with SIGSTOP holding two x87 values (1.0 below 0.0),
 * then makes getpid with known registers (rdi 0x1001, rsi 0x1002, rdx
 * 0x1003, rbx 0x1007, rbp 0x1008) for the tracer to stop at its entry. */
static void tracee(void)
{
	syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
	__asm__ volatile("fld1\n\tfldz");
	pid_t me = getpid();
	syscall(SYS_kill, me, SIGSTOP);
	long r;
	register long r10 __asm__("r10") = 0x1004, r8 __asm__("r8") = 0x1005, r9 __asm__("r9") = 0x1006;
	__asm__ volatile("sub $128, %%rsp\n\tpush %%rbx\n\tpush %%rbp\n\tmov $0x1007, %%ebx\n\t"
			 "mov $0x1008, %%ebp\n\tsyscall\n\tpop %%rbp\n\tpop %%rbx\n\tadd $128, %%rsp"
			 : "=a"(r)
			 : "a"(39L), "D"(0x1001L), "S"(0x1002L), "d"(0x1003L), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory", "cc");
	_exit(r == me ? 7 : 8);
}

static void at_sigstop(pid_t pid)
{
	/* GETSIGINFO: compat_siginfo, the sender's pid at 12 and uid at 16. */
	memset(siginfo32, 0xaa, sizeof(siginfo32));
	R("GETSIGINFO", PT(PTRACE_GETSIGINFO, pid, 0, siginfo32));
	int32_t f[5];
	memcpy(f, siginfo32, sizeof(f));
	printf("siginfo32: signo %d errno %d code %d\n", f[0], f[1], f[2]);
	Y("siginfo32: pid at 12, uid at 16", f[3] == pid && f[4] == (int32_t)getuid());
	R("GETSIGINFO bad pointer", PT(PTRACE_GETSIGINFO, pid, 0, BAD_PTR));

	/* PEEKDATA/POKEDATA move 4 bytes. */
	memset(word, 0xee, sizeof(word));
	R("PEEKDATA", PT(PTRACE_PEEKDATA, pid, &pvar, word));
	printf("PEEKDATA: %#x, next word untouched: %s\n", word[0], word[1] == 0xeeeeeeee ? "yes" : "no");
	R("PEEKDATA bad address", PT(PTRACE_PEEKDATA, pid, BAD_PTR, word));
	R("PEEKDATA bad destination", PT(PTRACE_PEEKDATA, pid, &pvar, BAD_PTR));
	R("POKEDATA", PT(PTRACE_POKEDATA, pid, &pvar, 0xcafebabe));
	PT64(PTRACE_PEEKDATA, pid, &pvar, &word64);
	printf("POKEDATA: the tracee's word is now %#llx\n", (unsigned long long)word64);
	R("POKEDATA bad address", PT(PTRACE_POKEDATA, pid, BAD_PTR, 1));

	/* GETFPREGS: user_i387_ia32_struct. x87 stack: st0 = 0.0, st1 = 1.0,
	 * top 6: registers 6 (zero) and 7 (valid) in use, the rest empty. */
	PT64(PTRACE_GETREGS, pid, 0, &regs64);
	PT64(PTRACE_GETFPREGS, pid, 0, fx64);
	memset(fp32, 0xaa, sizeof(fp32));
	R("GETFPREGS", PT(PTRACE_GETFPREGS, pid, 0, fp32));
	uint32_t env[7];
	memcpy(env, fp32, sizeof(env));
	printf("i387: cwd %#x swd %#x twd %#x\n", env[0], env[1], env[2]);
	Y("i387: fip/foo are FXSAVE's, fcs the cs, fos the ds with 0xffff above",
	  env[3] == *(uint32_t *)(fx64 + 8) && env[5] == *(uint32_t *)(fx64 + 16) && env[4] == regs64.cs &&
	  env[6] == (0xffff0000u | (uint32_t)regs64.ds));
	int regs_same = 1;
	for (int i = 0; i < 8; i++)
		regs_same &= !memcmp(fp32 + 28 + i * 10, fx64 + 32 + i * 16, 10);
	Y("i387: st0-st7 are FXSAVE's, 10 bytes each", regs_same);
	Y("i387: 108 bytes written", fp32[107] != 0xaa && fp32[108] == 0xaa);
	R("GETFPREGS bad pointer", PT(PTRACE_GETFPREGS, pid, 0, BAD_PTR));
	memset(fxsave, 0xaa, sizeof(fxsave));
	R("GETFPXREGS", PT(PTRACE_GETFPXREGS, pid, 0, fxsave));
	Y("GETFPXREGS: the 64-bit GETFPREGS image", !memcmp(fxsave, fx64, 512));
	/* SETFPREGS: a new control word, and register 5 tagged valid (its
	 * abridged bit set). */
	env[0] = 0x27f;
	env[2] = 0xffff03ff & ~(3u << 10);
	memcpy(fp32, env, sizeof(env));
	R("SETFPREGS", PT(PTRACE_SETFPREGS, pid, 0, fp32));
	PT64(PTRACE_GETFPREGS, pid, 0, fx64);
	printf("SETFPREGS: cwd %#x, abridged twd %#x\n", *(uint16_t *)fx64, fx64[4]);
	R("SETFPREGS bad pointer", PT(PTRACE_SETFPREGS, pid, 0, BAD_PTR));
	R("SETFPXREGS back", PT(PTRACE_SETFPXREGS, pid, 0, fxsave));
	PT64(PTRACE_GETFPREGS, pid, 0, fx64);
	Y("SETFPXREGS: restored", !memcmp(fxsave, fx64, 512));
	R("SETOPTIONS TRACEEXIT", PT(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXIT));
}

static void at_getpid_entry(pid_t pid)
{
	PT64(PTRACE_GETREGS, pid, 0, &regs64);
	saved64 = regs64;
	const unsigned long *r64 = (const unsigned long *)&regs64;
	int agree = 1;
	for (int w = 0; w < 17; w++) {
		long r = PT(PTRACE_PEEKUSER, pid, w * 4, &peek[w]);
		uint32_t want = (uint32_t)r64[from64[w]];
		if (w >= 7 && w <= 10)
			want &= 0xffff;
		if (r || peek[w] != want) {
			printf("PEEKUSR %s (offset %d): %ld, %#x, the 64-bit one %#lx\n", names32[w], w * 4, r,
			       peek[w], r64[from64[w]]);
			agree = 0;
		}
	}
	Y("PEEKUSR: each user32 word is its 64-bit register cut to 32 bits", agree);
	printf("at the entry: ebx %#x edx %#x esi %#x edi %#x ebp %#x eax %d orig_eax %d\n", peek[0], peek[2],
	       peek[3], peek[4], peek[5], (int)peek[6], (int)peek[11]);
	memset(regs32, 0xaa, sizeof(regs32));
	R("GETREGS", PT(PTRACE_GETREGS, pid, 0, regs32));
	Y("GETREGS: 17 words, PEEKUSR's, in user_regs_struct32's order",
	  !memcmp(regs32, peek, sizeof(peek)) && regs32[17] == 0xaaaaaaaa);
	R("GETREGS bad pointer", PT(PTRACE_GETREGS, pid, 0, BAD_PTR));
	static uint32_t v;
	v = 0xeeeeeeee;
	R("PEEKUSR offset 2", PT(PTRACE_PEEKUSER, pid, 2, &v));
	R("PEEKUSR i387 area (offset 100)", PT(PTRACE_PEEKUSER, pid, 100, &v));
	printf("  reads %#x\n", v);
	v = 0xeeeeeeee;
	R("PEEKUSR u_debugreg[7] (offset 280)", PT(PTRACE_PEEKUSER, pid, 280, &v));
	printf("  reads %#x\n", v);
	R("PEEKUSR offset 284, sizeof(struct user32)", PT(PTRACE_PEEKUSER, pid, 284, &v));
	R("PEEKUSR offset 288", PT(PTRACE_PEEKUSER, pid, 288, &v));
	R("PEEKUSR bad destination", PT(PTRACE_PEEKUSER, pid, 0, BAD_PTR));

	/* POKEUSR: zero-extended into the 64-bit registers. */
	R("POKEUSR ebx 0xdeadbeef", PT(PTRACE_POKEUSER, pid, 0, 0xdeadbeef));
	R("POKEUSR orig_eax -1", PT(PTRACE_POKEUSER, pid, 44, 0xffffffff));
	R("POKEUSR eax -1", PT(PTRACE_POKEUSER, pid, 24, 0xffffffff));
	PT64(PTRACE_GETREGS, pid, 0, &regs64);
	printf("POKEUSR: rbx %#lx orig_rax %#lx rax %#lx\n", (unsigned long)regs64.rbx, (unsigned long)regs64.orig_rax, (unsigned long)regs64.rax);
	R("POKEUSR cs 0", PT(PTRACE_POKEUSER, pid, 52, 0));
	R("POKEUSR ss 0", PT(PTRACE_POKEUSER, pid, 64, 0));
	R("POKEUSR ds RPL 0", PT(PTRACE_POKEUSER, pid, 28, 0x10));
	R("POKEUSR fs RPL 1", PT(PTRACE_POKEUSER, pid, 36, 0x19));
	R("POKEUSR i387 area (ignored)", PT(PTRACE_POKEUSER, pid, 100, 5));
	R("POKEUSR u_debugreg[7] 0", PT(PTRACE_POKEUSER, pid, 280, 0));
	R("POKEUSR u_debugreg[4]", PT(PTRACE_POKEUSER, pid, 268, 0));
	R("POKEUSR offset 6", PT(PTRACE_POKEUSER, pid, 6, 0));
	R("POKEUSR offset 288", PT(PTRACE_POKEUSER, pid, 288, 0));

	/* SETREGS: the 17 words, each zero-extended (rsp too: cut below 4 GiB). */
	memcpy(regs32, peek, sizeof(peek));
	regs32[3] = 0x89abcdef;
	R("SETREGS", PT(PTRACE_SETREGS, pid, 0, regs32));
	PT64(PTRACE_GETREGS, pid, 0, &regs64);
	Y("SETREGS: rsi 0x89abcdef, rdi and rsp cut to their low halves",
	  regs64.rsi == 0x89abcdef && regs64.rdi == 0x1001 && regs64.rsp == (uint32_t)saved64.rsp &&
	  regs64.rbx == peek[0] && regs64.rbp == 0x1008);
	regs32[8] = 0x10;                    /* es with RPL 0 */
	R("SETREGS bad es", PT(PTRACE_SETREGS, pid, 0, regs32));
	R("SETREGS bad pointer", PT(PTRACE_SETREGS, pid, 0, BAD_PTR));

	/* GETREGSET: a compat_iovec; a 64-bit tracer's view is x86-64's. */
	PT64(PTRACE_SETREGS, pid, 0, &saved64);
	memset(regset, 0xaa, sizeof(regset));
	iov32[0] = (uint32_t)(uintptr_t)regset;
	iov32[1] = sizeof(regset);
	iov32[2] = 0xeeeeeeee;
	R("GETREGSET NT_PRSTATUS", PT(PTRACE_GETREGSET, pid, NT_PRSTATUS, iov32));
	printf("GETREGSET: length %u, next word untouched: %s\n", iov32[1], iov32[2] == 0xeeeeeeee ? "yes" : "no");
	Y("GETREGSET: the 64-bit user_regs_struct", !memcmp(regset, &saved64, sizeof(saved64)));
	iov32[1] = 12;
	R("GETREGSET length 12", PT(PTRACE_GETREGSET, pid, NT_PRSTATUS, iov32));
	iov32[1] = 512;
	iov32[0] = (uint32_t)(uintptr_t)fxsave;
	R("GETREGSET NT_PRFPREG", PT(PTRACE_GETREGSET, pid, NT_PRFPREG, iov32));
	printf("GETREGSET NT_PRFPREG: length %u\n", iov32[1]);
	R("GETREGSET NT_PRXFPREG", PT(PTRACE_GETREGSET, pid, NT_PRXFPREG, iov32));
	R("GETREGSET bad iovec", PT(PTRACE_GETREGSET, pid, NT_PRSTATUS, BAD_PTR));
	iov32[0] = 0x10;
	iov32[1] = 216;
	R("GETREGSET bad buffer", PT(PTRACE_GETREGSET, pid, NT_PRSTATUS, iov32));
	R("CONT", PT(PTRACE_CONT, pid, 0, 0));
}

int main(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		tracee();
	int st;
	waitpid(pid, &st, 0);
	printf("stopped by SIGSTOP: %s\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP ? "yes" : "no");
	at_sigstop(pid);
	R("SYSCALL", PT(PTRACE_SYSCALL, pid, 0, 0));
	waitpid(pid, &st, 0);
	printf("stopped at a syscall: %s\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP ? "yes" : "no");
	at_getpid_entry(pid);
	waitpid(pid, &st, 0);
	printf("exit event stop: %s\n", WIFSTOPPED(st) && st >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8) ? "yes" : "no");
	memset(word, 0xee, sizeof(word));
	R("GETEVENTMSG", PT(PTRACE_GETEVENTMSG, pid, 0, word));
	printf("GETEVENTMSG: %#x, next word untouched: %s\n", word[0], word[1] == 0xeeeeeeee ? "yes" : "no");
	R("GETEVENTMSG bad pointer", PT(PTRACE_GETEVENTMSG, pid, 0, BAD_PTR));
	R("PEEKUSR of a task that is not stopped for us", PT(PTRACE_PEEKUSER, 1, 0, word));
	R("DETACH", PT(PTRACE_DETACH, pid, 0, 0));
	waitpid(pid, &st, 0);
	printf("the tracee's exit status: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}
