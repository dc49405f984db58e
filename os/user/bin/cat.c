/* cat [FILE...]: copy each FILE (or standard input, also for "-") to
 * standard output. Exit 0, or 1 if a file could not be read (the others
 * are still copied), 2 for --help misuse. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int copy(int fd, const char *name)
{
	static char buf[4096];
	long n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write_all(1, buf, n) < 0) {
			dprintf(2, "cat: write: %s\n", strerror(errno));
			return 1;
		}
	if (n < 0) {
		dprintf(2, "cat: %s: %s\n", name, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: cat [FILE...]\nCopy each FILE (standard input if none, or for \"-\") to standard output.\n"
		       "Exit status: 0, or 1 if a file could not be read.\n");
		return 0;
	}
	if (argc == 1)
		return copy(0, "standard input");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			status |= copy(0, "standard input");
			continue;
		}
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			dprintf(2, "cat: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		status |= copy(fd, argv[i]);
		close(fd);
	}
	return status;
}
