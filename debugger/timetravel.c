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

#include <dwarf.h>
#include <gelf.h>

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
	/* The kernel's symbols, wherever the CPU stopped (a user program's
	 * have no task layout). */
	kmodel_init(&s->model, &s->t, s->ksyms ? s->ksyms : s->syms);
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

/* Back a line, or out of a call, at any distance and exactly. What the
 * commands mean (what single-stepping the whole past would find); a frame
 * is known by its CFA and its task, never by its pc alone, so a recursion
 * or another task in the same function cannot pass for it:
 *   - a frame F: its function, its CFA (the rule of the CFI at each pc), its
 *     task (the current task_struct), and the call that started it: the
 *     call instruction just before its return address, run with rsp = the
 *     CFA;
 *   - F's events: LINE, an instruction at a line start of the function (the
 *     first instruction of a run of the line table's lines; the entry is
 *     not one) run with F's CFA in F's task; CALL, a call instruction of
 *     the function run in F; ENTRY, the call that started F;
 *   - reverse-finish: F's ENTRY;
 *   - reverse-next: F's last LINE before now and after its ENTRY; with none,
 *     the caller's last LINE up to that call (the start of the line that
 *     called), or the call itself if the caller has no lines;
 *   - reverse-step: as reverse-next, but a CALL at or after that LINE is
 *     gone into first, the latest first, and searched the same way up to
 *     F's next event: the answer is then in the callee's last line (or in
 *     what that line called last), as GDB does; a callee without line
 *     information is stepped over.
 * The search: windows that grow backwards from the current instruction
 * count (TT_WINDOW0 instructions, then x TT_GROWTH, each new one covering
 * only what the ones before did not), and inside a window one forward run
 * with breakpoints on the candidate addresses (the function's line starts
 * and calls, the call site before its return address) that notes the
 * instruction count, CFA and task at each hit. A window costs a fresh
 * replay to its end and one stop per hit, whatever ran in between (a
 * million instructions of loop, the kernel, other tasks). `set
 * reverse-scan N` does the same by single-stepping the last N instructions
 * instead, without breakpoints: the slow reference the tests compare with
 * (`set reverse-window N` sets the first window, so that a short search
 * still crosses windows). */

#define TT_WINDOW0 1024
#define TT_GROWTH 8

enum tt_kind { EV_LINE, EV_CALL, EV_ENTRY };

struct tt_cand {
	uint64_t pc;
	enum tt_kind kind;
};

struct tt_event {
	uint64_t icount, pc;
	enum tt_kind kind;
	uint64_t call_sp;             /* EV_CALL: rsp at the call */
	uint64_t callee, callee_cfa;  /* EV_CALL: where it went (0: not seen) */
	int sub;                      /* reverse-step: 0 not searched, 1 found (sub_at), -1 nothing */
	uint64_t sub_at;
};

struct tt_frame {
	struct symbols *syms;
	uint64_t func, func_end;
	uint64_t cfa, task;
	uint64_t ret;                 /* its return address; 0: its call is not known */
};

struct tt_search {
	struct session *s;
	enum reverse_line how;
	int windows, depth;
	unsigned long hits;
	uint64_t deepest;             /* the earliest instruction count looked at */
};

enum { S_UNDECIDED, S_FOUND, S_ENTRY, S_NONE };

/* Code bytes from the ELF file (a user program's pages may belong to
 * another task when the target is elsewhere). */
static bool code_bytes(struct symbols *y, uint64_t addr, unsigned char *buf, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	while (y && y->elf && (scn = elf_nextscn(y->elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
		    addr < sh.sh_addr || addr + len > sh.sh_addr + sh.sh_size)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || addr - sh.sh_addr + len > d->d_size)
			return false;
		memcpy(buf, (const char *)d->d_buf + (addr - sh.sh_addr), len);
		return true;
	}
	return false;
}

static bool decode_at(struct symbols *y, uint64_t pc, uint64_t end, struct insn *in)
{
	unsigned char code[16];
	size_t len = end - pc < sizeof code ? (size_t)(end - pc) : sizeof code;
	return len > 0 && code_bytes(y, pc, code, len) && disasm_one(code, len, pc, 64, in) && in->size > 0;
}

