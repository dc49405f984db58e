/* ptrace: one task (the tracer: the tracee's parent, or for a child
 * attached at fork the parent's tracer) stops,
 * inspects and resumes another. The stops the syscall pipeline produces:
 * syscall entry and exit (PTRACE_SYSCALL, TIF_SYSCALL_TRACE), syscall
 * emulation (PTRACE_SYSEMU, TIF_SYSCALL_EMU), single steps (TIF_SINGLESTEP
 * and the TF flag), seccomp's TRACE action, and every signal. The tracer
 * sees each stop through wait4 as WIFSTOPPED with a stop signal of SIGTRAP
 * (| 0x80 with PTRACE_O_TRACESYSGOOD, | event << 8 for events). */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/ptrace.h>
#include <ringside/signal.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <ringside/mm.h>
#include <asm/segment.h>
#include <asm/x86.h>

void ptrace_stop(int code)
{
	struct task_struct *t = current;
	if (!t->ptrace)
		return;
	local_irq_disable();
	if (fatal_signal_pending(t)) {       /* being killed: do not stop */
		local_irq_enable();
		return;
	}
	t->stop_code = (code << 8) | 0x7f;
	t->stop_reported = false;
	t->state = TASK_TRACED;
	if (t->tracer)
		wake_up_channel(t->tracer);
	schedule();
	local_irq_enable();
}

/* A stop that is not a signal's (syscall, event): PTRACE_GETSIGINFO shows
 * SIGTRAP with the stop code as si_code, as Linux's ptrace_notify does. */
static void ptrace_notify(int code)
{
	struct task_struct *t = current;
	t->last_siginfo = (struct ksiginfo){ .signo = SIGTRAP, .code = code, .pid = t->pid };
	ptrace_stop(code);
}

int tracehook_report_syscall_entry(struct pt_regs *regs)
{
	struct task_struct *t = current;
	(void)regs;
	t->resume_signal = 0;
	ptrace_notify(SIGTRAP | (t->ptrace_options & PTRACE_O_TRACESYSGOOD ? 0x80 : 0));
	/* A signal the tracer asked for on resume is sent now, as Linux does. */
	if (t->resume_signal) {
		send_signal(t, t->resume_signal, NULL);
		t->resume_signal = 0;
	}
	return fatal_signal_pending(t);
}

void tracehook_report_syscall_exit(struct pt_regs *regs, int step)
{
	struct task_struct *t = current;
	if (step) {
		/* The step over the syscall instruction ends here: report it
		 * as the trap a step would have raised. */
		struct ksiginfo info = { .signo = SIGTRAP, .code = TRAP_BRKPT, .addr = regs->ip };
		force_sig_info(SIGTRAP, &info);
		return;
	}
	t->resume_signal = 0;
	ptrace_notify(SIGTRAP | (t->ptrace_options & PTRACE_O_TRACESYSGOOD ? 0x80 : 0));
	if (t->resume_signal) {
		send_signal(t, t->resume_signal, NULL);
		t->resume_signal = 0;
	}
}

void ptrace_event(int event, unsigned long message)
{
	struct task_struct *t = current;
	t->ptrace_message = message;
	t->resume_signal = 0;
	ptrace_notify(SIGTRAP | (event << 8));
	if (t->resume_signal) {
		send_signal(t, t->resume_signal, NULL);
		t->resume_signal = 0;
	}
}

/* A pending PTRACE_EVENT_STOP (do_signal takes it before any signal): the
 * tracer sees the stop code SIGTRAP | PTRACE_EVENT_STOP << 8, and
 * PTRACE_GETSIGINFO that as si_code, as Linux's do_jobctl_trap reports it
 * with ptrace_do_notify. A signal passed on resume is dropped, as Linux
 * drops one passed from an event stop of this kind. */
void ptrace_trap_stop(void)
{
	struct task_struct *t = current;
	t->trap_stop_pending = false;
	recalc_sigpending(t);
	if (!t->ptrace)
		return;
	ptrace_notify(SIGTRAP | (PTRACE_EVENT_STOP << 8));
	t->resume_signal = 0;
}

void user_enable_single_step(struct task_struct *t)
{
	struct pt_regs *regs = task_pt_regs(t);
	set_tsk_thread_flag(t, TIF_SINGLESTEP);
	if (!(regs->flags & X86_EFLAGS_TF)) {
		/* Remember that TF is ours, not the program's, to take it back. */
		set_tsk_thread_flag(t, TIF_FORCED_TF);
		regs->flags |= X86_EFLAGS_TF;
	}
}

