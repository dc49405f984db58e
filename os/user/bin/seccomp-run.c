/* seccomp-run: run a program under a seccomp filter built from the command
 * line, to see each seccomp action from the outside:
 *
 *   seccomp-run --rule getpid=errno:1 -- /bin/systest
 *   seccomp-run --default kill --rule write=allow --rule exit_group=allow -- /bin/hello
 *
 * The filter is classic BPF over struct seccomp_data:
 *   load arch;  if arch != x86_64: kill    (left out with --any-arch)
 *   load nr;    if nr == RULE1: ACTION1 ...
 *   DEFAULT
 * Syscall names come from the generated syscall list. ACTION is allow, kill,
 * trap (SIGSYS), errno:N (the call fails with -N) or trace:N (a tracer with
 * PTRACE_O_TRACESECCOMP decides; with none the call fails ENOSYS).
 * --strict enters strict mode instead (only read, write, exit, rt_sigreturn):
 * the execve of PROG is then itself refused and the kernel kills with SIGKILL.
 *
 * Exit status: PROG's (it replaces this program); 1 if the filter could not
 * be installed or PROG not run; 2 for a usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/seccomp.h>
#include <sys/sysnames.h>
#include <unistd.h>

#define MAX_RULES 64

struct rule {
	long nr;
	unsigned int action;
};

static int usage(int status)
{
	dprintf(status ? 2 : 1,
		"usage: seccomp-run [--default ACTION] [--rule NAME=ACTION]... [--any-arch]\n"
		"                   [--dump] -- PROG [ARGS...]\n"
		"       seccomp-run --strict -- PROG [ARGS...]\n"
		"Run PROG under a seccomp filter: each --rule gives the action for one system\n"
		"call (a name from the syscall list, or a number), --default (allow if not\n"
		"given) the action for the others. ACTION: allow, kill, trap, errno:N, trace:N.\n"
		"The filter kills a call from another architecture (int $0x80) unless\n"
		"--any-arch. --dump prints the BPF program on stderr. --strict enters strict\n"
		"mode (read, write, exit, rt_sigreturn only) instead: the execve of PROG is\n"
		"then refused, and the kernel kills seccomp-run with SIGKILL.\n"
		"Exit status: PROG's; 1 if the filter or PROG failed; 2 for a usage error.\n");
	return status;
}

/* "errno:13" -> SECCOMP_RET_ERRNO | 13; returns -1 if not an action. */
static long parse_action(const char *s)
{
	const char *colon = strchr(s, ':');
	unsigned long data = 0;

	if (colon) {
		char *end;

		data = strtoul(colon + 1, &end, 0);
		if (end == colon + 1 || *end || data > SECCOMP_RET_DATA)
			return -1;
	}
	size_t len = colon ? (size_t)(colon - s) : strlen(s);
	if (len == 5 && strncmp(s, "allow", 5) == 0 && !colon)
		return SECCOMP_RET_ALLOW;
	if (len == 4 && strncmp(s, "kill", 4) == 0 && !colon)
		return SECCOMP_RET_KILL;
	if (len == 4 && strncmp(s, "trap", 4) == 0)
		return SECCOMP_RET_TRAP | data;
	if (len == 5 && strncmp(s, "errno", 5) == 0 && colon)
		return SECCOMP_RET_ERRNO | data;
	if (len == 5 && strncmp(s, "trace", 5) == 0)
		return SECCOMP_RET_TRACE | data;
	return -1;
}

static long parse_syscall(const char *name)
{
	char *end;
	long nr = syscall_number_64(name);

	if (nr >= 0)
		return nr;
	nr = strtol(name, &end, 0);
	if (end != name && !*end && nr >= 0)
		return nr;
	return -1;
}

static void dump(const struct sock_filter *f, int n)
{
	for (int i = 0; i < n; i++)
		dprintf(2, "%3d: code=%#06x jt=%u jf=%u k=%#x\n", i, f[i].code, f[i].jt, f[i].jf, f[i].k);
}

