/* The target layer against the fake stub replaying QEMU 7.2 transcripts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../target.h"
#include "fake_stub.h"
#include "scenario.h"

#ifndef TRANSCRIPTS
#define TRANSCRIPTS "debugger/tests/transcripts"
#endif

static struct target tgt;
static struct fake_stub stub;

static int connect_to(const char *transcript)
{
	int fd;
	target_init(&tgt);
	if (fake_stub_start(&stub, transcript, &fd) != 0)
		return -1;
	transport_adopt(&tgt.transport, fd);
	return target_handshake(&tgt);
}

/* A transcript made of the captured connect sequence (up to the first `g`
 * reply) followed by EXTRA lines written for one test. */
static const char *with_handshake(const char *extra)
{
	static char path[] = "/tmp/ringdb-transcript-XXXXXX";
	strcpy(path, "/tmp/ringdb-transcript-XXXXXX");
	int fd = mkstemp(path);
	FILE *out = fdopen(fd, "w");
	FILE *in = fopen(TRANSCRIPTS "/tiny.transcript", "r");
	assert_non_null(in);
	char *line = NULL;
	size_t cap = 0;
	bool saw_g = false;
	while (getline(&line, &cap, in) > 0) {
		fputs(line, out);
		if (saw_g)
			break;
		if (strcmp(line, "> g\n") == 0)
			saw_g = true;
	}
	free(line);
	fclose(in);
	fputs(extra, out);
	fclose(out);
	return path;
}

static void finish(const char *path)
{
	target_close(&tgt);
	assert_int_equal(fake_stub_finish(&stub), 0);
	if (path)
		unlink(path);
}

static void replays_the_captured_session(void **state)
{
	(void)state;
	assert_int_equal(connect_to(TRANSCRIPTS "/tiny.transcript"), TARGET_OK);
	struct scenario_result r;
	run_tiny_scenario(&tgt, &r);
	assert_int_equal(r.failed_at, 0);
	assert_string_equal(r.arch, "i386:x86-64");
	/* QEMU 7.2's x86-64 layout: 66 registers in 608 bytes. */
	assert_int_equal(r.nregs, 66);
	assert_int_equal(r.g_size, 608);
	assert_int_equal(r.reset_pc, 0xfff0);
	assert_int_equal(r.bp_pc, TINY_TICK);
	assert_int_equal(r.step_pc, TINY_AFTER_INCL);
	assert_int_equal(r.counter_after_step, 1);
	assert_int_equal(r.watch_stop.kind, STOP_WATCH);
	assert_int_equal(r.watch_stop.watch_addr, TINY_COUNTER);
	assert_int_equal(r.counter_written, 100);
	assert_int_equal(r.rax_written, 0x1234);
	assert_int_equal(r.interrupt_stop.signal, 2);
	assert_int_equal(r.steps_done, 5);
	finish(NULL);
}

static void register_layout_comes_from_the_xml(void **state)
{
	(void)state;
	assert_int_equal(connect_to(TRANSCRIPTS "/tiny.transcript"), TARGET_OK);
	const struct reg_desc *rip = target_find_reg(&tgt, "rip");
	const struct reg_desc *fs_base = target_find_reg(&tgt, "fs_base");
	const struct reg_desc *mxcsr = target_find_reg(&tgt, "mxcsr");
	assert_non_null(rip);
	assert_int_equal(rip->offset, 128);
	assert_non_null(fs_base);
	/* Unaligned, after six 4-byte selectors. */
	assert_int_equal(fs_base->offset, 164);
	assert_non_null(mxcsr);
	assert_int_equal(mxcsr->offset, 604);
	/* Commented-out registers in QEMU's XML are not registers. */
	assert_null(target_find_reg(&tgt, "ss_base"));
	assert_null(target_find_reg(&tgt, "no_such_reg"));
	tgt.running = false;
	run_tiny_scenario(&tgt, &(struct scenario_result){ 0 });
	finish(NULL);
}

static void parses_stop_replies(void **state)
{
	(void)state;
	struct stop_reply s;
	assert_int_equal(target_parse_stop("T05thread:01;", &s), 0);
	assert_int_equal(s.kind, STOP_SIGNAL);
	assert_int_equal(s.signal, 5);
	assert_int_equal(s.thread, 1);
	assert_int_equal(target_parse_stop("T05thread:02;awatch:ffffffff80001000;", &s), 0);
	assert_int_equal(s.kind, STOP_WATCH);
	assert_int_equal(s.thread, 2);
	assert_string_equal(s.watch_type, "awatch");
	assert_true(s.watch_addr == 0xffffffff80001000ull);
	assert_int_equal(target_parse_stop("W00", &s), 0);
	assert_int_equal(s.kind, STOP_EXITED);
	assert_int_equal(target_parse_stop("X09", &s), 0);
	assert_int_equal(s.kind, STOP_TERMINATED);
	assert_int_equal(target_parse_stop("S02", &s), 0);
	assert_int_equal(s.signal, 2);
	assert_int_equal(target_parse_stop("OK", &s), -1);
	assert_int_equal(target_parse_stop("T", &s), -1);
	assert_int_equal(target_parse_stop("T05thread", &s), 0);
}