void user_disable_single_step(struct task_struct *t)
{
	clear_tsk_thread_flag(t, TIF_SINGLESTEP);
	if (test_tsk_thread_flag(t, TIF_FORCED_TF)) {
		task_pt_regs(t)->flags &= ~X86_EFLAGS_TF;
		clear_tsk_thread_flag(t, TIF_FORCED_TF);
	}
}

static void ptrace_unlink(struct task_struct *t)
{
	t->ptrace = 0;
	t->tracer = NULL;
	t->ptrace_options = 0;
	clear_tsk_thread_flag(t, TIF_SYSCALL_TRACE);
	clear_tsk_thread_flag(t, TIF_SYSCALL_EMU);
	user_disable_single_step(t);
}

static void ptrace_resume_task(struct task_struct *t, int sig)
{
	t->resume_signal = sig;
	t->stop_reported = true;
	wake_up_stopped(t);
}

void exit_ptrace(struct task_struct *tracer)
{
	struct task_struct *t, *tmp;
	list_for_each_entry_safe(t, tmp, &task_list, tasks) {
		if (!t->ptrace || t->tracer != tracer)
			continue;
		bool kill = t->ptrace_options & PTRACE_O_EXITKILL;
		ptrace_unlink(t);
		if (t->state == EXIT_ZOMBIE) {
			/* Its exit was waiting for us: its parent may reap it now,
			 * or (4.3's __ptrace_detach) it goes at once if that parent
			 * ignores SIGCHLD. Our own child waits for our reaper. */
			if (t->parent != tracer && do_notify_parent(t, t->exit_signal)) {
				t->state = EXIT_DEAD;
				free_task(t);
			}
			continue;
		}
		if (kill)
			send_signal(t, SIGKILL, NULL);
		if (t->state == TASK_TRACED)
			ptrace_resume_task(t, 0);
	}
}

/* The parent is forking: a traced parent that asked for this event (or,
 * for clone, any of them, as Linux) gets its child attached to the same
 * tracer, which sees the child start with a SIGSTOP if the parent was
 * attached with PTRACE_ATTACH, and with a PTRACE_EVENT_STOP trap under
 * PTRACE_SEIZE (Linux's ptrace_init_task: JOBCTL_TRAP_STOP). */
int ptrace_init_child(struct task_struct *child, int event)
{
	struct task_struct *parent = current;
	static const unsigned long option[] = {
		[PTRACE_EVENT_FORK] = PTRACE_O_TRACEFORK,
		[PTRACE_EVENT_VFORK] = PTRACE_O_TRACEVFORK,
		[PTRACE_EVENT_CLONE] = PTRACE_O_TRACECLONE,
	};
	if (!parent->ptrace || !(parent->ptrace_options & option[event]))
		return 0;
	child->ptrace = parent->ptrace;
	child->ptrace_options = parent->ptrace_options;
	child->tracer = parent->tracer;
	if (child->ptrace & PT_SEIZED) {
		child->trap_stop_pending = true;
		set_tsk_thread_flag(child, TIF_SIGPENDING);
	} else {
		/* Linux only sets the pending bit: no queued siginfo, so
		 * PTRACE_GETSIGINFO reads SI_USER from pid 0. */
		struct ksiginfo info = { .signo = SIGSTOP, .code = SI_USER };
		send_signal(child, SIGSTOP, &info);
	}
	return event;
}

/* user_regs_struct, Linux x86-64 order. */
struct user_regs_struct {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di,
		      orig_ax, ip, cs, flags, sp, ss, fs_base, gs_base, ds, es, fs, gs;
};
#define USER_REGS_WORDS (sizeof(struct user_regs_struct) / 8)

static void get_user_regs(struct task_struct *t, struct user_regs_struct *u)
{
	struct pt_regs *r = task_pt_regs(t);
	memset(u, 0, sizeof(*u));
	/* pt_regs's first 21 words are user_regs_struct's first 21. */
	memcpy(u, r, sizeof(*r));
	u->fs_base = t->fs_base;
	u->gs_base = t->gs_base;
	u->ds = u->es = __USER_DS;
	u->fs = t->fsindex;              /* the tracee is stopped: its saved selectors */
	u->gs = t->gsindex;
	if (test_tsk_thread_flag(t, TIF_FORCED_TF))
		u->flags &= ~X86_EFLAGS_TF;      /* the debugger's TF is not the program's */
}

