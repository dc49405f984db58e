/* Lab 2's in-kernel tests: syscall_trace_enter_phase1() on a fake task
 * (lab_fixture.h) whose work flags, seccomp filter and registers the test
 * chooses. What seccomp saw is read back through filters that answer
 * ERRNO(12 bits of the word they loaded), three per word: the errno lands in
 * regs->ax. Audit records are
 * checked from user space (lab2_audit). Run with ktest=lab2_... */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include "lab_fixture.h"

KTEST(lab2_enter_from_user_mode)
{
	bool was = context_tracking_enabled;
	enum ctx_state saved = cpu_data.context_state;
	unsigned long warnings = ct_warnings;
	context_tracking_enabled = true;
	cpu_data.context_state = CONTEXT_USER;
	enter_from_user_mode();
	KEXPECT(cpu_data.context_state == CONTEXT_KERNEL, "user_exit() was not called");
	KEXPECT(ct_warnings == warnings, "a correct state (user) must not warn");
	warnings_expected = 1;
	enter_from_user_mode();
	KEXPECT(ct_warnings == warnings + 1, "entering from user mode while in kernel state must "
		"trip CT_WARN_ON");
	context_tracking_enabled = was;
	cpu_data.context_state = saved;
}

/* Phase 1 with these work flags. It clears the flags it has handled from its
 * own copy (work), never from the task: TIF_NOHZ stays set on every task
 * while nohz_full is on, TIF_SECCOMP for the rest of the task's life. */
static unsigned long phase1(struct ktest_ctx *ctx, struct fake_task *f, u32 flags, u32 arch)
{
	f->ti->flags = flags;
	unsigned long r = syscall_trace_enter_phase1(f->regs, arch);
	KEXPECT(f->ti->flags == flags, "phase 1 changed thread_info->flags from %#x to %#x: a flag it "
		"handled is cleared from its copy, work, not from the task (the next call needs it too)",
		flags, f->ti->flags);
	return r;
}

KTEST(lab2_return_codes)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	unsigned long r;
	r = phase1(ctx, &f, _TIF_SYSCALL_TRACE, AUDIT_ARCH_X86_64);
	KEXPECT(r == 1, "TIF_SYSCALL_TRACE needs phase 2: got %lu", r);
	r = phase1(ctx, &f, _TIF_SYSCALL_EMU, AUDIT_ARCH_X86_64);
	KEXPECT(r == 1, "TIF_SYSCALL_EMU needs phase 2: got %lu", r);
	r = phase1(ctx, &f, _TIF_SINGLESTEP, AUDIT_ARCH_X86_64);
	KEXPECT(r == 1, "TIF_SINGLESTEP needs phase 2: got %lu", r);
	r = phase1(ctx, &f, _TIF_SYSCALL_TRACEPOINT, AUDIT_ARCH_X86_64);
	KEXPECT(r == 1, "TIF_SYSCALL_TRACEPOINT needs phase 2: got %lu", r);
	r = phase1(ctx, &f, _TIF_SYSCALL_AUDIT, AUDIT_ARCH_X86_64);
	KEXPECT(r == 0, "audit alone is finished in phase 1 (return 0): got %lu", r);
	r = phase1(ctx, &f, _TIF_SYSCALL_AUDIT | _TIF_NOHZ, AUDIT_ARCH_X86_64);
	KEXPECT(r == 0, "nohz + audit is finished in phase 1: got %lu", r);
	r = phase1(ctx, &f, _TIF_SYSCALL_AUDIT | _TIF_SYSCALL_TRACEPOINT, AUDIT_ARCH_X86_64);
	KEXPECT(r == 1, "audit + tracepoint needs phase 2: got %lu", r);
	r = phase1(ctx, &f, _TIF_SYSCALL_AUDIT | _TIF_SYSCALL_TRACE, AUDIT_ARCH_I386);
	KEXPECT(r == 1, "audit + ptrace needs phase 2: got %lu", r);
	r = phase1(ctx, &f, _TIF_SIGPENDING | _TIF_NEED_RESCHED, AUDIT_ARCH_X86_64);
	KEXPECT(r == 0, "exit-only flags are no entry work: got %lu", r);
	KEXPECT(f.regs->orig_ax == __NR_getpid, "no seccomp: orig_ax must not change (%ld)",
		(long)f.regs->orig_ax);
	fake_task_end(&f);
}

