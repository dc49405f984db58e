/* sh: a small shell. Reads a line, splits it into words and operators, and
 * runs the commands: a program is looked up in $PATH (/bin by default) unless
 * its name holds a '/'. A non-zero result shows as "[exit N]" or
 * "[killed by SIGSEGV]". Builtins: exit [N], help, echo, cd.
 *
 * A line is a list of pipelines joined by ';' (run one after the other) or
 * '&&' (run the next only if the last succeeded); a pipeline is commands
 * joined by '|', each one's standard output the next one's input; a command
 * may redirect its input from a file ('< FILE') and its output to a file
 * ('> FILE' truncates, '>> FILE' appends). "$?" is the status of the last
 * pipeline (that of its last command).
 *
 * Words are separated by spaces or tabs; '...' keeps everything literally,
 * "..." keeps spaces and honours backslash escapes, a backslash outside quotes
 * takes the next character literally, and # starts a comment; a quoted
 * operator is an ordinary word.
 *
 * Job control, when reading commands from a terminal (as an interactive
 * POSIX shell does): the shell has a process group of its own and ignores
 * SIGINT, SIGQUIT, SIGTSTP, SIGTTIN and SIGTTOU; each pipeline runs in a
 * new process group, the first command's, which gets the terminal
 * (tcsetpgrp) until the pipeline ends or stops, so ^C, ^\ and ^Z reach it
 * and not the shell; then the shell takes the terminal back. A stopped
 * pipeline is reported ("[stopped by SIGTSTP]") and left stopped: there are
 * no fg, bg or jobs builtins. The kernel's console is expected to echo
 * input and handle backspace itself; read_line() still drops a raw
 * backspace/DEL with the character before it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410

/* Job control is on (interactive, stdin a terminal); the shell's group. */
static int job_control;
static int shell_pgrp;

static const int job_signals[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

static void set_job_signals(sighandler_t h)
{
	for (unsigned i = 0; i < sizeof(job_signals) / sizeof(job_signals[0]); i++)
		signal(job_signals[i], h);
}

/* Give the terminal to process group pgrp. */
static void give_terminal(int pgrp)
{
	if (job_control)
		sys_ioctl(0, TIOCSPGRP, &pgrp);
}

/* An interactive shell on a terminal: its own group, the terminal's
 * foreground, the job-control signals ignored. */
static void start_job_control(void)
{
	int pgrp;
	if (sys_ioctl(0, TIOCGPGRP, &pgrp) < 0)
		return;
	job_control = 1;
	set_job_signals(SIG_IGN);
	sys_setpgid(0, 0);          /* fails for a session leader: it has its group */
	shell_pgrp = (int)sys_getpgid(0);
	give_terminal(shell_pgrp);
}

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
		    "$PATH (default /bin). Builtins: exit [N], help, echo [WORD...], cd [DIR].\n"
		    "Operators: A | B (pipe), A ; B, A && B, < FILE, > FILE, >> FILE; $? is\n"
		    "the last status.\n"
		    "Exit status: that of the last command (128+N if signal N killed it),\n"
		    "2 for a usage error, 126 if a program cannot run, 127 if it is not found.\n");
}

/* Token kinds: a word, or one of the operators. */
enum { T_WORD, T_PIPE, T_SEMI, T_AND, T_IN, T_OUT, T_APPEND };

/* "$?" outside single quotes is kept as this byte until the command runs. */
#define STATUS_MARK '\001'

/* Split line into tokens: words[i] points into a static buffer (NULL for an
 * operator), kinds[i] says which. Returns the token count, or -1 with a
 * message. */
