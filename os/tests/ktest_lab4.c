/* Lab 4's in-kernel tests: prepare_exit_to_usermode() on a fake task
 * (lab_fixture.h) with deferred work (task_work, TIF_NOTIFY_RESUME) and
 * user-return notifiers (TIF_USER_RETURN_NOTIFY) that record when they ran
 * and whether IRQs were on, and that raise new work while the loop runs.
 * Rescheduling and signals are tested from user space (preempt, sigtest). */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include <ringside/task_work.h>
#include "lab_fixture.h"
#include <ringside/signal.h>

static char events[16];
static int nevents;
static bool irqs_were_off;

static void note(char c)
{
	if (nevents < (int)sizeof(events) - 1)
		events[nevents++] = c;
	events[nevents] = 0;
	irqs_were_off |= irqs_disabled();
}

static void reset_events(void)
{
	nevents = 0;
	events[0] = 0;
	irqs_were_off = false;
}

static struct callback_head work_a, work_b;
static struct user_return_notifier urn_plain, urn_chain;

static void run_a(struct callback_head *w) { (void)w; note('a'); }
static void run_b(struct callback_head *w) { (void)w; note('b'); }
static void fire_plain(struct user_return_notifier *u) { (void)u; note('u'); }

/* a -> registers a notifier -> the notifier queues b: three passes. */
static void run_a_then_notifier(struct callback_head *w)
{
	(void)w;
	note('a');
	user_return_notifier_register(&urn_chain);
}
static void fire_chain(struct user_return_notifier *u)
{
	(void)u;
	note('u');
	work_b.func = run_b;
	task_work_add(current, &work_b);
}

static void exit_with_irqs_off(struct fake_task *f)
{
	local_irq_disable();
	prepare_exit_to_usermode(f->regs);
}

KTEST(lab4_notify_resume)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	reset_events();
	work_a.func = run_a;
	task_work_add(&f.task, &work_a);
	exit_with_irqs_off(&f);
	bool off = irqs_disabled();
	local_irq_enable();
	KEXPECT(!strcmp(events, "a"), "queued task work must run once: ran \"%s\"", events);
	KEXPECT(!irqs_were_off, "the work must run with IRQs on");
	KEXPECT(off, "prepare_exit_to_usermode must return with IRQs off");
	KEXPECT(!(f.ti->flags & _TIF_NOTIFY_RESUME), "TIF_NOTIFY_RESUME still set");
	fake_task_end(&f);
}

KTEST(lab4_user_return_notifier)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	reset_events();
	urn_plain.on_user_return = fire_plain;
	user_return_notifier_register(&urn_plain);
	work_a.func = run_a;
	task_work_add(&f.task, &work_a);
	exit_with_irqs_off(&f);
	bool off = irqs_disabled();
	local_irq_enable();
	KEXPECT(!strcmp(events, "au"), "task work, then the user-return notifier: ran \"%s\"", events);
	KEXPECT(!irqs_were_off, "the notifier must run with IRQs on");
	KEXPECT(off, "return with IRQs off");
	KEXPECT(!(f.ti->flags & (_TIF_USER_RETURN_NOTIFY | _TIF_NOTIFY_RESUME)), "work flags left: %#x",
		f.ti->flags);
	fake_task_end(&f);
}

KTEST(lab4_loop_rereads_flags)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	reset_events();
	urn_chain.on_user_return = fire_chain;
	work_a.func = run_a_then_notifier;
	task_work_add(&f.task, &work_a);
	exit_with_irqs_off(&f);
	bool off = irqs_disabled();
	local_irq_enable();
	KEXPECT(!strcmp(events, "aub"), "work raised by work must run before the return: ran \"%s\" "
		"(want \"aub\": read the flags again after each pass)", events);
	KEXPECT(off, "return with IRQs off");
	KEXPECT(!(f.ti->flags & EXIT_TO_USERMODE_LOOP_FLAGS), "exit work left: %#x", f.ti->flags);
	fake_task_end(&f);
}