static void add_cand(struct tt_cand **c, int *n, int *cap, uint64_t pc, enum tt_kind kind)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		struct tt_cand *m = realloc(*c, (size_t)*cap * sizeof **c);
		if (!m)
			abort();
		*c = m;
	}
	(*c)[(*n)++] = (struct tt_cand){ pc, kind };
}

static bool (*line_fn(enum reverse_line how))(struct symbols *, uint64_t, const char **, int *)
{
	/* next's lines are those of the function the pc belongs to (an
	 * inlined call is the line of the call), as going forward. */
	return how == REVERSE_NEXT ? session_outer_line : sym_line_at;
}

/* The candidate addresses of frame F: its line starts (and calls, for
 * reverse-step), and with WANT_ENTRY the call site before its return
 * address (each length a call can have that ends there and decodes as one:
 * only the real one can ever run). */
static int frame_cands(const struct tt_frame *F, enum reverse_line how, bool want_entry, struct tt_cand **out)
{
	struct tt_cand *c = NULL;
	int n = 0, cap = 0;
	if (how != REVERSE_FINISH) {
		bool (*line_at)(struct symbols *, uint64_t, const char **, int *) = line_fn(how);
		const char *pfile = NULL;
		int pline = 0;
		struct insn in;
		for (uint64_t pc = F->func; pc < F->func_end && decode_at(F->syms, pc, F->func_end, &in); pc += (uint64_t)in.size) {
			const char *file;
			int line;
			bool has = line_at(F->syms, pc, &file, &line);
			if (has && pc != F->func && (!pfile || line != pline || strcmp(file, pfile) != 0))
				add_cand(&c, &n, &cap, pc, EV_LINE);
			if (how == REVERSE_STEP && in.is_call)
				add_cand(&c, &n, &cap, pc, EV_CALL);
			pfile = has ? file : NULL;
			pline = line;
		}
	}
	if (want_entry && F->ret) {
		struct symbols *y = F->syms;
		for (uint64_t k = 2; k <= 7; k++) {
			struct insn in;
			if (decode_at(y, F->ret - k, F->ret, &in) && in.is_call && (uint64_t)in.size == k)
				add_cand(&c, &n, &cap, F->ret - k, EV_ENTRY);
		}
	}
	*out = c;
	return n;
}

/* The CFA of the innermost frame, from the CFI at PC and the registers. */
static bool cfa_now(struct session *s, struct symbols *y, uint64_t pc, uint64_t *cfa)
{
	static const char *const names[FRAME_REGS] = {
		"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
	};
	struct frame f;
	memset(&f, 0, sizeof f);
	f.pc = pc;
	f.syms = y;
	f.user = pc < 0x0000800000000000ULL;
	f.how = "cpu";
	for (int r = 0; r < FRAME_REGS; r++)
		if (target_reg_value(&s->t, names[r], &f.regs[r]))
			f.known |= 1u << r;
	Dwarf_CFI *cfi = y && y->dwarf ? dwarf_getcfi(y->dwarf) : NULL;
	Dwarf_Frame *fr = NULL;
	if (!cfi || dwarf_cfi_addrframe(cfi, pc, &fr) != 0) {
		cfi = y && y->elf ? dwarf_getcfi_elf(y->elf) : NULL;
		if (!cfi || dwarf_cfi_addrframe(cfi, pc, &fr) != 0)
			return false;
	}
	Dwarf_Op *ops;
	size_t n;
	bool isval;
	bool ok = dwarf_frame_cfa(fr, &ops, &n) == 0 && session_eval_cfi(s, &f, 0, ops, n, cfa, &isval);
	free(fr);
	return ok;
}

/* One window's forward run: the events of F in it. */
struct tt_run {
	const struct tt_frame *F;
	const struct tt_cand *c;
	int nc;
	struct tt_event *ev;
	int nev, cap;
	int pending;                  /* an EV_CALL whose callee the next instruction shows; -1 */
	unsigned long hits;
};

