/* Building trees, booting tests and judging them (see run.h). */
#include "run.h"
#include "ktap.h"
#include "spawn.h"
#include "util.h"

#include <limits.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define BUILD_LOG_LIMIT   (512 * 1024)
#define DIGEST_MAX_LINES  30
#define CONSOLE_TAIL      15
/* Extra seconds we give the launcher beyond the test's own timeout before we
 * kill it ourselves: it enforces the timeout, we only back it up. */
#define LAUNCHER_GRACE    30

static const char *const status_names[] = {
	[STATUS_PASSED] = "passed",
	[STATUS_FAILED] = "failed",
	[STATUS_TIMEOUT] = "timeout",
	[STATUS_PANIC] = "kernel panic",
	[STATUS_NO_VERDICT] = "no verdict",
	[STATUS_QEMU_FAILED] = "QEMU failed",
	[STATUS_FLOOD] = "output flood",
	[STATUS_BUILD_FAILED] = "build failed",
};

const char *status_name(enum test_status s)
{
	return status_names[s];
}

void test_result_free(struct test_result *r)
{
	free(r->summary);
	free(r->details);
	free(r->console);
	free(r->recording);
	free(r->recording_note);
	r->summary = r->details = r->console = NULL;
	r->recording = r->recording_note = NULL;
}

int make_nonce(char out[33])
{
	unsigned char bytes[16];
	size_t got = 0;

	while (got < sizeof(bytes)) {
		ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(bytes); i++)
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
	return 0;
}

char *kernel_cmdline(const struct test_def *t, const char *nonce)
{
	struct strbuf sb;
	size_t nwords;
	char **words = argv_split(t->run, &nwords);

	strbuf_init(&sb);
	if (t->append[0])
		strbuf_addf(&sb, "%s ", t->append);
	/* Kernel parameters go before "--": what follows it is init's argv. */
	strbuf_addf(&sb, "ktap.nonce=%s", nonce);
	if (nwords) {
		strbuf_addf(&sb, " init=/bin/%s", words[0]);
		if (nwords > 1) {
			strbuf_adds(&sb, " --");
			for (size_t i = 1; i < nwords; i++)
				strbuf_addf(&sb, " %s", words[i]);
		}
	}
	argv_free(words);
	return strbuf_detach(&sb);
}

/* The last `count` lines of text (len bytes, not necessarily
 * NUL-terminated), for the console tail of a dead run. */
static void add_tail(struct strbuf *sb, const char *text, size_t len, int count)
{
	const char *end = text + len, *start;
	int lines = 0;

	if (len && end[-1] == '\n')
		end--;                  /* the final newline ends a line, it does not start one */
	start = end;
	while (start > text && lines < count) {
		if (start[-1] == '\n' && ++lines == count)
			break;
		start--;
	}
	if (start == end)
		return;
	strbuf_adds(sb, "last console lines:\n");
	for (const char *p = start; p < end; p++)
		strbuf_add(sb, *p == '\0' ? "?" : p, 1);
	strbuf_adds(sb, "\n");
}

/* The console line that says "Kernel panic", trimmed, or NULL. */
static char *panic_line(const char *console, size_t len)
{
	const char *hit = memmem(console, len, "Kernel panic", 12);

	if (!hit)
		return NULL;
	{
		const char *start = hit, *end = hit;
		while (start > console && start[-1] != '\n')
			start--;
		while (end < console + len && *end != '\n' && *end != '\r' && end - start < 300)
			end++;
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		return xstrndup(start, (size_t)(end - start));
	}
}

/* os/user/include/ktap.h: a test program whose result lines write() refused. */
#define KTAP_EXIT_UNWRITABLE 86

static const char *result_word(enum ktap_result r)
{
	return r == KTAP_NOT_OK ? "not ok" : r == KTAP_SKIP ? "skip" : "ok";
}

/* Whether a case belongs to test t. A test with `subtests` shares its run
 * with other tests of the definition (often hidden ones): only the subtests
 * it lists are its own, and nothing about the others - name, result,
 * diagnostics, what they did to the run - may reach its verdict or output. */
static int own_name(const struct test_def *t, const char *name)
{
	if (!t->nsubtests)
		return 1;
	for (size_t i = 0; i < t->nsubtests; i++)
		if (!strcmp(t->subtests[i].name, name))
			return 1;
	return 0;
}

/* A case fails when it says "not ok", or when the kernel warned during it. */
static int case_failed(const struct ktap_case *c)
{
	return c->result == KTAP_NOT_OK || c->warnings[0];
}

