/* Lab 4: the exit-work loop - your code.
 *
 * Every return to user mode passes here last: the slow syscall exit (lab 5),
 * and every interrupt or exception that came from user mode
 * (os/entry/entry_64.S, common_entry). It is called with IRQs disabled, and
 * the assembly that follows it (SYSRET or IRET) expects them still disabled
 * and no work left to do.
 *
 * Read docs/labs/lab4.md first.
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

/* prepare_exit_to_usermode
 *
 * - If IRQs are on (a caller's bug), complain with WARN_ON and turn them off.
 * - Loop: read the thread_info's flags (READ_ONCE). If none of
 *   EXIT_TO_USERMODE_LOOP_FLAGS is set, leave the loop. Otherwise count the
 *   pass (cpu_data.stats.exit_loop_iterations++), turn IRQs on, do the work
 *   of each flag that was set, in this order:
 *     TIF_UPROBE              uprobe_notify_resume(regs)
 *     TIF_NEED_RESCHED        schedule()
 *     TIF_SIGPENDING          do_signal(regs)
 *     TIF_NOTIFY_RESUME       tracehook_notify_resume(regs)
 *     TIF_USER_RETURN_NOTIFY  fire_user_return_notifiers()
 *   then turn IRQs off and read the flags again: the work (or an interrupt
 *   while IRQs were on) may have set new flags.
 * - Finally user_enter() (context tracking), still with IRQs off.
 */
void prepare_exit_to_usermode(struct pt_regs *regs)
{
	/* TODO */
	(void)regs;
}
