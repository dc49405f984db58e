/* Lab 3: the second phase of the syscall slow path, and the one-call form
 * used by int $0x80.
 *
 * syscall_trace_enter_phase2() does the entry work that may sleep or hand
 * the task to another (the tracer), in this order:
 *  - with TIF_SINGLESTEP, put TF back into the saved flags: SYSCALL cleared
 *    it on entry (MSR_SYSCALL_MASK) and the user's single-step must go on
 *    after the syscall;
 *  - seccomp's TRACE result (phase1_result > 1): the tracer decides; a
 *    refusal skips everything else;
 *  - TIF_SYSCALL_EMU: the syscall is reported but never run;
 *  - TIF_SYSCALL_TRACE (or emulation): the syscall-entry ptrace stop; the
 *    tracer may change orig_ax, or kill the task (skip). The flag is read
 *    afresh: a seccomp tracer stop may have just set it;
 *  - the sys_enter tracepoint, then the audit entry record (after the
 *    tracer, so both see what will really run).
 * It returns the syscall number to run (regs->orig_ax, perhaps changed) or
 * -1 to skip it, in which case regs->ax holds what user space will see.
 *
 * syscall_trace_enter() runs both phases back to back (int $0x80 uses it).
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/seccomp.h>
#include <ringside/ptrace.h>
#include <ringside/audit.h>
#include <asm/x86.h>

long syscall_trace_enter_phase2(struct pt_regs *regs, u32 arch, unsigned long phase1_result)
{
	long ret = 0;
	u32 work = READ_ONCE(pt_regs_to_thread_info(regs)->flags) & _TIF_WORK_SYSCALL_ENTRY;

	if (work & _TIF_SINGLESTEP)
		regs->flags |= X86_EFLAGS_TF;

	if (phase1_result > 1 && seccomp_phase2(phase1_result))
		return -1;

	if (work & _TIF_SYSCALL_EMU)
		ret = -1;

	/* The flag is read again, not taken from work: a tracer that resumed a
	 * seccomp stop with PTRACE_SYSCALL has just set it (as in Linux 4.3). */
	if ((ret || test_thread_flag(TIF_SYSCALL_TRACE)) && tracehook_report_syscall_entry(regs))
		ret = -1;

	if (test_thread_flag(TIF_SYSCALL_TRACEPOINT))
		trace_sys_enter(regs, regs->orig_ax);

	if (test_thread_flag(TIF_SYSCALL_AUDIT))
		do_audit_syscall_entry(regs, arch);

	return ret ? ret : (long)regs->orig_ax;
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
