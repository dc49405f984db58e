/* ringgrade: the Ringside autograder. One engine for `make grade LAB=n`
 * (students), batch grading and Gradescope (instructors), and the kernel's
 * own test suite. The options are rows of one table; --help is made from it.
 * See docs/ringgrade.md. */
#include "class.h"
#include "def.h"
#include "grade.h"
#include "report.h"
#include "run.h"
#include "sandbox.h"
#include "seal.h"
#include "spawn.h"
#include "unpack.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum option_id {
	OPT_LAB = 256, OPT_DEF, OPT_TREE, OPT_TEST, OPT_JOBS, OPT_SUBMISSION, OPT_SUBMISSIONS, OPT_OUT,
	OPT_JSON, OPT_JUNIT, OPT_QUIET, OPT_LIST, OPT_NO_BUILD, OPT_KEEP, OPT_HELP, OPT_NO_SANDBOX,
	/* class scale: slices, merging, repeats (class.h) */
	OPT_SHARD, OPT_MERGE, OPT_REPEAT, OPT_BOOT_EACH, OPT_RECORD_FAILURES, OPT_RECORD_MAX,
	OPT_RECORD_ARCHIVE, OPT_RECORD_NOTE, OPT_PACK,
};

struct option_row {
	const char *name;
	int short_name;     /* 0: none */
	const char *arg;    /* NULL: takes no argument */
	enum option_id id;
	const char *help;
};

static const struct option_row option_table[] = {
	{ "lab", 0, "N", OPT_LAB, "grade lab N: its tests are labs/labN/lab.def" },
	{ "def", 0, "FILE", OPT_DEF, "grade the tests of any definition file (e.g. os/tests/kernel.def)" },
	{ "tree", 0, "DIR", OPT_TREE, "the tree to grade, or the instructor tree for submissions (default: "
				      "the definition's tree = key, else the repository holding it)" },
	{ "test", 't', "NAME", OPT_TEST, "run only this test (repeatable)" },
	{ "jobs", 'j', "N", OPT_JOBS, "tests run in parallel, each in its own QEMU (1-256; default: CPU count)" },
	{ "submission", 0, "PATH", OPT_SUBMISSION, "grade one student's submission (folder, .tar.gz/.tgz/.tar/.tar.xz/.tar.bz2, "
						   ".zip, or a git repository at HEAD) in a sealed copy of the tree, under bubblewrap" },
	{ "submissions", 0, "DIR", OPT_SUBMISSIONS, "batch: every entry of DIR is one student (needs --out)" },
	{ "out", 'o', "DIR", OPT_OUT, "batch: per-student results.json, log.txt and scores.tsv, and the class's "
				      "grades.csv, junit.xml, report.html and batch.tsv; --merge: the joined slices" },
	{ "json", 0, "FILE", OPT_JSON, "write Gradescope results.json" },
	{ "junit", 0, "FILE", OPT_JUNIT, "write JUnit XML" },
	{ "quiet", 'q', NULL, OPT_QUIET, "print only the closing \"N passed, N failed\" line" },
	{ "list", 0, NULL, OPT_LIST, "list the tests, their points and command lines; run nothing" },
	{ "no-build", 0, NULL, OPT_NO_BUILD, "use the tree's existing build (not for submissions)" },
	{ "keep", 0, NULL, OPT_KEEP, "keep the scratch folders of submissions (to debug the grader)" },
	{ "no-sandbox", 0, NULL, OPT_NO_SANDBOX, "build and test submissions without bubblewrap (only where it cannot "
						 "run; see docs/ringgrade.md, SANDBOX)" },
	{ "shard", 0, "K/N", OPT_SHARD, "batch: grade only slice K of N of the submissions (a student's slice depends "
					"on their name alone); merge the slices' --out folders with --merge" },
	{ "merge", 0, "DIR...", OPT_MERGE, "join the --out folders of all N slices into one --out: grades.csv, "
					   "junit.xml, report.html; refuses missing, doubled or mismatched slices" },
	{ "repeat", 0, "N", OPT_REPEAT, "run every test N times (1-1000) on one build and report each test's pass "
					"rate; a test passes only if it passed every run" },
	{ "boot-each", 0, NULL, OPT_BOOT_EACH, "boot once per test: in-kernel tests do not share a boot" },
	{ "record-failures", 0, "DIR", OPT_RECORD_FAILURES, "re-run each failing test once under QEMU record/replay and "
							    "keep the recording in DIR/NAME/ (batch: DIR/STUDENT/NAME/) "
							    "for ringdb --replay" },
	{ "record-max", 0, "N", OPT_RECORD_MAX, "with --record-failures: record at most N failing tests per "
						  "tree (0, the default: all); the others say how to record them" },
	{ "record-archive", 0, NULL, OPT_RECORD_ARCHIVE, "with --record-failures: pack each recording into one file, "
							 "DIR/NAME.tar.gz (batch: DIR/STUDENT/NAME.tar.gz), for "
							 "ringdb --replay FILE.tar.gz on another machine" },
	{ "record-note", 0, "TEXT", OPT_RECORD_NOTE, "with --record-failures: a line printed under each recording's "
						     "replay command, saying how to reach it (the Gradescope bundle: "
						     "Debug via SSH)" },
	{ "pack", 0, "DIR", OPT_PACK, "pack the recording folder DIR (rr, rr.qcow2, rr.info, kernel.elf, "
				      "initramfs.cpio) into DIR.tar.gz, for ringdb --replay; runs nothing else" },
	{ "help", 'h', NULL, OPT_HELP, "this text" },
};

