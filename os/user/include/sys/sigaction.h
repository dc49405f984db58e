/* Ringside libc: signal handling as on x86-64 Linux. The structures are the
 * kernel ABI's own (arch/x86/include/uapi/asm/signal.h, siginfo.h,
 * ucontext.h), not glibc's wider ones: a sigset_t is the kernel's 64-bit mask.
 *
 * sigaction() always passes SA_RESTORER with __restore_rt, the stub a
 * handler returns into (it calls rt_sigreturn): both Linux and Ringside need
 * it, and Ringside refuses to run a handler without it. */
#ifndef _SYS_SIGACTION_H
#define _SYS_SIGACTION_H

#include <signal.h>
#include <sys/types.h>

typedef unsigned long sigset_t;

#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN ((sighandler_t)1)
#define SIG_ERR ((sighandler_t)-1)

/* Linux's siginfo: 128 bytes, the union at offset 16. */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	int __pad0;
	union {
		struct { pid_t pid; uid_t uid; int status; } child;   /* kill, SIGCHLD */
		struct { void *addr; } fault;                         /* SIGSEGV... */
		struct { void *call_addr; int syscall; unsigned int arch; } sys;  /* SIGSYS */
		char __pad[128 - 16];
	} __u;
} siginfo_t;

#define si_pid       __u.child.pid
#define si_uid       __u.child.uid
#define si_status    __u.child.status
#define si_addr      __u.fault.addr
#define si_call_addr __u.sys.call_addr
#define si_syscall   __u.sys.syscall
#define si_arch      __u.sys.arch

typedef void (*sighandler_t)(int);

/* The kernel's struct sigaction for rt_sigaction (4 x 8 bytes). */
struct sigaction {
	union {
		sighandler_t sa_handler;
		void (*sa_sigaction)(int, siginfo_t *, void *);
	};
	unsigned long sa_flags;
	void (*sa_restorer)(void);
	sigset_t sa_mask;
};

/* The saved registers a handler's third argument points at (ucontext_t's
 * uc_mcontext.gregs): indices as in glibc's <sys/ucontext.h>. */
enum {
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	REG_RDI, REG_RSI, REG_RBP, REG_RBX, REG_RDX, REG_RAX, REG_RCX, REG_RSP,
	REG_RIP, REG_EFL, REG_CSGSFS, REG_ERR, REG_TRAPNO, REG_OLDMASK, REG_CR2,
	NGREG
};

/* The x87/SSE state the frame carries (FXSAVE's 512-byte image), glibc's
 * struct _libc_fpstate; uc_mcontext.fpregs points at it, inside the frame.
 * Editing it in a handler changes the registers after the handler returns. */
struct _libc_fpxreg { unsigned short significand[4], exponent, __reserved[3]; };
struct _libc_xmmreg { unsigned int element[4]; };
struct _libc_fpstate {
	unsigned short cwd, swd, ftw, fop;       /* x87 control, status, tag words */
	unsigned long rip, rdp;
	unsigned int mxcsr, mxcr_mask;
	struct _libc_fpxreg _st[8];
	struct _libc_xmmreg _xmm[16];
	unsigned int __reserved1[24];
};
typedef struct _libc_fpstate *fpregset_t;

typedef struct {
	unsigned long gregs[NGREG];
	fpregset_t fpregs;
	unsigned long __reserved1[8];
} mcontext_t;

typedef struct ucontext {
	unsigned long uc_flags;
	struct ucontext *uc_link;
	struct { void *ss_sp; int ss_flags; unsigned long ss_size; } uc_stack;
	mcontext_t uc_mcontext;
	sigset_t uc_sigmask;
} ucontext_t;

/* In lib/signal.c: `mov $15, %eax; syscall`. */
void __restore_rt(void);

int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact);
/* sigaction with flags 0 (or SA_RESTART) and an empty mask; SIG_ERR on failure. */
sighandler_t signal(int sig, sighandler_t handler);
int sigprocmask(int how, const sigset_t *set, sigset_t *oldset);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
int kill(pid_t pid, int sig);
int tgkill(pid_t tgid, pid_t tid, int sig);
int raise(int sig);
int pause(void);

#endif
