/* Lab 7's in-kernel tests: the restart decisions of handle_signal() and
 * restart_syscall_if_needed(), on a fake task (lab_fixture.h). The fake task
 * has no user memory, so handle_signal()'s frame cannot be written: the
 * test checks what must happen before that (the restart decision) and after
 * it fails (SIGSEGV forced, the mask untouched). Frames themselves are
 * tested from user space (lab7_frame, sigtest). */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include "lab_fixture.h"
#include <ringside/signal.h>

void handle_signal(int sig, struct k_sigaction *ka, struct ksiginfo *info, struct pt_regs *regs);
void restart_syscall_if_needed(struct pt_regs *regs);

#define IP 0x401002UL

static void interrupted(struct pt_regs *r, long error)
{
	r->orig_ax = 35;               /* nanosleep */
	r->ax = error;
	r->ip = IP;
}

KTEST(lab7_restart_without_handler)
{
	struct pt_regs r;
	memset(&r, 0, sizeof(r));
	const long restart[] = { -ERESTARTSYS, -ERESTARTNOHAND, -ERESTARTNOINTR };
	for (unsigned i = 0; i < 3; i++) {
		interrupted(&r, restart[i]);
		restart_syscall_if_needed(&r);
		KEXPECT(r.ip == IP - 2 && r.ax == 35, "error %ld, no handler: back over the 2-byte "
			"instruction with rax = the number (ip %#lx, ax %ld)", restart[i], r.ip, (long)r.ax);
	}
	interrupted(&r, -EINTR);
	restart_syscall_if_needed(&r);
	KEXPECT(r.ip == IP && (long)r.ax == -EINTR, "EINTR is a result, not a restart");
	interrupted(&r, 5);
	restart_syscall_if_needed(&r);
	KEXPECT(r.ip == IP && r.ax == 5, "a success is not restarted");
	interrupted(&r, -ERESTARTSYS);
	r.orig_ax = -1UL;              /* not in a syscall (an interrupt, a fault) */
	restart_syscall_if_needed(&r);
	KEXPECT(r.ip == IP && (long)r.ax == -ERESTARTSYS, "orig_ax -1: no syscall to restart");
	interrupted(&r, -ERESTARTNOHAND);
	r.orig_ax = 0;                 /* read: syscall number 0 is a syscall too */
	restart_syscall_if_needed(&r);
	KEXPECT(r.ip == IP - 2 && r.ax == 0, "orig_ax 0 (read) is a syscall: restarted (ip %#lx, ax %ld)",
		r.ip, (long)r.ax);
	/* A 64-bit call's result is 64 bits: lseek to 0xfffffe00 returns that
	 * offset, whose low half happens to be -ERESTARTSYS. */
	interrupted(&r, (long)(u32)-ERESTARTSYS);
	restart_syscall_if_needed(&r);
	KEXPECT(r.ip == IP && r.ax == 0xfffffe00UL, "a result of %#lx (only its low 32 bits look like "
		"-ERESTARTSYS) is not restarted (ip %#lx, ax %#lx)", 0xfffffe00UL, r.ip, r.ax);
}

struct decision { long error; unsigned long flags; bool restarts; const char *what; };
static const struct decision decisions[] = {
	{ -ERESTARTSYS, 0, false, "ERESTARTSYS without SA_RESTART: EINTR" },
	{ -ERESTARTSYS, SA_RESTART, true, "ERESTARTSYS with SA_RESTART: restart" },
	{ -ERESTARTNOHAND, SA_RESTART, false, "ERESTARTNOHAND with a handler: EINTR" },
	{ -ERESTARTNOINTR, 0, true, "ERESTARTNOINTR: always restart" },
	{ -ERESTART_RESTARTBLOCK, SA_RESTART, false, "ERESTART_RESTARTBLOCK with a handler: EINTR" },
	{ -EAGAIN, SA_RESTART, false, "another error stays" },
	{ (long)(u32)-ERESTARTNOINTR, 0, false, "a 64-bit result whose low 32 bits are -ERESTARTNOINTR stays" },
};

KTEST(lab7_restart_with_handler)
{
	for (unsigned i = 0; i < sizeof(decisions) / sizeof(decisions[0]); i++) {
		const struct decision *d = &decisions[i];
		struct fake_task f;
		if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
		struct k_sigaction ka = { .handler = 0x401100, .flags = d->flags | SA_RESTORER,
					  .restorer = 0x401200, .mask = 0 };
		struct ksiginfo info = { .signo = SIGUSR1, .code = SI_USER };
		interrupted(f.regs, d->error);
		f.regs->sp = 0xffff800000001000UL; /* no user memory: the frame cannot be written */
		handle_signal(SIGUSR1, &ka, &info, f.regs);
		long want_ax = d->restarts ? 35 : (d->error == -EAGAIN || d->error > 0 ? d->error : -EINTR);
		unsigned long want_ip = d->restarts ? IP - 2 : IP;
		KEXPECT((long)f.regs->ax == want_ax && f.regs->ip == want_ip, "%s: ax %ld ip %#lx, "
			"want ax %ld ip %#lx", d->what, (long)f.regs->ax, f.regs->ip, want_ax, want_ip);
		KEXPECT(f.task.pending & sigmask(SIGSEGV), "%s: a frame that cannot be written must "
			"force SIGSEGV", d->what);
		KEXPECT(!(f.task.blocked & sigmask(SIGUSR1)), "%s: no handler runs, so the mask must "
			"not change", d->what);
		fake_task_end(&f);
	}

	/* Not in a syscall (orig_ax -1: an interrupt, a fault, rt_sigreturn):
	 * whatever ax holds is a register value, not a restart code. */
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	struct k_sigaction ka = { .handler = 0x401100, .flags = SA_RESTART | SA_RESTORER,
				  .restorer = 0x401200, .mask = 0 };
	struct ksiginfo info = { .signo = SIGUSR1, .code = SI_USER };
	interrupted(f.regs, -ERESTARTNOINTR);
	f.regs->orig_ax = -1UL;
	f.regs->sp = 0xffff800000001000UL;
	handle_signal(SIGUSR1, &ka, &info, f.regs);
	KEXPECT((long)f.regs->ax == -ERESTARTNOINTR && f.regs->ip == IP, "orig_ax -1 with a handler: "
		"no syscall to restart, ax and ip stay (ax %ld ip %#lx)", (long)f.regs->ax, f.regs->ip);
	fake_task_end(&f);

	/* read is syscall 0: orig_ax 0 is a syscall like any other. */
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	interrupted(f.regs, -ERESTARTSYS);
	f.regs->orig_ax = 0;
	f.regs->sp = 0xffff800000001000UL;
	handle_signal(SIGUSR1, &ka, &info, f.regs);
	KEXPECT(f.regs->ax == 0 && f.regs->ip == IP - 2, "orig_ax 0 (read) with an SA_RESTART handler: "
		"restarted like any syscall (ax %ld ip %#lx)", (long)f.regs->ax, f.regs->ip);
	fake_task_end(&f);
}