char *own_console(const struct test_def *t, const char *console, size_t len)
{
	struct strbuf out;
	const char *cursor = console, *limit = console + len;
	size_t diag_start = 0;  /* where the "#" lines before the next result began */
	int in_diag = 0;

	strbuf_init(&out);
	if (!t->nsubtests) {
		strbuf_add(&out, console, len);
		return strbuf_detach(&out);
	}
	while (cursor < limit) {
		const char *nl = memchr(cursor, '\n', (size_t)(limit - cursor));
		size_t n = nl ? (size_t)(nl - cursor) + 1 : (size_t)(limit - cursor);
		char *line = xstrndup(cursor, nl ? n - 1 : n);
		const char *s = line;
		char *name = ktap_line_name(line);

		while (*s == ' ' || *s == '\t')
			s++;
		if (name && !own_name(t, name)) {
			/* Drop the line and the diagnostics just before it. */
			if (in_diag && strncmp(s, "# Subtest: ", 11))
				out.len = diag_start;
			out.data[out.len] = '\0';
			in_diag = 0;
		} else {
			if (*s == '#' && !name) {
				if (!in_diag)
					diag_start = out.len;
				in_diag = 1;
			} else {
				in_diag = 0;
			}
			strbuf_add(&out, cursor, n);
		}
		free(name);
		free(line);
		cursor += n;
	}
	return strbuf_detach(&out);
}

/* Lines of text, indented under a result of that depth; after max lines,
 * only how many more there were (a broken entry path warns on every call). */
static void add_indented(struct strbuf *sb, int depth, const char *text, int max)
{
	int shown = 0, more = 0;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		if (shown < max) {
			strbuf_addf(sb, "%*s    %.*s\n", 2 * depth, "", (int)n, text);
			shown++;
		} else {
			more++;
		}
		text += n + (nl ? 1 : 0);
	}
	if (more)
		strbuf_addf(sb, "%*s    (%d more like these)\n", 2 * depth, "", more);
}

/* "kernel warning: WARNING: ..." from the first of a case's warnings. */
static char *warning_summary(const char *warnings)
{
	size_t n = strcspn(warnings, "\n");
	return xasprintf("kernel warning: %.*s", (int)(n > 200 ? 200 : n), warnings);
}

