/* ringmutate: derive mutants from a lab's reference body, systematically.
 *
 * The labs' tests are only as good as the wrong answers they fail. This tool
 * reads one C file of solutions/labN/, finds its function bodies with a small
 * C tokenizer and statement parser (the lab files are plain kernel C: no
 * macros that open blocks, no K&R definitions), and lists every mutant that
 * a fixed set of mutation operators gives:
 *
 *   relop     each relational operator -> its off-by-one neighbour and its
 *             negation (< -> <= and >=, == -> !=)
 *   arith     each binary arithmetic or bit operator and compound assignment
 *             -> its usual partner (+ -, * /, & |, << >>, += -=, ++ --),
 *             && <-> ||, a unary ! or ~ dropped
 *   type      each integer type in a cast or a local declaration -> the
 *             same width with the other signedness, and the next width
 *             down and up; each integer cast dropped
 *   const     each integer constant +1 and -1
 *   flag      each TIF_x / _TIF_x -> the flags next to it in bit order, and
 *             each TIF group mask (_TIF_WORK_SYSCALL_ENTRY, ...) -> the
 *             group masks defined next to it (read from --flags HEADER)
 *   delete    each statement (not a declaration) replaced by `;`
 *   return    each return that is not the function's last statement dropped
 *   swap      each pair of adjacent statements that both call something
 *   irq       each local_irq_enable/disable/save/restore moved one statement
 *             up or down, or out of the front or back of its block
 *
 * Every mutant has an ID that depends only on the function, the operator,
 * the text of the statement it changes and the change itself, never on line
 * numbers: an edit elsewhere in the file keeps the IDs, so the reviewed
 * lists of equivalent mutants stay valid. Two operators that give the same
 * text are one mutant (the first in the order above).
 *
 * C11, no dependencies: `ringmutate --help`.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: ringmutate [--flags HEADER] [--seed S] list FILE\n"
	"       ringmutate [--flags HEADER] show FILE ID\n"
	"       ringmutate --help\n"
	"\n"
	"Derive the mutants of one lab reference file (solutions/labN/*.c).\n"
	"\n"
	"  list FILE      one line per mutant: ID, line, operator, what changes\n"
	"  --seed S       list in a pseudo-random order fixed by S (a number), for\n"
	"                 drawing a sample that is the same on every machine\n"
	"  show FILE ID   print FILE with mutant ID applied (to stdout)\n"
	"  --flags HEADER the header that defines TIF_* and the TIF group masks\n"
	"                 (default: os/include/asm/thread_info.h)\n"
	"\n"
	"Operators: relop arith type const flag delete return swap irq.\n"
	"IDs are FUNCTION.OPERATOR.HASH and survive edits elsewhere in the file.\n"
	"Exit status: 0 done, 2 usage error, unreadable file or unknown ID.\n"
	"See docs/instructor.md, \"Measuring the tests: mutation score\".\n";

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ringmutate: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot read %s: %s", path, strerror(errno));
	size_t cap = 4096, n = 0;
	char *buf = xrealloc(NULL, cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n < 2) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	if (ferror(f))
		die("cannot read %s", path);
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* --- tokens ------------------------------------------------------------- */

enum tok_kind { T_IDENT, T_NUMBER, T_STRING, T_PUNCT };

struct token {
	enum tok_kind kind;
	size_t start, end;   /* byte range in the source */
	int line;
	int match;           /* index of the matching bracket, or -1 */
	int in_body;         /* inside a function body */
	int in_declarator;   /* type part of a local declaration */
};

static const char *src;
static size_t src_len;
static struct token *toks;
static int ntoks;

static bool tok_is(int i, const char *s)
{
	if (i < 0 || i >= ntoks)
		return false;
	size_t n = toks[i].end - toks[i].start;
	return strlen(s) == n && memcmp(src + toks[i].start, s, n) == 0;
}

static void tok_text(int i, char *out, size_t cap)
{
	size_t n = toks[i].end - toks[i].start;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, src + toks[i].start, n);
	out[n] = 0;
}

static const char *puncts[] = {
	"<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", NULL
};

