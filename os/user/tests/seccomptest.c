/* seccomptest: TIF_SECCOMP, syscall_trace_enter_phase1's seccomp answers and
 * phase 2's SECCOMP_RET_TRACE.
 *
 * Filters can never be removed, so every check runs in a child of its own,
 * which reports through its exit status: strict mode; each filter action
 * (ERRNO, TRAP with its siginfo and ucontext, KILL, ALLOW, TRACE without and
 * with a tracer that reads the event message and changes or skips the
 * call); stacked filters, where the most restrictive answer wins; filters
 * inherited across fork and execve and never removed; an int $0x80 call as
 * the filter sees it (AUDIT_ARCH_I386, i386 numbers); and the programs and
 * arguments the kernel must refuse. KTAP on stdout; runs on Linux too. */
#include <errno.h>
#include <ktap.h>
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

#define PLAN 51

#define LOAD_NR   BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR)
#define LOAD_ARCH BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH)
#define RET(v)    BPF_STMT(BPF_RET | BPF_K, (v))
#define IF_NR(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1)

static char self_path[256];

/* Install a filter: "on getpid, do action; allow the rest". */
static long filter_getpid(unsigned int action)
{
	struct sock_filter prog[] = { LOAD_NR, IF_NR(__NR_getpid), RET(action), RET(SECCOMP_RET_ALLOW) };
	struct sock_fprog fprog = { .len = 4, .filter = prog };

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog);
}

/* Run fn in a child; its wait status. */
static int in_child(void (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

static int exited_with(int status, int code)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

/* ---- strict mode: only read, write, exit, rt_sigreturn (exit, not exit_group) ---- */

static void strict_write_then_exit(void)
{
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) < 0)
		_exit(90);
	sys_exit(sys_write(1, "", 0) == 0 ? 5 : 6);
}

static void strict_getpid(void)
{
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) < 0)
		_exit(90);
	sys_getpid();
	sys_exit(4);
}

/* ---- the actions ---- */

static void errno_child(void)
{
	if (filter_getpid(SECCOMP_RET_ERRNO | 13))
		_exit(90);
	_exit(sys_getpid() == -13 ? 0 : 1);
}

static volatile int trap_bits;
static volatile unsigned long trap_call_addr;

static void sigsys_handler(int sig, siginfo_t *info, void *ucontext)
{
	ucontext_t *uc = ucontext;

	if (sig == SIGSYS && info->si_signo == SIGSYS && info->si_code == SYS_SECCOMP)
		trap_bits |= 1;
	if (info->si_syscall == __NR_getpid && info->si_arch == AUDIT_ARCH_X86_64)
		trap_bits |= 2;
	if ((unsigned long)info->si_call_addr == trap_call_addr)
		trap_bits |= 4;
	if (uc->uc_mcontext.gregs[REG_RAX] == __NR_getpid)
		trap_bits |= 8;
	if (info->si_errno == 7)
		trap_bits |= 16;
}

static void trap_child(void)
{
	struct sigaction act = { .sa_sigaction = sigsys_handler, .sa_flags = SA_SIGINFO };
	unsigned long after;
	long r;

	sigaction(SIGSYS, &act, NULL);
	if (filter_getpid(SECCOMP_RET_TRAP | 7))
		_exit(90);
	__asm__ volatile("lea 1f(%%rip), %1\n\t"
			 "mov %1, %2\n\t"
			 "mov $39, %%eax\n\t"
			 "syscall\n"
			 "1:"
			 : "=a"(r), "=&r"(after), "=m"(trap_call_addr)
			 :
			 : "rcx", "r11", "memory");
	(void)r;
	_exit(trap_bits);
}

static void kill_child(void)
{
	if (filter_getpid(SECCOMP_RET_KILL))
		_exit(90);
	sys_getpid();
	_exit(1);
}

static void allow_child(void)
{
	long before = sys_getpid();

	if (filter_getpid(SECCOMP_RET_ALLOW))
		_exit(90);
	_exit(sys_getpid() == before ? 0 : 1);
}

