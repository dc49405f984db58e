/* Verdicts: the launcher's exit code and the signed KTAP lines together. */
#include "unit.h"
#include "run.h"

#include <stdlib.h>
#include <string.h>

#define NONCE "c0ffee"
#define S " nonce=" NONCE "\n"

static struct test_def plain = { .name = "syscalls", .run = "systest", .append = "", .points = 10, .timeout = 30,
				 .hint = "" };

static struct subtest_points parts[] = { { "getpid", 2 }, { "read", 3 }, { "write", 5 } };
static struct test_def partial = { .name = "parts", .run = "lab1test", .append = "", .points = 10, .timeout = 30,
				   .hint = "", .subtests = parts, .nsubtests = 3 };

static void judge_text(const struct test_def *t, int code, int flooded, int timed_out, const char *text,
		       struct test_result *r)
{
	memset(r, 0, sizeof(*r));
	judge(t, code, flooded, timed_out, text, strlen(text), NONCE, 4096, r);
}

static void all_ok_and_exit_zero_passes(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&plain, 0, 0, 0, "KTAP version 1\n1..2\nok 1 a" S "ok 2 b # SKIP no smap" S, &r);
	assert_int_equal(r.status, STATUS_PASSED);
	assert_true(r.score == 10);
	assert_string_equal(r.details, "");
	test_result_free(&r);
}

static void a_failure_shows_its_diagnostics(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&plain, 1, 0, 0, "1..2\n# read: returned -14, expected 5\nnot ok 1 read" S "ok 2 b" S, &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_true(r.score == 0);
	assert_string_equal(r.summary, "1 of 2 results not ok");
	assert_non_null(strstr(r.details, "not ok 1 read\n    # read: returned -14, expected 5"));
	test_result_free(&r);
}

static void missing_results_are_a_crash(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&plain, 0, 0, 0, "1..7\nok 1 a" S "ok 2 b" S "ok 3 c" S, &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_string_equal(r.summary, "crashed after test 3 of 7");
	test_result_free(&r);
}

static void launcher_codes_map_to_statuses(void **state)
{
	static const struct {
		int code, flooded, timed_out;
		enum test_status status;
	} cases[] = {
		{ 124, 0, 0, STATUS_TIMEOUT }, { 0, 0, 1, STATUS_TIMEOUT }, { 125, 0, 0, STATUS_PANIC },
		{ 126, 0, 0, STATUS_NO_VERDICT }, { 127, 0, 0, STATUS_QEMU_FAILED }, { 0, 1, 0, STATUS_FLOOD },
		{ 137, 1, 0, STATUS_FLOOD }, { 139, 0, 0, STATUS_FAILED }, { 3, 0, 0, STATUS_FAILED },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct test_result r;
		judge_text(&plain, cases[i].code, cases[i].flooded, cases[i].timed_out, "1..1\nok 1 a" S, &r);
		if (r.status != cases[i].status)
			fail_msg("exit %d flooded %d timed out %d: got '%s'", cases[i].code, cases[i].flooded,
				 cases[i].timed_out, status_name(r.status));
		assert_true(r.score == 0);
		test_result_free(&r);
	}
}

static void a_panic_quotes_its_line(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&plain, 125, 0, 0,
		   "1..3\nok 1 a" S "  [ 0.52] Kernel panic - not syncing: bad pt_regs at ffff8000\nRIP: 0\n", &r);
	assert_int_equal(r.status, STATUS_PANIC);
	assert_string_equal(r.summary, "[ 0.52] Kernel panic - not syncing: bad pt_regs at ffff8000");
	assert_non_null(strstr(r.details, "last console lines:\n1..3\nok 1 a nonce=c0ffee\n"));
	assert_int_equal(strcmp(r.details + strlen(r.details) - 7, "RIP: 0\n"), 0);
	test_result_free(&r);
}

static void signals_and_exit_status_are_explained(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&plain, 128 + 11, 0, 0, "1..1\n", &r);
	assert_string_equal(r.summary, "the test program was killed by signal 11");
	test_result_free(&r);
	judge_text(&plain, 4, 0, 0, "1..1\nok 1 a" S, &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_string_equal(r.summary, "all results ok, but the test program exited with status 4");
	test_result_free(&r);
}

