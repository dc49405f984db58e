/* frames: the call stack on both sides of the boundary, frame selection,
 * locals, `display`, and the user program's symbols.
 *
 * Unwinding. The kernel and the user programs are built with
 * -fno-omit-frame-pointer and -g but -fno-asynchronous-unwind-tables
 * (mk/toolchain.mk), so there is no .eh_frame but every C function has a
 * .debug_frame entry: DWARF CFI through libdw (dwarf_cfi_addrframe,
 * dwarf_frame_cfa, dwarf_frame_register) is exact at every instruction,
 * prologues included, and restores the callee-saved registers, where the
 * frame-pointer chain is right only after `push %rbp; mov %rsp,%rbp`. The
 * chain is the fallback for code without CFI in the same half of the
 * address space (hand-written assembly in a user program); before it, for
 * a user function with a symbol, a prologue analyser (unwind_prologue).
 * The exception and interrupt stubs have CFI marked as signal frames
 * (the interrupted registers in the stub's pt_regs); a user signal
 * trampoline is recognised by its code (unwind_sigtramp). The SYSCALL
 * entry code (os/entry/entry_64.S) has no CFI: below it the caller is the user
 * program, whose registers are in the task's pt_regs (each slot taken from
 * memory once pushed, from the CPU before that and, on the SYSCALL fast
 * path's partial frame, for bx bp r12-r15), or still in the CPU at the
 * SYSCALL's first instructions (rip in rcx). */
#include "session.h"
#include "disasm.h"

#include <dwarf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const reg_names[FRAME_REGS] = {
	"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
};
enum { R_RCX = 2, R_RBX = 3, R_RBP = 6, R_RSP = 7, R_R11 = 11, R_R12 = 12, R_RIP = 16 };

/* pt_regs slot name -> DWARF register number (-1: not a register). */
static int ptregs_slot_reg(const char *slot)
{
	static const char *const names[FRAME_REGS] = {
		"ax", "dx", "cx", "bx", "si", "di", "bp", "sp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "ip",
	};
	for (int i = 0; i < FRAME_REGS; i++)
		if (strcmp(names[i], slot) == 0)
			return i;
	return -1;
}

static bool user_address(uint64_t a)
{
	return a < 0x0000800000000000ULL;
}

struct symbols *session_syms_for(struct session *s, uint64_t addr)
{
	return user_address(addr) && s->usyms ? s->usyms : s->ksyms;
}

/* --- the user program ----------------------------------------------------- */

static bool find_program(struct session *s, const char *comm, char *path, size_t cap)
{
	/* The kernel names a task after the last component of the path it
	 * exec'd, cut to TASK_COMM_LEN - 1 = 15 bytes (os/kernel/exec.c). */
	for (int i = 0; i < s->nprograms; i++) {
		const char *base = strrchr(s->programs[i], '/');
		base = base ? base + 1 : s->programs[i];
		if (strncmp(base, comm, 15) == 0 && strlen(comm) == (strlen(base) < 15 ? strlen(base) : 15)) {
			snprintf(path, cap, "%s", s->programs[i]);
			return true;
		}
	}
	for (int i = 0; i < s->nuser_dirs; i++) {
		snprintf(path, cap, "%s/%s", s->user_dirs[i], comm);
		if (access(path, R_OK) == 0)
			return true;
	}
	return false;
}

struct symbols *session_program(struct session *s, const char *comm)
{
	int i;
	for (i = 0; i < s->nucache && strcmp(s->ucache[i].comm, comm) != 0; i++)
		;
	if (i < s->nucache)
		return s->ucache[i].syms;
	if (i == (int)(sizeof s->ucache / sizeof s->ucache[0])) {
		i = 0; /* full: reuse the oldest */
		if (s->usyms == s->ucache[0].syms)
			s->usyms = NULL, s->usyms_tried[0] = '\0';
		if (s->syms == s->ucache[0].syms)
			s->syms = s->ksyms;
		symbols_close(s->ucache[0].syms);
	} else {
		s->nucache++;
	}
	char path[600], err[512] = "";
	snprintf(s->ucache[i].comm, sizeof s->ucache[i].comm, "%s", comm);
	s->ucache[i].syms = find_program(s, comm, path, sizeof path) ? symbols_open(path, err, sizeof err) : NULL;
	if (!s->ucache[i].syms && err[0])
		session_printf(s, "user program %s: %s", path, err);
	return s->ucache[i].syms;
}

void session_switch_symbols(struct session *s)
{
	uint64_t cs = 0;
	bool user = s->t.connected && target_reg_value(&s->t, "cs", &cs) && (cs & 3) == 3;
	const char *comm = s->model.now.valid ? s->model.now.comm : "";
	if (s->model.now.valid && comm[0] && strcmp(comm, s->usyms_tried) != 0) {
		/* Another task (or the same one after an exec): its program,
		 * loaded once per name. */
		snprintf(s->usyms_tried, sizeof s->usyms_tried, "%s", comm);
		s->usyms = session_program(s, comm);
	}
	s->syms = user && s->usyms ? s->usyms : s->ksyms;
}

const char *session_program_comm(const struct symbols *y, char *out, size_t cap)
{
	const char *base = y ? strrchr(y->path, '/') : NULL;
	base = base ? base + 1 : y ? y->path : "";
	snprintf(out, cap < 16 ? cap : 16, "%s", base); /* TASK_COMM_LEN - 1 */
	return out;
}

