/* commands: the command table and its handlers. */
#include "commands.h"
#include "fpu.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "panels.h"
#include "syscalls.h"

static int need_args(struct session *s, int argc, int want, const char *usage)
{
	if (argc - 1 < want) {
		session_error(s, "usage: %s", usage);
		return -1;
	}
	return 0;
}

static int count_arg(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	return n > 0 ? n : 1;
}

static int cmd_step(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	for (int i = 0; i < count_arg(argc, argv); i++)
		if (session_step_line(s, false))
			return -1;
	return 0;
}

static int cmd_next(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	for (int i = 0; i < count_arg(argc, argv); i++)
		if (session_step_line(s, true))
			return -1;
	return 0;
}

static int cmd_stepi(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	return session_stepi(s, count_arg(argc, argv)) ? -1 : 0;
}

static int cmd_finish(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv, (void)rest;
	return session_finish(s) ? -1 : 0;
}

static int cmd_continue(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv, (void)rest;
	return session_run(s, GOAL_BREAK, 0) ? -1 : 0;
}

static int cmd_reverse_stepi(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	int n = argc > 1 ? atoi(argv[1]) : 1;
	if (n < 1) {
		session_error(s, "reverse-stepi: N must be a positive count, not '%s'", argv[1]);
		return -1;
	}
	return session_reverse(s, true, n) ? -1 : 0;
}

static int cmd_reverse_continue(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv, (void)rest;
	return session_reverse(s, false, 1) ? -1 : 0;
}

static int cmd_reverse_step(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	for (int i = 0; i < count_arg(argc, argv); i++)
		if (session_reverse_line(s, REVERSE_STEP))
			return -1;
	return 0;
}

static int cmd_reverse_next(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	for (int i = 0; i < count_arg(argc, argv); i++)
		if (session_reverse_line(s, REVERSE_NEXT))
			return -1;
	return 0;
}

static int cmd_reverse_finish(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv, (void)rest;
	return session_reverse_line(s, REVERSE_FINISH) ? -1 : 0;
}

static int cmd_goto_failure(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv, (void)rest;
	return session_goto_failure(s) ? -1 : 0;
}

static int cmd_icount(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv, (void)rest;
	uint64_t ic;
	if (!session_icount(s, &ic)) {
		session_error(s, "icount: only a recording or a replay counts instructions (%s)",
			      s->rr == RR_NONE ? "this session is neither" : s->qmp.error);
		return -1;
	}
	session_printf(s, "instruction count %" PRIu64 " (%s)", ic, s->rr == RR_REPLAY ? "replay" : "recording");
	return 0;
}

static int cmd_ktest(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (need_args(s, argc, 1, "ktest NAME|all [LAB-FILE...]"))
		return -1;
	return session_ktest(s, argv[1], argc - 2, argv + 2) ? -1 : 0;
}

static int cmd_interrupt(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv, (void)rest;
	if (!s->t.running) {
		session_printf(s, "the CPU is already stopped");
		return 0;
	}
	return session_interrupt(s) ? -1 : 0;
}

static int cmd_syscall(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	/* `syscall getpid`: the next entry of that syscall (64-bit numbers). */
	if (argc > 1 && !(argv[1][0] >= '0' && argv[1][0] <= '9')) {
		const struct syscall_desc *d = NULL;
		for (long nr = 0; nr < 1024 && !d; nr++) {
			const struct syscall_desc *x = syscall_find(ABI_64, nr);
			if (x && strcmp(x->name, argv[1]) == 0)
				d = x;
		}
		if (!d) {
			session_error(s, "syscall: no syscall named '%s' in the kernel's table", argv[1]);
			return -1;
		}
		s->quiet_stops = true;
		for (int i = 0; i < 100000; i++) {
			int rc = session_run(s, GOAL_SYSCALL, 0);
			if (rc || !s->t.connected) {
				s->quiet_stops = false;
				return -1;
			}
			bool found = s->model.in_syscall && s->model.cur.nr == d->nr && s->model.cur.abi == ABI_64;
			if (found || strcmp(s->stop_reason, "syscall entry") != 0) {
				/* Found, or stopped for another reason (a breakpoint, Ctrl-C). */
				s->quiet_stops = false;
				char again[32];
				snprintf(again, sizeof again, "%s", s->stop_reason);
				session_printf(s, "%s%s after %d syscalls", again, found ? "" : " (not the one asked for)", i + 1);
				return 0;
			}
		}
		s->quiet_stops = false;
		session_error(s, "syscall: no %s after 100000 syscalls", d->name);
		return -1;
	}
	for (int i = 0; i < count_arg(argc, argv); i++)
		if (session_run(s, GOAL_SYSCALL, 0))
			return -1;
	return 0;
}

