/* Submission intake and the path rules (see submit.h). */
#include "submit.h"
#include "sandbox.h"
#include "spawn.h"
#include "unpack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH      32
#define MAX_MESSAGES   60
#define TOOL_TIMEOUT   120

enum entry_kind { ENTRY_FILE, ENTRY_DIR, ENTRY_SYMLINK, ENTRY_SPECIAL };

struct entry {
	char *path;      /* relative to the submission root */
	enum entry_kind kind;
	off_t size;
	nlink_t links;
};

struct entry_list {
	struct entry *items;
	size_t n, cap;
	int truncated;   /* more than SUBMISSION_MAX_ENTRIES or too deep */
};

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

char *make_scratch_dir(const char *what)
{
	const char *tmp = getenv("TMPDIR");
	char *templ = xasprintf("%s/ringgrade-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", what);

	if (!mkdtemp(templ)) {
		int saved = errno;
		free(templ);
		errno = saved;
		return NULL;
	}
	return templ;
}

int archive_member_is_safe(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return 0;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += len;
		while (*p == '/')
			p++;
	}
	return 1;
}

/* Run a helper tool with the spawn helper; its output lands in *output. */
static int run_tool(char **argv, const char *cwd, long long fsize, char **output)
{
	struct spawn_options opts = { .argv = argv, .cwd = cwd, .output_limit = 1 << 20,
				      .timeout = TOOL_TIMEOUT, .file_size_limit = fsize };
	struct spawn_result res;

	if (spawn_run(&opts, &res) < 0) {
		*output = xasprintf("cannot run %s: %s", argv[0], strerror(errno));
		return -1;
	}
	*output = res.output;
	if (res.timed_out || res.flooded || res.interrupted)
		return -1;
	return res.exit_code == 0 ? 0 : -1;
}

/* Archives go through libarchive (unpack.c): headers checked first,
 * then extracted with its secure flags. */
static int unpack_tar(const char *archive, const char *dest, struct strbuf *messages)
{
	return archive_unpack(archive, dest, "tar", messages);
}

static int unpack_zip(const char *archive, const char *dest, struct strbuf *messages)
{
	return archive_unpack(archive, dest, "zip", messages);
}

