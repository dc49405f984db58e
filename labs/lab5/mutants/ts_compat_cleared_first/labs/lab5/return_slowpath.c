/* Lab 5: the slow exit of a syscall.
 *
 * syscall_return_slowpath() runs with IRQs on, after the syscall's handler,
 * whenever the entry took the slow path or exit work was found on the fast
 * path. With any of the exit-work flags (_TIF_WORK_SYSCALL_EXIT) it writes
 * the audit exit record, the sys_exit tracepoint, and reports to a tracer:
 * a syscall-exit stop (TIF_SYSCALL_TRACE), or - if the task was
 * single-stepping and not under PTRACE_SYSEMU - the end of the step over the
 * syscall instruction, which the hardware could not report because SYSCALL
 * masked TF. Then TS_COMPAT is cleared (an int $0x80 syscall is over), IRQs
 * go off and prepare_exit_to_usermode() finishes the job.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/audit.h>
#include <ringside/ptrace.h>
#include <ringside/context_tracking.h>
#include <asm/x86.h>

void syscall_return_slowpath(struct pt_regs *regs)
{
	struct thread_info *ti = pt_regs_to_thread_info(regs);
	u32 cached_flags = READ_ONCE(ti->flags);

	CT_WARN_ON(ct_state() != CONTEXT_KERNEL);
	if (WARN_ON(irqs_disabled()))
		local_irq_enable();

	ti->status &= ~TS_COMPAT;
	if (cached_flags & _TIF_WORK_SYSCALL_EXIT) {
		if (cached_flags & _TIF_SYSCALL_AUDIT)
			audit_syscall_exit(regs);
		if (cached_flags & _TIF_SYSCALL_TRACEPOINT)
			trace_sys_exit(regs, regs->ax);
		bool step = (cached_flags & (_TIF_SINGLESTEP | _TIF_SYSCALL_EMU)) == _TIF_SINGLESTEP;
		if (step || (cached_flags & _TIF_SYSCALL_TRACE))
			tracehook_report_syscall_exit(regs, step);
	}

	local_irq_disable();
	prepare_exit_to_usermode(regs);
}
