/* struct thread_info and the TIF work flags, numbered as in Linux 4.3
 * (arch/x86/include/asm/thread_info.h) so that a student can read both. */
#ifndef ASM_THREAD_INFO_H
#define ASM_THREAD_INFO_H

/* Kernel stacks are THREAD_SIZE bytes, THREAD_SIZE-aligned; thread_info sits
 * at the lowest address and pt_regs at the highest. */
#define THREAD_SIZE_ORDER 2
#define THREAD_SIZE       (4096UL << THREAD_SIZE_ORDER)

#define TIF_SYSCALL_TRACE       0  /* syscall trace active (ptrace) */
#define TIF_NOTIFY_RESUME       1  /* callback before returning to user */
#define TIF_SIGPENDING          2  /* signal pending */
#define TIF_NEED_RESCHED        3  /* rescheduling necessary */
#define TIF_SINGLESTEP          4  /* reenable singlestep on user return */
#define TIF_SYSCALL_EMU         6  /* syscall emulation active (PTRACE_SYSEMU) */
#define TIF_SYSCALL_AUDIT       7  /* syscall auditing active */
#define TIF_SECCOMP             8  /* secure computing */
#define TIF_USER_RETURN_NOTIFY  11 /* notify kernel of userspace return */
#define TIF_UPROBE              12 /* breakpointed or singlestepping */
#define TIF_IA32                17 /* IA32 compatibility process */
#define TIF_FORK                18 /* ret_from_fork */
#define TIF_NOHZ                19 /* in adaptive nohz mode */
#define TIF_FORCED_TF           24 /* true if TF in eflags artificially */
#define TIF_SYSCALL_TRACEPOINT  28 /* syscall tracepoint instrumentation */

#define _TIF_SYSCALL_TRACE      (1U << TIF_SYSCALL_TRACE)
#define _TIF_NOTIFY_RESUME      (1U << TIF_NOTIFY_RESUME)
#define _TIF_SIGPENDING         (1U << TIF_SIGPENDING)
#define _TIF_NEED_RESCHED       (1U << TIF_NEED_RESCHED)
#define _TIF_SINGLESTEP         (1U << TIF_SINGLESTEP)
#define _TIF_SYSCALL_EMU        (1U << TIF_SYSCALL_EMU)
#define _TIF_SYSCALL_AUDIT      (1U << TIF_SYSCALL_AUDIT)
#define _TIF_SECCOMP            (1U << TIF_SECCOMP)
#define _TIF_USER_RETURN_NOTIFY (1U << TIF_USER_RETURN_NOTIFY)
#define _TIF_UPROBE             (1U << TIF_UPROBE)
#define _TIF_IA32               (1U << TIF_IA32)
#define _TIF_FORK               (1U << TIF_FORK)
#define _TIF_NOHZ               (1U << TIF_NOHZ)
#define _TIF_FORCED_TF          (1U << TIF_FORCED_TF)
#define _TIF_SYSCALL_TRACEPOINT (1U << TIF_SYSCALL_TRACEPOINT)

/* Work to do on syscall entry: any of these sends SYSCALL to the slow path. */
#define _TIF_WORK_SYSCALL_ENTRY \
	(_TIF_SYSCALL_TRACE | _TIF_SYSCALL_EMU | _TIF_SYSCALL_AUDIT | \
	 _TIF_SECCOMP | _TIF_SINGLESTEP | _TIF_SYSCALL_TRACEPOINT | _TIF_NOHZ)

/* Work to do on syscall exit (syscall_return_slowpath). */
#define _TIF_WORK_SYSCALL_EXIT \
	(_TIF_SYSCALL_TRACE | _TIF_SYSCALL_AUDIT | _TIF_SINGLESTEP | \
	 _TIF_SYSCALL_TRACEPOINT | _TIF_NOHZ)

/* Everything checked before the fast path may use SYSRET: the low 16 bits
 * except seccomp (which only matters on entry), plus tracepoints and nohz. */
#define _TIF_ALLWORK_MASK \
	((0x0000FFFF & ~_TIF_SECCOMP) | _TIF_SYSCALL_TRACEPOINT | _TIF_NOHZ)

/* The flags prepare_exit_to_usermode() loops on. */
#define EXIT_TO_USERMODE_LOOP_FLAGS \
	(_TIF_SIGPENDING | _TIF_NOTIFY_RESUME | _TIF_UPROBE | \
	 _TIF_NEED_RESCHED | _TIF_USER_RETURN_NOTIFY)

/* thread_info->status bits. */
#define TS_COMPAT 0x0002 /* 32-bit syscall (int $0x80) in progress */

#ifndef __ASSEMBLER__
#include <ringside/types.h>

struct task_struct;

struct thread_info {
	struct task_struct *task; /* the task this stack belongs to */
	u32 flags;                /* TIF_* work flags */
	u32 status;               /* TS_* thread-synchronous flags */
	u32 cpu;                  /* always 0: one CPU */
	int saved_preempt_count;
};
#endif

#endif
