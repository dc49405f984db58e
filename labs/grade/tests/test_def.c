/* Test definitions: a good file read completely, and each kind of mistake
 * reported with its file, line and what was expected. */
#include "unit.h"
#include "def.h"
#include "run.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char good_def[] =
	"# a comment\n"
	"[lab]\n"
	"number = 2\n"
	"title = Phase one\n"
	"files = os/entry/phase1.c os/entry/audit.c\n"
	"\n"
	"[test seccomp]\n"
	"run = lab2test seccomp 3\n"
	"append = nohz_full\n"
	"subtests = seccomp_data:4 \"skip returns -1\":2.5\n"
	"timeout = 20\n"
	"visibility = after_published\n"
	"hint = Fill seccomp_data from pt_regs,\n"
	"   not from the user stack.\n"
	"\n"
	"[test unit]\n"
	"run =\n"
	"append = ktest=entry\n"
	"points = 3\n"
	"visibility = hidden\n";

static void parses_a_complete_definition(void **state)
{
	struct lab_def d;
	char err[256];
	(void)state;

	assert_int_equal(def_parse(good_def, "lab2.def", &d, err, sizeof(err)), 0);
	assert_int_equal(d.number, 2);
	assert_string_equal(d.title, "Phase one");
	assert_int_equal(d.nfiles, 2);
	assert_string_equal(d.files[1], "os/entry/audit.c");
	assert_int_equal(d.ntests, 2);
	assert_string_equal(d.tests[0].name, "seccomp");
	assert_string_equal(d.tests[0].run, "lab2test seccomp 3");
	assert_string_equal(d.tests[0].append, "nohz_full");
	assert_int_equal(d.tests[0].nsubtests, 2);
	assert_string_equal(d.tests[0].subtests[1].name, "skip returns -1");
	assert_true(d.tests[0].subtests[1].points == 2.5);
	assert_true(d.tests[0].points == 6.5);          /* the sum of its subtests */
	assert_int_equal(d.tests[0].timeout, 20);
	assert_int_equal(d.tests[0].visibility, VISIBILITY_AFTER_PUBLISHED);
	assert_string_equal(d.tests[0].hint, "Fill seccomp_data from pt_regs, not from the user stack.");
	assert_string_equal(d.tests[1].run, "");
	assert_int_equal(d.tests[1].visibility, VISIBILITY_HIDDEN);
	assert_true(def_max_score(&d) == 9.5);
	/* defaults of the real path: QEMU through the one launcher */
	assert_string_equal(d.launcher, "scripts/ringside-qemu");
	assert_string_equal(d.kernel, "build/kernel.elf");
	assert_string_equal(d.initrd, "build/initramfs.cpio");
	assert_string_equal(d.build[0], "make");
	assert_int_equal(d.file_limit, 256 * 1024);
	assert_non_null(def_find_test(&d, "unit"));
	assert_null(def_find_test(&d, "nope"));
	def_free(&d);
}

static void a_test_without_lab_section_is_fine(void **state)
{
	struct lab_def d;
	char err[256];
	(void)state;

	assert_int_equal(def_parse("[test boot]\nrun = systest\n", "k.def", &d, err, sizeof(err)), 0);
	assert_int_equal(d.number, -1);
	assert_true(d.tests[0].points == 1);
	assert_int_equal(d.tests[0].timeout, 60);
	def_free(&d);
}

struct bad_case {
	const char *text;
	const char *message;   /* expected in the error, with file:line */
};