void judge(const struct test_def *t, int exit_code, int flooded, int timed_out, const char *console,
	   size_t console_len, const char *nonce, size_t output_limit, struct test_result *r)
{
	struct ktap_report k;
	struct strbuf details;
	size_t failed_cases = 0;
	double subtest_score = 0;
	char *missing_subtest = NULL;
	const char *first_warning = NULL;
	size_t own_failures = 0;       /* listed subtests that reported a failure */
	char *own_text = own_console(t, console, console_len);

	r->test = t;
	ktap_parse(console, console_len, nonce, &k);
	r->ignored_lines = k.unsigned_lines + k.forged_lines;
	strbuf_init(&details);

	for (size_t i = 0; i < k.ncases; i++) {
		const struct ktap_case *c = &k.cases[i];
		if (!case_failed(c) || !own_name(t, c->name))
			continue;
		failed_cases++;
		if (!first_warning && c->warnings[0])
			first_warning = c->warnings;
		if (c->result == KTAP_NOT_OK)
			strbuf_addf(&details, "%*snot ok %d %s\n", 2 * c->depth, "", c->number, c->name);
		else
			strbuf_addf(&details, "%*s%s %d %s, but the kernel warned during it\n", 2 * c->depth, "",
				    result_word(c->result), c->number, c->name);
		add_indented(&details, c->depth, c->warnings, 3);
		add_indented(&details, c->depth, c->diagnostics, INT_MAX);
	}
	if (!first_warning && !t->nsubtests && k.orphan_warnings[0]) {
		first_warning = k.orphan_warnings;
		strbuf_adds(&details, "kernel warnings:\n");
		add_indented(&details, 0, k.orphan_warnings, 3);
	}
	for (size_t i = 0; i < t->nsubtests; i++) {
		const struct ktap_case *c = ktap_find(&k, t->subtests[i].name);
		if (c && !case_failed(c))
			subtest_score += t->subtests[i].points;
		else if (!c && !missing_subtest)
			missing_subtest = t->subtests[i].name;
		else if (c)
			own_failures++;
	}

	if (t->nsubtests && !missing_subtest && !own_failures) {
		/* Every listed subtest reported and passed: what the run did
		 * afterwards belongs to the other tests that share it. */
		r->status = STATUS_PASSED;
		r->summary = xasprintf("%zu listed subtests ok", t->nsubtests);
	} else if (t->nsubtests && own_failures) {
		r->status = STATUS_FAILED;
		r->summary = first_warning ? warning_summary(first_warning)
					   : xasprintf("%zu of %zu listed subtests not ok", own_failures, t->nsubtests);
	} else if (flooded) {
		r->status = STATUS_FLOOD;
		r->summary = xasprintf("output passed the %zu-byte cap; the run was stopped", output_limit);
	} else if (timed_out || exit_code == 124) {
		r->status = STATUS_TIMEOUT;
		r->summary = xasprintf("no verdict within %d s (hang or endless loop)", t->timeout);
	} else if (exit_code == 125) {
		char *line = panic_line(console, console_len);
		r->status = STATUS_PANIC;
		r->summary = line ? line : xstrdup("kernel panic (no panic line on the console)");
	} else if (exit_code == 126) {
		r->status = STATUS_NO_VERDICT;
		r->summary = xstrdup("the machine stopped without a verdict (triple fault, reset, or killed)");
	} else if (exit_code == 127) {
		r->status = STATUS_QEMU_FAILED;
		r->summary = xstrdup("QEMU failed to start or died (see the console lines below)");
	} else if (exit_code >= 128) {
		r->status = STATUS_FAILED;
		r->summary = xasprintf("the test program was killed by signal %d", exit_code - 128);
	} else if (k.plan < 0 && k.ncases == 0) {
		r->status = STATUS_FAILED;
		r->summary = xstrdup("no signed KTAP results (did the test program start?)");
	} else if (k.plan < 0) {
		r->status = STATUS_FAILED;
		r->summary = xstrdup("no KTAP plan line (1..N)");
	} else if (exit_code == KTAP_EXIT_UNWRITABLE && memmem(console, console_len, "# ktap: write()", 15)) {
		/* The program was fine until write() refused a result line. */
		const char *hit = memmem(console, console_len, "# ktap: write()", 15);
		/* The console need not end in a NUL: stay inside console_len. */
		const char *from = hit + 8, *end = console + console_len;
		size_t n = 0;
		while (from + n < end && from[n] != '\r' && from[n] != '\n' && from[n] != '\0')
			n++;
		r->status = STATUS_FAILED;
		r->summary = xasprintf("the test program's own %.*s: its results from test %zu of %d on are lost "
				       "(the write syscall failed, not the test)", (int)(n > 120 ? 120 : n), from,
				       k.top_level + 1, k.plan);
	} else if (k.top_level < (size_t)k.plan) {
		r->status = STATUS_FAILED;
		r->summary = xasprintf("crashed after test %zu of %d", k.top_level, k.plan);
	} else if (first_warning) {
		r->status = STATUS_FAILED;
		r->summary = warning_summary(first_warning);
	} else if ((!t->nsubtests && ktap_failures(&k)) || failed_cases) {
		r->status = STATUS_FAILED;
		r->summary = xasprintf("%zu of %zu results not ok", failed_cases, k.ncases);
	} else if (k.bail_out && !t->nsubtests) {
		r->status = STATUS_FAILED;
		r->summary = xstrdup("the test program bailed out");
	} else if (exit_code != 0) {
		r->status = STATUS_FAILED;
		r->summary = xasprintf("all results ok, but the test program exited with status %d", exit_code);
	} else if (missing_subtest) {
		r->status = STATUS_FAILED;
		r->summary = xasprintf("subtest '%s' (listed in the test definition) never reported", missing_subtest);
	} else {
		r->status = STATUS_PASSED;
		r->summary = xasprintf("%zu results ok", k.ncases);
	}

	if (t->nsubtests)
		r->score = subtest_score;
	else
		r->score = r->status == STATUS_PASSED ? t->points : 0;
	if (r->status == STATUS_PASSED)
		r->score = t->points;

	if (r->status == STATUS_PASSED) {
		strbuf_free(&details);
		strbuf_init(&details);
	}
	if (t->nsubtests && r->status != STATUS_PASSED) {
		strbuf_adds(&details, "subtests:\n");
		for (size_t i = 0; i < t->nsubtests; i++) {
			const struct ktap_case *c = ktap_find(&k, t->subtests[i].name);
			strbuf_addf(&details, "  %-24s %-8s %g/%g\n", t->subtests[i].name,
				    c ? result_word(c->result) : "missing",
				    c && c->result != KTAP_NOT_OK ? t->subtests[i].points : 0, t->subtests[i].points);
		}
	}
	if (r->ignored_lines)
		strbuf_addf(&details, "ignored %zu result line(s) without this run's nonce (%zu unsigned, %zu with a wrong nonce)\n",
			    r->ignored_lines, k.unsigned_lines, k.forged_lines);
	if (r->status == STATUS_TIMEOUT || r->status == STATUS_NO_VERDICT || r->status == STATUS_QEMU_FAILED ||
	    r->status == STATUS_PANIC || (r->status == STATUS_FAILED && k.ncases == 0))
		add_tail(&details, own_text, strlen(own_text), CONSOLE_TAIL);
	r->details = strbuf_detach(&details);
	free(own_text);
	ktap_free(&k);
}