int main(int argc, char **argv)
{
	struct rule rules[MAX_RULES];
	int nrules = 0, any_arch = 0, strict = 0, want_dump = 0, i;
	long default_action = SECCOMP_RET_ALLOW;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return usage(0);
		if (strcmp(a, "--any-arch") == 0) {
			any_arch = 1;
		} else if (strcmp(a, "--strict") == 0) {
			strict = 1;
		} else if (strcmp(a, "--dump") == 0) {
			want_dump = 1;
		} else if (strcmp(a, "--default") == 0 && i + 1 < argc) {
			default_action = parse_action(argv[++i]);
			if (default_action < 0) {
				dprintf(2, "seccomp-run: unknown action '%s' (allow, kill, trap, errno:N, trace:N; N is 0..65535)\n", argv[i]);
				return 2;
			}
		} else if (strcmp(a, "--rule") == 0 && i + 1 < argc) {
			char spec[128];
			char *eq;

			snprintf(spec, sizeof(spec), "%s", argv[++i]);
			eq = strchr(spec, '=');
			if (!eq) {
				dprintf(2, "seccomp-run: --rule wants NAME=ACTION, got '%s'\n", argv[i]);
				return 2;
			}
			*eq = 0;
			if (nrules == MAX_RULES) {
				dprintf(2, "seccomp-run: at most %d rules\n", MAX_RULES);
				return 2;
			}
			rules[nrules].nr = parse_syscall(spec);
			if (rules[nrules].nr < 0) {
				dprintf(2, "seccomp-run: unknown system call '%s' (not in the syscall list)\n", spec);
				return 2;
			}
			long action = parse_action(eq + 1);
			if (action < 0) {
				dprintf(2, "seccomp-run: unknown action '%s' (allow, kill, trap, errno:N, trace:N; N is 0..65535)\n", eq + 1);
				return 2;
			}
			rules[nrules++].action = (unsigned int)action;
		} else if (strcmp(a, "--default") == 0 || strcmp(a, "--rule") == 0) {
			dprintf(2, "seccomp-run: %s needs an argument\n", a);
			return usage(2);
		} else {
			dprintf(2, "seccomp-run: unknown option '%s'\n", a);
			return usage(2);
		}
	}
	if (i >= argc) {
		dprintf(2, "seccomp-run: no program given (put it after --)\n");
		return usage(2);
	}
	if (strict && nrules) {
		dprintf(2, "seccomp-run: --strict takes no --rule\n");
		return 2;
	}

	if (strict) {
		/* A demonstration: strict mode allows no execve, so the kernel
		 * kills us with SIGKILL right at the call. */
		static const char msg[] = "seccomp-run: strict mode on; execve is not allowed: expect SIGKILL\n";
		fflush_stdout();
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) < 0) {
			dprintf(2, "seccomp-run: PR_SET_SECCOMP strict failed: %s\n", strerror(errno));
			return 1;
		}
		write(2, msg, sizeof(msg) - 1);
		execvp(argv[i], argv + i);
		return 1;   /* not reached: the kernel killed us */
	}

	struct sock_filter prog[4 + 2 * MAX_RULES + 1];
	int n = 0;
	if (!any_arch) {
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH);
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL);
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR);
	for (int r = 0; r < nrules; r++) {
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, rules[r].nr, 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, rules[r].action);
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, default_action);
	if (want_dump)
		dump(prog, n);

	struct sock_fprog fprog = { .len = (unsigned short)n, .filter = prog };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		dprintf(2, "seccomp-run: PR_SET_NO_NEW_PRIVS failed: %s\n", strerror(errno));
		return 1;
	}
	if (seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
		dprintf(2, "seccomp-run: installing the filter failed: %s\n", strerror(errno));
		return 1;
	}
	execvp(argv[i], argv + i);
	dprintf(2, "seccomp-run: cannot run %s: %s (is execve allowed by the filter?)\n", argv[i],
		strerror(errno));
	return 1;
}
