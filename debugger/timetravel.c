/* timetravel: going backwards in a QEMU record/replay session.
 *
 * QEMU 7.2's own reverse execution (the gdbstub's `bs` and `bc` packets)
 * proved unreliable here: one reverse step works, several in a row or a
 * reverse-continue often never come back (QEMU reloads the recording's
 * start snapshot and replays forward with breakpoints half on, half off).
 * ringdb does not use them. A replay is the same execution every time, and
 * QEMU counts its instructions (QMP `query-replay`) and stops at a given
 * count (`replay-break`), so "N instructions back" is: note the count C,
 * start the replay afresh, run it forward to C - N. The pipeline and
 * history panels stay right by construction: the model starts empty and
 * sees every pipeline stop again on the way. Going back to the previous
 * breakpoint runs forward once noting the count at each hit, then again to
 * the last one; reverse step/next/finish single-step a window of the
 * instructions before the current one to find where the line (or the
 * call) began, then go there. A recording (--record) becomes a replay of
 * what was recorded at the first step back. */
#include "session.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disasm.h"

struct tt_hit {
	uint64_t icount;
	uint64_t pc;
	int bp_id;
	bool watch, provenance;
	uint32_t before, after;   /* the TIF word around a provenance write */
};

#define MAX_HITS 4096
#define TO_THE_END UINT64_MAX

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

bool session_icount(struct session *s, uint64_t *icount)
{
	return s->rr != RR_NONE && qmp_connected(&s->qmp) && qmp_icount(&s->qmp, icount) == 0;
}

static int refuse(struct session *s, const char *what)
{
	if (s->rr == RR_NONE)
		session_error(s, "%s: QEMU cannot run backwards here: only a replay can (ringdb --replay FILE, "
			      "make debug TEST=... REPLAY=1, or make debug REPLAY=record to record as you go)", what);
	else
		session_error(s, "%s: no QMP connection to QEMU (%s): cannot go back in time here", what, s->qmp.error);
	return -1;
}

/* Start the replay afresh, halted at its first instruction, with the
 * model empty and every breakpoint back in. A recording is ended first
 * (QMP quit: QEMU closes its log) and replayed from then on. */
static int restart(struct session *s)
{
	if (s->rr == RR_RECORD) {
		char reply[256];
		qmp_exec(&s->qmp, "{\"execute\": \"quit\"}", reply, sizeof reply);
		for (int i = 0; i + 1 < s->nlauncher_args; i++)
			if (!strcmp(s->launcher_args[i], "--record"))
				s->launcher_args[i] = "--replay";
		session_printf(s, "the recording %s ends here: from now on this session replays it", s->rr_file);
	}
	target_close(&s->t);
	qmp_close(&s->qmp);
	keeper_stop(&s->keeper);
	s->qemu_pid = 0;
	/* The model sees the whole run again: start it empty. */
	uint64_t watch = s->model.flags_watch;
	kmodel_init(&s->model, &s->t, s->syms);
	s->model.flags_watch = watch;
	memset(&s->given, 0, sizeof s->given);
	s->phase1_bp = 0;
	s->tracing = false;
	s->restarting = true;
	bool quiet = s->quiet_stops;
	s->quiet_stops = true;
	int rc = session_start_qemu(s, s->start_launcher, s->start_kernel,
				    s->start_have_initrd ? s->start_initrd : NULL,
				    s->start_have_append ? s->start_append : NULL);
	s->quiet_stops = quiet;
	s->restarting = false;
	s->restarts++;
	if (rc == 0 && !qmp_connected(&s->qmp)) {
		session_error(s, "the replay started again without its QMP socket: %s", s->qmp.error);
		return -1;
	}
	return rc;
}

static struct breakpoint *user_bp(struct session *s, uint64_t pc)
{
	return (struct breakpoint *)session_bp_at(s, pc);
}

static struct breakpoint *watch_bp(struct session *s, uint64_t addr)
{
	for (int i = 0; i < s->nbps; i++)
		if (s->bps[i].type >= WP_WRITE && s->bps[i].addr == addr)
			return &s->bps[i];
	return NULL;
}

