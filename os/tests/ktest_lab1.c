/* Lab 1's in-kernel tests: do_syscall_64() and do_int80_syscall_32() called
 * directly with pt_regs the test fills in. prctl(PR_GET_NO_NEW_PRIVS) is the
 * probe for argument registers: it fails with EINVAL when any of its four
 * arguments after the option is nonzero, so putting a nonzero value in
 * exactly one register shows which argument slot that register fed.
 * Run with ktest=lab1_... (labs/lab1/lab.def). */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include <ringside/syscalls.h>
#include "lab_fixture.h"

#define PR_GET_NO_NEW_PRIVS 39
#define NR_PRCTL_64  157
#define NR_PRCTL_32  172
#define NR_MMAP_64   9
#define JUNK         0x5a5a000000005a5aUL

static long call64(struct pt_regs *regs)
{
	regs->ax = -ENOSYS;                     /* what the entry code puts there */
	do_syscall_64(regs);
	return (long)regs->ax;
}

static long call32(struct pt_regs *regs)
{
	regs->ax = -ENOSYS;
	do_int80_syscall_32(regs);
	return (long)regs->ax;
}

static void prctl64(struct pt_regs *r, unsigned long si, unsigned long dx, unsigned long r10,
		    unsigned long r8)
{
	memset(r, 0, sizeof(*r));
	r->orig_ax = NR_PRCTL_64;
	r->di = PR_GET_NO_NEW_PRIVS;
	r->si = si; r->dx = dx; r->r10 = r10; r->r8 = r8;
	r->cx = JUNK;                           /* SYSCALL put the return address here */
	r->r9 = JUNK;                           /* prctl has no sixth argument */
	r->r11 = JUNK;
}

KTEST(lab1_dispatch_runs_the_call)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	struct pt_regs *r = f.regs;
	r->orig_ax = __NR_getpid;
	KEXPECT(call64(r) == 4242, "getpid gave %ld, want the caller's pid 4242", (long)r->ax);
	prctl64(r, 0, 0, 0, 0);
	KEXPECT(call64(r) == 0, "prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) gave %ld", (long)r->ax);
	f.task.no_new_privs = true;
	KEXPECT(call64(r) == 1, "prctl(PR_GET_NO_NEW_PRIVS) with no_new_privs set gave %ld", (long)r->ax);
	fake_task_end(&f);
}

KTEST(lab1_dispatch_argument_registers)
{
	struct pt_regs r;
	prctl64(&r, 0, 0, 0, 0);
	KEXPECT(call64(&r) == 0, "junk in rcx, r9, r11 must not reach prctl: got %ld", (long)r.ax);
	prctl64(&r, 1, 0, 0, 0);
	KEXPECT(call64(&r) == -EINVAL, "rsi is the second argument: got %ld", (long)r.ax);
	prctl64(&r, 0, 1, 0, 0);
	KEXPECT(call64(&r) == -EINVAL, "rdx is the third argument: got %ld", (long)r.ax);
	prctl64(&r, 0, 0, 1, 0);
	KEXPECT(call64(&r) == -EINVAL, "r10 (not rcx) is the fourth argument: got %ld", (long)r.ax);
	prctl64(&r, 0, 0, 0, 1);
	KEXPECT(call64(&r) == -EINVAL, "r8 is the fifth argument: got %ld", (long)r.ax);
	prctl64(&r, 0, 0, 0, 0);
	r.di = 12345;                           /* no such prctl option */
	KEXPECT(call64(&r) == -EINVAL, "rdi is the first argument: got %ld", (long)r.ax);

	/* mmap(0, 4096, 0, MAP_PRIVATE, fd=-1, off): not anonymous, so a bad
	 * fd is EBADF - unless the offset (r9) is not page aligned: EINVAL. */
	memset(&r, 0, sizeof(r));
	r.orig_ax = NR_MMAP_64;
	r.si = 4096; r.r10 = MAP_PRIVATE; r.r8 = -1UL; r.r9 = 0; r.cx = JUNK;
	KEXPECT(call64(&r) == -EBADF, "mmap with fd -1 in r8, offset 0 in r9: got %ld", (long)r.ax);
	r.r9 = 1;
	KEXPECT(call64(&r) == -EINVAL, "r9 is the sixth argument (offset 1): got %ld", (long)r.ax);
}

