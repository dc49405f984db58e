/* strace [-f] PROG ARGS...: run PROG under ptrace and print each system call
 * it makes, Linux strace style, on stderr:
 *
 *   write(1, "hello, world\n", 13) = 13
 *   getpid() = -1 ENOSYS (Function not implemented)
 *   exit_group(0) = ?
 *   +++ exited with 0 +++
 *
 * How: fork; the child asks to be traced (PTRACE_TRACEME), stops itself with
 * SIGSTOP and execs PROG. The parent sets PTRACE_O_TRACESYSGOOD, so syscall
 * stops report SIGTRAP | 0x80 and cannot be mistaken for a real SIGTRAP,
 * and resumes with PTRACE_SYSCALL: the tracee stops at every syscall entry
 * and exit. At entry we note the registers, at exit we read the result and
 * print the line, decoding arguments by the types of the generated syscall
 * list (strings and buffers are read from the tracee with PTRACE_PEEKDATA).
 *
 * Exit status: PROG's, or 128 + N if a signal N killed it; 1 if strace itself
 * could not run it; 2 for a usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/sysnames.h>
#include <sys/wait.h>
#include <unistd.h>

/* Linux's fork-following option and event; Ringside's ptrace has neither
 * (PTRACE_SETOPTIONS refuses it), so -f then traces only PROG itself. */
#define PTRACE_O_TRACEFORK  0x00000002
#define PTRACE_EVENT_FORK   1

#define STRING_LIMIT 32      /* strace's default -s 32 */
#define MAX_TRACEES  32

struct tracee {
	pid_t pid;
	int in_syscall;                 /* between the entry and exit stops */
	int swallow_exec_trap;          /* the SIGTRAP a successful execve sends */
	struct user_regs_struct entry;  /* the registers at the entry stop */
	/* The arguments read at entry (before execve replaces the memory
	 * they point into); read buffers are filled in at exit. */
	char args[6][STRING_LIMIT * 4 + 8];
};

static struct tracee tracees[MAX_TRACEES];
static int follow_forks;
static int several;                 /* more than one tracee seen: prefix [pid N] */

/* The output line being built; written to stderr in one go. */
static char line[1024];
static size_t line_len;

static void out(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void out(const char *fmt, ...)
{
	va_list ap;

	if (line_len >= sizeof(line) - 1)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(line + line_len, sizeof(line) - line_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		line_len += (size_t)n < sizeof(line) - line_len ? (size_t)n : sizeof(line) - 1 - line_len;
}

static void start_line(pid_t pid)
{
	line_len = 0;
	if (several)
		out("[pid %d] ", pid);
}

static void end_line(void)
{
	if (line_len >= sizeof(line) - 1)
		line_len = sizeof(line) - 2;
	line[line_len++] = '\n';
	write_all(2, line, line_len);
	line_len = 0;
}

/* Copy up to n bytes of tracee memory at addr; returns how many could be
 * read (a word at a time, stopping at the first unreadable word). */
static size_t peek_bytes(pid_t pid, unsigned long addr, char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		unsigned long word;
		unsigned long at = addr + done;
		unsigned long aligned = at & ~7UL;

		if (ptrace(PTRACE_PEEKDATA, pid, (void *)aligned, &word) < 0)
			break;
		for (size_t i = at - aligned; i < 8 && done < n; i++)
			buf[done++] = ((char *)&word)[i];
	}
	return done;
}

/* Print bytes as a C string literal, strace's escapes. */
static void out_quoted(const char *s, size_t n, int truncated)
{
	out("\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\n': out("\\n"); break;
		case '\t': out("\\t"); break;
		case '\r': out("\\r"); break;
		case '\v': out("\\v"); break;
		case '\f': out("\\f"); break;
		case '\\': out("\\\\"); break;
		case '"':  out("\\\""); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				out("%c", c);
			else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7')
				out("\\%03o", c);    /* a digit follows: keep the escape whole */
			else
				out("\\%o", c);
		}
	}
	out("\"%s", truncated ? "..." : "");
}

static void out_pointer(unsigned long p)
{
	if (p)
		out("0x%lx", p);
	else
		out("NULL");
}

/* A NUL-terminated string in the tracee. */
static void out_string(pid_t pid, unsigned long addr)
{
	char buf[STRING_LIMIT + 1];
	size_t n, len;

	if (!addr) {
		out("NULL");
		return;
	}
	n = peek_bytes(pid, addr, buf, sizeof(buf));
	len = strnlen(buf, n);
	if (len == n && n < sizeof(buf)) {  /* could not read up to the NUL */
		out_pointer(addr);
		return;
	}
	out_quoted(buf, len < STRING_LIMIT ? len : STRING_LIMIT, len > STRING_LIMIT);
}