static void tokenize(void)
{
	size_t i = 0;
	int line = 1, cap = 0;
	bool line_start = true;
	while (i < src_len) {
		char c = src[i];
		if (c == '\n') {
			line++;
			i++;
			line_start = true;
			continue;
		}
		if (isspace((unsigned char)c)) {
			i++;
			continue;
		}
		if (c == '/' && src[i + 1] == '*') {
			const char *e = strstr(src + i + 2, "*/");
			size_t stop = e ? (size_t)(e - src) + 2 : src_len;
			for (; i < stop; i++)
				if (src[i] == '\n')
					line++;
			continue;
		}
		if (c == '/' && src[i + 1] == '/') {
			while (i < src_len && src[i] != '\n')
				i++;
			continue;
		}
		if (c == '#' && line_start) {   /* preprocessor line, with continuations */
			while (i < src_len && !(src[i] == '\n' && src[i - 1] != '\\')) {
				if (src[i] == '\n')
					line++;
				i++;
			}
			continue;
		}
		line_start = false;
		if (ntoks == cap) {
			cap = cap ? cap * 2 : 1024;
			toks = xrealloc(toks, (size_t)cap * sizeof(*toks));
		}
		struct token *t = &toks[ntoks++];
		memset(t, 0, sizeof(*t));
		t->match = -1;
		t->start = i;
		t->line = line;
		if (isalpha((unsigned char)c) || c == '_') {
			while (i < src_len && (isalnum((unsigned char)src[i]) || src[i] == '_'))
				i++;
			t->kind = T_IDENT;
		} else if (isdigit((unsigned char)c)) {
			while (i < src_len && (isalnum((unsigned char)src[i]) || src[i] == '.'))
				i++;
			t->kind = T_NUMBER;
		} else if (c == '"' || c == '\'') {
			i++;
			while (i < src_len && src[i] != c) {
				if (src[i] == '\\')
					i++;
				i++;
			}
			i++;
			t->kind = T_STRING;
		} else {
			t->kind = T_PUNCT;
			size_t n = 1;
			for (const char **p = puncts; *p; p++)
				if (strncmp(src + i, *p, strlen(*p)) == 0) {
					n = strlen(*p);
					break;
				}
			i += n;
		}
		if (i > src_len)
			i = src_len;
		t->end = i;
	}
	/* Match brackets. */
	int *stack = xrealloc(NULL, (size_t)(ntoks + 1) * sizeof(int));
	int sp = 0;
	for (int k = 0; k < ntoks; k++) {
		if (tok_is(k, "(") || tok_is(k, "[") || tok_is(k, "{"))
			stack[sp++] = k;
		else if (tok_is(k, ")") || tok_is(k, "]") || tok_is(k, "}")) {
			if (sp == 0)
				die("unbalanced '%c' on line %d", src[toks[k].start], toks[k].line);
			int o = stack[--sp];
			toks[o].match = k;
			toks[k].match = o;
		}
	}
	if (sp)
		die("unbalanced bracket on line %d", toks[stack[sp - 1]].line);
	free(stack);
}

/* --- statements --------------------------------------------------------- */

enum stmt_kind { S_EXPR, S_DECL, S_RETURN, S_JUMP, S_LABEL, S_BLOCK, S_IF, S_LOOP, S_SWITCH };

struct stmt {
	enum stmt_kind kind;
	int first, last;     /* tokens */
	int head_last;       /* end of the part that names it (if/for/while: the condition) */
	int parent;          /* enclosing statement (-1: the function body) */
	int block;           /* the block it is a direct member of (statement index of an S_BLOCK, or -1 - func) */
	int func;
	bool has_call;
};

struct func {
	char name[64];
	int open, close;     /* the body's braces */
	int last_stmt;       /* the body's last direct statement */
};

static struct stmt *stmts;
static int nstmts, stmts_cap;
static struct func funcs[64];
static int nfuncs;

static const char *type_words[] = {
	"unsigned", "signed", "int", "long", "short", "char", "u8", "u16", "u32", "u64",
	"s8", "s16", "s32", "s64", "bool", "struct", "const", "static", "size_t", "void", "union",
	"enum", NULL
};

static bool is_type_word(int i)
{
	for (const char **w = type_words; *w; w++)
		if (tok_is(i, *w))
			return true;
	return false;
}

static bool is_keyword(int i)
{
	static const char *kw[] = { "if", "else", "for", "while", "do", "switch", "case", "default",
				    "return", "break", "continue", "sizeof", "goto", NULL };
	for (const char **w = kw; *w; w++)
		if (tok_is(i, *w))
			return true;
	return false;
}

static bool range_has_call(int a, int b)
{
	for (int k = a; k < b; k++)
		if (tok_is(k + 1, "(") &&
		    ((toks[k].kind == T_IDENT && !is_keyword(k) && !is_type_word(k)) || tok_is(k, "]")))
			return true;
	return false;
}

static int parse_stmt(int i, int parent, int block, int func);

/* Parse the statements of the block whose '{' is token open; block is its
 * statement index (or -1 for a function body). */
static void parse_block(int open, int block, int func)
{
	int close = toks[open].match;
	int i = open + 1;
	while (i < close)
		i = parse_stmt(i, block, block, func) + 1;
}