static int quiet_stepi(struct session *s)
{
	bool quiet = s->quiet_stops;
	s->quiet_stops = true;
	int rc = session_stepi(s, 1);
	s->quiet_stops = quiet;
	return rc;
}

/* Run the replay forward to instruction count TARGET. Pipeline stops feed
 * the model as in any run; a provenance watch notes who wrote the TIF
 * word; user breakpoints and watchpoints pass, each hit noted in HITS
 * (when given) with its count. */
static int run_to_icount(struct session *s, uint64_t target, struct tt_hit *hits, int *nhits)
{
	uint64_t ic;
	if (qmp_icount(&s->qmp, &ic) < 0) {
		session_error(s, "%s", s->qmp.error);
		return -1;
	}
	if (ic > target) {
		session_error(s, "internal: the replay is past instruction %" PRIu64 " (at %" PRIu64 ")", target, ic);
		return -1;
	}
	/* TO_THE_END: no break; the run ends when the replay does. */
	if (ic < target && target != TO_THE_END && qmp_replay_break(&s->qmp, target) < 0) {
		session_error(s, "replay-break: %s", s->qmp.error);
		return -1;
	}
	long deadline = now_ms() + s->run_timeout_ms;
	while (ic < target) {
		uint64_t pc = target_pc(&s->t);
		/* TCG stops again at a breakpoint under the PC: step off it. */
		if (session_bp_at(s, pc) || kmodel_stage_at(&s->model, pc) != STAGE_COUNT || pc == s->phase1_bp) {
			if (quiet_stepi(s))
				return -1;
			if (qmp_icount(&s->qmp, &ic) < 0)
				goto qmp_failed;
			continue;
		}
		uint32_t tif_before = s->model.now.tif;
		int rc = target_resume(&s->t, false);
		if (!rc)
			rc = target_wait(&s->t, NULL, 200);
		while (rc == TARGET_RUNNING && now_ms() < deadline) {
			if (s->want_interrupt && s->want_interrupt(s->want_interrupt_arg)) {
				target_interrupt(&s->t, NULL);
				session_after_stop(s);
				session_error(s, "interrupted on the way (Ctrl-C): the replay stopped somewhere before "
					      "instruction %" PRIu64, target);
				return -1;
			}
			rc = target_wait(&s->t, NULL, 200);
		}
		if (rc == TARGET_RUNNING) {
			target_interrupt(&s->t, NULL);
			session_error(s, "the replay did not reach instruction %" PRIu64 " within %d s; start it again "
				      "and run forward (it is the same execution every time)", target,
				      s->run_timeout_ms / 1000);
			return -1;
		}
		if (rc == TARGET_DEAD && target == TO_THE_END)
			return 0; /* QEMU ends with the replay */
		if (rc) {
			session_error(s, "%s", s->t.error);
			return -1;
		}
		session_after_stop(s);
		if (qmp_icount(&s->qmp, &ic) < 0)
			goto qmp_failed;
		if (ic >= target)
			break;
		pc = target_pc(&s->t);
		struct stop_reply *st = &s->t.last_stop;
		struct tt_hit h = { .icount = ic, .pc = pc };
		if (st->kind == STOP_WATCH) {
			struct breakpoint *w = watch_bp(s, st->watch_addr);
			h.watch = true;
			h.bp_id = w ? w->id : 0;
			h.provenance = w && w->provenance;
			h.before = tif_before;
			h.after = s->model.now.tif;
			if (h.provenance && h.after != h.before) {
				/* QEMU stopped after the store: it is the instruction
				 * before, one count back. */
				h.icount = ic - 1;
			} else {
				/* The write may not have landed yet (an atomic `lock
				 * or`): finish the instruction. */
				if (quiet_stepi(s))
					return -1;
				h.after = s->model.now.tif;
			}
			if (h.provenance)
				kmodel_note_tif_write(&s->model, pc, h.before, h.after);
			if (w)
				w->hits++;
			/* A provenance write that changed nothing is no answer to
			 * "who set this flag". */
			if (hits && (!h.provenance || h.before != h.after) && *nhits < MAX_HITS)
				hits[(*nhits)++] = h;
			if (qmp_icount(&s->qmp, &ic) < 0)
				goto qmp_failed;
			continue;
		}
		struct breakpoint *b = user_bp(s, pc);
		if (b) {
			b->hits++;
			h.bp_id = b->id;
			if (hits && *nhits < MAX_HITS)
				hits[(*nhits)++] = h;
		}
	}
	/* The break may still be armed when a step reached TARGET. */
	qmp_replay_delete_break(&s->qmp);
	if (ic != target && target != TO_THE_END) {
		session_error(s, "the replay stopped at instruction %" PRIu64 ", not %" PRIu64 " as asked", ic, target);
		return -1;
	}
	return 0;
qmp_failed:
	session_error(s, "asking QEMU for the instruction count: %s", s->qmp.error);
	return -1;
}

