/* Reports of a graded run: the terminal table, Gradescope's results.json,
 * JUnit XML, and the batch CSV. Writers build strings; the caller decides
 * where they go. */
#ifndef RINGGRADE_REPORT_H
#define RINGGRADE_REPORT_H

#include "def.h"
#include "run.h"
#include "util.h"

#include <stdio.h>

/* Everything a report needs about one graded tree or submission. */
struct grade_report {
	const struct lab_def *def;
	const char *def_arg;         /* how the user named the definition, for re-run commands */
	int by_lab;                  /* named with --lab (so "make grade LAB=N" works) */
	struct test_result *results;
	size_t nresults;
	const char *preamble;        /* intake messages (rejected/ignored files), may be "" */
	const char *record_note;     /* --record-note: how to reach a recording, or NULL */
	char *build_log;             /* what the build printed (owned), NULL when not built */
	double seconds;
	unsigned runs;               /* --repeat N: each test ran N times (0: once) */
	unsigned *passes;            /* with runs: passing runs of each test (owned) */
};

double report_score(const struct grade_report *g);
double report_max_score(const struct grade_report *g);
size_t report_passed(const struct grade_report *g);

/* The table, failure details with hint and commands, and "N passed, N failed". */
void report_terminal(FILE *out, const struct grade_report *g, int colour, int quiet);

/* Gradescope results.json. */
char *report_json(const struct grade_report *g);
/* JUnit XML (one testsuite). */
char *report_junit(const struct grade_report *g, const char *suite_name);

/* JSON string literal of arbitrary bytes: invalid UTF-8 becomes U+FFFD. */
void json_add_string(struct strbuf *sb, const char *s);
/* XML text: markup escaped; bytes XML 1.0 forbids and invalid UTF-8 become '?'. */
void xml_add_text(struct strbuf *sb, const char *s);
/* One CSV field, quoted when needed. */
void csv_add_field(struct strbuf *sb, const char *s);

/* The two commands printed under a failed test. */
char *rerun_command(const struct grade_report *g, const char *test);
char *debug_command(const struct grade_report *g, const struct test_def *t);
/* The command that opens r's recording in ringdb (make debug ... REPLAY=). */
char *replay_command(const struct grade_report *g, const struct test_result *r);

#endif
