/* audit1 (Ringside only): booted with `audit=1`, every task is audited from
 * the start (TIF_SYSCALL_AUDIT set on init and inherited), with nothing
 * enabled by the program itself. The kernel suite boots it with audit=1;
 * without it the checks fail and say so. KTAP on stdout. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <string.h>
#include <sys/ringside.h>
#include <sys/seccomp.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static struct ringside_audit_record records[RINGSIDE_AUDIT_RING];

/* Read every record; true if pid has both records of syscall nr. */
static int has_records(int pid, int nr)
{
	int entry = 0, exit = 0;
	long n;

	/* Each read is audited too and adds two records: stop at a short read. */
	do {
		n = sys_ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
		for (long i = 0; i < n; i++)
			if (records[i].pid == pid && records[i].nr == nr && records[i].arch == AUDIT_ARCH_X86_64) {
				entry |= records[i].type == RINGSIDE_AUDIT_ENTRY;
				exit |= records[i].type == RINGSIDE_AUDIT_EXIT;
			}
	} while (n == RINGSIDE_AUDIT_RING);
	return entry && exit;
}

int main(int argc, char **argv)
{
	int status;

	if (argc > 1) {
		printf("usage: audit1\nBooted with audit=1 (Ringside only): every task is audited without\n"
		       "enabling anything. KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(3);
	if (!running_on_ringside()) {
		ktap_skip("not on Ringside", "audit=1 audits this program from the start");
		ktap_skip("not on Ringside", "its getpid is recorded");
		ktap_skip("not on Ringside", "a forked child is audited too");
		return ktap_finish();
	}
	long on = sys_ringside_audit(RINGSIDE_AUDIT_STATUS, 0, NULL, 0);
	if (on != 1)
		ktap_diag("not audited: boot with audit=1 on the kernel command line");
	ktap_expect(on, 1, "audit=1 audits this program from the start");
	sys_getpid();
	ktap_ok(has_records(getpid(), __NR_getpid), "its getpid has entry and exit records");
	pid_t child = fork();
	if (child == 0) {
		sys_getppid();
		_exit(0);
	}
	waitpid(child, &status, 0);
	ktap_ok(has_records(child, __NR_getppid), "a forked child's getppid is recorded too");
	return ktap_finish();
}