static bool is_cand(const struct tt_run *r, uint64_t pc)
{
	for (int i = 0; i < r->nc; i++)
		if (r->c[i].pc == pc)
			return true;
	return false;
}

/* At instruction IC, about to run the one at the pc. */
static void arrive(struct session *s, struct tt_run *r, uint64_t ic, bool record)
{
	uint64_t pc = target_pc(&s->t), sp = 0, cfa = 0;
	target_reg_value(&s->t, "rsp", &sp);
	if (r->pending >= 0) {
		/* The instruction after a call: the callee's entry, the return
		 * address just pushed (an interrupt there would differ). */
		struct tt_event *e = &r->ev[r->pending];
		if (sp + 8 == e->call_sp) {
			e->callee = pc;
			e->callee_cfa = e->call_sp;
		}
		r->pending = -1;
	}
	if (!record || !is_cand(r, pc))
		return;
	r->hits++;
	const struct tt_frame *F = r->F;
	if (s->model.now.task != F->task)
		return;
	bool have_cfa = false, tried = false;
	for (int i = 0; i < r->nc; i++) {
		if (r->c[i].pc != pc)
			continue;
		bool mine;
		if (r->c[i].kind == EV_ENTRY) {
			mine = sp == F->cfa;
		} else {
			if (!tried)
				have_cfa = cfa_now(s, F->syms, pc, &cfa), tried = true;
			mine = have_cfa && cfa == F->cfa;
		}
		if (!mine)
			continue;
		if (r->nev == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 64;
			struct tt_event *m = realloc(r->ev, (size_t)r->cap * sizeof *m);
			if (!m)
				abort();
			r->ev = m;
		}
		r->ev[r->nev] = (struct tt_event){ .icount = ic, .pc = pc, .kind = r->c[i].kind, .call_sp = sp };
		if (r->c[i].kind == EV_CALL)
			r->pending = r->nev;
		r->nev++;
	}
}

/* No breakpoint of anyone else's at PC: the user's, phase 1's return, and
 * the one pipeline breakpoint a look pass keeps (seek_how removed the
 * others, so a candidate there is ours to insert). */
static bool ours_only(struct session *s, uint64_t pc)
{
	return !session_bp_at(s, pc) && pc != s->phase1_bp && pc != s->model.stage_addr[STAGE_SCHEDULE];
}

static void cand_bps(struct session *s, const struct tt_run *r, bool insert)
{
	for (int i = 0; i < r->nc; i++) {
		bool dup = false;
		for (int j = 0; j < i; j++)
			dup |= r->c[j].pc == r->c[i].pc;
		if (dup || !ours_only(s, r->c[i].pc))
			continue;
		if (insert)
			target_insert_bp(&s->t, BP_SOFTWARE, r->c[i].pc, 1);
		else if (s->t.connected)
			target_remove_bp(&s->t, BP_SOFTWARE, r->c[i].pc, 1);
	}
}