static void trace_no_tracer_child(void)
{
	if (filter_getpid(SECCOMP_RET_TRACE | 5))
		_exit(90);
	_exit(sys_getpid() == -ENOSYS ? 0 : 1);
}

/* Traced: stop, install TRACE|0x55 on getpid, and report what getpid gave. */
static long traced_expect;
static void traced_trace_child(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	raise(SIGSTOP);
	if (filter_getpid(SECCOMP_RET_TRACE | 0x55))
		_exit(90);
	_exit(sys_getpid() == traced_expect ? 0 : 1);
}

/* Start traced_trace_child and run it to its seccomp stop. Returns the pid;
 * *event_status gets the stop's wait status. */
static pid_t start_trace_child(long expect, int *event_status)
{
	int status;

	traced_expect = expect;
	pid_t pid = fork();
	if (pid == 0)
		traced_trace_child();
	waitpid(pid, &status, 0);
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL));
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	waitpid(pid, event_status, 0);
	return pid;
}

static int run_to_end(pid_t pid)
{
	int status;

	for (;;) {
		ptrace(PTRACE_CONT, pid, NULL, NULL);
		if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
			return status;
	}
}

/* ---- stacking, inheritance, permanence ---- */

static void stacked_errno_then_allow(void)
{
	filter_getpid(SECCOMP_RET_ERRNO | 1);
	filter_getpid(SECCOMP_RET_ALLOW);
	_exit(sys_getpid() == -1 ? 0 : 1);
}

static void stacked_allow_then_errno(void)
{
	filter_getpid(SECCOMP_RET_ALLOW);
	filter_getpid(SECCOMP_RET_ERRNO | 2);
	_exit(sys_getpid() == -2 ? 0 : 1);
}

static void stacked_errno_and_kill(void)
{
	filter_getpid(SECCOMP_RET_KILL);
	filter_getpid(SECCOMP_RET_ERRNO | 3);
	sys_getpid();
	_exit(1);
}

/* Equal actions: the first seen wins, and filters run newest first. */
static void stacked_errno_twice(void)
{
	filter_getpid(SECCOMP_RET_ERRNO | 1);
	filter_getpid(SECCOMP_RET_ERRNO | 2);
	_exit(sys_getpid() == -2 ? 0 : 1);
}

static void inherit_fork_child(void)
{
	int status;

	if (filter_getpid(SECCOMP_RET_ERRNO | 5))
		_exit(90);
	pid_t pid = fork();
	if (pid == 0)
		_exit(sys_getpid() == -5 ? 0 : 1);
	waitpid(pid, &status, 0);
	_exit(exited_with(status, 0) ? 0 : 1);
}

static void inherit_exec_child(void)
{
	char *args[] = { self_path, "--exec-check", NULL };

	if (filter_getpid(SECCOMP_RET_ERRNO | 5))
		_exit(90);
	execv(self_path, args);
	_exit(91);
}

static void permanent_child(void)
{
	struct sock_filter allow[] = { RET(SECCOMP_RET_ALLOW) };
	struct sock_fprog fprog = { .len = 1, .filter = allow };

	if (filter_getpid(SECCOMP_RET_ERRNO | 6))
		_exit(90);
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != SECCOMP_MODE_FILTER)
		_exit(2);
	if (sys_seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL) != -EINVAL)
		_exit(3);
	sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog);
	_exit(sys_getpid() == -6 ? 0 : 4);
}

/* ---- int $0x80 ---- */

static void int80_child(void)
{
	struct sock_filter prog[] = {
		LOAD_ARCH,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 3),
		LOAD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ia32_getpid, 0, 1),
		RET(SECCOMP_RET_ERRNO | 9),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = 6, .filter = prog };
	long pid = sys_getpid();

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog))
		_exit(90);
	if (sys32_getpid() != -9)
		_exit(1);
	_exit(sys_getpid() == pid ? 0 : 2);
}

static volatile int trap32_arch_ok, trap32_nr_ok;

static void sigsys32_handler(int sig, siginfo_t *info, void *ucontext)
{
	(void)sig;
	(void)ucontext;
	trap32_arch_ok = info->si_arch == AUDIT_ARCH_I386;
	trap32_nr_ok = info->si_syscall == __NR_ia32_getpid;
}