static void forged_lines_earn_nothing_and_are_counted(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&partial, 0, 0, 0,
		   "KTAP version 1\n1..3\nok 1 getpid\nok 2 read nonce=deadbeef\nok 3 write nonce=\n", &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_true(r.score == 0);
	assert_int_equal(r.ignored_lines, 3);
	assert_string_equal(r.summary, "crashed after test 0 of 3");
	assert_non_null(strstr(r.details, "ignored 3 result line(s)"));
	test_result_free(&r);
}

static void subtests_give_partial_credit_even_after_a_panic(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&partial, 125, 0, 0,
		   "1..3\nok 1 getpid" S "    ok 1 read" S "Kernel panic - not syncing: write\n", &r);
	assert_int_equal(r.status, STATUS_PANIC);
	assert_true(r.score == 5);               /* getpid 2 + read 3 (nested) */
	assert_non_null(strstr(r.details, "write                    missing  0/5"));
	test_result_free(&r);

	judge_text(&partial, 0, 0, 0, "1..3\nok 1 getpid" S "ok 2 read" S "ok 3 write" S, &r);
	assert_int_equal(r.status, STATUS_PASSED);
	assert_true(r.score == 10);
	test_result_free(&r);
}

static void a_listed_subtest_that_never_reports_fails(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&partial, 0, 0, 0, "1..2\nok 1 getpid" S "ok 2 read" S, &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_string_equal(r.summary, "subtest 'write' (listed in the test definition) never reported");
	assert_true(r.score == 5);
	test_result_free(&r);
}

/* A WARN_ON or CT_WARN_ON during a test fails it, with the warning shown;
 * one a test expects ("expected warning:") does not. */
