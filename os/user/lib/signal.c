/* Signal wrappers: rt_sigaction with the restorer stub, masks, kill. */
#include <errno.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A handler's `ret` lands here, on the frame the kernel built: rt_sigreturn
 * (15) reads the saved registers back from it. No frame pointer, no stack
 * use: rsp must still point at the frame. */
__asm__(".text\n"
	".globl __restore_rt\n"
	".type __restore_rt, @function\n"
	"__restore_rt:\n"
	"\tmov $15, %rax\n" /* the bytes GDB's sigtramp sniffer and ringdb's look for, as musl's and glibc's */
	"\tsyscall\n"
	"\thlt\n"
	".size __restore_rt, . - __restore_rt\n");

int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact)
{
	struct sigaction k;
	const struct sigaction *p = act;

	if (act) {
		k = *act;
		k.sa_flags |= SA_RESTORER;
		k.sa_restorer = __restore_rt;
		p = &k;
	}
	return (int)syscall_result(sys_rt_sigaction(sig, (void *)p, oldact, sizeof(sigset_t)));
}

sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction act = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;

	if (sigaction(sig, &act, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *oldset)
{
	return (int)syscall_result(sys_rt_sigprocmask(how, (void *)set, oldset, sizeof(sigset_t)));
}

static int bad_signal(int sig)
{
	if (sig >= 1 && sig < NSIG)
		return 0;
	errno = EINVAL;
	return 1;
}

int sigemptyset(sigset_t *set) { *set = 0; return 0; }
int sigfillset(sigset_t *set) { *set = ~0UL; return 0; }

int sigaddset(sigset_t *set, int sig)
{
	if (bad_signal(sig))
		return -1;
	*set |= 1UL << (sig - 1);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (bad_signal(sig))
		return -1;
	*set &= ~(1UL << (sig - 1));
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (bad_signal(sig))
		return -1;
	return (*set >> (sig - 1)) & 1;
}

int kill(pid_t pid, int sig) { return (int)syscall_result(sys_kill(pid, sig)); }
int tgkill(pid_t tgid, pid_t tid, int sig) { return (int)syscall_result(sys_tgkill(tgid, tid, sig)); }
int raise(int sig) { return tgkill(getpid(), gettid(), sig); }
int pause(void) { return (int)syscall_result(sys_pause()); }