static void xml_without_registers_is_refused(void **state)
{
	(void)state;
	struct target t;
	target_init(&t);
	assert_int_equal(target_parse_xml_regs(&t, "<target><reg name=\"x\"/></target>"), 0);
	assert_int_equal(target_parse_xml_regs(&t, "<reg name='a' bitsize='32'/><reg name=\"b\" bitsize=\"9999\"/>"), 1);
	assert_int_equal(t.g_size, 4);
}

static void unmapped_memory_is_reported_as_such(void **state)
{
	(void)state;
	const char *path = with_handshake("> mffff800000000000,8\n< E14\n");
	assert_int_equal(connect_to(path), TARGET_OK);
	uint64_t v;
	assert_int_equal(target_read_memory(&tgt, 0xffff800000000000ull, &v, 8), TARGET_UNMAPPED);
	finish(path);
}

static void large_reads_are_split_at_qemus_limit(void **state)
{
	(void)state;
	/* 2049 bytes: one 2048-byte `m`, then one byte. */
	static char extra[2 * 2048 + 200];
	int n = snprintf(extra, sizeof extra, "> m1000,800\n< ");
	for (int i = 0; i < 2048; i++)
		n += snprintf(extra + n, sizeof extra - (size_t)n, "ab");
	snprintf(extra + n, sizeof extra - (size_t)n, "\n> m1800,1\n< cd\n");
	const char *path = with_handshake(extra);
	assert_int_equal(connect_to(path), TARGET_OK);
	static unsigned char buf[2049];
	assert_int_equal(target_read_memory(&tgt, 0x1000, buf, sizeof buf), TARGET_OK);
	assert_int_equal(buf[0], 0xab);
	assert_int_equal(buf[2047], 0xab);
	assert_int_equal(buf[2048], 0xcd);
	finish(path);
}

static void unsupported_breakpoint_type_says_so(void **state)
{
	(void)state;
	const char *path = with_handshake("> Z4,1000,4\n< \n");
	assert_int_equal(connect_to(path), TARGET_OK);
	assert_int_equal(target_insert_bp(&tgt, WP_ACCESS, 0x1000, 4), TARGET_UNSUPPORTED);
	assert_non_null(strstr(tgt.error, "does not support"));
	finish(path);
}

static void qemu_exiting_while_running_is_reported(void **state)
{
	(void)state;
	const char *path = with_handshake("> c\n< W00\n");
	assert_int_equal(connect_to(path), TARGET_OK);
	assert_int_equal(target_resume(&tgt, false), TARGET_OK);
	struct stop_reply s;
	assert_int_equal(target_wait(&tgt, &s, 5000), TARGET_DEAD);
	assert_int_equal(s.kind, STOP_EXITED);
	assert_false(tgt.connected);
	assert_non_null(strstr(tgt.error, "QEMU exited"));
	finish(path);
}

static void qemu_killed_mid_session_is_reported(void **state)
{
	(void)state;
	/* The transcript ends: the stub hangs up as a killed QEMU would. */
	const char *path = with_handshake("");
	assert_int_equal(connect_to(path), TARGET_OK);
	assert_int_equal(target_read_registers(&tgt), TARGET_DEAD);
	assert_non_null(strstr(tgt.error, "closed"));
	/* Later requests fail cleanly too. */
	assert_int_equal(target_insert_bp(&tgt, BP_SOFTWARE, 0x1000, 1), TARGET_DEAD);
	finish(path);
}

static void broken_reply_is_an_error_not_a_crash(void **state)
{
	(void)state;
	const char *path = with_handshake("> g\n< 00zz\n> g\n<raw $g#00$g#00$g#00$g#00$g#00\n>nak\n>nak\n>nak\n");
	assert_int_equal(connect_to(path), TARGET_OK);
	assert_int_equal(target_read_registers(&tgt), TARGET_ERR);
	assert_int_equal(target_read_registers(&tgt), TARGET_ERR);
	assert_non_null(strstr(tgt.error, "checksum"));
	finish(path);
}

static void step_that_never_ends_is_interrupted(void **state)
{
	(void)state;
	/* No reply to `s` (hlt with interrupts masked): 0x03 then T02. */
	const char *path = with_handshake("> s\n! 03\n< T02thread:01;\n> g\n< 00\n");
	assert_int_equal(connect_to(path), TARGET_OK);
	tgt.timeout_ms = 200;
	assert_int_equal(target_stepi(&tgt, NULL), TARGET_ERR);
	finish(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replays_the_captured_session),
		cmocka_unit_test(register_layout_comes_from_the_xml),
		cmocka_unit_test(parses_stop_replies),
		cmocka_unit_test(xml_without_registers_is_refused),
		cmocka_unit_test(unmapped_memory_is_reported_as_such),
		cmocka_unit_test(large_reads_are_split_at_qemus_limit),
		cmocka_unit_test(unsupported_breakpoint_type_says_so),
		cmocka_unit_test(qemu_exiting_while_running_is_reported),
		cmocka_unit_test(qemu_killed_mid_session_is_reported),
		cmocka_unit_test(broken_reply_is_an_error_not_a_crash),
		cmocka_unit_test(step_that_never_ends_is_interrupted),
	};
	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}
