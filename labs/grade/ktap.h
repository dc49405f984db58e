/* The one KTAP parser (the Linux kselftest/KUnit test-output format):
 *
 *   KTAP version 1
 *   1..2
 *       KTAP version 1
 *       # Subtest: entry
 *       1..2
 *       # getpid: expected 1, got 0
 *       not ok 1 getpid nonce=3fa9...
 *       ok 2 read nonce=3fa9...
 *   not ok 1 entry nonce=3fa9...
 *   ok 2 fuzz # SKIP no int80 nonce=3fa9...
 *
 * Indentation (four spaces per level) nests subtests. Result lines count only
 * when their last token is "nonce=" followed by this run's nonce; other result
 * lines are counted as ignored and otherwise dropped, so a program that prints
 * "ok" cannot forge a pass. Plans, version lines and "#" diagnostics are not
 * signed: a plan only ever makes a verdict stricter (see ktap_parse). */
#ifndef RINGGRADE_KTAP_H
#define RINGGRADE_KTAP_H

#include <stddef.h>

enum ktap_result {
	KTAP_OK,
	KTAP_NOT_OK,
	KTAP_SKIP,
};

struct ktap_case {
	char *name;
	int number;
	int depth;               /* 0: top level */
	enum ktap_result result;
	char *directive;         /* text after "# " (e.g. "SKIP no int80"), or "" */
	char *diagnostics;       /* the "#" lines just before this result, or "" */
	char *warnings;          /* kernel warnings ("WARNING: ..." lines) printed since the
				    previous result, or ""; those after the last result go to
				    the last result */
};

struct ktap_report {
	int saw_version;          /* a "KTAP version" or "TAP version" line at depth 0 */
	int plan;                 /* the largest top-level plan seen, -1 when none */
	struct ktap_case *cases;  /* accepted result lines, in order, every depth */
	size_t ncases;
	size_t top_level;         /* how many of them are at depth 0 */
	size_t unsigned_lines;    /* result lines without any nonce (ignored) */
	size_t forged_lines;      /* result lines with a wrong nonce (ignored) */
	int bail_out;             /* "Bail out!" seen */
	char *orphan_warnings;    /* kernel warnings in a run with no accepted result, or "" */
};

/* Parse len bytes of console output. nonce is the hex string of this run; a
 * NULL nonce accepts every result line (used only by unit tests of the
 * syntax). Never fails: garbage lines are skipped. */
void ktap_parse(const char *text, size_t len, const char *nonce, struct ktap_report *out);
void ktap_free(struct ktap_report *r);

/* The first accepted case with this name (any depth), or NULL. */
const struct ktap_case *ktap_find(const struct ktap_report *r, const char *name);
/* The case name of one console line if it is a result line ("ok 3 name
 * nonce=..."), else NULL; "# Subtest: name" lines give their name too.
 * Signed or not: for filtering a console, not for verdicts. Free it. */
char *ktap_line_name(const char *line);
/* How many accepted top-level results are "not ok". */
size_t ktap_failures(const struct ktap_report *r);

#endif
