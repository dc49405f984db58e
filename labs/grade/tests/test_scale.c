/* Class scale: which tests may share a boot, the {reuse} build word, and
 * the slice arithmetic of --shard. */
#include "unit.h"
#include "class.h"
#include "def.h"
#include "run.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct lab_def parsed(const char *text)
{
	struct lab_def def;
	char err[256];

	assert_int_equal(def_parse(text, "t.def", &def, err, sizeof(err)), 0);
	return def;
}

static void only_single_ktests_without_a_program_share_a_boot(void **state)
{
	struct lab_def def = parsed("[test a]\nrun =\nappend = ktest=lab1_a\n"
				    "[test b]\nrun = systest\n"
				    "[test c]\nrun =\nappend = ktest=all\n"
				    "[test d]\nrun =\nappend = ktest=x,y\n"
				    "[test e]\nrun =\nappend = nohz_full ktest=lab1_e\n"
				    "[test f]\nrun = prog\nappend = ktest=lab1_f\n"
				    "[test g]\nrun =\nappend = ktest=lab1_g\nsubtests = s:1\n"
				    "[test h]\nrun =\nappend = ktest=\n");
	(void)state;
	assert_string_equal(shared_ktest_name(&def.tests[0]), "lab1_a");
	for (size_t i = 1; i < def.ntests; i++)
		assert_null(shared_ktest_name(&def.tests[i]));
	def_free(&def);
}

static void reuse_names_the_base_only_when_given(void **state)
{
	struct lab_def def = parsed("[lab]\nnumber = 3\n[test a]\nrun = x\n");
	char **argv;
	(void)state;

	argv = build_argv_reusing(&def, "/t", 1, "/base");
	assert_string_equal(argv[6], "REUSE=/base");
	assert_string_equal(argv[7], "kernel");
	argv_free(argv);
	argv = build_argv_reusing(&def, "/t", 1, NULL);
	assert_string_equal(argv[6], "kernel");
	argv_free(argv);
	def_free(&def);
}

static void shards_cover_each_name_once_and_stay_put(void **state)
{
	char name[32];
	unsigned counts[8] = { 0 };
	(void)state;

	for (int i = 0; i < 4000; i++) {
		unsigned k;
		snprintf(name, sizeof(name), "student%d", i);
		k = shard_of(name, 8);
		assert_in_range(k, 1, 8);
		assert_int_equal(k, shard_of(name, 8));     /* the same on every call */
		counts[k - 1]++;
	}
	for (int k = 0; k < 8; k++)                          /* and roughly balanced */
		assert_in_range(counts[k], 400, 600);
	assert_int_equal(shard_of("alice", 1), 1);
}

static void shard_arguments_are_checked(void **state)
{
	unsigned k = 0, n = 0;
	char err[160];
	(void)state;

	assert_int_equal(parse_shard("2/8", &k, &n, err, sizeof(err)), 0);
	assert_int_equal(k, 2);
	assert_int_equal(n, 8);
	assert_int_equal(parse_shard("8/8", &k, &n, err, sizeof(err)), 0);
	static const char *const bad[] = { "0/8", "9/8", "1/0", "-1/2", "1/-2", "2", "a/b", "1/2x", "1/", "/2",
					   "1/10001", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_shard(bad[i], &k, &n, err, sizeof(err)), -1);
}

int scale_tests(int *total)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_single_ktests_without_a_program_share_a_boot),
		cmocka_unit_test(reuse_names_the_base_only_when_given),
		cmocka_unit_test(shards_cover_each_name_once_and_stay_put),
		cmocka_unit_test(shard_arguments_are_checked),
	};
	return RUN_GROUP("scale", tests, total);
}
