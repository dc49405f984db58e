/* Signals. The foundation kernel knows one thing to do with a signal: the
 * default action for a fault, which is to terminate the task with that
 * signal as its wait status. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/signal.h>
#include <asm/x86.h>

static const char *const signal_names[32] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	if (sig > 0 && sig < 32 && signal_names[sig])
		return signal_names[sig];
	return "SIG?";
}

void force_sig_fault(int sig, unsigned vector, unsigned long address, struct pt_regs *regs)
{
	(void)vector; (void)address; (void)regs;
	do_exit_signal(sig);
}

/* #DB: a user-mode single step (TF) or a hardware breakpoint. */
void do_debug(struct pt_regs *regs)
{
	unsigned long dr6;
	__asm__ volatile("mov %%db6, %0" : "=r"(dr6));
	__asm__ volatile("mov %0, %%db6" :: "r"(0UL));
	if (!user_mode(regs)) {
		/* A step that fell into the kernel (e.g. TF kept across SYSCALL
		 * is masked, so this is a debugger's breakpoint): ignore it. */
		regs->flags &= ~X86_EFLAGS_TF;
		return;
	}
	(void)dr6;
	force_sig_fault(SIGTRAP, 1, 0, regs);
}

/* Deliver pending signals before returning to user mode. */
void do_signal(struct pt_regs *regs)
{
	(void)regs;
	clear_thread_flag(TIF_SIGPENDING);
}
