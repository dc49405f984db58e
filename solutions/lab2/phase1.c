/* Lab 2: the first phase of the syscall slow path.
 *
 * enter_from_user_mode() tells context tracking we left user mode.
 * syscall_trace_enter_phase1() does the work that is cheap enough to do
 * without saving the full register state (in Linux v4.2 the callee-saved
 * registers were not yet saved at this point). Its return value:
 *   0      resume: nothing more to do, dispatch the syscall (fast exit still
 *          sees the work flags and takes the slow exit);
 *   1      run phase 2 (no seccomp decision pending);
 *   other  run phase 2, handing it this seccomp phase-1 result.
 * Called with IRQs on, from entry_SYSCALL_64_slowpath.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/context_tracking.h>

void enter_from_user_mode(void)
{
	CT_WARN_ON(ct_state() != CONTEXT_USER);
	user_exit();
}

unsigned long syscall_trace_enter_phase1(struct pt_regs *regs, u32 arch)
{
	struct thread_info *ti = pt_regs_to_thread_info(regs);
	u32 work = READ_ONCE(ti->flags) & _TIF_WORK_SYSCALL_ENTRY;
	(void)arch;

	if (work & _TIF_NOHZ) {
		enter_from_user_mode();
		work &= ~_TIF_NOHZ;
	}
	/* Whatever is left needs phase 2. */
	return work ? 1 : 0;
}
