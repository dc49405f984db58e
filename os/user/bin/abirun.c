/* abirun: run every program of a directory, one after another, framing
 * each one's output so that two runs can be compared line by line. The
 * linux-abi suite runs it on the host's Linux and as init on Ringside
 * (os/linux-abi/, docs/testing in docs/userspace.md).
 *
 *   == NAME
 *   ...what NAME printed...
 *   == NAME: exit N        (or: signal N)
 *   == done
 *
 * Each program runs with argv = { its path }, the environment PATH=/bin,
 * and the descriptors abirun has (0, 1, 2). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PROGS 64

int main(int argc, char **argv)
{
	static char names[MAX_PROGS][64];
	int n = 0;

	if (argc != 2 || !strcmp(argv[1], "--help")) {
		dprintf(argc == 2 ? 1 : 2,
			"usage: abirun DIR\nRun each program in DIR (sorted by name), framing its output:\n"
			"\"== NAME\", its lines, \"== NAME: exit N\" or \"signal N\"; then \"== done\".\n");
		return argc == 2 ? 0 : 2;
	}
	DIR *d = opendir(argv[1]);
	if (!d) {
		dprintf(2, "abirun: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	struct dirent *e;
	while ((e = readdir(d)) && n < MAX_PROGS) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(names[0]))
			continue;
		strcpy(names[n++], e->d_name);
	}
	closedir(d);
	for (int i = 1; i < n; i++)          /* insertion sort: a few names */
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char tmp[64];
			strcpy(tmp, names[j]);
			strcpy(names[j], names[j - 1]);
			strcpy(names[j - 1], tmp);
		}
	for (int i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		printf("== %s\n", names[i]);
		fflush_stdout();
		pid_t pid = fork();
		if (pid == 0) {
			char *cargv[] = { path, NULL };
			char *cenv[] = { "PATH=/bin", NULL };
			execve(path, cargv, cenv);
			dprintf(2, "abirun: cannot run %s: %s\n", path, strerror(errno));
			_exit(127);
		}
		int status = 0;
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			printf("== %s: not run\n", names[i]);
			continue;
		}
		if (WIFSIGNALED(status))
			printf("== %s: signal %d\n", names[i], WTERMSIG(status));
		else
			printf("== %s: exit %d\n", names[i], WEXITSTATUS(status));
	}
	printf("== done\n");
	return 0;
}
