/* ls [-a] [-l] [PATH...]: list directories (their entries sorted by name,
 * one per line, dot files only with -a) and name other files; -l adds the
 * type and mode, the link count and the size. Exit 0, 1 if a PATH could not
 * be read, 2 for a bad option. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int all, longfmt;

static void mode_string(unsigned mode, char *out)
{
	const char *rwx = "rwxrwxrwx";
	out[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : S_ISCHR(mode) ? 'c' : S_ISFIFO(mode) ? 'p' : '-';
	for (int i = 0; i < 9; i++)
		out[i + 1] = mode & (0400 >> i) ? rwx[i] : '-';
	out[10] = '\0';
}

static void show(const char *dir, const char *name)
{
	if (!longfmt) {
		printf("%s\n", name);
		return;
	}
	char path[512], mode[11];
	struct stat st;
	if (dir)
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	else
		snprintf(path, sizeof(path), "%s", name);
	if (lstat(path, &st) < 0) {
		printf("?????????? %s\n", name);
		return;
	}
	mode_string(st.st_mode, mode);
	printf("%s %2lu %8ld %s\n", mode, st.st_nlink, st.st_size, name);
}

static int cmp_names(const char *a, const char *b) { return strcmp(a, b); }

static int list(const char *path, int header)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		dprintf(2, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		show(NULL, path);
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		dprintf(2, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char **names = NULL;
	int n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && !all)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				dprintf(2, "ls: out of memory\n");
				return 1;
			}
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	for (int i = 1; i < n; i++)          /* insertion sort */
		for (int j = i; j > 0 && cmp_names(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	if (header)
		printf("%s:\n", path);
	for (int i = 0; i < n; i++) {
		show(path, names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

int main(int argc, char **argv)
{
	int first = 1, status = 0;

	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		if (!strcmp(argv[first], "--help")) {
			printf("usage: ls [-a] [-l] [PATH...]\nList each directory's entries sorted by name (default: .),\n"
			       "or name each file. -a: show dot files too; -l: type and mode, links, size.\n"
			       "Exit status: 0, 1 if a PATH could not be read, 2 for a bad option.\n");
			return 0;
		}
		for (const char *o = argv[first] + 1; *o; o++) {
			if (*o == 'a')
				all = 1;
			else if (*o == 'l')
				longfmt = 1;
			else {
				dprintf(2, "ls: unknown option -%c (try --help)\n", *o);
				return 2;
			}
		}
	}
	if (first == argc)
		return list(".", 0);
	for (int i = first; i < argc; i++)
		status |= list(argv[i], argc - first > 1);
	return status;
}
