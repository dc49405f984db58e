/* audittest (Ringside only): TIF_SYSCALL_AUDIT through ringside_audit().
 *
 * Auditing ourselves gives an entry record (arch, number, four arguments)
 * and an exit record (result, success) per syscall, for a failing call too;
 * disabling stops them; another task can be audited by pid; an int $0x80
 * call is recorded as i386 with its i386 number and the next 64-bit call as
 * x86_64 again (TS_COMPAT cleared); with audit the only work flag the
 * syscall takes the slow path and phase 1 audits it exactly once; bad
 * arguments are refused. On another kernel only ENOSYS is checked. */
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

#define PLAN 17
#define MAX_RECORDS RINGSIDE_AUDIT_RING

static struct ringside_audit_record records[MAX_RECORDS];
static int nrecords;

/* Move every record in the kernel's buffer into records[]. */
static void read_records(void)
{
	long n;

	nrecords = 0;
	do {
		n = sys_ringside_audit(RINGSIDE_AUDIT_READ, 0, records + nrecords, MAX_RECORDS - nrecords);
		if (n > 0)
			nrecords += (int)n;
	} while (n > 0 && nrecords < MAX_RECORDS);
}

/* The index of the first record of pid matching type, arch and nr at or
 * after from; -1 if none. */
static int find(int from, int pid, unsigned type, unsigned arch, int nr)
{
	for (int i = from < 0 ? 0 : from; i < nrecords; i++)
		if (records[i].pid == pid && records[i].type == type && records[i].arch == arch && records[i].nr == nr)
			return i;
	return -1;
}

static int count(int pid, unsigned type, int nr)
{
	int n = 0;

	for (int i = 0; i < nrecords; i++)
		n += records[i].pid == pid && records[i].type == type && records[i].nr == nr;
	return n;
}