KTEST(lab2_nohz)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	unsigned long warnings = ct_warnings;
	context_tracking_enabled = true;
	cpu_data.context_state = CONTEXT_USER;
	unsigned long r = phase1(ctx, &f, _TIF_NOHZ, AUDIT_ARCH_X86_64);
	KEXPECT(r == 0, "nohz alone: return 0, got %lu", r);
	KEXPECT(cpu_data.context_state == CONTEXT_KERNEL, "TIF_NOHZ: context tracking must leave user state");
	cpu_data.context_state = CONTEXT_USER;
	r = phase1(ctx, &f, _TIF_NOHZ | _TIF_SYSCALL_TRACE, AUDIT_ARCH_X86_64);
	KEXPECT(r == 1, "nohz + ptrace: return 1, got %lu", r);
	KEXPECT(cpu_data.context_state == CONTEXT_KERNEL, "nohz + ptrace: user_exit missing");
	cpu_data.context_state = CONTEXT_USER;
	r = phase1(ctx, &f, _TIF_SYSCALL_TRACE, AUDIT_ARCH_X86_64);
	KEXPECT(cpu_data.context_state == CONTEXT_USER, "without TIF_NOHZ, context tracking is not touched");
	/* seccomp sends the call to the tracer: phase 1 returns early, but the
	 * CPU left user mode before any other work ran. */
	static const struct sock_filter trace[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 3) };
	if (!fake_task_filter(&f, trace, 1)) { KEXPECT(0, "no memory"); fake_task_end(&f); return; }
	cpu_data.context_state = CONTEXT_USER;
	r = phase1(ctx, &f, _TIF_NOHZ | _TIF_SECCOMP, AUDIT_ARCH_X86_64);
	KEXPECT(r == (SECCOMP_RET_TRACE | 3), "nohz + a seccomp TRACE answer: phase 1 returns the "
		"answer, got %#lx", r);
	KEXPECT(cpu_data.context_state == CONTEXT_KERNEL, "nohz + seccomp: user_exit() must come first, "
		"before seccomp runs (and before any early return)");
	KEXPECT(ct_warnings == warnings, "no CT_WARN_ON expected (%lu new)", ct_warnings - warnings);
	/* A syscall entry while context tracking already says "kernel" (an
	 * earlier exit forgot user_enter()): the entry's check must catch it. */
	cpu_data.context_state = CONTEXT_KERNEL;
	warnings_expected = 1;
	r = phase1(ctx, &f, _TIF_NOHZ, AUDIT_ARCH_X86_64);
	warnings_expected = 0;
	KEXPECT(ct_warnings == warnings + 1, "TIF_NOHZ with context tracking already in kernel state: "
		"phase 1 must go through enter_from_user_mode(), whose CT_WARN_ON catches an entry in "
		"the wrong state (%lu warnings, want 1)", ct_warnings - warnings);
	fake_task_end(&f);
}

/* A filter that answers ERRNO(12 bits of the word at offset, from bit
 * shift up): three of them (shift 0, 12, 24) read back a whole word. */
static bool echo_filter(struct fake_task *f, u32 offset, u32 shift)
{
	const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, shift),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfff),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	return fake_task_filter(f, prog, 5);
}

/* The number has bits above 16 set, as a number past every table may: nr is
 * the whole (int)orig_ax, not a shorter part of it. */
#define NR 0x00012123UL

/* Every register has a distinct upper half (which an i386 argument drops)
 * and bits set all over its lower half. */
static void fill_regs(struct pt_regs *r, bool is64)
{
	r->orig_ax = NR;
	r->ip = 0x0000045612340789UL;
	r->di = 0x0000011112310101UL; r->si = 0x0000011212320102UL; r->dx = 0x0000011312330103UL;
	r->r10 = 0x0000011412340104UL; r->r8 = 0x0000011512350105UL; r->r9 = 0x0000011612360106UL;
	/* The i386 ABI: bx cx dx si di bp. Each lower half has bit 31 set: an
	 * i386 argument is an unsigned 32-bit value, never sign-extended. */
	r->bx = 0x0000021180a10201UL; r->cx = 0x0000021280a20202UL; r->bp = 0x0000021680a60206UL;
	if (is64)
		return;
	r->dx = 0x0000021380a30203UL; r->si = 0x0000021480a40204UL; r->di = 0x0000021580a50205UL;
}

/* Offsets in seccomp_data and the word a 64-bit / an i386 call must show there. */
struct field { u32 offset; u32 want64, want32; const char *name; };
static const struct field fields[] = {
	{ 0, NR, NR, "nr" },
	{ 4, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, "arch" },
	{ 8, 0x12340789, 0x12340789, "instruction_pointer (low)" },
	{ 12, 0x456, 0x456, "instruction_pointer (high)" },
	{ 16, 0x12310101, 0x80a10201, "args[0]" }, { 20, 0x111, 0, "args[0] (high)" },
	{ 24, 0x12320102, 0x80a20202, "args[1]" }, { 28, 0x112, 0, "args[1] (high)" },
	{ 32, 0x12330103, 0x80a30203, "args[2]" }, { 36, 0x113, 0, "args[2] (high)" },
	{ 40, 0x12340104, 0x80a40204, "args[3]" }, { 44, 0x114, 0, "args[3] (high)" },
	{ 48, 0x12350105, 0x80a50205, "args[4]" }, { 52, 0x115, 0, "args[4] (high)" },
	{ 56, 0x12360106, 0x80a60206, "args[5]" }, { 60, 0x116, 0, "args[5] (high)" },
};