static int new_stmt(enum stmt_kind kind, int first, int parent, int block, int func)
{
	if (nstmts == stmts_cap) {
		stmts_cap = stmts_cap ? stmts_cap * 2 : 256;
		stmts = xrealloc(stmts, (size_t)stmts_cap * sizeof(*stmts));
	}
	struct stmt *s = &stmts[nstmts];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->first = first;
	s->parent = parent;
	s->block = block;
	s->func = func;
	return nstmts++;
}

/* The end (inclusive) of a simple statement starting at i: its ';'. */
static int simple_end(int i)
{
	while (i < ntoks && !tok_is(i, ";")) {
		if (toks[i].match > i)
			i = toks[i].match;
		i++;
	}
	if (i >= ntoks)
		die("statement without ';' at the end of the file");
	return i;
}

/* Parse one statement starting at token i; returns its last token. */
static int parse_stmt(int i, int parent, int block, int func)
{
	int s;
	if (tok_is(i, "{")) {
		s = new_stmt(S_BLOCK, i, parent, block, func);
		parse_block(i, s, func);
		stmts[s].last = stmts[s].head_last = toks[i].match;
	} else if (tok_is(i, "if") || tok_is(i, "while") || tok_is(i, "for") || tok_is(i, "switch")) {
		enum stmt_kind k = tok_is(i, "if") ? S_IF : tok_is(i, "switch") ? S_SWITCH : S_LOOP;
		s = new_stmt(k, i, parent, block, func);
		int cond_close = toks[i + 1].match;
		if (!tok_is(i + 1, "(") || cond_close < 0)
			die("line %d: expected '(' after %.*s", toks[i].line,
			    (int)(toks[i].end - toks[i].start), src + toks[i].start);
		stmts[s].head_last = cond_close;
		int end = parse_stmt(cond_close + 1, s, block, func);
		if (k == S_IF && tok_is(end + 1, "else"))
			end = parse_stmt(end + 2, s, block, func);
		stmts[s].last = end;
		/* The sub-statements above were parsed as members of the enclosing
		 * block; they are not, unless they are blocks of their own. */
		for (int k2 = s + 1; k2 < nstmts; k2++)
			if (stmts[k2].block == block && stmts[k2].parent == s)
				stmts[k2].block = -2;   /* a lone body: no siblings */
	} else if (tok_is(i, "do")) {
		s = new_stmt(S_LOOP, i, parent, block, func);
		int end = parse_stmt(i + 1, s, block, func);
		for (int k2 = s + 1; k2 < nstmts; k2++)
			if (stmts[k2].block == block && stmts[k2].parent == s)
				stmts[k2].block = -2;
		stmts[s].last = simple_end(end + 1);
		stmts[s].head_last = i;
	} else if (tok_is(i, "case") || tok_is(i, "default")) {
		s = new_stmt(S_LABEL, i, parent, block, func);
		int k = i;
		while (k < ntoks && !tok_is(k, ":"))
			k++;
		stmts[s].last = stmts[s].head_last = k;
	} else {
		enum stmt_kind k = S_EXPR;
		if (tok_is(i, "return"))
			k = S_RETURN;
		else if (tok_is(i, "break") || tok_is(i, "continue") || tok_is(i, "goto"))
			k = S_JUMP;
		else if (is_type_word(i) || (toks[i].kind == T_IDENT && toks[i + 1].kind == T_IDENT) ||
			 (toks[i].kind == T_IDENT && tok_is(i + 1, "*") && toks[i + 2].kind == T_IDENT &&
			  tok_is(i + 3, "=")))
			k = S_DECL;
		s = new_stmt(k, i, parent, block, func);
		stmts[s].last = stmts[s].head_last = simple_end(i);
		if (k == S_DECL)
			for (int t = i; t <= stmts[s].last && !tok_is(t, "="); t++)
				toks[t].in_declarator = 1;
	}
	stmts[s].has_call = range_has_call(stmts[s].first, stmts[s].last);
	return stmts[s].last;
}

static void find_functions(void)
{
	for (int i = 0; i < ntoks; i++) {
		if (!tok_is(i, "{"))
			continue;
		int close = toks[i].match;
		if (tok_is(i - 1, ")") && toks[toks[i - 1].match - 1].kind == T_IDENT) {
			if (nfuncs == (int)(sizeof(funcs) / sizeof(funcs[0])))
				die("too many functions");
			struct func *f = &funcs[nfuncs];
			tok_text(toks[i - 1].match - 1, f->name, sizeof(f->name));
			f->open = i;
			f->close = close;
			f->last_stmt = -1;
			for (int k = i + 1; k < close; k++)
				toks[k].in_body = 1;
			int before = nstmts;
			parse_block(i, -1, nfuncs);
			for (int k = before; k < nstmts; k++)
				if (stmts[k].block == -1)
					f->last_stmt = k;
			nfuncs++;
		}
		i = close;
	}
}