static int cmd_sysexit(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv, (void)rest;
	return session_run(s, GOAL_USER, 0) ? -1 : 0;
}

/* Predict-then-step: guess the branch, then see it happen. */
static int cmd_predict(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (need_args(s, argc, 1, "predict jump|fall"))
		return -1;
	bool jump = !strcmp(argv[1], "jump"), fall = !strcmp(argv[1], "fall");
	if (!jump && !fall) {
		session_error(s, "predict: say jump or fall, not '%s'", argv[1]);
		return -1;
	}
	struct branch_prediction p;
	if (!oracle_predict(s, &p)) {
		session_error(s, "predict: no conditional branch here (or at the next instruction): step until the "
				 "pipeline panel shows `branch:`");
		return -1;
	}
	uint64_t at = p.jump.addr, after = at + (uint64_t)p.jump.size;
	s->quiet_stops = true;
	for (int i = 0; i < 4 && s->t.connected && target_pc(&s->t) != at; i++)
		session_stepi(s, 1);
	if (s->t.connected)
		session_stepi(s, 1);
	s->quiet_stops = false;
	if (!s->t.connected)
		return -1;
	uint64_t pc = target_pc(&s->t);
	bool jumped = pc != after;
	bool right = jumped == jump;
	s->quiz_total++;
	s->quiz_right += right;
	char names[160] = "";
	if (p.tif_test) {
		size_t n = 0;
		for (int i = 0; i < tif_flag_count; i++)
			if (p.tif_hit >> tif_flags[i].bit & 1)
				n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", n ? "|" : "", tif_flags[i].name);
	}
	session_printf(s, "%s: it %s%s%s%s%s (score %d/%d)", right ? "right" : "wrong", jumped ? "jumped" : "fell through",
		       jumped && p.destination[0] ? " to " : "", jumped ? p.destination : "",
		       p.tif_test ? (p.tif_hit ? ", because of " : ", no TIF work was set") : "", p.tif_hit ? names : "",
		       s->quiz_right, s->quiz_total);
	return 0;
}

static int cmd_break(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (need_args(s, argc, 1, "break FUNCTION | FILE:LINE | *ADDRESS"))
		return -1;
	return session_break(s, argv[1], false);
}

static int cmd_tbreak(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (need_args(s, argc, 1, "tbreak FUNCTION | FILE:LINE | *ADDRESS"))
		return -1;
	return session_break(s, argv[1], true);
}

static int cmd_delete(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (argc == 1) {
		while (s->nbps)
			session_delete(s, s->bps[0].id);
		session_printf(s, "all breakpoints deleted");
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		long id = strtol(argv[i], &end, 10);
		if (*end || session_delete(s, (int)id)) {
			if (*end)
				session_error(s, "delete: '%s' is not a breakpoint number", argv[i]);
			return -1;
		}
	}
	return 0;
}

static int cmd_watch(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (need_args(s, argc, 1, "watch tif | GLOBAL | *ADDRESS [LENGTH]"))
		return -1;
	return session_watch(s, argv[1], argc > 2 ? atoi(argv[2]) : 0);
}

static int cmd_print(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argv;
	if (need_args(s, argc, 1, "print EXPRESSION (rax, $rip, cpu_data.current_task->pid, ptregs.orig_ax)"))
		return -1;
	return session_print(s, rest);
}