static int tokenize(char *line, char **words, int *kinds, int max)
{
	static char expanded[MAX_LINE * 2];
	char *in = line, *out = expanded;
	char *end = expanded + sizeof(expanded) - 16;
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
		int op = -1, oplen = 1;
		if (*in == '|')
			op = T_PIPE;
		else if (*in == ';')
			op = T_SEMI;
		else if (in[0] == '&' && in[1] == '&')
			op = T_AND, oplen = 2;
		else if (*in == '<')
			op = T_IN;
		else if (in[0] == '>' && in[1] == '>')
			op = T_APPEND, oplen = 2;
		else if (*in == '>')
			op = T_OUT;
		if (op >= 0) {
			words[count] = NULL;
			kinds[count++] = op;
			in += oplen;
			continue;
		}
		words[count] = out;
		kinds[count++] = T_WORD;
		while (*in && *in != ' ' && *in != '\t' && !strchr("|;<>#", *in) &&
		       !(in[0] == '&' && in[1] == '&')) {
			char quote = *in;

			if (out >= end) {
				dprintf(2, "sh: line too long\n");
				return -1;
			}
			if (quote == '\'' || quote == '"') {
				in++;
				while (*in && *in != quote && out < end) {
					if (quote == '"' && *in == '$' && in[1] == '?') {
						*out++ = STATUS_MARK;
						in += 2;
						continue;
					}
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
			} else if (*in == '$' && in[1] == '?') {
				*out++ = STATUS_MARK;
				in += 2;
			} else {
				*out++ = *in++;
			}
		}
		*out++ = '\0';
	}
	words[count] = NULL;
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

/* One command of a pipeline: its words and redirections. */
struct command {
	char *argv[MAX_WORDS];
	int argc;
	const char *in, *out;
	int append;
};

static int shell_status(int status)
{
	if (WIFSTOPPED(status))
		return 128 + WSTOPSIG(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int builtin_echo(char **argv)
{
	int i;

	for (i = 1; argv[i]; i++)
		printf("%s%s", argv[i], argv[i + 1] ? " " : "");
	printf("\n");
	return 0;
}

static int is_builtin(const char *name)
{
	return !strcmp(name, "echo") || !strcmp(name, "help") || !strcmp(name, "exit") ||
	       !strcmp(name, "cd");
}

/* Run a builtin in this process; *done is set by `exit`. */
static int run_builtin(struct command *c, int last_status, int *done)
{
	char **argv = c->argv;

	if (strcmp(argv[0], "exit") == 0) {
		char *end;
		long n = c->argc > 1 ? strtol(argv[1], &end, 10) : last_status;

		if (c->argc > 2 || (c->argc == 2 && (*end || end == argv[1]))) {
			dprintf(2, "sh: usage: exit [N] (N a number)\n");
			return STATUS_USAGE;
		}
		*done = 1;
		return (int)(n & 0xff);
	}
	if (strcmp(argv[0], "cd") == 0) {
		const char *dir = c->argc > 1 ? argv[1] : "/";
		if (chdir(dir) < 0) {
			dprintf(2, "sh: cd: %s: %s\n", dir, strerror(errno));
			return 1;
		}
		return 0;
	}
	if (strcmp(argv[0], "help") == 0) {
		printf("builtins: exit [N], help, echo [WORD...], cd [DIR]\n"
		       "operators: A | B, A ; B, A && B, < FILE, > FILE, >> FILE, $?\n"
		       "programs in /bin: %s\n", USER_PROGRAM_LIST);
		return 0;
	}
	return builtin_echo(argv);
}

/* In a child: set up the redirections; exit 1 if a file cannot be opened. */
static void redirect(struct command *c)
{
	if (c->in) {
		int fd = open(c->in, O_RDONLY);
		if (fd < 0) {
			dprintf(2, "sh: %s: %s\n", c->in, strerror(errno));
			_exit(1);
		}
		dup2(fd, 0);
		close(fd);
	}
	if (c->out) {
		int fd = open(c->out, O_WRONLY | O_CREAT | (c->append ? O_APPEND : O_TRUNC), 0644);
		if (fd < 0) {
			dprintf(2, "sh: %s: %s\n", c->out, strerror(errno));
			_exit(1);
		}
		dup2(fd, 1);
		close(fd);
	}
}

/* Run a pipeline of n commands and wait for all of them; returns the last
 * one's shell status. */
static int run_pipeline(struct command *cmds, int n, int last_status, int verbose, int *done)
{
	pid_t pids[MAX_WORDS];
	int prev_read = -1, status = 0, i, pgrp = 0;
	char text[64];

	/* A lone builtin without redirections runs in the shell itself (so that
	 * exit and cd work). */
	if (n == 1 && is_builtin(cmds[0].argv[0]) && !cmds[0].in && !cmds[0].out)
		return run_builtin(&cmds[0], last_status, done);
	for (i = 0; i < n; i++) {
		int p[2] = { -1, -1 };

		if (i + 1 < n && pipe(p) < 0) {
			dprintf(2, "sh: pipe: %s\n", strerror(errno));
			break;
		}
		pids[i] = fork();
		if (pids[i] < 0) {
			dprintf(2, "sh: fork: %s\n", strerror(errno));
			if (p[0] >= 0) {
				close(p[0]);
				close(p[1]);
			}
			break;
		}
		if (job_control) {
			/* Both sides set the group and give it the terminal, so
			 * that neither has to wait for the other (as POSIX
			 * shells do). */
			if (pids[i] == 0) {
				sys_setpgid(0, pgrp);
				if (!pgrp)
					give_terminal((int)sys_getpid());
				set_job_signals(SIG_DFL);
			} else {
				if (!pgrp)
					pgrp = pids[i];
				sys_setpgid(pids[i], pgrp);
				give_terminal(pgrp);
			}
		}
		if (pids[i] == 0) {
			if (prev_read >= 0) {
				dup2(prev_read, 0);
				close(prev_read);
			}
			if (p[1] >= 0) {
				dup2(p[1], 1);
				close(p[1]);
				close(p[0]);
			}
			redirect(&cmds[i]);
			if (is_builtin(cmds[i].argv[0])) {
				int dummy = 0;
				exit(run_builtin(&cmds[i], last_status, &dummy));
			}
			exec_program(cmds[i].argv);
		}
		if (prev_read >= 0)
			close(prev_read);
		if (p[1] >= 0)
			close(p[1]);
		prev_read = p[0];
	}
	if (prev_read >= 0)
		close(prev_read);
	int started = i;
	for (i = 0; i < started; i++) {
		pid_t got;
		int st = 0;

		do
			got = wait4(pids[i], &st, job_control ? WUNTRACED : 0, NULL);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			dprintf(2, "sh: wait4: %s\n", strerror(errno));
			st = STATUS_CANNOT_RUN << 8;
		}
		if (i == n - 1)
			status = st;
	}
	give_terminal(shell_pgrp);
	if (started < n)
		return STATUS_CANNOT_RUN;
	if (verbose && status != 0)
		printf("[%s]\n", describe_wait_status(status, text, sizeof(text)));
	return shell_status(status);
}

/* word with each STATUS_MARK replaced by status, in pool (advanced). */
static char *expand(char *word, int status, char **pool, char *pool_end)
{
	if (!strchr(word, STATUS_MARK))
		return word;
	char *start = *pool, *out = *pool;
	for (; *word && out + 12 < pool_end; word++) {
		if (*word == STATUS_MARK)
			out += snprintf(out, 12, "%d", status);
		else
			*out++ = *word;
	}
	*out++ = '\0';
	*pool = out;
	return start;
}

/* Run one line. *done is set by `exit`. */
static int run_line(char *line, int last_status, int verbose, int *done)
{
	char *words[MAX_WORDS];
	int kinds[MAX_WORDS];
	static struct command cmds[16];
	int count = tokenize(line, words, kinds, MAX_WORDS);
	int status = last_status, i = 0;
	static char pool[MAX_LINE * 4];

	if (count < 0)
		return STATUS_USAGE;
	while (i < count && !*done) {
		/* Parse one pipeline: up to ';', '&&' or the end. */
		int n = 0;
		char *pool_at = pool;
		memset(&cmds[0], 0, sizeof(cmds[0]));
		for (; i < count && kinds[i] != T_SEMI && kinds[i] != T_AND; i++) {
			struct command *c = &cmds[n];
			if (kinds[i] == T_WORD) {
				if (c->argc == MAX_WORDS - 1) {
					dprintf(2, "sh: too many words\n");
					return STATUS_USAGE;
				}
				c->argv[c->argc++] = expand(words[i], status, &pool_at, pool + sizeof(pool));
				c->argv[c->argc] = NULL;
			} else if (kinds[i] == T_PIPE) {
				if (!c->argc || n + 1 == (int)(sizeof(cmds) / sizeof(cmds[0]))) {
					dprintf(2, "sh: syntax error near '|'\n");
					return STATUS_USAGE;
				}
				memset(&cmds[++n], 0, sizeof(cmds[0]));
			} else {
				if (i + 1 >= count || kinds[i + 1] != T_WORD) {
					dprintf(2, "sh: syntax error: a redirection needs a file name\n");
					return STATUS_USAGE;
				}
				int kind = kinds[i++];
				char *file = expand(words[i], status, &pool_at, pool + sizeof(pool));
				if (kind == T_IN)
					c->in = file;
				else {
					c->append = kind == T_APPEND;
					c->out = file;
				}
			}
		}
		if (!cmds[n].argc) {
			if (n > 0 || (i < count && kinds[i] == T_AND) || cmds[n].in || cmds[n].out) {
				dprintf(2, "sh: syntax error: a command is missing\n");
				return STATUS_USAGE;
			}
		} else {
			status = run_pipeline(cmds, n + 1, status, verbose, done);
		}
		/* '&&': skip the following pipelines while the status is non-zero. */
		while (i < count && kinds[i] == T_AND && status != 0) {
			for (i++; i < count && kinds[i] != T_SEMI && kinds[i] != T_AND; i++)
				;
		}
		if (i < count)
			i++;     /* the ';' or '&&' */
	}
	return status;
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
	start_job_control();
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