/* --- flags -------------------------------------------------------------- */

struct flag {
	char name[64];
	long bit;     /* TIF number, or the order of a group mask */
	bool mask;    /* a group mask */
};
static struct flag flags[128];
static int nflags;

static int flag_cmp(const void *a, const void *b)
{
	const struct flag *x = a, *y = b;
	if (x->mask != y->mask)
		return x->mask - y->mask;
	return (x->bit > y->bit) - (x->bit < y->bit);
}

static void read_flags(const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	/* Join continued lines: a group mask's body spans several. */
	for (char *c = text; (c = strstr(c, "\\\n")) != NULL;)
		c[0] = c[1] = ' ';
	int order = 0;
	for (char *line = text; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char name[64];
		long bit;
		int used = 0;
		if (nflags == (int)(sizeof(flags) / sizeof(flags[0]))) {
			break;
		} else if (sscanf(line, "#define %63[A-Za-z0-9_] %ld", name, &bit) == 2 &&
			   strncmp(name, "TIF_", 4) == 0) {
			snprintf(flags[nflags].name, sizeof(flags[nflags].name), "%s", name);
			flags[nflags].bit = bit;
			flags[nflags++].mask = false;
		} else if (sscanf(line, "#define %63[A-Za-z0-9_]%n", name, &used) == 1 &&
			   strncmp(name, "TIF_", 4) != 0 && strstr(line + used, "_TIF_")) {
			/* A group mask: a define whose body names _TIF_ flags (a
			 * single flag's _TIF_X names only TIF_X). */
			snprintf(flags[nflags].name, sizeof(flags[nflags].name), "%s", name);
			flags[nflags].bit = order++;
			flags[nflags++].mask = true;
		}
		line = next;
	}
	free(text);
	qsort(flags, (size_t)nflags, sizeof(flags[0]), flag_cmp);
}

/* The family index of identifier token i, and whether it has the _ prefix. */
static int flag_of(int i, bool *underscore)
{
	char name[64];
	if (toks[i].kind != T_IDENT)
		return -1;
	tok_text(i, name, sizeof(name));
	*underscore = false;
	for (int k = 0; k < nflags; k++)
		if (flags[k].mask && strcmp(flags[k].name, name) == 0)
			return k;
	*underscore = strncmp(name, "_TIF_", 5) == 0;
	const char *key = *underscore ? name + 1 : name;
	for (int k = 0; k < nflags; k++)
		if (!flags[k].mask && strcmp(flags[k].name, key) == 0)
			return k;
	return -1;
}

/* --- mutants ------------------------------------------------------------ */

struct edit {
	size_t start, end;
	char *text;
};

struct mutant {
	char id[96];
	const char *op;
	int line;
	char what[160];
	struct edit edits[3];
	int nedits;
	uint64_t text_hash;
};

static struct mutant *mutants;
static int nmutants, mutants_cap;

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The mutated text: the edits applied in order of position. */
static char *apply(const struct mutant *m, size_t *len_out)
{
	struct edit e[3];
	int n = m->nedits;
	memcpy(e, m->edits, sizeof(e[0]) * (size_t)n);
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++)
			if (e[b].start < e[a].start) {
				struct edit t = e[a];
				e[a] = e[b];
				e[b] = t;
			}
	size_t cap = src_len + 1;
	for (int k = 0; k < n; k++)
		cap += strlen(e[k].text);
	char *out = xrealloc(NULL, cap);
	size_t pos = 0, len = 0;
	for (int k = 0; k < n; k++) {
		memcpy(out + len, src + pos, e[k].start - pos);
		len += e[k].start - pos;
		size_t tl = strlen(e[k].text);
		memcpy(out + len, e[k].text, tl);
		len += tl;
		pos = e[k].end;
	}
	memcpy(out + len, src + pos, src_len - pos);
	len += src_len - pos;
	out[len] = 0;
	*len_out = len;
	return out;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

/* The source of tokens a..b with runs of white space made one blank. */
static void normalized(int a, int b, char *out, size_t cap)
{
	size_t n = 0;
	for (int k = a; k <= b && n + 1 < cap; k++) {
		size_t tl = toks[k].end - toks[k].start;
		if (k > a && n + 1 < cap)
			out[n++] = ' ';
		if (n + tl >= cap)
			tl = cap - n - 1;
		memcpy(out + n, src + toks[k].start, tl);
		n += tl;
	}
	out[n] = 0;
}

