/* The writers: JSON and JUnit parsed back, CSV quoting, the terminal table. */
#include "unit.h"
#include "json_check.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct test_def tests[] = {
	{ .name = "boot", .run = "systest", .append = "", .points = 5, .timeout = 30, .hint = "",
	  .visibility = VISIBILITY_VISIBLE },
	{ .name = "fuzz", .run = "fuzz 300 1", .append = "nohz_full", .points = 2.5, .timeout = 30,
	  .hint = "Check \"bounds\" <first> & last.", .visibility = VISIBILITY_AFTER_PUBLISHED },
};

static struct lab_def lab = { .number = 3, .title = "t", .tests = tests, .ntests = 2 };

/* Output with everything a writer must escape: quotes, markup, control
 * bytes, valid and invalid UTF-8. */
static const char nasty[] = "quote \" back\\slash <tag> & amp\n\ttab \x01\x1b[31m bell\x07 caf\xc3\xa9 bad\xff\xfe end";

static void make_report(struct grade_report *g, struct test_result *results)
{
	memset(results, 0, 2 * sizeof(*results));
	results[0] = (struct test_result){ .test = &tests[0], .status = STATUS_PASSED, .score = 5, .seconds = 1.5,
					   .summary = "2 results ok", .details = "", .console = "ok" };
	results[1] = (struct test_result){ .test = &tests[1], .status = STATUS_PANIC, .score = 0, .seconds = 0.25,
					   .summary = (char *)nasty, .details = (char *)nasty, .console = (char *)nasty };
	*g = (struct grade_report){ .def = &lab, .def_arg = "labs/lab3/lab.def", .by_lab = 1, .results = results,
				    .nresults = 2, .preamble = "ignored notes.txt: not one of the lab's files\n",
				    .seconds = 2 };
}

static void json_parses_back_and_follows_gradescope(void **state)
{
	struct grade_report g;
	struct test_result results[2];
	char *json;
	size_t where = 0;
	(void)state;

	make_report(&g, results);
	json = report_json(&g);
	if (json_check(json, strlen(json), &where) < 0)
		fail_msg("invalid JSON at byte %zu: %s", where, json + where);
	assert_non_null(strstr(json, "\"score\": 5,"));
	assert_non_null(strstr(json, "\"max_score\": 7.5,"));
	assert_non_null(strstr(json, "\"name\": \"fuzz\""));
	assert_non_null(strstr(json, "\"status\": \"failed\""));
	assert_non_null(strstr(json, "\"status\": \"passed\""));
	assert_non_null(strstr(json, "\"visibility\": \"after_published\""));
	assert_non_null(strstr(json, "caf\xc3\xa9"));
	assert_non_null(strstr(json, "bad\\ufffd\\ufffd"));
	assert_non_null(strstr(json, "\\u001b[31m"));
	assert_non_null(strstr(json, "hint: Check \\\"bounds\\\""));
	free(json);
}

static void json_checker_rejects_broken_json(void **state)
{
	static const char *const bad[] = { "{", "{\"a\":}", "[1,]", "\"ctl \x01\"", "01", "{\"a\" 1}", "nul",
					   "\"\\x\"", "[] []", "\"\xff\"" };
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (json_check(bad[i], strlen(bad[i]), NULL) == 0)
			fail_msg("accepted broken JSON %s", bad[i]);
	{
		static const char good[] = " {\"a\": [1, -2.5e3, true, null, \"\\u00e9\", {}]} ";
		assert_int_equal(json_check(good, strlen(good), NULL), 0);
	}
}

static void junit_is_well_formed_xml(void **state)
{
	struct grade_report g;
	struct test_result results[2];
	char *xml, path[] = "/tmp/ringgrade-junit-XXXXXX", command[128];
	int fd;
	(void)state;

	make_report(&g, results);
	xml = report_junit(&g, "lab3");
	assert_non_null(strstr(xml, "tests=\"2\" failures=\"1\""));
	assert_non_null(strstr(xml, "<failure type=\"kernel panic\""));
	assert_non_null(strstr(xml, "&lt;tag&gt; &amp; amp"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, xml, strlen(xml)), (ssize_t)strlen(xml));
	close(fd);
	snprintf(command, sizeof(command), "xmllint --noout %s", path);
	if (system(command) != 0)
		fail_msg("xmllint rejected the JUnit file %s (is libxml2-utils installed? scripts/deps test)", path);
	unlink(path);
	free(xml);
}

static void csv_fields_are_quoted_when_needed(void **state)
{
	struct strbuf sb;
	(void)state;

	strbuf_init(&sb);
	csv_add_field(&sb, "plain");
	strbuf_adds(&sb, ",");
	csv_add_field(&sb, "Doe, \"JD\"");
	strbuf_adds(&sb, ",");
	csv_add_field(&sb, "two\nlines");
	assert_string_equal(sb.data, "plain,\"Doe, \"\"JD\"\"\",\"two\nlines\"");
	strbuf_free(&sb);
}