/* A buffer of count bytes in the tracee. */
static void out_buffer(pid_t pid, unsigned long addr, unsigned long count)
{
	char buf[STRING_LIMIT];
	size_t want = count < STRING_LIMIT ? count : STRING_LIMIT;

	if (!addr && count) {
		out("NULL");
		return;
	}
	if (peek_bytes(pid, addr, buf, want) < want) {
		out_pointer(addr);
		return;
	}
	out_quoted(buf, want, count > STRING_LIMIT);
}

static unsigned long argument(const struct user_regs_struct *r, int i)
{
	const unsigned long regs[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };

	return regs[i];
}

static void out_argument(pid_t pid, const struct syscall_info *info, int i,
			 const struct user_regs_struct *entry, long result)
{
	unsigned long v = argument(entry, i);
	unsigned long next = i + 1 < 6 ? argument(entry, i + 1) : 0;

	switch (info->types[i]) {
	case SYSARG_int:
	case SYSARG_fd:
	case SYSARG_pid:
		out("%d", (int)v);
		break;
	case SYSARG_uint:
		out("%u", (unsigned)v);
		break;
	case SYSARG_long:
		out("%ld", (long)v);
		break;
	case SYSARG_ulong:
	case SYSARG_size:
		out("%lu", v);
		break;
	case SYSARG_hex:
		out("%#lx", v);
		break;
	case SYSARG_flags:
		if (v)
			out("%#lx", v);
		else
			out("0");
		break;
	case SYSARG_sig:
		if ((int)v >= 1 && (int)v < 32)
			out("%s", signal_name((int)v));
		else
			out("%d", (int)v);
		break;
	case SYSARG_ptr:
		out_pointer(v);
		break;
	case SYSARG_str:
		out_string(pid, v);
		break;
	case SYSARG_wbuf:
		out_buffer(pid, v, next);
		break;
	case SYSARG_rbuf:
		/* Read after the call: what the kernel wrote, result bytes long. */
		if (result >= 0 && !syscall_failed(result))
			out_buffer(pid, v, (unsigned long)result);
		else
			out_pointer(v);
		break;
	}
}

/* Format argument i into t->args[i] (input arguments, at entry). */
static void save_argument(struct tracee *t, const struct syscall_info *info, int i)
{
	line_len = 0;
	out_argument(t->pid, info, i, &t->entry, -1);
	line[line_len] = 0;
	snprintf(t->args[i], sizeof(t->args[i]), "%s", line);
	line_len = 0;
}

static void save_arguments(struct tracee *t)
{
	const struct syscall_info *info = syscall_info_64((long)t->entry.orig_rax);

	for (int i = 0; info && i < info->nargs; i++)
		if (info->types[i] != SYSARG_rbuf)
			save_argument(t, info, i);
}

/* "name(args" for the call whose entry registers are saved. */
static void out_call(struct tracee *t, long result, int finished)
{
	long nr = (long)t->entry.orig_rax;
	const struct syscall_info *info = syscall_info_64(nr);

	if (!info) {
		out("syscall_%#lx(", (unsigned long)nr);
		for (int i = 0; i < 6; i++)
			out("%s%#lx", i ? ", " : "", argument(&t->entry, i));
		return;
	}
	out("%s(", info->name);
	for (int i = 0; i < info->nargs; i++) {
		if (i)
			out(", ");
		if (info->types[i] == SYSARG_rbuf && finished)
			out_argument(t->pid, info, i, &t->entry, result);
		else if (info->types[i] == SYSARG_rbuf)
			out_pointer(argument(&t->entry, i));
		else
			out("%s", t->args[i]);
	}
}

static void out_result(long result)
{
	if (syscall_failed(result)) {
		const char *name = errno_name((int)-result);

		if (name)
			out(") = -1 %s (%s)", name, strerror((int)-result));
		else
			out(") = -1 E%ld", -result);
	} else if ((unsigned long)result >= 0x100000UL) {
		out(") = %#lx", (unsigned long)result);   /* an address: brk, mmap */
	} else {
		out(") = %ld", result);
	}
}

static struct tracee *find_tracee(pid_t pid)
{
	for (int i = 0; i < MAX_TRACEES; i++)
		if (tracees[i].pid == pid)
			return &tracees[i];
	return NULL;
}

static struct tracee *add_tracee(pid_t pid)
{
	struct tracee *t = find_tracee(0);

	if (t) {
		memset(t, 0, sizeof(*t));
		t->pid = pid;
	}
	return t;
}

static int count_tracees(void)
{
	int n = 0;

	for (int i = 0; i < MAX_TRACEES; i++)
		n += tracees[i].pid != 0;
	return n;
}