/* --- unwinding ------------------------------------------------------------- */

static bool read_u64(struct session *s, uint64_t addr, uint64_t *out)
{
	return target_read_memory(&s->t, addr, out, 8) == TARGET_OK;
}

static bool has_reg(const struct frame *f, int r)
{
	return (f->known >> r) & 1;
}

static void set_reg(struct frame *f, int r, uint64_t v)
{
	f->regs[r] = v;
	f->known |= 1u << r;
}

static uint64_t lookup_pc(const struct frame *f)
{
	return f->pc - (f->caller ? 1 : 0);
}

/* The vector in common_entry: in the slot the stub pushed it to ([rsp])
 * until the `xchg` swaps it into rdi, then in rbx from the `mov %rdi,%rbx`
 * on (kept there across the handler call); -1 if not known. */
static int common_entry_vector(struct session *s, const struct frame *f, uint64_t start)
{
	unsigned char code[128];
	bool xchg = false, in_rbx = f->caller;
	if (!f->caller && f->pc >= start && f->pc - start <= sizeof code - 16 &&
	    target_read_memory(&s->t, start, code, sizeof code) == TARGET_OK) {
		for (uint64_t a = start; a < f->pc;) {
			struct insn in;
			if (!disasm_one(code + (a - start), sizeof code - (size_t)(a - start), a, 64, &in) || !in.size)
				return -1;
			xchg |= strcmp(in.mnemonic, "xchg") == 0;
			in_rbx |= strcmp(in.mnemonic, "mov") == 0 && in.nops == 2 && in.op[0].type == OP_REG &&
				  strcmp(in.op[0].reg, "rbx") == 0 && in.op[1].type == OP_REG && strcmp(in.op[1].reg, "rdi") == 0;
			a += (uint64_t)in.size;
		}
	}
	uint64_t v = (uint64_t)-1;
	if (in_rbx && has_reg(f, R_RBX))
		v = f->regs[R_RBX];
	else if (!in_rbx && xchg && has_reg(f, 5))
		v = f->regs[5]; /* rdi */
	else if (!in_rbx && !xchg && has_reg(f, R_RSP))
		read_u64(s, f->regs[R_RSP], &v);
	return v < 256 ? (int)v : -1;
}

/* The caller of F by its CFI. */
static bool unwind_cfi(struct session *s, struct frame *f, struct frame *c)
{
	struct symbols *y = f->syms;
	if (!y)
		return false;
	/* .debug_frame (our -g builds), else .eh_frame (a static glibc or
	 * musl program's library code has only that). */
	Dwarf_CFI *cfi = y->dwarf ? dwarf_getcfi(y->dwarf) : NULL, *own = NULL;
	Dwarf_Frame *fr = NULL;
	if (!cfi || dwarf_cfi_addrframe(cfi, lookup_pc(f), &fr) != 0) {
		/* libdw keeps the .debug_frame CFI with the Dwarf handle, but
		 * each dwarf_getcfi_elf is a new one, ended here. */
		cfi = own = y->elf ? dwarf_getcfi_elf(y->elf) : NULL;
		if (!cfi || dwarf_cfi_addrframe(cfi, lookup_pc(f), &fr) != 0) {
			if (own)
				dwarf_cfi_end(own);
			return false;
		}
	}
	bool ok = false;
	Dwarf_Op *ops;
	size_t n;
	uint64_t cfa;
	bool isval;
	if (dwarf_frame_cfa(fr, &ops, &n) != 0 || !session_eval_cfi(s, f, 0, ops, n, &cfa, &isval))
		goto out;
	f->cfa = cfa;
	bool signalp = false;
	int ra = dwarf_frame_info(fr, NULL, NULL, &signalp);
	bool rsp_rule = false;
	memset(c, 0, sizeof *c);
	for (int r = 0; r < FRAME_REGS; r++) {
		Dwarf_Op mem[3];
		if (dwarf_frame_register(fr, r, mem, &ops, &n) != 0)
			continue;
		uint64_t v;
		if (n == 0) {
			/* "same value", or no rule: the psABI's callee-saved
			 * registers (rbx rbp r12-r15) keep their value unless the
			 * CFI says where they were saved; the others are lost. */
			bool callee_saved = r == R_RBX || r == R_RBP || (r >= R_R12 && r <= 15);
			/* In a stub (a signal frame) a register without a
			 * rule is one not saved yet, or restored: still the
			 * interrupted code's. */
			if ((ops == NULL || callee_saved || signalp) && has_reg(f, r))
				set_reg(c, r, f->regs[r]);
			continue;
		}
		if (!session_eval_cfi(s, f, cfa, ops, n, &v, &isval))
			continue;
		if (!isval && !read_u64(s, v, &v))
			continue;
		set_reg(c, r, v);
		rsp_rule |= r == R_RSP;
	}
	/* x86-64: the caller's rsp is the CFA, unless the CFI says where it
	 * is (a stub's pt_regs->sp: the CPU aligned the stack before it
	 * pushed the frame). */
	if (!rsp_rule)
		set_reg(c, R_RSP, cfa);
	if (ra >= 0 && ra < FRAME_REGS && has_reg(c, ra)) {
		c->pc = c->regs[ra];
		set_reg(c, R_RIP, c->pc);
		ok = true;
	}
	c->how = "cfi";
	c->vector = -1;
	if (signalp && !f->user) {
		/* An exception or interrupt stub (os/entry/entry_64.S, whose
		 * CFI marks it a signal frame): the interrupted code is below. */
		c->how = "the stub's pt_regs (CFI)";
		c->trap = "exception";
		uint64_t off;
		const struct symbol *sym = sym_at(y, lookup_pc(f), &off);
		if (sym && strncmp(sym->name, "idt_stub_", 9) == 0)
			c->vector = atoi(sym->name + 9);
		else if (sym && strcmp(sym->name, "common_entry") == 0)
			c->vector = common_entry_vector(s, f, sym->addr);
		if (c->vector == 14)
			c->trap = "page fault";
		else if (c->vector >= 32 && c->vector < 48)
			c->trap = "interrupt";
		else if (c->vector < 0)
			c->trap = "interrupt or exception";
	}
out:
	free(fr);
	if (own)
		dwarf_cfi_end(own);
	return ok;
}

