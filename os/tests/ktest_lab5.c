/* Lab 5's in-kernel tests: syscall_return_slowpath() on a fake task
 * (lab_fixture.h). Audit exit records, the sys_exit tracepoint and the
 * tracer's view (exit stops, single-step reports) are tested from user space
 * (lab2_audit exit, lab3_ptrace exit). */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include <ringside/task_work.h>
#include "lab_fixture.h"
#include <ringside/signal.h>

static int work_runs;
static bool work_saw_irqs_off;
static struct callback_head work;
static void count_work(struct callback_head *w) { (void)w; work_runs++; work_saw_irqs_off |= irqs_disabled(); }

static void slowpath(struct fake_task *f, u32 flags)
{
	f->ti->flags = flags;
	local_irq_enable();
	syscall_return_slowpath(f->regs);
}

KTEST(lab5_clears_ts_compat)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	f.ti->status = TS_COMPAT;
	f.regs->orig_ax = 20;
	f.regs->ax = 4242;
	slowpath(&f, 0);
	bool off = irqs_disabled();
	local_irq_enable();
	KEXPECT(!(f.ti->status & TS_COMPAT), "TS_COMPAT must be cleared: the int $0x80 call is over");
	KEXPECT(off, "syscall_return_slowpath returns with IRQs off");
	f.ti->status = TS_COMPAT;
	slowpath(&f, _TIF_SYSCALL_AUDIT | _TIF_SYSCALL_TRACEPOINT);
	off = irqs_disabled();
	local_irq_enable();
	KEXPECT(!(f.ti->status & TS_COMPAT), "with exit work too, TS_COMPAT must be cleared");
	KEXPECT(off, "with exit work, still return with IRQs off");
	fake_task_end(&f);
}

KTEST(lab5_ends_in_the_exit_loop)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	context_tracking_enabled = true;
	cpu_data.context_state = CONTEXT_KERNEL;
	work_runs = 0;
	work_saw_irqs_off = false;
	work.func = count_work;
	task_work_add(&f.task, &work);
	slowpath(&f, f.ti->flags);
	bool off = irqs_disabled();
	enum ctx_state state = cpu_data.context_state;
	local_irq_enable();
	KEXPECT(work_runs == 1, "the exit work (task work) must run once: ran %d times", work_runs);
	KEXPECT(!work_saw_irqs_off, "prepare_exit_to_usermode must be entered with IRQs off "
		"and run the work with them on");
	KEXPECT(off, "return with IRQs off");
	KEXPECT(state == CONTEXT_USER, "context tracking must end in user state (%d)", state);
	fake_task_end(&f);
}

KTEST(lab5_exit_work_keeps_regs)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	f.regs->ax = 4242;
	f.regs->ip = 0x401000;
	f.regs->flags = X86_EFLAGS_IF;
	slowpath(&f, _TIF_SYSCALL_AUDIT | _TIF_SYSCALL_TRACEPOINT | _TIF_SYSCALL_TRACE | _TIF_NOHZ);
	bool off = irqs_disabled();
	local_irq_enable();
	KEXPECT(f.regs->ax == 4242 && f.regs->ip == 0x401000 && f.regs->orig_ax == __NR_getpid,
		"the result and registers must reach user mode unchanged");
	KEXPECT(f.task.pending == 0, "no single-step: no SIGTRAP may be queued (pending %#lx)",
		(unsigned long)f.task.pending);
	KEXPECT(off, "return with IRQs off");
	fake_task_end(&f);
}

/* The one-time exit work runs with IRQs on (it may sleep: the tracer's
 * stop). The audit exit record reads TS_COMPAT to name the arch, so a data
 * watchpoint on the thread_info's status word sees when it is written. */
KTEST(lab5_exit_work_irqs_on)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	f.ti->status = TS_COMPAT;
	f.regs->orig_ax = 20;
	f.regs->ax = 4242;
	f.ti->flags = _TIF_SYSCALL_AUDIT;
	memset(&kernel_watch, 0, sizeof(kernel_watch));
	unsigned long dr7 = 1UL | (3UL << 16) | (3UL << 18);   /* L0, read/write, 4 bytes */
	__asm__ volatile("mov %0, %%db0" :: "r"(&f.ti->status));
	local_irq_enable();
	__asm__ volatile("mov %0, %%db7" :: "r"(dr7));
	syscall_return_slowpath(f.regs);
	__asm__ volatile("mov %0, %%db7" :: "r"(0UL));
	struct kernel_watch w = kernel_watch;
	local_irq_enable();
	KEXPECT(w.hits > 0, "TS_COMPAT was never read or cleared");
	KEXPECT(w.hits == 0 || (w.first_flags & X86_EFLAGS_IF), "the audit exit record was written "
		"with IRQs off: the one-time exit work (audit, tracepoint, the tracer's stop, which may "
		"sleep) runs with IRQs on, and only then do they go off for the exit loop");
	fake_task_end(&f);
}

/* A caller's bugs are reported, as Linux 4.3 reports them: entered with
 * IRQs off, syscall_return_slowpath warns (WARN "syscall left IRQs
 * disabled") and turns them on before any exit work; entered in a
 * context-tracking state other than "kernel", CT_WARN_ON says so. The
 * watchpoint on the status word (see above) shows whether the audit exit
 * record was written with IRQs on. */
KTEST(lab5_caller_bugs_reported)
{
	struct fake_task f;
	if (!fake_task_begin(&f, _TIF_SYSCALL_AUDIT)) { KEXPECT(0, "no memory"); return; }
	f.ti->status = TS_COMPAT;
	f.regs->orig_ax = 20;
	f.regs->ax = 4242;
	memset(&kernel_watch, 0, sizeof(kernel_watch));
	unsigned long dr7 = 1UL | (3UL << 16) | (3UL << 18);   /* L0, read/write, 4 bytes */
	__asm__ volatile("mov %0, %%db0" :: "r"(&f.ti->status));
	local_irq_disable();                   /* the caller's bug */
	__asm__ volatile("mov %0, %%db7" :: "r"(dr7));
	warnings_expected = 1;
	syscall_return_slowpath(f.regs);
	__asm__ volatile("mov %0, %%db7" :: "r"(0UL));
	int missing = warnings_expected;
	warnings_expected = 0;
	struct kernel_watch w = kernel_watch;
	bool off = irqs_disabled();
	local_irq_enable();
	KEXPECT(missing == 0, "entered with IRQs off, syscall_return_slowpath must warn (WARN_ON) "
		"about the caller's bug: no warning came");
	KEXPECT(w.hits > 0 && (w.first_flags & X86_EFLAGS_IF), "entered with IRQs off, the audit exit "
		"record was written with IRQs still off: the check that turns them on comes before "
		"the exit work");
	KEXPECT(off, "return with IRQs off");

	/* Context tracking says user mode: someone forgot user_exit(). */
	f.ti->flags = 0;
	context_tracking_enabled = true;
	cpu_data.context_state = CONTEXT_USER;
	local_irq_enable();
	warnings_expected = 1;
	syscall_return_slowpath(f.regs);
	missing = warnings_expected;
	warnings_expected = 0;
	local_irq_enable();
	KEXPECT(missing == 0, "entered in context-tracking state USER, syscall_return_slowpath must "
		"say so (CT_WARN_ON(ct_state() != CONTEXT_KERNEL)): no warning came");
	fake_task_end(&f);
}