/* Write one register as PTRACE_POKEUSER/SETREGS would; segment registers
 * and privileged flags stay what user mode may have. */
static int put_user_reg(struct task_struct *t, unsigned word, unsigned long value)
{
	struct pt_regs *r = task_pt_regs(t);
	unsigned long *slot = (unsigned long *)r + word;
	switch (word) {
	case offsetof(struct user_regs_struct, cs) / 8:
	case offsetof(struct user_regs_struct, ss) / 8:
	case offsetof(struct user_regs_struct, ds) / 8:
	case offsetof(struct user_regs_struct, es) / 8:
	case offsetof(struct user_regs_struct, fs) / 8:
	case offsetof(struct user_regs_struct, gs) / 8:
		return 0;                        /* fixed: ignored */
	case offsetof(struct user_regs_struct, gs_base) / 8:
		if (value >= TASK_SIZE_MAX)
			return -EIO;
		t->gs_base = value;              /* switch_to() loads it */
		return 0;
	case offsetof(struct user_regs_struct, fs_base) / 8:
		if (value >= TASK_SIZE_MAX)
			return -EIO;
		t->fs_base = value;
		return 0;
	case offsetof(struct user_regs_struct, flags) / 8: {
		const unsigned long user_flags = 0x1UL | 0x4UL | 0x10UL | 0x40UL | 0x80UL |
						 0x100UL | 0x400UL | 0x800UL | 0x10000UL | 0x40000UL;
		if (value & X86_EFLAGS_TF)       /* the tracer set TF itself */
			clear_tsk_thread_flag(t, TIF_FORCED_TF);
		else if (test_tsk_thread_flag(t, TIF_FORCED_TF))
			value |= X86_EFLAGS_TF;  /* keep the single-step we forced */
		r->flags = (r->flags & ~user_flags) | (value & user_flags);
		return 0;
	}
	case offsetof(struct user_regs_struct, ip) / 8:
	case offsetof(struct user_regs_struct, sp) / 8:
		/* The return to user mode cannot take a kernel or
		 * non-canonical address; Linux would fault there. */
		if (value >= TASK_SIZE_MAX)
			return -EIO;
		*slot = value;
		return 0;
	default:
		if (word >= 21)
			return -EIO;
		*slot = value;
		return 0;
	}
}

/* Read or write tracee memory through the direct map (text pages too: a
 * debugger plants breakpoints in read-only code). */
static int access_tracee(struct task_struct *t, unsigned long addr, void *buf, size_t n, bool write)
{
	if (addr + n < addr || addr + n > TASK_SIZE_MAX)
		return -EIO;
	while (n) {
		u64 *pte = walk_pte(t->mm->pgd, addr, false);
		if (!pte || !(*pte & _PAGE_PRESENT))
			return -EIO;
		size_t chunk = min(n, PAGE_SIZE - (addr & ~PAGE_MASK));
		char *p = (char *)__va(*pte & PTE_ADDR_MASK) + (addr & ~PAGE_MASK);
		if (write)
			memcpy(p, buf, chunk);
		else
			memcpy(buf, p, chunk);
		addr += chunk;
		buf = (char *)buf + chunk;
		n -= chunk;
	}
	return 0;
}

int ptrace_access_mm(struct task_struct *t, unsigned long addr, void *buf, size_t n, bool write)
{
	return access_tracee(t, addr, buf, n, write);
}

static long ptrace_attach(struct task_struct *t, bool seize, unsigned long options)
{
	struct task_struct *me = current;
	if (t == me || t->parent != me)
		return -EPERM;                   /* only our own children */
	if (t->ptrace)
		return -EPERM;
	t->tracer = me;
	if (seize && (options & ~(unsigned long)PTRACE_O_MASK))
		return -EINVAL;
	t->ptrace = PT_PTRACED | (seize ? PT_SEIZED : 0);
	t->ptrace_options = seize ? options : 0;
	if (!seize)
		send_signal(t, SIGSTOP, NULL);
	return 0;
}

/* PTRACE_SETFPREGS and NT_PRFPREG: the first len bytes of an FXSAVE image;
 * MXCSR bits the CPU lacks are dropped, as Linux's xfpregs_set does (they
 * would make FXRSTOR fault). The tracee is stopped: its registers are its
 * saved area, loaded when it next runs. */
