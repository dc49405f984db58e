/* scenario: one fixed sequence of target operations on tests/fixture/tiny. */
#include "scenario.h"

#include <string.h>

#define STEP(n, call)                                                  \
	do {                                                           \
		if ((call) != TARGET_OK) {                             \
			r->failed_at = (n);                            \
			snprintf(r->error, sizeof r->error, "%.250s", t->error); \
			return;                                        \
		}                                                      \
	} while (0)

void run_tiny_scenario(struct target *t, struct scenario_result *r)
{
	memset(r, 0, sizeof *r);
	r->nregs = t->nregs;
	r->g_size = t->g_size;
	snprintf(r->arch, sizeof r->arch, "%s", t->arch);
	r->reset_pc = target_pc(t);

	STEP(1, target_insert_bp(t, BP_SOFTWARE, TINY_TICK, 1));
	STEP(2, target_resume(t, false));
	STEP(3, target_wait(t, NULL, 10000));
	r->bp_pc = target_pc(t);
	STEP(4, target_stepi(t, NULL));
	r->step_pc = target_pc(t);
	STEP(5, target_read_memory(t, TINY_COUNTER, &r->counter_after_step, 4));
	STEP(6, target_remove_bp(t, BP_SOFTWARE, TINY_TICK, 1));

	STEP(7, target_insert_bp(t, WP_WRITE, TINY_COUNTER, 4));
	STEP(8, target_resume(t, false));
	STEP(9, target_wait(t, &r->watch_stop, 10000));
	STEP(10, target_remove_bp(t, WP_WRITE, TINY_COUNTER, 4));

	uint32_t hundred = 100;
	STEP(11, target_write_memory(t, TINY_COUNTER, &hundred, 4));
	STEP(12, target_read_memory(t, TINY_COUNTER, &r->counter_written, 4));
	STEP(13, target_write_register(t, "rax", 0x1234));
	STEP(14, target_read_registers(t));
	target_reg_value(t, "rax", &r->rax_written);

	STEP(15, target_resume(t, false));
	STEP(16, target_interrupt(t, &r->interrupt_stop));
	for (int i = 0; i < 5; i++) {
		STEP(17, target_stepi(t, NULL));
		r->steps_done++;
	}
	r->pc_after_steps = target_pc(t);
}