static void a_kernel_warning_fails_the_test(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&plain, 0, 0, 0,
		   "1..2\nok 1 a" S "WARNING: context tracking: x.c:9: CT_WARN_ON(ct_state() != CONTEXT_USER) in init[1]\n"
		   "ok 2 b" S, &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_true(r.score == 0);
	assert_string_equal(r.summary,
			    "kernel warning: WARNING: context tracking: x.c:9: CT_WARN_ON(ct_state() != CONTEXT_USER) in init[1]");
	assert_non_null(strstr(r.details, "ok 2 b, but the kernel warned during it\n    WARNING: context tracking"));
	test_result_free(&r);

	/* After the last result: still this run's, still a failure. */
	judge_text(&plain, 0, 0, 0, "1..1\nok 1 a" S "WARNING: e.c:3: !irqs_disabled()\n", &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_string_equal(r.summary, "kernel warning: WARNING: e.c:3: !irqs_disabled()");
	test_result_free(&r);

	judge_text(&plain, 0, 0, 0, "1..1\nexpected warning: e.c:3: !irqs_disabled()\nok 1 a" S, &r);
	assert_int_equal(r.status, STATUS_PASSED);
	test_result_free(&r);

	/* With subtests, the warning costs the subtest it happened in. */
	judge_text(&partial, 0, 0, 0,
		   "1..3\nok 1 getpid" S "WARNING: e.c:3: irqs_disabled()\nok 2 read" S "ok 3 write" S, &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_true(r.score == 7);
	assert_string_equal(r.summary, "kernel warning: WARNING: e.c:3: irqs_disabled()");
	test_result_free(&r);
}

/* A test with subtests shares its run with others (lab 5's visible tracer
 * and hidden sysemu_step run one program): nothing of a case it does not
 * list - name, result, diagnostics, a flood or exit status it caused - may
 * reach its verdict, details or console. */
static void other_tests_subtests_never_reach_a_test(void **state)
{
	static const char run[] = "KTAP version 1\n1..4\nok 1 getpid" S "ok 2 read" S "ok 3 write" S
				  "# Subtest: secret_case\n# secret diagnostic\nnot ok 4 secret_case" S;
	struct test_result r;
	(void)state;

	for (int flooded = 0; flooded <= 1; flooded++) {
		judge_text(&partial, 1, flooded, 0, run, &r);
		assert_int_equal(r.status, STATUS_PASSED);
		assert_true(r.score == 10);
		assert_null(strstr(r.details, "secret"));
		assert_null(strstr(r.summary, "secret"));
		test_result_free(&r);
	}

	judge_text(&partial, 1, 0, 0,
		   "1..4\nok 1 getpid" S "# write: saw 4\nnot ok 2 write" S "# secret diagnostic\nnot ok 3 secret_case" S
		   "ok 4 read" S, &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_string_equal(r.summary, "1 of 3 listed subtests not ok");
	assert_non_null(strstr(r.details, "not ok 2 write\n    # write: saw 4"));
	assert_null(strstr(r.details, "secret"));
	test_result_free(&r);

	/* A listed subtest missing after a hang: the console tail leaves the others out. */
	judge_text(&partial, 124, 0, 1, "1..4\nok 1 getpid" S "# secret diagnostic\nnot ok 2 secret_case" S "ok 3 read" S,
		   &r);
	assert_int_equal(r.status, STATUS_TIMEOUT);
	assert_null(strstr(r.details, "secret"));
	assert_non_null(strstr(r.details, "ok 3 read"));
	test_result_free(&r);

	char *shown = own_console(&partial, run, strlen(run));
	assert_null(strstr(shown, "secret"));
	assert_non_null(strstr(shown, "ok 3 write"));
	free(shown);
	shown = own_console(&plain, run, strlen(run));
	assert_string_equal(shown, run);
	free(shown);
}

/* The user KTAP library stops with status 86 when write() refuses a result
 * line (a 64-bit pointer cut to 32 bits reads as EFAULT): that is what went
 * wrong, not a crash. */
static void unwritable_results_are_not_a_crash(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&plain, 86, 0, 0, "KTAP version 1\n1..71\n# ktap: write() of result 1 failed with EFAULT (14)\n", &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_string_equal(r.summary, "the test program's own write() of result 1 failed with EFAULT (14): its results "
				       "from test 1 of 71 on are lost (the write syscall failed, not the test)");
	test_result_free(&r);

	/* Status 86 without the library's line is an ordinary exit status. */
	judge_text(&plain, 86, 0, 0, "1..2\nok 1 a" S, &r);
	assert_string_equal(r.summary, "crashed after test 1 of 2");
	test_result_free(&r);
}

static void no_output_at_all_is_a_failure(void **state)
{
	struct test_result r;
	(void)state;

	judge_text(&plain, 0, 0, 0, "", &r);
	assert_int_equal(r.status, STATUS_FAILED);
	assert_string_equal(r.summary, "no signed KTAP results (did the test program start?)");
	test_result_free(&r);
}

static void build_digest_prefers_error_lines(void **state)
{
	char *digest = build_errors_digest("cc -c a.c\na.c:3:1: error: expected ';'\nmake: *** [a.o] Error 1\n");
	(void)state;

	assert_string_equal(digest, "a.c:3:1: error: expected ';'\nmake: *** [a.o] Error 1\n");
	free(digest);
	digest = build_errors_digest("sh: 1: cc: not found\n");
	assert_non_null(strstr(digest, "cc: not found"));
	free(digest);
}

int judge_tests(int *total)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_ok_and_exit_zero_passes),
		cmocka_unit_test(a_failure_shows_its_diagnostics),
		cmocka_unit_test(missing_results_are_a_crash),
		cmocka_unit_test(launcher_codes_map_to_statuses),
		cmocka_unit_test(a_panic_quotes_its_line),
		cmocka_unit_test(signals_and_exit_status_are_explained),
		cmocka_unit_test(forged_lines_earn_nothing_and_are_counted),
		cmocka_unit_test(subtests_give_partial_credit_even_after_a_panic),
		cmocka_unit_test(a_listed_subtest_that_never_reports_fails),
		cmocka_unit_test(a_kernel_warning_fails_the_test),
		cmocka_unit_test(other_tests_subtests_never_reach_a_test),
		cmocka_unit_test(unwritable_results_are_not_a_crash),
		cmocka_unit_test(no_output_at_all_is_a_failure),
		cmocka_unit_test(build_digest_prefers_error_lines),
	};
	return RUN_GROUP("verdicts", tests, total);
}