static void terminal_shows_hint_commands_and_ends_with_counts(void **state)
{
	struct grade_report g;
	struct test_result results[2];
	char *text = NULL, *last;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	(void)state;

	make_report(&g, results);
	report_terminal(out, &g, 0, 0);
	fclose(out);
	assert_non_null(strstr(text, "fuzz"));
	assert_non_null(strstr(text, "kernel panic"));
	assert_non_null(strstr(text, "hint: Check \"bounds\" <first> & last."));
	assert_non_null(strstr(text, "re-run: make grade LAB=3 TEST=fuzz"));
	assert_non_null(strstr(text, "debug:  make debug TEST=fuzz LAB=3"));
	assert_non_null(strstr(text, "ignored notes.txt"));
	assert_null(strstr(text, "\033[32m"));       /* no colour when asked for none */
	last = text + len - 1;
	while (last > text && last[-1] != '\n')
		last--;
	assert_string_equal(last, "1 passed, 1 failed\n");
	free(text);

	text = NULL;
	out = open_memstream(&text, &len);
	report_terminal(out, &g, 1, 1);
	fclose(out);
	assert_string_equal(text, "1 passed, 1 failed\n");   /* --quiet */
	free(text);
}

static void commands_for_a_definition_file(void **state)
{
	struct grade_report g;
	struct test_result results[2];
	char *cmd;
	(void)state;

	make_report(&g, results);
	g.by_lab = 0;
	g.def_arg = "os/tests/kernel.def";
	cmd = rerun_command(&g, "fuzz");
	assert_string_equal(cmd, "ringgrade --def os/tests/kernel.def --test fuzz");
	free(cmd);
	cmd = debug_command(&g, &tests[1]);
	assert_string_equal(cmd, "make debug TEST=fuzz");
	free(cmd);
	g.def_arg = "elsewhere/my.def";
	cmd = debug_command(&g, &tests[1]);
	assert_string_equal(cmd, "make debug PROG=\"fuzz 300 1\" APPEND=\"nohz_full\"");
	free(cmd);
}

/* The replay command under a recorded failure: make debug ... REPLAY=1
 * for the tree's own build/recordings/labN/NAME (kernel/NAME for the
 * kernel's suite), the folder named otherwise; the note when none was kept. */
static void replay_commands_for_recordings(void **state)
{
	struct grade_report g;
	struct test_result results[2];
	char *cmd, *text = NULL;
	size_t len = 0;
	FILE *out;
	(void)state;

	make_report(&g, results);
	results[1].recording = "/home/s/ringside/build/recordings/lab3/fuzz";
	cmd = replay_command(&g, &results[1]);
	assert_string_equal(cmd, "make debug TEST=fuzz LAB=3 REPLAY=1");
	free(cmd);
	results[1].recording = "/home/s/ringside/build/recordings/lab2/fuzz"; /* another lab's folder */
	cmd = replay_command(&g, &results[1]);
	assert_string_equal(cmd, "make debug REPLAY=/home/s/ringside/build/recordings/lab2/fuzz");
	free(cmd);
	results[1].recording = "/srv/batch/rec/alice/fuzz";
	cmd = replay_command(&g, &results[1]);
	assert_string_equal(cmd, "make debug REPLAY=/srv/batch/rec/alice/fuzz");
	free(cmd);
	g.by_lab = 0;
	g.def_arg = "os/tests/kernel.def";
	results[1].recording = "/t/build/recordings/kernel/fuzz";
	cmd = replay_command(&g, &results[1]);
	assert_string_equal(cmd, "make debug TEST=fuzz REPLAY=1");
	free(cmd);

	/* Both commands under the failure, on the terminal and in the JSON. */
	make_report(&g, results);
	results[1].recording = "/srv/rec/fuzz";
	out = open_memstream(&text, &len);
	report_terminal(out, &g, 0, 0);
	fclose(out);
	assert_non_null(strstr(text, "replay: make debug REPLAY=/srv/rec/fuzz\n        ringdb --replay /srv/rec/fuzz\n"));
	free(text);
	text = report_json(&g);
	assert_non_null(strstr(text, "ringdb --replay /srv/rec/fuzz"));
	free(text);
	results[1].recording = NULL;
	results[1].recording_note = "no recording: the recorded re-run ended otherwise (passed: 1 results ok)";
	out = open_memstream(&text, &len);
	report_terminal(out, &g, 0, 0);
	fclose(out);
	assert_non_null(strstr(text, "replay: no recording: the recorded re-run ended otherwise"));
	assert_null(strstr(text, "ringdb --replay"));
	free(text);
}

int report_tests(int *total)
{
	const struct CMUnitTest tests_[] = {
		cmocka_unit_test(json_parses_back_and_follows_gradescope),
		cmocka_unit_test(json_checker_rejects_broken_json),
		cmocka_unit_test(junit_is_well_formed_xml),
		cmocka_unit_test(csv_fields_are_quoted_when_needed),
		cmocka_unit_test(terminal_shows_hint_commands_and_ends_with_counts),
		cmocka_unit_test(commands_for_a_definition_file),
		cmocka_unit_test(replay_commands_for_recordings),
	};
	return RUN_GROUP("reports", tests_, total);
}