int main(int argc, char **argv)
{
	static const char text[] = "audited";
	struct ringside_entry_stats before, after;
	int me = getpid(), i, status;

	if (argc > 1) {
		printf("usage: audittest\nSyscall auditing (Ringside only): records, disabling, other tasks,\n"
		       "int $0x80, the audit-only fast exit of phase 1, bad arguments. KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(PLAN);
	if (!running_on_ringside()) {
		ktap_expect(sys_ringside_audit(RINGSIDE_AUDIT_STATUS, 0, NULL, 0), -ENOSYS,
			    "ringside_audit (501) is ENOSYS on Linux");
		for (i = 2; i <= PLAN; i++)
			ktap_skip("not on Ringside", "audit check %d", i);
		return ktap_finish();
	}

	/* our own records */
	read_records();
	ktap_expect(sys_ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0), 0, "AUDIT_ENABLE for ourselves");
	ktap_expect(sys_ringside_audit(RINGSIDE_AUDIT_STATUS, 0, NULL, 0), 1, "AUDIT_STATUS says we are audited");
	long written = sys_write(1, text, 0);
	long failed = sys_write(-1, text, 3);
	sys_ringside_audit(RINGSIDE_AUDIT_DISABLE, 0, NULL, 0);
	read_records();
	/* Our KTAP lines are writes too: look for the one with our buffer. */
	int e = find(0, me, RINGSIDE_AUDIT_ENTRY, AUDIT_ARCH_X86_64, __NR_write);
	while (e >= 0 && records[e].args[1] != (unsigned long)text)
		e = find(e + 1, me, RINGSIDE_AUDIT_ENTRY, AUDIT_ARCH_X86_64, __NR_write);
	ktap_ok(e >= 0 && records[e].args[0] == 1 && records[e].args[1] == (unsigned long)text && records[e].args[2] == 0,
		"write(1, text, 0) has an entry record with arch x86_64, nr 1 and its arguments");
	int x = find(e, me, RINGSIDE_AUDIT_EXIT, AUDIT_ARCH_X86_64, __NR_write);
	ktap_ok(written == 0 && x > e && records[x].result == 0 && records[x].success == 1,
		"and an exit record with result 0, success yes");
	int e2 = find(x, me, RINGSIDE_AUDIT_ENTRY, AUDIT_ARCH_X86_64, __NR_write);
	int x2 = find(e2, me, RINGSIDE_AUDIT_EXIT, AUDIT_ARCH_X86_64, __NR_write);
	ktap_ok(failed == -EBADF && e2 > x && (int)records[e2].args[0] == -1 && x2 > e2 &&
		records[x2].result == -EBADF && records[x2].success == 0,
		"write(-1, ...) is recorded with result -EBADF, success no");
	sys_getpid();
	read_records();
	ktap_ok(count(me, RINGSIDE_AUDIT_ENTRY, __NR_getpid) == 0 && count(me, RINGSIDE_AUDIT_EXIT, __NR_getpid) == 0,
		"after AUDIT_DISABLE a getpid leaves no record (%d records)", nrecords);

	/* another task by pid */
	pid_t child = fork();
	if (child == 0) {
		/* Wait, yielding, until the parent has turned our audit on. */
		while (sys_ringside_audit(RINGSIDE_AUDIT_STATUS, 0, NULL, 0) == 0)
			sys_sched_yield();
		sys_getppid();
		_exit(0);
	}
	ktap_expect(sys_ringside_audit(RINGSIDE_AUDIT_ENABLE, child, NULL, 0), 0, "AUDIT_ENABLE for a child by pid");
	waitpid(child, &status, 0);
	read_records();
	ktap_ok(find(0, child, RINGSIDE_AUDIT_ENTRY, AUDIT_ARCH_X86_64, __NR_getppid) >= 0 &&
		count(me, RINGSIDE_AUDIT_ENTRY, __NR_kill) == 0,
		"the child's getppid is recorded, our own calls are not");

	/* int $0x80, then TS_COMPAT cleared */
	sys_ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);
	int pid32 = sys32_getpid();
	sys_getpid();
	sys_ringside_audit(RINGSIDE_AUDIT_DISABLE, 0, NULL, 0);
	read_records();
	e = find(0, me, RINGSIDE_AUDIT_ENTRY, AUDIT_ARCH_I386, __NR_ia32_getpid);
	ktap_ok(e >= 0, "int $0x80 getpid has an entry record with AUDIT_ARCH_I386 and nr 20");
	x = find(e, me, RINGSIDE_AUDIT_EXIT, AUDIT_ARCH_I386, __NR_ia32_getpid);
	ktap_ok(x > e && records[x].result == pid32, "and an i386 exit record with the result %d", pid32);
	ktap_ok(find(x, me, RINGSIDE_AUDIT_ENTRY, AUDIT_ARCH_X86_64, __NR_getpid) > x &&
		find(x, me, RINGSIDE_AUDIT_EXIT, AUDIT_ARCH_X86_64, __NR_getpid) > x,
		"the next 64-bit getpid is recorded as x86_64 again: TS_COMPAT was cleared");

	/* audit alone: slow path, one record each */
	sys_ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);
	sys_ringside_stats(&before);
	for (i = 0; i < 10; i++)
		sys_getpid();
	sys_ringside_stats(&after);
	sys_ringside_audit(RINGSIDE_AUDIT_DISABLE, 0, NULL, 0);
	read_records();
	ktap_ok(after.slow_syscalls - before.slow_syscalls >= 10 && after.fast_syscalls == before.fast_syscalls,
		"with audit the only flag, 10 getpids take the slow path (slow +%lu, fast +%lu)",
		after.slow_syscalls - before.slow_syscalls, after.fast_syscalls - before.fast_syscalls);
	ktap_ok(count(me, RINGSIDE_AUDIT_ENTRY, __NR_getpid) == 10 && count(me, RINGSIDE_AUDIT_EXIT, __NR_getpid) == 10,
		"phase 1 audits each exactly once: 10 entry and 10 exit records (%d, %d)",
		count(me, RINGSIDE_AUDIT_ENTRY, __NR_getpid), count(me, RINGSIDE_AUDIT_EXIT, __NR_getpid));

	/* bad arguments */
	ktap_expect(sys_ringside_audit(9, 0, NULL, 0), -EINVAL, "operation 9 is EINVAL");
	sys_ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);
	long bad = sys_ringside_audit(RINGSIDE_AUDIT_READ, 0, (void *)8, 4);
	sys_ringside_audit(RINGSIDE_AUDIT_DISABLE, 0, NULL, 0);
	ktap_expect(bad, -EFAULT, "AUDIT_READ into buffer 8 is EFAULT");
	ktap_expect(sys_ringside_audit(RINGSIDE_AUDIT_ENABLE, 999999, NULL, 0), -ESRCH, "a nonexistent pid is ESRCH");
	ktap_expect(sys_ringside_audit(RINGSIDE_AUDIT_READ, 0, records, (unsigned long)-1), -EINVAL,
		    "AUDIT_READ with a negative count is EINVAL");
	read_records();
	return ktap_finish();
}