static int cmd_x(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (need_args(s, argc, 1, "x ADDRESS|SYMBOL|EXPRESSION [QWORDS]"))
		return -1;
	uint64_t addr;
	char desc[256];
	/* A local, a register ($rdi) or a pointer expression first; then a
	 * location as `break` takes it (function, file:line, *address). */
	if (!session_eval_address(s, argv[1], &addr, desc, sizeof desc) &&
	    !session_resolve(s, argv[1], &addr, desc, sizeof desc)) {
		session_error(s, "x: %s", desc);
		return -1;
	}
	int n = argc > 2 ? atoi(argv[2]) : 4;
	if (n < 1 || n > 256)
		n = 4;
	for (int i = 0; i < n; i++) {
		uint64_t v;
		int rc = target_read_memory(&s->t, addr + 8 * (uint64_t)i, &v, 8);
		if (rc) {
			session_error(s, "x: %#" PRIx64 ": %s", addr + 8 * (uint64_t)i, s->t.error);
			return -1;
		}
		session_printf(s, "%#" PRIx64 ": 0x%016" PRIx64, addr + 8 * (uint64_t)i, v);
	}
	return 0;
}

static int cmd_set(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (argc >= 4 && strcmp(argv[1], "reg") == 0)
		return session_set_reg(s, argv[2], argv[3]);
	if (argc >= 4 && strcmp(argv[1], "tif") == 0)
		return session_set_tif(s, argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "timeout") == 0) {
		int sec = atoi(argv[2]);
		if (sec <= 0) {
			session_error(s, "set timeout: want a number of seconds");
			return -1;
		}
		s->run_timeout_ms = sec * 1000;
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "height") == 0) {
		int h = atoi(argv[2]);
		s->height = h >= 5 && h <= 200 ? h : 30;
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "width") == 0) {
		int w = atoi(argv[2]);
		s->width = w >= 40 && w <= 400 ? w : 100;
		return 0;
	}
	if (argc >= 3 && (strcmp(argv[1], "reverse-scan") == 0 || strcmp(argv[1], "reverse-window") == 0)) {
		char *end;
		bool scan = strcmp(argv[1], "reverse-scan") == 0;
		unsigned long long n = strtoull(argv[2], &end, 10);
		if (*end || argv[2][0] == '-' || !argv[2][0] || n > 1000000000ULL) {
			session_error(s, "set %s: want a number of instructions (%s)", argv[1],
				      scan ? "0: breakpoints, the default" : "the first window; 0: 1024, the default");
			return -1;
		}
		*(scan ? &s->reverse_scan : &s->reverse_window) = n;
		return 0;
	}
	session_error(s, "usage: set reg NAME VALUE | set tif FLAG on|off | set timeout SECONDS | set width COLUMNS | "
		      "set height ROWS | set reverse-scan N | set reverse-window N");
	return -1;
}

static int cmd_panel(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (argc < 2) {
		session_error(s, "usage: panel NAME; panels:");
		for (int i = 0; i < panel_type_count; i++)
			session_printf(s, "  %-12s %s", panel_types[i].name, panel_types[i].help);
		return -1;
	}
	const struct panel_type *p = panel_find(argv[1]);
	if (!p) {
		session_error(s, "no panel '%s' (try: panel)", argv[1]);
		return -1;
	}
	if (s->batch) {
		panel_print(s, p, s->width, s->out);
		fflush(s->out);
		return 0;
	}
	/* On screen: show the panel's layout if one has it first. */
	for (int i = 0; i < layout_count; i++)
		if (strcmp(layouts[i].slots[0].panel, p->name) == 0)
			s->layout = i;
	return 0;
}