/* Go to instruction count TARGET: afresh from the start. A LOOK pass (the
 * hits of reverse-continue, the window of reverse-step) does not show its
 * stop, so it leaves the pipeline breakpoints out: a program's thousand
 * syscalls then cost no stops at all. */
static int seek_how(struct session *s, uint64_t target, struct tt_hit *hits, int *nhits, bool look)
{
	if (restart(s))
		return -1;
	if (look) {
		for (int i = 1; i < STAGE_COUNT; i++) {
			uint64_t a = s->model.stage_addr[i];
			if (a && i != STAGE_SCHEDULE && !session_bp_at(s, a))
				target_remove_bp(&s->t, BP_SOFTWARE, a, 1);
		}
		s->tracing = false;
	}
	return run_to_icount(s, target, hits, nhits);
}

static int seek(struct session *s, uint64_t target, struct tt_hit *hits, int *nhits)
{
	return seek_how(s, target, hits, nhits, false);
}

static bool can_travel(struct session *s, const char *what, uint64_t *ic)
{
	if (!s->t.connected) {
		session_error(s, "%s: %s", what, s->t.error[0] ? s->t.error : "not connected to QEMU");
		return false;
	}
	if (!session_icount(s, ic)) {
		refuse(s, what);
		return false;
	}
	return true;
}

static void stopped(struct session *s, const char *why)
{
	char where[256];
	uint64_t pc = target_pc(&s->t), off = 0;
	const struct symbol *sym = s->syms ? sym_at(s->syms, pc, &off) : NULL;
	const char *file;
	int line;
	int n = snprintf(where, sizeof where, "%#" PRIx64, pc);
	if (sym)
		n += snprintf(where + n, sizeof where - (size_t)n, off ? " <%s+%" PRIu64 ">" : " <%s>", sym->name, off);
	if (s->syms && sym_line_at(s->syms, pc, &file, &line)) {
		const char *base = strrchr(file, '/');
		snprintf(where + n, sizeof where - (size_t)n, " at %s:%d", base ? base + 1 : file, line);
	}
	snprintf(s->stop_reason, sizeof s->stop_reason, "%s", why);
	session_printf(s, "%s: %s", why, where);
}

/* A replay that ran to its end leaves no QEMU to ask: reverse-continue
 * still works from there (to the last hit before the end). */
static bool replay_ended(struct session *s, const char *what, bool can)
{
	if (s->t.connected || s->rr != RR_REPLAY || !s->start_launcher[0])
		return false;
	if (!can)
		session_error(s, "%s: the replay ran to its end, where QEMU stops and no instruction count is left to "
			      "go back from: reverse-continue goes back to the last breakpoint or watchpoint hit "
			      "before the end; or start the replay again (ringdb --replay)", what);
	return true;
}

