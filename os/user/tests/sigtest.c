/* sigtest: TIF_SIGPENDING and do_signal, seen from user space.
 *
 * Handlers run with the right signal number and siginfo; masks hold a signal
 * pending until it is unblocked; handlers nest; SA_NODEFER, SA_RESETHAND and
 * SIG_IGN do what Linux does; default actions terminate, ignore and stop;
 * an interrupted wait4 is restarted with SA_RESTART and fails EINTR without;
 * pause returns EINTR; a fault becomes a signal whose handler sees the
 * address; rt_sigreturn on a forged frame kills with SIGSEGV; bad arguments
 * are refused. Everything happens in this process or its children, so it
 * runs on Linux as well. KTAP on stdout. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <string.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PLAN 41

static volatile int hits, depth, max_depth, last_sig, usr2_inside_usr1;
static volatile int seen_signo, seen_code, seen_pid;
static volatile int order[8], order_len;

static void counting_handler(int sig)
{
	hits++;
	last_sig = sig;
}

static void info_handler(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	seen_signo = info->si_signo;
	seen_code = info->si_code;
	seen_pid = info->si_pid;
}

static void install(int sig, void (*h)(int), unsigned long flags)
{
	struct sigaction act = { .sa_handler = h, .sa_flags = flags };

	sigaction(sig, &act, NULL);
}

static void install_info(int sig, void (*h)(int, siginfo_t *, void *), unsigned long flags)
{
	struct sigaction act = { .sa_sigaction = h, .sa_flags = flags | SA_SIGINFO };

	sigaction(sig, &act, NULL);
}

static void record(int what)
{
	if (order_len < 8)
		order[order_len++] = what;
}

static void usr2_handler(int sig)
{
	(void)sig;
	record(2);
}

/* SIGUSR1's handler raises SIGUSR2, which is not masked: it runs inside. */
static void usr1_nesting_handler(int sig)
{
	(void)sig;
	record(1);
	raise(SIGUSR2);
	record(3);
}

/* Raises its own signal once: nested only with SA_NODEFER. */
static void self_raising_handler(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (hits++ == 0)
		raise(sig);
	depth--;
}

