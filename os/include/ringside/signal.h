/* Signal numbers (Linux x86-64) and the kernel's signal entry points. */
#ifndef RINGSIDE_SIGNAL_H
#define RINGSIDE_SIGNAL_H
#include <asm/ptrace.h>

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

const char *signal_name(int sig);
/* A synchronous fault in user mode (vector, address) turns into sig. */
void force_sig_fault(int sig, unsigned vector, unsigned long address, struct pt_regs *regs);
void do_debug(struct pt_regs *regs);
void do_signal(struct pt_regs *regs);
#endif
