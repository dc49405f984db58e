/* calleesaved: the callee-saved registers rbx, rbp, r12-r15 across a
 * syscall, wherever the kernel needs them in pt_regs.
 *
 * As in Linux 4.3, the SYSCALL fast path does not save these six: they stay
 * live in the CPU (C code preserves them) and pt_regs has empty slots for
 * them. Everything that reads or writes the whole frame must fill the slots
 * first (SAVE_EXTRA_REGS) and load them back after (RESTORE_EXTRA_REGS). The
 * checks, each with its own pattern in the six registers:
 *   - a fast-path getpid leaves them untouched (and is a fast-path SYSRET);
 *   - a tracer at the syscall-entry stop reads them (GETREGS and PEEKUSER),
 *     writes new ones (SETREGS, POKEUSER), reads its writes back at the exit
 *     stop and rewrites four of them; after the call the tracee has rbx and
 *     rbp from the entry stop, r12-r15 from the exit stop;
 *   - a signal raised by a syscall: the handler's uc_mcontext holds them, and
 *     the values the handler writes there are live after rt_sigreturn;
 *   - the child of a raw fork has the parent's values;
 *   - after execve every one is 0 (Linux: all registers but rsp), both in
 *     the tracer's view at the exec stop and in the CPU one step later.
 * KTAP on stdout; runs on Linux too (the stats check is skipped there). */
#include <ktap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/ringside.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define PLAN 11
#define NREGS 6
static const char *const reg_names[NREGS] = { "rbx", "rbp", "r12", "r13", "r14", "r15" };

/* syscall_with(nr, a0, a1, a2, in, out): load rbx rbp r12-r15 from
 * in[0..5], run `syscall` with rax = nr and the arguments in rdi, rsi, rdx,
 * store the six registers as they are right after it into out[0..5], and
 * return rax. Nothing runs between the loads, the syscall and the stores. */
long syscall_with(long nr, long a0, long a1, long a2, const unsigned long *in, unsigned long *out);
__asm__(
	"	.text\n"
	"	.globl syscall_with\n"
	"	.type syscall_with, @function\n"
	"syscall_with:\n"
	"	pushq %rbx\n	pushq %rbp\n	pushq %r12\n	pushq %r13\n	pushq %r14\n	pushq %r15\n"
	"	pushq %r9\n"
	"	movq %rdi, %rax\n"
	"	movq %rsi, %rdi\n"
	"	movq %rdx, %rsi\n"
	"	movq %rcx, %rdx\n"
	"	movq 0(%r8), %rbx\n	movq 8(%r8), %rbp\n	movq 16(%r8), %r12\n"
	"	movq 24(%r8), %r13\n	movq 32(%r8), %r14\n	movq 40(%r8), %r15\n"
	"	syscall\n"
	"	popq %r9\n"
	"	movq %rbx, 0(%r9)\n	movq %rbp, 8(%r9)\n	movq %r12, 16(%r9)\n"
	"	movq %r13, 24(%r9)\n	movq %r14, 32(%r9)\n	movq %r15, 40(%r9)\n"
	"	popq %r15\n	popq %r14\n	popq %r13\n	popq %r12\n	popq %rbp\n	popq %rbx\n"
	"	ret\n"
	"	.size syscall_with, . - syscall_with\n");

/* Six distinct values per pattern, none of them 0 or a kernel address. */
static void pattern(unsigned long seed, unsigned long *v)
{
	for (int i = 0; i < NREGS; i++)
		v[i] = 0x1111000000000000UL * (seed & 7) + 0x0101010101UL * (seed + 1) + (unsigned long)i * 0x10;
}

/* The first register that differs, diagnosed; 1 if all six agree. */
static int same(const char *what, const unsigned long *got, const unsigned long *want)
{
	for (int i = 0; i < NREGS; i++) {
		if (got[i] != want[i]) {
			ktap_diag("%s: %s is %#lx, expected %#lx", what, reg_names[i], got[i], want[i]);
			return 0;
		}
	}
	return 1;
}

static void from_user_regs(const struct user_regs_struct *u, unsigned long *v)
{
	v[0] = u->rbx; v[1] = u->rbp; v[2] = u->r12; v[3] = u->r13; v[4] = u->r14; v[5] = u->r15;
}

static void to_user_regs(struct user_regs_struct *u, const unsigned long *v)
{
	u->rbx = v[0]; u->rbp = v[1]; u->r12 = v[2]; u->r13 = v[3]; u->r14 = v[4]; u->r15 = v[5];
}

static const unsigned long user_offsets[NREGS] = {
	USER_REG_OFFSET(rbx), USER_REG_OFFSET(rbp), USER_REG_OFFSET(r12),
	USER_REG_OFFSET(r13), USER_REG_OFFSET(r14), USER_REG_OFFSET(r15),
};