static int child_status(void (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- default actions ---- */

static void spin_until_killed(void)
{
	for (;;)
		pause();
}

static void sigterm_self(void)
{
	raise(SIGTERM);
	_exit(3);          /* not reached when SIGTERM terminates */
}

/* ---- faults ---- */

#define BAD_ADDRESS 0x1008UL

static void segv_handler(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	_exit(sig == SIGSEGV && (unsigned long)info->si_addr == BAD_ADDRESS ? 42 : 43);
}

static void fault_child(void)
{
	install_info(SIGSEGV, segv_handler, 0);
	(void)*(volatile long *)BAD_ADDRESS;
	_exit(1);
}

/* rt_sigreturn with rsp just above a frame we made up. */
static unsigned char forged[1024] __attribute__((aligned(16)));

static void sigreturn_on(unsigned char *frame)
{
	__asm__ volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall\n\tud2"
			 :: "r"(frame + 8) : "memory");
}

static void garbage_frame_child(void)
{
	memset(forged, 0x41, sizeof(forged));
	sigreturn_on(forged);
}

static void kernel_rip_frame_child(void)
{
	memset(forged, 0, sizeof(forged));
	/* pretcode (8) + uc_flags, uc_link, uc_stack (40) + 16 words to rip */
	*(unsigned long *)(forged + 8 + 40 + 16 * 8) = 0xffffffff81000000UL;
	sigreturn_on(forged);
}

/* A SIGSEGV handler that moves the saved rip past the faulting
 * `movq $1, 0x1008` (48 c7 04 25, a 4-byte address, a 4-byte immediate:
 * 12 bytes): rt_sigreturn must resume where the ucontext says. */
static void skip_fault_handler(int sig, siginfo_t *info, void *ucontext)
{
	ucontext_t *uc = ucontext;

	(void)sig;
	(void)info;
	uc->uc_mcontext.gregs[REG_RIP] += 12;
}

static void skip_fault_child(void)
{
	install_info(SIGSEGV, skip_fault_handler, 0);
	__asm__ volatile(".byte 0x48, 0xc7, 0x04, 0x25, 0x08, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00\n\t"
			 ::: "memory");
	_exit(44);
}

/* Every general register but rsp, rbp, rcx and r11 (which `syscall`
 * itself uses) must come back from a signal handler unchanged. */
unsigned long sig_saved_regs[9], sig_target[2];

static void clobbering_handler(int sig)
{
	(void)sig;
	hits++;
	__asm__ volatile("xor %%ebx, %%ebx\n\txor %%r8d, %%r8d\n\txor %%r9d, %%r9d\n\t"
			 "xor %%r10d, %%r10d\n\txor %%r12d, %%r12d\n\txor %%r13d, %%r13d\n\t"
			 "xor %%r14d, %%r14d\n\txor %%r15d, %%r15d"
			 ::: "rbx", "r8", "r9", "r10", "r12", "r13", "r14", "r15");
}

static int registers_survive_handler(void)
{
	sig_target[0] = (unsigned long)getpid();
	sig_target[1] = (unsigned long)gettid();
	install(SIGUSR2, clobbering_handler, 0);
	hits = 0;
	__asm__ volatile("mov $0x1001, %%rbx\n\tmov $0x1008, %%r8\n\tmov $0x1009, %%r9\n\t"
			 "mov $0x1010, %%r10\n\tmov $0x1012, %%r12\n\tmov $0x1013, %%r13\n\t"
			 "mov $0x1014, %%r14\n\tmov $0x1015, %%r15\n\t"
			 "mov sig_target(%%rip), %%rdi\n\tmov sig_target+8(%%rip), %%rsi\n\tmov $12, %%edx\n\tmov $234, %%eax\n\t"
			 "syscall\n\t"
			 "mov %%rbx, sig_saved_regs+0(%%rip)\n\tmov %%r8, sig_saved_regs+8(%%rip)\n\t"
			 "mov %%r9, sig_saved_regs+16(%%rip)\n\tmov %%r10, sig_saved_regs+24(%%rip)\n\t"
			 "mov %%r12, sig_saved_regs+32(%%rip)\n\tmov %%r13, sig_saved_regs+40(%%rip)\n\t"
			 "mov %%r14, sig_saved_regs+48(%%rip)\n\tmov %%r15, sig_saved_regs+56(%%rip)\n\t"
			 "mov %%rdx, sig_saved_regs+64(%%rip)"
			 :
			 :
			 : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
			   "r15", "memory");
	const unsigned long want[9] = { 0x1001, 0x1008, 0x1009, 0x1010, 0x1012, 0x1013, 0x1014, 0x1015, 12 };
	if (hits != 1) {
		ktap_diag("the SIGUSR2 handler ran %d times, not once", hits);
		return 0;
	}
	for (int i = 0; i < 9; i++)
		if (sig_saved_regs[i] != want[i]) {
			ktap_diag("register %d: expected %#lx, got %#lx", i, want[i], sig_saved_regs[i]);
			return 0;
		}
	return 1;
}

/* ---- restart ---- */

static volatile int restart_handled;
static void restart_handler(int sig)
{
	(void)sig;
	restart_handled = 1;
}

/* Block in wait4 for a slow child while another child signals us. Returns
 * wait4's result; *err gets errno. */
static long wait_while_signalled(unsigned long flags, int *err, pid_t *slow_out)
{
	pid_t parent = getpid();
	struct sigaction act = { .sa_handler = restart_handler, .sa_flags = flags };

	sigaction(SIGUSR1, &act, NULL);
	restart_handled = 0;
	pid_t slow = fork();
	if (slow == 0) {
		sleep_ms(400);
		_exit(7);
	}
	pid_t signaller = fork();
	if (signaller == 0) {
		sleep_ms(100);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	long r = wait4(slow, NULL, 0, NULL);
	*err = errno;
	*slow_out = slow;
	waitpid(signaller, NULL, 0);
	if (r != slow)
		waitpid(slow, NULL, 0);
	return r;
}

/* The alternate stack in the frame's uc_stack, as Linux 4.3 writes and
 * reads it (kernel/signal.c: __save_altstack, restore_altstack). Later
 * Linux differs in both, so these run on Ringside only. */
#define SS_ONSTACK_ 1
#define SS_DISABLE_ 2
struct kstack_t { void *sp; int flags; unsigned long size; };
static char altstack[16384];
static volatile int uc_flags_seen = -1;
static volatile unsigned long uc_size_seen = 1;

static void uc_stack_handler(int sig, siginfo_t *info, void *ctx)
{
	ucontext_t *uc = ctx;
	(void)sig;
	(void)info;
	uc_flags_seen = uc->uc_stack.ss_flags;
	uc_size_seen = uc->uc_stack.ss_size;
	uc->uc_stack.ss_flags = SS_DISABLE_;     /* ask rt_sigreturn to switch it off */
}

static void altstack_checks(void)
{
	if (!running_on_ringside()) {
		ktap_skip("not on Ringside", "uc_stack without an alternate stack reads SS_DISABLE, size 0");
		ktap_skip("not on Ringside", "a handler on the alternate stack that disables it in uc_stack");
		return;
	}
	install_info(SIGUSR2, uc_stack_handler, 0);
	raise(SIGUSR2);
	ktap_ok(uc_flags_seen == SS_DISABLE_ && uc_size_seen == 0,
		"uc_stack without an alternate stack reads SS_DISABLE, size 0 (flags %d, size %lu), as Linux 4.3",
		uc_flags_seen, uc_size_seen);
	struct kstack_t ss = { altstack, 0, sizeof(altstack) }, now;
	syscall2(__NR_sigaltstack, (long)&ss, 0);
	install_info(SIGUSR2, uc_stack_handler, SA_ONSTACK);
	raise(SIGUSR2);
	syscall2(__NR_sigaltstack, 0, (long)&now);
	ktap_ok(uc_flags_seen == 0 && now.flags == SS_DISABLE_ && now.size == 0,
		"a handler on the alternate stack disables it in uc_stack: applied, the restored rsp being off it "
		"(frame flags %d; now flags %d, size %lu), as Linux 4.3", uc_flags_seen, now.flags, now.size);
	signal(SIGUSR2, SIG_DFL);
}

int main(int argc, char **argv)
{
	sigset_t set, old;
	struct sigaction sa;
	int status, err;
	pid_t pid, slow;
	long r;

	if (argc > 1) {
		printf("usage: sigtest\nSignals: handlers, masks, nesting, default actions, restart,\n"
		       "faults, forged frames and bad arguments. KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(PLAN);

	/* a handler with siginfo */
	install_info(SIGUSR1, info_handler, 0);
	hits = 0;
	raise(SIGUSR1);
	ktap_ok(hits == 1 && last_sig == SIGUSR1, "raise(SIGUSR1) runs the handler once with signo 10");
	ktap_ok(seen_signo == SIGUSR1 && seen_code == SI_TKILL,
		"its siginfo has si_signo 10 and si_code SI_TKILL (got %d, %d)", seen_signo, seen_code);
	hits = 0;
	kill(getpid(), SIGUSR1);
	ktap_ok(hits == 1 && seen_code == SI_USER && seen_pid == getpid(),
		"kill() gives si_code SI_USER and si_pid = the sender (got code %d pid %d)", seen_code, seen_pid);

	/* masks */
	install(SIGUSR1, counting_handler, 0);
	hits = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	ktap_ok(hits == 0, "a blocked signal does not run its handler");
	sigprocmask(SIG_SETMASK, NULL, &old);
	ktap_ok(sigismember(&old, SIGUSR1) == 1, "rt_sigprocmask reports SIGUSR1 in the mask");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	ktap_ok(hits == 1, "unblocking it runs the pending handler before sigprocmask returns");

	/* A handler that interrupts a call failing with EFAULT: rt_sigreturn
	 * gives that -EFAULT back; it is the old rax, not a bad frame. Here
	 * rt_sigprocmask unblocks the pending SIGUSR1, then fails to write the
	 * old mask to a bad pointer; the handler runs on the way out. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	hits = 0;
	long efault = syscall6(__NR_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 8, sizeof(sigset_t), 0, 0);
	ktap_ok(hits == 1 && efault == -EFAULT,
		"a handler run over a call that failed with -EFAULT returns that -EFAULT (hits %d, got %ld)",
		hits, efault);

	/* nesting */
	install(SIGUSR1, usr1_nesting_handler, 0);
	install(SIGUSR2, usr2_handler, 0);
	order_len = 0;
	raise(SIGUSR1);
	ktap_ok(order_len == 3 && order[0] == 1 && order[1] == 2 && order[2] == 3,
		"a SIGUSR2 raised inside SIGUSR1's handler runs nested (order %d %d %d)", order[0], order[1],
		order[2]);

	/* sa_mask blocks SIGUSR2 during SIGUSR1's handler: it runs after. */
	sa = (struct sigaction){ .sa_handler = usr1_nesting_handler };
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	sigprocmask(SIG_SETMASK, NULL, &old);
	order_len = 0;
	raise(SIGUSR1);
	ktap_ok(order_len == 3 && order[0] == 1 && order[1] == 3 && order[2] == 2,
		"with SIGUSR2 in sa_mask it waits for SIGUSR1's handler to return (order %d %d %d)", order[0],
		order[1], order[2]);
	sigset_t after_handler;
	sigprocmask(SIG_SETMASK, NULL, &after_handler);
	ktap_ok(after_handler == old, "rt_sigreturn restores the mask from before the handler (%#lx, %#lx)",
		after_handler, old);

	/* SA_NODEFER */
	install(SIGUSR1, self_raising_handler, 0);
	hits = depth = max_depth = 0;
	raise(SIGUSR1);
	ktap_ok(hits == 2 && max_depth == 1, "without SA_NODEFER a handler's own signal waits (depth %d)",
		max_depth);
	install(SIGUSR1, self_raising_handler, SA_NODEFER);
	hits = depth = max_depth = 0;
	raise(SIGUSR1);
	ktap_ok(hits == 2 && max_depth == 2, "with SA_NODEFER it nests (depth %d)", max_depth);

	/* SA_RESETHAND */
	install(SIGUSR2, counting_handler, SA_RESETHAND);
	hits = 0;
	raise(SIGUSR2);
	sigaction(SIGUSR2, NULL, &sa);
	ktap_ok(hits == 1 && sa.sa_handler == SIG_DFL, "SA_RESETHAND: one delivery, then SIG_DFL");

	/* SIG_IGN */
	install(SIGUSR1, SIG_IGN, 0);
	raise(SIGUSR1);
	ktap_ok(1, "a SIG_IGN signal is discarded (we are still here)");
	install(SIGUSR1, counting_handler, 0);
	hits = 0;
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	install(SIGUSR1, SIG_IGN, 0);
	install(SIGUSR1, counting_handler, 0);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	ktap_ok(hits == 0, "setting SIG_IGN discards a pending signal");

	/* default actions */
	status = child_status(sigterm_self);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "SIGTERM's default action terminates (status %#x)",
		status);
	install_info(SIGCHLD, info_handler, 0);
	hits = 0;
	pid = fork();
	if (pid == 0)
		_exit(5);
	waitpid(pid, &status, 0);
	ktap_ok(hits == 1 && seen_signo == SIGCHLD && seen_code == CLD_EXITED && seen_pid == pid,
		"a child's exit sends SIGCHLD with CLD_EXITED and its pid (hits %d code %d pid %d)", hits,
		seen_code, seen_pid);
	install(SIGCHLD, SIG_DFL, 0);
	pid = fork();
	if (pid == 0)
		_exit(5);
	waitpid(pid, &status, 0);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 5, "SIGCHLD is ignored by default: the parent lives on");

	/* stop and continue */
	pid = fork();
	if (pid == 0)
		spin_until_killed();
	kill(pid, SIGSTOP);
	r = waitpid(pid, &status, WUNTRACED);
	ktap_ok(r == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP,
		"SIGSTOP stops a child: wait4 with WUNTRACED sees it (status %#x)", status);
	kill(pid, SIGCONT);
	ktap_ok(waitpid(pid, &status, WNOHANG) == 0, "after SIGCONT the child is running, not reported again");
	kill(pid, SIGKILL);
	r = waitpid(pid, &status, 0);
	ktap_ok(r == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		"SIGKILL kills the continued child");

	/* syscall restart */
	r = wait_while_signalled(SA_RESTART, &err, &slow);
	ktap_ok(restart_handled && r == slow,
		"SA_RESTART: wait4 interrupted by a handler is restarted and returns the child (got %ld, handled %d)",
		r, restart_handled);
	r = wait_while_signalled(0, &err, &slow);
	ktap_ok(restart_handled && r == -1 && err == EINTR, "without SA_RESTART it fails EINTR (got %ld errno %d)",
		r, err);
	install(SIGUSR1, restart_handler, SA_RESTART);
	restart_handled = 0;
	pid_t parent = getpid();
	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	r = pause();
	err = errno;
	waitpid(pid, NULL, 0);
	ktap_ok(r == -1 && err == EINTR && restart_handled, "pause returns -1 EINTR after the handler, even with SA_RESTART");

	/* faults and forged frames */
	status = child_status(fault_child);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 42,
		"a page fault at %#lx runs the SIGSEGV handler with si_addr = it (status %#x)", BAD_ADDRESS, status);
	status = child_status(skip_fault_child);
	ktap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 44,
		"a handler that moves the ucontext's rip past the fault resumes there (status %#x)", status);
	ktap_ok(registers_survive_handler(), "rbx, rdx, r8-r10 and r12-r15 survive a handler that clobbers them");
	status = child_status(garbage_frame_child);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		"rt_sigreturn on a garbage frame kills with SIGSEGV (status %#x)", status);
	status = child_status(kernel_rip_frame_child);
	ktap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		"rt_sigreturn to a kernel rip kills with SIGSEGV (status %#x)", status);

	altstack_checks();

	/* bad input */
	ktap_expect(sys_kill(999999, SIGUSR1), -ESRCH, "kill of a nonexistent pid is ESRCH");
	ktap_expect(sys_kill(getpid(), 65), -EINVAL, "kill with signal 65 is EINVAL");
	pid = fork();
	if (pid == 0)
		spin_until_killed();
	ktap_expect(sys_tgkill(pid, getpid(), SIGUSR1), -ESRCH,
		    "tgkill(a child's pid, our tid) is ESRCH: the tid is not in that group");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	sa = (struct sigaction){ .sa_handler = counting_handler, .sa_flags = SA_RESTORER, .sa_restorer = __restore_rt };
	ktap_expect(sys_rt_sigaction(SIGKILL, &sa, NULL, 8), -EINVAL, "rt_sigaction on SIGKILL is EINVAL");
	ktap_expect(sys_rt_sigaction(SIGUSR1, &sa, NULL, 16), -EINVAL, "rt_sigaction with sigsetsize 16 is EINVAL");
	ktap_expect(sys_rt_sigaction(SIGUSR1, (void *)8, NULL, 8), -EFAULT, "rt_sigaction with act = 8 is EFAULT");
	ktap_expect(sys_rt_sigprocmask(SIG_BLOCK, (void *)8, NULL, 8), -EFAULT,
		    "rt_sigprocmask with set = 8 is EFAULT");
	ktap_expect(sys_rt_sigprocmask(7, &set, NULL, 8), -EINVAL, "rt_sigprocmask with how = 7 is EINVAL");
	ktap_expect(sys_rt_sigaction(SIGUSR1, NULL, (void *)8, 8), -EFAULT, "rt_sigaction with oact = 8 is EFAULT");
	ktap_expect(sys_rt_sigprocmask(SIG_BLOCK, NULL, (void *)8, 8), -EFAULT, "rt_sigprocmask with oset = 8 is EFAULT");
	return ktap_finish();
}