int session_reverse(struct session *s, bool step, int count)
{
	uint64_t ic;
	const char *what = step ? "reverse-stepi" : "reverse-continue";
	if (replay_ended(s, what, !step)) {
		if (step)
			return -1;
		ic = TO_THE_END;
	} else if (!can_travel(s, what, &ic))
		return -1;
	unsigned char prev_g[TARGET_G_MAX];
	memcpy(prev_g, s->t.g, sizeof prev_g);
	if (step) {
		uint64_t target = (uint64_t)count > ic ? 0 : ic - (uint64_t)count;
		if (seek(s, target, NULL, NULL))
			return -1;
		memcpy(s->prev_g, prev_g, sizeof prev_g);
		s->prev_g_valid = true;
		stopped(s, target == 0 && (uint64_t)count > ic ? "reverse-stepped to the start of the recording" :
			"reverse-stepped");
		return 0;
	}
	static struct tt_hit hits[MAX_HITS];
	int nhits = 0;
	/* Pass 1: forward to here, noting each breakpoint and watchpoint hit. */
	if (seek_how(s, ic, hits, &nhits, true))
		return -1;
	/* Breakpoint counts were counted again on the way: keep them as the
	 * run to the hit leaves them. */
	for (int i = 0; i < s->nbps; i++)
		s->bps[i].hits = 0;
	if (nhits == 0) {
		if (seek(s, 0, NULL, NULL))
			return -1;
		stopped(s, "no breakpoint or watchpoint hit before that point: reverse-continued to the start of the recording");
		return 0;
	}
	struct tt_hit h = hits[nhits - 1];
	/* Pass 2: to the last hit (a watchpoint: before its store). */
	if (seek(s, h.icount, NULL, NULL))
		return -1;
	memcpy(s->prev_g, prev_g, sizeof prev_g);
	s->prev_g_valid = true;
	struct breakpoint *b = NULL;
	for (int i = 0; i < s->nbps; i++)
		if (s->bps[i].id == h.bp_id)
			b = &s->bps[i];
	if (b)
		b->hits++;
	char why[256];
	if (h.watch && h.provenance) {
		/* Who set it: the instruction under the PC does this write. */
		kmodel_note_tif_write(&s->model, h.pc, h.before, h.after);
		s->model.prev.tif = h.before;
		char changed[160] = "";
		for (int bit = 0; bit < 32; bit++) {
			if (!((h.before ^ h.after) >> bit & 1))
				continue;
			const char *name = "?";
			for (int k = 0; k < tif_flag_count; k++)
				if (tif_flags[k].bit == bit)
					name = tif_flags[k].name;
			size_t len = strlen(changed);
			snprintf(changed + len, sizeof changed - len, "%s%s %s", len ? ", " : "", name,
				 h.after >> bit & 1 ? "set" : "cleared");
		}
		snprintf(why, sizeof why, "watchpoint %d (going backwards): this instruction writes the TIF flags "
			 "%#x -> %#x (%s)", h.bp_id, h.before, h.after, changed);
	} else if (h.watch) {
		snprintf(why, sizeof why, "watchpoint %d (going backwards): this instruction writes the watched memory", h.bp_id);
	} else {
		snprintf(why, sizeof why, "breakpoint %d (going backwards)", h.bp_id);
	}
	stopped(s, why);
	return 0;
}

/* --- reverse step, next, finish ---------------------------------------- */

struct tt_insn {
	uint64_t pc, sp;
	const char *file;
	int line;
	uint64_t func;      /* start of the function, 0 when unknown */
};

static void describe_insn(struct session *s, struct tt_insn *in)
{
	uint64_t off = 0;
	in->pc = target_pc(&s->t);
	target_reg_value(&s->t, "rsp", &in->sp);
	const struct symbol *sym = s->syms ? sym_at(s->syms, in->pc, &off) : NULL;
	in->func = sym ? sym->addr : 0;
	in->file = NULL;
	in->line = 0;
	if (s->syms)
		sym_line_at(s->syms, in->pc, &in->file, &in->line);
}

static bool same_line(const struct tt_insn *a, const struct tt_insn *b)
{
	if (!a->file || !b->file)
		return a->pc == b->pc;
	return a->line == b->line && a->func == b->func && strcmp(a->file, b->file) == 0;
}

/* Where reverse-step/next/finish should go in the window W[0..n) (the
 * instructions before NOW, oldest first): an index, or -1 when the answer
 * lies before the window. */
