/* Lab 5: the slow syscall exit - your code.
 *
 * After a syscall's handler, the exit assembly comes here instead of going
 * straight to SYSRET when the entry took the slow path or any work flag is
 * set (_TIF_ALLWORK_MASK). It is called with IRQs on; it must return with
 * IRQs off, having run prepare_exit_to_usermode() (lab 4), because SYSRET
 * or IRET follows at once.
 *
 * Read docs/labs/lab5.md first.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/audit.h>
#include <ringside/ptrace.h>
#include <ringside/context_tracking.h>
#include <asm/x86.h>

/* syscall_return_slowpath
 *
 * - Read the thread_info's flags once (READ_ONCE).
 * - Context tracking must say "kernel" here: CT_WARN_ON(ct_state() !=
 *   CONTEXT_KERNEL). If IRQs are off (a caller's bug), WARN_ON and turn
 *   them on: the tracer stop below may sleep.
 * - If any of _TIF_WORK_SYSCALL_EXIT is set:
 *     TIF_SYSCALL_AUDIT       audit_syscall_exit(regs)
 *     TIF_SYSCALL_TRACEPOINT  trace_sys_exit(regs, regs->ax)
 *     then report to the tracer with tracehook_report_syscall_exit(regs,
 *     step), where step says "the task is single-stepping
 *     (TIF_SINGLESTEP) and not under PTRACE_SYSEMU (TIF_SYSCALL_EMU)":
 *     the CPU could not report the step over the syscall instruction
 *     because SYSCALL masked TF, so the kernel reports it here. Report when
 *     step is true or TIF_SYSCALL_TRACE is set (the syscall-exit stop).
 * - Clear TS_COMPAT in the thread_info's status: an int $0x80 call is over.
 * - Turn IRQs off and finish with prepare_exit_to_usermode(regs).
 */
void syscall_return_slowpath(struct pt_regs *regs)
{
	/* TODO */
	(void)regs;
}