static const struct bad_case bad_cases[] = {
	{ "run = x\n", "bad.def:1: 'run =' outside a section" },
	{ "[lab]\nnumbr = 1\n[test a]\nrun = x\n", "bad.def:2: unknown key 'numbr' in [lab]" },
	{ "[tests a]\nrun = x\n", "bad.def:1: unknown section [tests a]" },
	{ "[test a]\nrun = x\n[test a]\nrun = y\n", "bad.def:3: test 'a' is defined twice" },
	{ "[test a]\nrun = x\nvisibility = secret\n", "bad.def:3: visibility: expected visible, hidden" },
	{ "[test a]\nrun = x\npoints = ten\n", "bad.def:3: points: expected a number" },
	{ "[test a]\nrun = x\npoints = -1\n", "bad.def:3: points: expected a number" },
	{ "[test a]\nrun = x\nsubtests = one two:1\n", "bad.def:3: subtests: expected name:points, got 'one'" },
	{ "[test a]\nrun = x\nsubtests = one:1 one:2\n", "bad.def:3: subtests: 'one' is listed twice" },
	{ "[test a]\nrun = x\nsubtests = \"open:1\n", "bad.def:3: subtests: a quoted name is missing its closing" },
	{ "[test a]\nrun = x\nsubtests = \"a b\" 1\n", "bad.def:3: subtests: expected ':points' after \"a b\"" },
	{ "[test a]\nrun = x\nsubtests = :3\n", "bad.def:3: subtests: expected name:points, got ':3'" },
	{ "[test a]\nrun = x\nsubtests = a:\n", "bad.def:3: subtests: expected name:points, got 'a:'" },
	{ "[test a]\nrun = x\nsubtests = \"\":1\n", "bad.def:3: subtests: a subtest name is empty" },
	{ "[test a]\nrun = x\nsubtests = a:x\n", "bad.def:3: subtests: expected a number of points" },
	{ "[test a]\nrun = x\npoints = 5\nsubtests = p:1 q:2\n", "points = 5 but its subtests add up to 3" },
	{ "[test a]\npoints = 1\n", "test 'a' (line 1) has no 'run =' line" },
	{ "[test a]\nrun =\n", "'run' and 'append' are both empty" },
	{ "[lab]\nnumber = 1\n", "bad.def:3: no [test NAME] section" },
	{ "[lab]\n[lab]\n", "bad.def:2: [lab] appears twice" },
	{ "[test a]\nrun = x\n[lab]\n", "bad.def:3: [lab] must come before" },
	{ "[lab]\nfiles = ../escape.c\n[test a]\nrun = x\n", "bad.def:2: files: '../escape.c' must be a relative path" },
	{ "[lab]\nfiles = /etc/passwd\n[test a]\nrun = x\n", "bad.def:2: files: '/etc/passwd' must be a relative path" },
	{ "[test a]\nrun = x\ntimeout = 0\n", "bad.def:3: timeout: expected a whole number from 1 to 3600" },
	{ "[test a]\nrun = x\njust words\n", "bad.def:3: expected 'key = value' or a [section] header" },
	{ "[test a b]\nrun = x\n", "bad.def:1: test name 'a b'" },
	{ "[test a\nrun = x\n", "bad.def:1: expected a section header" },
	{ "[test a]\nrun = x\n= 3\n", "bad.def:3: expected 'key = value', got a line starting with '='" },
	{ "[lab]\nnumber = 100\n[test a]\nrun = x\n", "bad.def:2: number: expected a whole number from 0 to 99" },
	{ "", "bad.def:1: no [test NAME] section" },
};

static void reports_each_mistake_with_file_and_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct lab_def d;
		char err[512];
		int rc = def_parse(bad_cases[i].text, "bad.def", &d, err, sizeof(err));
		if (rc != -1 || !strstr(err, bad_cases[i].message))
			fail_msg("case %zu: expected an error containing \"%s\", got rc %d \"%s\"", i,
				 bad_cases[i].message, rc, err);
	}
}

