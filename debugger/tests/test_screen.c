/* Golden screens: a scripted session (golden/tiny.batch) against the fake
 * stub replaying what QEMU answered to the same script, each `screen`
 * compared with golden/NAME (text and attributes, so highlighting is
 * checked). RINGDB_UPDATE_GOLDEN=1 rewrites the golden files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../commands.h"
#include "../panels.h"
#include "../session.h"
#include "fake_stub.h"

#ifndef GOLDEN
#define GOLDEN "debugger/tests/golden"
#endif
#ifndef TRANSCRIPTS
#define TRANSCRIPTS "debugger/tests/transcripts"
#endif
#ifndef RINGDB_DOC
#define RINGDB_DOC "docs/ringdb.md"
#endif
#ifndef TINY_ELF
#define TINY_ELF "build/host/ringdb/tests/tiny.elf"
#endif

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

static int compare_golden(const char *name, const char *got_path)
{
	char want_path[512];
	snprintf(want_path, sizeof want_path, "%s/%s", GOLDEN, name);
	char *got = slurp(got_path);
	if (!got)
		return -1;
	if (getenv("RINGDB_UPDATE_GOLDEN")) {
		FILE *f = fopen(want_path, "w");
		fputs(got, f);
		fclose(f);
		free(got);
		return 0;
	}
	char *want = slurp(want_path);
	int rc = want && strcmp(want, got) == 0 ? 0 : -1;
	if (rc)
		fprintf(stderr, "screen %s differs from %s (diff %s %s)\n", name, want_path, want_path, got_path);
	free(want);
	free(got);
	return rc;
}

static void scripted_session_matches_golden_screens(void **state)
{
	(void)state;
	static struct session s;
	static struct fake_stub stub;
	session_init(&s);
	s.batch = true;
	s.out = fopen("/dev/null", "w");
	assert_int_equal(session_load_symbols(&s, TINY_ELF), 0);
	int fd;
	assert_int_equal(fake_stub_start(&stub, TRANSCRIPTS "/tiny-screen.transcript", &fd), 0);
	char where[32];
	snprintf(where, sizeof where, "fd:%d", fd);
	assert_int_equal(session_attach(&s, where), 0);
	/* The log starts empty so the screens do not show the descriptor. */
	s.log_count = 0;
	char dir[] = "/tmp/ringdb-golden-XXXXXX";
	assert_non_null(mkdtemp(dir));
	FILE *batch = fopen(GOLDEN "/tiny.batch", "r");
	assert_non_null(batch);
	char line[512];
	int screens = 0, mismatches = 0;
	while (fgets(line, sizeof line, batch)) {
		char name[128], size[32], cmd[1024], path[700];
		if (sscanf(line, "screen %127s %31s", name, size) == 2) {
			snprintf(path, sizeof path, "%s/%s", dir, name);
			snprintf(cmd, sizeof cmd, "screen %s %s", path, size);
			assert_int_equal(command_execute(&s, cmd), 0);
			screens++;
			if (compare_golden(name, path) != 0)
				mismatches++;
			unlink(path);
		} else {
			assert_int_equal(command_execute(&s, line), 0);
		}
	}
	fclose(batch);
	rmdir(dir);
	assert_int_equal(screens, 4);
	assert_int_equal(mismatches, 0);
	assert_int_equal(s.errors, 0);
	session_free(&s);
	assert_int_equal(fake_stub_finish(&stub), 0);
	fclose(s.out);
}

static void tiny_terminals_get_a_message(void **state)
{
	(void)state;
	static struct session s;
	session_init(&s);
	struct textbuf tb;
	/* Resizes between any sizes, down to one cell: a message, no crash. */
	static const int sizes[][2] = { { 100, 30 }, { 40, 12 }, { 1, 1 }, { 59, 40 }, { 200, 60 }, { 60, 16 } };
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		assert_int_equal(tb_init(&tb, sizes[i][0], sizes[i][1]), 0);
		screen_compose(&s, &tb, NULL);
		bool small = sizes[i][0] < SCREEN_MIN_W || sizes[i][1] < SCREEN_MIN_H;
		char first[256] = { 0 };
		memcpy(first, tb.ch, (size_t)(tb.w < 255 ? tb.w : 255));
		if (small && tb.w >= 20)
			assert_non_null(strstr(first, "too small"));
		if (!small)
			assert_null(strstr(first, "too small"));
		tb_free(&tb);
	}
	session_free(&s);
}

