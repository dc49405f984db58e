/* kmodel: layouts, current task, TIF flags and pipeline state. */
#include "kmodel.h"

#include <stdio.h>
#include <string.h>

/* The kernel's header, macros only: numbers and masks are never retyped. */
#define __ASSEMBLER__
#include "asm/thread_info.h"
#undef __ASSEMBLER__

#define TIF_FLAG(name) { "TIF_" #name, TIF_##name },
const struct tif_flag tif_flags[] = {
#include "ringdb_tif.h"
};
#undef TIF_FLAG
const int tif_flag_count = sizeof tif_flags / sizeof *tif_flags;

const struct tif_mask tif_masks[] = {
#ifdef _TIF_WORK_SYSCALL_ENTRY
	{ "_TIF_WORK_SYSCALL_ENTRY", _TIF_WORK_SYSCALL_ENTRY, "any set: SYSCALL takes the slow path" },
#endif
#ifdef _TIF_WORK_SYSCALL_EXIT
	{ "_TIF_WORK_SYSCALL_EXIT", _TIF_WORK_SYSCALL_EXIT, "any set: syscall_return_slowpath does exit work" },
#endif
#ifdef _TIF_ALLWORK_MASK
	{ "_TIF_ALLWORK_MASK", _TIF_ALLWORK_MASK, "any set: the fast path exits through the slow exit" },
#endif
#ifdef EXIT_TO_USERMODE_LOOP_FLAGS
	{ "EXIT_TO_USERMODE_LOOP_FLAGS", EXIT_TO_USERMODE_LOOP_FLAGS, "any set: the exit loop runs again" },
#endif
};
const int tif_mask_count = sizeof tif_masks / sizeof *tif_masks;

const struct stage_info stages[STAGE_COUNT] = {
	[STAGE_USER] = { NULL, "user mode" },
	[STAGE_ENTRY] = { "entry_SYSCALL_64", "SYSCALL entry" },
	[STAGE_AFTER_SWAPGS] = { "entry_SYSCALL_64_after_swapgs", "swapgs, stack switch, pt_regs" },
	[STAGE_INT80] = { "entry_INT80_compat", "int $0x80 entry" },
	[STAGE_FASTPATH] = { "entry_SYSCALL_64_fastpath", "fast path" },
	[STAGE_SLOWPATH] = { "entry_SYSCALL_64_slowpath", "slow path" },
	[STAGE_ENTER_FROM_USER] = { "enter_from_user_mode", "context tracking (nohz)" },
	[STAGE_PHASE1] = { "syscall_trace_enter_phase1", "phase 1 (nohz, seccomp, audit)" },
	[STAGE_PHASE2] = { "syscall_trace_enter_phase2", "phase 2 (ptrace, tracepoint, audit)" },
	[STAGE_TRACE_ENTER] = { "syscall_trace_enter", "syscall_trace_enter" },
	[STAGE_SAVE_FOR_PHASE2] = { "tracesys_phase2", "SAVE_EXTRA_REGS (for phase 2)" },
	[STAGE_SAVE_FOR_STUB] = { "stub_full_frame", "SAVE_EXTRA_REGS (fork, execve, rt_sigreturn)" },
	[STAGE_SAVE_FOR_EXIT] = { "int_ret_from_sys_call", "SAVE_EXTRA_REGS (for the slow exit)" },
	[STAGE_DO_SYSCALL] = { "do_syscall_64", "dispatch (sys_call_table)" },
	[STAGE_DO_INT80] = { "do_int80_syscall_32", "dispatch (ia32_sys_call_table)" },
	[STAGE_RETURN_SLOWPATH] = { "syscall_return_slowpath", "return slow path (exit work)" },
	[STAGE_PREPARE_EXIT] = { "prepare_exit_to_usermode", "prepare_exit_to_usermode" },
	[STAGE_EXIT_LOOP] = { "exit_to_usermode_loop", "exit loop iteration" },
	[STAGE_SCHEDULE] = { "schedule", "schedule()" },
	[STAGE_SYSRET] = { "syscall_return_via_sysret", "SYSRET" },
	[STAGE_IRET] = { "restore_regs_and_iret", "IRET" },
};