#define NOPTIONS (sizeof(option_table) / sizeof(option_table[0]))

/* --help is a short manual page: the same sections as docs/ringgrade.md,
 * with the options from the one option table above. */
static void usage(FILE *out)
{
	fputs("NAME\n"
	      "    ringgrade - build a Ringside tree, boot each test in its own QEMU, and grade\n"
	      "    the KTAP it prints\n\n"
	      "SYNOPSIS\n"
	      "    ringgrade (--lab N | --def FILE) [--tree DIR] [-t NAME]... [-j N]\n"
	      "              [--json FILE] [--junit FILE] [-q] [--no-build]\n"
	      "    ringgrade (--lab N | --def FILE) --submission PATH [--json FILE] [--junit FILE]\n"
	      "              [--no-sandbox]\n"
	      "    ringgrade (--lab N | --def FILE) --submissions DIR -o DIR [-j N] [--no-sandbox]\n"
	      "              [--shard K/N]\n"
	      "    ringgrade (--lab N | --def FILE) --merge DIR... -o DIR\n"
	      "    ringgrade (--lab N | --def FILE) [--submission PATH] --repeat N [-t NAME]...\n"
	      "    ringgrade (--lab N | --def FILE) --list\n"
	      "    ringgrade --pack DIR\n"
	      "    make grade LAB=N [TEST=name]      make gradescope LAB=N\n\n"
	      "DESCRIPTION\n"
	      "    Builds the tree (make kernel initramfs, with LAB=N for a lab and STUDENT=1\n"
	      "    for a submission), boots every test through scripts/ringside-qemu with a\n"
	      "    per-run nonce, and scores the KTAP result lines that carry it. Submissions\n"
	      "    (a folder, a tar archive, .zip, or a git repository at HEAD) are put\n"
	      "    into a copy of the sealed tree (make student-tree: no solutions, mutants\n"
	      "    or hidden tests); only the lab's allowed files are taken, and every build\n"
	      "    and test of a submission runs under bubblewrap (no network, only its own\n"
	      "    tree visible, uid 65534 when run as root, limits on memory, processes,\n"
	      "    file size, time and output). Without a working bwrap, ringgrade refuses\n"
	      "    to grade submissions unless given --no-sandbox.\n"
	      "    In-kernel tests (append = ktest=NAME, no run) share one boot; a test that\n"
	      "    does not pass in it runs again in a boot of its own, and that counts. A\n"
	      "    batch builds the sealed tree once, compiles only each student's files and\n"
	      "    links them with its objects (when the build has {reuse}), grades several\n"
	      "    students at once, and writes grades.csv, junit.xml, report.html and\n"
	      "    batch.tsv (for --merge) into --out.\n\n"
	      "OPTIONS\n", out);
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option_row *o = &option_table[i];
		char left[48];
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "    %-26s %s\n", left, o->help);
	}
	fputs("\nEXIT STATUS\n"
	      "    0  every test passed (batch: every submission was graded)\n"
	      "    1  some test failed (--repeat: in some run) (batch: some submission could\n"
	      "       not be graded because of the grader's own trouble, e.g. no scratch\n"
	      "       space; unreadable submissions are graded as the starter files and the\n"
	      "       batch goes on)\n"
	      "    2  usage error, broken definition, the instructor tree does not build\n"
	      "       (batch), --merge refused its slices, or interrupted\n"
	      "    The last line printed is always \"N passed, N failed\".\n\n"
	      "SEE ALSO\n"
	      "    docs/ringgrade.md (definition format, verdicts, integrity rules, SANDBOX),\n"
	      "    docs/instructor.md, scripts/ringside-qemu --help\n", out);
}