static void fast_path(void)
{
	unsigned long in[NREGS], out[NREGS];
	struct ringside_entry_stats before, after;
	int on_ringside = running_on_ringside();

	pattern(1, in);
	if (on_ringside)
		sys_ringside_stats(&before);
	long pid = syscall_with(__NR_getpid, 0, 0, 0, in, out);
	if (on_ringside)
		sys_ringside_stats(&after);
	ktap_ok(pid == sys_getpid() && same("after getpid", out, in),
		"a getpid leaves rbx, rbp, r12-r15 as they were");
	if (!on_ringside) {
		ktap_skip("not on Ringside", "that getpid took the fast path and left by SYSRET");
		return;
	}
	/* The stats call in between is itself a syscall: 2 of each. Under
	 * nohz_full (RINGSIDE_NOHZ=1 in the environment) both take the slow
	 * path: phase 1 on the partial frame, back to the fast path, out by
	 * the slow exit, usually still by SYSRET. */
	int nohz = getenv("RINGSIDE_NOHZ") != NULL;
	unsigned long fast = after.fast_syscalls - before.fast_syscalls;
	unsigned long sysret = after.sysret_exits - before.sysret_exits;
	unsigned long slow = after.slow_syscalls - before.slow_syscalls;
	ktap_diag("deltas: fast %lu sysret %lu slow %lu", fast, sysret, slow);
	ktap_ok(fast == (nohz ? 0 : 2) && slow == (nohz ? 2 : 0) && sysret >= 1,
		"that getpid took the %s path and left by SYSRET", nohz ? "slow (nohz_full)" : "fast");
}

/* What the tracer leaves in the tracee: rbx and rbp as it wrote them at
 * the entry stop (pattern 3), r12-r15 as it wrote them at the exit stop
 * (pattern 4). */
static void tracer_result(unsigned long *v)
{
	unsigned long p4[NREGS];
	pattern(3, v);
	pattern(4, p4);
	memcpy(v + 2, p4 + 2, 4 * sizeof *v);
}

/* The traced child: stop, then one getpid with pattern 2 in the registers,
 * and exit 0 if they came back as the tracer left them. */
static void traced_child(void)
{
	unsigned long in[NREGS], out[NREGS], want[NREGS];
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
		_exit(100);
	raise(SIGSTOP);
	pattern(2, in);
	tracer_result(want);
	syscall_with(__NR_getpid, 0, 0, 0, in, out);
	_exit(memcmp(in, out, sizeof out) == 0 ? 3 : memcmp(out, want, sizeof out) == 0 ? 0 : 4);
}

/* Resume the tracee to its next syscall stop; 1 if it stopped there. */
static int next_syscall_stop(pid_t pid)
{
	int status;
	if (ptrace(PTRACE_SYSCALL, pid, NULL, NULL) < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80);
}

static void tracer(void)
{
	unsigned long p2[NREGS], p3[NREGS], p4[NREGS], got[NREGS], peeked[NREGS];
	struct user_regs_struct u;
	int status, entry_ok = 0, written = 0, exit_ok = 0, code = -1;

	pattern(2, p2);
	pattern(3, p3);
	pattern(4, p4);
	pid_t pid = fork();
	if (pid == 0)
		traced_child();
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		ktap_diag("the traced child did not stop");
		goto out;
	}
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
	/* The child's own syscalls between the SIGSTOP and getpid: none but
	 * the getpid itself, whose entry stop is the first. */
	if (!next_syscall_stop(pid) || ptrace(PTRACE_GETREGS, pid, NULL, &u) < 0 || u.orig_rax != __NR_getpid) {
		ktap_diag("no syscall-entry stop for getpid (orig_rax %ld)", (long)u.orig_rax);
		goto out;
	}
	from_user_regs(&u, got);
	for (int i = 0; i < NREGS; i++)
		ptrace(PTRACE_PEEKUSER, pid, (void *)user_offsets[i], &peeked[i]);
	entry_ok = same("GETREGS at the entry stop", got, p2) && same("PEEKUSER at the entry stop", peeked, p2);
	/* Pattern 3: five through SETREGS, r15 through POKEUSER. */
	to_user_regs(&u, p3);
	u.r15 = 0;
	written = ptrace(PTRACE_SETREGS, pid, NULL, &u) == 0 &&
		  ptrace(PTRACE_POKEUSER, pid, (void *)USER_REG_OFFSET(r15), (void *)p3[5]) == 0;
	if (!next_syscall_stop(pid) || ptrace(PTRACE_GETREGS, pid, NULL, &u) < 0) {
		ktap_diag("no syscall-exit stop for getpid");
		goto out;
	}
	from_user_regs(&u, got);
	exit_ok = same("GETREGS at the exit stop", got, p3);
	tracer_result(p4);
	to_user_regs(&u, p4);
	ptrace(PTRACE_SETREGS, pid, NULL, &u);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		code = WEXITSTATUS(status);