static void panels_without_qemu_say_so(void **state)
{
	(void)state;
	static struct session s;
	session_init(&s);
	for (int i = 0; i < panel_type_count; i++) {
		char buf[4096] = { 0 };
		FILE *f = fmemopen(buf, sizeof buf, "w");
		panel_print(&s, &panel_types[i], 80, f);
		fclose(f);
		assert_non_null(strstr(buf, panel_types[i].title));
	}
	char buf[4096] = { 0 };
	FILE *f = fmemopen(buf, sizeof buf, "w");
	panel_print(&s, panel_find("regs"), 80, f);
	fclose(f);
	assert_non_null(strstr(buf, "not connected"));
	session_free(&s);
}

static void commands_refuse_bad_input(void **state)
{
	(void)state;
	static struct session s;
	session_init(&s);
	s.batch = true;
	s.out = fopen("/dev/null", "w");
	FILE *saved = stderr;
	stderr = s.out;
	assert_int_equal(command_execute(&s, "frobnicate"), -1);
	assert_int_equal(command_execute(&s, "break"), -1);
	assert_int_equal(command_execute(&s, "delete x1"), -1);
	assert_int_equal(command_execute(&s, "set tif TIF_NOPE on"), -1);
	assert_int_equal(command_execute(&s, "set tif SYSCALL_AUDIT maybe"), -1);
	assert_int_equal(command_execute(&s, "set reg rax banana"), -1);
	assert_int_equal(command_execute(&s, "panel nosuch"), -1);
	assert_int_equal(command_execute(&s, "layout nosuch"), -1);
	assert_int_equal(command_execute(&s, "screen /tmp/x 0x0"), -1);
	assert_int_equal(command_execute(&s, "stepi"), -1);
	assert_int_equal(command_execute(&s, "continue"), -1);
	assert_int_equal(command_execute(&s, "print $"), -1);
	assert_int_equal(command_execute(&s, "   "), 0);
	assert_int_equal(command_execute(&s, "# a comment"), 0);
	assert_int_equal(command_execute(&s, "layout pipeline"), 0);
	assert_int_equal(s.layout, layout_find("pipeline"));
	stderr = saved;
	fclose(s.out);
	session_free(&s);
}

/* docs/ringdb.md carries the command table verbatim. */
static void manual_has_the_command_table(void **state)
{
	(void)state;
	char table[8192] = { 0 };
	FILE *f = fmemopen(table, sizeof table, "w");
	commands_print_markdown(f);
	fclose(f);
	char *doc = slurp(RINGDB_DOC);
	assert_non_null(doc);
	if (!strstr(doc, table))
		fprintf(stderr, "%s is out of date: put the output of `ringdb --help-markdown` in it\n", RINGDB_DOC);
	assert_non_null(strstr(doc, table));
	free(doc);
}

static void help_lists_every_command(void **state)
{
	(void)state;
	char buf[8192] = { 0 };
	FILE *f = fmemopen(buf, sizeof buf, "w");
	commands_print_help(f);
	fclose(f);
	for (int i = 0; i < command_count; i++)
		assert_non_null(strstr(buf, commands[i].name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scripted_session_matches_golden_screens),
		cmocka_unit_test(tiny_terminals_get_a_message),
		cmocka_unit_test(panels_without_qemu_say_so),
		cmocka_unit_test(commands_refuse_bad_input),
		cmocka_unit_test(help_lists_every_command),
		cmocka_unit_test(manual_has_the_command_table),
	};
	return cmocka_run_group_tests_name("screen", tests, NULL, NULL);
}
