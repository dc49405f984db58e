/* Lab 3: the second phase of the syscall slow path, and the one-call form
 * used by int $0x80.
 *
 * syscall_trace_enter_phase2() finishes what phase 1 left: it returns the
 * syscall number to run (regs->orig_ax, possibly changed by a tracer) or -1
 * to skip the syscall (regs->ax then holds what user space will see).
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>

long syscall_trace_enter_phase2(struct pt_regs *regs, u32 arch, unsigned long phase1_result)
{
	(void)arch;
	(void)phase1_result;
	return regs->orig_ax;
}

long syscall_trace_enter(struct pt_regs *regs)
{
	u32 arch = (pt_regs_to_thread_info(regs)->status & TS_COMPAT) ? AUDIT_ARCH_I386
								       : AUDIT_ARCH_X86_64;
	unsigned long phase1_result = syscall_trace_enter_phase1(regs, arch);
	if (phase1_result == 0)
		return regs->orig_ax;
	return syscall_trace_enter_phase2(regs, arch, phase1_result);
}
