/* Lab 4: the last thing the kernel does before any return to user mode.
 *
 * prepare_exit_to_usermode() is called with IRQs disabled from every path
 * back to user mode (syscalls, interrupts, exceptions). It loops: while any
 * exit-work flag is set, turn IRQs on, do the work, turn IRQs off and look
 * again, because the work itself (or an interrupt while IRQs were on) may
 * have raised new flags. It returns with IRQs disabled and no work pending,
 * so nothing can slip in before SYSRET/IRET.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/signal.h>
#include <ringside/context_tracking.h>
#include <asm/x86.h>

void prepare_exit_to_usermode(struct pt_regs *regs)
{
	if (WARN_ON(!irqs_disabled()))
		local_irq_disable();

	for (;;) {
		u32 cached_flags = READ_ONCE(pt_regs_to_thread_info(regs)->flags);
		if (!(cached_flags & EXIT_TO_USERMODE_LOOP_FLAGS))
			break;

		local_irq_enable();
		if (cached_flags & _TIF_NEED_RESCHED)
			schedule();
		if (cached_flags & _TIF_SIGPENDING)
			do_signal(regs);
		local_irq_disable();
	}
	user_enter();
}