int tif_bit(const char *flag)
{
	for (int i = 0; i < tif_flag_count; i++)
		if (strcasecmp(flag, tif_flags[i].name) == 0 || strcasecmp(flag, tif_flags[i].name + 4) == 0)
			return tif_flags[i].bit;
	return -1;
}

static bool member(struct kmodel *m, const char *st, const char *name, long *off)
{
	if (sym_member(m->s, st, name, off, NULL))
		return true;
	if (!m->problem[0])
		snprintf(m->problem, sizeof m->problem, "DWARF has no struct %s member %s: "
			 "the pt_regs/TIF panels need a kernel built with -g", st, name);
	return false;
}

void kmodel_init(struct kmodel *m, struct target *t, struct symbols *s)
{
	memset(m, 0, sizeof *m);
	m->t = t;
	m->s = s;
	m->thread_size = THREAD_SIZE;
	m->where = STAGE_USER;
	for (int i = 0; i < STAGE_COUNT; i++) {
		const struct symbol *sym = stages[i].symbol ? sym_lookup(s, stages[i].symbol) : NULL;
		m->stage_addr[i] = sym ? sym->addr : 0;
	}
	if (!s)
		return;
	Dwarf_Die st;
	if (sym_find_struct(s, "pt_regs", &st)) {
		Dwarf_Die types[PTREGS_MAX];
		m->nptregs = sym_struct_members(&st, m->ptregs_names, m->ptregs_offsets, types, PTREGS_MAX);
		m->ptregs_size = sym_type_size(&st);
	} else {
		snprintf(m->problem, sizeof m->problem, "%s",
			 s->warning[0] ? s->warning : "DWARF has no struct pt_regs");
	}
	Dwarf_Die type;
	bool ok = m->nptregs > 0;
	ok &= member(m, "thread_info", "flags", &m->ti_flags_off);
	ok &= member(m, "thread_info", "status", &m->ti_status_off);
	ok &= member(m, "task_struct", "stack", &m->task_stack_off);
	ok &= member(m, "task_struct", "pid", &m->task_pid_off);
	ok &= member(m, "task_struct", "comm", &m->task_comm_off);
	ok &= member(m, "percpu", "current_task", &m->current_task_off);
	if (!sym_variable(s, "cpu_data", &m->cpu_data, &type)) {
		const struct symbol *sym = sym_lookup(s, "cpu_data");
		m->cpu_data = sym ? sym->addr : 0;
	}
	if (!m->cpu_data) {
		ok = false;
		if (!m->problem[0])
			snprintf(m->problem, sizeof m->problem, "no symbol cpu_data: cannot find the current task");
	}
	m->have_layout = ok;
	/* cpu_data.stats, and a per-syscall record the kernel may keep in
	 * cpu_data.trace (struct entry_trace): read generically by member
	 * name, so either source of pipeline facts works. */
	Dwarf_Die percpu, mt;
	long off;
	if (sym_find_struct(s, "percpu", &percpu)) {
		static const char *const record_names[] = { "trace", "entry_trace" };
		if (sym_type_member(&percpu, "stats", &off, &mt)) {
			Dwarf_Die types[COUNTERS_MAX];
			m->stats_off = off;
			m->ncounters = sym_struct_members(&mt, m->counter_names, m->counter_offsets, types, COUNTERS_MAX);
			for (int i = 0; i < m->ncounters; i++)
				m->counter_sizes[i] = sym_type_size(&types[i]);
		}
		for (size_t k = 0; k < sizeof record_names / sizeof *record_names && !m->ntrace; k++) {
			if (!sym_type_member(&percpu, record_names[k], &off, &mt))
				continue;
			Dwarf_Die types[COUNTERS_MAX];
			m->trace_off = off;
			m->ntrace = sym_struct_members(&mt, m->trace_names, m->trace_offsets, types, COUNTERS_MAX);
			for (int i = 0; i < m->ntrace; i++)
				m->trace_sizes[i] = sym_type_size(&types[i]);
		}
	}
}