/* The caller of F by the frame-pointer chain: [rbp] the caller's rbp,
 * [rbp+8] the return address. */
static bool unwind_fp(struct session *s, struct frame *f, struct frame *c)
{
	uint64_t bp = f->regs[R_RBP], sp = f->regs[R_RSP], ret, next;
	if (!has_reg(f, R_RBP) || !bp || (bp & 7) || user_address(bp) != user_address(f->pc) ||
	    (has_reg(f, R_RSP) && bp < sp) || !read_u64(s, bp, &next) || !read_u64(s, bp + 8, &ret))
		return false;
	memset(c, 0, sizeof *c);
	set_reg(c, R_RBP, next);
	set_reg(c, R_RSP, bp + 16);
	c->pc = ret;
	set_reg(c, R_RIP, ret);
	c->how = "frame pointer";
	return true;
}

/* F is a signal trampoline, as GDB's amd64 Linux sigtramp sniffer decides:
 * the code at its pc (or up to the end of the syscall, when stopped in it)
 * is rt_sigreturn's `mov $15,%eax; syscall` (our libc) or `mov $15,%rax;
 * syscall` (musl's __restore_rt, glibc's __restore_rt). Its rsp is then
 * just past the rt_sigframe's pretcode, at the ucontext (Linux's x86-64
 * layout, os/include/ringside/sigframe.h), whose uc_mcontext (at +40)
 * holds the interrupted registers. */
static const uint8_t sigreturn_eax[] = { 0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05 };
static const uint8_t sigreturn_rax[] = { 0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05 };
#define UC_MCONTEXT 40
static bool unwind_sigtramp(struct session *s, struct frame *f, struct frame *c)
{
	if (!f->user || !has_reg(f, R_RSP))
		return false;
	uint8_t code[32];
	uint64_t base = f->pc - 16;
	if (target_read_memory(&s->t, base, code, sizeof code) != TARGET_OK)
		return false;
	/* pc at the mov, at the syscall, or just after it (the kernel side
	 * of rt_sigreturn, where the user rip follows the SYSCALL). */
	const struct { const uint8_t *bytes; int len, mov; } forms[] = {
		{ sigreturn_eax, sizeof sigreturn_eax, 5 }, { sigreturn_rax, sizeof sigreturn_rax, 7 },
	};
	bool found = false;
	for (size_t i = 0; i < 2 && !found; i++) {
		const int at[] = { 0, forms[i].mov, forms[i].len };
		for (int k = 0; k < 3 && !found; k++)
			found = memcmp(code + 16 - at[k], forms[i].bytes, (size_t)forms[i].len) == 0;
	}
	if (!found)
		return false;
	uint64_t uc = f->regs[R_RSP];
	uint64_t mc[18];
	if (target_read_memory(&s->t, uc + UC_MCONTEXT, mc, sizeof mc) != TARGET_OK)
		return false;
	/* struct sigcontext: r8..r15, di si bp bx dx ax cx sp ip flags */
	static const int order[18] = { 8, 9, 10, 11, 12, 13, 14, 15, 5, 4, 6, 3, 1, 0, 2, 7, 16, -1 };
	memset(c, 0, sizeof *c);
	for (int i = 0; i < 18; i++)
		if (order[i] >= 0)
			set_reg(c, order[i], mc[i]);
	c->pc = c->regs[R_RIP];
	c->how = "the rt_sigframe's uc_mcontext";
	c->vector = -1;
	f->sigtramp = true;
	f->sigframe = uc - 8;
	int32_t signo = 0;
	if (target_read_memory(&s->t, f->sigframe + 304 + 8, &signo, 4) == TARGET_OK)
		f->signo = signo;
	return true;
}

/* The caller of F, a user function without CFI (Debian's static musl has
 * none for its syscall wrappers), by reading the function's code from its
 * symbol's start to the pc with capstone, as GDB's amd64_analyze_prologue
 * does for the `push %rbp; mov %rsp,%rbp` prologue, and further: every
 * push, pop, `sub/add $N,%rsp` on the way is counted (musl's write pushes
 * an argument mid-body before its call), a `ret` or `jmp` resets the depth
 * to the body's (code after an early epilogue runs at the body's depth),
 * and once rbp is the frame pointer the CFA is rbp + 16. Callee-saved
 * registers pushed in the prologue are read back from their slots.
 * It cannot follow: a function without a symbol (stripped), rsp changed
 * by anything else without a frame pointer (`and $-16,%rsp`, alloca's
 * `sub %rax,%rsp`), code reached by a jump into an epilogue, or a pc more
 * than 4 KiB into its function; it then says so and the chain is tried.
 * A function that starts by clearing rbp is the outermost (the psABI's
 * mark, _start's first instruction): nothing is below it. */
