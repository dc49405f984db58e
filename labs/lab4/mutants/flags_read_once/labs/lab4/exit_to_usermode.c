/* Lab 4: the last thing the kernel does before any return to user mode.
 *
 * prepare_exit_to_usermode() is called with IRQs disabled from every path
 * back to user mode (syscalls, interrupts, exceptions). While any of the
 * exit-work flags is set, it turns IRQs on, does the work, turns IRQs off
 * and reads the flags again: the work itself, or an interrupt that came in
 * while IRQs were on, may have raised new flags (a reschedule may deliver a
 * signal; a signal handler's setup may fault). The order of the work:
 *  - TIF_UPROBE: a probe was hit, run its handler;
 *  - TIF_NEED_RESCHED: let another task run;
 *  - TIF_SIGPENDING: deliver a signal (may build a handler frame);
 *  - TIF_NOTIFY_RESUME: run the task's queued work;
 *  - TIF_USER_RETURN_NOTIFY: run the user-return notifiers.
 * It returns with IRQs disabled and no work pending, so nothing can slip in
 * before SYSRET/IRET, and tells context tracking we are going to user mode.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/signal.h>
#include <ringside/task_work.h>
#include <ringside/uprobes.h>
#include <ringside/percpu.h>
#include <ringside/context_tracking.h>
#include <asm/x86.h>

void prepare_exit_to_usermode(struct pt_regs *regs)
{
	if (WARN_ON(!irqs_disabled()))
		local_irq_disable();

	u32 cached_flags = READ_ONCE(pt_regs_to_thread_info(regs)->flags);
	if (cached_flags & EXIT_TO_USERMODE_LOOP_FLAGS) {

		cpu_data.stats.exit_loop_iterations++;
		local_irq_enable();

		if (cached_flags & _TIF_UPROBE)
			uprobe_notify_resume(regs);
		if (cached_flags & _TIF_NEED_RESCHED)
			schedule();
		if (cached_flags & _TIF_SIGPENDING)
			do_signal(regs);
		if (cached_flags & _TIF_NOTIFY_RESUME)
			tracehook_notify_resume(regs);
		if (cached_flags & _TIF_USER_RETURN_NOTIFY)
			fire_user_return_notifiers();

		local_irq_disable();
	}
	user_enter();
}
