/* Lab 5: the slow exit of a syscall.
 *
 * syscall_return_slowpath() runs with IRQs on after the syscall's handler,
 * whenever the entry took the slow path or exit work was found on the fast
 * path. It does the per-syscall exit work, clears TS_COMPAT (an int $0x80
 * syscall is over), then disables IRQs and hands over to
 * prepare_exit_to_usermode().
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/context_tracking.h>
#include <asm/x86.h>

void syscall_return_slowpath(struct pt_regs *regs)
{
	struct thread_info *ti = pt_regs_to_thread_info(regs);

	CT_WARN_ON(ct_state() != CONTEXT_KERNEL);
	if (WARN_ON(irqs_disabled()))
		local_irq_enable();

	ti->status &= ~TS_COMPAT;
	local_irq_disable();
	prepare_exit_to_usermode(regs);
}