char **build_argv(const struct lab_def *def, const char *tree, int student)
{
	return build_argv_reusing(def, tree, student, NULL);
}

char **build_argv_reusing(const struct lab_def *def, const char *tree, int student, const char *reuse)
{
	size_t n = 0, out = 0;
	char **argv;

	while (def->build[n])
		n++;
	argv = xcalloc(n + 1, sizeof(*argv));
	for (size_t i = 0; i < n; i++) {
		const char *word = def->build[i], *hole = strstr(word, "{tree}");
		if (!strcmp(word, "{lab}")) {
			if (def->number >= 0)
				argv[out++] = xasprintf("LAB=%d", def->number);
		} else if (!strcmp(word, "{student}")) {
			if (student)
				argv[out++] = xstrdup("STUDENT=1");
		} else if (!strcmp(word, "{reuse}")) {
			if (reuse)
				argv[out++] = xasprintf("REUSE=%s", reuse);
		} else if (hole) {
			argv[out++] = xasprintf("%.*s%s%s", (int)(hole - word), word, tree, hole + 6);
		} else {
			argv[out++] = xstrdup(word);
		}
	}
	argv[out] = NULL;
	return argv;
}

int build_tree(const struct lab_def *def, const char *tree, int student, char **log)
{
	return build_tree_reusing(def, tree, student, NULL, log);
}

int build_tree_reusing(const struct lab_def *def, const char *tree, int student, const char *reuse, char **log)
{
	char **argv = build_argv_reusing(def, tree, student, reuse);
	struct spawn_options opts = { .cwd = tree, .output_limit = BUILD_LOG_LIMIT, .timeout = def->build_timeout };
	struct spawn_result res;
	int rc;

	opts.argv = argv;
	if (spawn_run(&opts, &res) < 0) {
		*log = xasprintf("cannot run the build command '%s': %s\n", argv[0], strerror(errno));
		argv_free(argv);
		return -1;
	}
	argv_free(argv);
	if (res.timed_out) {
		*log = xasprintf("%s\nthe build ran longer than %d s and was stopped\n", res.output, def->build_timeout);
		spawn_result_free(&res);
		return 1;
	}
	*log = res.output;
	rc = res.exit_code == 0 && !res.flooded && !res.interrupted ? 0 : 1;
	if (res.flooded) {
		char *more = xasprintf("%s\n(build output passed %d bytes and was stopped)\n", *log, BUILD_LOG_LIMIT);
		free(*log);
		*log = more;
	}
	return rc;
}

char *build_errors_digest(const char *log)
{
	struct strbuf sb;
	int lines = 0;

	strbuf_init(&sb);
	/* First the compiler's error lines, which say what to fix... */
	for (const char *p = log; *p && lines < DIGEST_MAX_LINES; ) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		if (strstr(line, "error") || strstr(line, "Error") || strstr(line, "undefined reference")) {
			strbuf_addf(&sb, "%.300s\n", line);
			lines++;
		}
		free(line);
		p += n + (nl ? 1 : 0);
	}
	/* ...and when there are none (a missing tool?), the log's tail. */
	if (!lines) {
		add_tail(&sb, log, strlen(log), DIGEST_MAX_LINES);
	} else if (lines == DIGEST_MAX_LINES) {
		strbuf_addf(&sb, "(more errors not shown)\n");
	}
	return strbuf_detach(&sb);
}

void fail_all_build(const struct test_def *const *tests, size_t n, const char *digest, struct test_result *results)
{
	for (size_t i = 0; i < n; i++) {
		memset(&results[i], 0, sizeof(results[i]));
		results[i].test = tests[i];
		results[i].status = STATUS_BUILD_FAILED;
		results[i].summary = xstrdup("build failed: nothing was run");
		results[i].details = xstrdup(digest);
		results[i].console = xstrdup("");
	}
}

