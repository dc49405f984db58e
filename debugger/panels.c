/* panels: registers, pt_regs, TIF flags, pipeline, history, source, stack,
 * breakpoints, log; and the layouts that arrange them. */
#include "panels.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "asm/segment.h"
#include "disasm.h"
#include "fpu.h"
#include "oracle.h"
#include "syscalls.h"

static uint64_t reg(struct session *s, const char *name)
{
	uint64_t v = 0;
	target_reg_value(&s->t, name, &v);
	return v;
}

static bool not_connected(struct session *s, struct region *r)
{
	if (s->t.connected && s->t.g_valid)
		return false;
	rg_line(r, ATTR_DIM, "%s", s->t.connected ? "(running)" : "(not connected to QEMU)");
	if (!s->t.connected && s->t.error[0])
		rg_line(r, ATTR_BAD, "%s", s->t.error);
	return true;
}

/* --- registers ----------------------------------------------------------- */

static void draw_regs(struct session *s, struct region *r)
{
	static const char *const names[] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13",
		"r14", "r15", "rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs", "fs_base", "gs_base",
		"k_gs_base", "cr0", "cr2", "cr3", "cr4", "efer",
	};
	if (not_connected(s, r))
		return;
	uint64_t cs = reg(s, "cs");
	int bits = kmodel_cpu_bits(&s->t);
	if (bits == 64 && cs == 0x23)   /* __USER32_CS in long mode: an i386 task's code */
		rg_line(r, ATTR_NORMAL, "CPL 3 (user mode), compatibility mode: 32-bit code (__USER32_CS), "
			"r8-r15 out of its reach");
	else
		rg_line(r, ATTR_NORMAL, "CPL %d (%s mode), %d-bit%s", (int)(cs & 3), (cs & 3) ? "user" : "kernel",
			bits, bits == 32 ? ": r8-r15 read as 0" : "");
	int colw = 30;
	int cols = r->w / colw > 0 ? r->w / colw : 1;
	int n = (int)(sizeof names / sizeof *names);
	int rows = (n + cols - 1) / cols;
	for (int row = 0; row < rows && rg_rows_left(r) > 0; row++) {
		for (int c = 0; c < cols; c++) {
			int i = c * rows + row;
			if (i >= n)
				break;
			const struct reg_desc *d = target_find_reg(&s->t, names[i]);
			if (!d)
				continue;
			bool changed = session_reg_changed(s, names[i]);
			uint64_t v = reg(s, names[i]);
			bool dim = bits == 32 && names[i][0] == 'r' && names[i][1] >= '0' && names[i][1] <= '9';
			rg_add(r, ATTR_NORMAL, "%-10s", names[i]);
			rg_add(r, changed ? ATTR_CHANGED : dim ? ATTR_DIM : ATTR_NORMAL, "%#18" PRIx64, v);
			rg_add(r, changed ? ATTR_CHANGED : ATTR_NORMAL, "%s", changed ? "* " : "  ");
		}
		rg_newline(r);
	}
}

/* --- pt_regs --------------------------------------------------------------- */

/* The CPU register that a pt_regs slot saves (for the two-world view). */
static const char *live_reg_for(const char *slot)
{
	static const char *const map[][2] = {
		{ "r15", "r15" }, { "r14", "r14" }, { "r13", "r13" }, { "r12", "r12" }, { "bp", "rbp" },
		{ "bx", "rbx" }, { "r11", "r11" }, { "r10", "r10" }, { "r9", "r9" }, { "r8", "r8" },
		{ "ax", "rax" }, { "cx", "rcx" }, { "dx", "rdx" }, { "si", "rsi" }, { "di", "rdi" },
		{ "orig_ax", "rax" }, { "ip", "rcx" }, { "flags", "r11" }, { "sp", NULL }, { "cs", NULL }, { "ss", NULL },
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(map[i][0], slot) == 0)
			return map[i][1];
	return NULL;
}

/* The six slots a SYSCALL entry leaves empty (SAVE_EXTRA_REGS fills them). */
static bool extra_reg_slot(const char *slot)
{
	static const char *const extra[] = { "bx", "bp", "r12", "r13", "r14", "r15" };
	for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
		if (strcmp(extra[i], slot) == 0)
			return true;
	return false;
}

static void draw_syscall_line(struct session *s, struct region *r)
{
	struct kmodel *m = &s->model;
	uint64_t orig_ax, ax;
	if (!kmodel_ptreg(m, "orig_ax", &orig_ax) || !kmodel_ptreg(m, "ax", &ax))
		return;
	/* i386 while the call runs (TS_COMPAT), and for a frame an i386 task
	 * made in compatibility mode (cs = __USER32_CS, 0x23) after it. */
	uint64_t cs = 0;
	kmodel_ptreg(m, "cs", &cs);
	enum syscall_abi abi = (m->now.status & 0x2) || cs == 0x23 ? ABI_32 : ABI_64;
	unsigned long args[6];
	const char *const *regs = syscall_arg_regs(abi);
	for (int i = 0; i < 6; i++) {
		uint64_t v = 0;
		kmodel_ptreg(m, regs[i], &v);
		args[i] = v;
	}
	char call[256], res[64];
	long nr = abi == ABI_32 ? (long)(int32_t)orig_ax : (long)orig_ax;
	if (nr < 0) {
		rg_line(r, ATTR_NORMAL, "orig_ax %ld: not a syscall (interrupt or exception frame, or skipped)", nr);
	} else {
		/* The strings read at the entry, when this frame is that syscall. */
		const struct syscall_peek *peek = m->in_syscall && m->cur.nr == nr && m->cur.abi == abi ? &m->cur.peek : NULL;
		syscall_format_call_peek(abi, nr, args, peek, call, sizeof call);
		rg_line(r, ATTR_CURRENT, "%s %s", abi == ABI_32 ? "int $0x80" : "syscall", call);
	}
	syscall_format_result(abi == ABI_32 ? (long)(int32_t)ax : (long)ax, res, sizeof res);
	rg_line(r, ATTR_NORMAL, "orig_ax %ld (the number)  ax %s%s", nr, res,
		(long)ax == -38 ? " (not run yet)" : "");
	rg_line(r, ATTR_DIM, "args by ABI: %s %s %s %s %s %s", regs[0], regs[1], regs[2], regs[3], regs[4], regs[5]);
}