static int set_fpregs(struct task_struct *t, const void *ubuf, size_t len)
{
	struct fxregs_state fx = t->fpu.state;
	if (copy_from_user(&fx, ubuf, len))
		return -EFAULT;
	fx.mxcsr &= mxcsr_feature_mask;
	t->fpu.state = fx;
	return 0;
}

/* PTRACE_GETREGSET/SETREGSET (Linux's ptrace_regset): data points at a
 * struct iovec. The length must be a whole number of the set's 8-byte
 * units; a longer one is cut to the set's size, and the length actually
 * moved is written back into the iovec. */
static long ptrace_regset(struct task_struct *t, long request, unsigned long type, unsigned long data)
{
	struct { unsigned long base, len; } iov;
	size_t size;
	if (copy_from_user(&iov, (const void *)data, sizeof(iov)))
		return -EFAULT;
	if (type == NT_PRSTATUS)
		size = sizeof(struct user_regs_struct);
	else if (type == NT_PRFPREG)
		size = sizeof(struct fxregs_state);
	else if (type == NT_X86_XSTATE)
		return -ENODEV;              /* no XSAVE: Linux's xstateregs_get */
	else
		return -EINVAL;
	if (iov.len % 8)
		return -EINVAL;
	iov.len = min(iov.len, size);
	long err = 0;
	if (type == NT_PRSTATUS && request == PTRACE_GETREGSET) {
		struct user_regs_struct u;
		get_user_regs(t, &u);
		err = copy_to_user((void *)iov.base, &u, iov.len);
	} else if (type == NT_PRSTATUS) {
		unsigned long words[USER_REGS_WORDS];
		err = copy_from_user(words, (const void *)iov.base, iov.len);
		for (unsigned w = 0; !err && w < iov.len / 8; w++)
			err = put_user_reg(t, w, words[w]);
	} else if (request == PTRACE_GETREGSET) {
		err = copy_to_user((void *)iov.base, &t->fpu.state, iov.len);
	} else {
		err = set_fpregs(t, (const void *)iov.base, iov.len);
	}
	if (err)
		return err;
	return put_user(iov.len, &((unsigned long *)data)[1]);
}

static long resume(struct task_struct *t, long request, unsigned long data)
{
	if (data > 64)
		return -EIO;
	clear_tsk_thread_flag(t, TIF_SYSCALL_TRACE);
	clear_tsk_thread_flag(t, TIF_SYSCALL_EMU);
	if (request == PTRACE_SYSCALL)
		set_tsk_thread_flag(t, TIF_SYSCALL_TRACE);
	if (request == PTRACE_SYSEMU || request == PTRACE_SYSEMU_SINGLESTEP)
		set_tsk_thread_flag(t, TIF_SYSCALL_EMU);
	if (request == PTRACE_SINGLESTEP || request == PTRACE_SYSEMU_SINGLESTEP)
		user_enable_single_step(t);
	else
		user_disable_single_step(t);
	ptrace_resume_task(t, (int)data);
	return 0;
}

static bool compat_arch_ptrace(struct task_struct *t, long request, u32 addr, u32 data, long *ret);

