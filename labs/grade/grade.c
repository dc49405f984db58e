/* One tree or one submission, from build to report (see grade.h). */
#include "grade.h"
#include "unpack.h"
#include "reuse.h"
#include "run.h"
#include "sandbox.h"
#include "spawn.h"
#include "submit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct test_def **selected_tests(const struct grade_options *o, size_t *n)
{
	const struct test_def **tests = xcalloc(o->def->ntests + 1, sizeof(*tests));

	*n = 0;
	for (size_t i = 0; i < o->def->ntests; i++) {
		int wanted = !o->only;
		for (char **name = o->only; name && *name; name++)
			if (!strcmp(*name, o->def->tests[i].name))
				wanted = 1;
		if (wanted)
			tests[(*n)++] = &o->def->tests[i];
	}
	return tests;
}

static void init_report(const struct grade_options *o, struct grade_report *report, size_t n)
{
	memset(report, 0, sizeof(*report));
	report->def = o->def;
	report->def_arg = o->def_arg;
	report->by_lab = o->by_lab;
	report->results = xcalloc(n ? n : 1, sizeof(*report->results));
	report->nresults = n;
	report->preamble = "";
	report->record_note = o->record_note;
}

/* Run the tests once, or o->repeat times (--repeat) with fresh nonces on
 * the same build. Then each test's result is its first run that did not
 * pass (so its details show a failure), else its last; report->passes
 * counts each test's passing runs. */
static void run_tests_repeated(const struct grade_options *o, const struct run_context *ctx,
			       const struct test_def **tests, size_t n, struct grade_report *report)
{
	unsigned runs = o->repeat > 1 ? (unsigned)o->repeat : 1;
	struct test_result *round;

	run_test_list(ctx, (const struct test_def *const *)tests, n, report->results);
	if (runs == 1)
		return;
	report->runs = runs;
	report->passes = xcalloc(n + 1, sizeof(*report->passes));
	for (size_t i = 0; i < n; i++)
		report->passes[i] = report->results[i].status == STATUS_PASSED;
	round = xcalloc(n + 1, sizeof(*round));
	/* Failures are recorded in the first round only (--record-failures). */
	struct run_context later = *ctx;
	later.record_dir = NULL;
	for (unsigned r = 1; r < runs && !spawn_was_interrupted(); r++) {
		run_test_list(&later, (const struct test_def *const *)tests, n, round);
		for (size_t i = 0; i < n; i++) {
			int passed = round[i].status == STATUS_PASSED;
			report->passes[i] += passed;
			if (report->results[i].status == STATUS_PASSED) {
				test_result_free(&report->results[i]);
				report->results[i] = round[i];
			} else {
				test_result_free(&round[i]);
			}
		}
	}
	free(round);
	for (size_t i = 0; i < n; i++) {
		struct test_result *r = &report->results[i];
		if (report->passes[i] != runs) {
			char *summary = xasprintf("passed %u of %u runs; %s", report->passes[i], runs, r->summary);
			free(r->summary);
			r->summary = summary;
			if (r->status == STATUS_PASSED) {
				/* interrupted before the last round */
				r->status = STATUS_NO_VERDICT;
				r->score = 0;
			}
		}
	}
}

/* After a run with --record-failures: a recording made in a submission's
 * tree (staging) is copied to o->record_dir; a test that passed this time
 * loses the recording of an earlier failure, so REPLAY=1 never opens a
 * stale one. */
static void keep_recordings(const struct grade_options *o, const char *staging, struct grade_report *report)
{
	for (size_t i = 0; i < report->nresults; i++) {
		struct test_result *r = &report->results[i];
		char *final = path_join(o->record_dir, r->test->name);
		if (!r->recording || staging)
			remove_tree(final);
		if (!r->recording) {
			char *stale = xasprintf("%s.tar.gz", final);
			unlink(stale);
			free(stale);
		}
		if (r->recording && staging) {
			remove_tree(final);
			if (copy_flat_dir(r->recording, final) < 0) {
				r->recording_note = xasprintf("no recording: cannot copy it to %s: %s", final,
							      strerror(errno));
				free(r->recording);
				r->recording = NULL;
				remove_tree(final);
			} else {
				free(r->recording);
				r->recording = xstrdup(final);
			}
		}
		if (r->recording && o->record_archive) {
			char *packed = xasprintf("%s.tar.gz", final);
			struct strbuf err;
			strbuf_init(&err);
			unlink(packed);
			if (pack_recording(r->recording, packed, &err) < 0) {
				/* The folder stays: it is still a recording. */
				r->recording_note = strbuf_detach(&err);
			} else {
				remove_tree(r->recording);
				free(r->recording);
				r->recording = xstrdup(packed);
				strbuf_free(&err);
			}
			free(packed);
		}
		free(final);
	}
}

