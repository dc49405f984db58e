/* auditctl: control per-task syscall auditing (TIF_SYSCALL_AUDIT) and read
 * the kernel's audit records, through Ringside's ringside_audit() call.
 *
 *   auditctl -e [PID]     enable auditing of PID (default: auditctl's parent)
 *   auditctl -d [PID]     disable it
 *   auditctl -s PID       print whether PID is audited
 *   auditctl -l           print (and consume) every record, one per line:
 *     type=SYSCALL_ENTRY arch=x86_64 pid=5 nr=1(write) a0=0x1 a1=0x4010a0 a2=0xd a3=0x0
 *     type=SYSCALL_EXIT arch=x86_64 pid=5 nr=1(write) result=13 success=yes
 *   auditctl -r PROG ARGS...  run PROG audited, then print its records
 *
 * Exit status: 0; PROG's for -r; 1 if the kernel refused (the message says
 * why; on Linux every call fails ENOSYS); 2 for a usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ringside.h>
#include <sys/seccomp.h>
#include <sys/sysnames.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(int status)
{
	dprintf(status ? 2 : 1,
		"usage: auditctl -e [PID] | -d [PID] | -s PID | -l | -r PROG [ARGS...]\n"
		"Per-task syscall auditing (Ringside's ringside_audit call):\n"
		"  -e [PID]   enable auditing of PID (default: the calling shell, our parent)\n"
		"  -d [PID]   disable it\n"
		"  -s PID     print 'audited' or 'not audited'\n"
		"  -l         print and consume the records in the kernel's ring buffer\n"
		"  -r PROG    run PROG (with its ARGS) audited, then print its records\n"
		"Exit status: 0 (PROG's for -r), 1 if the kernel refused, 2 for a usage error.\n");
	return status;
}

static int fail(const char *what)
{
	dprintf(2, "auditctl: %s: %s%s\n", what, strerror(errno),
		errno == ENOSYS ? " (auditing needs the Ringside kernel)" : "");
	return 1;
}

static const char *syscall_name(unsigned int arch, int nr)
{
	const struct syscall_info *info = arch == AUDIT_ARCH_I386 ? syscall_info_32(nr) : syscall_info_64(nr);

	return info ? info->name : "?";
}

static void print_record(const struct ringside_audit_record *r)
{
	const char *arch = r->arch == AUDIT_ARCH_I386 ? "i386" : r->arch == AUDIT_ARCH_X86_64 ? "x86_64" : "?";

	if (r->type == RINGSIDE_AUDIT_ENTRY)
		printf("type=SYSCALL_ENTRY arch=%s pid=%d nr=%d(%s) a0=%#lx a1=%#lx a2=%#lx a3=%#lx\n", arch,
		       r->pid, r->nr, syscall_name(r->arch, r->nr), r->args[0], r->args[1], r->args[2],
		       r->args[3]);
	else
		printf("type=SYSCALL_EXIT arch=%s pid=%d nr=%d(%s) result=%ld success=%s\n", arch, r->pid,
		       r->nr, syscall_name(r->arch, r->nr), r->result, r->success ? "yes" : "no");
}

/* Print the records of pid (every pid if 0); returns how many, or -1. */
static long list_records(int pid)
{
	struct ringside_audit_record buf[16];
	long total = 0, n;

	/* If we are audited ourselves, every read adds two records: stop at
	 * the first short read instead of chasing our own tail. */
	do {
		n = ringside_audit(RINGSIDE_AUDIT_READ, 0, buf, 16);
		for (long i = 0; i < n; i++)
			if (!pid || buf[i].pid == pid) {
				print_record(&buf[i]);
				total++;
			}
	} while (n == 16);
	return n < 0 ? -1 : total;
}

static int parse_pid(const char *s, int *pid)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 0) {
		dprintf(2, "auditctl: '%s' is not a pid\n", s);
		return -1;
	}
	*pid = (int)v;
	return 0;
}

static int run_audited(char **argv)
{
	int status;

	/* Drop old records, so that only PROG's are printed. */
	if (list_records(-1) < 0)
		return fail("reading the audit records");
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		/* Enable for ourselves: execve keeps the flag. */
		if (ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0) < 0)
			_exit(fail("enabling auditing"));
		execvp(argv[0], argv);
		dprintf(2, "auditctl: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	waitpid(pid, &status, 0);
	fflush_stdout();
	if (list_records(pid) < 0)
		return fail("reading the audit records");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	int pid = 0;

	if (argc < 2)
		return usage(2);
	const char *op = argv[1];
	if (strcmp(op, "--help") == 0 || strcmp(op, "-h") == 0)
		return usage(0);
	if (strcmp(op, "-r") == 0) {
		if (argc < 3)
			return usage(2);
		return run_audited(argv + 2);
	}
	if (strcmp(op, "-l") == 0) {
		if (argc != 2)
			return usage(2);
		return list_records(0) < 0 ? fail("reading the audit records") : 0;
	}
	if (strcmp(op, "-e") && strcmp(op, "-d") && strcmp(op, "-s"))
		return usage(2);
	if (argc > 3)
		return usage(2);
	if (argc == 3 && parse_pid(argv[2], &pid))
		return 2;
	if (argc == 2) {
		if (strcmp(op, "-s") == 0)
			return usage(2);
		pid = getppid();   /* the shell that ran us: its later commands inherit */
	}
	if (strcmp(op, "-s") == 0) {
		long on = ringside_audit(RINGSIDE_AUDIT_STATUS, pid, NULL, 0);
		if (on < 0)
			return fail("reading the audit status");
		printf("%d %s\n", pid, on ? "audited" : "not audited");
		return 0;
	}
	int enable = strcmp(op, "-e") == 0;
	if (ringside_audit(enable ? RINGSIDE_AUDIT_ENABLE : RINGSIDE_AUDIT_DISABLE, pid, NULL, 0) < 0)
		return fail(enable ? "enabling auditing" : "disabling auditing");
	printf("auditing %s for pid %d\n", enable ? "enabled" : "disabled", pid);
	return 0;
}