static void int80_trap_child(void)
{
	struct sock_filter prog[] = {
		LOAD_ARCH,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 3),
		LOAD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ia32_getpid, 0, 1),
		RET(SECCOMP_RET_TRAP),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = 6, .filter = prog };
	struct sigaction act = { .sa_sigaction = sigsys32_handler, .sa_flags = SA_SIGINFO };

	sigaction(SIGSYS, &act, NULL);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog))
		_exit(90);
	sys32_getpid();
	_exit(trap32_arch_ok && trap32_nr_ok ? 0 : 1);
}

/* ---- refused programs: the child exits with the errno ---- */

static struct sock_filter *bad_prog;
static unsigned short bad_len;
static int bad_nnp = 1;

static void try_bad_filter(void)
{
	struct sock_fprog fprog = { .len = bad_len, .filter = bad_prog };

	if (bad_nnp)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	long r = sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog);
	_exit(r < 0 ? (int)-r : 0);
}

static int refused_with(struct sock_filter *prog, unsigned short len)
{
	bad_prog = prog;
	bad_len = len;
	int status = in_child(try_bad_filter);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static struct sock_filter big[BPF_MAXINSNS + 1];

/* ---- MAX_INSNS_PER_PATH: Linux 4.3 counts every filter after its
 * conversion to eBPF (1 + 2 per RET + ...), each earlier one 4 more ---- */

static int attach_quiet(struct sock_filter *prog, unsigned short len)
{
	struct sock_fprog fprog = { .len = len, .filter = prog };
	long r = sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog);
	return r < 0 ? (int)-r : 0;
}

/* Three filters of 4096 RETs (8193 eBPF instructions each) fit in 32768;
 * a fourth does not. Exit status: a bit per wrong answer. */
static void path_limit_child(void)
{
	int bad = 0;
	for (int i = 0; i < BPF_MAXINSNS; i++)
		big[i] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	for (int i = 0; i < 3; i++)
		if (attach_quiet(big, BPF_MAXINSNS))
			bad |= 1;
	if (attach_quiet(big, BPF_MAXINSNS) != ENOMEM)
		bad |= 2;
	big[0] = (struct sock_filter){ 0xffff, 0, 0, 0 };
	if (attach_quiet(big, BPF_MAXINSNS) != EINVAL)
		bad |= 4;          /* the program is checked before the total */
	_exit(bad);
}

/* Ringside only (later kernels' conversion adds a longer prologue): with
 * three 4096-RET filters and one of 4080 RETs attached, 32768 - 3 * 8197 -
 * (8161 + 4) = 12 eBPF instructions are left, and each probe (in a child
 * of its own, which inherits the filters) costs exactly 12 or 13. Exit
 * status: a bit per wrong answer. */
#define LD0       BPF_STMT(BPF_LD | BPF_IMM, 0)
#define ALLOW     RET(SECCOMP_RET_ALLOW)
static void path_cost_child(void)
{
	static struct sock_filter plain12[] = { LD0, LD0, LD0, LD0, LD0, LD0, LD0, LD0, LD0, ALLOW };
	static struct sock_filter plain13[] = { LD0, LD0, LD0, LD0, LD0, LD0, LD0, LD0, LD0, LD0, ALLOW };
	/* a JGT with jf != 0: a jump and a JA */
	static struct sock_filter jgt12[] = { LD0, LD0, LD0, LD0, LD0,
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 5, 0, 1), ALLOW, ALLOW };
	static struct sock_filter jgt13[] = { LD0, LD0, LD0, LD0, LD0, LD0,
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 5, 0, 1), ALLOW, ALLOW };
	/* a JEQ with jt == 0: one JNE */
	static struct sock_filter jne12[] = { LD0, LD0, LD0, LD0, LD0, LD0,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 1), ALLOW, ALLOW };
	static struct sock_filter jne13[] = { LD0, LD0, LD0, LD0, LD0, LD0, LD0,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 1), ALLOW, ALLOW };
	/* a constant with bit 31 set, jf == 0: a move and one jump */
	static struct sock_filter neg12[] = { LD0, LD0, LD0, LD0, LD0,
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 1, 0), ALLOW, ALLOW };
	static struct sock_filter neg13[] = { LD0, LD0, LD0, LD0, LD0, LD0,
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 1, 0), ALLOW, ALLOW };
	static const struct { struct sock_filter *p; unsigned short n; int want; } probe[] = {
		{ plain12, 10, 0 }, { plain13, 11, ENOMEM }, { jgt12, 8, 0 }, { jgt13, 9, ENOMEM },
		{ jne12, 9, 0 }, { jne13, 10, ENOMEM }, { neg12, 8, 0 }, { neg13, 9, ENOMEM },
	};
	int bad = 0;
	for (int i = 0; i < BPF_MAXINSNS; i++)
		big[i] = (struct sock_filter)ALLOW;
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	for (int i = 0; i < 3; i++)
		bad |= attach_quiet(big, BPF_MAXINSNS) ? 0x80 : 0;
	bad |= attach_quiet(big, 4080) ? 0x80 : 0;
	for (unsigned i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		if (refused_with(probe[i].p, probe[i].n) != probe[i].want)
			bad |= 1 << (i / 2);
	_exit(bad);
}

