/* ptracetest: TIF_SYSCALL_TRACE, TIF_SYSCALL_EMU and TIF_SINGLESTEP through
 * ptrace(2), and the tracer's view through wait4.
 *
 * Each check forks a child that asks to be traced (PTRACE_TRACEME) and stops
 * itself with SIGSTOP; the parent then drives it: syscall-entry and -exit
 * stops (SIGTRAP | 0x80 with TRACESYSGOOD), skipping or changing a syscall
 * by writing orig_rax, SYSEMU, single steps (also over a `syscall`), memory
 * and register access, resuming with a signal, DETACH, KILL, and the errors
 * of bad requests. The children report back through their exit status.
 * KTAP on stdout; runs on Linux too (one Ringside-only check is skipped). */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define PLAN 34
#define SYSGOOD (SIGTRAP | 0x80)

static volatile long shared_word = 0x1122334455667788L;
static char hello_path[256];
static long child_pid;     /* in a child: its own pid, read before tracing */

/* Fork a child that is traced by us and stopped (SIGSTOP) before body. */
static pid_t start_traced(void (*body)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		child_pid = sys_getpid();
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(100);
		raise(SIGSTOP);
		body();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		ktap_diag("the traced child did not stop with SIGSTOP (status %#x)", status);
		return -1;
	}
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
	return pid;
}

/* Resume with request and wait for the next stop; its stop signal, or -1
 * if the child ended (status in *status). */
static int resume(pid_t pid, long request, long sig, int *status)
{
	if (ptrace(request, pid, NULL, (void *)sig) < 0)
		return -2;
	if (waitpid(pid, status, 0) != pid)
		return -3;
	return WIFSTOPPED(*status) ? WSTOPSIG(*status) : -1;
}

/* Let the child run to its end; its exit code, or 128 + signal. */
static int finish(pid_t pid)
{
	int status;

	for (;;) {
		if (ptrace(PTRACE_CONT, pid, NULL, NULL) < 0 && errno != ESRCH)
			return -1;
		if (waitpid(pid, &status, 0) != pid)
			return -1;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
	}
}

static struct user_regs_struct regs_of(pid_t pid)
{
	struct user_regs_struct r;

	memset(&r, 0, sizeof(r));
	ptrace(PTRACE_GETREGS, pid, NULL, &r);
	return r;
}

/* ---- child bodies ---- */

static void body_getpid(void)
{
	long r = sys_getpid();

	_exit(r == getpid() ? 0 : 1);
}

static void body_expect_enosys(void)
{
	_exit(sys_getpid() == -ENOSYS ? 0 : 1);
}

static void body_expect_1234(void)
{
	_exit(sys_getpid() == 1234 ? 0 : 1);
}

static void body_expect_ppid(void)
{
	_exit(sys_getpid() == getppid() ? 0 : 1);
}

/* Under SYSEMU this kill must not run; the tracer answers 77. */
static void body_self_kill(void)
{
	long r = sys_kill(child_pid, SIGKILL);

	_exit(r == 77 ? 0 : 1);
}

static void body_getpid_asm(void)
{
	long r;

	__asm__ volatile("mov $39, %%eax\n\tsyscall" : "=a"(r) : : "rcx", "r11", "memory");
	_exit(r > 0 ? 0 : 1);
}

static void body_check_poke(void)
{
	_exit(shared_word == 0x42 ? 0 : 1);
}

static void usr1_exit(int sig)
{
	_exit(sig == SIGUSR1 ? 33 : 34);
}

static void body_wait_usr1(void)
{
	struct sigaction act = { .sa_handler = usr1_exit };

	sigaction(SIGUSR1, &act, NULL);
	sys_getpid();
	_exit(0);
}

static void body_busy(void)
{
	for (int i = 0; i < 100; i++)
		sys_getpid();
	_exit(9);
}

static void body_exec_hello(void)
{
	char *args[] = { hello_path, NULL };

	execv(hello_path, args);
	_exit(127);
}

static void body_pause(void)
{
	for (;;)
		pause();
}

