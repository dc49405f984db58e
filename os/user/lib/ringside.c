/* Wrappers of Ringside's own calls (os/include/uapi/ringside.h): -1 and
 * errno on failure, as everywhere in this libc. On Linux they fail ENOSYS. */
#include <sys/ringside.h>
#include <sys/syscall.h>
#include <unistd.h>

long ringside_audit(int op, int pid, struct ringside_audit_record *buf, unsigned long count)
{
	return syscall_result(sys_ringside_audit(op, pid, buf, count));
}

long ringside_trace(int op, int pid, struct ringside_trace_event *buf, unsigned long count)
{
	return syscall_result(sys_ringside_trace(op, pid, buf, count));
}

long ringside_uprobe(int op, void *addr)
{
	return syscall_result(sys_ringside_uprobe(op, addr));
}

long ringside_task_work(int pid, long value)
{
	return syscall_result(sys_ringside_task_work(pid, value));
}