KTEST(lab4_uprobe_flag)
{
	struct fake_task f;
	if (!fake_task_begin(&f, _TIF_UPROBE)) { KEXPECT(0, "no memory"); return; }
	reset_events();
	work_a.func = run_a;
	task_work_add(&f.task, &work_a);
	exit_with_irqs_off(&f);
	bool off = irqs_disabled();
	local_irq_enable();
	KEXPECT(!(f.ti->flags & _TIF_UPROBE), "TIF_UPROBE must be handled (uprobe_notify_resume)");
	KEXPECT(!strcmp(events, "a"), "and the other work too: ran \"%s\"", events);
	KEXPECT(off, "return with IRQs off");
	/* A probe hit with nothing else pending: TIF_UPROBE alone is exit work. */
	f.ti->flags = _TIF_UPROBE;
	exit_with_irqs_off(&f);
	local_irq_enable();
	KEXPECT(!(f.ti->flags & _TIF_UPROBE), "TIF_UPROBE alone is work for the loop: it must be "
		"handled (uprobe_notify_resume) even with no other flag set");
	fake_task_end(&f);
}

static enum ctx_state ct_during_work;
static void run_ct(struct callback_head *w) { (void)w; note('a'); ct_during_work = cpu_data.context_state; }

KTEST(lab4_context_tracking)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	context_tracking_enabled = true;
	cpu_data.context_state = CONTEXT_KERNEL;
	reset_events();
	work_a.func = run_ct;
	ct_during_work = CONTEXT_USER;
	task_work_add(&f.task, &work_a);
	exit_with_irqs_off(&f);
	bool off = irqs_disabled();
	enum ctx_state state = cpu_data.context_state;
	local_irq_enable();
	KEXPECT(state == CONTEXT_USER, "the last step is user_enter(): context state %d", state);
	KEXPECT(ct_during_work == CONTEXT_KERNEL, "the exit work is kernel code: it must run before "
		"user_enter() (context state during the work: %d)", ct_during_work);
	KEXPECT(off && !strcmp(events, "a"), "work done (\"%s\") and IRQs off (%d)", events, off);
	fake_task_end(&f);
}

KTEST(lab4_called_with_irqs_on)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	context_tracking_enabled = true;
	cpu_data.context_state = CONTEXT_KERNEL;
	local_irq_enable();
	warnings_expected = 1;                 /* its WARN_ON(!irqs_disabled()) */
	prepare_exit_to_usermode(f.regs);      /* a caller's bug: IRQs are on */
	bool off = irqs_disabled();
	enum ctx_state state = cpu_data.context_state;
	int missing = warnings_expected;
	warnings_expected = 0;
	local_irq_enable();
	KEXPECT(off, "even when called with IRQs on, it must return with them off");
	KEXPECT(state == CONTEXT_USER, "no work: still user_enter(): context state %d", state);
	KEXPECT(missing == 0, "called with IRQs on, it must warn (WARN_ON(!irqs_disabled())): no "
		"warning came");

	/* The same bug with work pending: the check comes first, before the
	 * loop turns IRQs on and off itself and hides it. */
	cpu_data.context_state = CONTEXT_KERNEL;
	reset_events();
	work_a.func = run_a;
	task_work_add(&f.task, &work_a);
	local_irq_enable();
	warnings_expected = 1;
	prepare_exit_to_usermode(f.regs);
	off = irqs_disabled();
	missing = warnings_expected;
	warnings_expected = 0;
	local_irq_enable();
	KEXPECT(!strcmp(events, "a"), "the queued work must run: ran \"%s\"", events);
	KEXPECT(off, "return with IRQs off");
	KEXPECT(missing == 0, "called with IRQs on and work pending, it must warn about the caller's "
		"bug before anything else: no warning came (the loop turns IRQs off at the end of a "
		"pass, so a check after it finds nothing wrong)");
	fake_task_end(&f);
}

/* Flags that are exit work only for syscall_return_slowpath (lab 5), or
 * entry work, stay set for the whole life of a traced, audited or
 * single-stepped task: the loop must not wait for them to clear. */
