/* session: execution control, breakpoints, print, what-if. */
#include "session.h"

#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "disasm.h"

void session_init(struct session *s)
{
	memset(s, 0, sizeof *s);
	target_init(&s->t);
	s->next_bp_id = 1;
	s->run_timeout_ms = 30000;
	s->out = stdout;
	s->width = 100;
	s->height = 30;
	kmodel_init(&s->model, &s->t, NULL);
	qmp_init(&s->qmp);
}

void session_free(struct session *s)
{
	if (s->t.connected) {
		if (s->t.running)
			target_interrupt(&s->t, NULL);
		if (s->qemu_pid == 0)
			target_detach(&s->t); /* leave someone else's QEMU running */
		else
			target_close(&s->t);
	}
	/* Our own QEMU: the keeper stops the launcher's process group, QEMU
	 * with it (never through the `k` packet), and removes the private
	 * directory with the socket and the console file. */
	qmp_close(&s->qmp);
	keeper_stop(&s->keeper);
	s->qemu_pid = 0;
	s->sock_path[0] = s->console_path[0] = '\0';
	for (int i = 0; i < s->nucache; i++)
		symbols_close(s->ucache[i].syms);
	s->nucache = 0;
	symbols_close(s->ksyms);
	s->syms = s->ksyms = s->usyms = NULL;
}

