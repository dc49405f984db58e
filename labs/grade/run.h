/* Running tests: build a tree, boot one QEMU per test through the launcher,
 * and turn the launcher's exit code plus the signed KTAP lines into a
 * verdict and a score. */
#ifndef RINGGRADE_RUN_H
#define RINGGRADE_RUN_H

#include "def.h"

#include <stdatomic.h>
#include <stddef.h>

enum test_status {
	STATUS_PASSED,
	STATUS_FAILED,
	STATUS_TIMEOUT,
	STATUS_PANIC,
	STATUS_NO_VERDICT,
	STATUS_QEMU_FAILED,
	STATUS_FLOOD,
	STATUS_BUILD_FAILED,
};

/* "passed", "failed", "timeout", "kernel panic", ... */
const char *status_name(enum test_status s);

struct test_result {
	const struct test_def *test;
	enum test_status status;
	double score;
	double seconds;
	char *summary;     /* one line, e.g. "crashed after test 3 of 7" */
	char *details;     /* failing subtests with diagnostics, panic line, console tail; may be "" */
	char *console;     /* everything the run printed (for logs) */
	size_t ignored_lines; /* result lines without this run's nonce */
	/* --record-failures: the recording of this failure (a folder: rr,
	 * rr.qcow2, rr.info, kernel.elf, initramfs.cpio), or why there is
	 * none; NULL when not recording or the test passed. */
	char *recording;
	char *recording_note;
	double record_seconds; /* how long the recorded re-run took */
};

void test_result_free(struct test_result *r);

/* Where the tests run: a built tree and the lab's definition. */
struct run_context {
	const struct lab_def *def;
	const char *tree;
	int jobs;
	int progress;      /* show "N/M tests done" on stderr while running (a terminal) */
	int one_boot_each; /* never share a boot between in-kernel tests (see run_test_list) */
	/* Re-run every test that did not pass once more under QEMU's
	 * record/replay (the launcher's --record) and keep the recording in
	 * record_dir/NAME/ when the re-run fails the same way; NULL: never. */
	const char *record_dir;
	/* How many more failures may be recorded (shared by the threads of
	 * one run); NULL: no limit. */
	atomic_int *record_budget;
};

/* The build step: def->build run in tree, with its placeholders filled:
 * "{tree}" anywhere in a word becomes the tree's path; the word "{lab}"
 * becomes LAB=N for a numbered lab, and "{student}" becomes STUDENT=1 when
 * a submission is built (os/os.mk then compiles labs/labN/, the student's
 * files, instead of solutions/labN/); either word vanishes otherwise.
 * Returns 0 when the build succeeded; log gets its output (compiler
 * errors). -1 with a message in log when it could not be started. */
int build_tree(const struct lab_def *def, const char *tree, int student, char **log);

/* The build command's argv for these arguments (see build_tree). */
char **build_argv(const struct lab_def *def, const char *tree, int student);

/* The same over a built base tree (batch mode, reuse.h): the word
 * "{reuse}" becomes REUSE=BASE when reuse is not NULL, and vanishes
 * otherwise (as it does in build_tree). */
int build_tree_reusing(const struct lab_def *def, const char *tree, int student, const char *reuse, char **log);
char **build_argv_reusing(const struct lab_def *def, const char *tree, int student, const char *reuse);

/* A digest of a failed build's log: the lines with "error" first, capped. */
char *build_errors_digest(const char *log);

/* Run tests[0..n) in parallel (up to ctx->jobs at a time); results[i]
 * belongs to tests[i]. In-kernel tests (see shared_ktest_name) share one
 * boot, unless ctx->one_boot_each; a test keeps that boot's verdict only
 * when it passed, and every other one is run again in a boot of its own,
 * so sharing never costs a test its points. */
void run_test_list(const struct run_context *ctx, const struct test_def *const *tests, size_t n,
	       struct test_result *results);

/* The NAME of a test that may share a boot with others: no init program,
 * no subtests, and the command line exactly "ktest=NAME" (one test); NULL
 * for every other test. */
const char *shared_ktest_name(const struct test_def *t);

/* Mark every test as "build failed" with the digest as details. */
void fail_all_build(const struct test_def *const *tests, size_t n, const char *digest,
		    struct test_result *results);

/* The kernel command line of a test: "APPEND ktap.nonce=HEX init=/bin/PROG -- ARGS". */
char *kernel_cmdline(const struct test_def *t, const char *nonce);

/* A fresh 128-bit nonce as 32 hex digits in out[33]; -1 if the kernel's
 * random source fails. */
int make_nonce(char out[33]);

/* Decide the verdict of one run (pure: unit-tested). exit_code is the
 * launcher's; flooded/timed_out come from the spawn helper. */
/* The console as test t may show it: for a test with `subtests`, without
 * the result lines (and the diagnostics before them) of cases it does not
 * list, which belong to other tests sharing the run. Always a new string. */
char *own_console(const struct test_def *t, const char *console, size_t len);
void judge(const struct test_def *t, int exit_code, int flooded, int timed_out, const char *console,
	   size_t console_len, const char *nonce, size_t output_limit, struct test_result *r);

#endif