static void draw_ptregs(struct session *s, struct region *r)
{
	struct kmodel *m = &s->model;
	if (!m->have_layout) {
		rg_line(r, ATTR_DIM, "pt_regs unavailable: %s", m->problem[0] ? m->problem : "no kernel symbols loaded");
		return;
	}
	if (!s->t.connected && m->now.ptregs_valid)
		rg_line(r, ATTR_BAD, "QEMU is gone: the last values read");
	else if (not_connected(s, r))
		return;
	if (!m->now.valid) {
		rg_line(r, ATTR_DIM, "no current task yet (cpu_data.current_task is NULL)");
		return;
	}
	/* The frame the stopped function was given, when it is not the task's
	 * own (an in-kernel test's pt_regs on its stack). */
	if (s->given.active && s->given.addr != m->now.ptregs_addr) {
		rg_line(r, ATTR_CURRENT, "pt_regs at %#" PRIx64 ": the frame %s() was given (%s, in rdi at its entry)",
			s->given.addr, s->given.func_name, s->given.param);
		rg_line(r, ATTR_DIM, "not pid %d (%s)'s own at %#" PRIx64 ": a frame the caller built (a test's fake one?)",
			m->now.pid, m->now.comm, m->now.ptregs_addr);
		if (!s->given.valid) {
			rg_line(r, ATTR_BAD, "cannot read pt_regs at %#" PRIx64, s->given.addr);
			return;
		}
		uint64_t nr = 0;
		int ia = kmodel_ptreg_index(m, "orig_ax");
		if (ia >= 0)
			nr = s->given.vals[ia];
		const struct syscall_desc *d = syscall_find(ABI_64, (long)nr);
		rg_line(r, ATTR_NORMAL, "orig_ax %" PRIu64 " (%s)", nr, d ? d->name : "no such 64-bit syscall");
		rg_line(r, ATTR_DIM, "%-6s %-8s %18s", "off", "slot", "given");
		for (int i = 0; i < m->nptregs && rg_rows_left(r) > 0; i++) {
			uint64_t v = s->given.vals[i];
			rg_add(r, ATTR_DIM, "+%#-5lx ", m->ptregs_offsets[i]);
			rg_add(r, ATTR_NORMAL, "%-8s ", m->ptregs_names[i]);
			rg_add(r, ATTR_NORMAL, "%#18" PRIx64 " ", v);
			if (!strcmp(m->ptregs_names[i], "cs") || !strcmp(m->ptregs_names[i], "ss"))
				rg_add(r, ATTR_DIM, " RPL %d", (int)(v & 3));
			rg_newline(r);
		}
		return;
	}
	rg_line(r, ATTR_NORMAL, "pid %d (%s)  pt_regs at %#" PRIx64, m->now.pid, m->now.comm, m->now.ptregs_addr);
	if (s->given.active)
		rg_line(r, ATTR_DIM, "the task's own frame, the one %s() was given (%s)", s->given.func_name, s->given.param);
	if (!m->now.ptregs_valid) {
		rg_line(r, ATTR_BAD, "cannot read pt_regs at %#" PRIx64, m->now.ptregs_addr);
		return;
	}
	/* pt_regs builder: during the entry pushes, slots below RSP are not
	 * written yet; the live register beside each saved one shows the two
	 * worlds (CPU now vs user registers saved). */
	uint64_t rsp = reg(s, "rsp");
	uint64_t pc = target_pc(&s->t);
	uint64_t off;
	const struct symbol *sym = sym_at(s->syms, pc, &off);
	bool in_entry = m->in_kernel && sym && (strcmp(sym->name, "entry_SYSCALL_64") == 0 ||
						strcmp(sym->name, "entry_SYSCALL_64_after_swapgs") == 0 ||
						strcmp(sym->name, "entry_INT80_compat") == 0);
	bool on_kstack = rsp >= m->now.ptregs_addr && rsp <= m->now.ptregs_addr + (uint64_t)m->ptregs_size;
	bool building = in_entry && on_kstack;
	/* Still on the user stack: nothing of this entry's frame is written
	 * yet; memory holds the previous entry's. Decode the live registers. */
	bool stale = in_entry && !on_kstack;
	if ((stale || building) && m->in_syscall) {
		char call[256];
		syscall_format_call_peek(m->cur.abi, m->cur.nr, m->cur.args, &m->cur.peek, call, sizeof call);
		rg_line(r, ATTR_CURRENT, "entering %s (from live registers)", call);
		rg_line(r, ATTR_DIM, "%s", building ? "pt_regs being built: slots below RSP are not written yet"
			: "pt_regs is built after swapgs and the stack switch; below: the last entry's frame");
	} else {
		draw_syscall_line(s, r);
	}
	/* Linux 4.3's partial frame: on the fast path and in phase 1 the
	 * callee-saved registers are not in pt_regs but in the CPU. */
	bool partial = !stale && kmodel_frame_partial(m);
	if (partial && rg_rows_left(r) > 2) {
		rg_line(r, ATTR_TITLE, "partial pt_regs: bx bp r12-r15 not saved, live in the CPU");
		rg_line(r, ATTR_DIM, "%s", m->where == STAGE_PHASE1 || m->where == STAGE_ENTER_FROM_USER
			? " phase 1 runs on it: only orig_ax, ax and the arguments are real (the seed's NB)"
			: " C code keeps them; SAVE_EXTRA_REGS fills them for phase 2 or the slow exit");
	} else if (!stale && m->in_kernel && m->in_syscall && m->cur.abi == ABI_64 && m->cur.extra_saved &&
		   rg_rows_left(r) > 1) {
		rg_line(r, ATTR_DIM, "full pt_regs: SAVE_EXTRA_REGS filled bx bp r12-r15 (a tracer may rewrite any slot)");
	}
	rg_line(r, ATTR_DIM, "%-6s %-8s %18s  %s", "off", "slot", "saved", building ? "live CPU (building)" : "");
	for (int i = 0; i < m->nptregs && rg_rows_left(r) > 0; i++) {
		const char *name = m->ptregs_names[i];
		uint64_t v = m->now.ptregs[i];
		bool changed = m->prev.ptregs_valid && m->prev.ptregs_addr == m->now.ptregs_addr && m->prev.ptregs[i] != v;
		uint64_t slot = m->now.ptregs_addr + (uint64_t)m->ptregs_offsets[i];
		bool pending = building && slot < rsp;
		rg_add(r, ATTR_DIM, "+%#-5lx ", m->ptregs_offsets[i]);
		rg_add(r, ATTR_NORMAL, "%-8s ", name);
		if (partial && extra_reg_slot(name)) {
			const char *cpu = live_reg_for(name);
			rg_add(r, ATTR_DIM, "not saved: live in %s=%#" PRIx64, cpu, reg(s, cpu));
			rg_newline(r);
			continue;
		}
		if (pending)
			rg_add(r, ATTR_DIM, "%18s ", "(not pushed yet)");
		else
			rg_add(r, changed ? ATTR_CHANGED : ATTR_NORMAL, "%#18" PRIx64 "%s", v, changed ? "*" : " ");
		const char *live = live_reg_for(name);
		if (building && live)
			rg_add(r, ATTR_DIM, " %s=%#" PRIx64, live, reg(s, live));
		if (!strcmp(name, "cs") || !strcmp(name, "ss"))
			rg_add(r, ATTR_DIM, " RPL %d", (int)(v & 3));
		rg_newline(r);
	}
}