/* Build (unless told not to) and run; the common part of both paths. */
static void build_and_run(const struct grade_options *o, const char *tree, int student,
			  const struct test_def **tests, size_t n, struct grade_report *report)
{
	char *log = NULL;
	int built = 0;

	if (o->no_build) {
		built = 1;
	} else {
		built = build_tree_reusing(o->def, tree, student, o->reuse, &log) == 0;
	}
	if (!built) {
		char *digest = build_errors_digest(log);
		fail_all_build((const struct test_def *const *)tests, n, digest, report->results);
		free(digest);
	} else {
		/* A submission's tree is the only folder its runs may write
		 * (the sandbox): recordings are made there and copied out. */
		char *staging = o->record_dir && student ? path_join(tree, "build/recordings") : NULL;
		atomic_int budget;
		atomic_init(&budget, o->record_max);
		struct run_context ctx = { .def = o->def, .tree = tree, .jobs = o->jobs, .progress = o->progress,
					   .one_boot_each = o->one_boot_each,
					   .record_dir = staging ? staging : o->record_dir,
					   .record_budget = o->record_max > 0 ? &budget : NULL };
		run_tests_repeated(o, &ctx, tests, n, report);
		if (o->record_dir)
			keep_recordings(o, staging, report);
		free(staging);
	}
	report->build_log = log;
}

int grade_tree(const struct grade_options *o, const char *tree, struct grade_report *report)
{
	size_t n;
	const struct test_def **tests = selected_tests(o, &n);
	double start = now_seconds();

	init_report(o, report, n);
	build_and_run(o, tree, 0, tests, n, report);
	report->seconds = now_seconds() - start;
	free(tests);
	return 0;
}

int grade_submission(const struct grade_options *o, const char *base, const char *submission,
		     struct grade_report *report, struct strbuf *intake)
{
	size_t n;
	const struct test_def **tests = selected_tests(o, &n);
	double start = now_seconds();
	char *scratch = make_scratch_dir("submission"), *tree = NULL, *root = NULL;
	int rc = 0;

	init_report(o, report, n);
	if (!scratch) {
		strbuf_addf(intake, "cannot create a scratch folder: %s (set TMPDIR to a writable folder)\n",
			    strerror(errno));
		free(tests);
		return -1;
	}
	tree = path_join(scratch, "tree");
	if (o->reuse ? thin_tree(o->reuse, tree, o->def, intake) < 0 : copy_tree(base, tree, intake) < 0) {
		rc = -1;
		goto out;
	}
	if (submission_unpack(submission, scratch, &root, intake) == 0)
		submission_apply(o->def, root, tree, intake);
	else
		strbuf_adds(intake, "nothing could be read from the submission: the starter files are graded\n");
	/* Every build and test run in this tree goes through the sandbox
	 * (sandbox.h): spawn_run wraps children whose working folder is in it. */
	if (sandbox_enabled() && sandbox_register_reading(tree, ((long long)o->def->vm_limit_mb + 1024) << 20,
							  o->reuse) < 0) {
		strbuf_addf(intake, "cannot prepare the sandbox for %s: %s\n", tree, strerror(errno));
		rc = -1;
		goto out;
	}
	{
		struct grade_options fresh = *o;
		/* A submission is always built: its files are new. */
		fresh.no_build = 0;
		build_and_run(&fresh, tree, 1, tests, n, report);
	}
	if (sandbox_enabled())
		sandbox_unregister(tree);
out:
	if (rc < 0)
		fail_all_build((const struct test_def *const *)tests, n, intake->data, report->results);
	report->seconds = now_seconds() - start;
	if (o->keep)
		fprintf(stderr, "ringgrade: kept the grading folder %s\n", scratch);
	else
		remove_tree(scratch);
	free(root);
	free(tree);
	free(scratch);
	free(tests);
	return rc;
}

void grade_report_free(struct grade_report *report)
{
	for (size_t i = 0; i < report->nresults; i++)
		test_result_free(&report->results[i]);
	free(report->results);
	free(report->build_log);
	free(report->passes);
	report->passes = NULL;
	report->build_log = NULL;
	report->results = NULL;
	report->nresults = 0;
}
