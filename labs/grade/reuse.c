/* The thin tree of a submission over a built base (see reuse.h). */
#include "reuse.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int def_can_reuse(const struct lab_def *def)
{
	for (char **w = def->build; w && *w; w++)
		if (!strcmp(*w, "{reuse}"))
			return 1;
	return 0;
}

/* Is rel ("a/b") a folder on the way to one of the lab's files? */
static int leads_to_lab_file(const struct lab_def *def, const char *rel)
{
	size_t len = strlen(rel);

	for (size_t i = 0; i < def->nfiles; i++)
		if (!strncmp(def->files[i], rel, len) && def->files[i][len] == '/')
			return 1;
	return 0;
}

/* Fill the real folder dst/rel: links to base/rel/X, except build/ at the
 * top and the folders leading to the lab's files, made real in turn. */
static int fill(const char *base, const char *dst, const char *rel, const struct lab_def *def, int depth,
		struct strbuf *err)
{
	char *from_dir = rel[0] ? path_join(base, rel) : xstrdup(base);
	DIR *dir = opendir(from_dir);
	struct dirent *d;
	int rc = 0;

	if (!dir) {
		strbuf_addf(err, "cannot read %s: %s\n", from_dir, strerror(errno));
		free(from_dir);
		return -1;
	}
	while (rc == 0 && (d = readdir(dir))) {
		char *child_rel, *from, *to;
		struct stat st;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") || (!rel[0] && !strcmp(d->d_name, ".git")))
			continue;
		child_rel = rel[0] ? path_join(rel, d->d_name) : xstrdup(d->d_name);
		from = path_join(base, child_rel);
		to = path_join(dst, child_rel);
		if (!rel[0] && !strcmp(d->d_name, "build")) {
			if (mkdir(to, 0755) < 0) {
				strbuf_addf(err, "cannot create %s: %s\n", to, strerror(errno));
				rc = -1;
			}
		} else if (lstat(from, &st) == 0 && S_ISDIR(st.st_mode) && depth < 32 &&
			   leads_to_lab_file(def, child_rel)) {
			if (mkdir(to, 0755) < 0) {
				strbuf_addf(err, "cannot create %s: %s\n", to, strerror(errno));
				rc = -1;
			} else {
				rc = fill(base, dst, child_rel, def, depth + 1, err);
			}
		} else if (symlink(from, to) < 0) {
			strbuf_addf(err, "cannot link %s: %s\n", to, strerror(errno));
			rc = -1;
		}
		free(child_rel);
		free(from);
		free(to);
	}
	closedir(dir);
	free(from_dir);
	return rc;
}

int thin_tree(const char *base, const char *dst, const struct lab_def *def, struct strbuf *err)
{
	if (base[0] != '/') {
		strbuf_addf(err, "the base tree %s is not an absolute path\n", base);
		return -1;
	}
	if (mkdir(dst, 0700) < 0) {
		strbuf_addf(err, "cannot create %s: %s\n", dst, strerror(errno));
		return -1;
	}
	return fill(base, dst, "", def, 0, err);
}

static int readable_by_all(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	mode_t want = st->st_mode | S_IROTH | (S_ISDIR(st->st_mode) || (st->st_mode & S_IXUSR) ? S_IXOTH : 0);

	(void)ftw;
	if (flag == FTW_SL || want == st->st_mode)
		return 0;
	return chmod(path, want & 07777) < 0 ? -1 : 0;
}

int base_readable(const char *scratch, const char *base)
{
	if (chmod(scratch, 0711) < 0)
		return -1;
	return nftw(base, readable_by_all, 32, FTW_PHYS) == 0 ? 0 : -1;
}
