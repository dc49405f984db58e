/* Report writers (see report.h). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#define COLOUR_GREEN "\033[32m"
#define COLOUR_RED   "\033[31m"
#define COLOUR_BOLD  "\033[1m"
#define COLOUR_OFF   "\033[0m"

double report_score(const struct grade_report *g)
{
	double sum = 0;

	for (size_t i = 0; i < g->nresults; i++)
		sum += g->results[i].score;
	return sum;
}

double report_max_score(const struct grade_report *g)
{
	double sum = 0;

	for (size_t i = 0; i < g->nresults; i++)
		sum += g->results[i].test->points;
	return sum;
}

size_t report_passed(const struct grade_report *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nresults; i++)
		n += g->results[i].status == STATUS_PASSED;
	return n;
}

char *rerun_command(const struct grade_report *g, const char *test)
{
	if (g->by_lab && g->def->number >= 0)
		return xasprintf("make grade LAB=%d TEST=%s", g->def->number, test);
	return xasprintf("ringgrade --def %s --test %s", g->def_arg, test);
}

char *debug_command(const struct grade_report *g, const struct test_def *t)
{
	struct strbuf sb;
	size_t n, len = strlen(g->def_arg);
	char **words;

	/* make debug TEST=name reads the lab's definition (LAB=n) or the
	 * kernel's, and boots what ringgrade boots for that test. */
	if (g->by_lab && g->def->number >= 0)
		return xasprintf("make debug TEST=%s LAB=%d", t->name, g->def->number);
	if (len >= 19 && !strcmp(g->def_arg + len - 19, "os/tests/kernel.def"))
		return xasprintf("make debug TEST=%s", t->name);

	/* Any other definition: the same boot spelled out. make debug boots
	 * PROG="name args" as init, plus APPEND. */
	words = argv_split(t->run, &n);
	strbuf_init(&sb);
	strbuf_adds(&sb, "make debug");
	if (n) {
		strbuf_addf(&sb, " PROG=%s%s", n > 1 ? "\"" : "", t->run);
		if (n > 1)
			strbuf_adds(&sb, "\"");
	}
	if (t->append[0])
		strbuf_addf(&sb, " APPEND=\"%s\"", t->append);
	argv_free(words);
	return strbuf_detach(&sb);
}

char *replay_command(const struct grade_report *g, const struct test_result *r)
{
	/* make debug TEST=name [LAB=n] REPLAY=1 opens the tree's
	 * build/recordings/labN/NAME (kernel/NAME for the kernel's suite),
	 * where make grade keeps them; any other folder is named. */
	const char *tag_end = r->recording + strlen(r->recording) - strlen(r->test->name);
	char *lab = g->by_lab && g->def->number >= 0 ? xasprintf("lab%d", g->def->number) : xstrdup("kernel");
	char *tail = xasprintf("/build/recordings/%s/", lab);
	size_t tl = strlen(tail);
	char *cmd;

	if (tag_end - r->recording >= (long)tl && !strncmp(tag_end - tl, tail, tl) && !strcmp(tag_end, r->test->name) &&
	    (g->by_lab || (strlen(g->def_arg) >= 19 && !strcmp(g->def_arg + strlen(g->def_arg) - 19, "os/tests/kernel.def"))))
		cmd = g->by_lab ? xasprintf("make debug TEST=%s LAB=%d REPLAY=1", r->test->name, g->def->number)
				: xasprintf("make debug TEST=%s REPLAY=1", r->test->name);
	else
		cmd = xasprintf("make debug REPLAY=%s", r->recording);
	free(lab);
	free(tail);
	return cmd;
}