/* A path from the definition: relative ones are inside the tree. */
static char *in_tree(const char *tree, const char *path)
{
	return path[0] == '/' ? xstrdup(path) : path_join(tree, path);
}

/* Boot the machine once for t (its command line and timeout) with this
 * nonce. 0 when the launcher ran, -1 with a message in r otherwise.
 * SCALE multiplies the test's wall-clock limit: recording (RECORD: the rr
 * file) makes QEMU up to about 2.75 times slower (bench-timetravel: +78 %
 * to +175 %), so record_failure gives a recorded re-run three times the
 * limit, unless the first run timed out (the re-run must too: waiting
 * three times as long would only cost time). The guest runs on the
 * instruction clock, so the execution is the same either way, and a
 * timeout's summary names t->timeout whatever the limit was. */
static int launch(const struct run_context *ctx, const struct test_def *t, const char *nonce,
		  const char *record, int scale, struct spawn_result *res, struct test_result *r)
{
	char *cmdline = kernel_cmdline(t, nonce), *launcher = in_tree(ctx->tree, ctx->def->launcher),
	     *kernel = in_tree(ctx->tree, ctx->def->kernel), *initrd = in_tree(ctx->tree, ctx->def->initrd);
	char timeout[16], vm_limit[16];
	char *argv[] = { launcher, "--kernel", kernel, "--initrd", initrd, "--append", cmdline,
			 "--timeout", timeout, "--vm-limit", vm_limit, NULL, NULL, NULL };
	struct spawn_options opts = { .argv = argv, .cwd = ctx->tree, .output_limit = ctx->def->output_limit,
				      .timeout = scale * t->timeout + LAUNCHER_GRACE };
	int rc = 0;

	snprintf(timeout, sizeof(timeout), "%d", scale * t->timeout);
	snprintf(vm_limit, sizeof(vm_limit), "%d", ctx->def->vm_limit_mb);
	if (record) {
		argv[11] = "--record";
		argv[12] = (char *)record;
	}
	if (spawn_run(&opts, res) < 0) {
		r->status = STATUS_QEMU_FAILED;
		r->summary = xasprintf("cannot run the launcher %s: %s", launcher, strerror(errno));
		r->details = xstrdup("");
		r->console = xstrdup("");
		rc = -1;
	}
	free(cmdline);
	free(launcher);
	free(kernel);
	free(initrd);
	return rc;
}

static int fresh_nonce(char nonce[33], struct test_result *r)
{
	if (make_nonce(nonce) == 0)
		return 0;
	r->status = STATUS_QEMU_FAILED;
	r->summary = xasprintf("cannot get random bytes for the nonce: %s", strerror(errno));
	r->details = xstrdup("");
	r->console = xstrdup("");
	return -1;
}

/* A failed test once more, recorded (the launcher's --record): with the
 * same command line (nonce included) and the instruction-counting clock
 * the re-run is the same execution, so its recording shows the failure the
 * student saw. It is kept, in record_dir/NAME/, only when the re-run ended
 * with the same verdict and summary; otherwise r->recording_note says why
 * there is none. The folder is self-contained: the log (rr), the snapshot
 * disk (rr.qcow2), what it was made of (rr.info), and copies of the kernel
 * and initramfs, which a later build or a removed scratch tree would lose. */
static void record_failure(const struct run_context *ctx, const struct test_def *t, const char *nonce,
			   struct test_result *r)
{
	char *dir = path_join(ctx->record_dir, t->name), *file = path_join(dir, "rr");
	char *kernel = in_tree(ctx->tree, ctx->def->kernel), *initrd = in_tree(ctx->tree, ctx->def->initrd);
	char *kernel_copy = path_join(dir, "kernel.elf"), *initrd_copy = path_join(dir, "initramfs.cpio");
	char *rr_files = xasprintf("%s.files", file);
	struct spawn_result res;
	struct test_result again;