KTEST(lab1_dispatch_bounds)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	struct pt_regs *r = f.regs;
	r->orig_ax = NR_syscalls;
	KEXPECT(call64(r) == -ENOSYS, "number NR_syscalls (%d) gave %ld", NR_syscalls, (long)r->ax);
	r->orig_ax = NR_syscalls + 1000;
	KEXPECT(call64(r) == -ENOSYS, "number NR_syscalls + 1000 gave %ld", (long)r->ax);
	r->orig_ax = -1UL;
	KEXPECT(call64(r) == -ENOSYS, "number -1 (skip) gave %ld", (long)r->ax);
	r->orig_ax = -2UL;
	KEXPECT(call64(r) == -ENOSYS, "number -2 gave %ld", (long)r->ax);
	r->orig_ax = 0x100000000UL | __NR_getpid;
	KEXPECT(call64(r) == -ENOSYS, "the number is 64 bits wide: 0x100000027 gave %ld", (long)r->ax);
	r->orig_ax = 7;                          /* poll: no entry in the table */
	KEXPECT(call64(r) == -ENOSYS, "a hole in the table gave %ld", (long)r->ax);
	/* The last entry of the table is ringside_task_work(0, 0): the
	 * caller's work counter, 0 here. */
	memset(r, 0, sizeof(*r));
	r->orig_ax = NR_syscalls - 1;
	KEXPECT(call64(r) == 0, "the last number, NR_syscalls - 1, must run: got %ld", (long)r->ax);
	r->orig_ax = 0;                          /* read(0, NULL, 0): the first entry */
	r->di = 1000;
	KEXPECT(call64(r) == -EBADF, "number 0 (read from fd 1000) gave %ld", (long)r->ax);
	fake_task_end(&f);
}

/* A call seccomp refused: phase 1 (lab 2's reference) put the filter's
 * errno in ax and -1 in orig_ax, then the slow path dispatches as usual.
 * What the program sees must be seccomp's errno. */
KTEST(lab1_skipped_call_keeps_result)
{
	static const struct sock_filter errno13[] = {   /* getppid: ERRNO(13); the rest: allowed */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 13),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct fake_task f;
	if (!fake_task_begin(&f, _TIF_SECCOMP) || !fake_task_filter(&f, errno13, 4)) {
		KEXPECT(0, "no memory");
		return;
	}
	struct pt_regs *r = f.regs;
	r->orig_ax = __NR_getpid;              /* allowed: it runs */
	r->ax = -ENOSYS;
	unsigned long p0 = syscall_trace_enter_phase1(r, AUDIT_ARCH_X86_64);
	do_syscall_64(r);
	KEXPECT(p0 == 0 && (long)r->ax == 4242, "getpid, allowed by the filter, must run: got %ld",
		(long)r->ax);
	r->orig_ax = __NR_getppid;             /* refused with ERRNO(13) */
	r->ax = -ENOSYS;
	unsigned long p1 = syscall_trace_enter_phase1(r, AUDIT_ARCH_X86_64);
	long nr = (long)r->orig_ax, before = (long)r->ax;
	do_syscall_64(r);
	KEXPECT(p1 == 0 && nr == -1 && before == -13, "setup: seccomp did not skip the call (%lu, %ld, %ld)",
		p1, nr, before);
	KEXPECT((long)r->ax == -13, "a filter answered ERRNO(13) for getppid, so the program must see "
		"-13 (EACCES); it saw %ld. The skipped call reaches you as number -1, and ax already "
		"holds what user space gets", (long)r->ax);
	fake_task_end(&f);
}

static void prctl32(struct pt_regs *r, unsigned long cx, unsigned long dx, unsigned long si,
		    unsigned long di)
{
	unsigned long high = 0xdead000000000000UL;   /* upper halves the ABI does not have */
	memset(r, 0, sizeof(*r));
	r->orig_ax = NR_PRCTL_32;
	r->bx = high | PR_GET_NO_NEW_PRIVS;
	r->cx = high | cx; r->dx = high | dx; r->si = high | si; r->di = high | di;
	r->bp = high;
	r->r10 = JUNK; r->r8 = JUNK; r->r9 = JUNK;   /* x86-64 registers: not i386 arguments */
}

KTEST(lab1_int80_registers)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	struct pt_regs *r = f.regs;
	prctl32(r, 0, 0, 0, 0);
	KEXPECT(call32(r) == 0, "i386 prctl with junk above bit 31 and in r8-r10 gave %ld "
		"(each argument is only 32 bits wide)", (long)r->ax);
	KEXPECT(f.ti->status & TS_COMPAT, "TS_COMPAT must be set for an int $0x80 syscall");
	prctl32(r, 1, 0, 0, 0);
	KEXPECT(call32(r) == -EINVAL, "ecx is the second i386 argument: got %ld", (long)r->ax);
	prctl32(r, 0, 1, 0, 0);
	KEXPECT(call32(r) == -EINVAL, "edx is the third i386 argument: got %ld", (long)r->ax);
	prctl32(r, 0, 0, 1, 0);
	KEXPECT(call32(r) == -EINVAL, "esi is the fourth i386 argument: got %ld", (long)r->ax);
	prctl32(r, 0, 0, 0, 1);
	KEXPECT(call32(r) == -EINVAL, "edi is the fifth i386 argument: got %ld", (long)r->ax);
	fake_task_end(&f);
}