/* Read NAMES/OFFSETS/SIZES members of the struct at ADDR into OUT. */
static bool read_members(struct kmodel *m, uint64_t addr, int n, const long *offsets, const long *sizes, uint64_t *out)
{
	for (int i = 0; i < n; i++) {
		out[i] = 0;
		long size = sizes[i] > 0 && sizes[i] <= 8 ? sizes[i] : 8;
		if (target_read_memory(m->t, addr + (uint64_t)offsets[i], &out[i], (size_t)size) != TARGET_OK)
			return false;
	}
	return true;
}

int kmodel_cpu_bits(const struct target *t)
{
	uint64_t efer = 0;
	/* EFER.LMA: long mode active. Without it r8-r15 read as zero. */
	if (target_reg_value(t, "efer", &efer) && !(efer & (1u << 10)))
		return 32;
	return 64;
}

void kmodel_decode_ptregs(const struct kmodel *m, const unsigned char *raw, uint64_t *values)
{
	for (int i = 0; i < m->nptregs; i++) {
		uint64_t v = 0;
		memcpy(&v, raw + m->ptregs_offsets[i], sizeof v);
		values[i] = v;
	}
}

uint64_t kmodel_flags_addr(const struct kmodel *m)
{
	if (!m->now.valid || !m->now.stack)
		return 0;
	return m->now.stack + (uint64_t)m->ti_flags_off;
}

void kmodel_refresh(struct kmodel *m)
{
	m->prev = m->now;
	struct ksnapshot *n = &m->now;
	memset(n, 0, sizeof *n);
	if (!m->have_layout || !m->t->connected)
		return;
	uint64_t task = 0;
	if (target_read_memory(m->t, m->cpu_data + (uint64_t)m->current_task_off, &task, 8) != TARGET_OK || !task)
		return;
	n->task = task;
	/* One read for the task's fields and one for thread_info's: each
	 * round trip to QEMU costs more than the bytes. */
	long lo = m->task_stack_off, hi = m->task_stack_off + 8;
	long fields[2][2] = { { m->task_pid_off, 4 }, { m->task_comm_off, 16 } };
	for (int i = 0; i < 2; i++) {
		if (fields[i][0] < lo)
			lo = fields[i][0];
		if (fields[i][0] + fields[i][1] > hi)
			hi = fields[i][0] + fields[i][1];
	}
	unsigned char span[1024];
	if (hi - lo > (long)sizeof span ||
	    target_read_memory(m->t, task + (uint64_t)lo, span, (size_t)(hi - lo)) != TARGET_OK)
		return;
	int32_t pid;
	memcpy(&n->stack, span + m->task_stack_off - lo, 8);
	memcpy(&pid, span + m->task_pid_off - lo, 4);
	memcpy(n->comm, span + m->task_comm_off - lo, 16);
	n->pid = pid;
	n->comm[16] = '\0';
	n->valid = true;
	if (!n->stack)
		return;
	long ti_lo = m->ti_flags_off < m->ti_status_off ? m->ti_flags_off : m->ti_status_off;
	long ti_hi = (m->ti_flags_off > m->ti_status_off ? m->ti_flags_off : m->ti_status_off) + 4;
	if (ti_hi - ti_lo <= (long)sizeof span &&
	    target_read_memory(m->t, n->stack + (uint64_t)ti_lo, span, (size_t)(ti_hi - ti_lo)) == TARGET_OK) {
		memcpy(&n->tif, span + m->ti_flags_off - ti_lo, 4);
		memcpy(&n->status, span + m->ti_status_off - ti_lo, 4);
		n->tif_valid = true;
	}
	/* pt_regs sits at the very top of the THREAD_SIZE stack. */
	n->ptregs_addr = n->stack + m->thread_size - (uint64_t)m->ptregs_size;
	unsigned char raw[PTREGS_MAX * 8 + 64];
	if (m->ptregs_size > 0 && (size_t)m->ptregs_size <= sizeof raw &&
	    target_read_memory(m->t, n->ptregs_addr, raw, (size_t)m->ptregs_size) == TARGET_OK) {
		kmodel_decode_ptregs(m, raw, n->ptregs);
		n->ptregs_valid = true;
	}
}

