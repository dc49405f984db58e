/* Lab 2: the first phase of the syscall slow path.
 *
 * enter_from_user_mode() tells context tracking the CPU left user mode.
 *
 * do_audit_syscall_entry() writes the audit entry record: the arch, the
 * number and the first four arguments, read from the registers of that
 * arch's ABI (x86-64: di si dx r10; i386 through int $0x80: bx cx dx si).
 *
 * syscall_trace_enter_phase1() does the entry work that is cheap and needs
 * no full register state (as in Linux 4.3, the entry code has not saved bx,
 * bp and r12-r15 yet here: only orig_ax, ax and the arguments are real), in
 * this order: context tracking first (nothing may run before user_exit()),
 * then seccomp (it should expose as little kernel code
 * as possible to a filtered task), then audit if audit is the only work
 * left. Its return value:
 *   0      resume: dispatch the syscall now (regs->orig_ax may be -1 for
 *          "skip": seccomp's ERRNO and TRAP put the result in regs->ax);
 *   1      run phase 2, no seccomp decision pending;
 *   other  run phase 2 with this seccomp filter result (SECCOMP_RET_TRACE).
 * Called with IRQs on, from entry_SYSCALL_64_slowpath and syscall_trace_enter.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/seccomp.h>
#include <ringside/audit.h>
#include <ringside/context_tracking.h>

void enter_from_user_mode(void)
{
	CT_WARN_ON(ct_state() != CONTEXT_USER);
	user_exit();
}

void do_audit_syscall_entry(struct pt_regs *regs, u32 arch)
{
	if (arch == AUDIT_ARCH_X86_64)
		audit_syscall_entry(arch, (int)regs->orig_ax, regs->di, regs->si, regs->dx, regs->r10);
	else
		audit_syscall_entry(arch, (int)regs->orig_ax, (u32)regs->bx, (u32)regs->cx,
				    (u32)regs->dx, (u32)regs->si);
}

unsigned long syscall_trace_enter_phase1(struct pt_regs *regs, u32 arch)
{
	unsigned long ret = 0;
	u32 work = READ_ONCE(pt_regs_to_thread_info(regs)->flags) & _TIF_WORK_SYSCALL_ENTRY;

	if (work & _TIF_NOHZ) {
		enter_from_user_mode();
		work &= ~_TIF_NOHZ;
	}

	if (work & _TIF_SECCOMP) {
		struct seccomp_data sd;
		sd.arch = arch;
		sd.nr = (int)regs->orig_ax;
		sd.instruction_pointer = regs->ip;
		if (arch == AUDIT_ARCH_X86_64) {
			sd.args[0] = regs->di;
			sd.args[1] = regs->si;
			sd.args[2] = regs->dx;
			sd.args[3] = regs->r10;
			sd.args[4] = regs->r8;
			sd.args[5] = regs->r9;
		} else {
			sd.args[0] = (u32)regs->bx;
			sd.args[1] = (u32)regs->cx;
			sd.args[2] = (u32)regs->dx;
			sd.args[3] = (u32)regs->si;
			sd.args[4] = (u32)regs->di;
			sd.args[5] = (u32)regs->bp;
		}
		ret = seccomp_phase1(&sd);
		if (ret == SECCOMP_PHASE1_SKIP) {
			regs->orig_ax = -1;    /* the dispatcher skips it */
			ret = 0;
		} else if (ret != SECCOMP_PHASE1_OK) {
			return ret;            /* TRACE: phase 2 must ask the tracer */
		}
		work &= ~_TIF_SECCOMP;
	}

	if (work == 0)
		return ret;                    /* 0: nohz and/or seccomp only */

	/* Audit alone can be finished here; phase 2 would audit too, so once
	 * phase 1 has audited, phase 2 must not run. */
	if (work == _TIF_SYSCALL_AUDIT) {
		do_audit_syscall_entry(regs, arch);
		return 0;
	}
	return 1;
}
