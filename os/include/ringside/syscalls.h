/* Syscall dispatch tables and the prototypes of every entry point. The
 * tables are generated from os/kernel/syscalls/syscall_{64,32}.tbl. */
#ifndef RINGSIDE_SYSCALLS_H
#define RINGSIDE_SYSCALLS_H
#include <ringside/types.h>
#include <asm/ptrace.h>
#include <syscall_nr_64.h>
#include <syscall_nr_32.h>

/* Every entry takes six register-sized arguments, as Linux's x86-64 tables do. */
typedef long (*sys_call_ptr_t)(unsigned long, unsigned long, unsigned long,
			       unsigned long, unsigned long, unsigned long);

#define NR_syscalls      SYSCALLS_64_MAX
#define IA32_NR_syscalls SYSCALLS_32_MAX
/* Each table has one entry more than it has numbers, and one before its
 * first: guards (at index NR_syscalls or IA32_NR_syscalls, and at -1) that
 * warn and answer -ENOSYS, so a dispatcher whose bound check lets the size
 * itself through, or that keeps the number signed, reads a guard and not
 * whatever the linker put next to the table (os/entry/syscall_table.c). */
extern const sys_call_ptr_t sys_call_table[NR_syscalls + 1];
extern const sys_call_ptr_t ia32_sys_call_table[IA32_NR_syscalls + 1];
extern const char *const syscall_names_64[NR_syscalls];
extern const u8 sys_call_needs_full_frame[NR_syscalls];

#define SYSCALL(nr, name, entry, nargs, ...) \
	long entry(unsigned long, unsigned long, unsigned long, unsigned long, unsigned long, unsigned long);
#include <syscalls_64.h>
#include <syscalls_32.h>
#undef SYSCALL

/* Lets an entry be written with the arguments it uses. */
#define SYSCALL_DEFINE(name) long name(unsigned long a0 __attribute__((unused)), \
	unsigned long a1 __attribute__((unused)), unsigned long a2 __attribute__((unused)), \
	unsigned long a3 __attribute__((unused)), unsigned long a4 __attribute__((unused)), \
	unsigned long a5 __attribute__((unused)))

void do_syscall_64(struct pt_regs *regs);
void do_int80_syscall_32(struct pt_regs *regs);
#endif