static bool unwind_prologue(struct session *s, struct frame *f, struct frame *c, const char **why)
{
	uint64_t off;
	const struct symbol *sym = f->user && f->syms ? sym_at(f->syms, lookup_pc(f), &off) : NULL;
	if (!sym || !has_reg(f, R_RSP))
		return false;
	uint64_t start = sym->addr, end = f->pc;
	static unsigned char code[4096 + 16];
	if (end < start || end - start > 4096 ||
	    target_read_memory(&s->t, start, code, (size_t)(end - start) + 16) != TARGET_OK)
		return false;
	static const char *const callee_saved[] = { "rbx", "rbp", "r12", "r13", "r14", "r15" };
	static const int callee_reg[] = { R_RBX, R_RBP, R_R12, 13, 14, 15 };
	int64_t depth = 0, body = -1, fp_depth = -1, saved[6] = { -1, -1, -1, -1, -1, -1 };
	for (uint64_t a = start; a < end;) {
		struct insn in;
		if (!disasm_one(code + (a - start), (size_t)(end - a) + 16, a, 64, &in) || in.size == 0) {
			*why = "the prologue analyser could not decode the function";
			return false;
		}
		const char *m = in.mnemonic;
		if (a == start && strcmp(m, "xor") == 0 && in.nops == 2 && in.op[0].type == OP_REG &&
		    in.op[1].type == OP_REG && strcmp(in.op[0].reg, in.op[1].reg) == 0 &&
		    (strcmp(in.op[0].reg, "ebp") == 0 || strcmp(in.op[0].reg, "rbp") == 0))
			return false; /* _start: the psABI's outermost frame clears rbp */
		bool rsp_dst = in.nops > 0 && in.op[0].type == OP_REG && strcmp(in.op[0].reg, "rsp") == 0;
		bool prologue_insn = false;
		if (strcmp(m, "push") == 0) {
			depth += 8;
			for (int i = 0; i < 6 && body < 0; i++)
				if (in.op[0].type == OP_REG && strcmp(in.op[0].reg, callee_saved[i]) == 0 && saved[i] < 0)
					saved[i] = depth, prologue_insn = true;
		} else if (strcmp(m, "pop") == 0) {
			depth -= 8;
		} else if (rsp_dst && (strcmp(m, "sub") == 0 || strcmp(m, "add") == 0) && in.op[1].type == OP_IMM) {
			depth += strcmp(m, "sub") == 0 ? in.op[1].imm : -in.op[1].imm;
			prologue_insn = strcmp(m, "sub") == 0;
		} else if (strcmp(m, "mov") == 0 && in.op[0].type == OP_REG && strcmp(in.op[0].reg, "rbp") == 0 &&
			   in.op[1].type == OP_REG && strcmp(in.op[1].reg, "rsp") == 0) {
			fp_depth = depth;
			prologue_insn = true;
		} else if (strcmp(m, "leave") == 0 && fp_depth >= 0) {
			depth = fp_depth - 8;
			fp_depth = -1;
		} else if (in.is_ret || strcmp(m, "jmp") == 0) {
			if (body >= 0)
				depth = body; /* the next instruction is reached by a branch */
		} else if (rsp_dst && fp_depth < 0) {
			*why = "the prologue analyser cannot follow a change of rsp here (no frame pointer)";
			return false;
		}
		if (!prologue_insn && body < 0)
			body = depth;
		a += (uint64_t)in.size;
	}
	memset(c, 0, sizeof *c);
	uint64_t cfa = fp_depth >= 0 && has_reg(f, R_RBP) ? f->regs[R_RBP] + (uint64_t)fp_depth + 8 :
			f->regs[R_RSP] + (uint64_t)depth + 8;
	uint64_t ret, v;
	if (!read_u64(s, cfa - 8, &ret))
		return false;
	for (int i = 0; i < 6; i++) {
		int r = callee_reg[i];
		if (saved[i] >= 0 && read_u64(s, cfa - 8 - (uint64_t)saved[i], &v))
			set_reg(c, r, v);
		else if (saved[i] < 0 && has_reg(f, r))
			set_reg(c, r, f->regs[r]);
	}
	set_reg(c, R_RSP, cfa);
	c->pc = ret;
	set_reg(c, R_RIP, ret);
	c->cfa = cfa;
	f->cfa = cfa;
	c->how = "prologue analysis";
	return true;
}