int kmodel_ptreg_index(const struct kmodel *m, const char *name)
{
	for (int i = 0; i < m->nptregs; i++)
		if (strcmp(m->ptregs_names[i], name) == 0)
			return i;
	return -1;
}

bool kmodel_ptreg(const struct kmodel *m, const char *name, uint64_t *value)
{
	int i = kmodel_ptreg_index(m, name);
	if (i < 0 || !m->now.ptregs_valid)
		return false;
	*value = m->now.ptregs[i];
	return true;
}

enum stage kmodel_stage_at(const struct kmodel *m, uint64_t pc)
{
	for (int i = 1; i < STAGE_COUNT; i++)
		if (m->stage_addr[i] && m->stage_addr[i] == pc)
			return (enum stage)i;
	return STAGE_COUNT;
}

static uint64_t reg(const struct kmodel *m, const char *name)
{
	uint64_t v = 0;
	target_reg_value(m->t, name, &v);
	return v;
}

static void push_history(struct kmodel *m, const struct syscall_record *r)
{
	if (m->nhistory == HISTORY_MAX) {
		memmove(m->history, m->history + 1, sizeof m->history[0] * (HISTORY_MAX - 1));
		m->nhistory--;
	}
	m->history[m->nhistory++] = *r;
}

/* Make `cur` the in-flight syscall of the task running now: a task that
 * blocked in a syscall (read, wait4) is parked, and picked up again when it
 * is back on the CPU. */
static void follow_task(struct kmodel *m)
{
	if (!m->now.valid)
		return;
	if (m->in_syscall && m->cur.pid == m->now.pid)
		return;
	if (m->in_syscall) {
		if (m->nparked == (int)(sizeof m->parked / sizeof *m->parked)) {
			push_history(m, &m->parked[0]); /* the oldest: never seen again */
			memmove(m->parked, m->parked + 1, sizeof m->parked[0] * (size_t)(m->nparked - 1));
			m->nparked--;
		}
		m->parked[m->nparked++] = m->cur;
		m->in_syscall = false;
	}
	for (int i = 0; i < m->nparked; i++) {
		if (m->parked[i].pid != m->now.pid)
			continue;
		m->cur = m->parked[i];
		memmove(&m->parked[i], &m->parked[i + 1], sizeof m->parked[0] * (size_t)(m->nparked - i - 1));
		m->nparked--;
		m->in_syscall = true;
		return;
	}
}

/* Strings and written buffers, read now: at the entry the user's page
 * tables are live and the memory still holds what the caller passed. */
static void peek_arguments(struct kmodel *m, struct syscall_record *r)
{
	memset(&r->peek, 0, sizeof r->peek);
	const struct syscall_desc *d = syscall_find(r->abi, r->nr);
	if (!d || !m->t->connected)
		return;
	for (int i = 0; i < d->nargs && i < 6; i++) {
		bool str = !strcmp(d->args[i].type, "str"), wbuf = !strcmp(d->args[i].type, "wbuf");
		if ((!str && !wbuf) || r->args[i] == 0)
			continue;
		size_t want = SYSCALL_PEEK;
		if (wbuf && i + 1 < d->nargs && r->args[i + 1] < want)
			want = r->args[i + 1];
		char *text = r->peek.text[i];
		/* Byte by byte would be slow; a page boundary can cut a read short. */
		size_t got = want;
		while (got > 0 && target_read_memory(m->t, r->args[i], text, got) != TARGET_OK)
			got = got > 8 ? got / 2 : got - 1;
		if (got == 0)
			continue;
		if (str) {
			size_t len = strnlen(text, got);
			r->peek.len[i] = (int)len;
		} else {
			r->peek.len[i] = (int)got;
		}
		r->peek.valid[i] = true;
	}
}