KTEST(lab1_int80_numbers)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	struct pt_regs *r = f.regs;
	r->orig_ax = 20;                         /* i386 getpid */
	KEXPECT(call32(r) == 4242, "i386 number 20 is getpid: got %ld", (long)r->ax);
	r->orig_ax = __NR_getpid;                /* 39: mkdir on i386; a NULL path */
	r->bx = 0;
	KEXPECT(call32(r) == -EFAULT, "i386 number 39 must use the i386 table (mkdir(NULL): EFAULT): got %ld",
		(long)r->ax);
	r->orig_ax = IA32_NR_syscalls;
	KEXPECT(call32(r) == -ENOSYS, "i386 number IA32_NR_syscalls (%d) gave %ld", IA32_NR_syscalls,
		(long)r->ax);
	r->orig_ax = 0xffffffffUL;
	KEXPECT(call32(r) == -ENOSYS, "i386 number 0xffffffff gave %ld", (long)r->ax);
	r->orig_ax = 0xffffffff00000000UL | 20;  /* only eax is the number */
	KEXPECT(call32(r) == 4242, "the i386 number is the low 32 bits of orig_ax: 0xffffffff00000014 "
		"is getpid (20), got %ld", (long)r->ax);
	r->orig_ax = 0x10000 | 20;               /* eax 0x10014: no i386 call */
	KEXPECT(call32(r) == -ENOSYS, "i386 number 0x10014 is out of range (all 32 bits of eax "
		"count), got %ld", (long)r->ax);
	/* Every number between the two tables' sizes is out of range too. */
	for (unsigned long nr = IA32_NR_syscalls; nr < NR_syscalls + 8; nr++) {
		memset(r, 0, sizeof(*r));
		r->orig_ax = nr;
		r->bx = 1000;                    /* a bad fd, should anything run */
		if (call32(r) != -ENOSYS) {
			KEXPECT(0, "i386 number %lu is out of range but gave %ld", nr, (long)r->ax);
			break;
		}
	}
	/* The last i386 entry is getrandom: flags 0x40 are EINVAL, not ENOSYS. */
	memset(r, 0, sizeof(*r));
	r->orig_ax = IA32_NR_syscalls - 1;
	r->bx = 99;
	r->dx = 0x40;
	KEXPECT(call32(r) == -EINVAL, "the last i386 number must run: got %ld", (long)r->ax);
	fake_task_end(&f);
}

/* With entry work, int $0x80 goes through syscall_trace_enter(), which may
 * skip the call or change its number, and which must already know the call
 * is an i386 one (seccomp_data.arch). */
KTEST(lab1_int80_entry_work)
{
	struct fake_task f;
	/* SYSCALL_EMU: the call is reported, never run. */
	if (!fake_task_begin(&f, _TIF_SYSCALL_EMU)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = 20;
	KEXPECT(call32(f.regs) == -ENOSYS, "with TIF_SYSCALL_EMU the call must be skipped: got %ld",
		(long)f.regs->ax);
	fake_task_end(&f);

	/* A filter answering ERRNO(1) for arch i386 and ERRNO(2) otherwise. */
	static const struct sock_filter by_arch[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 2),
	};
	if (!fake_task_begin(&f, _TIF_SECCOMP) || !fake_task_filter(&f, by_arch, 4)) {
		KEXPECT(0, "no memory");
		return;
	}
	f.regs->orig_ax = 20;
	long got = call32(f.regs);
	KEXPECT(got == -1, "seccomp must see arch i386 (TS_COMPAT set before the entry work) and "
		"skip the call with EPERM: got %ld", got);
	fake_task_end(&f);

	/* Audit only: the call runs, with the number the entry work returned. */
	if (!fake_task_begin(&f, _TIF_SYSCALL_AUDIT)) { KEXPECT(0, "no memory"); return; }
	f.regs->orig_ax = 20;
	KEXPECT(call32(f.regs) == 4242, "with audit on, getpid must still run: got %ld", (long)f.regs->ax);
	fake_task_end(&f);
}