/* --- TIF flags ------------------------------------------------------------- */

static void draw_tif(struct session *s, struct region *r)
{
	struct kmodel *m = &s->model;
	if (!m->have_layout) {
		rg_line(r, ATTR_DIM, "TIF flags unavailable: %s", m->problem[0] ? m->problem : "no kernel symbols loaded");
		return;
	}
	if (!s->t.connected && m->now.tif_valid)
		rg_line(r, ATTR_BAD, "QEMU is gone: the last values read");
	else if (not_connected(s, r))
		return;
	if (!m->now.tif_valid) {
		rg_line(r, ATTR_DIM, "no current task yet");
		return;
	}
	uint32_t f = m->now.tif, old = m->prev.tif_valid ? m->prev.tif : f;
	rg_line(r, f != old ? ATTR_CHANGED : ATTR_NORMAL, "flags %#010x  status %#x%s%s", f, m->now.status,
		m->now.status & 0x2 ? " TS_COMPAT" : "", f != old ? "  (changed)" : "");
	for (int i = 0; i < tif_flag_count && rg_rows_left(r) > 0; i++) {
		int bit = tif_flags[i].bit;
		bool on = f >> bit & 1, was = old >> bit & 1;
		enum attr a = on != was ? ATTR_CHANGED : on ? ATTR_CURRENT : ATTR_DIM;
		rg_add(r, a, "[%c] %-24s %2d", on ? 'x' : ' ', tif_flags[i].name, bit);
		if (on != was)
			rg_add(r, ATTR_CHANGED, " %s", on ? "set" : "cleared");
		/* Which masks the bit belongs to: E entry, X exit, A allwork, L loop. */
		rg_add(r, ATTR_DIM, " ");
		for (int k = 0; k < tif_mask_count; k++)
			rg_add(r, ATTR_DIM, "%c", tif_masks[k].mask >> bit & 1 ? "EXAL"[k % 4] : '.');
		const struct tif_provenance *p = &m->provenance[bit];
		if (p->function[0])
			rg_add(r, ATTR_NORMAL, " %s by %s", p->set ? "set" : "cleared", p->function);
		rg_newline(r);
	}
	for (int k = 0; k < tif_mask_count && rg_rows_left(r) > 0; k++) {
		uint32_t hit = f & tif_masks[k].mask;
		rg_add(r, hit ? ATTR_BAD : ATTR_GOOD, "%c %-27s & flags = %#x", "EXAL"[k % 4], tif_masks[k].name, hit);
		rg_add(r, ATTR_DIM, "%s", hit ? "  " : "");
		if (hit)
			rg_add(r, ATTR_DIM, "%s", tif_masks[k].meaning);
		rg_newline(r);
	}
}

/* --- pipeline --------------------------------------------------------------- */