/* GDB's names for the same views. */
static int cmd_info(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	static const char *const names[][2] = {
		{ "registers", "regs" }, { "breakpoints", "breakpoints" }, { "watchpoints", "breakpoints" },
		{ "stack", "stack" }, { "source", "source" }, { "line", "source" },
		{ "locals", "locals" }, { "args", "locals" }, { "frame", "locals" },
	};
	if (argc > 1 && strcmp(argv[1], "reverse") == 0) {
		/* What the last reverse-step/next/finish cost. */
		if (!s->reverse_stats.windows) {
			session_printf(s, "no reverse-step, reverse-next or reverse-finish yet");
			return 0;
		}
		session_printf(s, "last reverse line search: the answer %" PRIu64 " instructions back, looked %" PRIu64
			       " back in %d window%s, %lu breakpoint hit%s, %ld ms (%s)", s->reverse_stats.answer,
			       s->reverse_stats.back, s->reverse_stats.windows,
			       s->reverse_stats.windows == 1 ? "" : "s", s->reverse_stats.hits,
			       s->reverse_stats.hits == 1 ? "" : "s", s->reverse_stats.ms,
			       s->reverse_scan ? "single-stepped: set reverse-scan" : "breakpoints");
		return 0;
	}
	for (size_t i = 0; argc > 1 && i < sizeof names / sizeof *names; i++) {
		if (strncmp(names[i][0], argv[1], strlen(argv[1])) != 0)
			continue;
		char *args[2] = { "panel", (char *)names[i][1] };
		return cmd_panel(s, 2, args, "");
	}
	session_error(s, "usage: info registers|breakpoints|stack|source|locals|reverse (or: panel NAME)");
	return -1;
}

static int cmd_layout(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	int i = argc > 1 ? layout_find(argv[1]) : (s->layout + 1) % layout_count;
	if (i < 0) {
		session_error(s, "no layout '%s'; layouts:", argv[1]);
		for (int k = 0; k < layout_count; k++)
			session_printf(s, "  %-10s %s", layouts[k].name, layouts[k].help);
		return -1;
	}
	s->layout = i;
	session_printf(s, "layout %s", layouts[i].name);
	return 0;
}

static int cmd_attach(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (need_args(s, argc, 1, "attach HOST:PORT | unix:PATH"))
		return -1;
	if (s->t.connected)
		target_close(&s->t);
	return session_attach(s, argv[1]) ? -1 : 0;
}

static int cmd_screen(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (need_args(s, argc, 1, "screen FILE [COLSxROWS]"))
		return -1;
	int w = 100, h = 30;
	if (argc > 2 && (sscanf(argv[2], "%dx%d", &w, &h) != 2 || w < 1 || h < 1 || w > 500 || h > 300)) {
		session_error(s, "screen: size '%s' is not COLSxROWS", argv[2]);
		return -1;
	}
	FILE *f = strcmp(argv[1], "-") == 0 ? s->out : fopen(argv[1], "w");
	if (!f) {
		session_error(s, "screen: cannot write %s", argv[1]);
		return -1;
	}
	struct textbuf tb;
	if (tb_init(&tb, w, h) < 0) {
		if (f != s->out)
			fclose(f);
		return -1;
	}
	screen_compose(s, &tb, NULL);
	/* Text, then the attribute of every cell (one letter each). */
	tb_dump(&tb, f, h, 0);
	fprintf(f, "-- attributes (%s) --\n", ATTR_LETTERS);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++)
			fputc(ATTR_LETTERS[tb.attr[y * w + x] < ATTR_COUNT ? tb.attr[y * w + x] : 0], f);
		fputc('\n', f);
	}
	tb_free(&tb);
	if (f != s->out)
		fclose(f);
	return 0;
}

static int cmd_echo(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv;
	session_printf(s, "%s", rest);
	return 0;
}

static int cmd_help(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	for (int i = 0; i < command_count; i++) {
		const struct command *c = &commands[i];
		if (argc > 1 && strcmp(argv[1], c->name) && (!c->alias || strcmp(argv[1], c->alias)))
			continue;
		session_printf(s, "%-10s %-4s %-28s %s", c->name, c->alias ? c->alias : "", c->args, c->help);
	}
	return 0;
}

static int cmd_backtrace(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	int max = 0;
	if (argc > 1 && (max = atoi(argv[1])) <= 0) {
		session_error(s, "backtrace: N must be a positive count, not '%s'", argv[1]);
		return -1;
	}
	return session_backtrace(s, max) ? -1 : 0;
}

