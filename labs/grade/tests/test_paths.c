/* Submission intake: the path rules, on real files in a scratch folder. */
#include "unit.h"
#include "def.h"
#include "submit.h"
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fixture {
	char *scratch;   /* removed after each test */
	char *sub;       /* the submission folder */
	char *tree;      /* the "instructor tree" receiving files */
	struct lab_def def;
};

static void put(const char *dir, const char *rel, const char *text)
{
	char *path = path_join(dir, rel), *parent = xstrdup(path);

	*strrchr(parent, '/') = '\0';
	assert_int_equal(make_dirs(parent, 0755), 0);
	assert_int_equal(write_file(path, text, strlen(text)), 0);
	free(parent);
	free(path);
}

static char *get(const char *dir, const char *rel)
{
	char *path = path_join(dir, rel), *text = read_file(path, 1 << 20, NULL);

	free(path);
	return text;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char err[256];

	f->scratch = make_scratch_dir("unit");
	assert_non_null(f->scratch);
	f->sub = path_join(f->scratch, "sub");
	f->tree = path_join(f->scratch, "tree");
	mkdir(f->sub, 0755);
	put(f->tree, "os/entry/common.c", "starter common\n");
	put(f->tree, "os/entry/phase1.c", "starter phase1\n");
	put(f->tree, "Makefile", "trusted\n");
	assert_int_equal(def_parse("[lab]\nfiles = os/entry/common.c os/entry/phase1.c\nfile_limit = 64\n"
				   "[test a]\nrun = x\n", "t.def", &f->def, err, sizeof(err)), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	remove_tree(f->scratch);
	def_free(&f->def);
	free(f->scratch);
	free(f->sub);
	free(f->tree);
	free(f);
	return 0;
}

static int apply(struct fixture *f, struct strbuf *messages)
{
	strbuf_init(messages);
	return submission_apply(&f->def, f->sub, f->tree, messages);
}

static void takes_allowed_files_and_ignores_the_rest(void **state)
{
	struct fixture *f = *state;
	struct strbuf m;
	char *text;

	put(f->sub, "os/entry/common.c", "student common\n");
	put(f->sub, "Makefile", "evil\n");
	put(f->sub, "notes/readme.txt", "hi\n");
	assert_int_equal(apply(f, &m), 1);
	text = get(f->tree, "os/entry/common.c");
	assert_string_equal(text, "student common\n");
	free(text);
	text = get(f->tree, "Makefile");
	assert_string_equal(text, "trusted\n");
	free(text);
	text = get(f->tree, "os/entry/phase1.c");
	assert_string_equal(text, "starter phase1\n");   /* missing: the starter stays */
	free(text);
	assert_non_null(strstr(m.data, "ignored Makefile: not one of the lab's files"));
	assert_non_null(strstr(m.data, "ignored notes/readme.txt"));
	assert_non_null(strstr(m.data, "missing os/entry/phase1.c: the starter version is graded"));
	strbuf_free(&m);
}

static void rejects_symlinks_without_following_them(void **state)
{
	struct fixture *f = *state;
	struct strbuf m;
	char *link = path_join(f->sub, "os/entry/common.c"), *text;

	put(f->sub, "os/entry/.keep", "");
	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(apply(f, &m), 0);
	assert_non_null(strstr(m.data, "rejected os/entry/common.c: a symbolic link"));
	text = get(f->tree, "os/entry/common.c");
	assert_string_equal(text, "starter common\n");
	free(text);
	free(link);
	strbuf_free(&m);
}

static void rejects_hard_links_fifos_and_big_files(void **state)
{
	struct fixture *f = *state;
	struct strbuf m;
	char *a, *b, *fifo;

	put(f->sub, "os/entry/common.c", "x\n");
	a = path_join(f->sub, "os/entry/common.c");
	b = path_join(f->sub, "elsewhere.c");
	assert_int_equal(link(a, b), 0);
	fifo = path_join(f->sub, "os/entry/phase1.c");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(apply(f, &m), 0);
	assert_non_null(strstr(m.data, "rejected os/entry/common.c: a hard link (2 names)"));
	assert_non_null(strstr(m.data, "rejected os/entry/phase1.c: a device, fifo or socket"));
	strbuf_free(&m);

	unlink(b);
	unlink(fifo);
	put(f->sub, "os/entry/phase1.c", "0123456789012345678901234567890123456789012345678901234567890123456789\n");
	assert_int_equal(apply(f, &m), 1);
	assert_non_null(strstr(m.data, "rejected os/entry/phase1.c: 71 bytes, over the 64-byte limit"));
	free(a);
	free(b);
	free(fifo);
	strbuf_free(&m);
}

static void finds_files_under_one_top_folder_or_by_name(void **state)
{
	struct fixture *f = *state;
	struct strbuf m;
	char *text;

	put(f->sub, "ringside-main/os/entry/common.c", "nested\n");
	assert_int_equal(apply(f, &m), 1);
	text = get(f->tree, "os/entry/common.c");
	assert_string_equal(text, "nested\n");
	free(text);
	strbuf_free(&m);

	remove_tree(f->sub);
	mkdir(f->sub, 0755);
	put(f->sub, "phase1.c", "flat upload\n");
	assert_int_equal(apply(f, &m), 1);
	text = get(f->tree, "os/entry/phase1.c");
	assert_string_equal(text, "flat upload\n");
	free(text);
	strbuf_free(&m);
}

static void an_empty_submission_keeps_every_starter(void **state)
{
	struct fixture *f = *state;
	struct strbuf m;

	assert_int_equal(apply(f, &m), 0);
	assert_non_null(strstr(m.data, "missing os/entry/common.c"));
	assert_non_null(strstr(m.data, "missing os/entry/phase1.c"));
	strbuf_free(&m);
}

/* A one-member ustar archive, written by hand so the test can hold names
 * no archiver would create. */
static void write_tar_typed(const char *path, const char *member, const char *text, char type, const char *link_to)
{
	unsigned char block[512] = { 0 };
	unsigned sum = 0;
	size_t len = strlen(text);
	FILE *out = fopen(path, "wb");

	assert_non_null(out);
	snprintf((char *)block, 100, "%s", member);
	snprintf((char *)block + 100, 8, "%07o", 0644);
	snprintf((char *)block + 108, 8, "%07o", 0);
	snprintf((char *)block + 116, 8, "%07o", 0);
	snprintf((char *)block + 124, 12, "%011o", (unsigned)(len & 0777777));
	snprintf((char *)block + 136, 12, "%011o", 0);
	memset(block + 148, ' ', 8);
	block[156] = (unsigned char)type;
	if (link_to)
		snprintf((char *)block + 157, 100, "%s", link_to);
	if (type != '0')
		len = 0, snprintf((char *)block + 124, 12, "%011o", 0);
	memcpy(block + 257, "ustar", 6);
	memcpy(block + 263, "00", 2);
	for (size_t i = 0; i < 512; i++)
		sum += block[i];
	snprintf((char *)block + 148, 8, "%06o", sum);
	fwrite(block, 1, 512, out);
	memset(block, 0, 512);
	if (len) {
		memcpy(block, text, len);
		fwrite(block, 1, 512, out);
		memset(block, 0, 512);
	}
	fwrite(block, 1, 512, out);
	fwrite(block, 1, 512, out);
	fclose(out);
}

static void write_tar(const char *path, const char *member, const char *text)
{
	write_tar_typed(path, member, text, '0', NULL);
}

/* Links are refused by their type in the archive's header (libarchive),
 * before anything is written: a link never reaches the disk. */
static void links_in_a_tar_refuse_the_archive_before_anything_is_written(void **state)
{
	struct fixture *f = *state;
	struct strbuf m;
	char *tar = path_join(f->scratch, "link.tar"), *work = path_join(f->scratch, "work"), *root = NULL;
	char *unpacked = path_join(work, "unpacked/os"), *text;
	struct stat st;

	write_tar_typed(tar, "os/entry/common.c", "", '2', "/etc/passwd");
	mkdir(work, 0700);
	strbuf_init(&m);
	assert_int_equal(submission_unpack(tar, work, &root, &m), -1);
	assert_null(root);
	assert_non_null(strstr(m.data, "rejected archive member 'os/entry/common.c': a symbolic link"));
	assert_int_equal(lstat(unpacked, &st), -1);
	text = get(f->tree, "os/entry/common.c");
	assert_string_equal(text, "starter common\n");
	free(text);
	strbuf_free(&m);
	remove_tree(work);

	write_tar_typed(tar, "os/entry/common.c", "", '1', "os/entry/other.c");   /* a hard link */
	mkdir(work, 0700);
	strbuf_init(&m);
	assert_int_equal(submission_unpack(tar, work, &root, &m), -1);
	assert_non_null(strstr(m.data, "rejected archive member 'os/entry/common.c': a hard link"));
	assert_int_equal(lstat(unpacked, &st), -1);
	strbuf_free(&m);
	remove_tree(work);

	write_tar_typed(tar, "os/entry/common.c", "", '6', NULL);   /* a fifo */
	mkdir(work, 0700);
	strbuf_init(&m);
	assert_int_equal(submission_unpack(tar, work, &root, &m), -1);
	assert_non_null(strstr(m.data, "not a plain file or folder"));
	assert_int_equal(lstat(unpacked, &st), -1);
	strbuf_free(&m);
	free(unpacked);
	free(tar);
	free(work);
}

static void unpacks_archives_and_refuses_escapes(void **state)
{
	struct fixture *f = *state;
	struct strbuf m;
	char *tar = path_join(f->scratch, "good.tar"), *work = path_join(f->scratch, "work"), *root = NULL, *text;

	write_tar(tar, "os/entry/common.c", "from tar\n");
	mkdir(work, 0700);
	strbuf_init(&m);
	assert_int_equal(submission_unpack(tar, work, &root, &m), 0);
	text = get(root, "os/entry/common.c");
	assert_string_equal(text, "from tar\n");
	free(text);
	if (geteuid() == 0) {
		/* as root, libarchive ran as the sandbox's unprivileged user */
		char *unpacked = path_join(root, "os/entry/common.c");
		struct stat st;
		assert_int_equal(lstat(unpacked, &st), 0);
		assert_int_equal(st.st_uid, 65534);
		free(unpacked);
	}
	free(root);
	strbuf_free(&m);
	remove_tree(work);

	write_tar(tar, "../../escaped.c", "evil\n");
	mkdir(work, 0700);
	strbuf_init(&m);
	assert_int_equal(submission_unpack(tar, work, &root, &m), -1);
	assert_non_null(strstr(m.data, "rejected archive member '../../escaped.c'"));
	{
		char *escaped = path_join(f->scratch, "escaped.c");
		assert_int_equal(access(escaped, F_OK), -1);   /* nothing was unpacked */
		free(escaped);
	}
	strbuf_free(&m);
	remove_tree(work);

	write_tar(tar, "/abs/path.c", "evil\n");
	mkdir(work, 0700);
	strbuf_init(&m);
	assert_int_equal(submission_unpack(tar, work, &root, &m), -1);
	assert_non_null(strstr(m.data, "rejected archive member '/abs/path.c'"));
	strbuf_free(&m);
	remove_tree(work);

	put(f->scratch, "notes.doc", "not an archive\n");
	free(tar);
	tar = path_join(f->scratch, "notes.doc");
	mkdir(work, 0700);
	strbuf_init(&m);
	assert_int_equal(submission_unpack(tar, work, &root, &m), -1);
	assert_non_null(strstr(m.data, "is not a folder, .tar.gz, .zip or git repository"));
	strbuf_free(&m);
	free(tar);
	free(work);
}

static void archive_member_rules(void **state)
{
	(void)state;
	assert_true(archive_member_is_safe("a/b.c"));
	assert_true(archive_member_is_safe("./a/b.c"));
	assert_true(archive_member_is_safe("a..b"));
	assert_false(archive_member_is_safe("../a"));
	assert_false(archive_member_is_safe("a/../../b"));
	assert_false(archive_member_is_safe("a/.."));
	assert_false(archive_member_is_safe("/etc/passwd"));
	assert_false(archive_member_is_safe(""));
}

static void copies_a_tree_without_git_or_sanitizer_objects(void **state)
{
	struct fixture *f = *state;
	struct strbuf err;
	char *copy = path_join(f->scratch, "copy"), *text;
	struct stat st;

	put(f->tree, ".git/HEAD", "ref\n");
	put(f->tree, "build/kernel.elf", "elf\n");
	put(f->tree, "build/asan/x.o", "asan\n");
	strbuf_init(&err);
	assert_int_equal(copy_tree(f->tree, copy, &err), 0);
	text = get(copy, "build/kernel.elf");
	assert_string_equal(text, "elf\n");
	free(text);
	text = get(copy, "os/entry/common.c");
	assert_string_equal(text, "starter common\n");
	free(text);
	assert_int_equal(lstat(f->tree, &st), 0);
	{
		char *git = path_join(copy, ".git"), *asan = path_join(copy, "build/asan");
		assert_int_equal(access(git, F_OK), -1);
		assert_int_equal(access(asan, F_OK), -1);
		free(git);
		free(asan);
	}
	strbuf_free(&err);
	free(copy);
}

int path_tests(int *total)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(takes_allowed_files_and_ignores_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(rejects_symlinks_without_following_them, setup, teardown),
		cmocka_unit_test_setup_teardown(rejects_hard_links_fifos_and_big_files, setup, teardown),
		cmocka_unit_test_setup_teardown(finds_files_under_one_top_folder_or_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(an_empty_submission_keeps_every_starter, setup, teardown),
		cmocka_unit_test_setup_teardown(unpacks_archives_and_refuses_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(links_in_a_tar_refuse_the_archive_before_anything_is_written, setup, teardown),
		cmocka_unit_test(archive_member_rules),
		cmocka_unit_test_setup_teardown(copies_a_tree_without_git_or_sanitizer_objects, setup, teardown),
	};
	return RUN_GROUP("paths", tests, total);
}