static const char *flag_names(uint32_t f, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < tif_flag_count && n < cap; i++)
		if (f >> tif_flags[i].bit & 1)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "|" : "", tif_flags[i].name);
	if (!n)
		snprintf(out, cap, "none");
	return out;
}

/* The branch oracle: at a conditional jump, or at the test/cmp before one,
 * whether it will jump and, in the entry code, the kernel reason why. */
static void branch_oracle(struct session *s, struct region *r)
{
	struct branch_prediction p;
	if (!oracle_predict(s, &p))
		return;
	rg_add(r, ATTR_CURRENT, "branch: %s %s", p.jump.text, p.taken ? "WILL jump" : "falls through");
	if (p.destination[0] && p.taken)
		rg_add(r, ATTR_CURRENT, " to %s", p.destination);
	rg_newline(r);
	if (p.tif_test) {
		char names[160];
		rg_line(r, p.tif_hit ? ATTR_BAD : ATTR_GOOD, "  because flags & %s = %s", p.mask_name ? p.mask_name : "mask",
			p.tif_hit ? flag_names(p.tif_hit, names, sizeof names) : "0 (no work)");
	}
}

/* The conditions for leaving by SYSRET rather than IRET, live. */
static void sysret_checklist(struct session *s, struct region *r)
{
	struct kmodel *m = &s->model;
	uint64_t ip, cx, r11, flags, cs, ss;
	if (!kmodel_ptreg(m, "ip", &ip) || !kmodel_ptreg(m, "cx", &cx) || !kmodel_ptreg(m, "r11", &r11) ||
	    !kmodel_ptreg(m, "flags", &flags) || !kmodel_ptreg(m, "cs", &cs) || !kmodel_ptreg(m, "ss", &ss))
		return;
	bool canonical = (cx >> 47) == 0 || (cx >> 47) == 0x1ffff;
	struct { const char *what; bool ok; } c[] = {
		{ "RCX == RIP (pt_regs cx == ip)", cx == ip },
		{ "RCX canonical (< 2^47)", canonical },
		{ "CS == __USER_CS", cs == __USER_CS },
		{ "R11 == RFLAGS", r11 == flags },
		{ "no RF/TF in RFLAGS", !(flags & ((1u << 16) | (1u << 8))) },
		{ "SS == __USER_DS", ss == __USER_DS },
	};
	bool all = true;
	for (size_t i = 0; i < sizeof c / sizeof *c; i++)
		all &= c[i].ok;
	rg_line(r, ATTR_TITLE, "SYSRET checklist: %s", all ? "all hold -> SYSRET" : "one fails -> IRET");
	for (size_t i = 0; i < sizeof c / sizeof *c && rg_rows_left(r) > 0; i++)
		rg_line(r, c[i].ok ? ATTR_GOOD : ATTR_BAD, " [%s] %s", c[i].ok ? "ok" : "no", c[i].what);
}