/* Length of the UTF-8 sequence starting at s, or 0 when it is invalid. */
static size_t utf8_length(const unsigned char *s)
{
	size_t n;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, min = 0x80, cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, min = 0x800, cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, min = 0x10000, cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_add_string(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	strbuf_adds(sb, "\"");
	while (*p) {
		size_t n = utf8_length(p);
		if (n == 0) {
			strbuf_adds(sb, "\\ufffd");
			p++;
			continue;
		}
		if (n > 1) {
			strbuf_add(sb, p, n);
		} else if (*p == '"') {
			strbuf_adds(sb, "\\\"");
		} else if (*p == '\\') {
			strbuf_adds(sb, "\\\\");
		} else if (*p == '\n') {
			strbuf_adds(sb, "\\n");
		} else if (*p == '\t') {
			strbuf_adds(sb, "\\t");
		} else if (*p < 0x20 || *p == 0x7f) {
			strbuf_addf(sb, "\\u%04x", *p);
		} else {
			strbuf_add(sb, p, 1);
		}
		p += n;
	}
	strbuf_adds(sb, "\"");
}

void xml_add_text(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_length(p);
		if (n == 0) {
			strbuf_adds(sb, "?");
			p++;
			continue;
		}
		if (n > 1)
			strbuf_add(sb, p, n);
		else if (*p == '<')
			strbuf_adds(sb, "&lt;");
		else if (*p == '>')
			strbuf_adds(sb, "&gt;");
		else if (*p == '&')
			strbuf_adds(sb, "&amp;");
		else if (*p == '"')
			strbuf_adds(sb, "&quot;");
		else if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
			strbuf_adds(sb, "?");
		else
			strbuf_add(sb, p, 1);
		p += n;
	}
}

void csv_add_field(struct strbuf *sb, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		strbuf_adds(sb, s);
		return;
	}
	strbuf_adds(sb, "\"");
	for (; *s; s++) {
		if (*s == '"')
			strbuf_adds(sb, "\"\"");
		else
			strbuf_add(sb, s, 1);
	}
	strbuf_adds(sb, "\"");
}

/* The text shown for one test: summary, details, hint, and commands. */
static char *test_output(const struct grade_report *g, const struct test_result *r, int with_commands)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "%s: %s\n", status_name(r->status), r->summary);
	if (r->details && r->details[0])
		strbuf_adds(&sb, r->details);
	if (r->status != STATUS_PASSED) {
		if (r->test->hint[0])
			strbuf_addf(&sb, "hint: %s\n", r->test->hint);
		if (with_commands && r->status != STATUS_BUILD_FAILED) {
			char *rerun = rerun_command(g, r->test->name), *debug = debug_command(g, r->test);
			strbuf_addf(&sb, "re-run: %s\ndebug:  %s\n", rerun, debug);
			free(rerun);
			free(debug);
		}
		if (r->recording) {
			char *replay = replay_command(g, r);
			size_t rl = strlen(r->recording);
			/* A packed recording is one file, to be copied anywhere
			 * with the same QEMU version: say where it is first. */
			if (rl > 7 && !strcmp(r->recording + rl - 7, ".tar.gz"))
				strbuf_addf(&sb, "recording: %s (one file: copy it to any machine with the same "
					    "QEMU version)\n", r->recording);
			strbuf_addf(&sb, "replay: %s\n        ringdb --replay %s\n", replay, r->recording);
			if (g->record_note && g->record_note[0])
				strbuf_addf(&sb, "        %s\n", g->record_note);
			free(replay);
		} else if (r->recording_note) {
			strbuf_addf(&sb, "replay: %s\n", r->recording_note);
		}
	}
	return strbuf_detach(&sb);
}

static void indent_lines(FILE *out, const char *text, const char *prefix)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		int n = nl ? (int)(nl - text) : (int)strlen(text);
		fprintf(out, "%s%.*s\n", prefix, n, text);
		text += n + (nl ? 1 : 0);
	}
}

void report_terminal(FILE *out, const struct grade_report *g, int colour, int quiet)
{
	size_t passed = report_passed(g), width = 4;
	int build_failed_shown = 0;

	if (!quiet) {
		if (g->preamble && g->preamble[0]) {
			fputs("submission:\n", out);
			indent_lines(out, g->preamble, "  ");
		}
		for (size_t i = 0; i < g->nresults; i++)
			if (strlen(g->results[i].test->name) > width)
				width = strlen(g->results[i].test->name);
		fprintf(out, "%s%-*s  %9s  %-13s  %6s%s\n", colour ? COLOUR_BOLD : "", (int)width, "TEST", "POINTS",
			"STATUS", "TIME", colour ? COLOUR_OFF : "");
		for (size_t i = 0; i < g->nresults; i++) {
			const struct test_result *r = &g->results[i];
			char points[32];
			snprintf(points, sizeof(points), "%g/%g", r->score, r->test->points);
			fprintf(out, "%-*s  %9s  %s%-13s%s  %5.1fs\n", (int)width, r->test->name, points,
				colour ? (r->status == STATUS_PASSED ? COLOUR_GREEN : COLOUR_RED) : "",
				status_name(r->status), colour ? COLOUR_OFF : "", r->seconds);
		}
		for (size_t i = 0; i < g->nresults; i++) {
			const struct test_result *r = &g->results[i];
			char *text;
			if (r->status == STATUS_PASSED)
				continue;
			if (r->status == STATUS_BUILD_FAILED) {
				/* one build, one error listing */
				if (build_failed_shown++)
					continue;
				fprintf(out, "\n%sbuild failed%s; the compiler said:\n", colour ? COLOUR_RED : "",
					colour ? COLOUR_OFF : "");
				indent_lines(out, r->details, "  ");
				continue;
			}
			text = test_output(g, r, 1);
			fprintf(out, "\n%s%s%s ", colour ? COLOUR_BOLD : "", r->test->name, colour ? COLOUR_OFF : "");
			fputs(text, out);
			free(text);
		}
		fprintf(out, "\nscore: %g/%g in %.1fs\n", report_score(g), report_max_score(g), g->seconds);
	}
	fprintf(out, "%zu passed, %zu failed\n", passed, g->nresults - passed);
	fflush(out);
}

