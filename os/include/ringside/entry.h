/* The C half of the syscall entry/exit pipeline (Linux 4.3's
 * arch/x86/entry/common.c, where it first appeared). The bodies are the labs' functions and live
 * under solutions/ (or the student's starter files). */
#ifndef RINGSIDE_ENTRY_H
#define RINGSIDE_ENTRY_H
#include <ringside/types.h>
#include <asm/ptrace.h>
#include <asm/thread_info.h>
#include <uapi/linux_seccomp.h>

/* pt_regs sits at the top of the kernel stack and thread_info at its
 * bottom, so one is found from the other by rounding down. */
static inline struct thread_info *pt_regs_to_thread_info(struct pt_regs *regs)
{
	unsigned long top_of_stack = (unsigned long)(regs + 1);
	return (struct thread_info *)(top_of_stack - THREAD_SIZE);
}

void enter_from_user_mode(void);
void do_audit_syscall_entry(struct pt_regs *regs, u32 arch);
unsigned long syscall_trace_enter_phase1(struct pt_regs *regs, u32 arch);
long syscall_trace_enter_phase2(struct pt_regs *regs, u32 arch, unsigned long phase1_result);
long syscall_trace_enter(struct pt_regs *regs);
void prepare_exit_to_usermode(struct pt_regs *regs);
void syscall_return_slowpath(struct pt_regs *regs);
#endif