static void draw_pipeline(struct session *s, struct region *r)
{
	struct kmodel *m = &s->model;
	if (!s->syms) {
		rg_line(r, ATTR_DIM, "no kernel symbols loaded");
		return;
	}
	const struct syscall_record *c = m->in_syscall ? &m->cur : m->nhistory ? &m->history[m->nhistory - 1] : NULL;
	if (c) {
		char call[200];
		syscall_format_call_peek(c->abi, c->nr, c->args, &c->peek, call, sizeof call);
		rg_line(r, ATTR_NORMAL, "#%lu %s pid %d%s", c->seq, call, c->pid, m->in_syscall ? "" : " (done)");
	} else {
		rg_line(r, ATTR_DIM, "no syscall seen yet: `syscall` runs to the next one");
	}
	static const enum stage order[] = {
		STAGE_ENTRY, STAGE_INT80, STAGE_FASTPATH, STAGE_SLOWPATH, STAGE_ENTER_FROM_USER, STAGE_PHASE1,
		STAGE_SAVE_FOR_PHASE2, STAGE_PHASE2, STAGE_SAVE_FOR_STUB, STAGE_DO_SYSCALL, STAGE_DO_INT80,
		STAGE_SAVE_FOR_EXIT, STAGE_RETURN_SLOWPATH, STAGE_PREPARE_EXIT, STAGE_EXIT_LOOP, STAGE_SYSRET, STAGE_IRET,
	};
	for (size_t i = 0; i < sizeof order / sizeof *order && rg_rows_left(r) > 0; i++) {
		enum stage st = order[i];
		if (!m->stage_addr[st])
			continue;
		bool here = m->in_kernel && m->where == st;
		bool seen = c && (c->visited >> st & 1);
		/* SAVE_EXTRA_REGS is a stage only when it runs: the fast path
		 * never completes pt_regs. */
		bool save_stage = st == STAGE_SAVE_FOR_PHASE2 || st == STAGE_SAVE_FOR_STUB || st == STAGE_SAVE_FOR_EXIT;
		if (save_stage && !here && !seen)
			continue;
		rg_line(r, here ? ATTR_CURRENT : seen ? ATTR_NORMAL : ATTR_DIM, "%s %s", here ? "=>" : seen ? " *" : "  ",
			stages[st].label);
	}
	if (!m->in_kernel && s->t.g_valid)
		rg_line(r, ATTR_CURRENT, "=> user mode");
	uint32_t loop_mask = 0;
	for (int k = 0; k < tif_mask_count; k++)
		if (strcmp(tif_masks[k].name, "EXIT_TO_USERMODE_LOOP_FLAGS") == 0)
			loop_mask = tif_masks[k].mask;
	if (c && rg_rows_left(r) > 0) {
		char names[200];
		rg_line(r, ATTR_TITLE, "decisions");
		rg_line(r, ATTR_NORMAL, " path: %s (entry work: %s)",
			c->path == PATH_FAST ? "fast" : c->path == PATH_SLOW ? "slow" : "not decided yet",
			flag_names(c->tif_at_entry & tif_masks[0].mask, names, sizeof names));
		if (c->phase1_ran)
			rg_line(r, ATTR_NORMAL, " phase 1: %s", !c->phase1_known ? "running" :
				c->phase1_result == 0 ? "returned 0 -> back to the fast path" :
				c->phase1_result == 1 ? "returned 1 -> phase 2" : "returned seccomp data -> phase 2 (seccomp)");
		if (c->phase1_known && c->phase1_result > 1)
			rg_line(r, ATTR_NORMAL, " seccomp action: phase 1 result %#lx", (unsigned long)c->phase1_result);
		if (c->phase2_ran)
			rg_line(r, ATTR_NORMAL, " phase 2 ran");
		if (c->skipped)
			rg_line(r, ATTR_BAD, " skipped: orig_ax = -1, the call is not run (%s)",
				c->tif_at_entry >> tif_bit("TIF_SECCOMP") & 1 ? "seccomp's action" : "ptrace/seccomp");
		if (c->exit_prepares || c->exit_loops) {
			if (m->stage_addr[STAGE_EXIT_LOOP])
				rg_add(r, ATTR_NORMAL, " exit: %d prepare, %d loop iterations", c->exit_prepares, c->exit_loops);
			else
				rg_add(r, ATTR_NORMAL, " exit: prepare_exit_to_usermode, loop work then: %s",
				       flag_names(c->exit_work & loop_mask, names, sizeof names));
			for (int i = 0; i < c->exit_loops && i < 8; i++)
				rg_add(r, ATTR_NORMAL, " [%s]", flag_names(c->exit_loop_flags[i] & loop_mask, names, sizeof names));
			rg_newline(r);
		}
		if (c->exit != EXIT_NONE) {
			char res[64] = "?";
			if (c->have_result)
				syscall_format_result(c->result, res, sizeof res);
			rg_line(r, ATTR_NORMAL, " left by %s, result %s", c->exit == EXIT_SYSRET ? "SYSRET" : "IRET", res);
		}
		/* The kernel's own account: counters that moved, its record. */
		if (c->have_delta) {
			rg_add(r, ATTR_DIM, " kernel counters:");
			bool any = false;
			for (int i = 0; i < m->ncounters; i++) {
				const char *n = m->counter_names[i];
				if (!c->counter_delta[i] || !strcmp(n, "ticks") || !strcmp(n, "interrupts"))
					continue;
				rg_add(r, ATTR_DIM, " %s %+lld", n, (long long)c->counter_delta[i]);
				any = true;
			}
			if (!any)
				rg_add(r, ATTR_DIM, " none moved");
			rg_newline(r);
		}
		if (c->have_trace) {
			rg_add(r, ATTR_DIM, " kernel record:");
			for (int i = 0; i < m->ntrace; i++)
				rg_add(r, ATTR_DIM, " %s=%#llx", m->trace_names[i], (unsigned long long)c->trace[i]);
			rg_newline(r);
		}
	}
	if (s->t.connected && s->t.g_valid && m->in_kernel && rg_rows_left(r) > 0)
		branch_oracle(s, r);
	if (m->in_syscall && m->cur.dispatched && rg_rows_left(r) > 2) {
		if (m->cur.slow_exit || m->cur.abi == ABI_32)
			sysret_checklist(s, r);
		else
			rg_line(r, ATTR_DIM, "SYSRET checks: none if it leaves by the fast exit (the frame is as SYSCALL built it; only TF sends it to the slow exit)");
	}
}

/* --- history ---------------------------------------------------------------- */

static void draw_history(struct session *s, struct region *r)
{
	struct kmodel *m = &s->model;
	if (m->nhistory == 0) {
		rg_line(r, ATTR_DIM, "no syscall completed yet");
		return;
	}
	rg_line(r, ATTR_DIM, "%-4s %-4s %-10s %-6s %-6s %s", "#", "pid", "comm", "path", "exit", "call = result");
	int first = m->nhistory - (r->h - 1);
	if (first < 0)
		first = 0;
	for (int i = first; i < m->nhistory && rg_rows_left(r) > 0; i++) {
		const struct syscall_record *c = &m->history[i];
		char call[200], res[64] = "?";
		syscall_format_call_peek(c->abi, c->nr, c->args, &c->peek, call, sizeof call);
		if (c->have_result)
			syscall_format_result(c->result, res, sizeof res);
		rg_line(r, ATTR_NORMAL, "%-4lu %-4d %-10.10s %-6s %-6s %s = %s", c->seq, c->pid, c->comm,
			c->skipped ? "skip" : c->path == PATH_FAST ? "fast" : c->path == PATH_SLOW ? "slow" : c->abi == ABI_32 ? "int80" : "?",
			c->exit == EXIT_SYSRET ? "sysret" : c->exit == EXIT_IRET ? "iret" : "-", call, res);
	}
}

/* --- source + disassembly ------------------------------------------------------ */

