/* Batch grading: every entry of a folder is one student's submission.
 * The instructor tree is copied and built once; each student gets a copy of
 * that built tree, so make compiles only the student's files. Results are
 * written per student as they finish, so an interrupted batch resumes where
 * it stopped, and one broken submission never stops the others. */
#include "grade.h"
#include "run.h"
#include "spawn.h"
#include "submit.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct student {
	char *name;       /* entry name without an archive suffix */
	char *path;       /* the submission */
	char *out_dir;
	int current;      /* its results are newer than the submission and the definition */
};

static const char *const archive_suffixes[] = { ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tar", ".zip" };

static char *student_name(const char *entry)
{
	size_t len = strlen(entry);

	for (size_t i = 0; i < sizeof(archive_suffixes) / sizeof(archive_suffixes[0]); i++) {
		size_t s = strlen(archive_suffixes[i]);
		if (len > s && !strcmp(entry + len - s, archive_suffixes[i]))
			return xstrndup(entry, len - s);
	}
	return xstrdup(entry);
}

/* Newest modification time anywhere in a submission (not following links). */
static void newest_mtime(const char *path, int depth, struct timespec *newest, int *budget)
{
	struct stat st;

	if (--*budget < 0 || lstat(path, &st) < 0)
		return;
	if (st.st_mtim.tv_sec > newest->tv_sec ||
	    (st.st_mtim.tv_sec == newest->tv_sec && st.st_mtim.tv_nsec > newest->tv_nsec))
		*newest = st.st_mtim;
	if (S_ISDIR(st.st_mode) && depth < 32) {
		DIR *dir = opendir(path);
		struct dirent *d;
		if (!dir)
			return;
		while ((d = readdir(dir))) {
			char *child;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			child = path_join(path, d->d_name);
			newest_mtime(child, depth + 1, newest, budget);
			free(child);
		}
		closedir(dir);
	}
}

static int newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static int is_current(const struct student *s, const char *def_path)
{
	char *scores = path_join(s->out_dir, "scores.tsv");
	struct stat result, def;
	struct timespec submitted = { 0, 0 };
	int budget = 100000, current;

	current = stat(scores, &result) == 0 && stat(def_path, &def) == 0;
	free(scores);
	if (!current)
		return 0;
	newest_mtime(s->path, 0, &submitted, &budget);
	return newer(&result.st_mtim, &submitted) && newer(&result.st_mtim, &def.st_mtim);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(((const struct student *)a)->name, ((const struct student *)b)->name);
}

static struct student *list_students(const char *dir, const char *out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct student *list = NULL;
	size_t cap = 0;
	char *out_real = realpath(out, NULL);

	*n = 0;
	if (!d) {
		free(out_real);
		return NULL;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (out_real) {
			/* --out inside the submissions folder is not a student */
			char *entry = path_join(dir, e->d_name), *entry_real = realpath(entry, NULL);
			int is_out = entry_real && !strcmp(entry_real, out_real);
			free(entry);
			free(entry_real);
			if (is_out)
				continue;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			list = xrealloc(list, cap * sizeof(*list));
		}
		list[*n].name = student_name(e->d_name);
		list[*n].path = path_join(dir, e->d_name);
		list[*n].out_dir = path_join(out, list[*n].name);
		list[*n].current = 0;
		(*n)++;
	}
	closedir(d);
	free(out_real);
	if (*n)
		qsort(list, *n, sizeof(*list), compare_names);
	else if (!list)
		list = xcalloc(1, sizeof(*list));
	return list;
}

static void write_text(const char *path, const char *text)
{
	if (write_file(path, text, strlen(text)) < 0)
		fprintf(stderr, "ringgrade: cannot write %s: %s\n", path, strerror(errno));
}

/* The per-student files: results.json (Gradescope format), log.txt (what
 * happened, with every console), scores.tsv (read back for the CSV). */
static void write_student(const struct student *s, const struct grade_report *report, const char *intake)
{
	char *json = report_json(report), *path;
	struct strbuf log, scores;
	char *table = NULL;
	size_t table_len = 0;
	FILE *mem = open_memstream(&table, &table_len);

	make_dirs(s->out_dir, 0755);
	path = path_join(s->out_dir, "results.json");
	write_text(path, json);
	free(path);
	free(json);

	strbuf_init(&log);
	strbuf_addf(&log, "student: %s\nsubmission: %s\n\n", s->name, s->path);
	if (mem) {
		struct grade_report copy = *report;
		copy.preamble = intake;
		report_terminal(mem, &copy, 0, 0);
		fclose(mem);
		strbuf_adds(&log, table);
		free(table);
	}
	if (report->build_log)
		strbuf_addf(&log, "\n===== build =====\n%s", report->build_log);
	for (size_t i = 0; i < report->nresults; i++)
		strbuf_addf(&log, "\n===== console of %s =====\n%s\n", report->results[i].test->name,
			    report->results[i].console ? report->results[i].console : "");
	path = path_join(s->out_dir, "log.txt");
	write_text(path, log.data);
	free(path);
	strbuf_free(&log);

	/* written last: its time is what "current" compares */
	strbuf_init(&scores);
	for (size_t i = 0; i < report->nresults; i++)
		strbuf_addf(&scores, "%s\t%g\t%s\n", report->results[i].test->name, report->results[i].score,
			    report->results[i].status == STATUS_PASSED ? "passed" : "failed");
	path = path_join(s->out_dir, "scores.tsv");
	write_text(path, scores.data);
	free(path);
	strbuf_free(&scores);
}

/* One student's score for a test from their scores.tsv; -1 when absent. */
static double read_score(const char *tsv, const char *test, int *passed)
{
	size_t len = strlen(test);

	for (const char *line = tsv; line && *line; ) {
		const char *nl = strchr(line, '\n');
		if (!strncmp(line, test, len) && line[len] == '\t') {
			double v = strtod(line + len + 1, NULL);
			const char *status = strchr(line + len + 1, '\t');
			*passed = status && !strncmp(status + 1, "passed", 6);
			return v;
		}
		line = nl ? nl + 1 : NULL;
	}
	*passed = 0;
	return -1;
}

static void write_csv(const struct grade_options *o, const struct student *students, size_t n, const char *out,
		      size_t *tests_passed, size_t *tests_failed)
{
	struct strbuf csv;
	char *path = path_join(out, "grades.csv");

	strbuf_init(&csv);
	strbuf_adds(&csv, "student");
	for (size_t t = 0; t < o->def->ntests; t++) {
		strbuf_adds(&csv, ",");
		csv_add_field(&csv, o->def->tests[t].name);
	}
	strbuf_addf(&csv, ",total,max\n");
	for (size_t i = 0; i < n; i++) {
		char *tsv_path = path_join(students[i].out_dir, "scores.tsv");
		char *tsv = read_file(tsv_path, 1 << 20, NULL);
		double total = 0;

		free(tsv_path);
		csv_add_field(&csv, students[i].name);
		for (size_t t = 0; t < o->def->ntests; t++) {
			int passed = 0;
			double v = tsv ? read_score(tsv, o->def->tests[t].name, &passed) : -1;
			if (v < 0) {
				strbuf_adds(&csv, ",");
				continue;
			}
			total += v;
			strbuf_addf(&csv, ",%g", v);
			if (passed)
				(*tests_passed)++;
			else
				(*tests_failed)++;
		}
		strbuf_addf(&csv, ",%g,%g\n", total, def_max_score(o->def));
		free(tsv);
	}
	write_text(path, csv.data);
	free(path);
	strbuf_free(&csv);
}

static void show_progress(int tty, size_t done, size_t total, double elapsed, size_t graded, const char *name,
			  const char *what)
{
	if (tty) {
		int width = 30, filled = total ? (int)(width * done / total) : width;
		char eta[32] = "--";
		if (graded && done < total) {
			double left = elapsed / (double)graded * (double)(total - done);
			snprintf(eta, sizeof(eta), "%dm%02ds", (int)left / 60, (int)left % 60);
		}
		fprintf(stderr, "\r[%.*s%*s] %zu/%zu  ETA %-7s %-30.30s", filled, "##############################",
			width - filled, "", done, total, eta, name);
		if (done == total)
			fputc('\n', stderr);
	} else if (what) {
		fprintf(stderr, "ringgrade: [%zu/%zu] %s: %s\n", done, total, name, what);
	}
}

int grade_batch(const struct grade_options *o, const char *dir, const char *out)
{
	size_t n, todo = 0, done = 0, graded = 0, tests_passed = 0, tests_failed = 0, unreadable = 0;
	struct student *students;
	char *base_scratch = NULL, *base = NULL;
	int tty = isatty(2), rc = 0;
	double start = now_seconds();
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ringgrade: --submissions %s: not a folder\n", dir);
		return 2;
	}
	if (make_dirs(out, 0755) < 0) {
		fprintf(stderr, "ringgrade: cannot create --out %s: %s\n", out, strerror(errno));
		return 2;
	}
	students = list_students(dir, out, &n);
	for (size_t i = 0; i < n; i++) {
		students[i].current = is_current(&students[i], o->def->path);
		todo += !students[i].current;
	}
	fprintf(stderr, "ringgrade: %zu submissions in %s, %zu to grade (%zu already current)\n", n, dir, todo,
		n - todo);

	if (todo) {
		struct strbuf err;
		char *log = NULL;

		strbuf_init(&err);
		base_scratch = make_scratch_dir("base");
		if (!base_scratch) {
			fprintf(stderr, "ringgrade: cannot create a scratch folder: %s (set TMPDIR)\n", strerror(errno));
			rc = 2;
			goto out;
		}
		base = path_join(base_scratch, "tree");
		if (copy_tree(o->tree, base, &err) < 0) {
			fprintf(stderr, "ringgrade: %s", err.data);
			strbuf_free(&err);
			rc = 2;
			goto out;
		}
		strbuf_free(&err);
		fprintf(stderr, "ringgrade: building the instructor tree once for the batch\n");
		if (build_tree(o->def, base, 1, &log) != 0) {
			char *digest = build_errors_digest(log);
			fprintf(stderr, "ringgrade: the instructor tree %s does not build; fix it first:\n%s", o->tree,
				digest);
			free(digest);
			free(log);
			rc = 2;
			goto out;
		}
		free(log);
	}

	for (size_t i = 0; i < n && !spawn_was_interrupted(); i++) {
		struct student *s = &students[i];
		struct grade_report report;
		struct strbuf intake;
		char what[96];

		if (s->current) {
			done++;
			show_progress(tty, done, n, now_seconds() - start, graded, s->name, "current, skipped");
			continue;
		}
		show_progress(tty, done, n, now_seconds() - start, graded, s->name, NULL);
		strbuf_init(&intake);
		if (grade_submission(o, base, s->path, &report, &intake) < 0) {
			fprintf(stderr, "ringgrade: %s: %s", s->name, intake.data);
			unreadable++;
		}
		if (spawn_was_interrupted()) {
			/* half-graded: leave no result, so a rerun grades it */
			grade_report_free(&report);
			strbuf_free(&intake);
			break;
		}
		report.preamble = intake.data;
		write_student(s, &report, intake.data);
		done++;
		graded++;
		snprintf(what, sizeof(what), "%g/%g in %.1fs", report_score(&report), report_max_score(&report),
			 report.seconds);
		show_progress(tty, done, n, now_seconds() - start, graded, s->name, what);
		grade_report_free(&report);
		strbuf_free(&intake);
	}
	write_csv(o, students, n, out, &tests_passed, &tests_failed);
	{
		double elapsed = now_seconds() - start;
		printf("graded %zu submissions in %.1fs (%.1f per minute); results in %s, table in %s/grades.csv\n",
		       graded, elapsed, elapsed > 0 ? graded * 60.0 / elapsed : 0.0, out, out);
	}
	if (spawn_was_interrupted()) {
		fprintf(stderr, "ringgrade: interrupted; run the same command again to resume\n");
		rc = 2;
	} else if (unreadable) {
		rc = 1;
	}
	printf("%zu passed, %zu failed\n", tests_passed, tests_failed);
out:
	if (base_scratch) {
		if (o->keep)
			fprintf(stderr, "ringgrade: kept the batch base tree %s\n", base_scratch);
		else
			remove_tree(base_scratch);
	}
	free(base);
	free(base_scratch);
	for (size_t i = 0; i < n; i++) {
		free(students[i].name);
		free(students[i].path);
		free(students[i].out_dir);
	}
	free(students);
	return rc;
}
