/* Lab 2: phase 1 of the syscall slow path - your code.
 *
 * When any entry-work flag is set (_TIF_WORK_SYSCALL_ENTRY in
 * <asm/thread_info.h>), entry_SYSCALL_64 leaves the fast path and calls
 * syscall_trace_enter_phase1(regs, AUDIT_ARCH_X86_64) with IRQs on. The
 * int $0x80 path reaches it through syscall_trace_enter() (lab 3) with
 * AUDIT_ARCH_I386. Phase 1 does the cheap work, which needs nothing but the
 * registers; whatever needs the tracer is left to phase 2 (lab 3).
 *
 * Read docs/labs/lab2.md first.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/seccomp.h>
#include <ringside/audit.h>
#include <ringside/context_tracking.h>

/* enter_from_user_mode: tell context tracking that this CPU has left user
 * mode (user_exit()). It must only be called while the context-tracking
 * state is still "user": complain with CT_WARN_ON(...) when ct_state() is
 * not CONTEXT_USER. */
void enter_from_user_mode(void)
{
	/* TODO */
}

/* do_audit_syscall_entry: write the audit entry record through
 * audit_syscall_entry(arch, number, a0, a1, a2, a3) - the number is
 * (int)regs->orig_ax (all of it: 0x10027 stays 0x10027), the arguments
 * the first four of that ABI:
 *   AUDIT_ARCH_X86_64: rdi, rsi, rdx, r10 (full 64 bits);
 *   AUDIT_ARCH_I386:   ebx, ecx, edx, esi (32 bits each).
 * Lab 3's phase 2 calls it too. */
void do_audit_syscall_entry(struct pt_regs *regs, u32 arch)
{
	/* TODO */
	(void)regs;
	(void)arch;
}

/* syscall_trace_enter_phase1: the cheap entry work, in this order.
 *
 * Read the work flags once from the thread_info (pt_regs_to_thread_info)
 * and keep only _TIF_WORK_SYSCALL_ENTRY: your copy, from which each step
 * clears what it handled (the task's own flags stay as they are).
 *  1. TIF_NOHZ: enter_from_user_mode(), before anything else runs.
 *  2. TIF_SECCOMP (only then: without it the task is in no seccomp mode,
 *     and seccomp_phase1() would warn): fill a struct seccomp_data -
 *     nr = (int)orig_ax, arch, instruction_pointer = ip,
 *     args[0..5] = the six argument registers of
 *     that arch (x86-64: rdi rsi rdx r10 r8 r9; i386: ebx ecx edx esi edi
 *     ebp, all 32 bits of each, zero-extended) - and call
 *     seccomp_phase1(&sd). Its answer:
 *       SECCOMP_PHASE1_OK    go on;
 *       SECCOMP_PHASE1_SKIP  the call must not run: set orig_ax to -1 (the
 *                            result is already in regs->ax) and go on;
 *       anything else        a SECCOMP_RET_TRACE filter result: return it
 *                            now, phase 2 will ask the tracer.
 *  3. If no work is left, return 0. If audit is the only work left, write
 *     the audit entry record here (do_audit_syscall_entry) and return 0 -
 *     phase 2 must then not run, or the record would be written twice.
 *     Otherwise return 1.
 *
 * Return value: 0 = dispatch now (orig_ax may be -1: skip), 1 = run phase 2,
 * other = run phase 2 with this seccomp result.
 */
unsigned long syscall_trace_enter_phase1(struct pt_regs *regs, u32 arch)
{
	/* TODO */
	(void)regs;
	(void)arch;
	return 0;
}
