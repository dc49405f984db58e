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
#include <ringside/syscalls.h>

/* The range initializer fills the holes; the rows then override it. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define PTREGS_STUB_PROTO(nr, entry) \
	long ptregs_##entry(unsigned long, unsigned long, unsigned long, \
			    unsigned long, unsigned long, unsigned long);
SYSCALLS_64_ENTRIES_PTREGS(PTREGS_STUB_PROTO)
#undef PTREGS_STUB_PROTO

#define SYSCALL(nr, name, entry, nargs, ...) [nr] = entry,
#define PTREGS_STUB(nr, entry) [nr] = ptregs_##entry,
const sys_call_ptr_t sys_call_table[NR_syscalls] = {
	[0 ... NR_syscalls - 1] = sys_ni_syscall,
#include <syscalls_64.h>
	SYSCALLS_64_ENTRIES_PTREGS(PTREGS_STUB)
};
const sys_call_ptr_t ia32_sys_call_table[IA32_NR_syscalls] = {
	[0 ... IA32_NR_syscalls - 1] = sys_ni_syscall,
#include <syscalls_32.h>
};
#undef PTREGS_STUB
#undef SYSCALL

#define SYSCALL(nr, name, entry, nargs, ...) [nr] = #name,
const char *const syscall_names_64[NR_syscalls] = {
#include <syscalls_64.h>
};
#undef SYSCALL
