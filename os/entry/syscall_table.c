/* The dispatch tables, one per ABI, generated from the syscall lists:
 * numbers without an entry stay NULL and dispatch answers -ENOSYS. */
#include <ringside/kernel.h>
#include <ringside/errno.h>
#include <ringside/syscalls.h>

/* Guards around each table (syscalls.h): the entry just before index 0 and
 * the one at index NR_syscalls (IA32_NR_syscalls) warn and answer -ENOSYS.
 * Only a bound check that lets the table's size through, or a signed number
 * (-1, a skipped call, indexes just before the table), reaches them. */
static long sys_outside_the_table(unsigned long a0, unsigned long a1, unsigned long a2,
				  unsigned long a3, unsigned long a4, unsigned long a5)
{
	(void)a0; (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
	printk(KERN_WARN "%s: a syscall number outside its table was dispatched: the entry "
	       "just past the last one or just before the first\n", warning_word());
	return -ENOSYS;
}

/* Each table is the middle of a guarded block; the names the rest of the
 * kernel uses (sys_call_table, ia32_sys_call_table) are defined below as
 * the address of that middle. */
#define SYSCALL(nr, name, entry, nargs, ...) [nr] = entry,
static const struct {
	sys_call_ptr_t before;
	sys_call_ptr_t table[NR_syscalls + 1];
} guarded_64 __attribute__((used)) = {
	.before = sys_outside_the_table,
	.table = {
#include <syscalls_64.h>
		[NR_syscalls] = sys_outside_the_table,
	},
};
static const struct {
	sys_call_ptr_t before;
	sys_call_ptr_t table[IA32_NR_syscalls + 1];
} guarded_32 __attribute__((used)) = {
	.before = sys_outside_the_table,
	.table = {
#include <syscalls_32.h>
		[IA32_NR_syscalls] = sys_outside_the_table,
	},
};
#undef SYSCALL

#define STR_(x) #x
#define STR(x) STR_(x)
__asm__(".globl sys_call_table\n\t.type sys_call_table, @object\n\t"
	".set sys_call_table, guarded_64 + 8\n\t"
	".size sys_call_table, 8 * (" STR(NR_syscalls) " + 1)\n\t"
	".globl ia32_sys_call_table\n\t.type ia32_sys_call_table, @object\n\t"
	".set ia32_sys_call_table, guarded_32 + 8\n\t"
	".size ia32_sys_call_table, 8 * (" STR(IA32_NR_syscalls) " + 1)");

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