static void def_load_reports_missing_file_and_nul_bytes(void **state)
{
	struct lab_def d;
	char err[256], path[] = "/tmp/ringgrade-def-XXXXXX";
	int fd;
	(void)state;

	assert_int_equal(def_load("/nonexistent/lab.def", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/lab.def: cannot read"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[test a]\nrun = x\0y\n", 19), 19);
	close(fd);
	assert_int_equal(def_load(path, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL byte"));
	unlink(path);
}

static void the_shipped_definitions_parse(void **state)
{
	static const char *const files[] = { "os/tests/kernel.def", "labs/grade/tests/lab.def" };
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		struct lab_def d;
		char err[512];
		if (def_load(files[i], &d, err, sizeof(err)) < 0)
			fail_msg("%s", err);
		assert_true(d.ntests > 0);
		def_free(&d);
	}
}

static void splits_words_and_checks_paths(void **state)
{
	size_t n;
	char **argv = argv_split("  make -C  {tree}\tkernel ", &n);
	(void)state;

	assert_int_equal(n, 4);
	assert_string_equal(argv[2], "{tree}");
	assert_null(argv[4]);
	argv_free(argv);
	assert_true(path_is_safe_relative("os/entry/common.c"));
	assert_true(path_is_safe_relative("a..b/c"));
	assert_false(path_is_safe_relative(""));
	assert_false(path_is_safe_relative("/abs"));
	assert_false(path_is_safe_relative("a/../b"));
	assert_false(path_is_safe_relative(".."));
	assert_false(path_is_safe_relative("./a"));
	assert_false(path_is_safe_relative("a//b"));
	assert_false(path_is_safe_relative("dir/"));
}

static void builds_kernel_command_lines(void **state)
{
	struct test_def t = { .name = "fuzz", .run = "fuzz 300 1", .append = "" };
	char *line;
	(void)state;

	line = kernel_cmdline(&t, "abcd");
	assert_string_equal(line, "ktap.nonce=abcd init=/bin/fuzz -- 300 1");
	free(line);
	t.run = "systest";
	t.append = "nohz_full";
	line = kernel_cmdline(&t, "abcd");
	assert_string_equal(line, "nohz_full ktap.nonce=abcd init=/bin/systest");
	free(line);
	t.run = "";
	t.append = "ktest=all";
	line = kernel_cmdline(&t, "abcd");
	assert_string_equal(line, "ktest=all ktap.nonce=abcd");
	free(line);
}

static char *joined(char **argv)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (char **p = argv; *p; p++)
		strbuf_addf(&sb, "%s%s", p == argv ? "" : " ", *p);
	argv_free(argv);
	return strbuf_detach(&sb);
}

static void build_commands_select_the_students_files(void **state)
{
	struct lab_def lab, suite;
	char err[256], *cmd;
	(void)state;

	assert_int_equal(def_parse("[lab]\nnumber = 2\n[test a]\nrun = x\n", "l.def", &lab, err, sizeof(err)), 0);
	assert_int_equal(def_parse("[test a]\nrun = x\n", "k.def", &suite, err, sizeof(err)), 0);
	cmd = joined(build_argv(&lab, "/t", 1));
	assert_string_equal(cmd, "make -s -C /t LAB=2 STUDENT=1 kernel initramfs");
	free(cmd);
	cmd = joined(build_argv(&lab, "/t", 0));
	assert_string_equal(cmd, "make -s -C /t LAB=2 kernel initramfs");
	free(cmd);
	cmd = joined(build_argv(&suite, "/t", 1));
	assert_string_equal(cmd, "make -s -C /t STUDENT=1 kernel initramfs");
	free(cmd);
	cmd = joined(build_argv(&suite, "/t", 0));
	assert_string_equal(cmd, "make -s -C /t kernel initramfs");
	free(cmd);
	def_free(&lab);
	def_free(&suite);
}

static void nonces_are_fresh_hex(void **state)
{
	char a[33], b[33];
	(void)state;

	assert_int_equal(make_nonce(a), 0);
	assert_int_equal(make_nonce(b), 0);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
	assert_string_not_equal(a, b);
}

int def_tests(int *total)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_complete_definition),
		cmocka_unit_test(a_test_without_lab_section_is_fine),
		cmocka_unit_test(reports_each_mistake_with_file_and_line),
		cmocka_unit_test(def_load_reports_missing_file_and_nul_bytes),
		cmocka_unit_test(the_shipped_definitions_parse),
		cmocka_unit_test(splits_words_and_checks_paths),
		cmocka_unit_test(builds_kernel_command_lines),
		cmocka_unit_test(build_commands_select_the_students_files),
		cmocka_unit_test(nonces_are_fresh_hex),
	};
	return RUN_GROUP("definitions", tests, total);
}
