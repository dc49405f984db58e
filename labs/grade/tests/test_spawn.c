/* The process helper: capture, exit codes, output cap, wall-clock limit,
 * file-size limit, and nothing left running afterwards. */
#include "unit.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run(char **argv, size_t limit, int timeout, long long fsize, struct spawn_result *res)
{
	struct spawn_options o = { .argv = argv, .output_limit = limit, .timeout = timeout, .file_size_limit = fsize };
	return spawn_run(&o, res);
}

static void captures_output_and_exit_status(void **state)
{
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct spawn_result res;
	(void)state;

	assert_int_equal(run(argv, 0, 0, 0, &res), 0);
	assert_int_equal(res.exit_code, 3);
	assert_int_equal(res.signal, 0);
	assert_string_equal(res.output, "out\nerr\n");
	assert_false(res.flooded || res.timed_out);
	spawn_result_free(&res);
}

static void reports_death_by_signal_as_128_plus_n(void **state)
{
	char *argv[] = { "sh", "-c", "kill -SEGV $$", NULL };
	struct spawn_result res;
	(void)state;

	assert_int_equal(run(argv, 0, 0, 0, &res), 0);
	assert_int_equal(res.exit_code, 128 + SIGSEGV);
	assert_int_equal(res.signal, SIGSEGV);
	spawn_result_free(&res);
}

static void a_missing_program_is_an_error(void **state)
{
	char *argv[] = { "no-such-program-ringgrade", NULL };
	char *argv2[] = { "/nonexistent/prog", NULL };
	struct spawn_result res;
	(void)state;

	assert_int_equal(run(argv, 0, 0, 0, &res), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(run(argv2, 0, 0, 0, &res), -1);
	assert_int_equal(errno, ENOENT);
}

static void stdin_is_empty(void **state)
{
	char *argv[] = { "cat", NULL };
	struct spawn_result res;
	(void)state;

	assert_int_equal(run(argv, 0, 10, 0, &res), 0);
	assert_int_equal(res.exit_code, 0);
	assert_int_equal(res.output_len, 0);
	assert_false(res.timed_out);
	spawn_result_free(&res);
}

static void stops_a_flood_at_the_cap(void **state)
{
	char *argv[] = { "yes", "flood", NULL };
	struct spawn_result res;
	(void)state;

	assert_int_equal(run(argv, 1000, 60, 0, &res), 0);
	assert_true(res.flooded);
	assert_false(res.timed_out);
	assert_int_equal(res.output_len, 1000);
	spawn_result_free(&res);
}

static void stops_a_hang_at_the_limit(void **state)
{
	char *argv[] = { "sleep", "600", NULL };
	struct spawn_result res;
	(void)state;

	assert_int_equal(run(argv, 0, 1, 0, &res), 0);
	assert_true(res.timed_out);
	assert_int_equal(res.exit_code, 128 + SIGKILL);
	spawn_result_free(&res);
}

static void caps_the_size_of_files_written(void **state)
{
	char path[] = "/tmp/ringgrade-fsize-XXXXXX";
	int fd = mkstemp(path);
	char *script = xasprintf("head -c 100000 /dev/zero > %s", path);
	char *argv[] = { "sh", "-c", script, NULL };
	struct spawn_result res;
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(run(argv, 0, 30, 4096, &res), 0);
	assert_int_not_equal(res.exit_code, 0);
	{
		size_t len = 0;
		char *data = read_file(path, 1 << 20, &len);
		assert_non_null(data);
		assert_true(len <= 4096);
		free(data);
	}
	unlink(path);
	free(script);
	spawn_result_free(&res);
}

/* 1 while pid exists and is not a zombie. */
static int alive(pid_t pid)
{
	char path[64], buf[256];
	FILE *f;
	char *paren;
	int running;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	running = fgets(buf, sizeof(buf), f) && (paren = strrchr(buf, ')')) && paren[2] != 'Z';
	fclose(f);
	return running;
}

static void kills_what_the_child_left_behind(void **state)
{
	char *argv[] = { "sh", "-c", "sleep 600 > /dev/null 2>&1 & echo $!", NULL };
	struct spawn_result res;
	pid_t orphan;
	(void)state;

	assert_int_equal(run(argv, 0, 30, 0, &res), 0);
	orphan = (pid_t)atoi(res.output);
	assert_true(orphan > 0);
	/* SIGKILL is sent before spawn_run returns; give the kernel a moment
	 * to finish the process off (no timing is asserted). */
	for (int i = 0; i < 200 && alive(orphan); i++)
		usleep(10000);
	assert_false(alive(orphan));
	spawn_result_free(&res);
}

int spawn_tests(int *total)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(captures_output_and_exit_status),
		cmocka_unit_test(reports_death_by_signal_as_128_plus_n),
		cmocka_unit_test(a_missing_program_is_an_error),
		cmocka_unit_test(stdin_is_empty),
		cmocka_unit_test(stops_a_flood_at_the_cap),
		cmocka_unit_test(stops_a_hang_at_the_limit),
		cmocka_unit_test(caps_the_size_of_files_written),
		cmocka_unit_test(kills_what_the_child_left_behind),
	};
	return RUN_GROUP("spawn", tests, total);
}