int submission_unpack(const char *src, const char *workdir, char **root, struct strbuf *messages)
{
	struct stat st;
	char *dest;

	*root = NULL;
	if (lstat(src, &st) < 0) {
		strbuf_addf(messages, "cannot read the submission %s: %s\n", src, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		strbuf_addf(messages, "rejected: the submission %s is a symbolic link\n", src);
		return -1;
	}
	dest = path_join(workdir, "unpacked");
	if (mkdir(dest, 0700) < 0) {
		strbuf_addf(messages, "cannot create %s: %s\n", dest, strerror(errno));
		free(dest);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		char *git = path_join(src, ".git");
		struct stat gst;
		int is_repo = lstat(git, &gst) == 0;
		free(git);
		if (!is_repo) {
			free(dest);
			*root = xstrdup(src);
			return 0;
		}
		{
			/* A repository is graded at HEAD: what the student
			 * committed, not what lies in the working tree. It is
			 * cloned first (--no-local: through upload-pack, not
			 * by copying), so the archive is made in a repository
			 * whose configuration is ours: a student's .git/config
			 * could otherwise name filter commands that git
			 * archive would run. */
			/* git reads the hostile repository in the sandbox
			 * (sandbox.h), on a copy of its .git in a scratch
			 * folder of its own. */
			char *gitwork = path_join(workdir, "git"), *copy = path_join(gitwork, "src.git");
			char *clone = path_join(gitwork, "clone.git"), *tar = path_join(gitwork, "head.tar"), *out = NULL;
			char *tar_opt = xasprintf("--output=%s", tar), *git_dir = xasprintf("--git-dir=%s", clone);
			char *dotgit = path_join(src, ".git");
			char *copy_argv[] = { "cp", "-a", "--", dotgit, copy, NULL };
			char *clone_argv[] = { "git", "-c", "core.fsmonitor=false", "clone", "-q", "--bare",
					       "--no-local", "--", copy, clone, NULL };
			char *archive_argv[] = { "git", git_dir, "archive", "--format=tar", tar_opt, "HEAD", NULL };
			int rc = mkdir(gitwork, 0700) == 0 ? run_tool(copy_argv, NULL, 0, &out) : -1;
			int boxed = 0;
			if (rc == 0 && sandbox_enabled()) {
				rc = sandbox_register_tool(gitwork);
				boxed = rc == 0;
			}
			if (rc == 0) {
				free(out);
				rc = run_tool(clone_argv, gitwork, SUBMISSION_MAX_UNPACKED, &out);
			}
			if (rc == 0) {
				free(out);
				rc = run_tool(archive_argv, gitwork, SUBMISSION_MAX_UNPACKED, &out);
			}
			if (boxed)
				sandbox_unregister(gitwork);
			if (!out)
				out = xasprintf("cannot copy %s: %s", dotgit, strerror(errno));
			free(tar_opt);
			free(git_dir);
			free(clone);
			free(copy);
			free(dotgit);
			free(gitwork);
			if (rc < 0) {
				strbuf_addf(messages, "cannot read the git repository's HEAD (no commits?): %.300s\n", out);
				free(out);
				free(tar);
				free(dest);
				return -1;
			}
			free(out);
			rc = unpack_tar(tar, dest, messages);
			free(tar);
			if (rc < 0) {
				free(dest);
				return -1;
			}
			*root = dest;
			return 0;
		}
	}
	if (S_ISREG(st.st_mode)) {
		int rc;
		if (ends_with(src, ".tar.gz") || ends_with(src, ".tgz") || ends_with(src, ".tar") ||
		    ends_with(src, ".tar.xz") || ends_with(src, ".tar.bz2"))
			rc = unpack_tar(src, dest, messages);
		else if (ends_with(src, ".zip"))
			rc = unpack_zip(src, dest, messages);
		else {
			strbuf_addf(messages, "%s is not a folder, .tar.gz, .zip or git repository\n", src);
			rc = -1;
		}
		if (rc < 0) {
			free(dest);
			return -1;
		}
		*root = dest;
		return 0;
	}
	strbuf_addf(messages, "rejected: the submission %s is a device, fifo or socket\n", src);
	free(dest);
	return -1;
}

static void list_add(struct entry_list *l, const char *path, const struct stat *st)
{
	struct entry *e;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	e = &l->items[l->n++];
	e->path = xstrdup(path);
	e->size = st->st_size;
	e->links = st->st_nlink;
	if (S_ISREG(st->st_mode))
		e->kind = ENTRY_FILE;
	else if (S_ISDIR(st->st_mode))
		e->kind = ENTRY_DIR;
	else if (S_ISLNK(st->st_mode))
		e->kind = ENTRY_SYMLINK;
	else
		e->kind = ENTRY_SPECIAL;
}

/* Every entry under root, without following symbolic links. */
static void walk(const char *root, const char *rel, int depth, struct entry_list *l)
{
	char *dir_path = rel[0] ? path_join(root, rel) : xstrdup(root);
	DIR *dir = opendir(dir_path);
	struct dirent *d;

	free(dir_path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		char *child_rel, *child;
		struct stat st;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (!rel[0] && !strcmp(d->d_name, ".git"))
			continue;
		if (l->n >= SUBMISSION_MAX_ENTRIES) {
			l->truncated = 1;
			break;
		}
		child_rel = rel[0] ? path_join(rel, d->d_name) : xstrdup(d->d_name);
		child = path_join(root, child_rel);
		if (lstat(child, &st) == 0) {
			list_add(l, child_rel, &st);
			if (S_ISDIR(st.st_mode)) {
				if (depth < MAX_DEPTH)
					walk(root, child_rel, depth + 1, l);
				else
					l->truncated = 1;
			}
		}
		free(child);
		free(child_rel);
	}
	closedir(dir);
}

static struct entry *find_entry(struct entry_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].path, path))
			return &l->items[i];
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Where a submission holds allowed file `want`: at its own path; under a
 * single top folder (an archive of the whole tree); or, when the name is
 * unique among the lab's files, by itself at the top (an upload of just the
 * files). */
