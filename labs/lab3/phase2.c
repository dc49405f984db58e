/* Lab 3: phase 2 of the syscall slow path - your code.
 *
 * Phase 2 runs when phase 1 (lab 2) returned nonzero, with IRQs on. Unlike
 * phase 1 it may sleep: the task may stop for its tracer, which reads and
 * writes the registers (PTRACE_GETREGS / SETREGS) while the task waits.
 * entry_SYSCALL_64 dispatches whatever number phase 2 returns.
 *
 * Read docs/labs/lab3.md first.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/seccomp.h>
#include <ringside/ptrace.h>
#include <ringside/audit.h>
#include <asm/x86.h>

/* syscall_trace_enter_phase2: the entry work that may involve the tracer.
 *
 * Read the entry-work flags from the thread_info, then in this order:
 *  1. TIF_SINGLESTEP: set X86_EFLAGS_TF in regs->flags. SYSCALL cleared TF
 *     on entry; without this the user's single-stepping would stop working
 *     after the call.
 *  2. phase1_result > 1 is a SECCOMP_RET_TRACE result: seccomp_phase2()
 *     asks the tracer; if it returns nonzero, return -1 at once (the call
 *     is skipped, regs->ax holds the result, nothing else is done).
 *  3. TIF_SYSCALL_EMU (PTRACE_SYSEMU): the call is reported to the tracer
 *     but never run - the answer will be -1.
 *  4. TIF_SYSCALL_TRACE, or emulation: the syscall-entry stop,
 *     tracehook_report_syscall_entry(regs). Nonzero means skip (-1).
 *  5. TIF_SYSCALL_TRACEPOINT: trace_sys_enter(regs, regs->orig_ax).
 *  6. TIF_SYSCALL_AUDIT: do_audit_syscall_entry(regs, arch).
 * Steps 5 and 6 come after the stop, and read the flags of the current task
 * again (test_thread_flag): the tracer may have changed the number, and the
 * records must show what will really run.
 *
 * Return -1 to skip the call, else regs->orig_ax as it is now.
 */
long syscall_trace_enter_phase2(struct pt_regs *regs, u32 arch, unsigned long phase1_result)
{
	/* TODO */
	(void)regs;
	(void)arch;
	(void)phase1_result;
	return -1;
}

/* syscall_trace_enter: both phases in one call, as the int $0x80 path uses
 * them. The arch is AUDIT_ARCH_I386 when TS_COMPAT is set in the
 * thread_info's status, else AUDIT_ARCH_X86_64. If phase 1 returns 0, the
 * number to run is regs->orig_ax (perhaps -1); otherwise hand phase 1's
 * result to phase 2 and return phase 2's answer. */
long syscall_trace_enter(struct pt_regs *regs)
{
	/* TODO */
	(void)regs;
	return -1;
}