char *report_json(const struct grade_report *g)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "{\n  \"score\": %g,\n  \"max_score\": %g,\n  \"execution_time\": %.0f,\n", report_score(g),
		    report_max_score(g), g->seconds);
	strbuf_adds(&sb, "  \"output\": ");
	{
		char *summary = xasprintf("%s%s%zu of %zu tests passed.", g->preamble ? g->preamble : "",
					  g->preamble && g->preamble[0] ? "\n" : "", report_passed(g), g->nresults);
		json_add_string(&sb, summary);
		free(summary);
	}
	strbuf_adds(&sb, ",\n  \"visibility\": \"visible\",\n  \"stdout_visibility\": \"hidden\",\n  \"tests\": [");
	for (size_t i = 0; i < g->nresults; i++) {
		const struct test_result *r = &g->results[i];
		char *text = test_output(g, r, 0);
		strbuf_adds(&sb, i ? ",\n    {" : "\n    {");
		strbuf_adds(&sb, "\"name\": ");
		json_add_string(&sb, r->test->name);
		strbuf_addf(&sb, ", \"number\": \"%zu\", \"score\": %g, \"max_score\": %g, \"status\": \"%s\", ", i + 1,
			    r->score, r->test->points, r->status == STATUS_PASSED ? "passed" : "failed");
		strbuf_addf(&sb, "\"visibility\": \"%s\", \"output\": ", visibility_name(r->test->visibility));
		json_add_string(&sb, text);
		strbuf_adds(&sb, "}");
		free(text);
	}
	strbuf_adds(&sb, "\n  ]\n}\n");
	return strbuf_detach(&sb);
}

char *report_junit(const struct grade_report *g, const char *suite_name)
{
	struct strbuf sb;
	size_t failures = g->nresults - report_passed(g);

	strbuf_init(&sb);
	strbuf_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"");
	xml_add_text(&sb, suite_name);
	strbuf_addf(&sb, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n", g->nresults,
		    failures, g->seconds);
	for (size_t i = 0; i < g->nresults; i++) {
		const struct test_result *r = &g->results[i];
		strbuf_adds(&sb, "    <testcase classname=\"");
		xml_add_text(&sb, suite_name);
		strbuf_adds(&sb, "\" name=\"");
		xml_add_text(&sb, r->test->name);
		strbuf_addf(&sb, "\" time=\"%.3f\">\n", r->seconds);
		if (r->status != STATUS_PASSED) {
			char *text = test_output(g, r, 1);
			strbuf_adds(&sb, "      <failure type=\"");
			xml_add_text(&sb, status_name(r->status));
			strbuf_adds(&sb, "\" message=\"");
			xml_add_text(&sb, r->summary);
			strbuf_adds(&sb, "\">");
			xml_add_text(&sb, text);
			strbuf_adds(&sb, "</failure>\n");
			free(text);
		}
		if (r->console && r->console[0]) {
			strbuf_adds(&sb, "      <system-out>");
			xml_add_text(&sb, r->console);
			strbuf_adds(&sb, "</system-out>\n");
		}
		strbuf_adds(&sb, "    </testcase>\n");
	}
	strbuf_adds(&sb, "  </testsuite>\n</testsuites>\n");
	return strbuf_detach(&sb);
}