static void check_fields(struct ktest_ctx *ctx, u32 arch)
{
	bool is64 = arch == AUDIT_ARCH_X86_64;
	const char *abi = is64 ? "x86-64" : "i386";
	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct fake_task f;
		u32 want = is64 ? fields[i].want64 : fields[i].want32, saw = 0;
		bool skipped = true;
		if (!fake_task_begin(&f, _TIF_SECCOMP)) {
			KEXPECT(0, "no memory");
			return;
		}
		for (u32 shift = 0; shift < 32; shift += 12) {
			if (!echo_filter(&f, fields[i].offset, shift)) {
				KEXPECT(0, "no memory");
				fake_task_end(&f);
				return;
			}
			fill_regs(f.regs, is64);
			f.regs->ax = -ENOSYS;
			unsigned long r = syscall_trace_enter_phase1(f.regs, arch);
			if (r != 0) {          /* one message for the return value, not one per field */
				KEXPECT(0, "%s: a filter answered ERRNO, so phase 1 must return 0 (dispatch "
					"the skipped call now); it returned %lu", abi, r);
				fake_task_end(&f);
				return;
			}
			saw |= (u32)(-(long)f.regs->ax & 0xfff) << shift;
			skipped &= (long)f.regs->orig_ax == -1;
		}
		KEXPECT(saw == want, "%s: seccomp_data.%s: expected %#x, saw %#x", abi, fields[i].name,
			want, saw);
		KEXPECT(skipped, "%s: an ERRNO answer must set orig_ax to -1 (skip)", fields[i].name);
		fake_task_end(&f);
	}
}

KTEST(lab2_seccomp_data_64)
{
	check_fields(ctx, AUDIT_ARCH_X86_64);
}

KTEST(lab2_seccomp_data_32)
{
	check_fields(ctx, AUDIT_ARCH_I386);
}

static bool answer_filter(struct fake_task *f, u32 answer)
{
	const struct sock_filter prog[] = { BPF_STMT(BPF_RET | BPF_K, answer) };
	return fake_task_filter(f, prog, 1);
}

KTEST(lab2_seccomp_answers)
{
	struct fake_task f;
	unsigned long r;

	if (!fake_task_begin(&f, 0) || !answer_filter(&f, SECCOMP_RET_ALLOW)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	r = phase1(ctx, &f, _TIF_SECCOMP, AUDIT_ARCH_X86_64);
	KEXPECT(r == 0 && f.regs->orig_ax == __NR_getpid, "ALLOW: return 0, orig_ax kept (got %lu, %ld)",
		r, (long)f.regs->orig_ax);
	r = phase1(ctx, &f, _TIF_SECCOMP | _TIF_SYSCALL_AUDIT, AUDIT_ARCH_X86_64);
	KEXPECT(r == 0, "ALLOW + audit: audit is finished in phase 1 (got %lu)", r);
	r = phase1(ctx, &f, _TIF_SECCOMP | _TIF_SYSCALL_TRACE, AUDIT_ARCH_X86_64);
	KEXPECT(r == 1, "ALLOW + ptrace: phase 2 with no seccomp result (got %lu)", r);
	fake_task_end(&f);

	if (!fake_task_begin(&f, 0) || !answer_filter(&f, SECCOMP_RET_TRACE | 9)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	r = phase1(ctx, &f, _TIF_SECCOMP, AUDIT_ARCH_X86_64);
	KEXPECT(r == (SECCOMP_RET_TRACE | 9), "TRACE: phase 1 must return the filter's answer %#x, got %#lx",
		SECCOMP_RET_TRACE | 9, r);
	KEXPECT(f.regs->orig_ax == __NR_getpid, "TRACE: orig_ax must not change yet");
	r = phase1(ctx, &f, _TIF_SECCOMP | _TIF_SYSCALL_AUDIT, AUDIT_ARCH_X86_64);
	KEXPECT(r == (SECCOMP_RET_TRACE | 9), "TRACE + audit: still the filter's answer, got %#lx", r);
	fake_task_end(&f);

	if (!fake_task_begin(&f, 0) || !answer_filter(&f, SECCOMP_RET_ERRNO | 13)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = __NR_getpid;
	r = phase1(ctx, &f, _TIF_SECCOMP, AUDIT_ARCH_X86_64);
	KEXPECT(r == 0 && (long)f.regs->orig_ax == -1 && (long)f.regs->ax == -13,
		"ERRNO(13): return 0, orig_ax -1, ax -13 (got %lu, %ld, %ld)", r, (long)f.regs->orig_ax,
		(long)f.regs->ax);
	f.regs->orig_ax = __NR_getpid;
	r = phase1(ctx, &f, _TIF_SECCOMP | _TIF_SYSCALL_TRACE, AUDIT_ARCH_X86_64);
	KEXPECT(r == 1 && (long)f.regs->orig_ax == -1, "ERRNO + ptrace: orig_ax -1 and phase 2 "
		"(got %lu, %ld)", r, (long)f.regs->orig_ax);
	fake_task_end(&f);
}