long do_ptrace(long request, pid_t pid, unsigned long addr, unsigned long data, bool compat)
{
	struct task_struct *me = current;
	if (request == PTRACE_TRACEME) {
		if (me->ptrace || !me->parent)
			return -EPERM;
		me->ptrace = PT_PTRACED;
		me->tracer = me->parent;
		return 0;
	}
	struct task_struct *t = pid > 0 ? find_task_by_pid(pid) : NULL;
	if (!t || t->state == EXIT_ZOMBIE)
		return -ESRCH;
	if (request == PTRACE_ATTACH || request == PTRACE_SEIZE)
		return ptrace_attach(t, request == PTRACE_SEIZE, data);
	/* Everything else needs a stopped tracee of ours. */
	if (!t->ptrace || t->tracer != me)
		return -ESRCH;
	if (request == PTRACE_KILL) {
		send_signal(t, SIGKILL, NULL);
		return 0;
	}
	if (t->state != TASK_TRACED)
		return -ESRCH;
	long ret;
	if (compat && compat_arch_ptrace(t, request, addr, data, &ret))
		return ret;

	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA: {
		unsigned long word;
		if (access_tracee(t, addr, &word, sizeof(word), false))
			return -EIO;
		return put_user(word, (unsigned long *)data);
	}
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		return access_tracee(t, addr, &data, sizeof(data), true) ? -EIO : 0;
	case PTRACE_PEEKUSR: {
		if (addr & 7 || addr / 8 >= USER_REGS_WORDS)
			return -EIO;
		struct user_regs_struct u;
		get_user_regs(t, &u);
		return put_user(((unsigned long *)&u)[addr / 8], (unsigned long *)data);
	}
	case PTRACE_POKEUSR:
		if (addr & 7 || addr / 8 >= USER_REGS_WORDS)
			return -EIO;
		return put_user_reg(t, addr / 8, data);
	case PTRACE_GETREGS: {
		struct user_regs_struct u;
		get_user_regs(t, &u);
		return copy_to_user((void *)data, &u, sizeof(u));
	}
	case PTRACE_SETREGS: {
		struct user_regs_struct u;
		if (copy_from_user(&u, (const void *)data, sizeof(u)))
			return -EFAULT;
		if (u.ip >= TASK_SIZE_MAX || u.sp >= TASK_SIZE_MAX || u.fs_base >= TASK_SIZE_MAX)
			return -EIO;
		for (unsigned w = 0; w < USER_REGS_WORDS; w++)
			put_user_reg(t, w, ((unsigned long *)&u)[w]);
		return 0;
	}
	case PTRACE_GETFPREGS:
		return copy_to_user((void *)data, &t->fpu.state, sizeof(t->fpu.state));
	case PTRACE_SETFPREGS:
		return set_fpregs(t, (const void *)data, sizeof(t->fpu.state));
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		return ptrace_regset(t, request, addr, data);
	case PTRACE_SETOPTIONS:
		if (data & ~(unsigned long)PTRACE_O_MASK)
			return -EINVAL;
		t->ptrace_options = data;
		return 0;
	case PTRACE_GETEVENTMSG:
		return put_user(t->ptrace_message, (unsigned long *)data);
	case PTRACE_GETSIGINFO:
		return copy_siginfo_to_user((void *)data, &t->last_siginfo);
	case PTRACE_SETSIGINFO: {
		struct { s32 signo, errno, code, pad; s32 pid; u32 uid; } si;
		if (copy_from_user(&si, (const void *)data, sizeof(si)))
			return -EFAULT;
		t->last_siginfo = (struct ksiginfo){ .signo = si.signo, .errno = si.errno,
						     .code = si.code, .pid = si.pid };
		return 0;
	}
	case PTRACE_CONT:
	case PTRACE_SYSCALL:
	case PTRACE_SINGLESTEP:
	case PTRACE_SYSEMU:
	case PTRACE_SYSEMU_SINGLESTEP:
		return resume(t, request, data);
	case PTRACE_DETACH:
		if (data > 64)
			return -EIO;
		ptrace_unlink(t);
		ptrace_resume_task(t, (int)data);
		return 0;
	default:
		return -EIO;
	}
}

SYSCALL_DEFINE(sys_ptrace)
{
	return do_ptrace((long)a0, (pid_t)a1, a2, a3, false);
}

/* ---- ptrace through int $0x80: Linux 4.3's compat_sys_ptrace ----
 *
 * Every i386 ptrace call takes this path, from a 32-bit (TIF_IA32) tracer
 * and from a 64-bit one using int $0x80 alike: 4.3's compat_arch_ptrace
 * goes to ia32_arch_ptrace whenever is_ia32_task() (TS_COMPAT, set by
 * every int $0x80) holds. The request and pid are 32-bit signed, addr and
 * data 32-bit unsigned. The registers are seen through the i386 layouts
 * whatever the tracee is (a 64-bit tracee's are cut to 32 bits):
 * struct user32 for PEEKUSR/POKEUSR, user_regs_struct32 for GETREGS,
 * user_i387_ia32_struct for GETFPREGS, the FXSAVE image for GETFPXREGS.
 * PEEKDATA/POKEDATA move 4 bytes, GETEVENTMSG stores 4, GETSIGINFO writes
 * a compat_siginfo, GETREGSET takes a compat_iovec and the regset view of
 * the tracer (4.3's task_user_regset_view(current): the i386 view for a
 * TIF_IA32 tracer, the x86-64 one otherwise). The rest is ptrace_request,
 * as for the 64-bit call. */

/* struct user_regs_struct32: ebx ecx edx esi edi ebp eax ds es fs gs
 * orig_eax eip cs eflags esp ss, each the user_regs_struct word named. */