static void on_signal(int sig)
{
	(void)sig;
	spawn_interrupt();
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ringgrade: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see ringgrade --help)\n", stderr);
	return 2;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The repository root above `start`: the first folder up that holds the
 * launcher. NULL when none. */
static char *find_repository(const char *start)
{
	char *dir = realpath(start, NULL);

	while (dir) {
		char *probe = path_join(dir, "scripts/ringside-qemu");
		int found = access(probe, X_OK) == 0;
		char *slash;
		free(probe);
		if (found)
			return dir;
		slash = strrchr(dir, '/');
		if (!slash || slash == dir) {
			free(dir);
			return NULL;
		}
		*slash = '\0';
	}
	return NULL;
}

static char *dir_of(const char *path)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');

	if (!slash) {
		free(copy);
		return xstrdup(".");
	}
	if (slash == copy)
		slash[1] = '\0';
	else
		*slash = '\0';
	return copy;
}

static int write_output(const char *path, const char *text, const char *what)
{
	if (write_file(path, text, strlen(text)) < 0) {
		fprintf(stderr, "ringgrade: cannot write the %s file %s: %s\n", what, path, strerror(errno));
		return -1;
	}
	return 0;
}

static void list_tests(const struct grade_options *o)
{
	printf("%s (%s)%s%s\n", o->def_arg, o->def->number >= 0 ? "lab" : "suite", o->def->title[0] ? ": " : "",
	       o->def->title);
	if (o->def->nfiles) {
		printf("student files:");
		for (size_t i = 0; i < o->def->nfiles; i++)
			printf(" %s", o->def->files[i]);
		printf("\n");
	}
	for (size_t i = 0; i < o->def->ntests; i++) {
		const struct test_def *t = &o->def->tests[i];
		char *cmdline = kernel_cmdline(t, "NONCE");
		printf("  %-16s %6g points  %4ds  %-15s %s\n", t->name, t->points, t->timeout,
		       visibility_name(t->visibility), cmdline);
		free(cmdline);
	}
	printf("total: %g points\n", def_max_score(o->def));
}

/* The --merge folders (file scope: a usage error may return with them). */
static char **merge;
static size_t nmerge;

/* --repeat: each test's pass rate, then one line a script can read. */
static void print_repeats(const struct grade_report *g)
{
	size_t flaky = 0, failing = 0;
	unsigned long failed_runs = 0;

	printf("%-30s %9s  %s\n", "TEST", "PASSED", "OVER THE RUNS");
	for (size_t i = 0; i < g->nresults; i++) {
		unsigned p = g->passes[i];
		const char *word = p == g->runs ? "always passed" : p == 0 ? "never passed" : "FLAKY";
		flaky += p && p < g->runs;
		failing += p == 0;
		failed_runs += g->runs - p;
		printf("%-30s %4u/%-4u  %s\n", g->results[i].test->name, p, g->runs, word);
	}
	printf("repeat: %u runs of %zu tests: %zu flaky, %zu never passed; %lu of %lu runs failed (%.1f%%)\n\n",
	       g->runs, g->nresults, flaky, failing, failed_runs, (unsigned long)g->runs * g->nresults,
	       g->nresults ? 100.0 * (double)failed_runs / ((double)g->runs * (double)g->nresults) : 0.0);
}