/* The innermost statement whose naming part holds token i. */
static int stmt_of(int i)
{
	int best = -1;
	for (int s = 0; s < nstmts; s++)
		if (stmts[s].first <= i && i <= stmts[s].head_last)
			best = s;
	return best;
}

/* Record a mutant. key names the change (stable); ctx is the statement it
 * belongs to; the ID hashes both with the function and the operator. */
static void add(const char *op, int func, int ctx_stmt, int line, const char *key, const char *what,
		int nedits, struct edit *edits)
{
	if (nmutants == mutants_cap) {
		mutants_cap = mutants_cap ? mutants_cap * 2 : 512;
		mutants = xrealloc(mutants, (size_t)mutants_cap * sizeof(*mutants));
	}
	struct mutant *m = &mutants[nmutants];
	memset(m, 0, sizeof(*m));
	m->op = op;
	m->line = line;
	snprintf(m->what, sizeof(m->what), "%s", what);
	m->nedits = nedits;
	for (int k = 0; k < nedits; k++) {
		m->edits[k] = edits[k];
		m->edits[k].text = xstrndup(edits[k].text, strlen(edits[k].text));
	}
	size_t len;
	char *text = apply(m, &len);
	m->text_hash = fnv(0xcbf29ce484222325ULL, text, len);
	free(text);
	for (int k = 0; k < nmutants; k++)
		if (mutants[k].text_hash == m->text_hash) {   /* the same program: one mutant */
			for (int e = 0; e < nedits; e++)
				free(m->edits[e].text);
			return;
		}
	char ctx[2048];
	if (ctx_stmt >= 0)
		normalized(stmts[ctx_stmt].first, stmts[ctx_stmt].head_last, ctx, sizeof(ctx));
	else
		ctx[0] = 0;
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv(h, funcs[func].name, strlen(funcs[func].name) + 1);
	h = fnv(h, op, strlen(op) + 1);
	h = fnv(h, ctx, strlen(ctx) + 1);
	h = fnv(h, key, strlen(key) + 1);
	/* The same change to the same text twice in one function (two identical
	 * statements): number the later ones. */
	char id[96];
	for (int dup = 0;; dup++) {
		uint64_t hd = dup ? fnv(h, &dup, sizeof(dup)) : h;
		snprintf(id, sizeof(id), "%s.%s.%08x", funcs[func].name, op, (unsigned)(hd ^ (hd >> 32)));
		bool taken = false;
		for (int k = 0; k < nmutants; k++)
			if (strcmp(mutants[k].id, id) == 0)
				taken = true;
		if (!taken)
			break;
	}
	snprintf(m->id, sizeof(m->id), "%s", id);
	nmutants++;
}

static int func_of_token(int i)
{
	for (int f = 0; f < nfuncs; f++)
		if (funcs[f].open < i && i < funcs[f].close)
			return f;
	return -1;
}

/* One token replaced by text. */
static void replace_token(const char *op, int i, const char *with, const char *what_fmt)
{
	char from[64], key[160], what[160];
	tok_text(i, from, sizeof(from));
	int s = stmt_of(i);
	/* The key: which token of its statement, what it becomes. */
	int pos = s >= 0 ? i - stmts[s].first : i;
	snprintf(key, sizeof(key), "%d:%s>%s", pos, from, with);
	snprintf(what, sizeof(what), what_fmt, from, with);
	struct edit e = { toks[i].start, toks[i].end, (char *)with };
	add(op, func_of_token(i), s, toks[i].line, key, what, 1, &e);
}

static bool binary_context(int i)
{
	int p = i - 1;
	if (p < 0)
		return false;
	if (toks[p].kind == T_NUMBER || toks[p].kind == T_STRING)
		return true;
	if (toks[p].kind == T_IDENT)
		return !is_keyword(p);
	if (tok_is(p, "]"))
		return true;
	if (tok_is(p, ")")) {
		/* A cast `(u32)-x` is unary; a call or parenthesis `(a)-x` binary. */
		int o = toks[p].match;
		return !(is_type_word(o + 1));
	}
	return false;
}

static void op_relop(int i)
{
	static const char *rel[][3] = {
		{ "<", "<=", ">=" }, { "<=", "<", ">" }, { ">", ">=", "<=" }, { ">=", ">", "<" },
		{ "==", "!=", NULL }, { "!=", "==", NULL },
	};
	for (size_t r = 0; r < sizeof(rel) / sizeof(rel[0]); r++)
		if (tok_is(i, rel[r][0]))
			for (int k = 1; k < 3 && rel[r][k]; k++)
				replace_token("relop", i, rel[r][k], "'%s' -> '%s'");
}