static int cmd_frame(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (session_frames(s) == 0) {
		session_error(s, "%s: no registers (not connected?)", argv[0]);
		return -1;
	}
	char *end = NULL;
	long n = argc > 1 ? strtol(argv[1], &end, 10) : -1;
	if (argc > 1 && (*end || n < 0)) {
		session_error(s, "%s: '%s' is not a frame number or count", argv[0], argv[1]);
		return -1;
	}
	int target = s->frame_sel;
	if (strcmp(argv[0], "frame") == 0 || strcmp(argv[0], "f") == 0)
		target = argc > 1 ? (int)n : s->frame_sel;
	else if (strcmp(argv[0], "up") == 0)
		target += argc > 1 ? (int)n : 1;
	else
		target -= argc > 1 ? (int)n : 1;
	if (strcmp(argv[0], "frame") != 0 && strcmp(argv[0], "f") != 0 && (target < 0 || target >= s->nframes)) {
		session_error(s, "%s: %s", argv[0], target < 0 ? "already at the innermost frame (#0)" :
			      "already at the outermost frame (see bt)");
		return -1;
	}
	return session_select_frame(s, target) ? -1 : 0;
}

static int cmd_display(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argv;
	if (argc < 2) {
		if (s->ndisplays == 0)
			session_printf(s, "no displays");
		s->displays_key = 0; /* print them now */
		session_show_displays(s);
		return 0;
	}
	return session_display(s, rest) ? -1 : 0;
}

static int cmd_undisplay(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	if (argc < 2)
		return session_undisplay(s, 0) ? -1 : 0;
	for (int i = 1; i < argc; i++) {
		char *end;
		long id = strtol(argv[i], &end, 10);
		if (*end || id <= 0) {
			session_error(s, "undisplay: '%s' is not a display number", argv[i]);
			return -1;
		}
		if (session_undisplay(s, (int)id))
			return -1;
	}
	return 0;
}

static int cmd_quit(struct session *s, int argc, char **argv, const char *rest)
{
	(void)argc, (void)argv, (void)rest;
	s->quit = true;
	return 0;
}