	memset(&again, 0, sizeof(again));
	/* The launcher makes the folder: in the sandbox it runs as another
	 * user, who must own it. */
	remove_tree(dir);
	if (launch(ctx, t, nonce, file, r->status == STATUS_TIMEOUT ? 1 : 3, &res, &again) < 0) {
		r->recording_note = xasprintf("no recording: %s", again.summary);
		remove_tree(dir);
		goto out;
	}
	judge(t, res.exit_code, res.flooded, res.timed_out, res.output, res.output_len, nonce,
	      ctx->def->output_limit, &again);
	r->record_seconds = res.seconds;
	if (res.interrupted || again.status != r->status || strcmp(again.summary, r->summary)) {
		r->recording_note = res.interrupted ? xstrdup("no recording: interrupted") :
			xasprintf("no recording: the recorded re-run ended otherwise (%s: %s)",
				  status_name(again.status), again.summary);
		remove_tree(dir);
	} else if (copy_plain_file(kernel, kernel_copy) < 0 || copy_plain_file(initrd, initrd_copy) < 0) {
		r->recording_note = xasprintf("no recording: cannot copy the kernel and initramfs into %s: %s", dir,
					      strerror(errno));
		remove_tree(dir);
	} else {
		/* The launcher remakes its links (rr.files/) at every replay. */
		remove_tree(rr_files);
		r->recording = xstrdup(dir);
	}
	spawn_result_free(&res);
out:
	test_result_free(&again);
	free(rr_files);
	free(kernel_copy);
	free(initrd_copy);
	free(kernel);
	free(initrd);
	free(file);
	free(dir);
}

/* One test, start to verdict, in a boot of its own. */
static void run_one(const struct run_context *ctx, const struct test_def *t, struct test_result *r)
{
	char nonce[33];
	struct spawn_result res;

	memset(r, 0, sizeof(*r));
	r->test = t;
	if (fresh_nonce(nonce, r) < 0 || launch(ctx, t, nonce, NULL, 1, &res, r) < 0)
		return;
	judge(t, res.exit_code, res.flooded, res.timed_out, res.output, res.output_len, nonce,
	      ctx->def->output_limit, r);
	if (res.interrupted) {
		free(r->summary);
		r->status = STATUS_NO_VERDICT;
		r->score = 0;
		r->summary = xstrdup("interrupted (ringgrade was stopped)");
	} else if (res.signal && !res.flooded && !res.timed_out) {
		/* The launcher itself died (out of memory, killed
		 * from outside): no verdict from QEMU at all. */
		free(r->summary);
		r->status = STATUS_QEMU_FAILED;
		r->score = 0;
		r->summary = xasprintf("the launcher was killed by signal %d", res.signal);
	}
	r->seconds = res.seconds;
	if (t->nsubtests) {
		r->console = own_console(t, res.output, res.output_len);
		free(res.output);
	} else {
		r->console = res.output;
	}
	if (ctx->record_dir && !res.interrupted && r->status != STATUS_PASSED && r->status != STATUS_QEMU_FAILED &&
	    !spawn_was_interrupted()) {
		if (ctx->record_budget && atomic_fetch_sub(ctx->record_budget, 1) <= 0)
			r->recording_note = ctx->def->number >= 0 ?
				xasprintf("no recording: this run's recordings are used up (--record-max); "
					  "grade this test alone to record it: make grade LAB=%d TEST=%s",
					  ctx->def->number, t->name) :
				xasprintf("no recording: this run's recordings are used up (--record-max); "
					  "grade this test alone (--test %s) to record it", t->name);
		else
			record_failure(ctx, t, nonce, r);
	}
}

/* --- in-kernel tests sharing one boot ------------------------------------
 * Booting is most of a test's cost, and an in-kernel test (ktest=NAME, no
 * init program) needs nothing from a fresh machine but the kernel's own
 * start. So those tests of a run share one boot (ktest=a,b,c; the kernel
 * prints one signed result line each). A test keeps the shared boot's
 * verdict only when that is a pass; every other one (a "not ok", a result
 * that never came because an earlier test crashed or hung the machine, a
 * doubled line) is run again in a boot of its own, and that verdict counts.
 * So the shared boot can save time but never cost a test its points. */

/* "(one boot shared by several in-kernel tests)" and the result line of the
 * ktest NAME in that boot's console: nothing of the other tests in it. */
static char *shared_result_line(const char *console, size_t len, const char *name)
{
	struct strbuf out;
	const char *cursor = console, *limit = console + len;

	strbuf_init(&out);
	strbuf_adds(&out, "(one boot shared by several in-kernel tests; this test's result:)\n");
	while (cursor < limit) {
		const char *nl = memchr(cursor, '\n', (size_t)(limit - cursor));
		size_t n = nl ? (size_t)(nl - cursor) : (size_t)(limit - cursor);
		char *line = xstrndup(cursor, n);
		char *line_name = ktap_line_name(line);
		if (line_name && !strcmp(line_name, name))
			strbuf_addf(&out, "%s\n", line);
		free(line_name);
		free(line);
		cursor += n + (nl ? 1 : 0);
	}
	return strbuf_detach(&out);
}