static void op_arith(int i)
{
	static const char *pairs[][2] = {
		{ "+=", "-=" }, { "-=", "+=" }, { "*=", "/=" }, { "/=", "*=" }, { "%=", "/=" },
		{ "&=", "|=" }, { "|=", "&=" }, { "^=", "|=" }, { "<<=", ">>=" }, { ">>=", "<<=" },
		{ "++", "--" }, { "--", "++" }, { "&&", "||" }, { "||", "&&" },
		{ "<<", ">>" }, { ">>", "<<" },
	};
	static const char *binary[][2] = {
		{ "+", "-" }, { "-", "+" }, { "*", "/" }, { "/", "*" }, { "%", "/" },
		{ "&", "|" }, { "|", "&" }, { "^", "|" },
	};
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
		if (tok_is(i, pairs[k][0]))
			replace_token("arith", i, pairs[k][1], "'%s' -> '%s'");
	if (binary_context(i)) {
		for (size_t k = 0; k < sizeof(binary) / sizeof(binary[0]); k++)
			if (tok_is(i, binary[k][0]))
				replace_token("arith", i, binary[k][1], "'%s' -> '%s'");
	} else if (tok_is(i, "!") || tok_is(i, "~")) {
		replace_token("arith", i, "", "'%s' dropped%s");
	}
}

/* Integer types: their canonical spelling and the neighbours they mutate to. */
static const char *type_neighbours[][4] = {
	{ "int", "unsigned int", "long", "short" },
	{ "unsigned int", "int", "unsigned long", "u16" },
	{ "unsigned", "int", "unsigned long", "u16" },
	{ "long", "unsigned long", "int", NULL },
	{ "unsigned long", "long", "unsigned int", NULL },
	{ "u8", "s8", "u16", NULL },
	{ "u16", "s16", "u8", "u32" },
	{ "u32", "s32", "u16", "u64" },
	{ "u64", "s64", "u32", NULL },
	{ "s8", "u8", "s16", NULL },
	{ "s16", "u16", "s8", "s32" },
	{ "s32", "u32", "s16", "s64" },
	{ "s64", "u64", "s32", NULL },
	{ "short", "u16", "int", NULL },
};

/* An integer type spelled by tokens a..*b (a run of type words); returns its
 * row in type_neighbours or -1. */
static int int_type_at(int a, int *b)
{
	static const char *words[] = { "unsigned", "signed", "int", "long", "short", "u8", "u16",
				       "u32", "u64", "s8", "s16", "s32", "s64", NULL };
	char spelled[64] = "";
	int k = a;
	for (;; k++) {
		bool w = false;
		for (const char **p = words; *p; p++)
			if (tok_is(k, *p))
				w = true;
		if (!w)
			break;
		char t[16];
		tok_text(k, t, sizeof(t));
		if (spelled[0])
			strcat(spelled, " ");
		if (strlen(spelled) + strlen(t) + 1 >= sizeof(spelled))
			return -1;
		strcat(spelled, t);
	}
	if (k == a)
		return -1;
	*b = k - 1;
	for (size_t r = 0; r < sizeof(type_neighbours) / sizeof(type_neighbours[0]); r++)
		if (strcmp(type_neighbours[r][0], spelled) == 0)
			return (int)r;
	return -1;
}

static void op_type(int i)
{
	if (!toks[i].in_body || (i > 0 && tok_is(i - 1, "unsigned")) || (i > 0 && tok_is(i - 1, "signed")))
		return;
	bool cast = tok_is(i - 1, "(");
	bool decl = toks[i].in_declarator;
	int b;
	int row = int_type_at(i, &b);
	if (row < 0)
		return;
	if (cast && !tok_is(b + 1, ")"))
		return;
	if (!cast && !decl)
		return;
	if (cast && stmt_of(i) >= 0 && tok_is(toks[i - 1].match + 1, "{"))
		return;
	char spelled[64];
	normalized(i, b, spelled, sizeof(spelled));
	int s = stmt_of(i);
	int func = func_of_token(i);
	for (int k = 1; k < 4 && type_neighbours[row][k]; k++) {
		char key[128], what[160];
		snprintf(key, sizeof(key), "%d:%s>%s", s >= 0 ? i - stmts[s].first : i, spelled,
			 type_neighbours[row][k]);
		snprintf(what, sizeof(what), "%s '%s' -> '%s'", cast ? "cast" : "declared type", spelled,
			 type_neighbours[row][k]);
		struct edit e = { toks[i].start, toks[b].end, (char *)type_neighbours[row][k] };
		add("type", func, s, toks[i].line, key, what, 1, &e);
	}
	if (cast) {
		char key[128], what[160];
		snprintf(key, sizeof(key), "%d:(%s)>", s >= 0 ? i - stmts[s].first : i, spelled);
		snprintf(what, sizeof(what), "cast '(%s)' dropped", spelled);
		struct edit e = { toks[i - 1].start, toks[b + 1].end, "" };
		add("type", func, s, toks[i].line, key, what, 1, &e);
	}
}

