/* Tasks and the scheduler (kernel/sched.c, kernel/fork.c, kernel/exit.c). */
#ifndef RINGSIDE_SCHED_H
#define RINGSIDE_SCHED_H
#include <ringside/types.h>
#include <ringside/list.h>
#include <ringside/percpu.h>
#include <ringside/kernel.h>
#include <asm/ptrace.h>
#include <asm/thread_info.h>
#include <asm/fpu.h>

#define TASK_RUNNING        0
#define TASK_INTERRUPTIBLE  1
#define TASK_UNINTERRUPTIBLE 2
#define TASK_STOPPED        4
#define TASK_TRACED         8
#define EXIT_ZOMBIE         16
#define EXIT_DEAD           32

#define TASK_COMM_LEN 16
#define HZ 100
#define TIMESLICE_TICKS 5   /* 50 ms at HZ=100 */

struct mm_struct;
struct files_struct;
struct inode;
struct seccomp_filter;

/* Resource limits, as prlimit64 passes them. */
struct rlimit64 { u64 rlim_cur, rlim_max; };
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0UL)
struct callback_head;

/* A signal's disposition, as rt_sigaction passes it (x86-64 layout). */
struct k_sigaction {
	unsigned long handler;        /* SIG_DFL (0), SIG_IGN (1) or a user address */
	unsigned long flags;          /* SA_* */
	unsigned long restorer;       /* where the handler returns: calls rt_sigreturn */
	u64 mask;                     /* blocked while the handler runs */
};

/* What the kernel keeps about a pending signal, for the siginfo it delivers. */
struct ksiginfo {
	int signo, errno, code;
	int pid;                      /* sender (kill) or child (SIGCHLD) */
	int status;                   /* SIGCHLD */
	unsigned long addr;           /* faults: the address; SIGSYS: the call's address */
	int syscall;                  /* SIGSYS */
	u32 arch;                     /* SIGSYS */
	bool chld;                    /* the child layout (pid, status) whatever signo
	                               * is: Linux's __SI_CHLD tag in si_code */
};

/* What switch_to() saves: the callee-saved registers live on the kernel stack,
 * so only the stack pointer is kept here. */
struct thread_struct {
	unsigned long sp;
};

struct task_struct {
	/* The kernel stack: struct thread_info at its base, pt_regs at its top. */
	void *stack;
	volatile long state;          /* TASK_* or EXIT_* */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct thread_struct thread;
	struct mm_struct *mm;
	struct task_struct *parent;
	struct list_head children;    /* our children, linked by sibling */
	struct list_head sibling;
	struct list_head run_list;    /* on the run queue while TASK_RUNNING */
	struct list_head tasks;       /* every task */
	int exit_code;                /* wait4 status word once a zombie */
	int exit_signal;              /* sent to the parent on exit (SIGCHLD) */
	int time_slice;               /* ticks left before TIF_NEED_RESCHED */
	unsigned long wake_at;        /* jiffies at which a sleeper wakes */
	void *wait_channel;           /* what a sleeper waits for */
	unsigned long utime, stime;   /* ticks spent in user and kernel mode */

	/* Signals (kernel/signal.c). */
	u64 pending, blocked;
	u64 real_blocked;                 /* rt_sigtimedwait: the mask while it waits */
	struct k_sigaction sighand[64];   /* index sig - 1 */
	struct ksiginfo siginfo[64];      /* the latest info per pending signal */
	bool stop_reported;               /* wait4 has seen the current stop */
	bool continued;                   /* a SIGCONT resumed us; not yet reported (WCONTINUED) */
	u64 saved_sigmask;                /* rt_sigsuspend: the mask to put back */
	bool restore_sigmask;             /* ... once a handler's frame holds it */
	unsigned long sas_ss_sp, sas_ss_size;   /* sigaltstack; size 0: none */
	struct restart_block {            /* what restart_syscall continues */
		long (*fn)(struct restart_block *);
		unsigned long deadline_ns;    /* monotonic */
		unsigned long rmtp;           /* user timespec for the time left, or 0 */
		bool compat;
	} restart_block;
	int stop_code;                    /* what wait4 reports for a stop: (code << 8) | 0x7f */

	/* ptrace (kernel/ptrace.c): the tracer is the parent, unless the task
	 * was attached when its traced parent forked it (PTRACE_O_TRACEFORK):
	 * then it is the parent's tracer. */
	struct task_struct *tracer;
	struct ksiginfo last_siginfo;     /* PTRACE_GETSIGINFO: why it stopped */
	long ptracer;                     /* PR_SET_PTRACER: recorded only */
	struct task_struct *vfork_parent; /* vfork: the parent waiting for exec or exit */
	unsigned ptrace;                  /* PT_PTRACED, PT_SEIZED */
	unsigned long ptrace_options;     /* PTRACE_O_* */
	unsigned long ptrace_message;     /* PTRACE_GETEVENTMSG */
	int resume_signal;                /* the signal the tracer passed on resume */
	bool trap_stop_pending;           /* a PTRACE_EVENT_STOP to take (Linux's JOBCTL_TRAP_STOP) */