const char *shared_ktest_name(const struct test_def *t)
{
	const char *name;

	if (t->run[0] || t->nsubtests || strncmp(t->append, "ktest=", 6))
		return NULL;
	name = t->append + 6;
	if (!*name || !strcmp(name, "all"))
		return NULL;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return NULL;
	return name;
}

/* The command line of a shared boot stays well inside the kernel's 1 KiB. */
#define SHARED_APPEND_MAX 600

struct unit {
	size_t first, count;   /* the tests order[first..first+count) */
	int shared;            /* one boot for them all (else count is 1) */
};

/* What the shared boot of tests idx[0..m) said: results[idx[i]] is filled
 * for each test that passed; again[idx[i]] = 1 for each one to run alone. */
static void run_shared(const struct run_context *ctx, const struct test_def *const *tests, const size_t *idx,
		       size_t m, struct test_result *results, unsigned char *again, char **why)
{
	struct test_def boot = *tests[idx[0]];
	struct strbuf append;
	struct test_result failure = { 0 };
	struct spawn_result res;
	struct ktap_report k;
	char nonce[33];

	strbuf_init(&append);
	strbuf_adds(&append, "ktest=");
	for (size_t i = 0; i < m; i++) {
		const struct test_def *t = tests[idx[i]];
		strbuf_addf(&append, "%s%s", i ? "," : "", shared_ktest_name(t));
		if (t->timeout > boot.timeout)
			boot.timeout = t->timeout;
		again[idx[i]] = 1;
	}
	boot.append = append.data;
	if (fresh_nonce(nonce, &failure) < 0 || launch(ctx, &boot, nonce, NULL, 1, &res, &failure) < 0) {
		*why = failure.summary;
		failure.summary = NULL;
		test_result_free(&failure);
		strbuf_free(&append);
		return;
	}
	if (res.interrupted) {
		*why = xstrdup("interrupted");
		spawn_result_free(&res);
		strbuf_free(&append);
		return;
	}
	ktap_parse(res.output, res.output_len, nonce, &k);
	for (size_t i = 0; i < m; i++) {
		const struct test_def *t = tests[idx[i]];
		const char *name = shared_ktest_name(t);
		size_t lines = 0, ok = 0;
		for (size_t c = 0; c < k.ncases; c++)
			if (k.cases[c].depth == 0 && !strcmp(k.cases[c].name, name)) {
				lines++;
				/* A kernel warning during it: run it alone, where
				 * judge() fails it with the warning shown. */
				ok += k.cases[c].result == KTAP_OK && !k.cases[c].warnings[0];
			}
		if (lines == 1 && ok == 1) {
			struct test_result *r = &results[idx[i]];
			memset(r, 0, sizeof(*r));
			r->test = t;
			r->status = STATUS_PASSED;
			r->score = t->points;
			r->summary = xstrdup("1 results ok");
			r->details = xstrdup("");
			/* Only its own line: the boot's other tests may be hidden ones. */
			r->console = shared_result_line(res.output, res.output_len, name);
			r->seconds = res.seconds;
			again[idx[i]] = 0;
		}
	}
	if (res.timed_out || res.flooded || res.signal || (res.exit_code != 0 && res.exit_code != 1)) {
		struct test_result verdict;
		memset(&verdict, 0, sizeof(verdict));
		judge(&boot, res.exit_code, res.flooded, res.timed_out, res.output, res.output_len, nonce,
		      ctx->def->output_limit, &verdict);
		*why = xasprintf("the shared boot ended: %s", verdict.summary);
		test_result_free(&verdict);
	}
	ktap_free(&k);
	spawn_result_free(&res);
	strbuf_free(&append);
}

struct pool {
	const struct run_context *ctx;
	const struct test_def *const *tests;
	struct test_result *results;
	const size_t *order;           /* tests in unit order: each unit is order[first..first+count) */
	const struct unit *units;
	size_t nunits, ntests;
	unsigned char *again;          /* per test: run alone after its shared boot */
	char **why;                    /* per unit: why its shared boot broke down, or NULL */
	atomic_size_t next;
	atomic_size_t finished;
};

static void *pool_worker(void *arg)
{
	struct pool *pool = arg;

	for (;;) {
		size_t u = atomic_fetch_add(&pool->next, 1);
		const struct unit *unit;
		size_t last;
		if (u >= pool->nunits)
			return NULL;
		unit = &pool->units[u];
		last = pool->order[unit->first + unit->count - 1];
		if (!unit->shared) {
			run_one(pool->ctx, pool->tests[last], &pool->results[last]);
		} else {
			run_shared(pool->ctx, pool->tests, pool->order + unit->first, unit->count, pool->results,
				   pool->again, &pool->why[u]);
		}
		if (pool->ctx->progress) {
			/* one write per line, so threads never interleave */
			char line[96];
			size_t done = atomic_fetch_add(&pool->finished, unit->count) + unit->count;
			int len = snprintf(line, sizeof(line), "\rringgrade: %zu/%zu tests done, last: %.40s ", done,
					   pool->ntests, pool->tests[last]->name);
			if (len > 0 && write(2, line, (size_t)len) < 0) {
				/* progress is a courtesy; a closed stderr is not an error */
			}
		}
	}
}