#define U64(f) (offsetof(struct user_regs_struct, f) / 8)
static const u8 regs32_word[17] = {
	U64(bx), U64(cx), U64(dx), U64(si), U64(di), U64(bp), U64(ax), U64(ds), U64(es),
	U64(fs), U64(gs), U64(orig_ax), U64(ip), U64(cs), U64(flags), U64(sp), U64(ss),
};
enum { R32_DS = 7, R32_ES, R32_FS, R32_GS, R32_ORIG_EAX, R32_EIP, R32_CS, R32_EFLAGS, R32_ESP, R32_SS };
/* struct user32 (asm/user32.h): regs (68 bytes), u_fpvalid, the 108-byte
 * i387 area, sizes, start_code, start_stack, signal, reserved, u_ar0,
 * u_fpstate, magic, u_comm[32], then u_debugreg[8] at 252; 284 bytes. */
#define USER32_DEBUGREG 252
#define USER32_SIZE     284

/* getreg32: one word of struct user32. Segment registers read 16 bits;
 * offsets that are no register read 0, as do the debug registers (no
 * hardware breakpoints here: Linux's values for a task without any).
 * 4.3 lets regno == sizeof(struct user32) through (it tests '>'). */
static int getreg32(struct task_struct *t, unsigned regno, u32 *val)
{
	if (regno < sizeof(regs32_word) * 4 && !(regno & 3)) {
		struct user_regs_struct u;
		get_user_regs(t, &u);
		unsigned w = regno / 4;
		*val = ((unsigned long *)&u)[regs32_word[w]];
		if (w >= R32_DS && w <= R32_GS)
			*val &= 0xffff;
		return 0;
	}
	if (regno > USER32_SIZE || (regno & 3))
		return -EIO;
	*val = 0;
	return 0;
}

/* putreg32: one word of struct user32. The 32-bit value is zero-extended
 * into the 64-bit register, eax and orig_eax included: an orig_eax of -1
 * becomes 0xffffffff (4.3 relies on syscall_get_nr's int to read it as
 * -1), and a non-negative one sets TS_COMPAT on the tracee, so a 32-bit
 * debugger restoring a task stopped in an i386 syscall gets its -ERESTART*
 * codes read as 32-bit. Segment registers: a selector with RPL other than 3
 * (or a null cs/ss) is -EIO as in Linux's set_segment_reg; a valid one is
 * ignored here (Ringside's segments are fixed, as in the 64-bit view).
 * Debug registers: writing 0 is accepted (nothing changes); anything else
 * would arm a hardware breakpoint Ringside does not have: -EIO. */
static int putreg32(struct task_struct *t, unsigned regno, u32 value)
{
	if (regno < sizeof(regs32_word) * 4 && !(regno & 3)) {
		unsigned w = regno / 4;
		if ((w >= R32_DS && w <= R32_GS) || w == R32_CS || w == R32_SS) {
			u16 sel = value;
			if (sel && (sel & 3) != 3)
				return -EIO;
			if (!sel && (w == R32_CS || w == R32_SS))
				return -EIO;
			return 0;
		}
		if (w == R32_ORIG_EAX) {
			task_pt_regs(t)->orig_ax = value;
			if ((int)value >= 0)
				task_thread_info(t)->status |= TS_COMPAT;
			return 0;
		}
		return put_user_reg(t, regs32_word[w], value);
	}
	if (regno >= USER32_DEBUGREG && regno < USER32_DEBUGREG + 32 && !(regno & 3)) {
		unsigned n = (regno - USER32_DEBUGREG) / 4;
		return n == 4 || n == 5 || value ? -EIO : 0;
	}
	if (regno > USER32_SIZE || (regno & 3))
		return -EIO;
	return 0;                            /* the other fields: ignored */
}

/* struct user_i387_ia32_struct, the i386 FSAVE layout: 108 bytes. */
struct user_i387_ia32 {
	u32 cwd, swd, twd, fip, fcs, foo, fos;
	u8 st_space[80];                     /* 8 registers of 10 bytes */
} __attribute__((packed));
BUILD_BUG_ON(sizeof(struct user_i387_ia32) != 108);

/* The full tag word from FXSAVE's abridged one (Linux's twd_fxsr_to_i387):
 * empty, or what the register's exponent and integer bit make it. */
