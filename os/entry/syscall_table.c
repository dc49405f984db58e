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

#define SYSCALL(nr, name, entry, nargs, ...) [nr] = #name,
const char *const syscall_names_64[NR_syscalls] = {
#include <syscalls_64.h>
};
#undef SYSCALL
