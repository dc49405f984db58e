/* Batch grading: every entry of a folder is one student's submission.
 * The instructor tree is copied and built once. Each student gets a thin
 * tree over that built base when the definition allows it ({reuse}: only
 * the student's files are compiled, then linked with the base's objects),
 * else a copy of the built base, so make compiles only the student's files.
 * Several students are graded at once (-j). Results are written per student
 * as they finish, so an interrupted batch resumes where it stopped, and one
 * broken submission never stops the others. --shard K/N grades one slice
 * of the folder; batch.tsv says which, for --merge (class.h). */
#include "class.h"
#include "grade.h"
#include "reuse.h"
#include "run.h"
#include "sandbox.h"
#include "spawn.h"
#include "submit.h"

#include <pthread.h>
#include <stdatomic.h>

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
	int mine;         /* in this batch's slice (--shard) */
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
		list[*n].mine = 1;
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
	for (size_t i = 0; i < report->nresults; i++) {
		/* TEST, SCORE, STATUS, SUMMARY: class.c reads them back */
		const char *summary = report->results[i].summary ? report->results[i].summary : "";
		strbuf_addf(&scores, "%s\t%g\t%s\t", report->results[i].test->name, report->results[i].score,
			    status_name(report->results[i].status));
		for (const char *c = summary; *c; c++)
			strbuf_add(&scores, *c == '\t' || *c == '\n' || *c == '\r' ? " " : c, 1);
		strbuf_adds(&scores, "\n");
	}
	path = path_join(s->out_dir, "scores.tsv");
	write_text(path, scores.data);
	free(path);
	strbuf_free(&scores);
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

struct batch {
	const struct grade_options *o;    /* per student: jobs already divided */
	struct student *students;
	size_t n, total;
	const char *base;
	atomic_size_t next;
	pthread_mutex_t lock;             /* the counters and stderr below */
	size_t done, graded, unreadable;
	int tty;
	double start;
};

static void *batch_worker(void *arg)
{
	struct batch *b = arg;

	while (!spawn_was_interrupted()) {
		size_t i = atomic_fetch_add(&b->next, 1);
		struct student *s;
		struct grade_report report;
		struct strbuf intake;
		char what[96];
		int trouble;

		if (i >= b->n)
			break;
		s = &b->students[i];
		if (!s->mine || s->current)
			continue;
		strbuf_init(&intake);
		{
			/* Recordings of failures: DIR/STUDENT/NAME/. */
			struct grade_options mine = *b->o;
			char *rec = b->o->record_dir ? path_join(b->o->record_dir, s->name) : NULL;
			mine.record_dir = rec;
			trouble = grade_submission(&mine, b->base, s->path, &report, &intake) < 0;
			free(rec);
		}
		if (spawn_was_interrupted()) {
			/* half-graded: leave no result, so a rerun grades it */
			grade_report_free(&report);
			strbuf_free(&intake);
			break;
		}
		report.preamble = intake.data;
		write_student(s, &report, intake.data);
		snprintf(what, sizeof(what), "%g/%g in %.1fs", report_score(&report), report_max_score(&report),
			 report.seconds);
		pthread_mutex_lock(&b->lock);
		if (trouble) {
			fprintf(stderr, "ringgrade: %s: %s", s->name, intake.data);
			b->unreadable++;
		}
		b->done++;
		b->graded++;
		show_progress(b->tty, b->done, b->total, now_seconds() - b->start, b->graded, s->name, what);
		pthread_mutex_unlock(&b->lock);
		grade_report_free(&report);
		strbuf_free(&intake);
	}
	return NULL;
}