const struct command commands[] = {
	{ "step", "s", "[N]", cmd_step, "run to the next source line, into calls" },
	{ "next", "n", "[N]", cmd_next, "run to the next source line, over calls" },
	{ "stepi", "si", "[N]", cmd_stepi, "execute N instructions (default 1)" },
	{ "finish", "fin", "", cmd_finish, "run until the current function returns; print its value" },
	{ "continue", "c", "", cmd_continue, "run until a breakpoint, a watchpoint or Ctrl-C" },
	{ "interrupt", NULL, "", cmd_interrupt, "stop a running CPU (Ctrl-C on the screen)" },
	{ "syscall", "y", "[N|NAME]", cmd_syscall, "run to the next syscall entry (SYSCALL or int $0x80); NAME: of that syscall" },
	{ "sysexit", NULL, "", cmd_sysexit, "run until this syscall returns to user mode" },
	{ "reverse-stepi", "rsi", "[N]", cmd_reverse_stepi, "in a replay or recording: N instructions backwards" },
	{ "reverse-step", "rs", "[N]", cmd_reverse_step, "in a replay: back to the start of the previous source line, into calls" },
	{ "reverse-next", "rn", "[N]", cmd_reverse_next, "in a replay: back to the start of the previous source line, over calls" },
	{ "reverse-finish", NULL, "", cmd_reverse_finish, "in a replay: back to the call of the current function" },
	{ "reverse-continue", "rc", "", cmd_reverse_continue, "in a replay: back to the previous breakpoint or watchpoint hit "
							      "(watch tif: the last write that changed a TIF flag)" },
	{ "goto-failure", "gf", "", cmd_goto_failure, "run to the failing KTAP line's assertion (a KEXPECT, a \"not ok\" write, a panic)" },
	{ "icount", NULL, "", cmd_icount, "in a replay or recording: the instruction count (QEMU's query-replay)" },
	{ "ktest", NULL, "NAME|all [FILE...]", cmd_ktest,
	  "run the in-kernel test NAME to its first call into a function FILE defines (a lab's file); log what it set up" },
	{ "predict", NULL, "jump|fall", cmd_predict, "predict-then-step: guess the next conditional branch, step it, score" },
	{ "break", "b", "LOCATION", cmd_break, "breakpoint at FUNCTION, FILE:LINE or *ADDRESS" },
	{ "tbreak", NULL, "LOCATION", cmd_tbreak, "breakpoint that deletes itself when hit" },
	{ "delete", "d", "[ID...]", cmd_delete, "delete breakpoints (all without IDs)" },
	{ "watch", NULL, "tif|GLOBAL|*ADDR [LEN]", cmd_watch, "hardware write watchpoint; `watch tif` records who sets each TIF bit" },
	{ "print", "p", "EXPRESSION", cmd_print, "a parameter or local (DWARF locations), a register, a global, fields (a.b->c[i]), *ptr, ptregs.NAME" },
	{ "x", NULL, "EXPRESSION [N]", cmd_x, "N quadwords of memory at an address, a pointer's target (x regs) or a register (x $rdi 21)" },
	{ "backtrace", "bt", "[N]", cmd_backtrace,
	  "the call stack: each frame's function, arguments (DWARF) and file:line; kernel and user frames" },
	{ "frame", "f", "[N]", cmd_frame, "select frame N (see bt): print, x, display and the locals panel use it" },
	{ "up", NULL, "[N]", cmd_frame, "select the frame N (default 1) above: the caller" },
	{ "down", NULL, "[N]", cmd_frame, "select the frame N (default 1) below: the callee" },
	{ "display", NULL, "[EXPRESSION]", cmd_display, "print EXPRESSION now and at every stop (no argument: all of them now)" },
	{ "undisplay", NULL, "[N...]", cmd_undisplay, "stop displaying N (all without N)" },
	{ "sigframe", NULL, "[ADDRESS]", cmd_sigframe, "decode a signal frame (default at rsp): registers, mask, siginfo, fpstate" },
	{ "set", NULL, "reg|tif|timeout|width|height|reverse-scan|reverse-window", cmd_set, "set reg NAME VALUE; set tif FLAG on|off "
	  "(what-if); set timeout S; panel size; set reverse-scan N: reverse-step/next/finish single-step the last N "
	  "instructions (0: breakpoints); set reverse-window N: their first window" },
	{ "panel", NULL, "NAME", cmd_panel, "print a panel as text (batch) or show it (screen)" },
	{ "info", "i", "registers|breakpoints|...|reverse", cmd_info, "GDB's names for the panels: info registers is panel regs; "
	  "info reverse: what the last reverse-step/next/finish cost" },
	{ "layout", "l", "[NAME]", cmd_layout, "switch the screen layout (next one without NAME)" },
	{ "attach", NULL, "HOST:PORT", cmd_attach, "connect to a QEMU gdbstub" },
	{ "screen", NULL, "FILE [COLSxROWS]", cmd_screen, "write the whole screen (text, then attributes) to FILE" },
	{ "echo", NULL, "TEXT", cmd_echo, "print TEXT (for batch scripts)" },
	{ "help", "h", "[COMMAND]", cmd_help, "this list" },
	{ "quit", "q", "", cmd_quit, "leave ringdb (a QEMU it started is stopped)" },
};
const int command_count = sizeof commands / sizeof *commands;

