/* Compiled to assembly only: each DEFINE leaves "->NAME value" in the output,
 * which os.mk turns into asm-offsets.h for entry_64.S. */
#include <ringside/percpu.h>
#include <ringside/sched.h>
#include <asm/ptrace.h>
#include <asm/thread_info.h>
#include <ringside/syscalls.h>

#define DEFINE(sym, val) __asm__ volatile("\n->" #sym " %0" :: "i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(R15, pt_regs, r15);
	OFFSET(R14, pt_regs, r14);
	OFFSET(R13, pt_regs, r13);
	OFFSET(R12, pt_regs, r12);
	OFFSET(RBP, pt_regs, bp);
	OFFSET(RBX, pt_regs, bx);
	OFFSET(R11, pt_regs, r11);
	OFFSET(R10, pt_regs, r10);
	OFFSET(R9, pt_regs, r9);
	OFFSET(R8, pt_regs, r8);
	OFFSET(RAX, pt_regs, ax);
	OFFSET(RCX, pt_regs, cx);
	OFFSET(RDX, pt_regs, dx);
	OFFSET(RSI, pt_regs, si);
	OFFSET(RDI, pt_regs, di);
	OFFSET(ORIG_RAX, pt_regs, orig_ax);
	OFFSET(RIP, pt_regs, ip);
	OFFSET(CS, pt_regs, cs);
	OFFSET(EFLAGS, pt_regs, flags);
	OFFSET(RSP, pt_regs, sp);
	OFFSET(SS, pt_regs, ss);
	DEFINE(SIZEOF_PTREGS, sizeof(struct pt_regs));
	DEFINE(NR_SYSCALLS_64, NR_syscalls);

	OFFSET(TI_flags, thread_info, flags);
	OFFSET(TI_status, thread_info, status);
	OFFSET(TASK_thread_sp, task_struct, thread.sp);

	OFFSET(PERCPU_rsp_scratch, percpu, rsp_scratch);
	OFFSET(PERCPU_top_of_stack, percpu, top_of_stack);
	OFFSET(PERCPU_current_task, percpu, current_task);
	OFFSET(PERCPU_fast_syscalls, percpu, stats.fast_syscalls);
	OFFSET(PERCPU_slow_syscalls, percpu, stats.slow_syscalls);
	OFFSET(PERCPU_int80_syscalls, percpu, stats.int80_syscalls);
	OFFSET(PERCPU_phase1_resumes, percpu, stats.phase1_resumes);
	OFFSET(PERCPU_ptregs_redos, percpu, stats.ptregs_redos);
	OFFSET(PERCPU_slow_sysret_exits, percpu, stats.slow_sysret_exits);
	OFFSET(PERCPU_iret_exits, percpu, stats.iret_exits);
	OFFSET(PERCPU_slow_exits, percpu, stats.slow_exits);
}
