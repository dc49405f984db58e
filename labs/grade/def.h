/* Test definitions: the data that says what a lab's tests are. One file per
 * lab (labs/labN/lab.def) and os/tests/kernel.def for the kernel's own tests.
 * The format is documented in docs/ringgrade.md; in short:
 *
 *   [lab]                      once, first
 *   number = 1
 *   title = Syscall dispatch
 *   files = os/kernel/entry/dispatch.c ...
 *   [test NAME]                one per QEMU run
 *   run = PROG ARGS...         init program (empty: none, e.g. for ktest=)
 *   append = ktest=all         extra kernel command line
 *   points = 10
 *   timeout = 30
 *   visibility = visible | hidden | after_due_date | after_published
 *   hint = text shown on failure
 *   subtests = name:points ... partial credit per KTAP subtest
 */
#ifndef RINGGRADE_DEF_H
#define RINGGRADE_DEF_H

#include <stddef.h>

enum visibility {
	VISIBILITY_VISIBLE,
	VISIBILITY_HIDDEN,
	VISIBILITY_AFTER_DUE_DATE,
	VISIBILITY_AFTER_PUBLISHED,
};

const char *visibility_name(enum visibility v);

struct subtest_points {
	char *name;
	double points;
};

struct test_def {
	char *name;
	char *run;        /* "PROG ARGS..." or "" for no init program */
	char *append;     /* extra kernel command line, may be "" */
	double points;
	int timeout;      /* seconds of wall-clock time for the whole QEMU run */
	enum visibility visibility;
	char *hint;       /* may be "" */
	struct subtest_points *subtests;
	size_t nsubtests; /* 0: all-or-nothing */
	int line;         /* where its section starts, for messages */
};

struct lab_def {
	char *path;        /* the file it came from */
	int number;        /* -1 when the file has none (kernel.def) */
	char *title;
	char **files;      /* allowed student files, relative to the tree */
	size_t nfiles;
	char *tree;        /* instructor tree, resolved against the file's folder; NULL: default */
	char **build;      /* argv of the build command; "{tree}" is replaced */
	char *launcher;    /* relative to the tree */
	char *kernel;      /* relative to the tree */
	char *initrd;      /* relative to the tree */
	int vm_limit_mb;
	size_t output_limit;
	size_t file_limit;
	int build_timeout; /* seconds for the build command */
	struct test_def *tests;
	size_t ntests;
};

/* Parse text (named name in messages). On error returns -1 and writes
 * "NAME:LINE: what was expected" into err. */
int def_parse(const char *text, const char *name, struct lab_def *out, char *err, size_t errlen);
/* Read and parse a file. */
int def_load(const char *path, struct lab_def *out, char *err, size_t errlen);
void def_free(struct lab_def *def);

const struct test_def *def_find_test(const struct lab_def *def, const char *name);
double def_max_score(const struct lab_def *def);

/* Split on blanks into a NULL-terminated argv (no quoting); the caller
 * frees with argv_free. */
char **argv_split(const char *s, size_t *count);
void argv_free(char **argv);

/* A student path is relative, non-empty, without "." or ".." components. */
int path_is_safe_relative(const char *path);

#endif