/* Single-step pid until it sits on a `syscall` (0f 05) with rax = 39; the
 * stop signal of the last step, or -1. */
static int step_to_getpid_syscall(pid_t pid, struct user_regs_struct *r)
{
	int status;

	for (int i = 0; i < 20000; i++) {
		*r = regs_of(pid);
		errno = 0;
		long text = ptrace_peek(PTRACE_PEEKTEXT, pid, (void *)r->rip);
		if (errno == 0 && (text & 0xffff) == 0x050f && r->rax == 39)
			return SIGTRAP;
		if (resume(pid, PTRACE_SINGLESTEP, 0, &status) != SIGTRAP)
			return -1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct user_regs_struct r, r2;
	int status, sig;
	pid_t pid;
	long v;

	if (argc > 1) {
		printf("usage: ptracetest\nptrace: TRACEME, syscall stops, skipping and changing a syscall,\n"
		       "SYSEMU, single steps, PEEK/POKE, GETREGS/SETREGS, CONT with a signal, DETACH,\n"
		       "KILL and bad requests. KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	/* hello lives beside us: /bin on Ringside, the build folder on a host. */
	const char *slash = strrchr(argv[0], '/');
	if (slash)
		snprintf(hello_path, sizeof(hello_path), "%.*s/hello", (int)(slash - argv[0]), argv[0]);
	else
		snprintf(hello_path, sizeof(hello_path), "/bin/hello");
	ktap_plan(PLAN);

	/* TRACEME + execve */
	pid = fork();
	if (pid == 0) {
		char *args[] = { hello_path, NULL };

		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execv(hello_path, args);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	ktap_ok(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP, "TRACEME then execve stops with SIGTRAP (status %#x)",
		status);
	ptrace(PTRACE_KILL, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "PTRACE_KILL kills the stopped tracee (status %#x)",
		status);

	/* execve's exit stop, as on Linux, still has its number in orig_rax
	 * (start_thread sets ip, sp and the segments, nothing else). */
	pid = start_traced(body_exec_hello);
	do
		sig = resume(pid, PTRACE_SYSCALL, 0, &status);
	while (sig == SYSGOOD && regs_of(pid).orig_rax != __NR_execve);
	sig = resume(pid, PTRACE_SYSCALL, 0, &status);
	r = regs_of(pid);
	ktap_ok(sig == SYSGOOD && r.orig_rax == __NR_execve && r.rax == 0,
		"execve's exit stop has orig_rax 59 and rax 0 (got %ld, %ld)", (long)r.orig_rax, (long)r.rax);
	ptrace(PTRACE_KILL, pid, NULL, NULL);
	waitpid(pid, &status, 0);

	/* syscall-entry and -exit stops */
	pid = start_traced(body_getpid);
	sig = resume(pid, PTRACE_SYSCALL, 0, &status);
	r = regs_of(pid);
	ktap_ok(sig == SYSGOOD, "PTRACE_SYSCALL stops at syscall entry with SIGTRAP|0x80 (got %#x)", sig);
	ktap_ok(r.orig_rax == 39 && r.rax == (unsigned long)-ENOSYS,
		"at entry orig_rax is getpid's 39 and rax is -ENOSYS (got %ld, %ld)", (long)r.orig_rax, (long)r.rax);
	sig = resume(pid, PTRACE_SYSCALL, 0, &status);
	r = regs_of(pid);
	ktap_ok(sig == SYSGOOD && (long)r.rax == pid, "the exit stop has rax = the result, the child's pid (got %ld)",
		(long)r.rax);
	ktap_ok(finish(pid) == 0, "the child saw its own pid");

	/* skipping and changing a syscall */
	pid = start_traced(body_expect_enosys);
	resume(pid, PTRACE_SYSCALL, 0, &status);
	ptrace(PTRACE_POKEUSER, pid, (void *)USER_REG_OFFSET(orig_rax), (void *)-1L);
	resume(pid, PTRACE_SYSCALL, 0, &status);
	ktap_ok(finish(pid) == 0, "orig_rax = -1 at entry skips the call: the tracee sees -ENOSYS");
	pid = start_traced(body_expect_1234);
	resume(pid, PTRACE_SYSCALL, 0, &status);
	r = regs_of(pid);
	r.orig_rax = -1UL;
	r.rax = 1234;
	ptrace(PTRACE_SETREGS, pid, NULL, &r);
	resume(pid, PTRACE_SYSCALL, 0, &status);
	ktap_ok(finish(pid) == 0, "skipped with rax = 1234 set by the tracer: the tracee sees 1234");
	pid = start_traced(body_expect_ppid);
	resume(pid, PTRACE_SYSCALL, 0, &status);
	ptrace(PTRACE_POKEUSER, pid, (void *)USER_REG_OFFSET(orig_rax), (void *)(long)__NR_getppid);
	resume(pid, PTRACE_SYSCALL, 0, &status);
	ktap_ok(finish(pid) == 0, "orig_rax changed from getpid to getppid: the tracee gets its parent's pid");

	/* SYSEMU */
	pid = start_traced(body_self_kill);
	sig = resume(pid, PTRACE_SYSEMU, 0, &status);
	r = regs_of(pid);
	ktap_ok(sig == SYSGOOD && r.orig_rax == __NR_kill, "PTRACE_SYSEMU reports the kill at entry (sig %#x nr %ld)",
		sig, (long)r.orig_rax);
	r.rax = 77;
	ptrace(PTRACE_SETREGS, pid, NULL, &r);
	v = finish(pid);
	ktap_ok(v == 0, "and does not run it: the tracee lives and sees the tracer's 77 (got %ld)", v);

	/* single steps */
	pid = start_traced(body_getpid_asm);
	r = regs_of(pid);
	sig = resume(pid, PTRACE_SINGLESTEP, 0, &status);
	r2 = regs_of(pid);
	ktap_ok(sig == SIGTRAP && r2.rip != r.rip && r2.rip - r.rip < 16,
		"PTRACE_SINGLESTEP stops with SIGTRAP one instruction later (rip %#lx -> %#lx)", r.rip, r2.rip);
	sig = step_to_getpid_syscall(pid, &r);
	sig = sig == SIGTRAP ? resume(pid, PTRACE_SINGLESTEP, 0, &status) : -1;
	r2 = regs_of(pid);
	ktap_ok(sig == SIGTRAP && r2.rip == r.rip + 2 && (long)r2.rax == pid,
		"a step over `syscall` stops after it, at syscall exit, with the result in rax (rax %ld)", (long)r2.rax);
	ktap_ok(finish(pid) == 0, "the stepped child finishes normally");

	/* SYSEMU_SINGLESTEP */
	pid = start_traced(body_getpid_asm);
	sig = step_to_getpid_syscall(pid, &r);
	sig = sig == SIGTRAP ? resume(pid, PTRACE_SYSEMU_SINGLESTEP, 0, &status) : -1;
	r2 = regs_of(pid);
	ktap_ok(sig == SYSGOOD && r2.orig_rax == 39,
		"PTRACE_SYSEMU_SINGLESTEP on a `syscall` reports its entry (sig %#x nr %ld)", sig, (long)r2.orig_rax);
	r2.rax = 5;   /* the emulated result: a pid the child accepts */
	ptrace(PTRACE_SETREGS, pid, NULL, &r2);
	ktap_ok(finish(pid) == 0, "the emulated getpid returns the tracer's value");

	/* memory and registers */
	pid = start_traced(body_check_poke);
	errno = 0;
	v = ptrace_peek(PTRACE_PEEKDATA, pid, (void *)&shared_word);
	ktap_ok(errno == 0 && v == 0x1122334455667788L, "PTRACE_PEEKDATA reads the tracee's word (%#lx)", v);
	ptrace(PTRACE_POKEDATA, pid, (void *)&shared_word, (void *)0x42L);
	v = ptrace_peek(PTRACE_PEEKDATA, pid, (void *)&shared_word);
	ktap_ok(v == 0x42, "PTRACE_POKEDATA writes it (read back %#lx)", v);
	r = regs_of(pid);
	v = ptrace_peek(PTRACE_PEEKUSER, pid, (void *)USER_REG_OFFSET(rip));
	ktap_ok(v == (long)r.rip && r.cs != 0, "PTRACE_PEEKUSER of rip equals GETREGS's rip (%#lx)", v);
	r.r12 = 0xabcdef;
	ptrace(PTRACE_SETREGS, pid, NULL, &r);
	r2 = regs_of(pid);
	ktap_ok(r2.r12 == 0xabcdef && r2.rip == r.rip, "SETREGS then GETREGS round-trips r12");
	ktap_ok(finish(pid) == 0, "the tracee sees the poked word");

	/* resuming with a signal, detaching */
	pid = start_traced(body_wait_usr1);
	v = finish(pid) == 0;
	pid = start_traced(body_wait_usr1);
	/* Past sigaction, to the getpid entry stop: the handler is in place. */
	do
		sig = resume(pid, PTRACE_SYSCALL, 0, &status);
	while (sig == SYSGOOD && regs_of(pid).orig_rax != 39);
	ptrace(PTRACE_CONT, pid, NULL, (void *)(long)SIGUSR1);
	/* The sent signal comes back as a signal-delivery stop first: pass it on. */
	while (waitpid(pid, &status, 0) == pid && WIFSTOPPED(status))
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)(WSTOPSIG(status) == SIGUSR1 ? SIGUSR1 : 0));
	ktap_ok(v && WIFEXITED(status) && WEXITSTATUS(status) == 33,
		"PTRACE_CONT with SIGUSR1 delivers it to the handler (status %#x)", status);
	pid = start_traced(body_busy);
	ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 9,
		"after PTRACE_DETACH the child runs free to its end (status %#x)", status);

	/* bad requests */
	pid = fork();
	if (pid == 0)
		body_pause();
	ktap_expect(sys_ptrace(PTRACE_GETREGS, pid, NULL, &r), -ESRCH, "GETREGS of an untraced child is ESRCH");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ktap_expect(sys_ptrace(PTRACE_ATTACH, getpid(), NULL, NULL), -EPERM, "PTRACE_ATTACH to ourselves is EPERM");
	ktap_expect(sys_ptrace(PTRACE_GETREGS, 999999, NULL, &r), -ESRCH, "ptrace on a nonexistent pid is ESRCH");
	pid = start_traced(body_getpid);
	ktap_expect(sys_ptrace(12345, pid, NULL, NULL), -EIO, "an unknown request is EIO");
	ktap_expect(sys_ptrace(PTRACE_PEEKDATA, pid, (void *)0x1000, &v), -EIO, "PEEKDATA of an unmapped address is EIO");
	ktap_expect(sys_ptrace(PTRACE_PEEKDATA, pid, (void *)&shared_word, (void *)8), -EFAULT,
		    "PEEKDATA storing to data = 8 is EFAULT");
	ktap_expect(sys_ptrace(PTRACE_GETREGS, pid, NULL, (void *)8), -EFAULT, "GETREGS into 8 is EFAULT");
	ktap_expect(sys_ptrace(PTRACE_SETREGS, pid, NULL, (void *)8), -EFAULT, "SETREGS from 8 is EFAULT");
	ktap_expect(sys_ptrace(PTRACE_GETEVENTMSG, pid, NULL, (void *)8), -EFAULT, "GETEVENTMSG into 8 is EFAULT");
	if (running_on_ringside()) {
		r = regs_of(pid);
		r.rip = 0xffffffff81000000UL;
		ktap_expect(sys_ptrace(PTRACE_SETREGS, pid, NULL, &r), -EIO, "SETREGS with a kernel rip is EIO");
	} else {
		ktap_skip("Linux accepts it and faults at the return", "SETREGS with a kernel rip is EIO");
	}
	ptrace(PTRACE_KILL, pid, NULL, NULL);
	waitpid(pid, NULL, 0);
	return ktap_finish();
}