/* Below the entry code: the user program, from pt_regs or the CPU. */
static bool unwind_boundary(struct session *s, struct frame *f, struct frame *c, const char **why)
{
	struct kmodel *m = &s->model;
	uint64_t sp = f->regs[R_RSP];
	if (f->user || !has_reg(f, R_RSP) || !m->now.valid)
		return false;
	memset(c, 0, sizeof *c);
	if (user_address(sp)) {
		/* SYSCALL's first instructions (the only kernel code that runs
		 * on a user stack): the user's rip in rcx and rflags in r11;
		 * the rest untouched. */
		for (int r = 0; r < FRAME_REGS; r++)
			if (r != R_RCX && r != R_R11 && r != R_RIP && has_reg(f, r))
				set_reg(c, r, f->regs[r]);
		if (!has_reg(f, R_RCX))
			return false;
		c->pc = f->regs[R_RCX];
		set_reg(c, R_RIP, c->pc);
		c->how = "SYSCALL (rip in rcx)";
		return true;
	}
	uint64_t pt = m->now.ptregs_addr;
	uint64_t below = m->thread_size ? m->thread_size : 16384;
	if (!pt || sp > pt + (uint64_t)m->ptregs_size || (sp < pt && pt - sp > below))
		return false; /* not on this task's kernel stack */
	/* Only slots already pushed (at or above rsp) hold the user's values;
	 * below rsp the CPU still has them. */
	bool partial = kmodel_frame_partial(m);
	uint64_t cs = 0;
	bool have_ip = false, have_cs = false;
	for (int i = 0; i < m->nptregs; i++) {
		const char *name = m->ptregs_names[i];
		uint64_t addr = pt + (uint64_t)m->ptregs_offsets[i];
		int r = ptregs_slot_reg(name);
		bool pushed = addr >= sp;
		uint64_t v = m->now.ptregs[i];
		if (strcmp(name, "cs") == 0 && pushed) {
			cs = v;
			have_cs = true;
		} else if (strcmp(name, "cs") == 0 && has_reg(f, R_RCX)) {
			cs = 3; /* not pushed yet: SYSCALL's frame, from user mode */
			have_cs = true;
		}
		if (r < 0)
			continue;
		bool extra = r == R_RBX || r == R_RBP || (r >= R_R12 && r <= 15);
		if (pushed && !(partial && extra) && m->now.ptregs_valid)
			set_reg(c, r, v);
		else if (r == R_RIP && has_reg(f, R_RCX))
			set_reg(c, r, f->regs[R_RCX]); /* SYSCALL left it in rcx */
		else if (has_reg(f, r) && r != R_RSP && r != R_RIP)
			set_reg(c, r, f->regs[r]);
		if (r == R_RIP && has_reg(c, R_RIP))
			have_ip = true;
		long off, size;
		uint64_t parked;
		if (r == R_RSP && !has_reg(c, R_RSP) && m->cpu_data && s->ksyms &&
		    sym_member(s->ksyms, "percpu", "rsp_scratch", &off, &size) && size == 8 &&
		    read_u64(s, m->cpu_data + (uint64_t)off, &parked))
			set_reg(c, R_RSP, parked); /* SYSCALL parked it in cpu_data.rsp_scratch */
		if (r == R_RSP && !has_reg(c, R_RSP)) {
			*why = "the user rsp is parked in the per-CPU area (not pushed yet)";
			return false;
		}
	}
	if (!have_ip || !have_cs || (cs & 3) != 3 || !has_reg(c, R_RIP)) {
		*why = "the user registers are not in pt_regs yet";
		return false;
	}
	c->pc = c->regs[R_RIP];
	c->how = "pt_regs";
	return true;
}

uint64_t session_stop_key(const struct session *s)
{
	/* FNV-1a over the stop count and the `g` image. */
	uint64_t h = 0xcbf29ce484222325ULL ^ s->stops;
	for (int i = 0; s->t.g_valid && i < s->t.g_size; i++)
		h = (h ^ s->t.g[i]) * 0x100000001b3ULL;
	return h | 1; /* never 0, the initial value */
}

int session_frames(struct session *s)
{
	uint64_t key = session_stop_key(s);
	if (s->frames_key == key)
		return s->nframes;
	s->frames_key = key;
	s->nframes = 0;
	s->frame_sel = 0;
	s->frames_end = "";
	if (!s->t.connected || !s->t.g_valid)
		return 0;
	struct frame *f = &s->frames[0];
	memset(f, 0, sizeof *f);
	for (int r = 0; r < FRAME_REGS; r++) {
		uint64_t v;
		if (target_reg_value(&s->t, reg_names[r], &v))
			set_reg(f, r, v);
	}
	uint64_t cs = 0;
	target_reg_value(&s->t, "cs", &cs);
	f->pc = target_pc(&s->t);
	f->user = (cs & 3) == 3;
	f->syms = f->user ? s->usyms : s->ksyms;
	f->how = "cpu";
	s->nframes = 1;
	while (s->nframes < FRAME_MAX) {
		f = &s->frames[s->nframes - 1];
		struct frame c;
		const char *why = NULL, *pwhy = NULL;
		bool ok = false;
		bool exact = false;
		if (unwind_sigtramp(s, f, &c)) {
			ok = exact = true;
			c.user = true;
			f->caller = false; /* the handler returned to its first instruction */
		} else if (unwind_cfi(s, f, &c)) {
			ok = true;
			c.user = c.trap ? user_address(c.pc) : f->user;
			exact = c.trap != NULL;
		} else if (f->user && unwind_prologue(s, f, &c, &pwhy)) {
			ok = true;
			c.user = true;
		} else if (!f->user && unwind_boundary(s, f, &c, &why)) {
			ok = true;
			c.user = true;
		} else if (!why && unwind_fp(s, f, &c)) {
			ok = true;
			c.user = f->user;
		}
		if (!ok) {
			s->frames_end = why ? why : pwhy ? pwhy : f->user ? "no CFI and no frame-pointer chain here (the program's start)" :
				"no CFI and no user frame below (a kernel thread, or not in a syscall)";
			break;
		}
		if (!c.pc) {
			s->frames_end = "return address 0 (the outermost frame)";
			break;
		}
		/* A return address: look up the line of the call before it. At
		 * the boundary too, in a syscall: the pc follows the SYSCALL
		 * instruction (an interrupt's pc is exact). */
		uint64_t orig_ax = (uint64_t)-1;
		kmodel_ptreg(&s->model, "orig_ax", &orig_ax);
		c.caller = !exact && (strcmp(c.how, "pt_regs") != 0 || orig_ax != (uint64_t)-1);
		c.syms = c.user ? s->usyms : s->ksyms;
		if (c.user == f->user && has_reg(&c, R_RSP) && has_reg(f, R_RSP) && c.regs[R_RSP] <= f->regs[R_RSP]) {
			s->frames_end = "the stack stopped growing";
			break;
		}
		uint64_t off;
		if (!c.syms || !sym_at(c.syms, lookup_pc(&c), &off)) {
			s->frames_end = c.user ? "a user address without symbols (load the program: --program FILE)" :
				"an address without a symbol";
			if (c.user && !c.syms) {
				s->frames[s->nframes++] = c; /* still show where */
			}
			break;
		}
		s->frames[s->nframes++] = c;
	}
	return s->nframes;
}