int main(int argc, char **argv)
{
	int status, code;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "--exec-check") == 0)
		return sys_getpid() == -5 ? 0 : 1;
	if (argc > 1) {
		printf("usage: seccomptest\nseccomp: strict mode, every filter action, TRACE with and without\n"
		       "a tracer, stacking, inheritance, int $0x80, and refused programs. KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	snprintf(self_path, sizeof(self_path), "%s", strchr(argv[0], '/') ? argv[0] : "/bin/seccomptest");
	ktap_plan(PLAN);

	status = in_child(strict_write_then_exit);
	ktap_ok(exited_with(status, 5), "strict mode: write and exit are allowed (status %#x)", status);
	status = in_child(strict_getpid);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "strict mode: getpid kills with SIGKILL (status %#x)",
		status);

	status = in_child(errno_child);
	ktap_ok(exited_with(status, 0), "SECCOMP_RET_ERRNO|13: getpid returns -13 (status %#x)", status);
	status = in_child(trap_child);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
	ktap_ok((code & 0x13) == 0x13, "SECCOMP_RET_TRAP|7: SIGSYS with si_code SYS_SECCOMP and si_errno 7 (bits %#x)",
		code);
	ktap_ok((code & 6) == 6, "its siginfo has si_syscall 39, si_arch x86_64 and si_call_addr after the syscall");
	ktap_ok((code & 8) == 8, "the handler's ucontext has rax = the syscall number");
	status = in_child(kill_child);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS, "SECCOMP_RET_KILL: the task dies with SIGSYS (status %#x)",
		status);
	status = in_child(allow_child);
	ktap_ok(exited_with(status, 0), "SECCOMP_RET_ALLOW: getpid works");
	status = in_child(trace_no_tracer_child);
	ktap_ok(exited_with(status, 0), "SECCOMP_RET_TRACE with no tracer: the call fails ENOSYS (status %#x)", status);

	/* TRACE with a tracer */
	pid = start_trace_child(getpid(), &status);
	unsigned long msg = 0;
	ptrace(PTRACE_GETEVENTMSG, pid, NULL, &msg);
	ktap_ok(WIFSTOPPED(status) && (status >> 8) == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)),
		"the tracer sees a SIGTRAP | PTRACE_EVENT_SECCOMP << 8 stop (status %#x)", status);
	ktap_ok(msg == 0x55, "PTRACE_GETEVENTMSG gives the filter's data 0x55 (got %#lx)", msg);
	ptrace(PTRACE_POKEUSER, pid, (void *)USER_REG_OFFSET(orig_rax), (void *)(long)__NR_getppid);
	status = run_to_end(pid);
	ktap_ok(exited_with(status, 0), "the tracer changes orig_rax to getppid: the tracee gets our pid (status %#x)",
		status);
	pid = start_trace_child(99, &status);
	struct user_regs_struct regs;
	ptrace(PTRACE_GETREGS, pid, NULL, &regs);
	regs.orig_rax = -1UL;
	regs.rax = 99;
	ptrace(PTRACE_SETREGS, pid, NULL, &regs);
	status = run_to_end(pid);
	ktap_ok(exited_with(status, 0), "orig_rax = -1 skips it and the tracee sees the tracer's rax (status %#x)", status);

	ktap_ok(exited_with(in_child(stacked_errno_then_allow), 0), "stacked ERRNO|1 then ALLOW: ERRNO wins");
	ktap_ok(exited_with(in_child(stacked_allow_then_errno), 0), "stacked ALLOW then ERRNO|2: ERRNO wins");
	status = in_child(stacked_errno_and_kill);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS, "stacked KILL and ERRNO: KILL wins");
	ktap_ok(exited_with(in_child(stacked_errno_twice), 0),
		"stacked ERRNO|1 then ERRNO|2: the newer filter's answer (the data does not count)");
	ktap_ok(exited_with(in_child(inherit_fork_child), 0), "a forked child inherits the filter");
	status = in_child(inherit_exec_child);
	ktap_ok(exited_with(status, 0), "the filter survives execve (status %#x)", status);
	status = in_child(permanent_child);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) != 2 && WEXITSTATUS(status) != 3,
		"PR_GET_SECCOMP says filter mode, and strict mode can no longer be set (status %#x)", status);
	ktap_ok(exited_with(status, 0), "adding an allow-all filter removes nothing");

	status = in_child(int80_child);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) != 1 && WEXITSTATUS(status) != 90,
		"int $0x80 getpid (20) is seen with AUDIT_ARCH_I386 and its i386 number (status %#x)", status);
	ktap_ok(exited_with(status, 0), "the 64-bit getpid (39) is not caught by that rule");
	status = in_child(int80_trap_child);
	ktap_ok(exited_with(status, 0), "TRAP on int $0x80 getpid: si_arch AUDIT_ARCH_I386, si_syscall 20 (status %#x)",
		status);

	/* refused programs */
	struct sock_filter unknown[] = { { 0xffff, 0, 0, 0 }, RET(SECCOMP_RET_ALLOW) };
	struct sock_filter jump_out[] = { BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0), RET(SECCOMP_RET_ALLOW) };
	struct sock_filter no_ret[] = { LOAD_NR };
	struct sock_filter unaligned[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), RET(SECCOMP_RET_ALLOW) };
	struct sock_filter too_far[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), RET(SECCOMP_RET_ALLOW) };
	struct sock_filter div_zero[] = { LOAD_NR, BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET(SECCOMP_RET_ALLOW) };
	struct sock_filter mem_unset[] = { BPF_STMT(BPF_LD | BPF_MEM, 3), RET(SECCOMP_RET_ALLOW) };
	ktap_expect(-refused_with(unknown, 2), -EINVAL, "an unknown opcode is EINVAL");
	ktap_expect(-refused_with(jump_out, 2), -EINVAL, "a jump past the end is EINVAL");
	ktap_expect(-refused_with(no_ret, 1), -EINVAL, "a program not ending in RET is EINVAL");
	ktap_expect(-refused_with(unaligned, 2), -EINVAL, "an unaligned seccomp_data load is EINVAL");
	ktap_expect(-refused_with(too_far, 2), -EINVAL, "a load at offset 64 (past seccomp_data) is EINVAL");
	ktap_expect(-refused_with(div_zero, 3), -EINVAL, "division by the constant 0 is EINVAL");
	ktap_expect(-refused_with(mem_unset, 2), -EINVAL, "reading M[3] before writing it is EINVAL");
	ktap_expect(-refused_with(unknown, 0), -EINVAL, "a program of 0 instructions is EINVAL");
	for (int i = 0; i <= BPF_MAXINSNS; i++)
		big[i] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
	ktap_expect(-refused_with(big, BPF_MAXINSNS + 1), -EINVAL, "a program of 4097 instructions is EINVAL");

	/* Linux 4.3's seccomp_check_filter() has no MOD; check_load_and_stores()
	 * walks on after a RET */
	struct sock_filter mod[] = { LOAD_NR, BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 5), RET(SECCOMP_RET_ALLOW) };
	struct sock_filter mod_x[] = { LOAD_NR, BPF_STMT(BPF_LDX | BPF_IMM, 5), BPF_STMT(BPF_ALU | BPF_MOD | BPF_X, 0),
		RET(SECCOMP_RET_ALLOW) };
	struct sock_filter after_ret[] = { LOAD_NR, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 9999, 0, 2),
		BPF_STMT(BPF_ST, 0), BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0), RET(SECCOMP_RET_KILL),
		BPF_STMT(BPF_LD | BPF_MEM, 0), RET(SECCOMP_RET_ALLOW) };
	ktap_expect(-refused_with(mod, 3), -EINVAL, "MOD by a constant (not in seccomp's list) is EINVAL");
	ktap_expect(-refused_with(mod_x, 4), -EINVAL, "MOD by X is EINVAL");
	ktap_expect(-refused_with(after_ret, 7), -EINVAL,
		    "M[0] read after a RET whose path skipped the store is EINVAL, though only a jump past the store reaches it");
	struct sock_filter shift32[] = { LOAD_NR, BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), RET(SECCOMP_RET_ALLOW) };
	if (running_on_ringside())
		ktap_expect(-refused_with(shift32, 3), 0, "LSH #32 is accepted (Linux 4.3; 4.4 refuses it)");
	else
		ktap_skip("Linux 4.4 and later refuse it", "LSH #32 is accepted (Linux 4.3; 4.4 refuses it)");

	/* MAX_INSNS_PER_PATH and the order of the checks */
	status = in_child(path_limit_child);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 0xff;
	ktap_ok(!(code & 1), "three filters of 4096 RETs fit in MAX_INSNS_PER_PATH (status %#x)", status);
	ktap_ok(!(code & 2), "a fourth is ENOMEM: the limit counts eBPF instructions, 8193 for 4096 RETs");
	ktap_ok(!(code & 4), "an invalid program is EINVAL, even past the limit: the program is checked first");
	if (running_on_ringside()) {
		status = in_child(path_cost_child);
		code = WIFEXITED(status) ? WEXITSTATUS(status) : 0xff;
		ktap_ok(!(code & 0x81), "12 eBPF instructions left: 9 LD and a RET fit, 10 LD and a RET are ENOMEM (status %#x)",
			status);
		ktap_ok(!(code & 2), "a JGT whose jf is not 0 costs 2 (a jump and a JA)");
		ktap_ok(!(code & 4), "a JEQ whose jt is 0 costs 1 (one JNE)");
		ktap_ok(!(code & 8), "a JGE by a constant with bit 31 set costs 2 (a move and the jump)");
	} else {
		for (int i = 0; i < 4; i++)
			ktap_skip("later kernels' eBPF prologue is longer", "the eBPF cost of each instruction");
	}

	/* refused arguments */
	struct sock_filter allow[] = { RET(SECCOMP_RET_ALLOW) };
	if (running_on_ringside()) {
		bad_nnp = 0;
		ktap_expect(-refused_with(allow, 1), -EACCES, "a filter without no_new_privs is EACCES");
		bad_nnp = 1;
	} else {
		ktap_skip("root on Linux may install one", "a filter without no_new_privs is EACCES");
	}
	ktap_expect(-refused_with((struct sock_filter *)8, 1), -EFAULT, "a filter pointer of 8 is EFAULT");
	ktap_expect(-refused_with(NULL, 1), -EINVAL, "a NULL filter pointer is EINVAL");
	bad_nnp = 0;
	ktap_expect(-refused_with(allow, 0), -EINVAL, "0 instructions is EINVAL, even without no_new_privs");
	bad_nnp = 1;
	ktap_expect(sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, (void *)8), -EFAULT, "an fprog pointer of 8 is EFAULT");
	ktap_expect(sys_prctl(PR_SET_SECCOMP, 7, 0, 0, 0), -EINVAL, "PR_SET_SECCOMP with mode 7 is EINVAL");
	ktap_expect(sys_seccomp(9, 0, NULL), -EINVAL, "seccomp with operation 9 is EINVAL");
	return ktap_finish();
}
