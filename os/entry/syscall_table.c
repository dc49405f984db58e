/* The dispatch tables, one per ABI, generated from the syscall lists:
 * numbers without an entry stay NULL and dispatch answers -ENOSYS. */
#include <ringside/kernel.h>
#include <ringside/errno.h>
#include <ringside/syscalls.h>

/* The guard entry one past each table (syscalls.h): reached only by a
 * bound check that lets the table's size through. */
static long sys_past_the_table(unsigned long a0, unsigned long a1, unsigned long a2,
			       unsigned long a3, unsigned long a4, unsigned long a5)
{
	(void)a0; (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
	printk(KERN_WARN "%s: a syscall number equal to its table's size was dispatched: "
	       "that is one past the table's last entry\n", warning_word());
	return -ENOSYS;
}

#define SYSCALL(nr, name, entry, nargs, ...) [nr] = entry,
const sys_call_ptr_t sys_call_table[NR_syscalls + 1] = {
#include <syscalls_64.h>
	[NR_syscalls] = sys_past_the_table,
};
const sys_call_ptr_t ia32_sys_call_table[IA32_NR_syscalls + 1] = {
#include <syscalls_32.h>
	[IA32_NR_syscalls] = sys_past_the_table,
};
#undef SYSCALL

/* 1 for each syscall that needs the full pt_regs (an ENTRY/ptregs row):
 * entry_SYSCALL_64 reads it before it dispatches from its partial frame. */
#define FULL_FRAME(nr) [nr] = 1,
const u8 sys_call_needs_full_frame[NR_syscalls] = { SYSCALLS_64_PTREGS(FULL_FRAME) };
#undef FULL_FRAME

#define SYSCALL(nr, name, entry, nargs, ...) [nr] = #name,
const char *const syscall_names_64[NR_syscalls] = {
#include <syscalls_64.h>
};
#undef SYSCALL