/* Run the replay from A to B (fresh), noting F's events in [A, B). */
static int run_window(struct session *s, struct tt_run *r, uint64_t a, uint64_t b)
{
	uint64_t ic;
	if (seek_how(s, a, NULL, NULL, true))
		return -1;
	ic = a;
	if (s->reverse_scan) {
		/* The reference: every instruction, one at a time. */
		while (ic < b) {
			arrive(s, r, ic, true);
			if (quiet_stepi(s))
				return -1;
			if (qmp_icount(&s->qmp, &ic) < 0)
				goto qmp_failed;
		}
		arrive(s, r, ic, false);
		return 0;
	}
	cand_bps(s, r, true);
	int rc = -1;
	if (a < b && qmp_replay_break(&s->qmp, b) < 0) {
		session_error(s, "replay-break: %s", s->qmp.error);
		goto out;
	}
	long deadline = now_ms() + s->run_timeout_ms;
	while (ic < b) {
		arrive(s, r, ic, true);
		uint64_t pc = target_pc(&s->t);
		if (is_cand(r, pc) || !ours_only(s, pc)) {
			/* TCG stops again at a breakpoint under the pc: step off. */
			if (quiet_stepi(s))
				goto out;
		} else {
			int w = target_resume(&s->t, false);
			if (!w)
				w = target_wait(&s->t, NULL, 200);
			while (w == TARGET_RUNNING && now_ms() < deadline) {
				if (s->want_interrupt && s->want_interrupt(s->want_interrupt_arg)) {
					target_interrupt(&s->t, NULL);
					session_after_stop(s);
					session_error(s, "interrupted on the way (Ctrl-C)");
					goto out;
				}
				w = target_wait(&s->t, NULL, 200);
			}
			if (w == TARGET_RUNNING) {
				target_interrupt(&s->t, NULL);
				session_error(s, "the replay did not reach instruction %" PRIu64 " within %d s", b,
					      s->run_timeout_ms / 1000);
				goto out;
			}
			if (w) {
				session_error(s, "%s", s->t.error);
				goto out;
			}
			session_after_stop(s);
		}
		if (qmp_icount(&s->qmp, &ic) < 0)
			goto qmp_failed;
	}
	arrive(s, r, ic, false);
	qmp_replay_delete_break(&s->qmp);
	if (ic != b) {
		session_error(s, "the replay stopped at instruction %" PRIu64 ", not %" PRIu64 " as asked", ic, b);
		goto out;
	}
	rc = 0;
out:
	cand_bps(s, r, false);
	return rc;
qmp_failed:
	session_error(s, "asking QEMU for the instruction count: %s", s->qmp.error);
	if (!s->reverse_scan)
		cand_bps(s, r, false);
	return -1;
}

static int search(struct tt_search *q, const struct tt_frame *F, bool want_entry, uint64_t lo, bool lo_known,
		  uint64_t hi, uint64_t exclude_call, uint64_t *answer);

/* The callee a CALL event started, as a frame (false: no lines there). */
static bool callee_frame(struct tt_search *q, const struct tt_frame *F, const struct tt_event *e, struct tt_frame *G)
{
	uint64_t off = 0;
	const char *file;
	int line;
	if (!e->callee)
		return false;
	/* A call stays in its half of the address space: the caller's
	 * symbols (the task on the CPU now, after a window, may run another
	 * program). */
	bool user = e->callee < 0x0000800000000000ULL, fuser = F->func < 0x0000800000000000ULL;
	G->syms = user == fuser ? F->syms : session_syms_for(q->s, e->callee);
	const struct symbol *sym = G->syms ? sym_at(G->syms, e->callee, &off) : NULL;
	if (!sym || off != 0 || !sym_line_at(G->syms, e->callee, &file, &line))
		return false; /* no line information: stepped over */
	G->func = sym->addr;
	G->func_end = sym->addr + (sym->size ? sym->size : 1);
	G->cfa = e->callee_cfa;
	G->task = F->task;
	G->ret = 0;
	return true;
}

/* Decide from the events EV[0..N) (F's, in order, the last before HI). */
static int decide(struct tt_search *q, const struct tt_frame *F, struct tt_event *ev, int n, uint64_t lo,
		  bool lo_known, uint64_t hi, uint64_t exclude_call, uint64_t *answer)
{
	int from = 0;
	bool have_lo = lo_known;
	if (!lo_known) {
		for (int i = n - 1; i >= 0; i--)
			if (ev[i].kind == EV_ENTRY) {
				lo = ev[i].icount;
				have_lo = true;
				from = i + 1;
				break;
			}
	}
	if (q->how == REVERSE_FINISH) {
		*answer = lo;
		return have_lo ? S_FOUND : S_UNDECIDED;
	}
	int kl = -1;
	for (int i = n - 1; i >= from && kl < 0; i--)
		if (ev[i].kind == EV_LINE)
			kl = i;
	if (q->how == REVERSE_STEP) {
		/* The calls made at or after that line's start, the latest first. */
		for (int i = n - 1; i >= from && i >= kl; i--) {
			struct tt_event *e = &ev[i];
			if (e->kind != EV_CALL || e->icount == exclude_call || e->sub < 0)
				continue;
			if (e->sub == 0) {
				struct tt_frame G;
				uint64_t end = hi, at = 0;
				for (int j = i + 1; j < n; j++)
					if (ev[j].icount > e->icount) {
						end = ev[j].icount;
						break;
					}
				e->sub = -1;
				if (callee_frame(q, F, e, &G)) {
					q->depth++;
					int r = q->depth > 32 ? S_NONE : search(q, &G, false, e->icount, true, end, UINT64_MAX, &at);
					q->depth--;
					if (r < 0)
						return -1;
					if (r == S_FOUND)
						e->sub = 1, e->sub_at = at;
				}
			}
			if (e->sub == 1) {
				*answer = e->sub_at;
				return S_FOUND;
			}
		}
	}
	if (kl >= 0) {
		*answer = ev[kl].icount;
		return S_FOUND;
	}
	if (have_lo) {
		*answer = lo;
		return S_ENTRY;
	}
	return S_UNDECIDED;
}