static void syscall_stop(struct tracee *t)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, t->pid, NULL, &regs) < 0) {
		dprintf(2, "strace: PTRACE_GETREGS of %d failed: %s\n", t->pid, strerror(errno));
		return;
	}
	if (!t->in_syscall) {
		t->entry = regs;
		t->in_syscall = 1;
		save_arguments(t);
		return;
	}
	t->in_syscall = 0;
	start_line(t->pid);
	out_call(t, (long)regs.rax, 1);
	out_result((long)regs.rax);
	end_line();
	if (t->entry.orig_rax == (unsigned long)__NR_execve && !syscall_failed((long)regs.rax))
		t->swallow_exec_trap = 1;
}

/* The tracee is gone: finish a call that never returned (exit_group). */
static void tracee_ended(struct tracee *t, int status)
{
	if (t->in_syscall) {
		start_line(t->pid);
		out_call(t, 0, 0);
		out(") = ?");
		end_line();
	}
	start_line(t->pid);
	if (WIFEXITED(status))
		out("+++ exited with %d +++", WEXITSTATUS(status));
	else
		out("+++ killed by %s +++", signal_name(WTERMSIG(status)));
	end_line();
	t->pid = 0;
}

static int usage(int status)
{
	dprintf(status ? 2 : 1,
		"usage: strace [-f] PROG [ARGS...]\n"
		"Run PROG (a path, or a name looked up in $PATH) under ptrace and print each\n"
		"system call it makes on stderr, with its arguments and result.\n"
		"  -f  follow forked children too (needs PTRACE_O_TRACEFORK; Ringside's\n"
		"      ptrace has none, so there only PROG itself is traced)\n"
		"Exit status: PROG's, 128+N if signal N killed it, 1 if PROG could not be\n"
		"started, 2 for a usage error.\n");
	return status;
}

int main(int argc, char **argv)
{
	int first = 1;
	char text[256];

	while (first < argc && argv[first][0] == '-') {
		if (strcmp(argv[first], "-f") == 0)
			follow_forks = 1;
		else if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0)
			return usage(0);
		else if (strcmp(argv[first], "--") == 0) {
			first++;
			break;
		} else {
			dprintf(2, "strace: unknown option %s\n", argv[first]);
			return usage(2);
		}
		first++;
	}
	if (first >= argc) {
		dprintf(2, "strace: no program given\n");
		return usage(2);
	}
	pid_t pid = fork();
	if (pid < 0) {
		dprintf(2, "strace: fork failed: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
			dprintf(2, "strace: PTRACE_TRACEME failed: %s\n", strerror(errno));
			_exit(1);
		}
		raise(SIGSTOP);     /* let the parent set options before execve */
		execvp(argv[first], argv + first);
		dprintf(2, "strace: cannot run %s: %s\n", argv[first], strerror(errno));
		_exit(1);
	}

	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		dprintf(2, "strace: the child did not stop for tracing (%s)\n",
			describe_wait_status(status, text, sizeof(text)));
		return 1;
	}
	long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL;
	if (follow_forks && ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(options | PTRACE_O_TRACEFORK)) == 0) {
		options |= PTRACE_O_TRACEFORK;
	} else {
		if (follow_forks)
			dprintf(2, "strace: -f: this kernel cannot follow forks (%s); tracing %s only\n",
				strerror(errno), argv[first]);
		if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)options) < 0) {
			dprintf(2, "strace: PTRACE_SETOPTIONS failed: %s\n", strerror(errno));
			kill(pid, SIGKILL);
			return 1;
		}
	}
	add_tracee(pid);
	ptrace(PTRACE_SYSCALL, pid, NULL, NULL);

	int result = 1;
	while (count_tracees() > 0) {
		pid_t who = wait4(-1, &status, 0, NULL);
		if (who < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		struct tracee *t = find_tracee(who);
		if (!t) {
			if (!WIFSTOPPED(status))
				continue;       /* a child we never traced */
			t = add_tracee(who);   /* a new fork: it starts with SIGSTOP */
			several = 1;
			if (!t) {
				ptrace(PTRACE_DETACH, who, NULL, NULL);
				continue;
			}
			ptrace(PTRACE_SYSCALL, who, NULL, NULL);
			continue;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (who == pid)
				result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			tracee_ended(t, status);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		int sig = WSTOPSIG(status);
		long deliver = 0;
		if (sig == (SIGTRAP | 0x80)) {
			syscall_stop(t);
		} else if (sig == SIGTRAP && (status >> 16) == PTRACE_EVENT_FORK) {
			several = 1;            /* the parent's fork event: just go on */
		} else if (sig == SIGTRAP && t->swallow_exec_trap) {
			t->swallow_exec_trap = 0;
		} else {
			start_line(who);
			out("--- %s ---", signal_name(sig));
			end_line();
			deliver = sig;
		}
		ptrace(PTRACE_SYSCALL, who, NULL, (void *)deliver);
	}
	return result;
}