static struct entry *locate(const struct lab_def *def, struct entry_list *l, const char *want)
{
	struct entry *e = find_entry(l, want);
	size_t top_entries = 0;
	const char *top_dir = NULL;
	int unique = 1;

	if (e)
		return e;
	for (size_t i = 0; i < l->n; i++) {
		if (!strchr(l->items[i].path, '/')) {
			top_entries++;
			top_dir = l->items[i].kind == ENTRY_DIR ? l->items[i].path : NULL;
		}
	}
	if (top_entries == 1 && top_dir) {
		char *nested = path_join(top_dir, want);
		e = find_entry(l, nested);
		free(nested);
		if (e)
			return e;
	}
	for (size_t i = 0; i < def->nfiles; i++)
		if (def->files[i] != want && !strcmp(base_name(def->files[i]), base_name(want)))
			unique = 0;
	return unique ? find_entry(l, base_name(want)) : NULL;
}

/* Copy one checked file; the checks are made again on the open file so a
 * swap between the scan and the copy changes nothing. */
static int copy_file(const char *from, const char *to, size_t limit, struct strbuf *messages, const char *name)
{
	int in, out;
	struct stat st;
	char buf[65536];
	size_t total = 0;
	ssize_t n;
	char *parent = xstrdup(to);

	*strrchr(parent, '/') = '\0';
	make_dirs(parent, 0755);
	free(parent);
	in = open(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		strbuf_addf(messages, "rejected %s: changed while being read\n", name);
		if (in >= 0)
			close(in);
		return -1;
	}
	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0) {
		strbuf_addf(messages, "cannot write %s into the grading tree: %s\n", name, strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		total += (size_t)n;
		if (total > limit || write(out, buf, (size_t)n) != n) {
			strbuf_addf(messages, "rejected %s: grew past the size limit or could not be written\n", name);
			close(in);
			close(out);
			return -1;
		}
	}
	close(in);
	if (close(out) < 0)
		return -1;
	return 0;
}

int submission_apply(const struct lab_def *def, const char *root, const char *tree, struct strbuf *messages)
{
	struct entry_list list = { 0 };
	int taken = 0;
	size_t told = 0;
	char *used;  /* used[i]: entry i was matched to an allowed file */

	walk(root, "", 0, &list);
	if (list.truncated)
		strbuf_addf(messages, "the submission has more than %d entries or is nested over %d deep; "
			    "only the first were read\n", SUBMISSION_MAX_ENTRIES, MAX_DEPTH);
	used = xcalloc(list.n + 1, 1);
	for (size_t i = 0; i < def->nfiles; i++) {
		const char *want = def->files[i];
		struct entry *e = locate(def, &list, want);
		char *from, *to;

		if (!e) {
			strbuf_addf(messages, "missing %s: the starter version is graded\n", want);
			continue;
		}
		used[e - list.items] = 1;
		switch (e->kind) {
		case ENTRY_SYMLINK:
			strbuf_addf(messages, "rejected %s: a symbolic link (submit the file itself); the starter "
				    "version is graded\n", e->path);
			continue;
		case ENTRY_SPECIAL:
			strbuf_addf(messages, "rejected %s: a device, fifo or socket; the starter version is graded\n",
				    e->path);
			continue;
		case ENTRY_DIR:
			strbuf_addf(messages, "rejected %s: a folder where a file was expected\n", e->path);
			continue;
		case ENTRY_FILE:
			break;
		}
		if (e->links > 1) {
			strbuf_addf(messages, "rejected %s: a hard link (%lu names); the starter version is graded\n",
				    e->path, (unsigned long)e->links);
			continue;
		}
		if ((size_t)e->size > def->file_limit) {
			strbuf_addf(messages, "rejected %s: %lld bytes, over the %zu-byte limit; the starter "
				    "version is graded\n", e->path, (long long)e->size, def->file_limit);
			continue;
		}
		from = path_join(root, e->path);
		to = path_join(tree, want);
		if (copy_file(from, to, def->file_limit, messages, e->path) == 0)
			taken++;
		free(from);
		free(to);
	}
	for (size_t i = 0; i < list.n; i++) {
		const struct entry *e = &list.items[i];
		if (used[i] || e->kind == ENTRY_DIR)
			continue;
		if (told++ < MAX_MESSAGES)
			strbuf_addf(messages, "ignored %s: %s\n", e->path,
				    e->kind == ENTRY_SYMLINK ? "a symbolic link, not one of the lab's files"
				    : e->kind == ENTRY_SPECIAL ? "a device, fifo or socket"
				    : "not one of the lab's files");
	}
	if (told > MAX_MESSAGES)
		strbuf_addf(messages, "(%zu more ignored entries not listed)\n", told - MAX_MESSAGES);
	for (size_t i = 0; i < list.n; i++)
		free(list.items[i].path);
	free(list.items);
	free(used);
	return taken;
}