/* Frame F's answer before instruction HI: S_FOUND, S_ENTRY (its entry's
 * call at *ANSWER comes first), S_NONE (nothing back to its start, or to
 * the recording's), -1 on error. LO_KNOWN: F began with the call at LO. */
static int search(struct tt_search *q, const struct tt_frame *F, bool want_entry, uint64_t lo, bool lo_known,
		  uint64_t hi, uint64_t exclude_call, uint64_t *answer)
{
	struct session *s = q->s;
	struct tt_cand *c = NULL;
	struct tt_run r = { .F = F, .pending = -1 };
	r.nc = frame_cands(F, q->how, want_entry && !lo_known, &c);
	r.c = c;
	struct tt_event *ev = NULL;
	int n = 0, res = S_NONE;
	uint64_t floor = lo_known ? lo + 1 : 0, b = hi, w = s->reverse_window ? s->reverse_window : TT_WINDOW0;
	while (b > floor) {
		uint64_t span = s->reverse_scan ? s->reverse_scan : w;
		uint64_t a = b - floor > span ? b - span : floor;
		r.ev = NULL, r.nev = r.cap = 0, r.pending = -1;
		q->windows++;
		if (run_window(s, &r, a, b)) {
			free(r.ev);
			res = -1;
			break;
		}
		q->hits += r.hits;
		r.hits = 0;
		if (a < q->deepest)
			q->deepest = a;
		/* This window's events come before those seen so far. */
		struct tt_event *m = malloc(((size_t)(n + r.nev) + 1) * sizeof *m);
		if (!m)
			abort();
		if (r.nev)
			memcpy(m, r.ev, (size_t)r.nev * sizeof *m);
		if (n)
			memcpy(m + r.nev, ev, (size_t)n * sizeof *m);
		free(ev);
		free(r.ev);
		ev = m;
		n += r.nev;
		res = decide(q, F, ev, n, lo, lo_known, hi, exclude_call, answer);
		if (res != S_UNDECIDED)
			break;
		res = S_NONE;
		if (s->reverse_scan && a > floor) {
			session_error(s, "reverse-scan: the answer lies more than %" PRIu64 " instructions back (set "
				      "reverse-scan N with a larger N)", s->reverse_scan);
			res = -1;
			break;
		}
		b = a;
		if (w < UINT64_MAX / TT_GROWTH)
			w *= TT_GROWTH;
	}
	free(ev);
	free(c);
	if (res == S_NONE && lo_known && q->how != REVERSE_STEP) {
		*answer = lo;
		res = S_ENTRY;
	}
	return res;
}

/* Code without CFI (the entry code's assembly, whose symbols are labels
 * without sizes): no CFA tells its frame, so the instructions before the
 * current one are single-stepped, 64, 512 and at most 4096, and the line
 * (or the entry to the function) is looked for by pc and stack pointer. */
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

static int reverse_line_no_cfi(struct session *s, enum reverse_line how, uint64_t ic)
{
	static const char *const names[] = { "reverse-step", "reverse-next", "reverse-finish" };
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
	if (how == REVERSE_FINISH)
		session_error(s, "reverse-finish: this code has no CFI (assembly) and nothing entered it by a call in the "
			      "last 4096 instructions; use reverse-continue to a breakpoint there");
	else
		session_error(s, "%s: this code has no CFI (assembly) and its previous line began more than 4096 "
			      "instructions ago; use reverse-continue to a breakpoint there", names[how]);
	return -1;
}