int grade_batch(const struct grade_options *o, const char *dir, const char *out)
{
	size_t n, todo = 0, mine = 0, tests_passed = 0, tests_failed = 0;
	struct student *students;
	char *base_scratch = NULL, *base = NULL;
	int rc = 0;
	struct stat st;
	struct batch b = { .tty = isatty(2), .start = now_seconds() };
	struct grade_options per_student = *o;
	unsigned shard_k = o->shard_k ? o->shard_k : 1, shard_n = o->shard_n ? o->shard_n : 1;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ringgrade: --submissions %s: not a folder\n", dir);
		return 2;
	}
	students = list_students(dir, out, &n);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(students[i].name, students[i - 1].name)) {
			/* alice.zip and alice/ would share one result folder */
			fprintf(stderr, "ringgrade: --submissions %s: two entries are student '%s' (an archive and a "
				"folder, or two archives); keep one\n", dir, students[i].name);
			rc = 2;
			goto out;
		}
	if (make_dirs(out, 0755) < 0) {
		fprintf(stderr, "ringgrade: cannot create --out %s: %s\n", out, strerror(errno));
		rc = 2;
		goto out;
	}
	{
		char **names = xcalloc(n + 1, sizeof(*names));
		char *manifest, *path = path_join(out, "batch.tsv");
		for (size_t i = 0; i < n; i++)
			names[i] = students[i].name;
		manifest = batch_manifest(o->def, shard_k, shard_n, names, n);
		if (write_file(path, manifest, strlen(manifest)) < 0) {
			fprintf(stderr, "ringgrade: cannot write %s: %s\n", path, strerror(errno));
			rc = 2;
		}
		free(manifest);
		free(path);
		free(names);
		if (rc)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		students[i].mine = shard_of(students[i].name, shard_n) == shard_k;
		if (!students[i].mine)
			continue;
		mine++;
		students[i].current = is_current(&students[i], o->def->path);
		todo += !students[i].current;
	}
	if (shard_n > 1)
		fprintf(stderr, "ringgrade: %zu submissions in %s; slice %u/%u has %zu, %zu to grade (%zu already current)\n",
			n, dir, shard_k, shard_n, mine, todo, mine - todo);
	else
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
		if (def_can_reuse(o->def) && sandbox_enabled() && geteuid() == 0 &&
		    base_readable(base_scratch, base) < 0) {
			fprintf(stderr, "ringgrade: cannot make the base tree %s readable to the sandbox: %s\n", base,
				strerror(errno));
			rc = 2;
			goto out;
		}
	}

	/* Students in parallel, each with its share of -j for its tests. */
	{
		/* A student's build and boots mostly wait (the sandbox's and
		 * QEMU's start, the guest's idle timer): measured on 2 cores
		 * under the same load, 4N students with 2 boots each at a time
		 * graded 1.5x as many a minute as 2N, and 2N twice as many as
		 * N students with one. -j 1 stays one thing at a time. */
		size_t workers = o->jobs > 1 ? 4 * (size_t)o->jobs : 1, started = 0;
		pthread_t *threads;

		if (workers > todo)
			workers = todo ? todo : 1;
		per_student.jobs = o->jobs > 1 ? 2 : 1;
		if (def_can_reuse(o->def))
			per_student.reuse = base;
		b.o = &per_student;
		b.students = students;
		b.n = n;
		b.total = mine;
		b.base = base;
		atomic_init(&b.next, 0);
		pthread_mutex_init(&b.lock, NULL);
		for (size_t i = 0; i < n; i++)
			if (students[i].mine && students[i].current) {
				b.done++;
				show_progress(b.tty, b.done, b.total, now_seconds() - b.start, 0, students[i].name,
					      "current, skipped");
			}
		threads = xcalloc(workers, sizeof(*threads));
		for (size_t i = 0; i < workers && todo; i++)
			if (pthread_create(&threads[i], NULL, batch_worker, &b) == 0)
				started++;
		if (todo && !started)
			batch_worker(&b);
		for (size_t i = 0; i < started; i++)
			pthread_join(threads[i], NULL);
		free(threads);
		pthread_mutex_destroy(&b.lock);
	}
	{
		struct class_member *members = xcalloc(mine + 1, sizeof(*members));
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (students[i].mine) {
				members[m].name = students[i].name;
				members[m].dir = students[i].out_dir;
				m++;
			}
		if (class_outputs(o->def, members, m, out, &tests_passed, &tests_failed) < 0)
			rc = 2;
		free(members);
	}
	{
		double elapsed = now_seconds() - b.start;
		printf("graded %zu submissions in %.1fs (%.1f per minute); results in %s, table in %s/grades.csv, "
		       "report in %s/report.html\n",
		       b.graded, elapsed, elapsed > 0 ? (double)b.graded * 60.0 / elapsed : 0.0, out, out, out);
	}
	if (spawn_was_interrupted()) {
		fprintf(stderr, "ringgrade: interrupted; run the same command again to resume\n");
		rc = 2;
	} else if (b.unreadable && !rc) {
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