static void draw_disasm(struct session *s, struct region *r, uint64_t pc, int count)
{
	unsigned char code[256];
	if (target_read_memory(&s->t, pc, code, sizeof code) != TARGET_OK) {
		rg_line(r, ATTR_BAD, "cannot read code at %#" PRIx64, pc);
		return;
	}
	size_t off = 0;
	int bits = kmodel_cpu_bits(&s->t);
	for (int i = 0; i < count && rg_rows_left(r) > 0 && off < sizeof code - 16; i++) {
		struct insn in;
		uint64_t a = pc + off;
		bool ok = disasm_one(code + off, sizeof code - off, a, bits, &in);
		uint64_t so;
		const struct symbol *sym = sym_at(session_syms_for(s, a), a, &so);
		bool bp = session_bp_at(s, a) != NULL;
		rg_add(r, bp ? ATTR_BREAK : ATTR_NORMAL, "%s", bp ? "B" : " ");
		if (sym)
			rg_add(r, i == 0 ? ATTR_CURRENT : ATTR_NORMAL, "%s%#" PRIx64 " <%s+%" PRIu64 ">  %s", i == 0 ? "=>" : "  ",
			       a, sym->name, so, in.text);
		else
			rg_add(r, i == 0 ? ATTR_CURRENT : ATTR_NORMAL, "%s%#" PRIx64 "  %s", i == 0 ? "=>" : "  ", a, in.text);
		rg_newline(r);
		if (!ok)
			break;
		off += (size_t)in.size;
	}
}

static void draw_source(struct session *s, struct region *r)
{
	if (not_connected(s, r))
		return;
	uint64_t pc = target_pc(&s->t);
	const char *file;
	int line;
	int src_rows = 0;
	struct symbols *syms = s->syms;
	/* A frame chosen with up/down/frame: its line (the call in progress). */
	const struct frame *f = s->frame_sel > 0 ? session_frame(s) : NULL;
	if (f && s->frame_sel > 0) {
		pc = f->pc;
		syms = f->syms;
		rg_line(r, ATTR_DIM, "frame #%d%s", s->frame_sel, f->user ? " (user mode)" : "");
	}
	if (syms && sym_line_at(syms, pc - (f && f->caller ? 1 : 0), &file, &line)) {
		int nlines = 0;
		sym_source_line(syms, file, 1, &nlines);
		const char *base = strrchr(file, '/');
		/* In user mode: whose program this is. */
		const char *prog = syms != s->ksyms && syms ? strrchr(syms->path, '/') : NULL;
		if (prog)
			rg_line(r, ATTR_DIM, "%s:%d (user program %s)", base ? base + 1 : file, line, prog + 1);
		else
			rg_line(r, ATTR_DIM, "%s:%d", base ? base + 1 : file, line);
		int want = r->h * 6 / 10 - 1;
		if (want < 1)
			want = 1;
		int start = line - want / 2 + s->source_scroll;
		if (start < 1)
			start = 1;
		if (nlines == 0)
			rg_line(r, ATTR_DIM, "(source %s not readable here)", file);
		for (int l = start; l < start + want && l <= nlines && rg_rows_left(r) > 0; l++) {
			const char *text = sym_source_line(syms, file, l, NULL);
			rg_add(r, l == line ? ATTR_CURRENT : ATTR_NORMAL, "%s%5d  %s", l == line ? "=>" : "  ", l, text ? text : "");
			rg_newline(r);
			src_rows++;
		}
		rg_line(r, ATTR_TITLE, "-- disassembly --");
	} else if (syms) {
		rg_line(r, ATTR_DIM, "no line information at %#" PRIx64 ": disassembly", pc);
	}
	draw_disasm(s, r, pc, rg_rows_left(r));
}

static bool key_source(struct session *s, int key)
{
	if (key == 'K' || key == 'J') {
		s->source_scroll += key == 'J' ? 5 : -5;
		return true;
	}
	return false;
}

/* --- stack / memory ---------------------------------------------------------- */

static void draw_stack(struct session *s, struct region *r)
{
	if (not_connected(s, r))
		return;
	uint64_t sp = reg(s, "rsp");
	uint64_t words[32];
	int n = r->h - 1 < 32 ? (r->h - 1 > 0 ? r->h - 1 : 1) : 32;
	rg_line(r, ATTR_DIM, "stack at rsp %#" PRIx64, sp);
	int rc = target_read_memory(&s->t, sp, words, (size_t)n * 8);
	if (rc) {
		rg_line(r, ATTR_BAD, "%s", rc == TARGET_UNMAPPED ? "not mapped" : s->t.error);
		return;
	}
	for (int i = 0; i < n && rg_rows_left(r) > 0; i++) {
		uint64_t off;
		const struct symbol *sym = sym_at(session_syms_for(s, words[i]), words[i], &off);
		rg_add(r, ATTR_NORMAL, "%#" PRIx64 ": 0x%016" PRIx64, sp + 8 * (uint64_t)i, words[i]);
		if (sym && off < 0x10000 && sym->is_function)
			rg_add(r, ATTR_DIM, "  <%s+%" PRIu64 ">", sym->name, off);
		if (s->model.now.ptregs_valid && sp + 8 * (uint64_t)i >= s->model.now.ptregs_addr &&
		    sp + 8 * (uint64_t)i < s->model.now.ptregs_addr + (uint64_t)s->model.ptregs_size) {
			long o = (long)(sp + 8 * (uint64_t)i - s->model.now.ptregs_addr);
			for (int k = 0; k < s->model.nptregs; k++)
				if (s->model.ptregs_offsets[k] == o)
					rg_add(r, ATTR_DIM, "  pt_regs.%s", s->model.ptregs_names[k]);
		}
		rg_newline(r);
	}
}