static int is_unused_build_dir(const char *name)
{
	static const char *const unused[] = { "asan", "host", "bin", "fuzz", "bench" };

	for (size_t i = 0; i < sizeof(unused) / sizeof(unused[0]); i++)
		if (!strcmp(name, unused[i]))
			return 1;
	return 0;
}

int copy_tree(const char *src, const char *dst, struct strbuf *err)
{
	DIR *dir = opendir(src);
	struct dirent *d;
	char **argv;
	size_t n = 0, cap = 16;
	char *out;
	int rc = 0;

	if (!dir) {
		strbuf_addf(err, "cannot read the instructor tree %s: %s\n", src, strerror(errno));
		return -1;
	}
	if (mkdir(dst, 0700) < 0) {
		strbuf_addf(err, "cannot create %s: %s\n", dst, strerror(errno));
		closedir(dir);
		return -1;
	}
	argv = xcalloc(cap, sizeof(*argv));
	argv[n++] = xstrdup("cp");
	argv[n++] = xstrdup("-a");
	argv[n++] = xstrdup("--reflink=auto");
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") || !strcmp(d->d_name, ".git") ||
		    !strcmp(d->d_name, "build"))
			continue;
		if (n + 3 > cap) {
			cap *= 2;
			argv = xrealloc(argv, cap * sizeof(*argv));
		}
		argv[n++] = path_join(src, d->d_name);
	}
	closedir(dir);
	argv[n++] = xstrdup(dst);
	argv[n] = NULL;
	if (n > 4 && run_tool(argv, NULL, 0, &out) < 0) {
		strbuf_addf(err, "copying the instructor tree failed: %.500s\n", out);
		rc = -1;
	}
	if (n > 4)
		free(out);
	argv_free(argv);
	if (rc == 0) {
		/* build/ keeps its objects (and their times) so make
		 * rebuilds only a student's files. What building the
		 * kernel and initramfs never reads is left out: the
		 * sanitizer tree, host tools, fuzzing corpora, benchmark
		 * scratch. Leaving out too much costs time, never a
		 * wrong grade: make rebuilds whatever is missing. */
		char *build = path_join(src, "build");
		DIR *bdir = opendir(build);
		if (bdir) {
			char *dst_build = path_join(dst, "build");
			char **bargv = xcalloc(cap = 16, sizeof(*bargv));
			size_t bn = 0;
			mkdir(dst_build, 0755);
			bargv[bn++] = xstrdup("cp");
			bargv[bn++] = xstrdup("-a");
			bargv[bn++] = xstrdup("--reflink=auto");
			while ((d = readdir(bdir))) {
				if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") || is_unused_build_dir(d->d_name))
					continue;
				if (bn + 3 > cap) {
					cap *= 2;
					bargv = xrealloc(bargv, cap * sizeof(*bargv));
				}
				bargv[bn++] = path_join(build, d->d_name);
			}
			closedir(bdir);
			bargv[bn++] = xstrdup(dst_build);
			bargv[bn] = NULL;
			if (bn > 4 && run_tool(bargv, NULL, 0, &out) < 0) {
				strbuf_addf(err, "copying the built objects failed: %.500s\n", out);
				rc = -1;
			}
			if (bn > 4)
				free(out);
			argv_free(bargv);
			free(dst_build);
		}
		free(build);
	}
	return rc;
}
