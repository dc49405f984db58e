/* Lab 1: syscall dispatch.
 *
 * do_syscall_64() is the C half of the fast path: entry_SYSCALL_64 has
 * saved the registers C code may clobber into pt_regs (bx, bp, r12-r15
 * stay live in the CPU, as in Linux 4.3); the number is in orig_ax and the
 * arguments in di, si, dx, r10, r8, r9 (r10, not cx: SYSCALL overwrote rcx
 * with the return address). The result goes into pt_regs->ax, which the
 * exit path loads into rax. A number outside the table leaves ax as the
 * entry code set it: -ENOSYS. The table has no holes (a number Ringside does
 * not implement is sys_ni_syscall, as in Linux), so the bound check is the
 * only one: on the fast path every instruction here is one of the null
 * syscall's.
 *
 * do_int80_syscall_32() is the same for `int $0x80`: the i386 numbers and
 * the i386 argument registers ebx, ecx, edx, esi, edi, ebp, each only 32
 * bits wide. TS_COMPAT tells the rest of the kernel (audit, seccomp, ptrace)
 * that this syscall speaks the i386 ABI; syscall_return_slowpath clears it.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/syscalls.h>
#include <ringside/entry.h>

void do_syscall_64(struct pt_regs *regs)
{
	unsigned long nr = regs->orig_ax;
	if (likely(nr < NR_syscalls))
		regs->ax = sys_call_table[nr](regs->di, regs->si, regs->dx,
					      regs->r10, regs->r8, regs->r9);
}

void do_int80_syscall_32(struct pt_regs *regs)
{
	struct thread_info *ti = pt_regs_to_thread_info(regs);
	unsigned long nr = (u32)regs->orig_ax;

	ti->status |= TS_COMPAT;
	if (ti->flags & _TIF_WORK_SYSCALL_ENTRY)
		nr = syscall_trace_enter(regs);   /* may change or skip (-1) it */
	if (nr < IA32_NR_syscalls)
		regs->ax = ia32_sys_call_table[nr]((u32)regs->bx, (u32)regs->cx, (u32)regs->dx,
						   (u32)regs->si, (u32)regs->di, (u32)regs->bp);
}