/* --- breakpoints / log --------------------------------------------------------- */

static void draw_breakpoints(struct session *s, struct region *r)
{
	if (s->nbps == 0) {
		rg_line(r, ATTR_DIM, "no breakpoints (break FUNCTION, break FILE:LINE, break *ADDRESS)");
		return;
	}
	static const char *const kinds[] = { "break", "hbreak", "watch", "rwatch", "awatch" };
	for (int i = 0; i < s->nbps && rg_rows_left(r) > 0; i++) {
		const struct breakpoint *b = &s->bps[i];
		rg_line(r, ATTR_BREAK, "%-3d %-6s %s%s hits %d  %s", b->id, kinds[b->type], b->temporary ? "once " : "",
			b->provenance ? "tif" : "", b->hits, b->where);
	}
}

static void draw_log(struct session *s, struct region *r)
{
	int n = s->log_count < LOG_LINES ? s->log_count : LOG_LINES;
	int show = n < r->h ? n : r->h;
	for (int i = s->log_count - show; i < s->log_count; i++) {
		const char *l = s->log[i % LOG_LINES];
		rg_line(r, strncmp(l, "error: ", 7) == 0 ? ATTR_BAD : ATTR_NORMAL, "%s", l);
	}
}

/* --- console ------------------------------------------------------------------ */

static void draw_console(struct session *s, struct region *r)
{
	if (!s->console_path[0]) {
		rg_line(r, ATTR_DIM, "attached to someone else's QEMU: its console is where it was started");
		return;
	}
	FILE *f = fopen(s->console_path, "r");
	if (!f) {
		rg_line(r, ATTR_DIM, "no console output yet");
		return;
	}
	/* The last lines that fit. */
	char lines[64][256];
	int n = 0, keep = r->h < 64 ? r->h : 64;
	char buf[256];
	while (fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\r\n")] = '\0';
		snprintf(lines[n % keep], sizeof lines[0], "%s", buf);
		n++;
	}
	fclose(f);
	for (int i = n > keep ? n - keep : 0; i < n; i++)
		rg_line(r, ATTR_NORMAL, "%s", lines[i % keep]);
}

/* --- frames: the call stack and the selected frame's variables ---------------- */

static void locals_line(void *arg, const char *text)
{
	struct region *r = arg;
	if (rg_rows_left(r) > 0)
		rg_line(r, ATTR_NORMAL, "%s", text);
}

static void draw_locals(struct session *s, struct region *r)
{
	if (not_connected(s, r))
		return;
	session_locals(s, locals_line, r);
}

static void draw_backtrace(struct session *s, struct region *r)
{
	if (not_connected(s, r))
		return;
	int n = session_frames(s);
	for (int i = 0; i < n && rg_rows_left(r) > 0; i++) {
		char text[1024];
		if (i > 0 && s->frames[i].trap) {
			session_trap_text(s, &s->frames[i], text, sizeof text);
			rg_line(r, ATTR_DIM, "%s", text);
		} else if (i > 0 && s->frames[i].user && !s->frames[i - 1].user) {
			rg_line(r, ATTR_DIM, "--- user mode (%s) ---", s->frames[i].syms ? s->frames[i].syms->path : "no program");
		}
		session_frame_text(s, i, text, sizeof text);
		rg_line(r, i == s->frame_sel ? ATTR_CURRENT : ATTR_NORMAL, "%s%s", i == s->frame_sel ? "=>" : "  ", text);
	}
	if (rg_rows_left(r) > 0)
		rg_line(r, ATTR_DIM, "end: %s", s->frames_end);
}

const struct panel_type panel_types[] = {
	{ "source", "Source", "source lines around the PC, then the disassembly (J/K scroll)", draw_source, key_source },
	{ "regs", "Registers", "CPU registers; changed since the last stop: highlighted and *", draw_regs, NULL },
	{ "ptregs", "pt_regs", "the current task's saved user registers, the syscall decoded", draw_ptregs, NULL },
	{ "tif", "TIF flags", "thread_info->flags by name, changes, who set them, the work masks", draw_tif, NULL },
	{ "pipeline", "Pipeline", "where the CPU is on the syscall path and the decisions taken", draw_pipeline, NULL },
	{ "history", "Syscall history", "every syscall seen: task, call, result, path", draw_history, NULL },
	{ "stack", "Stack", "memory at RSP, with symbols and pt_regs slots", draw_stack, NULL },
	{ "breakpoints", "Breakpoints", "breakpoints and watchpoints", draw_breakpoints, NULL },
	{ "log", "Log", "command output and messages", draw_log, NULL },
	{ "console", "Console", "the kernel's serial console (QEMU started by ringdb)", draw_console, NULL },
	{ "fpu", "FPU", "x87/SSE: the current task's saved FXSAVE area and the live registers", draw_fpu, NULL },
	{ "locals", "Locals", "the selected frame's parameters and locals (DWARF), <optimised out> said so", draw_locals, NULL },
	{ "backtrace", "Backtrace", "the call stack, kernel and user frames; => the selected frame (up/down/frame N)",
	  draw_backtrace, NULL },
};
const int panel_type_count = sizeof panel_types / sizeof *panel_types;

const struct panel_type *panel_find(const char *name)
{
	for (int i = 0; i < panel_type_count; i++)
		if (strcmp(panel_types[i].name, name) == 0)
			return &panel_types[i];
	return NULL;
}