static int choose(enum reverse_line how, const struct tt_insn *w, int n, const struct tt_insn *now)
{
	int i = n - 1;
	if (how == REVERSE_FINISH) {
		/* Back to the call that entered this function: the last entry
		 * to it at this frame (the return address slot just above sp),
		 * and the instruction before it, the call. */
		for (; i >= 1; i--)
			if (w[i].pc == now->func && w[i].sp >= now->sp && w[i - 1].func != now->func)
				return i - 1;
		return -1;
	}
	/* Leave the current line, backwards (next: ignoring deeper calls). */
	bool over = how == REVERSE_NEXT;
	for (; i >= 0; i--) {
		if (over && w[i].sp < now->sp && w[i].func != now->func)
			continue; /* inside a call the current function made */
		if (!same_line(&w[i], now))
			break;
		if (over && w[i].pc == now->func && w[i].func == now->func) {
			/* Reached this function's entry: reverse-next goes on
			 * to the caller's call instruction. */
			return i >= 1 ? i - 1 : -1;
		}
	}
	if (i < 0)
		return -1;
	/* Then to the start of that previous line. */
	struct tt_insn prev = w[i];
	int start = i;
	for (int j = i - 1; j >= 0; j--) {
		if (over && w[j].sp < prev.sp && w[j].func != prev.func)
			continue;
		if (!same_line(&w[j], &prev))
			return start;
		start = j;
	}
	return -1; /* the line began before the window */
}

int session_reverse_line(struct session *s, enum reverse_line how)
{
	static const char *const names[] = { "reverse-step", "reverse-next", "reverse-finish" };
	uint64_t ic;
	if (replay_ended(s, names[how], false) || !can_travel(s, names[how], &ic))
		return -1;
	struct tt_insn now;
	describe_insn(s, &now);
	if (how == REVERSE_FINISH && !now.func) {
		session_error(s, "reverse-finish: no function known at %#" PRIx64, now.pc);
		return -1;
	}
	if (how == REVERSE_FINISH && now.pc == now.func) {
		/* At the function's first instruction the call is the one before. */
		if (session_reverse(s, true, 1))
			return -1;
		snprintf(s->stop_reason, sizeof s->stop_reason, "reverse-finished: at the call");
		return 0;
	}
	unsigned char prev_g[TARGET_G_MAX];
	memcpy(prev_g, s->t.g, sizeof prev_g);
	static struct tt_insn w[4096];
	for (int window = 64; window <= 4096; window *= 8) {
		uint64_t from = ic > (uint64_t)window ? ic - (uint64_t)window : 0;
		int n = (int)(ic - from);
		if (seek_how(s, from, NULL, NULL, true))
			return -1;
		/* One instruction at a time up to where we were. */
		for (int k = 0; k < n; k++) {
			describe_insn(s, &w[k]);
			if (quiet_stepi(s))
				return -1;
		}
		int pick = choose(how, w, n, &now);
		if (pick < 0 && from > 0)
			continue; /* the line or the call began earlier: a wider window */
		uint64_t target = pick < 0 ? 0 : from + (uint64_t)pick;
		if (seek(s, target, NULL, NULL))
			return -1;
		memcpy(s->prev_g, prev_g, sizeof prev_g);
		s->prev_g_valid = true;
		stopped(s, pick < 0 ? "reached the start of the recording" : how == REVERSE_FINISH ?
			"reverse-finished: at the call" : how == REVERSE_STEP ? "reverse-stepped a line" : "reverse-nexted a line");
		return 0;
	}
	session_error(s, "%s: the previous line began more than 4096 instructions ago; use reverse-continue "
		      "to a breakpoint there", names[how]);
	return -1;
}

/* --- goto-failure ------------------------------------------------------ */