static void begin_syscall(struct kmodel *m, enum syscall_abi abi)
{
	struct syscall_record *r = &m->cur;
	/* The task's previous syscall never returned (execve, exit): keep it. */
	if (m->in_syscall)
		push_history(m, r);
	memset(r, 0, sizeof *r);
	r->seq = ++m->seq;
	r->abi = abi;
	/* At the entry point the registers still hold the user's values. */
	static const char *const regs64[6] = { "rdi", "rsi", "rdx", "r10", "r8", "r9" };
	static const char *const regs32[6] = { "rbx", "rcx", "rdx", "rsi", "rdi", "rbp" };
	r->nr = (long)reg(m, "rax");
	for (int i = 0; i < 6; i++)
		r->args[i] = reg(m, abi == ABI_32 ? regs32[i] : regs64[i]);
	if (abi == ABI_32) {
		r->nr = (long)(int32_t)r->nr;
		for (int i = 0; i < 6; i++)
			r->args[i] &= 0xffffffffUL;
	}
	r->pid = m->now.pid;
	snprintf(r->comm, sizeof r->comm, "%s", m->now.comm);
	r->tif_at_entry = m->now.tif;
	peek_arguments(m, r);
	if (m->ncounters && m->cpu_data && m->t->connected)
		r->have_counters = read_members(m, m->cpu_data + (uint64_t)m->stats_off, m->ncounters,
						m->counter_offsets, m->counter_sizes, r->counters_at_entry);
	m->in_syscall = true;
}

static void end_syscall(struct kmodel *m, enum exit_kind how)
{
	struct syscall_record *r = &m->cur;
	r->exit = how;
	uint64_t ax;
	if (kmodel_ptreg(m, "ax", &ax)) {
		r->result = r->abi == ABI_32 ? (long)(int32_t)ax : (long)ax;
		r->have_result = true;
	}
	r->complete = true;
	uint64_t now[COUNTERS_MAX];
	if (r->have_counters && m->t->connected &&
	    read_members(m, m->cpu_data + (uint64_t)m->stats_off, m->ncounters, m->counter_offsets, m->counter_sizes, now)) {
		for (int i = 0; i < m->ncounters; i++)
			r->counter_delta[i] = (int64_t)(now[i] - r->counters_at_entry[i]);
		r->have_delta = true;
	}
	if (m->ntrace && m->t->connected)
		r->have_trace = read_members(m, m->cpu_data + (uint64_t)m->trace_off, m->ntrace, m->trace_offsets,
					     m->trace_sizes, r->trace);
	push_history(m, r);
	m->in_syscall = false;
}