static u32 twd_fxsr_to_i387(const struct fxregs_state *fx)
{
	u32 tos = (fx->swd >> 11) & 7, ret = 0xffff0000u;
	for (int i = 0; i < 8; i++) {
		u32 tag = 3;                     /* empty */
		if (fx->twd & (1u << i)) {
			const u8 *st = (const u8 *)fx->st_space + ((i - tos) & 7) * 16;
			u16 exp, sig[4];
			memcpy(sig, st, 8);
			memcpy(&exp, st + 8, 2);
			exp &= 0x7fff;
			if (exp == 0x7fff)
				tag = 2;             /* special */
			else if (exp == 0)
				tag = sig[0] | sig[1] | sig[2] | sig[3] ? 2 : 1;   /* zero */
			else
				tag = sig[3] & 0x8000 ? 0 : 2;   /* valid */
		}
		ret |= tag << (2 * i);
	}
	return ret;
}

/* convert_from_fxsr for a 64-bit kernel: fip/foo are FXSAVE's 64-bit
 * pointers cut to 32 bits, fcs the task's cs, fos its ds, both with the
 * upper half as 4.3 sets it. */
static void fxsr_to_i387(struct task_struct *t, struct user_i387_ia32 *env)
{
	const struct fxregs_state *fx = &t->fpu.state;
	struct user_regs_struct u;
	get_user_regs(t, &u);
	env->cwd = fx->cwd | 0xffff0000u;
	env->swd = fx->swd | 0xffff0000u;
	env->twd = twd_fxsr_to_i387(fx);
	env->fip = fx->rip;
	env->foo = fx->rdp;
	env->fcs = u.cs;
	env->fos = u.ds | 0xffff0000u;
	for (int i = 0; i < 8; i++)
		memcpy(env->st_space + i * 10, (const u8 *)fx->st_space + i * 16, 10);
}

/* convert_to_fxsr: the abridged tag word keeps "not empty" per register;
 * fop comes from fcs's upper half; cs and ds are ignored. */
static void i387_to_fxsr(struct task_struct *t, const struct user_i387_ia32 *env)
{
	struct fxregs_state *fx = &t->fpu.state;
	u32 tmp = ~env->twd;
	tmp = (tmp | (tmp >> 1)) & 0x5555;
	tmp = (tmp | (tmp >> 1)) & 0x3333;
	tmp = (tmp | (tmp >> 2)) & 0x0f0f;
	tmp = (tmp | (tmp >> 4)) & 0x00ff;
	fx->cwd = env->cwd;
	fx->swd = env->swd;
	fx->twd = tmp;
	fx->fop = env->fcs >> 16;
	fx->rip = env->fip;
	fx->rdp = env->foo;
	for (int i = 0; i < 8; i++)
		memcpy((u8 *)fx->st_space + i * 16, env->st_space + i * 10, 10);
}

/* The i386 regsets' GET/SET over a kernel buffer of len bytes (a whole
 * number of 4-byte units, at most the set's size). */
static long regset32(struct task_struct *t, bool get, unsigned long type, void *ubuf, size_t len)
{
	if (type == NT_PRSTATUS) {
		u32 words[17];
		if (get) {
			for (unsigned w = 0; w < len / 4; w++)
				getreg32(t, w * 4, &words[w]);
			return copy_to_user(ubuf, words, len);
		}
		if (copy_from_user(words, ubuf, len))
			return -EFAULT;
		for (unsigned w = 0; w < len / 4; w++) {
			int err = putreg32(t, w * 4, words[w]);
			if (err)
				return err;
		}
		return 0;
	}
	if (type == NT_PRFPREG) {
		struct user_i387_ia32 env;
		fxsr_to_i387(t, &env);
		if (get)
			return copy_to_user(ubuf, &env, len);
		if (copy_from_user(&env, ubuf, len))
			return -EFAULT;
		i387_to_fxsr(t, &env);
		return 0;
	}
	/* NT_PRXFPREG: the FXSAVE image, as the 64-bit NT_PRFPREG. */
	if (get)
		return copy_to_user(ubuf, &t->fpu.state, len);
	return set_fpregs(t, ubuf, len);
}