int session_goto_failure(struct session *s)
{
	if (!s->t.connected || !s->syms) {
		session_error(s, "goto-failure: %s", !s->syms ? "no kernel symbols" : "not connected to QEMU");
		return -1;
	}
	const struct symbol *printk = sym_lookup(s->syms, "printk");
	const struct symbol *panic = sym_lookup(s->syms, "panic");
	uint64_t entry = s->model.stage_addr[STAGE_ENTRY];
	long deadline = now_ms() + s->run_timeout_ms;
	bool quiet = s->quiet_stops;
	s->quiet_stops = true;
	int rc = -1;
	for (int hops = 0; hops < 100000 && now_ms() < deadline; hops++) {
		s->ngoal_set = 0;
		if (printk)
			s->goal_set[s->ngoal_set++] = printk->addr;
		if (panic)
			s->goal_set[s->ngoal_set++] = panic->addr;
		if (entry)
			s->goal_set[s->ngoal_set++] = entry;
		for (int i = 0; i < s->ngoal_set; i++)
			if (!session_bp_at(s, s->goal_set[i]) && kmodel_stage_at(&s->model, s->goal_set[i]) == STAGE_COUNT)
				target_insert_bp(&s->t, BP_SOFTWARE, s->goal_set[i], 1);
		int r = session_run(s, GOAL_ANY_OF, 0);
		for (int i = 0; s->t.connected && i < s->ngoal_set; i++)
			if (!session_bp_at(s, s->goal_set[i]) && kmodel_stage_at(&s->model, s->goal_set[i]) == STAGE_COUNT)
				target_remove_bp(&s->t, BP_SOFTWARE, s->goal_set[i], 1);
		s->ngoal_set = 0;
		if (r || !s->t.connected)
			break;
		uint64_t pc = target_pc(&s->t), rdi = 0, rsi = 0, rax = 0;
		target_reg_value(&s->t, "rdi", &rdi);
		target_reg_value(&s->t, "rsi", &rsi);
		target_reg_value(&s->t, "rax", &rax);
		char text[200] = "";
		if (panic && pc == panic->addr) {
			target_read_memory(&s->t, rdi, text, sizeof text - 1);
			text[strcspn(text, "\n")] = '\0';
			s->quiet_stops = quiet;
			stopped(s, "the failure: the kernel panics");
			session_printf(s, "panic(\"%s\")", text);
			return 0;
		}
		if (printk && pc == printk->addr) {
			if (target_read_memory(&s->t, rdi, text, sizeof text - 1) != TARGET_OK)
				continue;
			const char *hash = text + strspn(text, " ");
			if (strncmp(hash, "# %s:%d: expected", 17) != 0)
				continue;
			/* A failed KEXPECT: back in its test, after the printk
			 * (its return address is at rsp on its first instruction). */
			uint64_t sp = 0, ret = 0;
			target_reg_value(&s->t, "rsp", &sp);
			if (target_read_memory(&s->t, sp, &ret, sizeof ret) != TARGET_OK || !ret ||
			    session_run(s, GOAL_ADDRESS, ret))
				break;
			s->quiet_stops = quiet;
			char why[64];
			snprintf(why, sizeof why, "the failure: a KEXPECT that did not hold");
			stopped(s, why);
			session_printf(s, "the failing assertion is the KEXPECT just before this line; `x`, `print` "
				       "and reverse-stepi show how it got there");
			return 0;
		}
		if (entry && pc == entry && rax == 1 /* write */) {
			char head[8] = "";
			if (target_read_memory(&s->t, rsi, head, 6) == TARGET_OK && strncmp(head, "not ok", 6) == 0) {
				uint64_t rdx = 0;
				target_reg_value(&s->t, "rdx", &rdx);
				size_t n = rdx < sizeof text - 1 ? rdx : sizeof text - 1;
				target_read_memory(&s->t, rsi, text, n);
				text[strcspn(text, "\n")] = '\0';
				s->quiet_stops = quiet;
				stopped(s, "the failure: the test program writes its failing KTAP line");
				session_printf(s, "write(1, \"%s\")", text);
				return 0;
			}
		}
	}
	s->quiet_stops = quiet;
	if (rc)
		session_error(s, "goto-failure: no failing assertion, \"not ok\" line or panic %s", s->t.connected ?
			      "found before the run stopped" : "before the kernel powered off (did this test fail?)");
	return rc;
}
