/* Signal numbers (Linux x86-64) and the kernel's signal entry points. */
#ifndef RINGSIDE_SIGNAL_H
#define RINGSIDE_SIGNAL_H
#include <asm/ptrace.h>
#include <ringside/types.h>
#include <uapi/linux_signal.h>

#define _NSIG   64

#define SIG_DFL 0UL
#define SIG_IGN 1UL

#define sigmask(sig) (1UL << ((sig) - 1))
#define SIG_KERNEL_ONLY_MASK (sigmask(SIGKILL) | sigmask(SIGSTOP))

struct task_struct;
struct ksiginfo;

const char *signal_name(int sig);
/* Queue sig for t; info may be NULL (SI_USER from the kernel). Returns 0. */
int send_signal(struct task_struct *t, int sig, const struct ksiginfo *info);
bool do_notify_parent(struct task_struct *tsk, int sig);
/* A synchronous fault: delivered even if blocked or ignored (reset to default). */
void force_sig_info(int sig, const struct ksiginfo *info);
void force_sig_fault(int sig, unsigned vector, unsigned long address, struct pt_regs *regs);
void recalc_sigpending(struct task_struct *t);
/* Linux's kill_pgrp(pgrp, sig, 1): the kernel signals a process group
 * (SI_KERNEL; init only if it has a handler). Returns how many it reached. */
int kill_pgrp_priv(pid_t pgrp, int sig);
/* will_become_orphaned_pgrp(pgrp, ignored): no member (but ignored) has a
 * parent in another group of the same session (init does not count). */
bool pgrp_orphaned(pid_t pgrp, struct task_struct *ignored);
void do_debug(struct pt_regs *regs);
/* Kernel-mode hits of a data watchpoint (DR0-DR3), for in-kernel tests: how
 * many, the rflags of the first access, the rflags and rip of the last. */
/* Data-watchpoint hits of an in-kernel test (DR0-DR3): how many, the rflags
 * of the first and last, and the first KERNEL_WATCH_LOG instruction
 * addresses with their rflags, in order. */
#define KERNEL_WATCH_LOG 32
struct kernel_watch {
	unsigned long hits, first_flags, last_flags, last_ip;
	unsigned long log_ip[KERNEL_WATCH_LOG], log_flags[KERNEL_WATCH_LOG];
};
extern struct kernel_watch kernel_watch;
/* Called on the way to user mode with TIF_SIGPENDING: deliver one signal. */
void do_signal(struct pt_regs *regs);
/* Lab 7: build the handler's frame on the user stack, and undo it. */
int setup_rt_frame(int sig, const struct k_sigaction *ka, const struct ksiginfo *info,
		   u64 saved_mask, struct pt_regs *regs);
int restore_rt_frame(struct pt_regs *regs, u64 *mask);
void flush_signal_handlers(struct task_struct *t);   /* execve */
int copy_siginfo_to_user(void *uinfo, const struct ksiginfo *info);
/* The same in the int $0x80 layout (compat_siginfo, 32-bit words). */
int copy_siginfo_to_user32(void *uinfo, const struct ksiginfo *info);
#endif