int main(int argc, char **argv)
{
	struct option long_options[NOPTIONS + 1];
	char short_options[3 * NOPTIONS + 2];
	size_t s = 0;
	const char *lab = NULL, *def_path = NULL, *tree = NULL, *submission = NULL, *submissions = NULL,
		   *out_dir = NULL, *json = NULL, *junit = NULL;
	char **only = NULL;
	size_t nonly = 0;
	int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), quiet = 0, list = 0, no_build = 0, keep = 0, c;
	const char *shard = NULL;
	int merging = 0, repeat = 0, boot_each = 0;
	unsigned shard_k = 0, shard_n = 0;
	int no_sandbox = 0;
	const char *record_arg = NULL;
	int record_max = 0, record_max_given = 0, record_archive = 0;
	const char *pack_arg = NULL, *record_note = NULL;
	char *record_dir = NULL;
	char *sealed_scratch = NULL, *sealed_tree = NULL;
	char *def_file = NULL, *tree_dir = NULL, err[512];
	struct lab_def def;
	struct grade_options o = { 0 };
	int rc;

	short_options[s++] = '+';
	short_options[s++] = ':';
	for (size_t i = 0; i < NOPTIONS; i++) {
		long_options[i] = (struct option){ option_table[i].name,
						   option_table[i].arg ? required_argument : no_argument, NULL,
						   (int)option_table[i].id };
		if (option_table[i].short_name) {
			short_options[s++] = (char)option_table[i].short_name;
			if (option_table[i].arg)
				short_options[s++] = ':';
		}
	}
	short_options[s] = '\0';
	memset(&long_options[NOPTIONS], 0, sizeof(long_options[NOPTIONS]));

	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, short_options, long_options, NULL);
		if (c == -1) {
			/* --merge DIR...: the folders after it, up to the next option */
			if (!merging || optind >= argc)
				break;
			merge = xrealloc(merge, (nmerge + 2) * sizeof(*merge));
			merge[nmerge++] = argv[optind++];
			continue;
		}
		/* a short option maps to its row's id */
		for (size_t i = 0; i < NOPTIONS; i++)
			if (option_table[i].short_name && c == option_table[i].short_name)
				c = (int)option_table[i].id;
		switch (c) {
		case OPT_LAB: lab = optarg; break;
		case OPT_DEF: def_path = optarg; break;
		case OPT_TREE: tree = optarg; break;
		case OPT_TEST:
			only = xrealloc(only, (nonly + 2) * sizeof(*only));
			only[nonly++] = optarg;
			only[nonly] = NULL;
			break;
		case OPT_JOBS: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 256)
				return usage_error("-j takes a number from 1 to 256, not '%s'", optarg);
			jobs = (int)v;
			break;
		}
		case OPT_SUBMISSION: submission = optarg; break;
		case OPT_SUBMISSIONS: submissions = optarg; break;
		case OPT_OUT: out_dir = optarg; break;
		case OPT_JSON: json = optarg; break;
		case OPT_JUNIT: junit = optarg; break;
		case OPT_QUIET: quiet = 1; break;
		case OPT_LIST: list = 1; break;
		case OPT_NO_BUILD: no_build = 1; break;
		case OPT_KEEP: keep = 1; break;
		case OPT_NO_SANDBOX: no_sandbox = 1; break;
		case OPT_HELP: usage(stdout); return 0;
		case OPT_SHARD: shard = optarg; break;
		case OPT_MERGE:
			merging = 1;
			merge = xrealloc(merge, (nmerge + 2) * sizeof(*merge));
			merge[nmerge++] = optarg;
			break;
		case OPT_REPEAT: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 1000)
				return usage_error("--repeat takes a number from 1 to 1000, not '%s'", optarg);
			repeat = (int)v;
			break;
		}
		case OPT_BOOT_EACH: boot_each = 1; break;
		case OPT_RECORD_FAILURES: record_arg = optarg; break;
		case OPT_RECORD_MAX: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > 1000)
				return usage_error("--record-max takes a number from 0 to 1000, not '%s'", optarg);
			record_max = (int)v;
			record_max_given = 1;
			break;
		}
		case OPT_RECORD_ARCHIVE: record_archive = 1; break;
		case OPT_PACK: pack_arg = optarg; break;
		case OPT_RECORD_NOTE: record_note = optarg; break;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (pack_arg) {
		/* One recording folder into one file; nothing is graded. */
		struct strbuf perr;
		char *packed;
		size_t plen = strlen(pack_arg);
		struct stat pst;

		if (lab || def_path || record_arg || submission || submissions || list)
			return usage_error("--pack DIR runs alone: it packs one recording folder");
		while (plen > 1 && pack_arg[plen - 1] == '/')
			plen--;
		if (stat(pack_arg, &pst) < 0 || !S_ISDIR(pst.st_mode)) {
			fprintf(stderr, "ringgrade: --pack %s: not a recording folder: %s\n", pack_arg,
				stat(pack_arg, &pst) < 0 ? strerror(errno) : "not a folder");
			return 2;
		}
		packed = xasprintf("%.*s.tar.gz", (int)plen, pack_arg);
		strbuf_init(&perr);
		if (pack_recording(pack_arg, packed, &perr) < 0) {
			fprintf(stderr, "ringgrade: --pack: %s", perr.data);
			strbuf_free(&perr);
			free(packed);
			return 2;
		}
		strbuf_free(&perr);
		printf("wrote %s: ringdb --replay %s (or make debug REPLAY=%s) opens it\n", packed, packed, packed);
		free(packed);
		return 0;
	}
	if ((record_archive || record_note) && !record_arg)
		return usage_error("--record-archive and --record-note go with --record-failures DIR");
	if (!lab == !def_path)
		return usage_error("give exactly one of --lab N and --def FILE");
	if (submission && submissions)
		return usage_error("--submission and --submissions do not go together");
	if (submissions && !out_dir)
		return usage_error("--submissions needs --out DIR for the results");
	if (submissions && (json || junit))
		return usage_error("--json and --junit are per run; a batch writes OUT/STUDENT/results.json for each student");
	if (merging && (submission || submissions || list || repeat || shard))
		return usage_error("--merge only joins finished slices: no --submission(s), --shard, --repeat or --list");
	if (merging && !out_dir)
		return usage_error("--merge needs --out DIR for the joined results");
	if (merging && (json || junit))
		return usage_error("--merge writes OUT/junit.xml and OUT/grades.csv; --json and --junit are per run");
	if (out_dir && !submissions && !merging)
		return usage_error("--out is for batch mode (--submissions DIR) and --merge");
	if (shard && !submissions)
		return usage_error("--shard is for batch mode (--submissions DIR)");
	if (shard) {
		char why[160];
		if (parse_shard(shard, &shard_k, &shard_n, why, sizeof(why)) < 0)
			return usage_error("%s", why);
	}
	if (repeat && submissions)
		return usage_error("--repeat is for one tree or one --submission, not a batch");
	if (no_build && (submission || submissions))
		return usage_error("--no-build cannot be used with submissions: they are always built");
	if (submission && access(submission, F_OK) < 0)
		return usage_error("--submission %s: no such file or folder", submission);
	if (tree && !is_dir(tree))
		return usage_error("--tree %s: not a folder", tree);
	if (no_sandbox && !submission && !submissions)
		return usage_error("--no-sandbox is for grading submissions (--submission or --submissions)");
	if (jobs < 1)
		jobs = 1;
	if (record_arg && (merging || list))
		return usage_error("--record-failures is for runs that boot tests, not --merge or --list");
	if (record_max_given && !record_arg)
		return usage_error("--record-max goes with --record-failures DIR");
	if (record_arg) {
		/* The launcher runs in the tree: the folder must be absolute. */
		if (!record_arg[0] || make_dirs(record_arg, 0755) < 0 || !(record_dir = realpath(record_arg, NULL))) {
			fprintf(stderr, "ringgrade: --record-failures %s: cannot make that folder: %s\n", record_arg,
				record_arg[0] ? strerror(errno) : "empty name");
			return 2;
		}
	}

	if (lab) {
		char *end;
		long n = strtol(lab, &end, 10);
		char *root;
		if (*end || end == lab || n < 0 || n > 99)
			return usage_error("--lab takes a lab number, not '%s'", lab);
		root = tree ? realpath(tree, NULL) : find_repository(".");
		if (!root) {
			fprintf(stderr, "ringgrade: not inside a Ringside tree (no scripts/ringside-qemu above here); "
				"use --tree DIR or --def FILE\n");
			return 2;
		}
		def_file = xasprintf("%s/labs/lab%ld/lab.def", root, n);
		free(root);
	} else {
		def_file = xstrdup(def_path);
	}
	if (def_load(def_file, &def, err, sizeof(err)) < 0) {
		fprintf(stderr, "ringgrade: %s\n", err);
		if (lab && access(def_file, F_OK) < 0)
			fprintf(stderr, "ringgrade: lab %s has no test definition yet (expected %s)\n", lab, def_file);
		free(def_file);
		return 2;
	}
	if (lab && def.number >= 0 && def.number != atoi(lab))
		fprintf(stderr, "ringgrade: warning: %s says it is lab %d\n", def_file, def.number);
	if (lab && def.number < 0)
		def.number = atoi(lab);

	/* The tree: --tree, else the definition's own "tree =", else the
	 * repository the definition lives in. */
	if (tree) {
		tree_dir = realpath(tree, NULL);
	} else if (def.tree) {
		char *folder = dir_of(def_file), *joined = def.tree[0] == '/' ? xstrdup(def.tree) : path_join(folder, def.tree);
		tree_dir = realpath(joined, NULL);
		if (!tree_dir)
			fprintf(stderr, "ringgrade: %s: tree = %s: %s\n", def_file, def.tree, strerror(errno));
		free(folder);
		free(joined);
	} else {
		char *folder = dir_of(def_file);
		tree_dir = find_repository(folder);
		if (!tree_dir)
			fprintf(stderr, "ringgrade: no Ringside tree above %s; use --tree DIR\n", def_file);
		free(folder);
	}
	if (!tree_dir) {
		def_free(&def);
		free(def_file);
		return 2;
	}

	o.def = &def;
	o.def_arg = lab ? def_file : def_path;
	o.by_lab = lab != NULL;
	o.tree = tree_dir;
	o.only = only;
	o.jobs = jobs;
	o.no_build = no_build;
	o.keep = keep;
	o.progress = !quiet && !submissions && isatty(2);
	o.repeat = repeat;
	o.one_boot_each = boot_each;
	o.shard_k = shard_k;
	o.shard_n = shard_n;
	o.record_dir = record_dir;
	o.record_max = record_max;
	o.record_archive = record_archive;
	o.record_note = record_note;
	for (size_t i = 0; i < nonly; i++) {
		if (!def_find_test(&def, only[i])) {
			fprintf(stderr, "ringgrade: %s has no test '%s'; its tests are:", def_file, only[i]);
			for (size_t t = 0; t < def.ntests; t++)
				fprintf(stderr, " %s", def.tests[t].name);
			fputc('\n', stderr);
			rc = 2;
			goto done;
		}
	}

	if (list) {
		list_tests(&o);
		rc = 0;
		goto done;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);

	/* Submissions are graded sealed: in a copy of the student tree (no
	 * solutions, mutants or hidden tests; seal.h), every build and test
	 * under bubblewrap (sandbox.h). No sandbox, no grading, unless the
	 * instructor said --no-sandbox. */
	if (submission || submissions) {
		struct strbuf why;

		strbuf_init(&why);
		sandbox_set_enabled(!no_sandbox);
		if (no_sandbox) {
			fprintf(stderr, "ringgrade: warning: --no-sandbox: submissions are built and run without "
				"bubblewrap, with this user's rights and view of the machine\n");
		} else if (sandbox_check(&why) < 0) {
			fprintf(stderr, "ringgrade: refusing to grade submissions: %s", why.data);
			strbuf_free(&why);
			rc = 2;
			goto done;
		}
		sealed_scratch = seal_tree(tree_dir, &why);
		if (!sealed_scratch) {
			fprintf(stderr, "ringgrade: %s", why.data);
			strbuf_free(&why);
			rc = 2;
			goto done;
		}
		strbuf_free(&why);
		sealed_tree = path_join(sealed_scratch, "tree");
		o.tree = sealed_tree;
	}

	if (merging) {
		rc = grade_merge(&def, merge, nmerge, out_dir);
	} else if (submissions) {
		rc = grade_batch(&o, submissions, out_dir);
	} else {
		struct grade_report report;
		struct strbuf intake;
		int colour = isatty(1) && !getenv("NO_COLOR");

		strbuf_init(&intake);
		if (submission)
			rc = grade_submission(&o, o.tree, submission, &report, &intake);
		else
			rc = grade_tree(&o, tree_dir, &report);
		report.preamble = intake.data;
		if (rc < 0)
			fprintf(stderr, "ringgrade: %s", intake.data);
		if (json) {
			char *text = report_json(&report);
			if (write_output(json, text, "JSON") < 0)
				rc = -1;
			free(text);
		}
		if (junit) {
			char *name = def.number >= 0 ? xasprintf("lab%d", def.number) : xstrdup(def_file);
			char *text = report_junit(&report, name);
			if (write_output(junit, text, "JUnit") < 0)
				rc = -1;
			free(text);
			free(name);
		}
		if (report.runs)
			print_repeats(&report);
		report_terminal(stdout, &report, colour, quiet);
		if (spawn_was_interrupted()) {
			fprintf(stderr, "ringgrade: interrupted\n");
			rc = 2;
		} else if (rc < 0) {
			rc = 2;
		} else {
			rc = report_passed(&report) == report.nresults ? 0 : 1;
		}
		grade_report_free(&report);
		strbuf_free(&intake);
	}
done:
	if (sealed_scratch) {
		if (keep)
			fprintf(stderr, "ringgrade: kept the sealed tree %s\n", sealed_tree);
		else
			remove_tree(sealed_scratch);
	}
	free(sealed_tree);
	free(sealed_scratch);
	def_free(&def);
	free(def_file);
	free(tree_dir);
	free(only);
	free(merge);
	free(record_dir);
	return rc;
}
