/* kmodel: the kernel as ringdb understands it. Layouts from DWARF (pt_regs,
 * thread_info, task_struct, percpu), the current task and its saved user
 * registers, the TIF flags by name, and the pipeline state of the current
 * syscall (which path, phase 1's result, exit-loop work, SYSRET or IRET).
 *
 * The pipeline state is derived from where the CPU stops (breakpoints on the
 * entry functions); kmodel_on_stop is the one place that reads those stops. */
#ifndef RINGDB_KMODEL_H
#define RINGDB_KMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "symbols.h"
#include "syscalls.h"
#include "target.h"

#define PTREGS_MAX 32
#define HISTORY_MAX 256
#define COUNTERS_MAX 32

struct tif_flag {
	const char *name;
	int bit;
};
struct tif_mask {
	const char *name;
	uint32_t mask;
	const char *meaning;
};
extern const struct tif_flag tif_flags[];
extern const int tif_flag_count;
extern const struct tif_mask tif_masks[];
extern const int tif_mask_count;
/* Bit number of FLAG ("TIF_SYSCALL_AUDIT" or "SYSCALL_AUDIT"), -1 if unknown. */
int tif_bit(const char *flag);

enum stage {
	STAGE_USER,
	STAGE_ENTRY,
	STAGE_AFTER_SWAPGS,
	STAGE_INT80,
	STAGE_FASTPATH,
	STAGE_SLOWPATH,
	STAGE_ENTER_FROM_USER,
	STAGE_PHASE1,
	STAGE_PHASE2,
	STAGE_TRACE_ENTER,
	/* SAVE_EXTRA_REGS: the SYSCALL entry left bx, bp, r12-r15 unsaved
	 * (Linux 4.3's partial pt_regs); these three places complete it. */
	STAGE_SAVE_FOR_PHASE2,
	STAGE_SAVE_FOR_STUB,
	STAGE_SAVE_FOR_EXIT,
	STAGE_DO_SYSCALL,
	STAGE_DO_INT80,
	STAGE_RETURN_SLOWPATH,
	STAGE_PREPARE_EXIT,
	STAGE_EXIT_LOOP,
	STAGE_SCHEDULE,
	STAGE_SYSRET,
	STAGE_IRET,
	STAGE_COUNT
};

struct stage_info {
	const char *symbol;
	const char *label; /* on the pipeline map */
};
extern const struct stage_info stages[STAGE_COUNT];

enum path { PATH_UNKNOWN, PATH_FAST, PATH_SLOW };
enum exit_kind { EXIT_NONE, EXIT_SYSRET, EXIT_IRET };

struct syscall_record {
	unsigned long seq;
	int pid;
	char comm[17];
	enum syscall_abi abi;
	long nr;
	unsigned long args[6];
	struct syscall_peek peek;    /* strings and written buffers, read at entry */
	enum path path;
	bool phase1_ran, phase1_known;
	long phase1_result;
	bool phase2_ran;
	bool skipped;                /* orig_ax = -1 after phase 1/2: the call is not run */
	bool dispatched;
	bool slow_exit;
	bool extra_saved;            /* SAVE_EXTRA_REGS ran: pt_regs is complete */
	int exit_prepares;           /* prepare_exit_to_usermode calls */
	uint32_t exit_work;          /* TIF flags when prepare_exit_to_usermode began */
	int exit_loops;              /* exit_to_usermode_loop iterations */
	uint32_t exit_loop_flags[8]; /* TIF work seen at each iteration */
	int reschedules;
	uint32_t tif_at_entry;
	enum exit_kind exit;
	bool have_result;
	long result;
	uint32_t visited;            /* bit per enum stage */
	bool complete;
	/* The kernel's own account, when it keeps one: per-CPU counters
	 * (cpu_data.stats) at entry and their change by the exit, and the
	 * fields of a per-syscall record (cpu_data.trace) read at the exit. */
	uint64_t counters_at_entry[COUNTERS_MAX];
	bool have_counters;
	int64_t counter_delta[COUNTERS_MAX];
	bool have_delta;
	uint64_t trace[COUNTERS_MAX];
	bool have_trace;
};

