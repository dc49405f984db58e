/* KTAP parser: see ktap.h for the format and the nonce rule. */
#include "ktap.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Leading blanks to depth: KTAP indents each level by four spaces; a tab
 * counts as one level. */
static int indent_depth(const char **line)
{
	int columns = 0;
	const char *s = *line;

	for (; *s == ' ' || *s == '\t'; s++)
		columns += *s == '\t' ? 4 : 1;
	*line = s;
	return columns / 4;
}

/* Drop a trailing " nonce=HEX" token. Returns 1 when it was this run's
 * nonce, 0 when there was none, -1 when it was a different one. */
static int strip_nonce(char *s, const char *nonce)
{
	size_t len = strlen(s);
	char *last;

	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	last = s + len;
	while (last > s && !isspace((unsigned char)last[-1]))
		last--;
	if (strncmp(last, "nonce=", 6))
		return 0;
	{
		int match = nonce && !strcmp(last + 6, nonce);
		while (last > s && isspace((unsigned char)last[-1]))
			last--;
		*last = '\0';
		return match ? 1 : -1;
	}
}

/* "ok 3 name # SKIP reason" / "not ok 3 name": fill c, return 0; -1 when
 * the text is not a result line. */
static int parse_result(char *s, struct ktap_case *c)
{
	char *end, *hash;
	long number;

	if (!strncmp(s, "ok ", 3)) {
		c->result = KTAP_OK;
		s += 3;
	} else if (!strncmp(s, "not ok ", 7)) {
		c->result = KTAP_NOT_OK;
		s += 7;
	} else {
		return -1;
	}
	number = strtol(s, &end, 10);
	if (end == s || number < 0 || number > 1000000)
		return -1;
	c->number = (int)number;
	s = end;
	while (*s == ' ' || *s == '-')  /* TAP allows "ok 1 - name" */
		s++;
	c->directive = NULL;
	hash = strstr(s, " # ");
	if (hash) {
		c->directive = xstrdup(hash + 3);
		*hash = '\0';
	} else if (s[0] == '#' && s[1] == ' ') {
		c->directive = xstrdup(s + 2);
		*s = '\0';
	} else {
		c->directive = xstrdup("");
	}
	if (!strncasecmp(c->directive, "SKIP", 4) && c->result == KTAP_OK)
		c->result = KTAP_SKIP;
	{
		size_t len = strlen(s);
		while (len && isspace((unsigned char)s[len - 1]))
			s[--len] = '\0';
	}
	c->name = xstrdup(s);
	return 0;
}

static int parse_plan(const char *s, int *count)
{
	char *end;
	long n;

	if (strncmp(s, "1..", 3))
		return -1;
	n = strtol(s + 3, &end, 10);
	if (end == s + 3 || n < 0 || n > 1000000)
		return -1;
	while (*end == ' ')
		end++;
	if (*end && *end != '#')
		return -1;
	*count = (int)n;
	return 0;
}

void ktap_parse(const char *text, size_t len, const char *nonce, struct ktap_report *out)
{
	struct strbuf pending;  /* diagnostics waiting for the next result */
	struct strbuf warned;   /* kernel warnings waiting for the next result */
	size_t cap = 0;
	const char *cursor = text, *limit = text + len;

	memset(out, 0, sizeof(*out));
	out->plan = -1;
	strbuf_init(&pending);
	strbuf_init(&warned);
	while (cursor < limit) {
		const char *nl = memchr(cursor, '\n', (size_t)(limit - cursor));
		size_t n = nl ? (size_t)(nl - cursor) : (size_t)(limit - cursor);
		char *line = xstrndup(cursor, n);
		const char *s = line;
		int depth, plan;
		struct ktap_case c;

		cursor = nl ? nl + 1 : limit;
		/* Console lines may carry '\r' and embedded NULs from a broken
		 * guest; both end the useful text. */
		if (strchr(line, '\r'))
			*strchr(line, '\r') = '\0';
		depth = indent_depth(&s);
		if (!strncmp(s, "KTAP version ", 13) || !strncmp(s, "TAP version ", 12)) {
			if (depth == 0)
				out->saw_version = 1;
		} else if (parse_plan(s, &plan) == 0) {
			if (depth == 0 && plan > out->plan)
				out->plan = plan;
		} else if (!strncmp(s, "WARNING:", 8)) {
			/* The kernel's warning format (WARN_ON, CT_WARN_ON), as Linux's. */
			if (warned.len < 16384)
				strbuf_addf(&warned, "%s\n", s);
		} else if (!strncmp(s, "Bail out!", 9)) {
			out->bail_out = 1;
		} else if (*s == '#') {
			if (pending.len < 16384)
				strbuf_addf(&pending, "%s\n", s);
		} else if (!strncmp(s, "ok ", 3) || !strncmp(s, "not ok ", 7)) {
			char *body = xstrdup(s);
			int signed_by = strip_nonce(body, nonce);

			memset(&c, 0, sizeof(c));
			if (nonce && signed_by == 0) {
				out->unsigned_lines++;
			} else if (nonce && signed_by < 0) {
				out->forged_lines++;
			} else if (parse_result(body, &c) == 0) {
				c.depth = depth;
				c.diagnostics = strbuf_detach(&pending);
				strbuf_init(&pending);
				c.warnings = strbuf_detach(&warned);
				strbuf_init(&warned);
				if (out->ncases == cap) {
					cap = cap ? cap * 2 : 16;
					out->cases = xrealloc(out->cases, cap * sizeof(*out->cases));
				}
				out->cases[out->ncases++] = c;
				if (depth == 0)
					out->top_level++;
			}
			free(body);
		}
		free(line);
	}
	strbuf_free(&pending);
	if (warned.len && out->ncases) {
		struct ktap_case *last = &out->cases[out->ncases - 1];
		char *both = xasprintf("%s%s", last->warnings, warned.data);
		free(last->warnings);
		last->warnings = both;
		strbuf_free(&warned);
		strbuf_init(&warned);
	}
	out->orphan_warnings = strbuf_detach(&warned);
}

void ktap_free(struct ktap_report *r)
{
	for (size_t i = 0; i < r->ncases; i++) {
		free(r->cases[i].name);
		free(r->cases[i].directive);
		free(r->cases[i].diagnostics);
		free(r->cases[i].warnings);
	}
	free(r->cases);
	free(r->orphan_warnings);
	memset(r, 0, sizeof(*r));
	r->plan = -1;
}

char *ktap_line_name(const char *line)
{
	const char *s = line;
	char *body, *name = NULL;
	struct ktap_case c;

	indent_depth(&s);
	if (!strncmp(s, "# Subtest: ", 11))
		return xstrdup(s + 11);
	if (strncmp(s, "ok ", 3) && strncmp(s, "not ok ", 7))
		return NULL;
	body = xstrdup(s);
	strip_nonce(body, NULL);
	memset(&c, 0, sizeof(c));
	if (parse_result(body, &c) == 0) {
		name = c.name;
		free(c.directive);
	}
	free(body);
	return name;
}

const struct ktap_case *ktap_find(const struct ktap_report *r, const char *name)
{
	for (size_t i = 0; i < r->ncases; i++)
		if (!strcmp(r->cases[i].name, name))
			return &r->cases[i];
	return NULL;
}

size_t ktap_failures(const struct ktap_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ncases; i++)
		if (r->cases[i].depth == 0 && r->cases[i].result == KTAP_NOT_OK)
			n++;
	return n;
}