static void op_const(int i)
{
	if (toks[i].kind != T_NUMBER || toks[i].in_declarator)
		return;
	char text[64];
	tok_text(i, text, sizeof(text));
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 0);
	if (errno || strspn(end, "uUlL") != strlen(end))
		return;
	bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	for (int d = -1; d <= 1; d += 2) {
		char with[80];
		if (d < 0 && v == 0)
			snprintf(with, sizeof(with), "(-1%s)", end);
		else if (hex)
			snprintf(with, sizeof(with), "0x%llx%s", v + (unsigned long long)d, end);
		else
			snprintf(with, sizeof(with), "%llu%s", v + (unsigned long long)d, end);
		replace_token("const", i, with, "'%s' -> '%s'");
	}
}

static void op_flag(int i)
{
	bool underscore;
	int f = flag_of(i, &underscore);
	if (f < 0 || !toks[i].in_body)
		return;
	for (int d = -1; d <= 1; d += 2) {
		int n = f + d;
		if (n < 0 || n >= nflags || flags[n].mask != flags[f].mask)
			continue;
		char with[80];
		snprintf(with, sizeof(with), "%s%s", underscore && !flags[n].mask ? "_" : "", flags[n].name);
		replace_token("flag", i, with, "'%s' -> '%s'");
	}
}

static char *stmt_text(int s)
{
	return xstrndup(src + toks[stmts[s].first].start, toks[stmts[s].last].end - toks[stmts[s].first].start);
}

static void describe(int s, const char *verb, char *what, size_t cap)
{
	char t[2048];
	normalized(stmts[s].first, stmts[s].head_last, t, sizeof(t));
	if (strlen(t) > 60)
		strcpy(t + 57, "...");
	snprintf(what, cap, "%s '%s'", verb, t);
}

static void op_statements(void)
{
	/* delete and return */
	for (int s = 0; s < nstmts; s++) {
		enum stmt_kind k = stmts[s].kind;
		if (k == S_DECL || k == S_LABEL || k == S_BLOCK)
			continue;
		bool early = k == S_RETURN && s != funcs[stmts[s].func].last_stmt;
		char what[160];
		describe(s, early ? "return dropped:" : "deleted:", what, sizeof(what));
		struct edit e = { toks[stmts[s].first].start, toks[stmts[s].last].end, ";" };
		add(early ? "return" : "delete", stmts[s].func, s, toks[stmts[s].first].line, "", what, 1, &e);
	}
}

/* Direct members of the same block, in order: the next sibling of s. */
static int next_sibling(int s)
{
	if (stmts[s].block == -2)
		return -1;
	for (int k = s + 1; k < nstmts; k++)
		if (stmts[k].block == stmts[s].block && stmts[k].func == stmts[s].func &&
		    stmts[k].first > stmts[s].last)
			return k;
	return -1;
}

static void swap_pair(const char *op, int a, int b, int ctx, const char *verb)
{
	char *ta = stmt_text(a), *tb = stmt_text(b);
	struct edit e[2] = {
		{ toks[stmts[a].first].start, toks[stmts[a].last].end, tb },
		{ toks[stmts[b].first].start, toks[stmts[b].last].end, ta },
	};
	char key[4096], na[2048], nb[2048], what[160];
	normalized(stmts[a].first, stmts[a].head_last, na, sizeof(na));
	normalized(stmts[b].first, stmts[b].head_last, nb, sizeof(nb));
	snprintf(key, sizeof(key), "%s|%s", na, nb);
	describe(ctx, verb, what, sizeof(what));
	add(op, stmts[a].func, ctx, toks[stmts[ctx].first].line, key, what, 2, e);
	free(ta);
	free(tb);
}

static bool movable(int s)
{
	return s >= 0 && stmts[s].kind != S_DECL && stmts[s].kind != S_LABEL;
}

static bool is_irq_stmt(int s)
{
	int t = stmts[s].first;
	return stmts[s].kind == S_EXPR &&
	       (tok_is(t, "local_irq_enable") || tok_is(t, "local_irq_disable") ||
		tok_is(t, "local_irq_save") || tok_is(t, "local_irq_restore"));
}

