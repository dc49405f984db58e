/* The dispatch tables, one per ABI, generated from the syscall lists.
 *
 * As in Linux (4.3's arch/x86/entry/syscall_64.c and syscall_32.c), every
 * number has an entry: the holes are sys_ni_syscall, which answers -ENOSYS,
 * so a dispatcher needs only the bound check before it calls.
 *
 * The x86-64 rows written ENTRY/ptregs (rt_sigreturn, clone, fork, vfork,
 * execve) need the whole pt_regs; their entries are the ptregs_ENTRY stubs
 * of entry_64.S, which finish the frame when the fast path reached them (as
 * Linux 4.6's ptregs_* entries and stub_ptregs_64 do). i386 calls come in
 * through int $0x80, whose frame is always full: that table names the
 * handlers themselves. */
#include <ringside/kernel.h>
#include <ringside/errno.h>
#include <ringside/syscalls.h>

/* The range initializer fills the holes; the rows then override it. */
#pragma GCC diagnostic ignored "-Woverride-init"

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

#define PTREGS_STUB_PROTO(nr, entry) \
	long ptregs_##entry(unsigned long, unsigned long, unsigned long, \
			    unsigned long, unsigned long, unsigned long);
SYSCALLS_64_ENTRIES_PTREGS(PTREGS_STUB_PROTO)
#undef PTREGS_STUB_PROTO

/* Each table is the middle of a guarded block; the names the rest of the
 * kernel uses (sys_call_table, ia32_sys_call_table) are defined below as
 * the address of that middle. */
#define SYSCALL(nr, name, entry, nargs, ...) [nr] = entry,
#define PTREGS_STUB(nr, entry) [nr] = ptregs_##entry,
static const struct {
	sys_call_ptr_t before;
	sys_call_ptr_t table[NR_syscalls + 1];
} guarded_64 __attribute__((used)) = {
	.before = sys_outside_the_table,
	.table = {
		[0 ... NR_syscalls - 1] = sys_ni_syscall,
#include <syscalls_64.h>
		SYSCALLS_64_ENTRIES_PTREGS(PTREGS_STUB)
		[NR_syscalls] = sys_outside_the_table,
	},
};
static const struct {
	sys_call_ptr_t before;
	sys_call_ptr_t table[IA32_NR_syscalls + 1];
} guarded_32 __attribute__((used)) = {
	.before = sys_outside_the_table,
	.table = {
		[0 ... IA32_NR_syscalls - 1] = sys_ni_syscall,
#include <syscalls_32.h>
		[IA32_NR_syscalls] = sys_outside_the_table,
	},
};
#undef PTREGS_STUB
#undef SYSCALL

#define STR_(x) #x
#define STR(x) STR_(x)
__asm__(".globl sys_call_table\n\t.type sys_call_table, @object\n\t"
	".set sys_call_table, guarded_64 + 8\n\t"
	".size sys_call_table, 8 * (" STR(NR_syscalls) " + 1)\n\t"
	".globl ia32_sys_call_table\n\t.type ia32_sys_call_table, @object\n\t"
	".set ia32_sys_call_table, guarded_32 + 8\n\t"
	".size ia32_sys_call_table, 8 * (" STR(IA32_NR_syscalls) " + 1)");

#define SYSCALL(nr, name, entry, nargs, ...) [nr] = #name,
const char *const syscall_names_64[NR_syscalls] = {
#include <syscalls_64.h>
};
#undef SYSCALL