static void vlog(struct session *s, bool error, const char *fmt, va_list ap)
{
	char line[LOG_WIDTH * 4];
	vsnprintf(line, sizeof line, fmt, ap);
	/* Multi-line messages become several log lines. */
	char *save = NULL;
	for (char *l = strtok_r(line, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		snprintf(s->log[s->log_count % LOG_LINES], LOG_WIDTH, "%s%s", error ? "error: " : "", l);
		s->log_count++;
		if (s->batch) {
			FILE *f = error ? stderr : s->out;
			fprintf(f, "%s%s\n", error ? "ringdb: " : "", l);
			fflush(f);
		}
	}
}

void session_printf(struct session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(s, false, fmt, ap);
	va_end(ap);
}

void session_error(struct session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(s, true, fmt, ap);
	va_end(ap);
	s->errors++;
}

bool session_alive(const struct session *s)
{
	return s->t.connected;
}

/* Report a failed target operation; a dead QEMU gets its own message. */
static int target_failed(struct session *s, int rc)
{
	if (rc == TARGET_DEAD && s->stops > 0 && s->rr == RR_REPLAY)
		session_error(s, "%s: the replay ran past the end of its recording, where QEMU stops. "
			      "reverse-continue goes back from there; start it again (ringdb --replay) to run "
			      "forward from the start.", s->t.error);
	else if (rc == TARGET_DEAD && s->stops > 0)
		session_error(s, "%s. History and breakpoints are kept; `attach HOST:PORT` or restart ringdb to go on.",
			      s->t.error);
	else
		session_error(s, "%s", s->t.error);
	return rc;
}

int session_load_symbols(struct session *s, const char *kernel)
{
	char err[512];
	struct symbols *syms = symbols_open(kernel, err, sizeof err);
	if (!syms) {
		session_error(s, "%s", err);
		return -1;
	}
	symbols_close(s->ksyms);
	s->syms = s->ksyms = syms;
	snprintf(s->kernel_path, sizeof s->kernel_path, "%s", kernel);
	if (syms->warning[0])
		session_printf(s, "warning: %s", syms->warning);
	kmodel_init(&s->model, &s->t, syms);
	if (!s->model.have_layout && s->model.problem[0] && !syms->warning[0])
		session_printf(s, "warning: %s", s->model.problem);
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int after_connect(struct session *s, const char *where);

int session_start_qemu(struct session *s, const char *launcher, const char *kernel, const char *initrd,
		       const char *append)
{
	char err[256];
	if (keeper_mkdir(&s->keeper, err, sizeof err) < 0) {
		session_error(s, "%s", err);
		return -1;
	}
	snprintf(s->sock_path, sizeof s->sock_path, "%s/gdb.sock", s->keeper.dir);
	snprintf(s->console_path, sizeof s->console_path, "%s/console", s->keeper.dir);
	char gdb[160];
	snprintf(gdb, sizeof gdb, "unix:%s", s->sock_path);
	/* What a replay needs to start afresh (timetravel.c). */
	if (launcher != s->start_launcher) {
		snprintf(s->start_launcher, sizeof s->start_launcher, "%s", launcher);
		snprintf(s->start_kernel, sizeof s->start_kernel, "%s", kernel);
		snprintf(s->start_initrd, sizeof s->start_initrd, "%s", initrd ? initrd : "");
		snprintf(s->start_append, sizeof s->start_append, "%s", append ? append : "");
		s->start_have_initrd = initrd != NULL;
		s->start_have_append = append != NULL;
	}
	s->rr = RR_NONE;
	for (int i = 0; i + 1 < s->nlauncher_args; i++)
		if (!strcmp(s->launcher_args[i], "--replay") || !strcmp(s->launcher_args[i], "--record")) {
			s->rr = s->launcher_args[i][4] == 'p' ? RR_REPLAY : RR_RECORD;
			snprintf(s->rr_file, sizeof s->rr_file, "%s", s->launcher_args[i + 1]);
		}
	s->qmp_path[0] = '\0';
	if (s->rr != RR_NONE)
		snprintf(s->qmp_path, sizeof s->qmp_path, "%s/qmp.sock", s->keeper.dir);
	const char *argv[26];
	int n = 0;
	argv[n++] = launcher;
	argv[n++] = "--kernel";
	argv[n++] = kernel;
	if (initrd) {
		argv[n++] = "--initrd";
		argv[n++] = initrd;
	}
	if (append) {
		argv[n++] = "--append";
		argv[n++] = append;
	}
	for (int i = 0; i < s->nlauncher_args && n < 20; i++)
		argv[n++] = s->launcher_args[i];
	if (s->qmp_path[0]) {
		argv[n++] = "--qmp";
		argv[n++] = s->qmp_path;
	}
	argv[n++] = "--gdb";
	argv[n++] = gdb;
	argv[n] = NULL;
	/* The serial console goes to a file (the screen belongs to ringdb);
	 * QEMU's stdio console gets no terminal at all, or it would read our
	 * keys and make the terminal non-blocking. */
	if (keeper_start(&s->keeper, argv, s->console_path, err, sizeof err) < 0) {
		session_error(s, "%s", err);
		return -1;
	}
	pid_t pid = s->keeper.launcher;
	s->qemu_pid = pid;
	/* Connect as soon as QEMU listens: the socket file appears at bind(),
	 * a moment before listen(), so a refused connection is retried. */
	long deadline = now_ms() + 10000;
	for (;;) {
		if (keeper_poll_exit(&s->keeper)) {
			s->qemu_pid = 0;
			char console[1024] = "";
			FILE *f = fopen(s->console_path, "r");
			if (f) {
				size_t got = fread(console, 1, sizeof console - 1, f);
				console[got] = '\0';
				fclose(f);
			}
			session_error(s, "QEMU exited at once (status %d)%s%s", s->keeper.exit_status,
				      console[0] ? "; it said:\n" : "", console);
			return -1;
		}
		struct stat st;
		if (stat(s->sock_path, &st) == 0 && target_connect(&s->t, gdb) == TARGET_OK)
			break;
		target_close(&s->t);
		if (now_ms() > deadline) {
			session_error(s, "QEMU did not accept a connection on %s within 10 s (%s)", s->sock_path,
				      s->t.error[0] ? s->t.error : "no socket");
			return -1;
		}
		usleep(20000);
	}
	if (s->qmp_path[0] && qmp_open(&s->qmp, s->qmp_path, 10000) < 0)
		session_printf(s, "warning: %s: going back in time is not available", s->qmp.error);
	if (!s->restarting)
		session_printf(s, "started QEMU (pid %d), console output in %s", (int)pid, s->console_path);
	return after_connect(s, gdb);
}

static int install_tracing(struct session *s)
{
	/* Breakpoints on the pipeline's functions: each stop there is one
	 * step of the pipeline map. Under TCG they cost nothing while unused. */
	for (int i = 1; i < STAGE_COUNT; i++) {
		uint64_t a = s->model.stage_addr[i];
		if (!a || i == STAGE_SCHEDULE)
			continue;
		int rc = target_insert_bp(&s->t, BP_SOFTWARE, a, 1);
		if (rc)
			return target_failed(s, rc);
	}
	s->tracing = true;
	return 0;
}

/* What follows a successful connect: breakpoints back, pipeline tracing,
 * the first look at the CPU. */
static int after_connect(struct session *s, const char *where)
{
	if (!s->restarting)
		session_printf(s, "connected to %s: %s, %d registers (%d bytes), pc %#" PRIx64, where, s->t.arch,
			       s->t.nregs, s->t.g_size, target_pc(&s->t));
	s->model.t = &s->t;
	/* `?` at connect dropped all breakpoints in QEMU: reinsert ours. */
	for (int i = 0; i < s->nbps; i++) {
		struct breakpoint *b = &s->bps[i];
		target_insert_bp(&s->t, b->type, b->addr, b->len);
	}
	if (s->syms)
		install_tracing(s);
	session_after_stop(s);
	return 0;
}

int session_attach(struct session *s, const char *where)
{
	int rc = target_connect(&s->t, where);
	if (rc)
		return target_failed(s, rc);
	return after_connect(s, where);
}

bool session_reg_changed(const struct session *s, const char *name)
{
	const struct reg_desc *r = target_find_reg(&s->t, name);
	if (!r || !s->prev_g_valid || !s->t.g_valid)
		return false;
	return memcmp(s->prev_g + r->offset, s->t.g + r->offset, (size_t)r->bits / 8) != 0;
}

static void remember_registers(struct session *s)
{
	if (s->t.g_valid) {
		memcpy(s->prev_g, s->t.g, sizeof s->prev_g);
		s->prev_g_valid = true;
	}
}

const struct breakpoint *session_bp_at(const struct session *s, uint64_t addr)
{
	for (int i = 0; i < s->nbps; i++)
		if (s->bps[i].addr == addr && (s->bps[i].type == BP_SOFTWARE || s->bps[i].type == BP_HARDWARE))
			return &s->bps[i];
	return NULL;
}

static void describe_pc_in(struct symbols *syms, uint64_t pc, char *out, size_t cap);

static void describe_pc(struct session *s, uint64_t pc, char *out, size_t cap)
{
	describe_pc_in(session_syms_for(s, pc), pc, out, cap);
}

/* PC with its symbol and line in SYMS. */
static void describe_pc_in(struct symbols *syms, uint64_t pc, char *out, size_t cap)
{
	uint64_t off = 0;
	const struct symbol *sym = sym_at(syms, pc, &off);
	const char *file;
	int line;
	if (sym && off)
		snprintf(out, cap, "%#" PRIx64 " <%s+%" PRIu64 ">", pc, sym->name, off);
	else if (sym)
		snprintf(out, cap, "%#" PRIx64 " <%s>", pc, sym->name);
	else
		snprintf(out, cap, "%#" PRIx64, pc);
	const char *ofile;
	int oline;
	if (syms && sym_line_at(syms, pc, &file, &line)) {
		const char *base = strrchr(file, '/');
		size_t n = strlen(out);
		/* In an inlined call: the line of the call, then where inside. */
		if (session_outer_line(syms, pc, &ofile, &oline) && (oline != line || strcmp(ofile, file) != 0)) {
			const char *obase = strrchr(ofile, '/');
			snprintf(out + n, cap - n, " at %s:%d (inlined code from %s:%d)", obase ? obase + 1 : ofile, oline,
				 base ? base + 1 : file, line);
		} else {
			snprintf(out + n, cap - n, " at %s:%d", base ? base + 1 : file, line);
		}
	}
}

/* Track the pt_regs a function was given (see struct session.given). */
static void track_given_regs(struct session *s, uint64_t pc)
{
	uint64_t off = 0, rsp = 0, rdi = 0;
	target_reg_value(&s->t, "rsp", &rsp);
	const struct symbol *sym = s->ksyms ? sym_at(s->ksyms, pc, &off) : NULL;
	char pname[32];
	Dwarf_Die type;
	if (sym && off == 0 && sym->is_function && target_reg_value(&s->t, "rdi", &rdi) &&
	    sym_func_param(s->ksyms, sym->addr, 0, pname, sizeof pname, &type) && sym_is_pointer_to(&type, "pt_regs")) {
		s->given.active = true;
		s->given.addr = rdi;
		s->given.func = sym->addr;
		s->given.func_end = sym->addr + (sym->size ? sym->size : 1);
		s->given.entry_sp = rsp;
		snprintf(s->given.func_name, sizeof s->given.func_name, "%s", sym->name);
		snprintf(s->given.param, sizeof s->given.param, "%s", pname);
	} else if (s->given.active && (rsp > s->given.entry_sp || !s->model.in_kernel ||
				       (rsp == s->given.entry_sp && (pc < s->given.func || pc >= s->given.func_end)))) {
		s->given.active = false; /* that call returned */
	}
	s->given.valid = false;
	if (s->given.active && s->model.ptregs_size > 0) {
		unsigned char raw[512];
		if ((size_t)s->model.ptregs_size <= sizeof raw &&
		    target_read_memory(&s->t, s->given.addr, raw, (size_t)s->model.ptregs_size) == TARGET_OK) {
			kmodel_decode_ptregs(&s->model, raw, s->given.vals);
			s->given.valid = true;
		}
	}
}

void session_after_stop(struct session *s)
{
	s->stops++;
	if (!s->t.connected)
		return;
	kmodel_refresh(&s->model);
	session_switch_symbols(s);
	uint64_t pc = target_pc(&s->t);
	track_given_regs(s, pc);
	kmodel_on_stop(&s->model, pc);
	/* Arm or drop the breakpoint that catches phase 1's return value. */
	if (s->model.phase1_return != s->phase1_bp) {
		if (s->phase1_bp && !session_bp_at(s, s->phase1_bp))
			target_remove_bp(&s->t, BP_SOFTWARE, s->phase1_bp, 1);
		s->phase1_bp = s->model.phase1_return;
		if (s->phase1_bp)
			target_insert_bp(&s->t, BP_SOFTWARE, s->phase1_bp, 1);
	}
}

/* One instruction. A LIGHT step (inside a longer command) re-reads the
 * kernel model only where the pipeline needs it, so a `step` over many
 * instructions costs about one round trip each beyond `s` and `g`. */
static int step_instruction(struct session *s, bool light)
{
	if (!light)
		remember_registers(s);
	int rc = target_stepi(&s->t, NULL);
	if (rc == TARGET_RUNNING) {
		session_printf(s, "%s", s->t.error);
		rc = TARGET_OK;
	}
	if (rc)
		return target_failed(s, rc);
	uint64_t pc = target_pc(&s->t);
	if (light && kmodel_stage_at(&s->model, pc) == STAGE_COUNT && pc != s->model.phase1_return) {
		uint64_t cs = 0;
		target_reg_value(&s->t, "cs", &cs);
		s->model.in_kernel = (cs & 3) == 0;
		if (!s->model.in_kernel)
			s->model.where = STAGE_USER;
		session_switch_symbols(s);
		return 0;
	}
	session_after_stop(s);
	return 0;
}

static int do_one_step(struct session *s)
{
	return step_instruction(s, false);
}

/* The last step of a longer command refreshes everything for the panels. */
static void finish_light_steps(struct session *s)
{
	kmodel_refresh(&s->model);
}

static void report_stop(struct session *s, const char *why)
{
	char where[256];
	describe_pc(s, target_pc(&s->t), where, sizeof where);
	snprintf(s->stop_reason, sizeof s->stop_reason, "%s", why);
	if (!s->quiet_stops)
		session_printf(s, "%s: %s", why, where);
}

int session_stepi(struct session *s, int count)
{
	remember_registers(s);
	for (int i = 0; i < count; i++) {
		int rc = step_instruction(s, true);
		if (rc)
			return rc;
	}
	finish_light_steps(s);
	report_stop(s, "stepped");
	return 0;
}

static int cpu_bits(struct session *s)
{
	return kmodel_cpu_bits(&s->t);
}

static bool insn_at(struct session *s, uint64_t pc, struct insn *out)
{
	unsigned char code[16];
	if (target_read_memory(&s->t, pc, code, sizeof code) != TARGET_OK)
		return false;
	return disasm_one(code, sizeof code, pc, cpu_bits(s), out);
}

static int run_until(struct session *s, enum run_goal goal, uint64_t goal_addr, bool quiet);

/* Is the instruction at PC a system call (SYSCALL, int $0x80, SYSENTER)? */
static bool is_syscall_insn(const struct insn *in)
{
	return strncmp(in->text, "syscall", 7) == 0 || strncmp(in->text, "sysenter", 8) == 0 ||
	       strcmp(in->text, "int 0x80") == 0;
}

/* Back in user mode after a syscall, at PC: true when PC starts a line
 * other than the one of the SYSCALL instruction before it (the next line);
 * false with FILE/LINE set to the SYSCALL's line, to step on from. */
static bool at_next_user_line(struct session *s, bool (*line_at)(struct symbols *, uint64_t, const char **, int *),
			      char *file, size_t cap, int *line)
{
	uint64_t pc = target_pc(&s->t);
	const char *f0, *f1;
	int l0, l1;
	if (!s->syms || !line_at(s->syms, pc - 1, &f0, &l0))
		return true; /* no lines here: stop */
	snprintf(file, cap, "%s", f0);
	*line = l0;
	return line_at(s->syms, pc, &f1, &l1) && (l1 != l0 || strcmp(f1, file) != 0);
}

/* `next` over a system call: run until this task is back in user mode
 * (the kernel runs in full; a breakpoint in it still stops). True when
 * it came back; false when something else stopped it (reported). */
static bool run_over_syscall(struct session *s, int *rc)
{
	int pid = s->model.now.pid;
	bool quiet = s->quiet_stops;
	s->quiet_stops = true;
	bool back = false;
	for (int i = 0; i < 64; i++) {
		if ((*rc = run_until(s, GOAL_USER, 0, true)) || !s->t.connected)
			break;
		if (strcmp(s->stop_reason, "back in user mode") != 0)
			break; /* a breakpoint, a watchpoint, Ctrl-C */
		if (!s->model.in_kernel && s->model.now.pid == pid) {
			back = true;
			break;
		}
	}
	s->quiet_stops = quiet;
	if (!back && !*rc && s->t.connected)
		report_stop(s, s->stop_reason);
	return back;
}

static const char *finish_label; /* finish's report when it steps on */

int session_step_line(struct session *s, bool over_calls)
{
	if (!s->t.connected)
		return target_failed(s, TARGET_DEAD);
	/* At the boundary (docs/ringdb.md, "Both sides of the boundary"):
	 * `step` over a SYSCALL goes into the kernel and stops at the entry's
	 * first line; `next` runs the whole syscall and stays in user mode;
	 * a step or next that returns to user mode (SYSRET/IRET) goes on to
	 * the next line of the user program, the one after the call. */
	bool crossed = false, started_user = !s->model.in_kernel;
	const char *file0 = NULL;
	int line0 = 0;
	uint64_t pc = target_pc(&s->t);
	/* `next` goes over inlined calls too: its lines are those of the
	 * function the pc belongs to (session_outer_line). */
	bool (*line_at)(struct symbols *, uint64_t, const char **, int *) = over_calls ? session_outer_line : sym_line_at;
	bool have_line = s->syms && line_at(s->syms, pc, &file0, &line0);
	char file_copy[512] = "";
	remember_registers(s);
	if (have_line)
		snprintf(file_copy, sizeof file_copy, "%s", file0);
	/* Without line info a "line" is one instruction. */
	for (int i = 0; i < 20000; i++) {
		struct insn in;
		pc = target_pc(&s->t);
		int rc;
		bool was_kernel = s->model.in_kernel;
		bool have_insn = insn_at(s, pc, &in);
		if (over_calls && have_insn && !was_kernel && is_syscall_insn(&in)) {
			if (!run_over_syscall(s, &rc))
				return rc;
		} else if (over_calls && have_insn && in.is_call) {
			rc = run_until(s, GOAL_ADDRESS, pc + (uint64_t)in.size, true);
		} else {
			rc = step_instruction(s, true);
		}
		if (rc || !s->t.connected)
			return rc;
		const char *file;
		int line;
		pc = target_pc(&s->t);
		if (was_kernel && !s->model.in_kernel) {
			/* Back in user mode just after the SYSCALL: stop if a new
			 * line starts here, else go on to the next line. */
			crossed = true;
			if (at_next_user_line(s, line_at, file_copy, sizeof file_copy, &line0))
				break;
			have_line = true;
			continue;
		}
		if (!have_line)
			break;
		if (!line_at(s->syms, pc, &file, &line)) {
			if (!s->model.in_kernel)
				break; /* back in user mode: no kernel lines here */
			continue;
		}
		if (line != line0 || strcmp(file, file_copy) != 0)
			break;
	}
	finish_light_steps(s);
	session_switch_symbols(s);
	report_stop(s, finish_label ? finish_label : crossed ? (over_calls ? "next: back in user mode at the next line" :
				  "step: back in user mode at the next line") :
		       started_user && s->model.in_kernel ? "step: entered the kernel" : over_calls ? "next" : "step");
	return 0;
}

int session_finish(struct session *s)
{
	uint64_t pc = target_pc(&s->t), off = 0, sp = 0, bp = 0, ret = 0;
	int sel = s->t.connected && session_frames(s) > 0 ? s->frame_sel : 0;
	if (sel + 1 < s->nframes && !s->frames[sel].user && s->frames[sel + 1].user) {
		/* The entry code's caller is the user program: finishing it is
		 * returning from the syscall, to the next line of the program. */
		int rc = 0, line;
		char file[512];
		if (!run_over_syscall(s, &rc))
			return rc;
		if (at_next_user_line(s, session_outer_line, file, sizeof file, &line)) {
			report_stop(s, "finished: back in user mode at the next line");
			return 0;
		}
		finish_label = "finished: back in user mode at the next line";
		rc = session_step_line(s, true);
		finish_label = NULL;
		return rc;
	}
	const struct symbol *sym = sym_at(s->syms, pc, &off);
	target_reg_value(&s->t, "rsp", &sp);
	target_reg_value(&s->t, "rbp", &bp);
	/* Frame pointers: at the first instruction the return address is at
	 * [rsp], after `push %rbp` at [rsp+8], after the prologue at [rbp+8].
	 * The unwound caller (CFI, or the prologue analysis of code without
	 * it) when there is one; it also finishes a
	 * frame selected with up/frame N. */
	uint64_t slot = off == 0 ? sp : off == 1 ? sp + 8 : bp + 8;
	if (sel + 1 < s->nframes && s->frames[sel + 1].user == s->frames[sel].user &&
	    (strcmp(s->frames[sel + 1].how, "cfi") == 0 || strcmp(s->frames[sel + 1].how, "prologue analysis") == 0)) {
		ret = s->frames[sel + 1].pc;
		sym = sym_at(s->frames[sel].syms, s->frames[sel].pc - (s->frames[sel].caller ? 1 : 0), &off);
	} else if (sel > 0) {
		session_error(s, "finish: frame #%d's caller is not known (see bt)", sel);
		return -1;
	} else if (!sym || target_read_memory(&s->t, slot, &ret, 8) != TARGET_OK || !ret) {
		session_error(s, "finish: cannot find the return address here");
		return -1;
	}
	int rc = run_until(s, GOAL_ADDRESS, ret, true);
	if (rc)
		return rc;
	uint64_t rax = 0;
	target_reg_value(&s->t, "rax", &rax);
	char res[64];
	syscall_format_result((long)rax, res, sizeof res);
	report_stop(s, "finished");
	session_printf(s, "%s returned %s (%#" PRIx64 ")", sym->name, res, rax);
	return 0;
}

static bool goal_reached(struct session *s, enum run_goal goal, uint64_t goal_addr, uint64_t pc)
{
	switch (goal) {
	case GOAL_SYSCALL:
		return s->model.where == STAGE_ENTRY || s->model.where == STAGE_INT80 ?
			pc == s->model.stage_addr[s->model.where] : false;
	case GOAL_USER:
		return pc == s->model.stage_addr[STAGE_SYSRET] || pc == s->model.stage_addr[STAGE_IRET];
	case GOAL_ADDRESS:
		/* User programs share addresses: the task that set the goal. */
		return pc == goal_addr && (!s->goal_pid || s->model.now.pid == s->goal_pid);
	case GOAL_ANY_OF:
		for (int i = 0; i < s->ngoal_set; i++)
			if (s->goal_set[i] == pc)
				return true;
		return false;
	case GOAL_BREAK:
		return false;
	}
	return false;
}

static int wait_for_stop(struct session *s, bool *interrupted)
{
	long deadline = now_ms() + s->run_timeout_ms;
	*interrupted = false;
	for (;;) {
		int rc = target_wait(&s->t, NULL, 100);
		if (rc != TARGET_RUNNING)
			return rc;
		bool user = s->want_interrupt && s->want_interrupt(s->want_interrupt_arg);
		bool late = s->batch && now_ms() > deadline;
		if (user || late) {
			*interrupted = true;
			if (late)
				session_printf(s, "still running after %d s: interrupting", s->run_timeout_ms / 1000);
			return target_interrupt(&s->t, NULL);
		}
	}
}

static int run_until(struct session *s, enum run_goal goal, uint64_t goal_addr, bool quiet)
{
	if (!s->t.connected)
		return target_failed(s, TARGET_DEAD);
	if (goal == GOAL_ADDRESS) {
		if (target_insert_bp(&s->t, BP_SOFTWARE, goal_addr, 1) != TARGET_OK)
			return target_failed(s, TARGET_ERR);
	}
	s->goal_pid = goal == GOAL_ADDRESS && goal_addr < 0x0000800000000000ULL && s->model.now.valid ? s->model.now.pid : 0;
	int rc = 0;
	for (int hops = 0;; hops++) {
		uint64_t pc = target_pc(&s->t);
		/* TCG re-stops at a breakpoint under the PC without executing:
		 * step off it first (a single step ignores breakpoints). */
		bool on_bp = session_bp_at(s, pc) || kmodel_stage_at(&s->model, pc) != STAGE_COUNT ||
			     pc == s->phase1_bp || (goal == GOAL_ADDRESS && pc == goal_addr) ||
			     (goal == GOAL_ANY_OF && goal_reached(s, goal, goal_addr, pc));
		if (on_bp) {
			if ((rc = do_one_step(s)))
				break;
			pc = target_pc(&s->t);
			if (goal_reached(s, goal, goal_addr, pc) || session_bp_at(s, pc))
				break;
		}
		remember_registers(s);
		if ((rc = target_resume(&s->t, false))) {
			target_failed(s, rc);
			break;
		}
		bool interrupted;
		rc = wait_for_stop(s, &interrupted);
		if (rc) {
			target_failed(s, rc);
			break;
		}
		session_after_stop(s);
		pc = target_pc(&s->t);
		if (interrupted) {
			report_stop(s, "interrupted");
			break;
		}
		struct stop_reply *st = &s->t.last_stop;
		if (st->kind == STOP_WATCH) {
			const struct breakpoint *w = NULL;
			for (int i = 0; i < s->nbps; i++)
				if (s->bps[i].type >= WP_WRITE && s->bps[i].addr == st->watch_addr)
					w = &s->bps[i];
			if (w && w->provenance) {
				/* An atomic `lock or` may stop before its write lands:
				 * finish the instruction, then compare. */
				uint32_t before = s->model.prev.tif;
				uint64_t writer = pc;
				if ((rc = do_one_step(s)))
					break;
				uint32_t after = s->model.now.tif;
				kmodel_note_tif_write(&s->model, writer, before, after);
				uint64_t off;
				const struct symbol *sym = sym_at(s->ksyms, writer, &off);
				session_printf(s, "TIF flags written in %s: %#x -> %#x", sym ? sym->name : "?", before, after);
				continue;
			}
			char why[96];
			snprintf(why, sizeof why, "watchpoint %d (%s %#" PRIx64 ")", w ? w->id : 0, st->watch_type,
				 st->watch_addr);
			report_stop(s, why);
			break;
		}
		if (goal_reached(s, goal, goal_addr, pc)) {
			if (goal == GOAL_USER) {
				/* From the SYSRET/IRET label to the first user instruction. */
				for (int i = 0; i < 256 && s->t.connected && s->model.in_kernel; i++)
					if ((rc = do_one_step(s)))
						break;
			}
			if (!quiet || goal != GOAL_ADDRESS)
				report_stop(s, goal == GOAL_SYSCALL ? "syscall entry" : goal == GOAL_USER ? "back in user mode" : "reached");
			break;
		}
		struct breakpoint *b = (struct breakpoint *)session_bp_at(s, pc);
		if (b && b->comm[0] && strcmp(b->comm, s->model.now.comm) != 0)
			continue; /* another program at the same address */
		if (b) {
			b->hits++;
			char why[64];
			snprintf(why, sizeof why, "breakpoint %d", b->id);
			report_stop(s, why);
			if (b->temporary)
				session_delete(s, b->id);
			break;
		}
		if (kmodel_stage_at(&s->model, pc) != STAGE_COUNT || pc == s->model.phase1_return || s->t.last_stop.signal == 5)
			continue; /* a pipeline breakpoint: recorded, go on */
		report_stop(s, "stopped");
		break;
	}
	if (goal == GOAL_ADDRESS && s->t.connected && !session_bp_at(s, goal_addr))
		target_remove_bp(&s->t, BP_SOFTWARE, goal_addr, 1);
	return rc;
}

int session_run(struct session *s, enum run_goal goal, uint64_t goal_addr)
{
	return run_until(s, goal, goal_addr, false);
}

/* Does FILE (a DWARF path) end with the last two components of WANT
 * (labs/lab1/dispatch.c -> lab1/dispatch.c), so the student's copy and
 * the reference in solutions/lab1/ both match? */
static bool same_lab_file(const char *file, const char *want)
{
	const char *tail = want + strlen(want);
	int slashes = 0;
	while (tail > want && slashes < 2) {
		tail--;
		if (*tail == '/' && ++slashes == 2)
			tail++;
	}
	size_t fl = strlen(file), tl = strlen(tail);
	return fl >= tl && strcmp(file + fl - tl, tail) == 0 && (fl == tl || file[fl - tl - 1] == '/');
}

static int run_to_any(struct session *s, const char *what)
{
	for (int i = 0; i < s->ngoal_set; i++)
		if (!session_bp_at(s, s->goal_set[i]))
			target_insert_bp(&s->t, BP_SOFTWARE, s->goal_set[i], 1);
	bool quiet = s->quiet_stops;
	s->quiet_stops = true;
	int rc = run_until(s, GOAL_ANY_OF, 0, true);
	s->quiet_stops = quiet;
	uint64_t pc = target_pc(&s->t);
	bool reached = rc == 0 && s->t.connected && goal_reached(s, GOAL_ANY_OF, 0, pc);
	for (int i = 0; s->t.connected && i < s->ngoal_set; i++)
		if (!session_bp_at(s, s->goal_set[i]))
			target_remove_bp(&s->t, BP_SOFTWARE, s->goal_set[i], 1);
	s->ngoal_set = 0;
	if (!reached && rc == 0) {
		session_error(s, "ktest: stopped before %s (%s)", what, s->stop_reason);
		return -1;
	}
	if (!reached)
		session_error(s, "ktest: the kernel never reached %s", what);
	return reached ? 0 : -1;
}

int session_ktest(struct session *s, const char *name, int nfiles, char **files)
{
	if (!s->ksyms) {
		session_error(s, "ktest: no kernel symbols");
		return -1;
	}
	/* 1. Into the test function (KTEST(name) defines ktest_fn_name). */
	s->ngoal_set = 0;
	bool all = strcmp(name, "all") == 0;
	char fn[160];
	snprintf(fn, sizeof fn, "ktest_fn_%s", name);
	for (size_t i = 0; i < s->ksyms->nsyms && s->ngoal_set < GOAL_SET_MAX; i++) {
		const struct symbol *y = &s->ksyms->syms[i];
		if (y->is_function && (all ? strncmp(y->name, "ktest_fn_", 9) == 0 : strcmp(y->name, fn) == 0))
			s->goal_set[s->ngoal_set++] = y->addr;
	}
	if (s->ngoal_set == 0) {
		session_error(s, "ktest: no in-kernel test '%s' in %s (no function %s)", name, s->kernel_path, fn);
		return -1;
	}
	char what[256];
	snprintf(what, sizeof what, all ? "an in-kernel test" : "the in-kernel test %s", name);
	if (run_to_any(s, what))
		return -1;
	uint64_t off;
	const struct symbol *test = sym_at(s->ksyms, target_pc(&s->t), &off);
	char tname[160];
	snprintf(tname, sizeof tname, "%s", test ? test->name + 9 : name);
	char where[256];
	describe_pc(s, target_pc(&s->t), where, sizeof where);
	/* 2. To its first call into the lab's functions. */
	char funcs[512] = "";
	if (nfiles > 0) {
		for (size_t i = 0; i < s->ksyms->nsyms && s->ngoal_set < GOAL_SET_MAX; i++) {
			const struct symbol *y = &s->ksyms->syms[i];
			const char *file;
			int line;
			if (!y->is_function || !sym_line_at(s->ksyms, y->addr, &file, &line))
				continue;
			for (int f = 0; f < nfiles; f++)
				if (same_lab_file(file, files[f])) {
					s->goal_set[s->ngoal_set++] = y->addr;
					size_t n = strlen(funcs);
					snprintf(funcs + n, sizeof funcs - n, "%s%s", n ? ", " : "", y->name);
					break;
				}
		}
		if (s->ngoal_set == 0) {
			session_error(s, "ktest: no function of this kernel is defined in %s", files[0]);
			return -1;
		}
		session_printf(s, "ktest %s: in the test at %s; running to its first call into the lab's functions (%s)",
			       tname, where, funcs);
		snprintf(what, sizeof what, "a call into the lab's functions (the test %s never calls %s)", tname, funcs);
		if (run_to_any(s, what))
			return -1;
	}
	/* 3. What the test set up. */
	uint64_t pc = target_pc(&s->t);
	const struct symbol *at = sym_at(s->ksyms, pc, &off);
	describe_pc(s, pc, where, sizeof where);
	snprintf(s->stop_reason, sizeof s->stop_reason, "ktest %s", tname);
	session_printf(s, "ktest %s: stopped at %s: %s", tname, nfiles ? "its first call into the lab's code" : "the test's start",
		       where);
	const struct ksnapshot *n = &s->model.now;
	if (n->valid) {
		char flags[256] = "";
		for (int b = 0; b < 32; b++)
			if (n->tif_valid && (n->tif >> b & 1)) {
				const char *fname = NULL;
				for (int k = 0; k < tif_flag_count; k++)
					if (tif_flags[k].bit == b)
						fname = tif_flags[k].name;
				size_t len = strlen(flags);
				snprintf(flags + len, sizeof flags - len, "%s%s", len ? "|" : "", fname ? fname : "?");
			}
		bool fake = n->pid == 4242 && strcmp(n->comm, "labtest") == 0;
		session_printf(s, "the test set up: current = pid %d (%s)%s, TIF flags %#x%s%s%s", n->pid, n->comm,
			       fake ? ", the test's fake task (os/tests/lab_fixture.h)" : ", not a fake task", n->tif,
			       flags[0] ? " (" : " (none)", flags, flags[0] ? ")" : "");
	}
	char pname[64];
	Dwarf_Die ptype;
	uint64_t rdi = 0;
	if (at && off == 0 && sym_func_param(s->ksyms, at->addr, 0, pname, sizeof pname, &ptype) &&
	    sym_is_pointer_to(&ptype, "pt_regs") && target_reg_value(&s->t, "rdi", &rdi)) {
		unsigned char raw[512];
		uint64_t v[PTREGS_MAX];
		int nr = s->model.nptregs;
		if (s->model.ptregs_size > 0 && (size_t)s->model.ptregs_size <= sizeof raw &&
		    target_read_memory(&s->t, rdi, raw, (size_t)s->model.ptregs_size) == TARGET_OK) {
			kmodel_decode_ptregs(&s->model, raw, v);
			char line[LOG_WIDTH * 2];
			int len = snprintf(line, sizeof line, "%s(%s = %#" PRIx64 ", %s):", at->name, pname, rdi,
					   rdi == n->ptregs_addr ? "the current task's own pt_regs" :
					   "a pt_regs the test built, not the task's own");
			static const char *show[] = { "orig_ax", "ax", "di", "si", "dx", "r10", "r8", "r9", "cx", "bx", "bp" };
			for (size_t k = 0; k < sizeof show / sizeof show[0]; k++)
				for (int r = 0; r < nr; r++)
					if (strcmp(s->model.ptregs_names[r], show[k]) == 0 && len < (int)sizeof line)
						len += snprintf(line + len, sizeof line - (size_t)len, " %s %#" PRIx64, show[k], v[r]);
			session_printf(s, "%s", line);
		}
	}
	return 0;
}

int session_interrupt(struct session *s)
{
	int rc = target_interrupt(&s->t, NULL);
	if (rc)
		return target_failed(s, rc);
	session_after_stop(s);
	report_stop(s, "interrupted");
	return 0;
}

/* The symbols the last session_resolve found a name or line in. */
static struct symbols *resolved_in;

/* Where names are looked up: where the CPU is first, then the kernel, then
 * the current task's program, then the --program files. */
static int resolve_order(struct session *s, struct symbols **order)
{
	int n = 0;
	order[n++] = s->syms;
	order[n++] = s->ksyms;
	order[n++] = s->usyms;
	for (int i = 0; i < s->nprograms && i < 8; i++) {
		const char *base = strrchr(s->programs[i], '/');
		char comm[17];
		snprintf(comm, sizeof comm, "%.15s", base ? base + 1 : s->programs[i]);
		order[n++] = session_program(s, comm);
	}
	return n;
}

bool session_resolve(struct session *s, const char *loc, uint64_t *addr, char *desc, size_t cap)
{
	resolved_in = NULL;
	char *end;
	if (loc[0] == '*')
		loc++;
	if (loc[0] >= '0' && loc[0] <= '9') {
		*addr = strtoull(loc, &end, 0);
		if (*end == '\0') {
			describe_pc(s, *addr, desc, cap);
			return true;
		}
	}
	if (!s->syms) {
		snprintf(desc, cap, "no symbols loaded: give an address");
		return false;
	}
	const char *colon = strrchr(loc, ':');
	if (colon && colon[1] >= '0' && colon[1] <= '9') {
		char file[256];
		snprintf(file, sizeof file, "%.*s", (int)(colon - loc), loc);
		int line = atoi(colon + 1), actual = line;
		struct symbols *order[3 + 8];
		int n = resolve_order(s, order);
		for (int i = 0; i < n && !resolved_in; i++)
			if (order[i] && sym_line_addr(order[i], file, line, addr, &actual))
				resolved_in = order[i];
		if (!resolved_in) {
			snprintf(desc, cap, "no code at %s:%d (or no line information)", file, line);
			return false;
		}
		snprintf(desc, cap, "%s:%d (%#" PRIx64 ")", file, actual, *addr);
		return true;
	}
	const struct symbol *sym = NULL;
	struct symbols *order[3 + 8];
	int n = resolve_order(s, order);
	for (int i = 0; i < n && !sym; i++)
		if (order[i] && (sym = sym_lookup(order[i], loc)))
			resolved_in = order[i];
	if (!sym) {
		snprintf(desc, cap, "no symbol '%s' in %s", loc, s->kernel_path);
		return false;
	}
	*addr = sym->addr;
	describe_pc_in(resolved_in, *addr, desc, cap);
	return true;
}

static struct breakpoint *add_bp(struct session *s, enum bp_type type, uint64_t addr, int len, const char *where)
{
	if (s->nbps >= MAX_BREAKPOINTS) {
		session_error(s, "too many breakpoints (%d): delete some", MAX_BREAKPOINTS);
		return NULL;
	}
	if (s->t.connected) {
		int rc = target_insert_bp(&s->t, type, addr, len);
		if (rc) {
			target_failed(s, rc);
			return NULL;
		}
	}
	struct breakpoint *b = &s->bps[s->nbps++];
	memset(b, 0, sizeof *b);
	b->id = s->next_bp_id++;
	b->type = type;
	b->addr = addr;
	b->len = len;
	snprintf(b->where, sizeof b->where, "%s", where);
	return b;
}

int session_break(struct session *s, const char *location, bool temporary)
{
	uint64_t addr;
	char desc[256];
	if (!session_resolve(s, location, &addr, desc, sizeof desc)) {
		session_error(s, "%s", desc);
		return -1;
	}
	struct breakpoint *b = add_bp(s, BP_SOFTWARE, addr, 1, desc);
	if (!b)
		return -1;
	b->temporary = temporary;
	/* Every user program is linked at the same addresses: a breakpoint
	 * found in one program's symbols stops only in a task running it. */
	if (resolved_in && resolved_in != s->ksyms) {
		session_program_comm(resolved_in, b->comm, sizeof b->comm);
		size_t n = strlen(b->where);
		snprintf(b->where + n, sizeof b->where - n, " in %s", b->comm);
		snprintf(desc + strlen(desc), sizeof desc - strlen(desc), " (in %s only)", b->comm);
	}
	session_printf(s, "%s %d at %s", temporary ? "temporary breakpoint" : "breakpoint", b->id, desc);
	return 0;
}

int session_watch(struct session *s, const char *what, int len)
{
	uint64_t addr;
	char desc[256];
	bool provenance = strcmp(what, "tif") == 0;
	if (provenance) {
		addr = kmodel_flags_addr(&s->model);
		if (!addr) {
			session_error(s, "watch tif: the current task's thread_info is unknown yet (stop in the kernel first)");
			return -1;
		}
		len = 4;
		snprintf(desc, sizeof desc, "thread_info->flags of pid %d (records who sets each TIF bit)",
			 s->model.now.pid);
	} else if (!session_resolve(s, what, &addr, desc, sizeof desc)) {
		Dwarf_Die type;
		if (!s->syms || !sym_variable(s->syms, what, &addr, &type)) {
			session_error(s, "%s", desc);
			return -1;
		}
		long size = sym_type_size(&type);
		if (len <= 0 && size > 0 && size <= 8)
			len = (int)size;
		snprintf(desc, sizeof desc, "%s (%#" PRIx64 ")", what, addr);
	}
	if (len <= 0)
		len = 8;
	struct breakpoint *b = add_bp(s, WP_WRITE, addr, len, desc);
	if (!b)
		return -1;
	b->provenance = provenance;
	if (provenance)
		s->model.flags_watch = addr;
	session_printf(s, "hardware watchpoint %d: %s, %d bytes", b->id, desc, len);
	return 0;
}

int session_delete(struct session *s, int id)
{
	for (int i = 0; i < s->nbps; i++) {
		if (s->bps[i].id != id)
			continue;
		struct breakpoint b = s->bps[i];
		memmove(&s->bps[i], &s->bps[i + 1], sizeof b * (size_t)(s->nbps - i - 1));
		s->nbps--;
		bool still_needed = kmodel_stage_at(&s->model, b.addr) != STAGE_COUNT || b.addr == s->phase1_bp;
		if (s->t.connected && !(b.type == BP_SOFTWARE && still_needed))
			target_remove_bp(&s->t, b.type, b.addr, b.len);
		if (b.provenance)
			s->model.flags_watch = 0;
		return 0;
	}
	session_error(s, "no breakpoint %d (see `info breakpoints`)", id);
	return -1;
}

/* --- print ------------------------------------------------------------- */

struct value {
	bool in_memory;
	uint64_t addr;     /* when in memory */
	uint64_t scalar;   /* otherwise */
	bool has_type;
	Dwarf_Die type;
};

static bool read_scalar(struct session *s, struct value *v, long size, uint64_t *out)
{
	if (!v->in_memory) {
		*out = v->scalar;
		return true;
	}
	uint64_t x = 0;
	if (size <= 0 || size > 8)
		size = 8;
	if (target_read_memory(&s->t, v->addr, &x, (size_t)size) != TARGET_OK)
		return false;
	*out = x;
	return true;
}

static const char *skip_ident(const char *p)
{
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')
		p++;
	return p;
}

static void format_value(struct session *s, struct value *v, char *out, size_t cap, int depth);

static void format_struct(struct session *s, struct value *v, Dwarf_Die *st, char *out, size_t cap, int depth)
{
	const char *names[64];
	long offs[64];
	Dwarf_Die types[64];
	int n = sym_struct_members(st, names, offs, types, 64);
	size_t len = (size_t)snprintf(out, cap, "{");
	for (int i = 0; i < n && len < cap; i++) {
		char item[256];
		struct value m = { .in_memory = true, .addr = v->addr + (uint64_t)offs[i], .has_type = true, .type = types[i] };
		if (depth >= 1) {
			Dwarf_Die peeled;
			if (sym_peel(&types[i], &peeled) && (dwarf_tag(&peeled) == DW_TAG_structure_type ||
							     dwarf_tag(&peeled) == DW_TAG_union_type)) {
				snprintf(item, sizeof item, "{...}");
				len += (size_t)snprintf(out + len, cap - len, "%s%s = %s", i ? ", " : " ", names[i], item);
				continue;
			}
		}
		format_value(s, &m, item, sizeof item, depth + 1);
		len += (size_t)snprintf(out + len, cap - len, "%s%s = %s", i ? ", " : " ", names[i], item);
	}
	if (len < cap)
		snprintf(out + len, cap - len, " }");
}

static void format_value(struct session *s, struct value *v, char *out, size_t cap, int depth)
{
	uint64_t x;
	if (!v->has_type) {
		if (!read_scalar(s, v, 8, &x)) {
			snprintf(out, cap, "<unreadable at %#" PRIx64 ">", v->addr);
			return;
		}
		snprintf(out, cap, "%" PRIu64 " (%#" PRIx64 ")", x, x);
		return;
	}
	Dwarf_Die t;
	if (!sym_peel(&v->type, &t)) {
		snprintf(out, cap, "<void>");
		return;
	}
	int tag = dwarf_tag(&t);
	long size = sym_type_size(&t);
	if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type) {
		if (!v->in_memory) {
			snprintf(out, cap, "<struct not in memory>");
			return;
		}
		format_struct(s, v, &t, out, cap, depth);
		return;
	}
	if (tag == DW_TAG_array_type) {
		Dwarf_Attribute at;
		Dwarf_Die elem, pe;
		if (!dwarf_attr_integrate(&t, DW_AT_type, &at) || !dwarf_formref_die(&at, &elem) || !sym_peel(&elem, &pe)) {
			snprintf(out, cap, "<array>");
			return;
		}
		long esize = sym_type_size(&pe);
		if (esize == 1 && size > 0) {
			char str[256] = { 0 };
			long n = size < 255 ? size : 255;
			if (target_read_memory(&s->t, v->addr, str, (size_t)n) != TARGET_OK) {
				snprintf(out, cap, "<unreadable at %#" PRIx64 ">", v->addr);
				return;
			}
			for (long i = 0; i < n && str[i]; i++)
				if (str[i] < 0x20 || str[i] >= 0x7f)
					str[i] = '.';
			snprintf(out, cap, "\"%s\"", str);
			return;
		}
		size_t len = (size_t)snprintf(out, cap, "{");
		long count = esize > 0 ? size / esize : 0;
		for (long i = 0; i < count && i < 8 && len < cap; i++) {
			char item[128];
			struct value e = { .in_memory = true, .addr = v->addr + (uint64_t)(i * esize), .has_type = true, .type = elem };
			format_value(s, &e, item, sizeof item, depth + 1);
			len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? ", " : "", item);
		}
		if (len < cap)
			snprintf(out + len, cap - len, "%s}", count > 8 ? ", ..." : "");
		return;
	}
	if (!read_scalar(s, v, size, &x)) {
		snprintf(out, cap, "<unreadable at %#" PRIx64 ">", v->addr);
		return;
	}
	if (tag == DW_TAG_pointer_type) {
		uint64_t off;
		const struct symbol *sym = x ? sym_at(session_syms_for(s, x), x, &off) : NULL;
		if (sym && off == 0)
			snprintf(out, cap, "%#" PRIx64 " <%s>", x, sym->name);
		else
			snprintf(out, cap, "%#" PRIx64, x);
		return;
	}
	if (tag == DW_TAG_enumeration_type) {
		Dwarf_Die child;
		if (dwarf_child(&t, &child) == 0) {
			do {
				Dwarf_Attribute at;
				Dwarf_Sword val;
				if (dwarf_tag(&child) == DW_TAG_enumerator &&
				    dwarf_attr(&child, DW_AT_const_value, &at) && dwarf_formsdata(&at, &val) == 0 &&
				    (uint64_t)val == x) {
					snprintf(out, cap, "%s (%" PRIu64 ")", dwarf_diename(&child), x);
					return;
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		snprintf(out, cap, "%" PRIu64, x);
		return;
	}
	Dwarf_Attribute at;
	Dwarf_Word enc = 0;
	if (dwarf_attr(&t, DW_AT_encoding, &at))
		dwarf_formudata(&at, &enc);
	if (size > 0 && size < 8)
		x &= (1ULL << (8 * size)) - 1;
	if (enc == DW_ATE_signed || enc == DW_ATE_signed_char) {
		int64_t sx = size == 1 ? (int8_t)x : size == 2 ? (int16_t)x : size == 4 ? (int32_t)x : (int64_t)x;
		snprintf(out, cap, "%" PRId64, sx);
	} else if (enc == DW_ATE_boolean) {
		snprintf(out, cap, "%s", x ? "true" : "false");
	} else {
		snprintf(out, cap, "%" PRIu64 " (%#" PRIx64 ")", x, x);
	}
}

/* x86-64 psABI DWARF register numbers, as gdbstub names. */
static const char *const dwarf_reg_names[17] = {
	"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
};

/* Register N as frame F has it: the CPU's in frame 0, the unwound value
 * above (callee-saved ones restored by the CFI; call-clobbered ones are
 * lost once a call is made). */
static bool dwarf_reg(struct session *s, const struct frame *f, uint64_t n, uint64_t *val, char *err, size_t errlen)
{
	(void)s;
	if (n >= FRAME_REGS) {
		snprintf(err, errlen, "DWARF register %" PRIu64 " is not one ringdb reads", n);
		return false;
	}
	if (!(f->known & (1u << n))) {
		snprintf(err, errlen, "<optimised out>: %s is not recoverable in this frame (call-clobbered)",
			 dwarf_reg_names[n]);
		return false;
	}
	*val = f->regs[n];
	return true;
}

static uint64_t frame_lookup_pc(const struct frame *f)
{
	return f->pc - (f->caller ? 1 : 0);
}

/* Evaluate a DWARF location expression in frame F (at its pc): the value
 * lands in V as a register/constant (scalar) or as a memory address. FUNC
 * gives DW_AT_frame_base for DW_OP_fbreg. */
static int eval_location(struct session *s, const struct frame *f, Dwarf_Op *ops, size_t n, Dwarf_Die *func, int depth,
			 struct value *v, char *err, size_t errlen)
{
	uint64_t pc = frame_lookup_pc(f);
	uint64_t st[32], x;
	int sp = 0;
	bool stack_value = false, in_reg = false;
	uint64_t reg_val = 0;
#define PUSH(val) do { if (sp >= 32) { snprintf(err, errlen, "DWARF stack overflow"); return -1; } st[sp++] = (val); } while (0)
#define NEED(k) do { if (sp < (k)) { snprintf(err, errlen, "malformed DWARF location"); return -1; } } while (0)
	for (size_t i = 0; i < n; i++) {
		unsigned atom = ops[i].atom;
		if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
			if (!dwarf_reg(s, f, atom - DW_OP_reg0, &reg_val, err, errlen))
				return -1;
			in_reg = true;
		} else if (atom == DW_OP_regx) {
			if (!dwarf_reg(s, f, ops[i].number, &reg_val, err, errlen))
				return -1;
			in_reg = true;
		} else if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
			if (!dwarf_reg(s, f, atom - DW_OP_breg0, &x, err, errlen))
				return -1;
			PUSH(x + (uint64_t)(int64_t)ops[i].number);
		} else if (atom == DW_OP_bregx) {
			if (!dwarf_reg(s, f, ops[i].number, &x, err, errlen))
				return -1;
			PUSH(x + (uint64_t)(int64_t)ops[i].number2);
		} else if (atom == DW_OP_fbreg || atom == DW_OP_call_frame_cfa) {
			Dwarf_Op *fops;
			size_t fn;
			Dwarf_Attribute fb;
			struct value base;
			if (depth > 2) {
				snprintf(err, errlen, "DWARF frame base refers to itself");
				return -1;
			}
			if (atom == DW_OP_call_frame_cfa && f->cfa) {
				PUSH(f->cfa);
				continue;
			}
			if (atom == DW_OP_call_frame_cfa) {
				if (!f->syms || !sym_cfa_ops(f->syms, pc, &fops, &fn)) {
					snprintf(err, errlen, "no call frame information at %#" PRIx64, pc);
					return -1;
				}
			} else if (!func || !dwarf_attr_integrate(func, DW_AT_frame_base, &fb) ||
				   dwarf_getlocation_addr(&fb, pc, &fops, &fn, 1) != 1) {
				snprintf(err, errlen, "no frame base for this function at %#" PRIx64, pc);
				return -1;
			}
			if (eval_location(s, f, fops, fn, func, depth + 1, &base, err, errlen) < 0)
				return -1;
			/* A frame base named by a register is that register's value. */
			x = base.in_memory ? base.addr : base.scalar;
			PUSH(atom == DW_OP_fbreg ? x + (uint64_t)(int64_t)ops[i].number : x);
		} else if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) {
			PUSH(atom - DW_OP_lit0);
		} else if (atom == DW_OP_addr || atom == DW_OP_const1u || atom == DW_OP_const2u || atom == DW_OP_const4u ||
			   atom == DW_OP_const8u || atom == DW_OP_constu || atom == DW_OP_const1s || atom == DW_OP_const2s ||
			   atom == DW_OP_const4s || atom == DW_OP_const8s || atom == DW_OP_consts) {
			PUSH(ops[i].number);
		} else if (atom == DW_OP_plus_uconst) {
			NEED(1);
			st[sp - 1] += ops[i].number;
		} else if (atom == DW_OP_plus || atom == DW_OP_minus || atom == DW_OP_and || atom == DW_OP_or ||
			   atom == DW_OP_xor || atom == DW_OP_mul || atom == DW_OP_shl || atom == DW_OP_shr ||
			   atom == DW_OP_shra) {
			NEED(2);
			uint64_t b = st[--sp], a = st[sp - 1];
			st[sp - 1] = atom == DW_OP_plus ? a + b : atom == DW_OP_minus ? a - b : atom == DW_OP_and ? (a & b) :
				     atom == DW_OP_or ? (a | b) : atom == DW_OP_xor ? (a ^ b) : atom == DW_OP_mul ? a * b :
				     b >= 64 ? (atom == DW_OP_shra && (int64_t)a < 0 ? ~0ULL : 0) :
				     atom == DW_OP_shl ? a << b : atom == DW_OP_shr ? a >> b : (uint64_t)((int64_t)a >> b);
		} else if (atom == DW_OP_neg || atom == DW_OP_not) {
			NEED(1);
			st[sp - 1] = atom == DW_OP_neg ? -st[sp - 1] : ~st[sp - 1];
		} else if (atom == DW_OP_dup || atom == DW_OP_over) {
			NEED(atom == DW_OP_dup ? 1 : 2);
			x = st[sp - (atom == DW_OP_dup ? 1 : 2)];
			PUSH(x);
		} else if (atom == DW_OP_drop) {
			NEED(1);
			sp--;
		} else if (atom == DW_OP_swap) {
			NEED(2);
			uint64_t t = st[sp - 1];
			st[sp - 1] = st[sp - 2];
			st[sp - 2] = t;
		} else if (atom == DW_OP_deref) {
			NEED(1);
			if (target_read_memory(&s->t, st[sp - 1], &x, 8) != TARGET_OK) {
				snprintf(err, errlen, "cannot read %#" PRIx64 " (DW_OP_deref)", st[sp - 1]);
				return -1;
			}
			st[sp - 1] = x;
		} else if (atom == DW_OP_deref_size) {
			NEED(1);
			x = 0;
			if (ops[i].number == 0 || ops[i].number > 8 ||
			    target_read_memory(&s->t, st[sp - 1], &x, (size_t)ops[i].number) != TARGET_OK) {
				snprintf(err, errlen, "cannot read %#" PRIx64 " (DW_OP_deref_size)", st[sp - 1]);
				return -1;
			}
			st[sp - 1] = x;
		} else if (atom == DW_OP_stack_value) {
			stack_value = true;
		} else if (atom == DW_OP_entry_value || atom == DW_OP_GNU_entry_value) {
			snprintf(err, errlen, "<optimised out>: the compiler kept only its value at the function's entry");
			return -1;
		} else if (atom == DW_OP_piece || atom == DW_OP_bit_piece) {
			snprintf(err, errlen, "held in pieces across registers/memory (not shown)");
			return -1;
		} else {
			snprintf(err, errlen, "DWARF location operation %#x not supported", atom);
			return -1;
		}
	}
#undef PUSH
#undef NEED
	memset(v, 0, sizeof *v);
	if (in_reg) {
		v->scalar = reg_val;
	} else if (sp == 0) {
		snprintf(err, errlen, "<optimised out>");
		return -1;
	} else if (stack_value) {
		v->scalar = st[sp - 1];
	} else {
		v->in_memory = true;
		v->addr = st[sp - 1];
	}
	return 0;
}