out:
	ktap_ok(entry_ok, "a tracer at the syscall-entry stop reads the caller's rbx, rbp, r12-r15");
	ktap_ok(written && exit_ok, "what it writes there is in pt_regs at the syscall-exit stop");
	if (code == 3)
		ktap_diag("the tracee got its own values back: the tracer's writes were lost");
	ktap_ok(code == 0, "the tracee's registers after the syscall are the ones written at the entry "
		"stop (rbx, rbp) and at the exit stop (r12-r15)");
}

static unsigned long handler_saw[NREGS];
static unsigned long handler_writes[NREGS];

static void on_usr1(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;
	static const int index[NREGS] = { REG_RBX, REG_RBP, REG_R12, REG_R13, REG_R14, REG_R15 };
	(void)sig;
	(void)info;
	for (int i = 0; i < NREGS; i++) {
		handler_saw[i] = uc->uc_mcontext.gregs[index[i]];
		uc->uc_mcontext.gregs[index[i]] = handler_writes[i];
	}
}

static void signal_frame(void)
{
	unsigned long in[NREGS], out[NREGS];
	struct sigaction act = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };

	sigaction(SIGUSR1, &act, NULL);
	pattern(5, in);
	pattern(6, handler_writes);
	/* kill() itself raises the signal: it is delivered on this syscall's way out. */
	long r = syscall_with(__NR_kill, sys_getpid(), SIGUSR1, 0, in, out);
	ktap_ok(r == 0 && same("uc_mcontext", handler_saw, in),
		"a signal handler's uc_mcontext holds the interrupted rbx, rbp, r12-r15");
	ktap_ok(same("after rt_sigreturn", out, handler_writes),
		"the values the handler writes there are live after rt_sigreturn");
	act.sa_handler = SIG_DFL;
	act.sa_flags = 0;
	sigaction(SIGUSR1, &act, NULL);
}

static void fork_child(void)
{
	unsigned long in[NREGS], out[NREGS];
	int status;

	pattern(7, in);
	long pid = syscall_with(__NR_fork, 0, 0, 0, in, out);
	if (pid == 0)
		_exit(memcmp(in, out, sizeof out) == 0 ? 0 : 1);
	int parent_ok = pid > 0 && same("fork's parent", out, in);
	int child_ok = pid > 0 && waitpid((pid_t)pid, &status, 0) == pid && WIFEXITED(status) &&
		       WEXITSTATUS(status) == 0;
	ktap_ok(parent_ok, "fork's parent keeps rbx, rbp, r12-r15");
	ktap_ok(child_ok, "fork's child starts with the parent's rbx, rbp, r12-r15");
}

/* A traced child execs `program` with pattern 8 in the six registers; at
 * the exec stop (SIGTRAP) the tracer reads pt_regs, then single-steps one
 * instruction (_start's first, which zeroes only ebp) and reads what the
 * CPU really had. */
static void exec_zeroes(const char *program)
{
	unsigned long in[NREGS], out[NREGS], zero[NREGS] = { 0 }, got[NREGS];
	struct user_regs_struct u;
	int status, at_stop = 0, after_step = 0;

	pattern(8, in);
	pid_t pid = fork();
	if (pid == 0) {
		char *const argv[] = { (char *)program, "--help", NULL };
		char *const envp[] = { NULL };
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(100);
		syscall_with(__NR_execve, (long)program, (long)argv, (long)envp, in, out);
		_exit(101);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP &&
	    ptrace(PTRACE_GETREGS, pid, NULL, &u) == 0) {
		from_user_regs(&u, got);
		at_stop = same("pt_regs at the exec stop", got, zero);
		if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) == 0 && waitpid(pid, &status, 0) == pid &&
		    WIFSTOPPED(status) && ptrace(PTRACE_GETREGS, pid, NULL, &u) == 0) {
			from_user_regs(&u, got);
			after_step = same("the CPU after one instruction", got, zero);
		}
	} else {
		ktap_diag("no exec stop (status %#x)", status);
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ktap_ok(at_stop, "after execve, pt_regs holds 0 in rbx, rbp, r12-r15");
	ktap_ok(after_step, "and so does the CPU at the new program's first instruction");
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		printf("usage: calleesaved\nCheck that rbx, rbp and r12-r15 survive a fast-path syscall and\n"
		       "are right wherever the kernel needs all of pt_regs: ptrace stops,\n"
		       "signal frames, rt_sigreturn, fork, execve. KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(PLAN);
	fast_path();
	tracer();
	signal_frame();
	fork_child();
	/* Ourselves, by the path we were started with (argv[0]). */
	exec_zeroes(argv[0]);
	return ktap_finish();
}