/* Frame N of the call stack as a tt_frame (false: not usable). */
static bool stack_frame(struct session *s, int n, struct tt_frame *F)
{
	if (n >= s->nframes)
		return false;
	const struct frame *f = &s->frames[n];
	uint64_t pc = f->pc - (f->caller ? 1 : 0), off = 0;
	const struct symbol *sym = f->syms ? sym_at(f->syms, pc, &off) : NULL;
	if (!sym || !f->cfa)
		return false;
	F->syms = f->syms;
	F->func = sym->addr;
	F->func_end = sym->addr + (sym->size ? sym->size : 1);
	F->cfa = f->cfa;
	F->task = s->model.now.task;
	F->ret = 0;
	/* Its caller by a return address, in the same half: the call is the
	 * instruction before it (a syscall's user frame is no call). */
	if (n + 1 < s->nframes && s->frames[n + 1].caller && s->frames[n + 1].user == f->user &&
	    (strcmp(s->frames[n + 1].how, "cfi") == 0 || strcmp(s->frames[n + 1].how, "frame pointer") == 0))
		F->ret = s->frames[n + 1].pc;
	return true;
}

int session_reverse_line(struct session *s, enum reverse_line how)
{
	static const char *const names[] = { "reverse-step", "reverse-next", "reverse-finish" };
	uint64_t ic;
	if (replay_ended(s, names[how], false) || !can_travel(s, names[how], &ic))
		return -1;
	int sel = how == REVERSE_FINISH && session_frames(s) > 0 ? s->frame_sel : 0;
	session_frames(s);
	struct tt_frame F, F1;
	if (!stack_frame(s, sel, &F)) {
		if (sel == 0 && s->nframes > 0 && !s->frames[0].cfa)
			return reverse_line_no_cfi(s, how, ic);
		session_error(s, "%s: no function known at %#" PRIx64, names[how], target_pc(&s->t));
		return -1;
	}
	if (how == REVERSE_FINISH && !F.ret) {
		session_error(s, "reverse-finish: the caller of frame #%d is not known (see bt): no call to go back to", sel);
		return -1;
	}
	bool have_caller = how != REVERSE_FINISH && stack_frame(s, 1, &F1) && F.ret;
	unsigned char prev_g[TARGET_G_MAX];
	memcpy(prev_g, s->t.g, sizeof prev_g);
	struct tt_search q = { .s = s, .how = how, .deepest = ic };
	long t0 = now_ms();
	uint64_t at = 0;
	int r = search(&q, &F, true, 0, false, ic, UINT64_MAX, &at);
	const char *why = how == REVERSE_FINISH ? "reverse-finished: at the call" : how == REVERSE_STEP ?
		"reverse-stepped a line" : "reverse-nexted a line";
	if (r == S_ENTRY && how != REVERSE_FINISH) {
		/* Back past this function's start: the start of the caller's
		 * line that called it (or the call, when it has no lines). */
		uint64_t call = at, at1 = 0;
		int r1 = have_caller ? search(&q, &F1, true, 0, false, call + 1, call, &at1) : S_NONE;
		if (r1 < 0)
			return -1;
		at = r1 == S_FOUND ? at1 : call;
		why = r1 == S_FOUND ? (how == REVERSE_STEP ? "reverse-stepped a line (back in the caller)" :
				       "reverse-nexted a line (back in the caller)") :
			"back at the call of this function (the caller has no line information)";
		r = S_FOUND;
	}
	if (r < 0)
		return -1;
	if (r != S_FOUND) {
		at = 0;
		why = "reached the start of the recording";
	}
	if (seek(s, at, NULL, NULL))
		return -1;
	memcpy(s->prev_g, prev_g, sizeof prev_g);
	s->prev_g_valid = true;
	s->reverse_stats.windows = q.windows;
	s->reverse_stats.hits = q.hits;
	s->reverse_stats.back = ic - q.deepest;
	s->reverse_stats.answer = ic - at;
	s->reverse_stats.ms = now_ms() - t0;
	stopped(s, why);
	return 0;
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
