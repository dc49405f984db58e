/* The class's outputs of a batch, read back from each student's result
 * folder (OUT/STUDENT/scores.tsv): grades.csv, junit.xml and report.html.
 * A batch writes them after grading; --merge writes them for the slices of
 * a sharded batch (--shard K/N), after checking that every submission of
 * the folder was graded in exactly one slice. */
#ifndef RINGGRADE_CLASS_H
#define RINGGRADE_CLASS_H

#include "def.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>

struct class_member {
	char *name;      /* the student */
	char *dir;       /* their result folder (holds scores.tsv) */
};

/* Write OUT/grades.csv, OUT/junit.xml and OUT/report.html for these
 * members (in this order). tests_passed/failed count the graded tests.
 * 0, or -1 when a file could not be written (message on stderr). */
int class_outputs(const struct lab_def *def, const struct class_member *members, size_t n, const char *out,
		  size_t *tests_passed, size_t *tests_failed);

/* The slice (1..N) that grades a student: it depends on the name alone
 * (FNV-1a), so it never changes when other submissions come or go. */
unsigned shard_of(const char *student, unsigned nshards);

/* Parse "K/N" (1 <= K <= N <= 10000). 0, or -1 with a message in err. */
int parse_shard(const char *text, unsigned *k, unsigned *n, char *err, size_t errlen);

/* A fingerprint of the definition's text, so slices of different
 * definitions are never merged. */
uint64_t def_fingerprint(const struct lab_def *def);

/* The manifest a batch leaves in OUT/batch.tsv: which definition, which
 * slice, every student the folder listed, and which of them this slice
 * grades. */
char *batch_manifest(const struct lab_def *def, unsigned k, unsigned n, char *const *listed, size_t nlisted);

/* --merge: check the slices dirs[0..ndirs) (same definition, the same N,
 * each K once, the same folder listing, each student graded by exactly one
 * slice and with results), then copy each student's results and write the
 * class outputs into out. Returns 0, or 2 with a message on stderr. */
int grade_merge(const struct lab_def *def, char *const *dirs, size_t ndirs, const char *out);

#endif
