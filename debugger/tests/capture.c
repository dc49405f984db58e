/* capture ADDRESS TRANSCRIPT: run the tiny scenario against a real QEMU
 * (started by scripts/ringside-qemu with tests/fixture/tiny.elf) and write
 * the RSP transcript that test_target.c replays. */
#include <inttypes.h>
#include <stdio.h>

#include "scenario.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: capture ADDRESS TRANSCRIPT\n");
		return 2;
	}
	static struct target t;
	target_init(&t);
	FILE *log = fopen(argv[2], "w");
	if (!log) {
		perror(argv[2]);
		return 1;
	}
	fprintf(log, "# QEMU 7.2 gdbstub, tests/fixture/tiny.elf, captured by tests/capture.c\n");
	t.conn.log = log;
	if (target_connect(&t, argv[1]) != TARGET_OK) {
		fprintf(stderr, "capture: %s\n", t.error);
		return 1;
	}
	struct scenario_result r;
	run_tiny_scenario(&t, &r);
	target_close(&t);
	fclose(log);
	printf("arch %s regs %d g %d reset_pc %#" PRIx64 " bp_pc %#" PRIx64 " step_pc %#" PRIx64
	       " counter %u watch kind %d addr %#" PRIx64 " written %u rax %#" PRIx64 " int sig %d steps %d pc %#" PRIx64 "\n",
	       r.arch, r.nregs, r.g_size, r.reset_pc, r.bp_pc, r.step_pc, r.counter_after_step,
	       r.watch_stop.kind, r.watch_stop.watch_addr, r.counter_written, r.rax_written,
	       r.interrupt_stop.signal, r.steps_done, r.pc_after_steps);
	if (r.failed_at) {
		fprintf(stderr, "capture: step %d failed: %s\n", r.failed_at, r.error);
		return 1;
	}
	return 0;
}
