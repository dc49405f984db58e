/* ptrace, prctl, arch_prctl and seccomp wrappers. */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

long ptrace(long request, pid_t pid, void *addr, void *data)
{
	return syscall_result(sys_ptrace(request, pid, addr, data));
}

long ptrace_peek(long request, pid_t pid, void *addr)
{
	unsigned long word;

	if (ptrace(request, pid, addr, &word) < 0)
		return -1;
	errno = 0;
	return (long)word;
}

int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
	  unsigned long arg5)
{
	return (int)syscall_result(sys_prctl(option, arg2, arg3, arg4, arg5));
}

int arch_prctl(int code, unsigned long addr)
{
	return (int)syscall_result(sys_arch_prctl(code, addr));
}

int seccomp(unsigned int op, unsigned int flags, void *args)
{
	return (int)syscall_result(sys_seccomp(op, flags, args));
}