void kmodel_on_stop(struct kmodel *m, uint64_t pc)
{
	uint64_t cs = reg(m, "cs");
	m->in_kernel = (cs & 3) == 0;
	if (!m->in_kernel) {
		m->where = STAGE_USER;
		return;
	}
	/* Phase 1 returned: its value decides the path (0 fast, else phase 2). */
	if (m->phase1_return && pc == m->phase1_return && m->in_syscall) {
		m->cur.phase1_known = true;
		m->cur.phase1_result = (long)reg(m, "rax");
		m->phase1_return = 0;
		/* seccomp (SKIP, ERRNO, TRAP, KILL) or ptrace cancel the call by
		 * setting orig_ax to -1; the result is already in ax. */
		uint64_t orig_ax;
		if (kmodel_ptreg(m, "orig_ax", &orig_ax) && (int64_t)orig_ax == -1)
			m->cur.skipped = true;
	}
	enum stage st = kmodel_stage_at(m, pc);
	if (st == STAGE_COUNT)
		return;
	m->where = st;
	follow_task(m);
	if (st == STAGE_ENTRY || st == STAGE_INT80)
		begin_syscall(m, st == STAGE_INT80 ? ABI_32 : ABI_64);
	if (!m->in_syscall)
		return;
	struct syscall_record *r = &m->cur;
	r->visited |= 1u << st;
	switch (st) {
	case STAGE_FASTPATH:
		/* The flags the entry branch just tested (a what-if may have
		 * changed them since the entry). */
		if (r->path == PATH_UNKNOWN) {
			r->path = PATH_FAST;
			r->tif_at_entry = m->now.tif;
		}
		break;
	case STAGE_SLOWPATH:
		r->path = PATH_SLOW;
		r->tif_at_entry = m->now.tif;
		break;
	case STAGE_PHASE1: {
		r->phase1_ran = true;
		uint64_t sp = reg(m, "rsp"), ret = 0;
		if (target_read_memory(m->t, sp, &ret, 8) == TARGET_OK)
			m->phase1_return = ret;
		break;
	}
	case STAGE_PHASE2:
		r->phase2_ran = true;
		break;
	case STAGE_DO_SYSCALL:
	case STAGE_DO_INT80: {
		r->dispatched = true;
		uint64_t orig_ax;
		if (kmodel_ptreg(m, "orig_ax", &orig_ax) && (int64_t)orig_ax == -1)
			r->skipped = true;
		break;
	}
	case STAGE_SAVE_FOR_PHASE2:
	case STAGE_SAVE_FOR_STUB:
	case STAGE_SAVE_FOR_EXIT:
		r->extra_saved = true;
		break;
	case STAGE_RETURN_SLOWPATH:
		r->slow_exit = true;
		break;
	case STAGE_PREPARE_EXIT:
		if (r->exit_prepares++ == 0)
			r->exit_work = m->now.tif;
		break;
	case STAGE_EXIT_LOOP:
		if (r->exit_loops < 8)
			r->exit_loop_flags[r->exit_loops] = m->now.tif;
		r->exit_loops++;
		break;
	case STAGE_SCHEDULE:
		r->reschedules++;
		break;
	case STAGE_SYSRET:
		end_syscall(m, EXIT_SYSRET);
		break;
	case STAGE_IRET:
		end_syscall(m, EXIT_IRET);
		break;
	default:
		break;
	}
}

bool kmodel_frame_partial(const struct kmodel *m)
{
	/* Only a SYSCALL entry builds a partial frame; int $0x80, interrupts
	 * and exceptions push every register. The frame stays partial up to
	 * the fast path's SYSRET, after the record of the call has ended. */
	const struct syscall_record *c = m->in_syscall ? &m->cur : m->nhistory ? &m->history[m->nhistory - 1] : NULL;
	if (!m->in_kernel || !c || c->extra_saved || !(c->visited >> STAGE_ENTRY & 1))
		return false;
	return m->in_syscall || (c->exit == EXIT_SYSRET && m->where == STAGE_SYSRET);
}

int kmodel_set_tif(struct kmodel *m, int bit, bool on)
{
	uint64_t addr = kmodel_flags_addr(m);
	if (!addr || !m->now.tif_valid) {
		snprintf(m->t->error, sizeof m->t->error, "the current task's thread_info is unknown (%s)",
			 m->problem[0] ? m->problem : "no current task yet");
		return TARGET_ERR;
	}
	uint32_t v = m->now.tif;
	if (on)
		v |= 1u << bit;
	else
		v &= ~(1u << bit);
	int rc = target_write_memory(m->t, addr, &v, 4);
	if (rc == TARGET_OK)
		m->now.tif = v;
	return rc;
}

void kmodel_note_tif_write(struct kmodel *m, uint64_t pc, uint32_t before, uint32_t after)
{
	uint32_t changed = before ^ after;
	uint64_t off;
	const struct symbol *sym = sym_at(m->s, pc, &off);
	for (int bit = 0; bit < 32; bit++) {
		if (!(changed >> bit & 1))
			continue;
		struct tif_provenance *p = &m->provenance[bit];
		snprintf(p->function, sizeof p->function, "%s", sym ? sym->name : "?");
		p->pc = pc;
		p->set = after >> bit & 1;
		p->seq = m->seq;
	}
}
