/* Grading one tree or one submission: build, run the selected tests, fill a
 * report. Batch mode (batch.c) and the command line (main.c) sit on top. */
#ifndef RINGGRADE_GRADE_H
#define RINGGRADE_GRADE_H

#include "def.h"
#include "report.h"

struct grade_options {
	const struct lab_def *def;
	const char *def_arg;     /* as given on the command line */
	int by_lab;
	const char *tree;        /* the instructor (or student's own) tree */
	char **only;             /* --test names, NULL-terminated; NULL: all */
	int jobs;
	int no_build;
	int keep;                /* keep scratch folders (for debugging the grader) */
	int progress;            /* tests done so far on stderr (a terminal, not --quiet, not batch) */
	const char *reuse;       /* batch: a built base; submissions get thin trees over it (reuse.h) */
	int one_boot_each;       /* never share a boot between in-kernel tests */
	int repeat;              /* --repeat N: run the tests N times (0 or 1: once) */
	unsigned shard_k, shard_n; /* batch: grade slice K of N (0: all) */
	/* --record-failures DIR: keep a recording of every failing test in
	 * DIR/NAME/ (batch: OUT/STUDENT/recordings/NAME/); NULL: none. */
	const char *record_dir;
	/* --record-max N: record at most N failures per graded tree (the
	 * others say how to record them); 0: every one. */
	int record_max;
	/* --record-archive: each kept recording is packed into DIR/NAME.tar.gz
	 * (unpack.h, pack_recording) and its folder removed: one file to copy
	 * off a grading server (the Gradescope bundle). */
	int record_archive;
	/* --record-note TEXT: printed under each recording's replay command
	 * (how to reach it where it was made, e.g. a grading container). */
	const char *record_note;
};

/* The tests selected by --test (or all), in definition order. */
const struct test_def **selected_tests(const struct grade_options *o, size_t *n);

/* Build and grade a tree in place. report->results is allocated. Returns
 * 0, or -1 on an infrastructure error (message on stderr). */
int grade_tree(const struct grade_options *o, const char *tree, struct grade_report *report);

/* Grade a submission (folder, archive or git repository): a pristine copy
 * of base (a tree, built or not) receives the allowed files, is built and
 * tested. intake gets the messages about the submission's files. Returns 0,
 * or -1 on an infrastructure error (message in intake). */
int grade_submission(const struct grade_options *o, const char *base, const char *submission,
		     struct grade_report *report, struct strbuf *intake);

void grade_report_free(struct grade_report *report);

/* Batch: every entry of dir is one student; results go to out. */
int grade_batch(const struct grade_options *o, const char *dir, const char *out);

#endif
