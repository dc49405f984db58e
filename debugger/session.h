/* session: one debugging session. It owns the target, the symbols and the
 * kernel model, the breakpoints and the log, and implements what commands
 * do (step, continue, run to the next syscall, ...). Both the batch mode and
 * the ncurses UI drive a session; neither knows the RSP layer. */
#ifndef RINGDB_SESSION_H
#define RINGDB_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "keeper.h"
#include "kmodel.h"
#include "qmp.h"
#include "symbols.h"
#include "target.h"

#define MAX_BREAKPOINTS 64
#define LOG_LINES 256
#define LOG_WIDTH 200

struct breakpoint {
	int id;
	enum bp_type type;
	uint64_t addr;
	int len;
	bool temporary;
	bool provenance; /* the TIF-flags watch that records who set a bit */
	char where[128];
	int hits;
};

enum run_goal {
	GOAL_BREAK,       /* until a breakpoint, a watchpoint or an interrupt */
	GOAL_SYSCALL,     /* until the next syscall entry */
	GOAL_USER,        /* until back in user mode */
	GOAL_ADDRESS,     /* until goal_addr (finish, next over a call) */
	GOAL_ANY_OF,      /* until one of goal_set[] (breakpoints the caller set) */
};
#define GOAL_SET_MAX 256

struct session {
	struct target t;
	struct symbols *syms;
	struct kmodel model;
	char kernel_path[512];
	/* QEMU started by us (0: attached to someone else's). */
	pid_t qemu_pid;
	struct keeper keeper;    /* stops QEMU however ringdb ends */
	const char *launcher_args[8]; /* more launcher options (--icount ...) */
	int nlauncher_args;
	char sock_path[108];
	char console_path[256];
	/* output */
	bool batch;
	FILE *out;               /* batch: where command output goes */
	char log[LOG_LINES][LOG_WIDTH];
	int log_count;           /* total lines ever logged */
	int errors;              /* failed commands (batch exit status) */
	/* breakpoints */
	struct breakpoint bps[MAX_BREAKPOINTS];
	int nbps;
	int next_bp_id;
	bool tracing;            /* pipeline breakpoints installed */
	/* The pt_regs the stopped function was given: a function whose first
	 * parameter is a `struct pt_regs *`, seen at its entry (rdi then), for
	 * as long as that call is on the stack. */
	struct {
		bool active;
		uint64_t addr;          /* the regs argument */
		uint64_t func, func_end;
		uint64_t entry_sp;      /* rsp at the function's first instruction */
		char func_name[64], param[32];
		uint64_t vals[PTREGS_MAX];
		bool valid;
	} given;
	uint64_t goal_set[GOAL_SET_MAX]; /* GOAL_ANY_OF */
	int ngoal_set;
	uint64_t phase1_bp;      /* internal breakpoint at phase 1's return */
	/* register change highlighting: the `g` image at the previous stop */
	unsigned char prev_g[TARGET_G_MAX];
	bool prev_g_valid;
	int run_timeout_ms;
	char stop_reason[160];
	unsigned long stops;
	/* The UI sets this so a running `continue` can be interrupted. */
	bool (*want_interrupt)(void *arg);
	void *want_interrupt_arg;
	/* UI state shared with panels */
	int layout;
	int source_scroll;
	bool quit;
	bool quiet_stops;        /* intermediate stops of a longer command */
	const char *busy;        /* the command running now (status line) */
	int quiz_right, quiz_total; /* predict-then-step score */
	int width;               /* batch panel width */
	int height;              /* batch panel height */
	/* Record/replay (timetravel.c): QEMU's QMP socket beside the gdbstub
	 * for the instruction count, and what QEMU was started with, so a
	 * step back can start the replay afresh and run it to an earlier
	 * instruction count. */
	struct qmp qmp;
	enum { RR_NONE, RR_RECORD, RR_REPLAY } rr;
	char rr_file[512];
	char qmp_path[256];
	char start_launcher[512], start_kernel[512], start_initrd[512], start_append[2048];
	bool start_have_initrd, start_have_append;
	bool restarting;         /* a replay started afresh: no connect messages */
	unsigned long restarts;
};

void session_init(struct session *s);
void session_free(struct session *s);
/* Log a line (and print it in batch mode). */
void session_printf(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void session_error(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int session_load_symbols(struct session *s, const char *kernel);
/* Start QEMU through scripts/ringside-qemu, halted, on a private socket. */
int session_start_qemu(struct session *s, const char *launcher, const char *kernel, const char *initrd,
		       const char *append);
int session_attach(struct session *s, const char *where);
/* Called after every stop: registers, model, pipeline, provenance. */
void session_after_stop(struct session *s);

int session_stepi(struct session *s, int count);
int session_step_line(struct session *s, bool over_calls);
int session_finish(struct session *s);
int session_run(struct session *s, enum run_goal goal, uint64_t goal_addr);
int session_interrupt(struct session *s);
/* Backwards, in a replay (ringdb --replay) or a recording (--record, which
 * then becomes a replay of what was recorded): COUNT instructions (STEP),
 * or to the previous breakpoint or watchpoint hit (timetravel.c). */
int session_reverse(struct session *s, bool step, int count);
enum reverse_line { REVERSE_STEP, REVERSE_NEXT, REVERSE_FINISH };
/* reverse-step, reverse-next, reverse-finish. */
int session_reverse_line(struct session *s, enum reverse_line how);
/* Run forward to the failing KTAP line's assertion: an in-kernel test's
 * failed KEXPECT (its printk of "# FILE:LINE: expected"), a program's
 * write() of "not ok", or a panic. */
int session_goto_failure(struct session *s);
/* The replay's instruction count (QMP query-replay); false outside one. */
bool session_icount(struct session *s, uint64_t *icount);
/* Run the in-kernel test NAME ("all": whichever runs first) to its first
 * call into a function defined in one of FILES (none: stop in the test
 * itself), and log what the test set up: the task, its TIF flags, the
 * pt_regs the function was given. */
int session_ktest(struct session *s, const char *name, int nfiles, char **files);

/* LOCATION: function, file:line, *ADDRESS or 0xADDRESS. */
bool session_resolve(struct session *s, const char *location, uint64_t *addr, char *desc, size_t cap);
int session_break(struct session *s, const char *location, bool temporary);
int session_watch(struct session *s, const char *what, int len);
int session_delete(struct session *s, int id);
const struct breakpoint *session_bp_at(const struct session *s, uint64_t addr);

/* print: registers, globals and their fields via DWARF, numbers. */
int session_print(struct session *s, const char *expr);
int session_set_reg(struct session *s, const char *name, const char *value);
/* An expression as an address: a pointer's target, a number or register's
 * value, else where the object is (x regs, x $rdi). */
bool session_eval_address(struct session *s, const char *expr, uint64_t *addr, char *err, size_t errlen);
int session_set_tif(struct session *s, const char *flag, const char *onoff);
/* Did register NAME change since the previous stop? */
bool session_reg_changed(const struct session *s, const char *name);
bool session_alive(const struct session *s);

#endif