/* PTRACE_GETREGSET/SETREGSET with a compat_iovec (32-bit base and len). */
static long compat_regset(struct task_struct *t, long request, unsigned long type, u32 data)
{
	u32 iov[2];
	if (copy_from_user(iov, (const void *)(unsigned long)data, sizeof(iov)))
		return -EFAULT;
	size_t len = iov[1], size;
	void *base = (void *)(unsigned long)iov[0];
	bool get = request == PTRACE_GETREGSET;
	long err;
	if (!test_thread_flag(TIF_IA32)) {
		/* The 64-bit view, with the 64-bit code's rules. */
		if (type == NT_PRSTATUS)
			size = sizeof(struct user_regs_struct);
		else if (type == NT_PRFPREG)
			size = sizeof(struct fxregs_state);
		else if (type == NT_X86_XSTATE)
			return -ENODEV;
		else
			return -EINVAL;
		if (len % 8)
			return -EINVAL;
		len = min(len, size);
		if (type == NT_PRSTATUS && get) {
			struct user_regs_struct u;
			get_user_regs(t, &u);
			err = copy_to_user(base, &u, len);
		} else if (type == NT_PRSTATUS) {
			unsigned long words[USER_REGS_WORDS];
			err = copy_from_user(words, base, len);
			for (unsigned w = 0; !err && w < len / 8; w++)
				err = put_user_reg(t, w, words[w]);
		} else if (get) {
			err = copy_to_user(base, &t->fpu.state, len);
		} else {
			err = set_fpregs(t, base, len);
		}
	} else {
		if (type == NT_PRSTATUS)
			size = 17 * 4;
		else if (type == NT_PRFPREG)
			size = sizeof(struct user_i387_ia32);
		else if (type == NT_PRXFPREG)
			size = sizeof(struct fxregs_state);
		else if (type == NT_X86_XSTATE)
			return -ENODEV;
		else
			return -EINVAL;
		if (len % 4)
			return -EINVAL;
		len = min(len, size);
		err = regset32(t, get, type, base, len);
	}
	if (err)
		return err;
	return put_user((u32)len, &((u32 *)(unsigned long)data)[1]);
}

/* The requests whose i386 form differs; false: the common code's. */
static bool compat_arch_ptrace(struct task_struct *t, long request, u32 addr, u32 data, long *ret)
{
	void *datap = (void *)(unsigned long)data;
	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA: {
		u32 word;
		*ret = access_tracee(t, addr, &word, sizeof(word), false) ? -EIO : put_user(word, (u32 *)datap);
		return true;
	}
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		*ret = access_tracee(t, addr, &data, sizeof(data), true) ? -EIO : 0;
		return true;
	case PTRACE_PEEKUSR: {
		u32 val;
		*ret = getreg32(t, addr, &val);
		if (!*ret)
			*ret = put_user(val, (u32 *)datap);
		return true;
	}
	case PTRACE_POKEUSR:
		*ret = putreg32(t, addr, data);
		return true;
	case PTRACE_GETREGS:
		*ret = regset32(t, true, NT_PRSTATUS, datap, 17 * 4);
		return true;
	case PTRACE_SETREGS:
		*ret = regset32(t, false, NT_PRSTATUS, datap, 17 * 4);
		return true;
	case PTRACE_GETFPREGS:
	case PTRACE_SETFPREGS:
		*ret = regset32(t, request == PTRACE_GETFPREGS, NT_PRFPREG, datap, sizeof(struct user_i387_ia32));
		return true;
	case PTRACE_GETFPXREGS:
	case PTRACE_SETFPXREGS:
		*ret = regset32(t, request == PTRACE_GETFPXREGS, NT_PRXFPREG, datap, sizeof(struct fxregs_state));
		return true;
	case PTRACE_GETEVENTMSG:
		*ret = put_user((u32)t->ptrace_message, (u32 *)datap);
		return true;
	case PTRACE_GETSIGINFO:
		*ret = copy_siginfo_to_user32(datap, &t->last_siginfo);
		return true;
	case PTRACE_SETSIGINFO: {
		struct { s32 signo, errno, code, pid; u32 uid; } si;
		if (copy_from_user(&si, datap, sizeof(si))) {
			*ret = -EFAULT;
			return true;
		}
		t->last_siginfo = (struct ksiginfo){ .signo = si.signo, .errno = si.errno,
						     .code = si.code, .pid = si.pid };
		*ret = 0;
		return true;
	}
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		*ret = compat_regset(t, request, addr, data);
		return true;
	default:
		return false;
	}
}

/* i386 ptrace (26): request and pid are compat_long_t. */
SYSCALL_DEFINE(compat_sys_ptrace)
{
	return do_ptrace((long)(s32)a0, (pid_t)a1, (u32)a2, (u32)a3, true);
}