/* 1: NAME is a parameter or local of the function at the PC (value in V);
 * 0: it is not; -1: it is, but its value is unavailable (ERR says why). */
static int var_value(struct session *s, const struct frame *f, const char *name, Dwarf_Die *var, Dwarf_Die *func,
		     struct value *v, char *err, size_t errlen);

static int local_value(struct session *s, const char *name, struct value *v, char *err, size_t errlen)
{
	Dwarf_Die var, func;
	if (!s->t.connected)
		return 0;
	const struct frame *f = session_frame(s);
	if (!f || !f->syms || !f->syms->dwarf ||
	    (!session_frame_local(s, f, name, &var, &func) && !sym_local(f->syms, frame_lookup_pc(f), name, &var, &func)))
		return 0;
	return var_value(s, f, name, &var, &func, v, err, errlen);
}

/* The value of the variable VAR (of the function FUNC) in frame F. */
static int var_value(struct session *s, const struct frame *f, const char *name, Dwarf_Die *var, Dwarf_Die *func,
		     struct value *v, char *err, size_t errlen)
{
	uint64_t pc = frame_lookup_pc(f);
	Dwarf_Attribute loc;
	Dwarf_Op *ops;
	size_t n;
	if (!dwarf_attr_integrate(var, DW_AT_location, &loc)) {
		/* A constant folded away: DW_AT_const_value. */
		Dwarf_Attribute cv;
		Dwarf_Word w;
		if (dwarf_attr_integrate(var, DW_AT_const_value, &cv) && dwarf_formudata(&cv, &w) == 0) {
			memset(v, 0, sizeof *v);
			v->scalar = w;
		} else {
			snprintf(err, errlen, "%s: <optimised out>", name);
			return -1;
		}
	} else if (dwarf_getlocation_addr(&loc, pc, &ops, &n, 1) != 1) {
		snprintf(err, errlen, "%s: <optimised out> at this pc (%#" PRIx64 ")", name, pc);
		return -1;
	} else {
		char why[200];
		if (eval_location(s, f, ops, n, func, 0, v, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: %s", name, why);
			return -1;
		}
	}
	Dwarf_Attribute ta;
	if (dwarf_attr_integrate(var, DW_AT_type, &ta) && dwarf_formref_die(&ta, &v->type))
		v->has_type = true;
	return 1;
}

bool session_var_text(struct session *s, const struct frame *f, Dwarf_Die *var, Dwarf_Die *func, char *out,
		      size_t cap)
{
	struct value v;
	char err[256];
	const char *name = dwarf_diename(var);
	if (var_value(s, f, name ? name : "?", var, func, &v, err, sizeof err) < 0) {
		/* ERR is "NAME: why"; the caller prints the name. */
		const char *why = strstr(err, ": ");
		snprintf(out, cap, "%s", why ? why + 2 : err);
		return false;
	}
	format_value(s, &v, out, cap, 1);
	return true;
}

bool session_eval_cfi(struct session *s, const struct frame *f, uint64_t cfa, Dwarf_Op *ops, size_t n,
		      uint64_t *out, bool *is_value)
{
	struct frame g = *f;
	g.cfa = cfa;
	struct value v;
	char err[128];
	if (n == 0 || eval_location(s, &g, ops, n, NULL, 0, &v, err, sizeof err) < 0)
		return false;
	*is_value = !v.in_memory;
	*out = v.in_memory ? v.addr : v.scalar;
	return true;
}

static int eval(struct session *s, const char *expr, struct value *v, char *err, size_t errlen)
{
	memset(v, 0, sizeof *v);
	const char *p = expr;
	while (*p == ' ')
		p++;
	if (*p == '*') {
		/* *POINTER: the object it points to. */
		if (eval(s, p + 1, v, err, errlen) < 0)
			return -1;
		Dwarf_Die t;
		Dwarf_Attribute at;
		uint64_t ptr;
		if (!v->has_type || !sym_peel(&v->type, &t) || dwarf_tag(&t) != DW_TAG_pointer_type ||
		    !dwarf_attr_integrate(&t, DW_AT_type, &at) || !dwarf_formref_die(&at, &t)) {
			snprintf(err, errlen, "'%s' is not a typed pointer", p + 1);
			return -1;
		}
		if (!read_scalar(s, v, 8, &ptr)) {
			snprintf(err, errlen, "cannot read the pointer '%s'", p + 1);
			return -1;
		}
		v->in_memory = true;
		v->addr = ptr;
		v->type = t;
		return 0;
	}
	if (*p == '$')
		p++;
	const char *end = skip_ident(p);
	if (end == p) {
		snprintf(err, errlen, "cannot parse '%s': want a register, a global or a number", expr);
		return -1;
	}
	char name[128];
	snprintf(name, sizeof name, "%.*s", (int)(end - p), p);
	uint64_t n;
	char *numend;
	int lr;
	if (name[0] >= '0' && name[0] <= '9') {
		n = strtoull(name, &numend, 0);
		if (*numend) {
			snprintf(err, errlen, "bad number '%s'", name);
			return -1;
		}
		v->scalar = n;
	} else if (expr[0] != '$' && (lr = local_value(s, name, v, err, errlen)) != 0) {
		if (lr < 0)
			return -1;
	} else if ((!s->syms || !sym_lookup(s->syms, name) || expr[0] == '$') && target_find_reg(&s->t, name)) {
		if (!target_reg_value(&s->t, name, &v->scalar)) {
			snprintf(err, errlen, "registers unavailable (not connected?)");
			return -1;
		}
		/* In a frame above the innermost: that frame's value. */
		const struct frame *f = s->frame_sel > 0 ? session_frame(s) : NULL;
		for (int r = 0; f && r < FRAME_REGS; r++)
			if (strcmp(dwarf_reg_names[r], name) == 0 ||
			    (r == 16 && (strcmp(name, "pc") == 0 || strcmp(name, "rip") == 0))) {
				if (!dwarf_reg(s, f, (uint64_t)r, &v->scalar, err, errlen))
					return -1;
			}
	} else {
		Dwarf_Die type;
		/* The program's globals where the CPU is, then the kernel's. */
		struct symbols *gs = s->syms;
		if (gs && !sym_variable(gs, name, &v->addr, &type) && !sym_lookup(gs, name))
			gs = s->ksyms;
		if (gs && sym_variable(gs, name, &v->addr, &type)) {
			v->in_memory = true;
			v->has_type = true;
			v->type = type;
		} else {
			const struct symbol *sym = sym_lookup(gs, name);
			if (!sym) {
				snprintf(err, errlen, "no register or symbol named '%s'", name);
				return -1;
			}
			v->in_memory = true;
			v->addr = sym->addr;
		}
	}
	p = end;
	while (*p) {
		bool arrow = strncmp(p, "->", 2) == 0;
		if (*p == ' ') {
			p++;
			continue;
		}
		if (arrow || *p == '.') {
			p += arrow ? 2 : 1;
			end = skip_ident(p);
			snprintf(name, sizeof name, "%.*s", (int)(end - p), p);
			p = end;
			if (!v->has_type) {
				snprintf(err, errlen, "no type information for '.%s' (no DWARF?)", name);
				return -1;
			}
			Dwarf_Die t;
			sym_peel(&v->type, &t);
			if (arrow) {
				if (dwarf_tag(&t) != DW_TAG_pointer_type) {
					snprintf(err, errlen, "'->%s' on something that is not a pointer", name);
					return -1;
				}
				uint64_t ptr;
				if (!read_scalar(s, v, 8, &ptr)) {
					snprintf(err, errlen, "cannot read the pointer before '->%s'", name);
					return -1;
				}
				Dwarf_Attribute at;
				if (!dwarf_attr_integrate(&t, DW_AT_type, &at) || !dwarf_formref_die(&at, &t)) {
					snprintf(err, errlen, "cannot follow a void pointer");
					return -1;
				}
				v->addr = ptr;
				v->in_memory = true;
			} else if (!v->in_memory) {
				snprintf(err, errlen, "'.%s' on a value not in memory", name);
				return -1;
			}
			long off;
			Dwarf_Die mt;
			if (!sym_type_member(&t, name, &off, &mt)) {
				char tn[128];
				sym_type_name(&t, tn, sizeof tn);
				snprintf(err, errlen, "%s has no member '%s'", tn, name);
				return -1;
			}
			v->addr += (uint64_t)off;
			v->type = mt;
			continue;
		}
		if (*p == '[') {
			long idx = strtol(p + 1, &numend, 0);
			if (*numend != ']' || !v->has_type) {
				snprintf(err, errlen, "bad index in '%s'", expr);
				return -1;
			}
			p = numend + 1;
			Dwarf_Die t, elem;
			Dwarf_Attribute at;
			sym_peel(&v->type, &t);
			if (!dwarf_attr_integrate(&t, DW_AT_type, &at) || !dwarf_formref_die(&at, &elem)) {
				snprintf(err, errlen, "cannot index this");
				return -1;
			}
			if (dwarf_tag(&t) == DW_TAG_pointer_type) {
				uint64_t ptr;
				if (!read_scalar(s, v, 8, &ptr)) {
					snprintf(err, errlen, "cannot read the pointer");
					return -1;
				}
				v->addr = ptr;
				v->in_memory = true;
			}
			v->addr += (uint64_t)(idx * sym_type_size(&elem));
			v->type = elem;
			continue;
		}
		snprintf(err, errlen, "cannot parse '%s' at '%s'", expr, p);
		return -1;
	}
	return 0;
}

bool session_eval_address(struct session *s, const char *expr, uint64_t *addr, char *err, size_t errlen)
{
	struct value v;
	if (eval(s, expr, &v, err, errlen) < 0)
		return false;
	Dwarf_Die t;
	if (!v.in_memory) {
		*addr = v.scalar;
		return true;
	}
	/* A pointer variable: where it points. Anything else: where it is. */
	if (v.has_type && sym_peel(&v.type, &t) && dwarf_tag(&t) == DW_TAG_pointer_type)
		return read_scalar(s, &v, 8, addr) || (snprintf(err, errlen, "cannot read '%s'", expr), false);
	*addr = v.addr;
	return true;
}

/* "EXPR = VALUE" into OUT; false (OUT: "EXPR: why") when it cannot be had. */
bool session_expr_text(struct session *s, const char *expr, char *out, size_t cap)
{
	/* pt_regs members of the current task: `print ptregs.orig_ax`. */
	struct value lv;
	char lerr[256];
	bool regs_local = strncmp(expr, "regs->", 6) == 0 && local_value(s, "regs", &lv, lerr, sizeof lerr) != 0;
	if (strncmp(expr, "ptregs.", 7) == 0 || (strncmp(expr, "regs->", 6) == 0 && !regs_local)) {
		const char *m = expr + (expr[0] == 'p' ? 7 : 6);
		uint64_t v;
		if (!kmodel_ptreg(&s->model, m, &v)) {
			snprintf(out, cap, "no pt_regs member '%s' (or no current task)", m);
			return false;
		}
		snprintf(out, cap, "%s = %" PRId64 " (%#" PRIx64 ")", expr, (int64_t)v, v);
		return true;
	}
	struct value v;
	char err[256], text[2048];
	if (eval(s, expr, &v, err, sizeof err) < 0) {
		snprintf(out, cap, "%s", err);
		return false;
	}
	format_value(s, &v, text, sizeof text, 0);
	snprintf(out, cap, "%s = %s", expr, text);
	return true;
}

int session_print(struct session *s, const char *expr)
{
	char text[2304];
	if (!session_expr_text(s, expr, text, sizeof text)) {
		session_error(s, "print: %s", text);
		return -1;
	}
	session_printf(s, "%s", text);
	return 0;
}

int session_set_reg(struct session *s, const char *name, const char *value)
{
	char *end;
	if (*name == '$')
		name++;
	uint64_t v = strtoull(value, &end, 0);
	if (*value == '\0' || *end) {
		session_error(s, "set reg: '%s' is not a number", value);
		return -1;
	}
	int rc = target_write_register(&s->t, name, v);
	if (rc)
		return target_failed(s, rc);
	session_printf(s, "%s = %#" PRIx64, name, v);
	kmodel_refresh(&s->model);
	return 0;
}

static const char *tif_flags_name(int bit)
{
	for (int i = 0; i < tif_flag_count; i++)
		if (tif_flags[i].bit == bit)
			return tif_flags[i].name;
	return "?";
}

int session_set_tif(struct session *s, const char *flag, const char *onoff)
{
	int bit = tif_bit(flag);
	if (bit < 0) {
		session_error(s, "set tif: unknown flag '%s' (see `panel tif` for the names)", flag);
		return -1;
	}
	bool on;
	if (!strcmp(onoff, "on") || !strcmp(onoff, "1"))
		on = true;
	else if (!strcmp(onoff, "off") || !strcmp(onoff, "0"))
		on = false;
	else {
		session_error(s, "set tif: say on or off, not '%s'", onoff);
		return -1;
	}
	uint32_t before = s->model.now.tif;
	int rc = kmodel_set_tif(&s->model, bit, on);
	if (rc)
		return target_failed(s, rc);
	s->model.prev = s->model.now;
	s->model.prev.tif = before;
	kmodel_note_tif_write(&s->model, 0, before, s->model.now.tif);
	snprintf(s->model.provenance[bit].function, sizeof s->model.provenance[bit].function, "you (set tif)");
	session_printf(s, "%s %s: flags %#x -> %#x", tif_flags_name(bit), on ? "set" : "cleared",
		       before, s->model.now.tif);
	return 0;
}
