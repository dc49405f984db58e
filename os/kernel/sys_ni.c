/* sys_ni_syscall: the entry of every syscall number Ringside does not
 * implement, in both dispatch tables (os/entry/syscall_table.c), as Linux's
 * kernel/sys_ni.c provides it. */
#include <ringside/errno.h>
#include <ringside/syscalls.h>

SYSCALL_DEFINE(sys_ni_syscall)
{
	return -ENOSYS;
}