static void op_swap_and_irq(void)
{
	for (int s = 0; s < nstmts; s++) {
		int n = next_sibling(s);
		if (movable(s) && movable(n) && stmts[s].has_call && stmts[n].has_call)
			swap_pair("swap", s, n, s, "swapped with the next statement:");
	}
	for (int s = 0; s < nstmts; s++) {
		if (!is_irq_stmt(s))
			continue;
		int n = next_sibling(s);
		int p = -1;
		for (int k = 0; k < nstmts; k++)
			if (next_sibling(k) == s)
				p = k;
		if (movable(n))
			swap_pair("irq", s, n, s, "moved down:");
		if (movable(p))
			swap_pair("irq", p, s, s, "moved up:");
		/* Out of the back or the front of its block, past the statement
		 * that owns the block (a loop, an if). */
		int blk = stmts[s].block;
		if (blk < 0)
			continue;
		int owner = stmts[blk].parent;
		if (owner < 0 || stmts[owner].kind == S_BLOCK)
			owner = blk;
		char *t = stmt_text(s);
		char what[160], key[64];
		if (n < 0) {
			char *with = xrealloc(NULL, strlen(t) + 3);
			sprintf(with, " %s", t);   /* a blank, not a newline: line numbers stay */
			struct edit e[2] = { { toks[stmts[s].first].start, toks[stmts[s].last].end, "" },
					     { toks[stmts[owner].last].end, toks[stmts[owner].last].end, with } };
			describe(s, "moved out after its block:", what, sizeof(what));
			snprintf(key, sizeof(key), "after");
			add("irq", stmts[s].func, s, toks[stmts[s].first].line, key, what, 2, e);
			free(with);
		}
		if (p < 0) {
			char *with = xrealloc(NULL, strlen(t) + 3);
			sprintf(with, "%s ", t);
			struct edit e[2] = { { toks[stmts[owner].first].start, toks[stmts[owner].first].start, with },
					     { toks[stmts[s].first].start, toks[stmts[s].last].end, "" } };
			describe(s, "moved out before its block:", what, sizeof(what));
			snprintf(key, sizeof(key), "before");
			add("irq", stmts[s].func, s, toks[stmts[s].first].line, key, what, 2, e);
			free(with);
		}
		free(t);
	}
}

static void generate(const char *path, const char *flags_path)
{
	src = read_file(path, &src_len);
	read_flags(flags_path);
	tokenize();
	find_functions();
	if (nfuncs == 0)
		die("%s: no function bodies found", path);
	for (int i = 0; i < ntoks; i++) {
		if (!toks[i].in_body)
			continue;
		if (!toks[i].in_declarator)
			op_relop(i);
		if (!toks[i].in_declarator)
			op_arith(i);
		op_type(i);
		op_const(i);
		op_flag(i);
	}
	op_statements();
	op_swap_and_irq();
}

static uint64_t order_seed;

static uint64_t rank(const struct mutant *m)
{
	uint64_t h = fnv(0xcbf29ce484222325ULL, &order_seed, sizeof(order_seed));
	return fnv(h, m->id, strlen(m->id));
}

static int rank_cmp(const void *a, const void *b)
{
	uint64_t x = rank(a), y = rank(b);
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *flags_path = "os/include/asm/thread_info.h";
	bool seeded = false;
	int a = 1;
	if (a < argc && (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	for (;;) {
		if (a + 1 < argc && strcmp(argv[a], "--flags") == 0) {
			flags_path = argv[a + 1];
			a += 2;
		} else if (a + 1 < argc && strcmp(argv[a], "--seed") == 0) {
			char *end;
			errno = 0;
			order_seed = strtoull(argv[a + 1], &end, 10);
			if (errno || *end || !*argv[a + 1])
				die("--seed: expected a number, got '%s'", argv[a + 1]);
			seeded = true;
			a += 2;
		} else {
			break;
		}
	}
	if (a + 2 == argc && strcmp(argv[a], "list") == 0) {
		generate(argv[a + 1], flags_path);
		if (seeded)
			qsort(mutants, (size_t)nmutants, sizeof(mutants[0]), rank_cmp);
		for (int k = 0; k < nmutants; k++)
			printf("%s\t%d\t%s\t%s\n", mutants[k].id, mutants[k].line, mutants[k].op, mutants[k].what);
		return 0;
	}
	if (a + 3 == argc && strcmp(argv[a], "show") == 0) {
		generate(argv[a + 1], flags_path);
		for (int k = 0; k < nmutants; k++)
			if (strcmp(mutants[k].id, argv[a + 2]) == 0) {
				size_t len;
				char *text = apply(&mutants[k], &len);
				fwrite(text, 1, len, stdout);
				free(text);
				return 0;
			}
		die("%s: no mutant %s (ringmutate list %s shows them)", argv[a + 1], argv[a + 2], argv[a + 1]);
	}
	fputs(usage, stderr);
	return 2;
}