static void run_pool(struct pool *pool, int jobs)
{
	size_t workers = jobs > 0 ? (size_t)jobs : 1, started = 0;
	pthread_t *threads;

	atomic_init(&pool->next, 0);
	if (workers > pool->nunits)
		workers = pool->nunits;
	if (workers <= 1) {
		pool_worker(pool);
		return;
	}
	threads = xcalloc(workers, sizeof(*threads));
	for (size_t i = 0; i < workers; i++)
		if (pthread_create(&threads[i], NULL, pool_worker, pool) == 0)
			started++;
	if (!started)
		pool_worker(pool);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

static void clear_progress(const struct run_context *ctx)
{
	static const char erase[] = "\r\033[K";

	if (ctx->progress && write(2, erase, sizeof(erase) - 1) < 0) {
		/* as above */
	}
}

void run_test_list(const struct run_context *ctx, const struct test_def *const *tests, size_t n,
	       struct test_result *results)
{
	size_t *order = xcalloc(n + 1, sizeof(*order)), norder = 0, nunits = 0, nagain = 0;
	struct unit *units = xcalloc(n + 1, sizeof(*units));
	unsigned char *again = xcalloc(n + 1, 1);
	char **why = xcalloc(n + 1, sizeof(*why));
	struct pool pool = { .ctx = ctx, .tests = tests, .results = results, .ntests = n, .again = again,
			     .order = order, .units = units, .why = why };
	size_t len = 0;

	atomic_init(&pool.finished, 0);
	/* Units: the shareable in-kernel tests in boots of a bounded command
	 * line, then every other test alone. */
	for (size_t i = 0; i < n && !ctx->one_boot_each; i++) {
		const char *name = shared_ktest_name(tests[i]);
		if (!name)
			continue;
		if (!nunits || len + strlen(name) + 1 > SHARED_APPEND_MAX) {
			units[nunits++] = (struct unit){ norder, 0, 1 };
			len = 0;
		}
		order[norder++] = i;
		units[nunits - 1].count++;
		len += strlen(name) + 1;
	}
	for (size_t u = 0; u < nunits; u++)
		units[u].shared = units[u].count > 1;   /* a boot of one is just a boot */
	for (size_t i = 0; i < n; i++) {
		if (!ctx->one_boot_each && shared_ktest_name(tests[i]))
			continue;
		order[norder] = i;
		units[nunits++] = (struct unit){ norder++, 1, 0 };
	}
	pool.nunits = nunits;
	run_pool(&pool, ctx->jobs);

	/* Second round: what a shared boot did not settle, each test alone. */
	for (size_t i = 0; i < n; i++)
		nagain += again[i];
	if (nagain) {
		struct pool alone = pool;
		size_t *order2 = xcalloc(nagain, sizeof(*order2)), k = 0;
		struct unit *units2 = xcalloc(nagain, sizeof(*units2));
		for (size_t i = 0; i < n; i++)
			if (again[i]) {
				order2[k] = i;
				units2[k] = (struct unit){ k, 1, 0 };
				k++;
			}
		alone.order = order2;
		alone.units = units2;
		alone.nunits = k;
		alone.ntests = k;        /* the progress line counts the reruns afresh */
		atomic_init(&alone.finished, 0);
		run_pool(&alone, ctx->jobs);
		free(order2);
		free(units2);
	}
	/* When a shared boot broke down, say so under the tests it did not
	 * settle, so a log explains why they have a console of their own. */
	for (size_t u = 0; u < nunits; u++) {
		if (!why[u])
			continue;
		for (size_t j = 0; j < units[u].count; j++) {
			struct test_result *r = &results[order[units[u].first + j]];
			if (again[order[units[u].first + j]] && r->details) {
				char *more = xasprintf("%s(%s; this test then ran in a boot of its own)\n", r->details, why[u]);
				free(r->details);
				r->details = more;
			}
		}
		free(why[u]);
	}
	clear_progress(ctx);
	free(why);
	free(again);
	free(units);
	free(order);
}
