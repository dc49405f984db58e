/* scenario: the target-layer operations that tests/capture.c runs against a
 * real QEMU (writing a transcript) and test_target.c replays against the
 * fake stub, so the replayed test asks exactly what QEMU answered. */
#ifndef RINGDB_SCENARIO_H
#define RINGDB_SCENARIO_H

#include <stdint.h>

#include "../target.h"

/* Addresses in tests/fixture/tiny.S (linked at 0x100000). */
#define TINY_TICK 0x100018
#define TINY_AFTER_INCL 0x10001e
#define TINY_COUNTER 0x10001f

struct scenario_result {
	int nregs, g_size;
	char arch[32];
	uint64_t reset_pc;
	int bp_rc;
	uint64_t bp_pc;
	uint64_t step_pc;
	uint32_t counter_after_step;
	struct stop_reply watch_stop;
	uint32_t counter_written;
	uint64_t rax_written;
	struct stop_reply interrupt_stop;
	int steps_done;
	uint64_t pc_after_steps;
	int failed_at; /* 0: all steps ran */
	char error[256];
};

void run_tiny_scenario(struct target *t, struct scenario_result *r);

#endif