int command_execute(struct session *s, const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '#')
		return 0;
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", line);
	size_t len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	/* REST: everything after the command word, as typed. */
	const char *rest = line + strcspn(line, " \t");
	while (*rest == ' ' || *rest == '\t')
		rest++;
	char rest_copy[1024];
	snprintf(rest_copy, sizeof rest_copy, "%s", rest);
	size_t rl = strlen(rest_copy);
	while (rl && (rest_copy[rl - 1] == '\n' || rest_copy[rl - 1] == ' ' || rest_copy[rl - 1] == '\r'))
		rest_copy[--rl] = '\0';
	char *argv[16];
	int argc = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, " \t", &save); tok && argc < 16; tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	for (int i = 0; i < command_count; i++) {
		const struct command *c = &commands[i];
		if (strcmp(argv[0], c->name) == 0 || (c->alias && strcmp(argv[0], c->alias) == 0)) {
			int errors = s->errors;
			int rc = c->run(s, argc, argv, rest_copy);
			if (rc && s->errors == errors)
				s->errors++;
			/* display EXPR: again after every command that stopped the CPU. */
			session_show_displays(s);
			return rc ? -1 : 0;
		}
	}
	session_error(s, "unknown command '%s' (help lists them)", argv[0]);
	return -1;
}

const struct key_binding key_bindings[] = {
	{ 's', 7, "s / F7", "step", "step: next source line, into calls" },
	{ 'n', 8, "n / F8", "next", "next: next source line, over calls" },
	{ 'i', 0, "i", "stepi", "stepi: one instruction" },
	{ 'f', 0, "f", "finish", "finish the current function" },
	{ 'c', 5, "c / F5", "continue", "continue" },
	{ 'y', 0, "y", "syscall", "run to the next syscall entry" },
	{ 'x', 0, "x", "sysexit", "run until the syscall returns to user mode" },
	{ 'l', 0, "l", "layout", "next layout" },
	/* Backwards, in a replay (or a recording, which becomes one). */
	{ 'S', 0, "S", "reverse-step", "reverse-step: back to the previous source line, into calls (replay)" },
	{ 'N', 0, "N", "reverse-next", "reverse-next: back to the previous source line, over calls (replay)" },
	{ 'I', 0, "I", "reverse-stepi", "reverse-stepi: one instruction back (replay)" },
	{ 'F', 0, "F", "reverse-finish", "reverse-finish: back to the call of this function (replay)" },
	{ 'C', 0, "C", "reverse-continue", "reverse-continue: back to the previous breakpoint or watchpoint hit (replay)" },
	{ 'g', 0, "g", "goto-failure", "run to the failing KTAP line's assertion" },
};
const int key_binding_count = sizeof(key_bindings) / sizeof(key_bindings[0]);

void keys_print_help(FILE *out)
{
	for (int i = 0; i < key_binding_count; i++)
		fprintf(out, "    %-8s %s\n", key_bindings[i].label, key_bindings[i].help);
	fprintf(out, "    %-8s %s\n", "Ctrl-C", "interrupt a running CPU (q too while it runs)");
	fprintf(out, "    %-8s %s\n", "J / K", "scroll the source");
	fprintf(out, "    %-8s %s\n", ":", "type a command (Enter runs it, Esc cancels)");
	fprintf(out, "    %-8s %s\n", "? / F1", "help: the keys and the command table");
	fprintf(out, "    %-8s %s\n", "q", "quit");
}

void commands_print_help(FILE *out)
{
	for (int i = 0; i < command_count; i++) {
		const struct command *c = &commands[i];
		char name[32];
		snprintf(name, sizeof name, "%s%s%s", c->name, c->alias ? ", " : "", c->alias ? c->alias : "");
		fprintf(out, "  %-14s %-26s %s\n", name, c->args, c->help);
	}
}

/* A table cell: `|` would end the cell, so it is escaped. */
static void md_cell(FILE *out, const char *text)
{
	for (; *text; text++) {
		if (*text == '|')
			fputc('\\', out);
		fputc(*text, out);
	}
}

void commands_print_markdown(FILE *out)
{
	fprintf(out, "| command | alias | arguments | what it does |\n|---|---|---|---|\n");
	for (int i = 0; i < command_count; i++) {
		const struct command *c = &commands[i];
		fprintf(out, "| `%s` | %s | ", c->name, c->alias ? c->alias : "");
		md_cell(out, c->args);
		fputs(" | ", out);
		md_cell(out, c->help);
		fputs(" |\n", out);
	}
}