const struct frame *session_frame(struct session *s)
{
	if (session_frames(s) == 0)
		return NULL;
	if (s->frame_sel >= s->nframes)
		s->frame_sel = 0;
	return &s->frames[s->frame_sel];
}

/* --- describing frames ---------------------------------------------------- */

/* The concrete scopes the frame's pc is in, outermost first: the
 * function's DW_TAG_subprogram, then the lexical blocks and inlined calls
 * inside it that contain the pc. (dwarf_getscopes follows an inlined
 * call into its abstract definition instead, losing the caller.) */
#define SCOPES_MAX 16
static int frame_scopes(const struct frame *f, Dwarf_Die *chain)
{
	if (!f->syms || !f->syms->dwarf)
		return 0;
	uint64_t pc = lookup_pc(f);
	Dwarf_Die cu;
	if (!dwarf_addrdie(f->syms->dwarf, pc, &cu)) {
		/* libdw without .debug_aranges: walk the CUs. */
		Dwarf_Off off = 0, next;
		size_t hsize;
		bool found = false;
		while (!found && dwarf_nextcu(f->syms->dwarf, off, &next, &hsize, NULL, NULL, NULL) == 0) {
			found = dwarf_offdie(f->syms->dwarf, off + hsize, &cu) && dwarf_haspc(&cu, pc) > 0;
			off = next;
		}
		if (!found)
			return 0;
	}
	int n = 0;
	Dwarf_Die parent = cu, child;
	for (bool descended = true; descended && n < SCOPES_MAX;) {
		descended = false;
		if (dwarf_child(&parent, &child) != 0)
			break;
		do {
			int tag = dwarf_tag(&child);
			bool scope = n == 0 ? tag == DW_TAG_subprogram :
				     tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine;
			if (scope && dwarf_haspc(&child, pc) > 0) {
				chain[n++] = child;
				parent = child;
				descended = true;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return n;
}

/* The frame's function DIE and the name of the innermost inlined call the
 * pc is in, if any. */
static const char *die_name(Dwarf_Die *d);
static bool frame_function(struct session *s, const struct frame *f, Dwarf_Die *func, char *inl, size_t cap)
{
	(void)s;
	Dwarf_Die chain[SCOPES_MAX];
	int n = frame_scopes(f, chain);
	inl[0] = '\0';
	for (int i = n - 1; i > 0 && !inl[0]; i--)
		if (dwarf_tag(&chain[i]) == DW_TAG_inlined_subroutine)
			snprintf(inl, cap, "%s", die_name(&chain[i]));
	if (n > 0)
		*func = chain[0];
	return n > 0;
}

static const char *die_name(Dwarf_Die *d)
{
	Dwarf_Attribute a;
	const char *nm = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &a));
	return nm ? nm : "?";
}

/* Shorten a value for a one-line frame: the first line, at most MAX chars. */
static void clip(char *v, size_t max)
{
	if (strlen(v) > max) {
		v[max - 3] = '\0';
		strcat(v, "...");
	}
}

void session_frame_text(struct session *s, int n, char *out, size_t cap)
{
	const struct frame *f = &s->frames[n];
	size_t len = (size_t)snprintf(out, cap, "#%-2d ", n);
	if (f->sigtramp) {
		uint64_t off = 0;
		const struct symbol *sym = f->syms ? sym_at(f->syms, f->pc, &off) : NULL;
		char where[160];
		if (sym && off)
			snprintf(where, sizeof where, "%s+%" PRIu64, sym->name, off);
		else
			snprintf(where, sizeof where, "%s", sym ? sym->name : "??");
		snprintf(out + len, cap - len,
			 "<signal handler called> (signal %d; %#" PRIx64 " in %s, the sa_restorer; rt_sigframe at %#" PRIx64 ")",
			 f->signo, f->pc, where, f->sigframe);
		return;
	}
	if (f->caller || n > 0)
		len += (size_t)snprintf(out + len, cap - len, "%#" PRIx64 " in ", f->pc);
	Dwarf_Die func;
	char inl[64];
	uint64_t off = 0;
	const struct symbol *sym = f->syms ? sym_at(f->syms, lookup_pc(f), &off) : NULL;
	if (sym)
		off = f->pc - sym->addr; /* of the address shown, not of the lookup */
	if (len < cap && frame_function(s, f, &func, inl, sizeof inl)) {
		len += (size_t)snprintf(out + len, cap - len, "%s (", die_name(&func));
		Dwarf_Die child;
		int k = 0;
		if (dwarf_child(&func, &child) == 0) {
			do {
				if (dwarf_tag(&child) != DW_TAG_formal_parameter || len >= cap)
					continue;
				char val[256];
				session_var_text(s, f, &child, &func, val, sizeof val);
				if (strncmp(val, "<optimised out>", 15) == 0)
					val[15] = '\0'; /* the reason is in `info locals` */
				clip(val, 48);
				len += (size_t)snprintf(out + len, cap - len, "%s%s=%s", k++ ? ", " : "", die_name(&child), val);
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		if (len < cap)
			len += (size_t)snprintf(out + len, cap - len, ")");
	} else if (len < cap && sym) {
		if (off)
			len += (size_t)snprintf(out + len, cap - len, "%s+%" PRIu64 " ()", sym->name, off);
		else
			len += (size_t)snprintf(out + len, cap - len, "%s ()", sym->name);
	} else if (len < cap) {
		len += (size_t)snprintf(out + len, cap - len, "?? ()");
	}
	const char *file, *ofile;
	int line, oline;
	if (len < cap && f->syms && sym_line_at(f->syms, lookup_pc(f), &file, &line)) {
		const char *base = strrchr(file, '/');
		if (session_outer_line(f->syms, lookup_pc(f), &ofile, &oline) && (oline != line || strcmp(ofile, file) != 0)) {
			const char *obase = strrchr(ofile, '/');
			len += (size_t)snprintf(out + len, cap - len, " at %s:%d [in inlined %s, %s:%d]", obase ? obase + 1 : ofile,
						oline, inl[0] ? inl : "code", base ? base + 1 : file, line);
		} else {
			len += (size_t)snprintf(out + len, cap - len, " at %s:%d", base ? base + 1 : file, line);
		}
	}
	(void)len;
}

/* The line that separates kernel frames from the user frames below them. */
static void boundary_text(struct session *s, const struct frame *c, char *out, size_t cap)
{
	snprintf(out, cap, "--- user mode: pid %d %s, %s%s; registers from %s ---", s->model.now.pid,
		 s->model.now.comm, c->syms ? "program " : "no program loaded for it",
		 c->syms ? c->syms->path : "", c->how);
}

/* The line that marks a saved-register frame: what stopped the code below
 * it, and in which mode it ran. */
void session_trap_text(struct session *s, const struct frame *c, char *out, size_t cap)
{
	char what[96] = "";
	if (c->vector >= 32 && c->vector < 48)
		snprintf(what, sizeof what, " IRQ %d%s (vector %d)", c->vector - 32, c->vector == 32 ? ", the timer" : "",
			 c->vector);
	else if (c->vector >= 0)
		snprintf(what, sizeof what, " (vector %d)", c->vector);
	if (!c->user) {
		snprintf(out, cap, "--- <%s>%s from kernel mode; registers from %s ---", c->trap, what, c->how);
		return;
	}
	snprintf(out, cap, "--- <%s>%s from user mode: pid %d %s, %s%s; registers from %s ---", c->trap, what,
		 s->model.now.pid, s->model.now.comm, c->syms ? "program " : "no program loaded for it",
		 c->syms ? c->syms->path : "", c->how);
}

int session_backtrace(struct session *s, int max)
{
	int n = session_frames(s);
	if (n == 0) {
		session_error(s, "backtrace: no registers (not connected?)");
		return -1;
	}
	for (int i = 0; i < n && (max <= 0 || i < max); i++) {
		char text[1024];
		if (i > 0 && s->frames[i].trap) {
			session_trap_text(s, &s->frames[i], text, sizeof text);
			session_printf(s, "%s", text);
		} else if (i > 0 && s->frames[i].user && !s->frames[i - 1].user) {
			boundary_text(s, &s->frames[i], text, sizeof text);
			session_printf(s, "%s", text);
		}
		session_frame_text(s, i, text, sizeof text);
		session_printf(s, "%s%s", text, i == s->frame_sel && s->frame_sel > 0 ? "   <= selected" : "");
	}
	if (max > 0 && n > max)
		session_printf(s, "(%d more frames)", n - max);
	else
		session_printf(s, "(end of the stack: %s)", s->frames_end);
	return 0;
}

int session_select_frame(struct session *s, int n)
{
	int count = session_frames(s);
	if (count == 0) {
		session_error(s, "frame: no registers (not connected?)");
		return -1;
	}
	if (n < 0 || n >= count) {
		session_error(s, "frame %d: the stack has frames 0 to %d (see bt)", n, count - 1);
		return -1;
	}
	s->frame_sel = n;
	s->source_scroll = 0;
	char text[1024];
	session_frame_text(s, n, text, sizeof text);
	session_printf(s, "%s", text);
	const struct frame *f = &s->frames[n];
	const char *file;
	int line;
	if (f->syms && sym_line_at(f->syms, lookup_pc(f), &file, &line)) {
		const char *src = sym_source_line(f->syms, file, line, NULL);
		if (src)
			session_printf(s, "%-6d %s", line, src);
	}
	return 0;
}

bool session_outer_line(struct symbols *y, uint64_t pc, const char **file, int *line)
{
	if (!y || !sym_line_at(y, pc, file, line))
		return false;
	struct frame f = { .pc = pc, .syms = y };
	Dwarf_Die chain[SCOPES_MAX];
	int n = frame_scopes(&f, chain);
	for (int i = 1; i < n; i++) {
		if (dwarf_tag(&chain[i]) != DW_TAG_inlined_subroutine)
			continue;
		/* The outermost inlined call: its call site is the line. */
		Dwarf_Attribute a;
		Dwarf_Word cl, cf;
		Dwarf_Die cu;
		Dwarf_Files *files;
		size_t nfiles;
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_line, &a), &cl) != 0 ||
		    dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_file, &a), &cf) != 0 ||
		    !dwarf_diecu(&chain[i], &cu, NULL, NULL) || dwarf_getsrcfiles(&cu, &files, &nfiles) != 0 ||
		    cf >= nfiles)
			break;
		const char *name = dwarf_filesrc(files, cf, NULL, NULL);
		if (name) {
			*file = name;
			*line = (int)cl;
		}
		break;
	}
	return true;
}

