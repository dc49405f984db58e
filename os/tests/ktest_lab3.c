/* Lab 3's in-kernel tests: syscall_trace_enter_phase2() and
 * syscall_trace_enter() on a fake task (lab_fixture.h). The fake task has no
 * tracer, so the ptrace hooks return at once; a pending SIGKILL makes the
 * syscall-entry report say "skip". The tracer's side (changing orig_ax, the
 * seccomp event) is tested from user space by lab3_ptrace. */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include "lab_fixture.h"
#include <ringside/signal.h>

static long phase2(struct fake_task *f, u32 flags, unsigned long phase1_result)
{
	f->ti->flags = flags;
	f->regs->ax = -ENOSYS;
	return syscall_trace_enter_phase2(f->regs, AUDIT_ARCH_X86_64, phase1_result);
}

KTEST(lab3_phase2_returns_the_number)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	long r = phase2(&f, _TIF_SYSCALL_TRACE, 1);
	KEXPECT(r == __NR_getpid, "ptrace with no stop to make: run orig_ax (%d), got %ld", __NR_getpid, r);
	f.regs->orig_ax = 200;
	r = phase2(&f, _TIF_SYSCALL_TRACEPOINT, 1);
	KEXPECT(r == 200, "return regs->orig_ax as it is now (200), got %ld", r);
	f.regs->orig_ax = -1UL;
	r = phase2(&f, _TIF_SYSCALL_TRACE, 1);
	KEXPECT(r == -1, "orig_ax -1 (skipped in phase 1) stays -1, got %ld", r);
	fake_task_end(&f);
}

KTEST(lab3_tf_restored)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	f.regs->flags = X86_EFLAGS_IF;
	long r = phase2(&f, _TIF_SINGLESTEP, 1);
	KEXPECT(f.regs->flags & X86_EFLAGS_TF, "TIF_SINGLESTEP: TF must be put back into regs->flags");
	KEXPECT(r == __NR_getpid, "single-step alone runs the call: got %ld", r);
	f.regs->flags = X86_EFLAGS_IF;
	phase2(&f, _TIF_SYSCALL_TRACE, 1);
	KEXPECT(!(f.regs->flags & X86_EFLAGS_TF), "without TIF_SINGLESTEP, TF must stay clear");
	fake_task_end(&f);
}

KTEST(lab3_sysemu)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	long r = phase2(&f, _TIF_SYSCALL_EMU, 1);
	KEXPECT(r == -1, "TIF_SYSCALL_EMU: the call is never run (return -1), got %ld", r);
	r = phase2(&f, _TIF_SYSCALL_EMU | _TIF_SINGLESTEP, 1);
	KEXPECT(r == -1, "SYSEMU_SINGLESTEP: still skipped, got %ld", r);
	KEXPECT(f.regs->orig_ax == __NR_getpid, "SYSEMU must leave orig_ax for the tracer to read");
	r = phase2(&f, _TIF_SINGLESTEP | _TIF_SYSCALL_TRACE, 1);
	KEXPECT(r == __NR_getpid, "without TIF_SYSCALL_EMU the call runs: got %ld", r);
	fake_task_end(&f);
}

KTEST(lab3_killed_at_the_entry_stop)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	f.task.pending = sigmask(SIGKILL);
	long r = phase2(&f, _TIF_SYSCALL_TRACE | _TIF_SIGPENDING, 1);
	KEXPECT(r == -1, "a task killed at its syscall-entry stop must not run the call: got %ld", r);
	r = phase2(&f, _TIF_SYSCALL_AUDIT | _TIF_SIGPENDING, 1);
	KEXPECT(r == __NR_getpid, "no TIF_SYSCALL_TRACE: no entry report, the call runs: got %ld", r);
	fake_task_end(&f);
}

KTEST(lab3_seccomp_trace)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	long r = phase2(&f, 0, SECCOMP_RET_TRACE | 3);
	KEXPECT(r == -1 && (long)f.regs->ax == -ENOSYS, "seccomp TRACE with no tracer: skip the call "
		"with ENOSYS (got %ld, ax %ld)", r, (long)f.regs->ax);
	f.regs->flags = X86_EFLAGS_IF;
	r = phase2(&f, _TIF_SINGLESTEP | _TIF_SYSCALL_TRACE, SECCOMP_RET_TRACE | 3);
	KEXPECT(r == -1, "seccomp's refusal wins over ptrace: got %ld", r);
	KEXPECT(f.regs->flags & X86_EFLAGS_TF, "TIF_SINGLESTEP: TF goes back into regs->flags first, "
		"even for a call seccomp then refuses (the single step goes on after it)");
	r = phase2(&f, _TIF_SYSCALL_TRACE, 1);
	KEXPECT(r == __NR_getpid, "phase 1 result 1 means no seccomp decision: got %ld", r);
	fake_task_end(&f);
}

/* A filter that answers ERRNO(1) to i386 calls and ERRNO(2) to others. */
static const struct sock_filter by_arch[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 2),
};

KTEST(lab3_syscall_trace_enter)
{
	struct fake_task f;
	if (!fake_task_begin(&f, _TIF_SECCOMP) || !fake_task_filter(&f, by_arch, 4)) {
		KEXPECT(0, "no memory");
		return;
	}
	f.regs->orig_ax = 20;
	f.ti->status = TS_COMPAT;
	long r = syscall_trace_enter(f.regs);
	KEXPECT(r == -1 && (long)f.regs->ax == -1, "TS_COMPAT: arch must be i386 (ERRNO 1), got %ld, ax %ld",
		r, (long)f.regs->ax);
	f.regs->orig_ax = __NR_getpid;
	f.ti->status = 0;
	r = syscall_trace_enter(f.regs);
	KEXPECT(r == -1 && (long)f.regs->ax == -2, "no TS_COMPAT: arch x86-64 (ERRNO 2), got %ld, ax %ld",
		r, (long)f.regs->ax);
	fake_task_end(&f);

	if (!fake_task_begin(&f, _TIF_SYSCALL_AUDIT)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	r = syscall_trace_enter(f.regs);
	KEXPECT(r == __NR_getpid, "audit only: phase 1 finishes, run orig_ax: got %ld", r);
	f.ti->flags = _TIF_SYSCALL_EMU;
	r = syscall_trace_enter(f.regs);
	KEXPECT(r == -1, "SYSEMU: both phases, skip: got %ld", r);
	f.ti->flags = _TIF_SYSCALL_TRACE;
	r = syscall_trace_enter(f.regs);
	KEXPECT(r == __NR_getpid, "ptrace with no tracer: run orig_ax: got %ld", r);
	fake_task_end(&f);

	static const struct sock_filter trace[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 5) };
	if (!fake_task_begin(&f, _TIF_SECCOMP) || !fake_task_filter(&f, trace, 1)) {
		KEXPECT(0, "no memory");
		return;
	}
	f.regs->orig_ax = __NR_getpid;
	r = syscall_trace_enter(f.regs);
	KEXPECT(r == -1 && (long)f.regs->ax == -ENOSYS, "phase 1's TRACE answer must reach phase 2 "
		"(no tracer: skip with ENOSYS): got %ld, ax %ld", r, (long)f.regs->ax);
	fake_task_end(&f);
}
