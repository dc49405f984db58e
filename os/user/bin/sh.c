/* sh: a small shell. Reads a line, splits it into words, and runs the first
 * word as a program (looked up in $PATH, /bin by default, unless it holds a
 * '/'), waiting for it and showing a non-zero result as "[exit N]" or
 * "[killed by SIGSEGV]". Builtins: exit [N], help, echo.
 *
 * Words are separated by spaces or tabs; '...' keeps everything literally,
 * "..." keeps spaces and honours backslash escapes, a backslash outside quotes
 * takes the next character literally, and # starts a comment. The kernel's
 * console is expected to echo input and handle backspace itself; read_line()
 * still drops a raw backspace/DEL with the character before it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef USER_PROGRAM_LIST
#define USER_PROGRAM_LIST "hello"
#endif

#define MAX_LINE 1024
#define MAX_WORDS 64

enum { STATUS_USAGE = 2, STATUS_CANNOT_RUN = 126, STATUS_NOT_FOUND = 127 };

static void usage(int fd)
{
	dprintf(fd, "usage: sh [-c COMMAND]\n"
		    "Read commands from standard input (prompt \"$ \") until end of input or\n"
		    "`exit`, or run the one COMMAND given with -c. Programs are looked up in\n"
		    "$PATH (default /bin). Builtins: exit [N], help, echo [WORD...].\n"
		    "Exit status: that of the last command (128+N if signal N killed it),\n"
		    "2 for a usage error, 126 if a program cannot run, 127 if it is not found.\n");
}

/* Split line into words in place; argv gets NULL-terminated pointers into
 * line. Returns the word count, or -1 with a message for a bad line. */
static int split_words(char *line, char **argv, int max)
{
	char *in = line, *out = line;
	int count = 0;

	for (;;) {
		while (*in == ' ' || *in == '\t')
			in++;
		if (*in == '\0' || *in == '#')
			break;
		if (count == max - 1) {
			dprintf(2, "sh: too many words (at most %d)\n", max - 1);
			return -1;
		}
		argv[count++] = out;
		while (*in && *in != ' ' && *in != '\t') {
			char quote = *in;

			if (quote == '\'' || quote == '"') {
				in++;
				while (*in && *in != quote) {
					if (quote == '"' && *in == '\\' && in[1])
						in++;
					*out++ = *in++;
				}
				if (*in != quote) {
					dprintf(2, "sh: unterminated %c quote\n", quote);
					return -1;
				}
				in++;
			} else if (*in == '\\' && in[1]) {
				in++;
				*out++ = *in++;
			} else {
				*out++ = *in++;
			}
		}
		if (*in)
			in++;
		*out++ = '\0';
	}
	argv[count] = NULL;
	return count;
}

/* In the child: exec argv[0] from $PATH, or report why not and exit. */
static void exec_program(char **argv)
{
	execvp(argv[0], argv);
	int saved = errno;
	if (saved == ENOENT) {
		dprintf(2, "sh: %s: not found (try `help`)\n", argv[0]);
		_exit(STATUS_NOT_FOUND);
	}
	dprintf(2, "sh: %s: %s\n", argv[0], strerror(saved));
	_exit(STATUS_CANNOT_RUN);
}

/* Run one program and wait for it; returns its shell status. */
static int run_program(char **argv, int verbose)
{
	char text[64];
	pid_t pid = fork(), got;
	int status;

	if (pid < 0) {
		dprintf(2, "sh: fork: %s\n", strerror(errno));
		return STATUS_CANNOT_RUN;
	}
	if (pid == 0)
		exec_program(argv);
	do
		got = wait4(pid, &status, 0, NULL);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		dprintf(2, "sh: wait4: %s\n", strerror(errno));
		return STATUS_CANNOT_RUN;
	}
	if (verbose && status != 0)
		printf("[%s]\n", describe_wait_status(status, text, sizeof(text)));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Run one line. *done is set by `exit`. */
static int run_line(char *line, int last_status, int verbose, int *done)
{
	char *argv[MAX_WORDS];
	int argc = split_words(line, argv, MAX_WORDS), i;

	if (argc < 0)
		return STATUS_USAGE;
	if (argc == 0)
		return last_status;
	if (strcmp(argv[0], "exit") == 0) {
		char *end;
		long n = argc > 1 ? strtol(argv[1], &end, 10) : last_status;

		if (argc > 2 || (argc == 2 && (*end || end == argv[1]))) {
			dprintf(2, "sh: usage: exit [N] (N a number)\n");
			return STATUS_USAGE;
		}
		*done = 1;
		return (int)(n & 0xff);
	}
	if (strcmp(argv[0], "help") == 0) {
		printf("builtins: exit [N], help, echo [WORD...]\n"
		       "programs in /bin: %s\n", USER_PROGRAM_LIST);
		return 0;
	}
	if (strcmp(argv[0], "echo") == 0) {
		for (i = 1; i < argc; i++)
			printf("%s%s", argv[i], i + 1 < argc ? " " : "");
		printf("\n");
		return 0;
	}
	return run_program(argv, verbose);
}

int main(int argc, char **argv)
{
	char line[MAX_LINE];
	int status = 0, done = 0;
	long len;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage(1);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		if (argc != 3) {
			dprintf(2, "sh: -c needs exactly one COMMAND argument\n");
			usage(2);
			return STATUS_USAGE;
		}
		if (strlen(argv[2]) >= sizeof(line)) {
			dprintf(2, "sh: command longer than %d bytes\n", MAX_LINE - 1);
			return STATUS_USAGE;
		}
		strcpy(line, argv[2]);
		return run_line(line, 0, 0, &done);
	}
	if (argc > 1) {
		dprintf(2, "sh: unknown argument '%s'\n", argv[1]);
		usage(2);
		return STATUS_USAGE;
	}
	while (!done) {
		printf("$ ");
		fflush_stdout();
		len = read_line(line, sizeof(line));
		if (len == -1) {
			printf("\n");
			break;
		}
		if (len == -2) {
			dprintf(2, "sh: line longer than %d bytes: ignored\n", MAX_LINE - 1);
			status = STATUS_USAGE;
			continue;
		}
		status = run_line(line, status, 1, &done);
	}
	return status;
}
