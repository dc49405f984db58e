/* The class's outputs and the merging of slices (see class.h). */
#include "class.h"
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCORES_MAX (1 << 20)
#define MANIFEST_MAX (64 << 20)
#define MANIFEST_HEADER "ringgrade batch 1"

/* One row of a student's scores.tsv: TEST \t SCORE \t STATUS [\t SUMMARY]. */
struct row {
	int present;
	double score;
	int passed;
	char status[32];
	char *summary;
};

/* rows[t] for each test of def, from one scores.tsv; 0 when it was read,
 * -1 when there is none. */
static int read_rows(const struct lab_def *def, const char *dir, struct row *rows)
{
	char *path = path_join(dir, "scores.tsv");
	char *text = read_file(path, SCORES_MAX, NULL);

	free(path);
	memset(rows, 0, def->ntests * sizeof(*rows));
	if (!text)
		return -1;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n'), *f[4] = { line, NULL, NULL, NULL };
		int nf = 1;
		if (nl)
			*nl = '\0';
		for (char *p = line; *p && nf < 4; p++)
			if (*p == '\t') {
				*p = '\0';
				f[nf++] = p + 1;
			}
		if (nf >= 3) {
			const struct test_def *t = def_find_test(def, f[0]);
			if (t) {
				struct row *r = &rows[t - def->tests];
				free(r->summary);
				r->present = 1;
				r->score = strtod(f[1], NULL);
				r->passed = !strcmp(f[2], "passed");
				snprintf(r->status, sizeof(r->status), "%s", f[2]);
				r->summary = xstrdup(nf == 4 ? f[3] : "");
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return 0;
}

static void free_rows(const struct lab_def *def, struct row *rows)
{
	for (size_t t = 0; t < def->ntests; t++)
		free(rows[t].summary);
}

static int write_out(const char *out, const char *name, const char *text)
{
	char *path = path_join(out, name);
	int rc = write_file(path, text, strlen(text));

	if (rc < 0)
		fprintf(stderr, "ringgrade: cannot write %s: %s\n", path, strerror(errno));
	free(path);
	return rc;
}

static void html_text(struct strbuf *sb, const char *s)
{
	xml_add_text(sb, s);
}

struct test_rate {
	size_t index, passed, graded;
};

static int compare_rates(const void *a, const void *b)
{
	const struct test_rate *x = a, *y = b;
	/* worst first: compare passed/graded without division */
	double rx = x->graded ? (double)x->passed / (double)x->graded : 2.0;
	double ry = y->graded ? (double)y->passed / (double)y->graded : 2.0;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static const char html_style[] =
	"body{font-family:sans-serif;margin:2em;color:#222;max-width:70em}"
	"h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em}"
	"table{border-collapse:collapse}td,th{padding:.25em .6em;text-align:left;vertical-align:top}"
	"tr+tr td{border-top:1px solid #ddd}th{border-bottom:2px solid #999}"
	".num{text-align:right;white-space:nowrap}.track{width:16em;background:#eee}"
	".bar{height:1em;background:#3b7dd8}.bad .bar{background:#d9534f}.mid .bar{background:#e0a030}"
	".hint{color:#444;font-size:.92em}.summary{font-size:1.05em}";

static char *class_html(const struct lab_def *def, const struct class_member *members, size_t n,
			struct row **rows, const int *graded)
{
	struct strbuf sb;
	double max = def_max_score(def), *totals = xcalloc(n + 1, sizeof(double)), sum = 0;
	size_t bins[11] = { 0 }, ngraded = 0, full = 0, biggest = 0, nbuild = 0, nmissing = 0;
	struct test_rate *rates = xcalloc(def->ntests + 1, sizeof(*rates));
	char *title = def->number >= 0 ? xasprintf("Lab %d%s%s", def->number, def->title[0] ? ": " : "", def->title)
				       : xstrdup(def->path);

	for (size_t i = 0; i < n; i++) {
		int build_failed = 0;
		if (!graded[i]) {
			nmissing++;
			continue;
		}
		ngraded++;
		for (size_t t = 0; t < def->ntests; t++) {
			if (!rows[i][t].present)
				continue;
			totals[i] += rows[i][t].score;
			build_failed |= !strcmp(rows[i][t].status, "build failed");
		}
		nbuild += build_failed;
		sum += totals[i];
		full += max > 0 && totals[i] >= max;
		bins[max > 0 && totals[i] >= max ? 10 : max > 0 ? (size_t)(totals[i] / max * 10) % 10 : 0]++;
	}
	for (size_t b = 0; b < 11; b++)
		if (bins[b] > biggest)
			biggest = bins[b];
	for (size_t t = 0; t < def->ntests; t++) {
		rates[t].index = t;
		for (size_t i = 0; i < n; i++)
			if (graded[i] && rows[i][t].present) {
				rates[t].graded++;
				rates[t].passed += rows[i][t].passed;
			}
	}
	qsort(rates, def->ntests, sizeof(*rates), compare_rates);

	strbuf_init(&sb);
	strbuf_adds(&sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	html_text(&sb, title);
	strbuf_addf(&sb, ": class report</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", html_style);
	html_text(&sb, title);
	strbuf_adds(&sb, ": class report</h1>\n<p class=\"summary\">");
	strbuf_addf(&sb, "%zu submission%s graded", ngraded, ngraded == 1 ? "" : "s");
	if (ngraded)
		strbuf_addf(&sb, "; mean score %.1f of %g; %zu with full marks; %zu failed to build", sum / (double)ngraded,
			    max, full, nbuild);
	if (nmissing)
		strbuf_addf(&sb, "; %zu not graded (listed below)", nmissing);
	strbuf_adds(&sb, ".</p>\n");

	strbuf_adds(&sb, "<h2>Scores</h2>\n<table class=\"hist\">\n<tr><th>score</th><th></th><th class=\"num\">students</th></tr>\n");
	for (size_t b = 11; b-- > 0;) {
		int width = biggest ? (int)(100 * bins[b] / biggest) : 0;
		if (b == 10)
			strbuf_addf(&sb, "<tr><td class=\"num\">%g (full)</td>", max);
		else
			strbuf_addf(&sb, "<tr><td class=\"num\">%g&ndash;%g</td>", max * (double)b / 10, max * (double)(b + 1) / 10);
		strbuf_addf(&sb, "<td class=\"track\"><div class=\"bar\" style=\"width:%d%%\"></div></td><td class=\"num\">%zu</td></tr>\n",
			    width, bins[b]);
	}
	strbuf_adds(&sb, "</table>\n");

	strbuf_adds(&sb, "<h2>Tests, worst first</h2>\n<table class=\"tests\">\n<tr><th>test</th><th class=\"num\">points</th>"
		    "<th class=\"num\">passed</th><th></th><th>hint</th></tr>\n");
	for (size_t r = 0; r < def->ntests; r++) {
		const struct test_def *t = &def->tests[rates[r].index];
		int pct = rates[r].graded ? (int)(100 * rates[r].passed / rates[r].graded) : 0;
		strbuf_addf(&sb, "<tr class=\"%s\"><td>", pct < 50 ? "bad" : pct < 90 ? "mid" : "good");
		html_text(&sb, t->name);
		strbuf_addf(&sb, "</td><td class=\"num\">%g</td><td class=\"num\">%zu/%zu (%d%%)</td>", t->points,
			    rates[r].passed, rates[r].graded, pct);
		strbuf_addf(&sb, "<td class=\"track\"><div class=\"bar\" style=\"width:%d%%\"></div></td><td class=\"hint\">", pct);
		html_text(&sb, t->hint);
		strbuf_adds(&sb, "</td></tr>\n");
	}
	strbuf_adds(&sb, "</table>\n");

	strbuf_adds(&sb, "<h2>Submissions that failed to build</h2>\n");
	if (!nbuild) {
		strbuf_adds(&sb, "<p>None.</p>\n");
	} else {
		strbuf_adds(&sb, "<ul>\n");
		for (size_t i = 0; i < n; i++) {
			int build_failed = 0;
			for (size_t t = 0; graded[i] && t < def->ntests; t++)
				build_failed |= rows[i][t].present && !strcmp(rows[i][t].status, "build failed");
			if (!build_failed)
				continue;
			strbuf_adds(&sb, "<li><a href=\"");
			html_text(&sb, members[i].name);
			strbuf_adds(&sb, "/log.txt\">");
			html_text(&sb, members[i].name);
			strbuf_adds(&sb, "</a></li>\n");
		}
		strbuf_adds(&sb, "</ul>\n");
	}
	if (nmissing) {
		strbuf_adds(&sb, "<h2>Not graded</h2>\n<p>No results yet (an interrupted batch: run it again).</p>\n<ul>\n");
		for (size_t i = 0; i < n; i++) {
			if (graded[i])
				continue;
			strbuf_adds(&sb, "<li>");
			html_text(&sb, members[i].name);
			strbuf_adds(&sb, "</li>\n");
		}
		strbuf_adds(&sb, "</ul>\n");
	}
	strbuf_adds(&sb, "</body>\n</html>\n");
	free(rates);
	free(totals);
	free(title);
	return strbuf_detach(&sb);
}

static char *class_junit(const struct lab_def *def, const struct class_member *members, size_t n, struct row **rows,
			 const int *graded)
{
	struct strbuf sb;
	size_t tests = 0, failures = 0, errors = 0;
	char *name = def->number >= 0 ? xasprintf("lab%d", def->number) : xstrdup(def->path);

	for (size_t i = 0; i < n; i++) {
		if (!graded[i]) {
			tests++;
			errors++;
			continue;
		}
		for (size_t t = 0; t < def->ntests; t++)
			if (rows[i][t].present) {
				tests++;
				failures += !rows[i][t].passed;
			}
	}
	strbuf_init(&sb);
	strbuf_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	xml_add_text(&sb, name);
	strbuf_addf(&sb, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", tests, failures, errors);
	for (size_t i = 0; i < n; i++) {
		size_t mt = 0, mf = 0;
		for (size_t t = 0; graded[i] && t < def->ntests; t++)
			if (rows[i][t].present) {
				mt++;
				mf += !rows[i][t].passed;
			}
		strbuf_adds(&sb, "  <testsuite name=\"");
		xml_add_text(&sb, members[i].name);
		strbuf_addf(&sb, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"0\">\n", graded[i] ? mt : 1, mf,
			    !graded[i]);
		if (!graded[i]) {
			strbuf_adds(&sb, "    <testcase classname=\"");
			xml_add_text(&sb, members[i].name);
			strbuf_adds(&sb, "\" name=\"results\">\n      <error message=\"no results: not graded\"/>\n    </testcase>\n");
		}
		for (size_t t = 0; graded[i] && t < def->ntests; t++) {
			const struct row *r = &rows[i][t];
			if (!r->present)
				continue;
			strbuf_adds(&sb, "    <testcase classname=\"");
			xml_add_text(&sb, members[i].name);
			strbuf_adds(&sb, "\" name=\"");
			xml_add_text(&sb, def->tests[t].name);
			if (r->passed) {
				strbuf_adds(&sb, "\"/>\n");
				continue;
			}
			strbuf_adds(&sb, "\">\n      <failure type=\"");
			xml_add_text(&sb, r->status);
			strbuf_adds(&sb, "\" message=\"");
			xml_add_text(&sb, r->summary);
			strbuf_addf(&sb, "\">%g of %g points</failure>\n    </testcase>\n", r->score, def->tests[t].points);
		}
		strbuf_adds(&sb, "  </testsuite>\n");
	}
	strbuf_adds(&sb, "</testsuites>\n");
	free(name);
	return strbuf_detach(&sb);
}

int class_outputs(const struct lab_def *def, const struct class_member *members, size_t n, const char *out,
		  size_t *tests_passed, size_t *tests_failed)
{
	struct row **rows = xcalloc(n + 1, sizeof(*rows));
	int *graded = xcalloc(n + 1, sizeof(*graded)), rc = 0;
	struct strbuf csv;
	char *text;

	strbuf_init(&csv);
	strbuf_adds(&csv, "student");
	for (size_t t = 0; t < def->ntests; t++) {
		strbuf_adds(&csv, ",");
		csv_add_field(&csv, def->tests[t].name);
	}
	strbuf_adds(&csv, ",total,max\n");
	for (size_t i = 0; i < n; i++) {
		double total = 0;
		rows[i] = xcalloc(def->ntests + 1, sizeof(**rows));
		graded[i] = read_rows(def, members[i].dir, rows[i]) == 0;
		csv_add_field(&csv, members[i].name);
		for (size_t t = 0; t < def->ntests; t++) {
			const struct row *r = &rows[i][t];
			if (!r->present) {
				strbuf_adds(&csv, ",");
				continue;
			}
			total += r->score;
			strbuf_addf(&csv, ",%g", r->score);
			if (r->passed)
				(*tests_passed)++;
			else
				(*tests_failed)++;
		}
		strbuf_addf(&csv, ",%g,%g\n", total, def_max_score(def));
	}
	rc |= write_out(out, "grades.csv", csv.data);
	strbuf_free(&csv);
	text = class_junit(def, members, n, rows, graded);
	rc |= write_out(out, "junit.xml", text);
	free(text);
	text = class_html(def, members, n, rows, graded);
	rc |= write_out(out, "report.html", text);
	free(text);
	for (size_t i = 0; i < n; i++) {
		free_rows(def, rows[i]);
		free(rows[i]);
	}
	free(rows);
	free(graded);
	return rc ? -1 : 0;
}

/* --- slices ---------------------------------------------------------------- */

static uint64_t fnv1a(const char *s, size_t len, uint64_t h)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

unsigned shard_of(const char *student, unsigned nshards)
{
	return nshards ? (unsigned)(fnv1a(student, strlen(student), 14695981039346656037ULL) % nshards) + 1 : 1;
}

int parse_shard(const char *text, unsigned *k, unsigned *n, char *err, size_t errlen)
{
	char *end;
	long a, b;

	a = strtol(text, &end, 10);
	if (end == text || *end != '/' || a < 1) {
		snprintf(err, errlen, "--shard takes K/N, slice K of N (e.g. 2/8), not '%s'", text);
		return -1;
	}
	text = end + 1;
	b = strtol(text, &end, 10);
	if (end == text || *end || b < 1 || b > 10000) {
		snprintf(err, errlen, "--shard K/N: N must be a number from 1 to 10000, not '%s'", text);
		return -1;
	}
	if (a > b) {
		snprintf(err, errlen, "--shard %ld/%ld: K counts from 1 to N", a, b);
		return -1;
	}
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

uint64_t def_fingerprint(const struct lab_def *def)
{
	size_t len = 0;
	char *text = read_file(def->path, 1 << 20, &len);
	uint64_t h = text ? fnv1a(text, len, 14695981039346656037ULL) : 0;

	free(text);
	return h;
}

char *batch_manifest(const struct lab_def *def, unsigned k, unsigned n, char *const *listed, size_t nlisted)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, MANIFEST_HEADER "\ndefinition\t%016llx\t%s\nshard\t%u\t%u\n",
		    (unsigned long long)def_fingerprint(def), def->path, k, n);
	for (size_t i = 0; i < nlisted; i++)
		strbuf_addf(&sb, "%s\t%s\n", shard_of(listed[i], n) == k ? "graded" : "listed", listed[i]);
	return strbuf_detach(&sb);
}

/* A slice's manifest, parsed. */
struct slice {
	const char *dir;
	char fingerprint[17];
	unsigned k, n;
	char **names;        /* every student its folder listed */
	unsigned char *mine; /* names[i] was graded by this slice */
	size_t nnames;
};

static int read_slice(const char *dir, struct slice *s)
{
	char *path = path_join(dir, "batch.tsv"), *text, *line;
	size_t cap = 0;
	int lineno = 0;
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->dir = dir;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ringgrade: --merge %s: not a folder\n", dir);
		free(path);
		return -1;
	}
	text = read_file(path, MANIFEST_MAX, NULL);
	if (!text) {
		fprintf(stderr, "ringgrade: --merge %s: no batch.tsv (%s): is it the --out folder of a batch?\n", dir,
			strerror(errno));
		free(path);
		return -1;
	}
	for (line = text; line && *line;) {
		char *nl = strchr(line, '\n'), *tab;
		if (nl)
			*nl = '\0';
		lineno++;
		tab = strchr(line, '\t');
		if (lineno == 1) {
			if (strcmp(line, MANIFEST_HEADER))
				goto bad;
		} else if (tab && !strncmp(line, "definition\t", 11)) {
			if (strlen(tab + 1) < 16 || (tab[17] != '\t' && tab[17] != '\0'))
				goto bad;
			memcpy(s->fingerprint, tab + 1, 16);
		} else if (tab && !strncmp(line, "shard\t", 6)) {
			char *end;
			s->k = (unsigned)strtoul(tab + 1, &end, 10);
			if (*end != '\t')
				goto bad;
			s->n = (unsigned)strtoul(end + 1, &end, 10);
			if (*end || !s->k || s->k > s->n)
				goto bad;
		} else if (tab && (!strncmp(line, "graded\t", 7) || !strncmp(line, "listed\t", 7)) && tab[1]) {
			if (s->nnames == cap) {
				cap = cap ? 2 * cap : 64;
				s->names = xrealloc(s->names, cap * sizeof(*s->names));
				s->mine = xrealloc(s->mine, cap);
			}
			/* names come sorted, each once: a merge compares them in order */
			if (s->nnames && strcmp(s->names[s->nnames - 1], tab + 1) >= 0)
				goto bad;
			s->mine[s->nnames] = line[0] == 'g';
			s->names[s->nnames++] = xstrdup(tab + 1);
		} else {
			goto bad;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	free(path);
	if (!s->n || !s->fingerprint[0]) {
		fprintf(stderr, "ringgrade: --merge %s: batch.tsv has no definition or shard line\n", dir);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "ringgrade: --merge %s: batch.tsv line %d is malformed\n", dir, lineno);
	free(text);
	free(path);
	return -1;
}

static void free_slice(struct slice *s)
{
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->mine);
}

static int copy_small_file(const char *from_dir, const char *to_dir, const char *name)
{
	char *from = path_join(from_dir, name), *to = path_join(to_dir, name);
	size_t len = 0;
	char *text = read_file(from, 64 << 20, &len);
	int rc = text ? write_file(to, text, len) : (errno == ENOENT ? 0 : -1);

	if (rc < 0)
		fprintf(stderr, "ringgrade: cannot copy %s to %s: %s\n", from, to, strerror(errno));
	free(text);
	free(from);
	free(to);
	return rc;
}

int grade_merge(const struct lab_def *def, char *const *dirs, size_t ndirs, const char *out)
{
	struct slice *slices = xcalloc(ndirs, sizeof(*slices));
	struct class_member *members = NULL;
	size_t nmembers = 0, loaded = 0, passed = 0, failed = 0;
	char fingerprint[17];
	int rc = 2;

	snprintf(fingerprint, sizeof(fingerprint), "%016llx", (unsigned long long)def_fingerprint(def));
	for (; loaded < ndirs; loaded++)
		if (read_slice(dirs[loaded], &slices[loaded]) < 0)
			goto out;
	for (size_t i = 0; i < ndirs; i++) {
		struct slice *s = &slices[i];
		if (strcmp(s->fingerprint, fingerprint)) {
			fprintf(stderr, "ringgrade: --merge %s: graded with another version of %s (fingerprint %s, this "
				"one %s)\n", s->dir, def->path, s->fingerprint, fingerprint);
			goto out;
		}
		if (s->n != slices[0].n) {
			fprintf(stderr, "ringgrade: --merge: %s is slice %u/%u but %s is slice %u/%u: one --shard N for all\n",
				s->dir, s->k, s->n, slices[0].dir, slices[0].k, slices[0].n);
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (slices[j].k == s->k) {
				fprintf(stderr, "ringgrade: --merge: %s and %s are both slice %u/%u\n", slices[j].dir, s->dir,
					s->k, s->n);
				goto out;
			}
	}
	if (ndirs != slices[0].n) {
		fprintf(stderr, "ringgrade: --merge: %zu slice folder(s) given, but the batch has %u slices; missing:",
			ndirs, slices[0].n);
		for (unsigned k = 1; k <= slices[0].n; k++) {
			int found = 0;
			for (size_t i = 0; i < ndirs; i++)
				found |= slices[i].k == k;
			if (!found)
				fprintf(stderr, " %u/%u", k, slices[0].n);
		}
		fputc('\n', stderr);
		goto out;
	}
	/* Every slice must have seen the same folder, and graded each
	 * student of it in exactly one slice. */
	for (size_t i = 1; i < ndirs; i++) {
		int same = slices[i].nnames == slices[0].nnames;
		for (size_t a = 0; same && a < slices[0].nnames; a++)
			same = !strcmp(slices[i].names[a], slices[0].names[a]);
		if (!same) {
			fprintf(stderr, "ringgrade: --merge: %s and %s saw different submissions folders (%zu and %zu "
				"entries): grade every slice from the same, complete folder\n", slices[0].dir, slices[i].dir,
				slices[0].nnames, slices[i].nnames);
			goto out;
		}
	}
	members = xcalloc(slices[0].nnames + 1, sizeof(*members));
	for (size_t a = 0; a < slices[0].nnames; a++) {
		size_t owners = 0, owner = 0;
		for (size_t i = 0; i < ndirs; i++)
			if (slices[i].mine[a]) {
				owners++;
				owner = i;
			}
		if (owners != 1) {
			fprintf(stderr, "ringgrade: --merge: %s is graded by %zu slices, not one: a batch.tsv was edited "
				"or made by another ringgrade\n", slices[0].names[a], owners);
			goto out;
		}
		{
			char *dir = path_join(slices[owner].dir, slices[0].names[a]), *scores = path_join(dir, "scores.tsv");
			int ok = access(scores, R_OK) == 0;
			free(scores);
			if (!ok) {
				fprintf(stderr, "ringgrade: --merge: %s: no results in %s (slice %u/%u was interrupted? run "
					"it again, it resumes)\n", slices[0].names[a], slices[owner].dir, slices[owner].k,
					slices[owner].n);
				free(dir);
				goto out;
			}
			members[nmembers].name = xstrdup(slices[0].names[a]);
			members[nmembers].dir = dir;
			nmembers++;
		}
	}
	if (make_dirs(out, 0755) < 0) {
		fprintf(stderr, "ringgrade: cannot create --out %s: %s\n", out, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < nmembers; i++) {
		char *to = path_join(out, members[i].name);
		static const char *const files[] = { "results.json", "log.txt", "scores.tsv" };
		if (make_dirs(to, 0755) < 0) {
			fprintf(stderr, "ringgrade: cannot create %s: %s\n", to, strerror(errno));
			free(to);
			goto out;
		}
		for (size_t f = 0; f < 3; f++)
			if (copy_small_file(members[i].dir, to, files[f]) < 0) {
				free(to);
				goto out;
			}
		free(members[i].dir);
		members[i].dir = to;
	}
	if (class_outputs(def, members, nmembers, out, &passed, &failed) < 0)
		goto out;
	printf("merged %zu slices: %zu submissions; table in %s/grades.csv, report in %s/report.html\n", ndirs,
	       nmembers, out, out);
	printf("%zu passed, %zu failed\n", passed, failed);
	rc = 0;
out:
	for (size_t i = 0; i <= loaded && i < ndirs; i++)
		free_slice(&slices[i]);
	free(slices);
	for (size_t i = 0; i < nmembers; i++) {
		free(members[i].name);
		free(members[i].dir);
	}
	free(members);
	return rc;
}