	/* seccomp (kernel/seccomp.c). */
	int seccomp_mode;                 /* SECCOMP_MODE_DISABLED/STRICT/FILTER */
	struct seccomp_filter *seccomp_filter;
	bool no_new_privs;

	/* Deferred work run on the way to user mode (kernel/task_work.c). */
	struct callback_head *task_works;
	unsigned long work_done;          /* what ringside_task_work's items added up */
	unsigned long fs_base;            /* arch_prctl(ARCH_SET_FS) */
	unsigned long gs_base;            /* arch_prctl(ARCH_SET_GS): MSR_KERNEL_GS_BASE while in the kernel */
	u64 tls_array[3];                 /* set_thread_area: GDT entries 12-14 while running (arch/tls.c) */
	u16 fsindex, gsindex;             /* the user's fs and gs selectors while not running */
	unsigned long uprobe_addr;        /* uprobe being single-stepped over, or 0 */
	bool uprobe_hit;

	/* The x87/SSE registers while the task is not running (kernel/fpu.c). */
	struct fpu fpu;
	/* Start-up bookkeeping of the C libraries (kernel/sys.c). */
	unsigned long clear_child_tid;    /* set_tid_address: zeroed at exit */
	unsigned long robust_list;        /* set_robust_list: kept, not walked */
	struct rlimit64 rlim[RLIM_NLIMITS];
	pid_t pgid, sid;                  /* process group and session */
	bool has_tty;                     /* the console is our controlling terminal */
	int pdeath_signal;                /* PR_SET_PDEATHSIG: sent when the parent exits */
	bool child_subreaper;             /* PR_SET_CHILD_SUBREAPER: orphans below come here */
	unsigned long cutime, cstime;     /* reaped children's ticks (times) */

	/* Open files and the working directory (os/fs/). */
	struct files_struct *files;
	struct inode *cwd;
	unsigned umask;
};

static inline struct thread_info *task_thread_info(struct task_struct *t)
{
	return (struct thread_info *)t->stack;
}

/* The saved user registers sit at the very top of the kernel stack. */
static inline struct pt_regs *task_pt_regs(struct task_struct *t)
{
	return (struct pt_regs *)((char *)t->stack + THREAD_SIZE) - 1;
}

static inline struct thread_info *current_thread_info(void)
{
	unsigned long sp;
	__asm__("mov %%rsp, %0" : "=r"(sp));
	return (struct thread_info *)(sp & ~(THREAD_SIZE - 1));
}

static inline void set_tsk_thread_flag(struct task_struct *t, int flag)
{
	__atomic_fetch_or(&task_thread_info(t)->flags, 1U << flag, __ATOMIC_SEQ_CST);
}
static inline void clear_tsk_thread_flag(struct task_struct *t, int flag)
{
	__atomic_fetch_and(&task_thread_info(t)->flags, ~(1U << flag), __ATOMIC_SEQ_CST);
}
static inline bool test_tsk_thread_flag(struct task_struct *t, int flag)
{
	return (__atomic_load_n(&task_thread_info(t)->flags, __ATOMIC_SEQ_CST) >> flag) & 1;
}
void load_user_data_segments(struct task_struct *t);
static inline void set_thread_flag(int flag) { set_tsk_thread_flag(current, flag); }
static inline void clear_thread_flag(int flag) { clear_tsk_thread_flag(current, flag); }
static inline bool test_thread_flag(int flag) { return test_tsk_thread_flag(current, flag); }

extern volatile unsigned long jiffies;
extern struct task_struct *init_task_ptr;   /* pid 1 */
extern struct list_head task_list;

void sched_init(void);
void schedule(void);
void wake_up_process(struct task_struct *t);
void wake_up_channel(void *chan);
void sleep_on(void *chan);                 /* state must be set by the caller */
void scheduler_tick(bool user_mode);
struct task_struct *find_task_by_pid(pid_t pid);
struct task_struct *alloc_task(void);
void free_task(struct task_struct *t);
void __noreturn do_exit(int code);
void __noreturn do_exit_signal(int sig);
void __noreturn cpu_idle(void);
struct task_struct *kernel_thread_create(const char *name, void (*fn)(void *), void *arg);
void switch_to(struct task_struct *prev, struct task_struct *next);


static inline bool signal_pending(struct task_struct *t)
{
	return test_tsk_thread_flag(t, TIF_SIGPENDING);
}

static inline bool fatal_signal_pending(struct task_struct *t)
{
	return signal_pending(t) && (t->pending & (1UL << (9 - 1)));   /* SIGKILL */
}

void start_task(struct task_struct *t, void (*fn)(void *), void *arg);
void wake_up_stopped(struct task_struct *t);
#endif
