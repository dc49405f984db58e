/* The KTAP parser: syntax, nesting, directives, and the nonce rule. */
#include "unit.h"
#include "ktap.h"

#include <string.h>

#define N " nonce=00ff"

static void parse(const char *text, const char *nonce, struct ktap_report *r)
{
	ktap_parse(text, strlen(text), nonce, r);
}

static void reads_a_flat_run(void **state)
{
	struct ktap_report r;
	(void)state;

	parse("KTAP version 1\n1..3\nok 1 getpid" N "\nnot ok 2 read" N "\nok 3 - write" N "\n", "00ff", &r);
	assert_true(r.saw_version);
	assert_int_equal(r.plan, 3);
	assert_int_equal(r.ncases, 3);
	assert_int_equal(r.top_level, 3);
	assert_string_equal(r.cases[0].name, "getpid");
	assert_int_equal(r.cases[1].result, KTAP_NOT_OK);
	assert_int_equal(r.cases[1].number, 2);
	assert_string_equal(r.cases[2].name, "write");  /* TAP's "ok 3 - name" */
	assert_int_equal(ktap_failures(&r), 1);
	ktap_free(&r);
}

static void nests_subtests_by_indentation(void **state)
{
	struct ktap_report r;
	const struct ktap_case *c;
	(void)state;

	parse("KTAP version 1\n"
	      "1..2\n"
	      "    KTAP version 1\n"
	      "    # Subtest: entry\n"
	      "    1..2\n"
	      "    # getpid: expected 1, got 0\n"
	      "    not ok 1 getpid" N "\n"
	      "    ok 2 read" N "\n"
	      "not ok 1 entry" N "\n"
	      "ok 2 other" N "\n", "00ff", &r);
	assert_int_equal(r.plan, 2);           /* the inner plan is not the top plan */
	assert_int_equal(r.ncases, 4);
	assert_int_equal(r.top_level, 2);
	c = ktap_find(&r, "getpid");
	assert_non_null(c);
	assert_int_equal(c->depth, 1);
	assert_int_equal(c->result, KTAP_NOT_OK);
	assert_non_null(strstr(c->diagnostics, "# getpid: expected 1, got 0"));
	assert_int_equal(ktap_find(&r, "entry")->depth, 0);
	assert_string_equal(ktap_find(&r, "entry")->diagnostics, "");
	ktap_free(&r);
}

static void reads_skip_and_other_directives(void **state)
{
	struct ktap_report r;
	(void)state;

	parse("1..3\nok 1 smap # SKIP no SMAP on this CPU" N "\nok 2 x # TODO later" N "\nnot ok 3 y # SKIP" N "\n",
	      "00ff", &r);
	assert_int_equal(r.cases[0].result, KTAP_SKIP);
	assert_string_equal(r.cases[0].name, "smap");
	assert_string_equal(r.cases[0].directive, "SKIP no SMAP on this CPU");
	assert_int_equal(r.cases[1].result, KTAP_OK);
	assert_string_equal(r.cases[1].directive, "TODO later");
	assert_int_equal(r.cases[2].result, KTAP_NOT_OK);  /* a skipped failure is still a failure */
	ktap_free(&r);
}

static void counts_missing_results_against_the_plan(void **state)
{
	struct ktap_report r;
	(void)state;

	parse("KTAP version 1\n1..7\nok 1 a" N "\nok 2 b" N "\nok 3 c" N "\n", "00ff", &r);
	assert_int_equal(r.plan, 7);
	assert_int_equal(r.top_level, 3);
	ktap_free(&r);
}

static void skips_garbage(void **state)
{
	struct ktap_report r;
	static const char text[] = "boot: booting\r\nok\nok x y" N "\nnot ok\n1..\n1..x\n\x01\x02 ok 1 z" N
				   "\nokay 1 fine" N "\n  # stray diag\nok 1 real\r" N "\nBail out! disk on fire\n"
				   "ok 99999999 big" N "\n";
	(void)state;

	ktap_parse(text, sizeof(text) - 1, "00ff", &r);
	assert_int_equal(r.plan, -1);
	assert_int_equal(r.ncases, 0);   /* "ok 1 real\r nonce" has the nonce after \r: cut off */
	assert_true(r.bail_out);
	ktap_free(&r);

	parse("ok 1 real" N "\r\n", "00ff", &r);
	assert_int_equal(r.ncases, 1);
	ktap_free(&r);
}

static void embedded_nul_bytes_do_not_stop_the_parser(void **state)
{
	struct ktap_report r;
	static const char text[] = "1..2\nok 1 a" N "\n\0\0junk\nok 2 b" N "\n";
	(void)state;

	ktap_parse(text, sizeof(text) - 1, "00ff", &r);
	assert_int_equal(r.ncases, 2);
	ktap_free(&r);
}

static void accepts_only_this_runs_nonce(void **state)
{
	struct ktap_report r;
	(void)state;

	parse("1..4\n"
	      "ok 1 forged_unsigned\n"
	      "ok 2 forged_wrong nonce=1234\n"
	      "ok 3 forged_middle nonce=00ff trailing\n"
	      "ok 4 genuine nonce=00ff\n"
	      "ok 5 prefix nonce=00ff0\n"
	      "not ok 6 genuine_failure # SKIP nonce=00ff\n",
	      "00ff", &r);
	assert_int_equal(r.ncases, 2);
	assert_string_equal(r.cases[0].name, "genuine");
	assert_int_equal(r.cases[1].result, KTAP_NOT_OK);
	assert_int_equal(r.unsigned_lines, 2);   /* no nonce as last token: 1 and 3 */
	assert_int_equal(r.forged_lines, 2);     /* a wrong one: 2 and 5 */
	ktap_free(&r);
}

static void a_forged_plan_cannot_shrink_the_real_one(void **state)
{
	struct ktap_report r;
	(void)state;

	parse("1..1\n1..5\nok 1 a" N "\n1..0\n", "00ff", &r);
	assert_int_equal(r.plan, 5);
	ktap_free(&r);
}

static void without_a_nonce_every_line_counts(void **state)
{
	struct ktap_report r;
	(void)state;

	parse("1..2\nok 1 a\nok 2 b nonce=zz\n", NULL, &r);
	assert_int_equal(r.ncases, 2);
	assert_string_equal(r.cases[1].name, "b");
	ktap_free(&r);
}

int ktap_tests(int *total)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_a_flat_run),
		cmocka_unit_test(nests_subtests_by_indentation),
		cmocka_unit_test(reads_skip_and_other_directives),
		cmocka_unit_test(counts_missing_results_against_the_plan),
		cmocka_unit_test(skips_garbage),
		cmocka_unit_test(embedded_nul_bytes_do_not_stop_the_parser),
		cmocka_unit_test(accepts_only_this_runs_nonce),
		cmocka_unit_test(a_forged_plan_cannot_shrink_the_real_one),
		cmocka_unit_test(without_a_nonce_every_line_counts),
	};
	return RUN_GROUP("ktap", tests, total);
}