KTEST(lab4_only_loop_flags)
{
	const u32 other = _TIF_SYSCALL_TRACE | _TIF_SYSCALL_EMU | _TIF_SYSCALL_AUDIT | _TIF_SECCOMP |
			  _TIF_SINGLESTEP | _TIF_SYSCALL_TRACEPOINT | _TIF_NOHZ;
	struct fake_task f;
	if (!fake_task_begin(&f, other)) { KEXPECT(0, "no memory"); return; }
	reset_events();
	work_a.func = run_a;
	task_work_add(&f.task, &work_a);
	exit_with_irqs_off(&f);            /* a wrong mask never comes back from here */
	bool off = irqs_disabled();
	local_irq_enable();
	KEXPECT(!strcmp(events, "a"), "the queued work must run once: ran \"%s\"", events);
	KEXPECT(off, "return with IRQs off");
	KEXPECT((f.ti->flags & other) == other, "the loop must leave the other flags alone: %#x",
		f.ti->flags);
	fake_task_end(&f);
}

/* The test that finds no work left must be made with IRQs off: otherwise an
 * interrupt between that test and the return (a reschedule, a signal) sets
 * a flag nobody looks at until the next kernel entry. A data watchpoint on
 * the thread_info's flags (DR0, read or write) records, for each access,
 * whether IRQs were on; the last access before the return is that test. */
static void watch_flags(u32 *flags)
{
	unsigned long dr7 = 1UL | (3UL << 16) | (3UL << 18);   /* L0, read/write, 4 bytes */
	__asm__ volatile("mov %0, %%db0" :: "r"(flags));
	__asm__ volatile("mov %0, %%db7" :: "r"(dr7));
}

static void unwatch(void)
{
	__asm__ volatile("mov %0, %%db7" :: "r"(0UL));
}

KTEST(lab4_last_check_irqs_off)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	reset_events();
	urn_plain.on_user_return = fire_plain;
	user_return_notifier_register(&urn_plain);
	work_a.func = run_a;
	task_work_add(&f.task, &work_a);
	memset(&kernel_watch, 0, sizeof(kernel_watch));
	local_irq_disable();
	watch_flags(&f.ti->flags);
	prepare_exit_to_usermode(f.regs);
	unwatch();                         /* IRQs are still off: nothing came in between */
	bool off = irqs_disabled();
	struct kernel_watch w = kernel_watch;
	local_irq_enable();
	KEXPECT(!strcmp(events, "au"), "the work must run: ran \"%s\"", events);
	KEXPECT(w.hits > 0, "the watchpoint on the thread_info's flags never fired (read them with "
		"READ_ONCE(pt_regs_to_thread_info(regs)->flags))");
	KEXPECT(w.hits == 0 || !(w.last_flags & X86_EFLAGS_IF), "the last look at the flags before "
		"returning found no work, but IRQs were on then: an interrupt after it could raise work "
		"that waits until the next kernel entry (last access at %#lx)", w.last_ip);
	KEXPECT(off, "return with IRQs off");
	fake_task_end(&f);
}

/* Which kind of work touched the thread_info's flags, from the address of
 * the access: every work function clears its own flag (do_signal through
 * recalc_sigpending), so a data watchpoint on the flags word sees each one
 * run, in order, and whether IRQs were on. */
static char work_letter(unsigned long ip)
{
	unsigned long off;
	const char *s = lookup_symbol(ip, &off);
	if (!s)
		return 0;
	if (!strcmp(s, "uprobe_notify_resume"))
		return 'p';
	if (!strcmp(s, "schedule"))
		return 'r';
	if (!strcmp(s, "do_signal") || !strcmp(s, "dequeue_signal") || !strcmp(s, "recalc_sigpending"))
		return 's';
	if (!strcmp(s, "tracehook_notify_resume"))
		return 'n';
	if (!strcmp(s, "fire_user_return_notifiers"))
		return 'u';
	return 0;        /* the loop's own reads, in whatever functions it is split into */
}

static char order[KERNEL_WATCH_LOG + 1];
static bool work_irqs_off;

/* Exit with the given flags (and, for NOTIFY_RESUME and USER_RETURN_NOTIFY,
 * real work behind them) under the watchpoint; order[] gets the work seen. */