bool session_frame_local(struct session *s, const struct frame *f, const char *name, Dwarf_Die *var, Dwarf_Die *func)
{
	(void)s;
	Dwarf_Die chain[SCOPES_MAX];
	int n = frame_scopes(f, chain);
	/* Innermost scope first: a block's variable hides the function's. */
	for (int i = n - 1; i >= 0; i--) {
		Dwarf_Die child;
		if (dwarf_child(&chain[i], &child) != 0)
			continue;
		do {
			int tag = dwarf_tag(&child);
			if ((tag == DW_TAG_formal_parameter || tag == DW_TAG_variable) &&
			    !dwarf_hasattr(&child, DW_AT_declaration) && strcmp(die_name(&child), name) == 0) {
				*var = child;
				*func = chain[0];
				return true;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return false;
}

/* --- locals ----------------------------------------------------------------- */

int session_locals(struct session *s, void (*line)(void *arg, const char *text), void *arg)
{
	const struct frame *f = session_frame(s);
	char text[1200];
	if (!f) {
		line(arg, "not connected");
		return 1;
	}
	session_frame_text(s, s->frame_sel, text, sizeof text);
	line(arg, text);
	Dwarf_Die func;
	char inl[64];
	if (!frame_function(s, f, &func, inl, sizeof inl)) {
		line(arg, f->syms ? "no variables here: no DWARF for this code (assembly, or built without -g)" :
			       "no symbols for this program (--program FILE)");
		return 2;
	}
	Dwarf_Die chain[SCOPES_MAX];
	int n = frame_scopes(f, chain), count = 1;
	/* Outermost first: the function's parameters and locals, then those
	 * of each block (and inlined call) the pc is in. */
	for (int i = 0; i < n; i++) {
		Dwarf_Die child;
		if (i > 0 && dwarf_tag(&chain[i]) == DW_TAG_inlined_subroutine) {
			snprintf(text, sizeof text, "  inlined %s:", die_name(&chain[i]));
			line(arg, text);
			count++;
		}
		if (dwarf_child(&chain[i], &child) != 0)
			continue;
		do {
			int tag = dwarf_tag(&child);
			if ((tag != DW_TAG_formal_parameter && tag != DW_TAG_variable) ||
			    dwarf_hasattr(&child, DW_AT_declaration))
				continue;
			char val[900];
			session_var_text(s, f, &child, &func, val, sizeof val);
			snprintf(text, sizeof text, "  %s%s = %s", die_name(&child),
				 tag == DW_TAG_formal_parameter ? " (arg)" : "", val);
			line(arg, text);
			count++;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (count == 1)
		line(arg, "  (no parameters or locals)");
	return count;
}

/* --- display ----------------------------------------------------------------- */

int session_display(struct session *s, const char *expr)
{
	if (s->ndisplays >= DISPLAY_MAX) {
		session_error(s, "display: at most %d (undisplay N frees one)", DISPLAY_MAX);
		return -1;
	}
	if (strlen(expr) >= sizeof s->displays[0].expr) {
		session_error(s, "display: expression too long");
		return -1;
	}
	int id = ++s->next_display_id;
	s->displays[s->ndisplays].id = id;
	snprintf(s->displays[s->ndisplays].expr, sizeof s->displays[0].expr, "%s", expr);
	s->ndisplays++;
	char text[2048];
	session_expr_text(s, expr, text, sizeof text);
	session_printf(s, "%d: %s", id, text);
	s->displays_key = session_stop_key(s);
	return 0;
}

int session_undisplay(struct session *s, int id)
{
	if (id == 0) {
		s->ndisplays = 0;
		session_printf(s, "all displays deleted");
		return 0;
	}
	for (int i = 0; i < s->ndisplays; i++)
		if (s->displays[i].id == id) {
			memmove(&s->displays[i], &s->displays[i + 1], (size_t)(s->ndisplays - i - 1) * sizeof s->displays[0]);
			s->ndisplays--;
			return 0;
		}
	session_error(s, "undisplay: no display %d", id);
	return -1;
}

void session_show_displays(struct session *s)
{
	uint64_t key = session_stop_key(s);
	if (s->displays_key == key || !s->t.connected)
		return;
	s->displays_key = key;
	for (int i = 0; i < s->ndisplays; i++) {
		char text[2048];
		session_expr_text(s, s->displays[i].expr, text, sizeof text);
		session_printf(s, "%d: %s", s->displays[i].id, text);
	}
}
