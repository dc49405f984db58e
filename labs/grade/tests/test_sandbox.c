/* The sandbox of submissions (sandbox.c through spawn_run): what a child
 * in a registered tree sees, who it runs as, and the process cap. Real
 * bwrap, real namespaces: nothing is mocked. */
#include "unit.h"
#include "sandbox.h"
#include "spawn.h"
#include "submit.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct box {
	char *scratch, *tree, *outside;
};

static int box_setup(void **state)
{
	struct box *b = xcalloc(1, sizeof(*b));

	b->scratch = make_scratch_dir("sandbox-test");
	if (!b->scratch)
		return -1;
	b->tree = path_join(b->scratch, "tree");
	b->outside = path_join(b->scratch, "outside.txt");
	if (mkdir(b->tree, 0755) < 0 || write_file(b->outside, "outside\n", 8) < 0)
		return -1;
	sandbox_set_enabled(1);
	if (sandbox_register(b->tree, 0) < 0)
		return -1;
	*state = b;
	return 0;
}

static int box_teardown(void **state)
{
	struct box *b = *state;

	sandbox_unregister(b->tree);
	sandbox_set_enabled(1);
	remove_tree(b->scratch);
	free(b->scratch);
	free(b->tree);
	free(b->outside);
	free(b);
	return 0;
}

static char *run_in(const char *cwd, const char *script)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct spawn_options o = { .argv = argv, .cwd = cwd, .output_limit = 1 << 20, .timeout = 60 };
	struct spawn_result res;

	assert_int_equal(spawn_run(&o, &res), 0);
	return res.output;
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

static void a_registered_tree_sees_only_itself(void **state)
{
	struct box *b = *state;
	char *script = xasprintf("id -u; uname -n; cat %s 2>&1 || echo no-outside; "
				 "test -e /etc/hostname && echo hostname; test -e /proc/self && echo proc; "
				 "test -e /dev/zero && echo devzero; test -e /home && echo home; "
				 "echo x > written && echo wrote; echo y > /usr/ringgrade-test 2>/dev/null && echo usr-written; "
				 "echo z > /tmp/t && echo tmp-written", b->outside);
	char *out = run_in(b->tree, script), *uid = xasprintf("%u", sandbox_host_uid()), *written;
	(void)state;

	assert_true(has_line(out, uid));                 /* 65534 when root */
	assert_true(has_line(out, "sandbox"));           /* its own UTS namespace */
	assert_true(has_line(out, "no-outside"));        /* the scratch folder around the tree is hidden */
	assert_false(has_line(out, "outside"));
	assert_false(has_line(out, "hostname"));
	assert_false(has_line(out, "proc"));
	assert_false(has_line(out, "devzero"));
	assert_false(has_line(out, "home"));
	assert_true(has_line(out, "wrote"));             /* its tree is writable */
	assert_false(has_line(out, "usr-written"));      /* the system is not */
	assert_true(has_line(out, "tmp-written"));
	written = path_join(b->tree, "written");
	assert_int_equal(access(written, F_OK), 0);      /* and the write landed in the real tree */
	free(written);
	free(uid);
	free(out);
	free(script);
}

static void the_process_cap_holds(void **state)
{
	struct box *b = *state;
	/* More background processes than SANDBOX_PROCS allows beyond what
	 * the user already runs: some forks must fail. (As root that needs
	 * the switch to uid 65534: root is exempt from RLIMIT_NPROC.) */
	char *out = run_in(b->tree, "i=0; while [ $i -lt 320 ]; do sleep 3 & i=$((i+1)); done; "
				    "prlimit --nproc --noheadings --output=SOFT");
	(void)state;

	assert_non_null(strstr(out, "Cannot fork"));
	assert_null(strstr(out, "unlimited"));
	free(out);
}

static void limits_memory_and_file_size(void **state)
{
	struct box *b = *state;
	char *out = run_in(b->tree, "prlimit --as --fsize --core --noheadings --output=SOFT | tr -d ' '");
	char *as = xasprintf("%lld", SANDBOX_MEMORY_MIN), *fsize = xasprintf("%lld", SANDBOX_FILE_LIMIT);
	(void)state;

	assert_true(has_line(out, as));
	assert_true(has_line(out, fsize));
	assert_true(has_line(out, "0"));
	free(as);
	free(fsize);
	free(out);
}

static void outside_a_registered_tree_nothing_is_wrapped(void **state)
{
	struct box *b = *state;
	long long memory;
	long procs;
	long long fsize;
	char *argv[] = { "true", NULL };
	char **wrapped;
	(void)state;

	assert_null(sandbox_wrap(argv, b->scratch, &memory, &procs, &fsize));
	assert_null(sandbox_wrap(argv, NULL, &memory, &procs, &fsize));
	wrapped = sandbox_wrap(argv, b->tree, &memory, &procs, &fsize);
	assert_non_null(wrapped);
	assert_string_equal(wrapped[0], "bwrap");
	assert_string_equal(wrapped[1], "--unshare-all");   /* network, pid, user... */
	for (size_t i = 0; wrapped[i]; i++)
		assert_string_not_equal(wrapped[i], "--share-net");
	argv_free(wrapped);
	sandbox_set_enabled(0);                             /* --no-sandbox */
	assert_null(sandbox_wrap(argv, b->tree, &memory, &procs, &fsize));
	sandbox_set_enabled(1);
}

static void the_check_passes_where_bwrap_works(void **state)
{
	struct strbuf err;
	(void)state;

	strbuf_init(&err);
	assert_int_equal(sandbox_check(&err), 0);
	assert_string_equal(err.data, "");
	strbuf_free(&err);
}

int sandbox_tests(int *total)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_registered_tree_sees_only_itself),
		cmocka_unit_test(the_process_cap_holds),
		cmocka_unit_test(limits_memory_and_file_size),
		cmocka_unit_test(outside_a_registered_tree_nothing_is_wrapped),
		cmocka_unit_test(the_check_passes_where_bwrap_works),
	};
	*total += (int)(sizeof(tests) / sizeof(tests[0]));
	return cmocka_run_group_tests_name("sandbox", tests, box_setup, box_teardown);
}
