/* The dispatch tables, one per ABI, generated from the syscall lists:
 * numbers without an entry stay NULL and dispatch answers -ENOSYS. */
#include <ringside/syscalls.h>

#define SYSCALL(nr, name, entry, nargs, ...) [nr] = entry,
const sys_call_ptr_t sys_call_table[NR_syscalls] = {
#include <syscalls_64.h>
};
const sys_call_ptr_t ia32_sys_call_table[IA32_NR_syscalls] = {
#include <syscalls_32.h>
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
