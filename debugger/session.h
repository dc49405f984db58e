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
	char comm[17];   /* a user program's breakpoint: stops only in a task of that name */
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

/* One frame of the call stack (debugger/frames.c). Registers by their
 * x86-64 psABI DWARF numbers: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip. */
#define FRAME_MAX 48
#define FRAME_REGS 17
struct frame {
	uint64_t pc;             /* frame 0: the CPU's pc; above: the return address */
	uint64_t regs[FRAME_REGS];
	uint32_t known;          /* bit per register: recovered in this frame */
	uint64_t cfa;            /* canonical frame address (CFI), 0 if unknown */
	bool caller;             /* pc is a return address: look up pc - 1 */
	bool user;               /* runs in user mode (CS & 3 == 3) */
	struct symbols *syms;    /* the kernel's or the user program's */
	const char *how;         /* "cpu", "cfi", "frame pointer", "pt_regs" */
	/* Below a saved-register frame (an exception or interrupt stub's
	 * pt_regs, a user signal frame's uc_mcontext): pc is the interrupted
	 * instruction itself, not a return address; trap names the boundary
	 * ("interrupt", "page fault", "exception", "signal handler called"). */
	const char *trap;
	int vector;              /* with trap: the vector, -1 if not known */
	/* This frame is a signal trampoline (the sa_restorer: mov $15,%eax or
	 * %rax; syscall): shown as <signal handler called>; sigframe is the
	 * rt_sigframe it returns through, signo the signal. */
	bool sigtramp;
	uint64_t sigframe;
	int signo;
};
#define DISPLAY_MAX 16

struct session {
	struct target t;
	/* The symbols of where the CPU is: the kernel's (ksyms) when CS & 3 is
	 * 0, the current task's program (usyms) in user mode when it is
	 * loaded. Panels, step and break use syms; kmodel keeps the kernel's. */
	struct symbols *syms;
	struct symbols *ksyms;
	struct symbols *usyms;   /* one of ucache[], or NULL */
	char usyms_tried[17];    /* last comm looked up (found or not) */
	struct {
		char comm[17];
		struct symbols *syms; /* NULL: no program found for it */
	} ucache[8];             /* programs loaded so far, by task name */
	int nucache;
	/* Where user programs are found: --program FILE (by its name), else
	 * DIR/COMM for each --user-dir DIR. */
	const char *programs[8];
	int nprograms;
	char user_dirs[2][512];
	int nuser_dirs;
	/* The call stack at this stop, and the frame print/x/locals use. */
	struct frame frames[FRAME_MAX];
	int nframes;
	int frame_sel;
	uint64_t frames_key;       /* session_stop_key() when frames[] was built */
	const char *frames_end;    /* why the unwinding ended */
	/* display EXPR: re-printed at every stop. */
	struct {
		int id;
		char expr[128];
	} displays[DISPLAY_MAX];
	int ndisplays, next_display_id;
	uint64_t displays_key;     /* session_stop_key() when last printed */
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
	int goal_pid;            /* GOAL_ADDRESS in user mode: that task's (0: any) */
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
	/* reverse-step/next/finish: 0 searches with breakpoints in windows
	 * growing backwards; N single-steps the last N instructions instead
	 * (`set reverse-scan N`, the reference). The last search's cost. */
	uint64_t reverse_scan;
	uint64_t reverse_window; /* the first window (0: 1024 instructions) */
	struct {
		int windows;
		unsigned long hits;
		uint64_t back;   /* how far back it looked, in instructions */
		uint64_t answer; /* how far back the answer was */
		long ms;
	} reverse_stats;
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
/* "EXPR = VALUE" into OUT; false (OUT says why) when it cannot be had. */
bool session_expr_text(struct session *s, const char *expr, char *out, size_t cap);
int session_set_reg(struct session *s, const char *name, const char *value);
/* An expression as an address: a pointer's target, a number or register's
 * value, else where the object is (x regs, x $rdi). */
bool session_eval_address(struct session *s, const char *expr, uint64_t *addr, char *err, size_t errlen);
int session_set_tif(struct session *s, const char *flag, const char *onoff);
/* Did register NAME change since the previous stop? */
bool session_reg_changed(const struct session *s, const char *name);
bool session_alive(const struct session *s);

/* frames.c: the call stack (DWARF CFI from .debug_frame, the frame-pointer
 * chain where there is none, the task's pt_regs at the user/kernel
 * boundary), frame selection, locals, displays, the user program. */
/* Identifies the CPU's state at a stop (the stop count and the registers):
 * changes with every step, light ones included. */
uint64_t session_stop_key(const struct session *s);
/* Build frames[] for this stop if not yet done; returns nframes. */
int session_frames(struct session *s);
const struct frame *session_frame(struct session *s); /* the selected one */
int session_select_frame(struct session *s, int n);
int session_backtrace(struct session *s, int max);
/* The program of the task named COMM (loaded once; NULL if not found). */
struct symbols *session_program(struct session *s, const char *comm);
/* The task name a program runs under: its file name, cut to 15 bytes. */
const char *session_program_comm(const struct symbols *y, char *out, size_t cap);
/* Pick syms for the CPU's mode and the current task (loads its program). */
void session_switch_symbols(struct session *s);
/* The symbols for an address: the user program's below the kernel half. */
struct symbols *session_syms_for(struct session *s, uint64_t addr);
int session_display(struct session *s, const char *expr);
int session_undisplay(struct session *s, int id);
/* Print the displays if the CPU stopped since they were last printed. */
void session_show_displays(struct session *s);
/* The selected frame's parameters and locals, one line each into OUT
 * (a callback per line); returns how many. */
int session_locals(struct session *s, void (*line)(void *arg, const char *text), void *arg);
/* Function name, arguments and file:line of frame N as text. */
void session_frame_text(struct session *s, int n, char *out, size_t cap);
/* The line above a frame below an exception or interrupt stub: the boundary
 * ("<interrupt>", "<page fault>"), the vector, the mode it interrupted. */
void session_trap_text(struct session *s, const struct frame *c, char *out, size_t cap);

/* The source line of PC as `next` sees it: inside an inlined call, the
 * line of the call (in the function the pc belongs to). */
bool session_outer_line(struct symbols *y, uint64_t pc, const char **file, int *line);
/* A parameter or local NAME visible at frame F's pc (innermost scope
 * first, inlined calls included): its DIE and its function's. */
bool session_frame_local(struct session *s, const struct frame *f, const char *name, Dwarf_Die *var, Dwarf_Die *func);
/* session.c, for frames.c: a variable DIE's value in frame F as text
 * ("<optimised out>" and the like when unavailable); false if unavailable. */
bool session_var_text(struct session *s, const struct frame *f, Dwarf_Die *var, Dwarf_Die *func, char *out,
		      size_t cap);
/* Evaluate DWARF ops OPS (a CFA rule or a register rule) in frame F with
 * DW_OP_call_frame_cfa = CFA; *IS_VALUE: the result is a value, else an address. */
bool session_eval_cfi(struct session *s, const struct frame *f, uint64_t cfa, Dwarf_Op *ops, size_t n,
		      uint64_t *out, bool *is_value);

#endif