struct ksnapshot {
	bool valid;
	uint64_t task;
	uint64_t stack;
	int pid;
	char comm[17];
	uint64_t ptregs_addr;
	uint64_t ptregs[PTREGS_MAX];
	bool ptregs_valid;
	uint32_t tif;
	uint32_t status;
	bool tif_valid;
};

/* Who last changed a TIF bit, from the flags write watchpoint. */
struct tif_provenance {
	char function[64];
	uint64_t pc;
	bool set; /* set or cleared */
	unsigned long seq;
};

struct kmodel {
	struct target *t;
	struct symbols *s;
	char problem[256];  /* why some of the model is unavailable */
	/* layouts */
	int nptregs;
	const char *ptregs_names[PTREGS_MAX];
	long ptregs_offsets[PTREGS_MAX];
	long ptregs_size;
	long ti_flags_off, ti_status_off;
	long task_stack_off, task_pid_off, task_comm_off;
	uint64_t cpu_data;
	long current_task_off;
	bool have_layout;
	uint64_t thread_size;
	uint64_t stage_addr[STAGE_COUNT];
	/* Optional kernel-side accounts (see struct syscall_record). */
	int ncounters;
	const char *counter_names[COUNTERS_MAX];
	long counter_offsets[COUNTERS_MAX];
	long counter_sizes[COUNTERS_MAX];
	long stats_off;
	int ntrace;
	const char *trace_names[COUNTERS_MAX];
	long trace_offsets[COUNTERS_MAX];
	long trace_sizes[COUNTERS_MAX];
	long trace_off;
	/* state */
	struct ksnapshot now, prev;
	enum stage where;        /* stage of the last stop, STAGE_USER when in user mode */
	bool in_kernel;
	/* The syscall of the current task; those of tasks that blocked in a
	 * syscall wait in `parked` until their task runs again. */
	struct syscall_record cur;
	bool in_syscall;
	struct syscall_record parked[16];
	int nparked;
	struct syscall_record history[HISTORY_MAX];
	int nhistory;
	unsigned long seq;
	uint64_t phase1_return;  /* where phase 1 returns to; 0 when not armed */
	uint64_t flags_watch;    /* address of the watched thread_info->flags */
	struct tif_provenance provenance[32];
};

void kmodel_init(struct kmodel *m, struct target *t, struct symbols *s);
/* Re-read the current task, pt_regs and TIF flags (prev keeps the last). */
void kmodel_refresh(struct kmodel *m);
/* Feed a stop at PC (after kmodel_refresh). Updates the pipeline state. */
void kmodel_on_stop(struct kmodel *m, uint64_t pc);
enum stage kmodel_stage_at(const struct kmodel *m, uint64_t pc);
/* A pt_regs member from the current snapshot. */
bool kmodel_ptreg(const struct kmodel *m, const char *name, uint64_t *value);
int kmodel_ptreg_index(const struct kmodel *m, const char *name);
/* Decode a raw pt_regs image into values by layout (pure; tests use it). */
void kmodel_decode_ptregs(const struct kmodel *m, const unsigned char *raw, uint64_t *values);
/* thread_info->flags address of the current task, 0 if unknown. */
uint64_t kmodel_flags_addr(const struct kmodel *m);
/* Write the TIF word (what-if). */
int kmodel_set_tif(struct kmodel *m, int bit, bool on);
/* Record a TIF change seen by the write watchpoint at PC. */
void kmodel_note_tif_write(struct kmodel *m, uint64_t pc, uint32_t before, uint32_t after);
/* Whether the current task's pt_regs lacks bx, bp and r12-r15 (they are
 * live in the CPU): a SYSCALL in flight on the fast path or in phase 1,
 * before any SAVE_EXTRA_REGS. */
bool kmodel_frame_partial(const struct kmodel *m);
/* "-" on a register means the CPU is in 32-bit mode: bits 32 or 64. */
int kmodel_cpu_bits(const struct target *t);

#endif