const struct layout layouts[] = {
	{ "syscall", "source and registers left; pt_regs, TIF flags and the pipeline right",
	  { { "source", 0, 0, 55, 60 }, { "regs", 0, 60, 55, 40 }, { "ptregs", 55, 0, 45, 45 },
	    { "tif", 55, 45, 45, 30 }, { "pipeline", 55, 75, 45, 25 } } },
	{ "pipeline", "the pipeline and the history, with pt_regs and TIF flags",
	  { { "pipeline", 0, 0, 50, 60 }, { "history", 0, 60, 50, 40 }, { "ptregs", 50, 0, 50, 55 },
	    { "tif", 50, 55, 50, 45 } } },
	{ "source", "source and disassembly large, stack and breakpoints",
	  { { "source", 0, 0, 65, 100 }, { "stack", 65, 0, 35, 70 }, { "breakpoints", 65, 70, 35, 30 } } },
	{ "regs", "registers, stack, breakpoints and the console",
	  { { "regs", 0, 0, 60, 100 }, { "stack", 60, 0, 40, 45 }, { "breakpoints", 60, 45, 40, 20 },
	    { "console", 60, 65, 40, 35 } } },
	{ "frames", "source, the selected frame's locals and the call stack",
	  { { "source", 0, 0, 58, 100 }, { "locals", 58, 0, 42, 50 }, { "backtrace", 58, 50, 42, 50 } } },
};
const int layout_count = sizeof layouts / sizeof *layouts;

int layout_find(const char *name)
{
	for (int i = 0; i < layout_count; i++)
		if (strcmp(layouts[i].name, name) == 0)
			return i;
	return -1;
}

static void draw_framed(struct session *s, const struct panel_type *p, struct textbuf *tb, int x, int y, int w, int h)
{
	if (w < 4 || h < 2)
		return;
	char title[128];
	snprintf(title, sizeof title, "-[ %s ]", p->title);
	tb_puts(tb, x, y, w, ATTR_TITLE, title);
	for (int i = (int)strlen(title); i < w; i++)
		tb_puts(tb, x + i, y, 1, ATTR_BORDER, "-");
	struct region r;
	/* One column of gap on the left, except at the screen's edge. */
	region_init(&r, tb, x + (x ? 1 : 0), y + 1, w - (x ? 1 : 0), h - 1);
	p->draw(s, &r);
	if (x)
		for (int row = y + 1; row < y + h; row++)
			tb_puts(tb, x, row, 1, ATTR_BORDER, "|");
}

void screen_compose(struct session *s, struct textbuf *tb, const char *input)
{
	tb_clear(tb);
	if (tb->w < SCREEN_MIN_W || tb->h < SCREEN_MIN_H) {
		char msg[128];
		snprintf(msg, sizeof msg, "terminal %dx%d is too small", tb->w, tb->h);
		tb_puts(tb, 0, 0, tb->w, ATTR_BAD, msg);
		snprintf(msg, sizeof msg, "need at least %dx%d", SCREEN_MIN_W, SCREEN_MIN_H);
		tb_puts(tb, 0, 1, tb->w, ATTR_NORMAL, msg);
		tb_puts(tb, 0, 2, tb->w, ATTR_DIM, "resize, or q to quit");
		return;
	}
	int log_h = tb->h >= 30 ? 6 : 4;
	int area_h = tb->h - log_h - 1;
	const struct layout *l = &layouts[s->layout >= 0 && s->layout < layout_count ? s->layout : 0];
	for (int i = 0; i < 8 && l->slots[i].panel; i++) {
		const struct layout_slot *sl = &l->slots[i];
		const struct panel_type *p = panel_find(sl->panel);
		int x = tb->w * sl->x / 100, y = area_h * sl->y / 100;
		int x2 = tb->w * (sl->x + sl->w) / 100, y2 = area_h * (sl->y + sl->h) / 100;
		if (p)
			draw_framed(s, p, tb, x, y, x2 - x, y2 - y);
	}
	draw_framed(s, panel_find("log"), tb, 0, area_h, tb->w, log_h);
	/* The status / command line. */
	char status[256];
	if (input)
		snprintf(status, sizeof status, ":%s", input);
	else if (s->busy)
		snprintf(status, sizeof status, "running: %s ... (Ctrl-C interrupts)", s->busy);
	else if (s->rr != RR_NONE)
		/* A replay (or a recording) also goes back: capitals. */
		snprintf(status, sizeof status, "%s | %s | %s | s n i f c forward  S N I F C back  g goto-failure  y syscall  : command  ? help  q quit",
			 s->t.connected ? (s->t.running ? "running" : "stopped") : "no QEMU", layouts[s->layout].name,
			 s->rr == RR_REPLAY ? "replay" : "recording");
	else
		snprintf(status, sizeof status, "%s | %s | s step  n next  i stepi  f finish  c cont  y syscall  x sysexit  : command  ? help  q quit",
			 s->t.connected ? (s->t.running ? "running" : "stopped") : "no QEMU", layouts[s->layout].name);
	tb_puts(tb, 0, tb->h - 1, tb->w, input ? ATTR_NORMAL : ATTR_TITLE, status);
}

void panel_print(struct session *s, const struct panel_type *p, int width, FILE *out)
{
	struct textbuf tb;
	int height = s->height > 0 ? s->height : 30;
	if (tb_init(&tb, width, height) < 0)
		return;
	struct region r;
	region_init(&r, &tb, 0, 0, width, height);
	p->draw(s, &r);
	fprintf(out, "== %s ==\n", p->title);
	tb_dump(&tb, out, tb_used_rows(&tb), 0);
	tb_free(&tb);
}
