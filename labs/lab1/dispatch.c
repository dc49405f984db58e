/* Lab 1: syscall dispatch - your code.
 *
 * Both functions run with IRQs on, on the kernel stack of the calling task,
 * after the entry assembly (os/entry/entry_64.S) has saved the user
 * registers into the struct pt_regs at the top of that stack (on the
 * SYSCALL fast path all but bx, bp and r12-r15, which stay live in the
 * CPU, as in Linux 4.3; the arguments are all there). The number of
 * the call is in regs->orig_ax; regs->ax already holds -ENOSYS, and whatever
 * regs->ax holds when you return is what user space finds in rax.
 *
 * sys_call_table[] (x86-64 numbers) and ia32_sys_call_table[] (i386
 * numbers) have NR_syscalls and IA32_NR_syscalls entries, none of them
 * NULL: a number Ringside does not implement has sys_ni_syscall, which
 * returns -ENOSYS, as in Linux. Every handler takes six unsigned long
 * arguments (<ringside/syscalls.h>).
 *
 * Read docs/labs/lab1.md first.
 */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/syscalls.h>
#include <ringside/entry.h>

/* do_syscall_64: the `syscall` instruction's dispatcher.
 *
 * - The number is the whole 64-bit orig_ax. A number outside the table, or
 *   -1 ("skip": the entry work decided the call must not run) leaves
 *   regs->ax alone (-ENOSYS, or what the entry work put there).
 * - The x86-64 ABI passes arguments in rdi, rsi, rdx, r10, r8, r9. Note
 *   r10: the C calling convention would use rcx, but the SYSCALL
 *   instruction has already overwritten rcx with the user's return address.
 * - Store the handler's return value in regs->ax.
 */
void do_syscall_64(struct pt_regs *regs)
{
	/* TODO: check the number against the table, call the handler with the
	 * six argument registers, store its result. */
	(void)regs;
}

/* do_int80_syscall_32: the `int $0x80` dispatcher, Linux's i386 ABI used
 * from a 64-bit task.
 *
 * - Mark the call as an i386 one first: set TS_COMPAT in the thread_info's
 *   status (pt_regs_to_thread_info(regs)). seccomp, audit and ptrace read
 *   it to know which ABI the numbers and arguments follow; lab 5's
 *   syscall_return_slowpath() clears it again.
 * - The number is the low 32 bits of orig_ax, an index into
 *   ia32_sys_call_table[].
 * - If any entry-work flag (_TIF_WORK_SYSCALL_ENTRY) is set in the
 *   thread_info's flags, call syscall_trace_enter(regs) first and use the
 *   number it returns: it may be a different call (a tracer changed it) or
 *   -1 (skip the call; regs->ax then already holds the result).
 * - The i386 ABI passes arguments in ebx, ecx, edx, esi, edi, ebp - each
 *   only 32 bits wide: whatever is in the upper half of those registers is
 *   not part of the argument.
 * - Out of range: leave regs->ax alone. Otherwise store the handler's
 *   result in regs->ax.
 */
void do_int80_syscall_32(struct pt_regs *regs)
{
	/* TODO */
	(void)regs;
}
