/* Signal numbers (Linux x86-64) and the kernel's signal entry points. */
#ifndef RINGSIDE_SIGNAL_H
#define RINGSIDE_SIGNAL_H
#include <asm/ptrace.h>
#include <ringside/types.h>

#define SIGHUP   1
#define SIGINT   2
#define SIGQUIT  3
#define SIGILL   4
#define SIGTRAP  5
#define SIGABRT  6
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG  23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO   29
#define SIGPWR  30
#define SIGSYS  31
#define _NSIG   64

#define SIG_DFL 0UL
#define SIG_IGN 1UL

#define SA_NOCLDSTOP 0x00000001
#define SA_SIGINFO   0x00000004
#define SA_RESTORER  0x04000000
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* si_code values (Linux). */
#define SI_USER     0
#define SI_TKILL    (-6)
#define SI_KERNEL   0x80
#define SEGV_MAPERR 1
#define ILL_ILLOPN  2
#define FPE_INTDIV  1
#define TRAP_BRKPT  1
#define TRAP_TRACE  2
#define CLD_EXITED  1
#define CLD_KILLED  2
#define SYS_SECCOMP 1

#define sigmask(sig) (1UL << ((sig) - 1))
#define SIG_KERNEL_ONLY_MASK (sigmask(SIGKILL) | sigmask(SIGSTOP))

struct task_struct;
struct ksiginfo;

const char *signal_name(int sig);
/* Queue sig for t; info may be NULL (SI_USER from the kernel). Returns 0. */
int send_signal(struct task_struct *t, int sig, const struct ksiginfo *info);
/* A synchronous fault: delivered even if blocked or ignored (reset to default). */
void force_sig_info(int sig, const struct ksiginfo *info);
void force_sig_fault(int sig, unsigned vector, unsigned long address, struct pt_regs *regs);
void recalc_sigpending(struct task_struct *t);
void do_debug(struct pt_regs *regs);
/* Called on the way to user mode with TIF_SIGPENDING: deliver one signal. */
void do_signal(struct pt_regs *regs);
/* Lab 7: build the handler's frame on the user stack, and undo it. */
int setup_rt_frame(int sig, const struct k_sigaction *ka, const struct ksiginfo *info,
		   u64 saved_mask, struct pt_regs *regs);
int restore_rt_frame(struct pt_regs *regs, u64 *mask);
void flush_signal_handlers(struct task_struct *t);   /* execve */
#endif