static unsigned long exit_watched(struct fake_task *f, u32 flags)
{
	reset_events();
	f->ti->flags = flags & ~(_TIF_NOTIFY_RESUME | _TIF_USER_RETURN_NOTIFY);
	if (flags & _TIF_NOTIFY_RESUME) {
		work_a.func = run_a;
		task_work_add(&f->task, &work_a);
	}
	if (flags & _TIF_USER_RETURN_NOTIFY) {
		urn_plain.on_user_return = fire_plain;
		user_return_notifier_register(&urn_plain);
	}
	unsigned long before = cpu_data.stats.exit_loop_iterations;
	memset(&kernel_watch, 0, sizeof(kernel_watch));
	local_irq_disable();
	watch_flags(&f->ti->flags);
	prepare_exit_to_usermode(f->regs);
	unwatch();
	struct kernel_watch w = kernel_watch;
	local_irq_enable();
	int n = 0;
	work_irqs_off = false;
	for (unsigned long i = 0; i < w.hits && i < KERNEL_WATCH_LOG; i++) {
		char c = work_letter(w.log_ip[i]);
		if (!c)
			continue;
		/* uprobe_notify_resume and tracehook_notify_resume clear their
		 * flag before anything else; schedule, do_signal and the
		 * notifiers turn IRQs off themselves around theirs. */
		if (c == 'p' || c == 'n')
			work_irqs_off |= !(w.log_flags[i] & X86_EFLAGS_IF);
		if (n == 0 || order[n - 1] != c)
			order[n++] = c;
	}
	order[n] = 0;
	return cpu_data.stats.exit_loop_iterations - before;
}

/* Each kind of work runs only when its flag was set at the top of the pass,
 * with IRQs on, in Linux 4.3's order: reschedule, signals, notify-resume,
 * user-return notifiers (the uprobe: first, or right after the reschedule,
 * where Linux 4.3 has it). Letters: p uprobe, r schedule, s do_signal,
 * n task work (tracehook_notify_resume), u user-return notifiers. */
KTEST(lab4_work_order)
{
	struct fake_task f;
	if (!fake_task_begin(&f, 0)) { KEXPECT(0, "no memory"); return; }
	unsigned long passes = exit_watched(&f, _TIF_UPROBE | _TIF_NEED_RESCHED | _TIF_SIGPENDING |
					    _TIF_NOTIFY_RESUME | _TIF_USER_RETURN_NOTIFY);
	KEXPECT(!strcmp(order, "prsnu") || !strcmp(order, "rpsnu"), "all five kinds of work pending: they "
		"ran in the order \"%s\"; want reschedule (r), signals (s), task work (n), user-return "
		"notifiers (u), each once, and the uprobe (p) first or right after the reschedule",
		order);
	KEXPECT(!work_irqs_off, "the uprobe or the task work ran with IRQs off: all the work runs "
		"with IRQs on (it may sleep or fault)");
	KEXPECT(passes == 1, "one pass did all the work; exit_loop_iterations counted %lu", passes);
	KEXPECT(!(f.ti->flags & EXIT_TO_USERMODE_LOOP_FLAGS), "exit work left: %#x", f.ti->flags);

	static const struct { u32 flag; const char *want, *what; } alone[] = {
		{ _TIF_NOTIFY_RESUME, "n", "TIF_NOTIFY_RESUME (task work)" },
		{ _TIF_USER_RETURN_NOTIFY, "u", "TIF_USER_RETURN_NOTIFY" },
		{ _TIF_UPROBE, "p", "TIF_UPROBE" },
		{ _TIF_SIGPENDING, "s", "TIF_SIGPENDING (no signal left: do_signal clears it)" },
	};
	for (unsigned i = 0; i < sizeof(alone) / sizeof(alone[0]); i++) {
		passes = exit_watched(&f, alone[i].flag);
		KEXPECT(!strcmp(order, alone[i].want), "only %s set: the work that ran was \"%s\", want "
			"\"%s\": each kind of work runs only when its own flag is set", alone[i].what,
			order, alone[i].want);
		KEXPECT(passes == 1, "only %s set: exit_loop_iterations counted %lu passes, want 1",
			alone[i].what, passes);
	}
	fake_task_end(&f);
}
