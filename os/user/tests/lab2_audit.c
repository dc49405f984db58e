/* lab2_audit: audit records and tracepoint events as the entry and exit
 * code writes them, read back with ringside_audit/ringside_trace.
 *
 *   lab2_audit entry   lab 2: entry records (arch, number, four arguments of
 *                      each ABI), exactly one per call on every path
 *   lab2_audit exit    lab 5: exit records and sys_exit events, and TS_COMPAT
 *                      cleared after an int $0x80 call
 *
 * Each result's name is one word, so a lab definition can give it points
 * (subtests = name:points). KTAP on stdout. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <string.h>
#include <sys/ringside.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/seccomp.h>
#include <sys/utsname.h>
#include <unistd.h>

#define NR_PRCTL_64 157
#define NR_PRCTL_32 172
#define NR_GETPID_32 20
#define PR_GET_NO_NEW_PRIVS 39
#define NR_GETPID_BIG 0x10027     /* getpid (39) plus 2^16: no such call */
#define NR_GETPID_32_BIG 0x10014  /* i386 getpid (20) plus 2^16 */

static struct ringside_audit_record records[RINGSIDE_AUDIT_RING];
static struct ringside_trace_event events[RINGSIDE_TRACE_RING];
static long nrecords, nevents;
static int mypid;                 /* read once: a later filter refuses getpid */

static void drain(void)
{
	/* One read empties each ring (a read is audited too, so a loop reading
	 * until nothing is left would never end). */
	ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
}

static void collect(void)
{
	nrecords = ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	nevents = ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	if (nrecords < 0)
		nrecords = 0;
	if (nevents < 0)
		nevents = 0;
}

/* The records of this process of a type and number; the first in *out. */
static int count_records(unsigned type, int nr, unsigned arch, struct ringside_audit_record *out)
{
	int n = 0;
	for (long i = 0; i < nrecords; i++) {
		struct ringside_audit_record *r = &records[i];
		if (r->pid != mypid || r->type != type || r->nr != nr || r->arch != arch)
			continue;
		if (n++ == 0 && out)
			*out = *r;
	}
	return n;
}

static int count_events(unsigned type, long nr, struct ringside_trace_event *out)
{
	int n = 0;
	for (long i = 0; i < nevents; i++) {
		struct ringside_trace_event *e = &events[i];
		if (e->pid != mypid || e->type != type || e->nr != nr)
			continue;
		if (n++ == 0 && out)
			*out = *e;
	}
	return n;
}

static long prctl64(long a1, long a2, long a3, long a4)
{
	return syscall5(NR_PRCTL_64, PR_GET_NO_NEW_PRIVS, a1, a2, a3, a4);
}

static void entry_tests(void)
{
	struct ringside_audit_record r;
	int n;

	ktap_plan(10);
	ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);

	/* x86-64 arguments are recorded whole, all 64 bits: upper halves and a
	 * bit 31 that an (int) or a (u32) would lose or sign-extend. */
	drain();
	syscall5(NR_PRCTL_64, 0x5a00000000000000L | PR_GET_NO_NEW_PRIVS, 0x7b00000080000011L, 0x22,
		 (long)0xffffffff80000033UL, 0x44);
	collect();
	n = count_records(RINGSIDE_AUDIT_ENTRY, NR_PRCTL_64, AUDIT_ARCH_X86_64, &r);
	if (n == 1)
		ktap_diag("x86-64 entry record: args %#lx %#lx %#lx %#lx", r.args[0], r.args[1], r.args[2],
			  r.args[3]);
	else
		ktap_diag("%d x86-64 entry records for prctl (157), want 1", n);
	ktap_ok(n == 1 && r.args[0] == (0x5a00000000000000UL | PR_GET_NO_NEW_PRIVS) &&
		r.args[1] == 0x7b00000080000011UL && r.args[2] == 0x22 &&
		r.args[3] == 0xffffffff80000033UL, "audit64_args");

	drain();
	syscall32_6(NR_PRCTL_32, 0x7a00000000000000L | PR_GET_NO_NEW_PRIVS, 0x7b00000000000011L,
		    0x22, 0x7c00000000000033L, 0x44, 0x55);
	collect();
	n = count_records(RINGSIDE_AUDIT_ENTRY, NR_PRCTL_32, AUDIT_ARCH_I386, &r);
	if (n == 1)
		ktap_diag("i386 entry record: args %#lx %#lx %#lx %#lx", r.args[0], r.args[1], r.args[2],
			  r.args[3]);
	else
		ktap_diag("%d i386 entry records for prctl (172), want 1", n);
	ktap_ok(n == 1 && r.args[0] == PR_GET_NO_NEW_PRIVS && r.args[1] == 0x11 && r.args[2] == 0x22 &&
		r.args[3] == 0x33, "audit32_args");

	drain();
	sys_getppid();
	collect();
	n = count_records(RINGSIDE_AUDIT_ENTRY, __NR_getppid, AUDIT_ARCH_X86_64, NULL);
	ktap_diag("audit only: %d entry records for getppid", n);
	ktap_ok(n == 1, "audit_once_audit_only");

	ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0);
	drain();
	sys_getppid();
	collect();
	n = count_records(RINGSIDE_AUDIT_ENTRY, __NR_getppid, AUDIT_ARCH_X86_64, NULL);
	ktap_diag("audit + tracepoint: %d entry records, %d sys_enter events for getppid", n,
		  count_events(RINGSIDE_TRACE_SYS_ENTER, __NR_getppid, NULL));
	ktap_ok(n == 1 && count_events(RINGSIDE_TRACE_SYS_ENTER, __NR_getppid, NULL) == 1,
		"audit_once_with_tracepoint");
	ringside_trace(RINGSIDE_TRACE_DISABLE, 0, NULL, 0);

	drain();
	syscall32_0(NR_GETPID_32);
	collect();
	n = count_records(RINGSIDE_AUDIT_ENTRY, NR_GETPID_32, AUDIT_ARCH_I386, NULL);
	ktap_diag("int $0x80 getpid: %d i386 entry records", n);
	ktap_ok(n == 1, "audit_once_int80");

	/* An allow-all seccomp filter: phase 1 runs seccomp, then audits. */
	static struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { .len = 1, .filter = allow };
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	long err = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (unsigned long)&prog, 0, 0);
	drain();
	prctl64(0x11, 0x22, 0x33, 0x44);
	collect();
	n = count_records(RINGSIDE_AUDIT_ENTRY, NR_PRCTL_64, AUDIT_ARCH_X86_64, &r);
	ktap_diag("seccomp + audit: filter attach %ld, %d entry records", err, n);
	ktap_ok(err == 0 && n == 1 && r.args[3] == 0x33, "audit_after_seccomp");

	/* i386 arguments are 32-bit values: one with bit 31 set is recorded
	 * as that unsigned 32-bit value, not sign-extended. */
	drain();
	syscall32_6(NR_PRCTL_32, 0x5a000000c0a10027L, 0x7b00000080000011L, 0xffffffff80000022L,
		    0x80000033L, 0x44, 0x55);
	collect();
	n = count_records(RINGSIDE_AUDIT_ENTRY, NR_PRCTL_32, AUDIT_ARCH_I386, &r);
	if (n == 1)
		ktap_diag("i386 entry record, arguments with bit 31 set: args %#lx %#lx %#lx %#lx",
			  r.args[0], r.args[1], r.args[2], r.args[3]);
	else
		ktap_diag("%d i386 entry records for prctl (172), want 1", n);
	ktap_ok(n == 1 && r.args[0] == 0xc0a10027UL && r.args[1] == 0x80000011UL &&
		r.args[2] == 0x80000022UL && r.args[3] == 0x80000033UL, "audit32_bit31");

	/* The number in the record is the whole (int)orig_ax: a number past
	 * every table is recorded as it was asked for (and fails with ENOSYS),
	 * not cut to a shorter type where it would name another call. */
	drain();
	long got64 = syscall0(NR_GETPID_BIG);
	long got32 = syscall32_0(NR_GETPID_32_BIG);
	collect();
	int big64 = count_records(RINGSIDE_AUDIT_ENTRY, NR_GETPID_BIG, AUDIT_ARCH_X86_64, NULL);
	int big32 = count_records(RINGSIDE_AUDIT_ENTRY, NR_GETPID_32_BIG, AUDIT_ARCH_I386, NULL);
	int small64 = count_records(RINGSIDE_AUDIT_ENTRY, __NR_getpid, AUDIT_ARCH_X86_64, NULL);
	int small32 = count_records(RINGSIDE_AUDIT_ENTRY, NR_GETPID_32, AUDIT_ARCH_I386, NULL);
	ktap_diag("syscall %#x (x86-64) returned %ld: %d entry records with that number, %d with "
		  "getpid's; int $0x80 %#x returned %ld: %d with that number, %d with getpid's",
		  NR_GETPID_BIG, got64, big64, small64, NR_GETPID_32_BIG, got32, big32, small32);
	ktap_ok(got64 == -ENOSYS && got32 == -ENOSYS && big64 == 1 && big32 == 1 && small64 == 0 &&
		small32 == 0, "audit_nr_whole");

	/* A second filter: getppid is refused with ERRNO(5), getpid goes to a
	 * tracer (SECCOMP_RET_TRACE) - and there is none. */
	static struct sock_filter refuse[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 5),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getpid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog refuse_prog = { .len = 6, .filter = refuse };
	err = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (unsigned long)&refuse_prog, 0, 0);
	/* ERRNO: the call is skipped (orig_ax = -1) and, audit being the only
	 * work left, phase 1 still writes its entry record - number -1. */
	drain();
	long got = sys_getppid();
	collect();
	int skipped = count_records(RINGSIDE_AUDIT_ENTRY, -1, AUDIT_ARCH_X86_64, NULL);
	n = count_records(RINGSIDE_AUDIT_ENTRY, __NR_getppid, AUDIT_ARCH_X86_64, NULL);
	ktap_diag("getppid refused with ERRNO(5): returned %ld, %d entry records with number -1, "
		  "%d with getppid's number (filter attach %ld)", got, skipped, n, err);
	ktap_ok(err == 0 && got == -5 && skipped == 1 && n == 0, "audit_seccomp_skipped");
	/* TRACE with no tracer: phase 2's seccomp step refuses the call
	 * (ENOSYS) before anything else runs - no entry record at all. */
	drain();
	got = sys_getpid();
	collect();
	n = count_records(RINGSIDE_AUDIT_ENTRY, __NR_getpid, AUDIT_ARCH_X86_64, NULL);
	skipped = count_records(RINGSIDE_AUDIT_ENTRY, -1, AUDIT_ARCH_X86_64, NULL);
	ktap_diag("getpid sent to an absent tracer: returned %ld, %d entry records (%d with "
		  "number -1)", got, n, skipped);
	ktap_ok(got == -ENOSYS && n == 0 && skipped == 0, "audit_seccomp_refused");
}

static void exit_tests(void)
{
	struct ringside_audit_record r;
	struct ringside_trace_event e;
	int n;

	ktap_plan(4);
	ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);

	drain();
	long ppid = sys_getppid();
	long bad = prctl64(1, 0, 0, 0);
	collect();
	n = count_records(RINGSIDE_AUDIT_EXIT, __NR_getppid, AUDIT_ARCH_X86_64, &r);
	ktap_diag("getppid: %d exit records, result %ld success %d (want %ld, 1)", n, r.result, r.success,
		  ppid);
	int good = n == 1 && r.result == ppid && r.success == 1;
	n = count_records(RINGSIDE_AUDIT_EXIT, NR_PRCTL_64, AUDIT_ARCH_X86_64, &r);
	ktap_diag("failing prctl: %d exit records, result %ld success %d (want %ld, 0)", n, r.result,
		  r.success, bad);
	/* Audited but not traced: the sys_exit tracepoint has its own flag. */
	int stray = count_events(RINGSIDE_TRACE_SYS_EXIT, __NR_getppid, NULL);
	if (stray)
		ktap_diag("audit only, tracepoint off: %d sys_exit events for getppid (want 0)", stray);
	ktap_ok(good && n == 1 && r.result == -EINVAL && r.success == 0 && stray == 0,
		"audit_exit_records");

	drain();
	syscall32_0(NR_GETPID_32);
	prctl64(0, 0, 0, 0);
	collect();
	int i386 = count_records(RINGSIDE_AUDIT_EXIT, NR_GETPID_32, AUDIT_ARCH_I386, NULL);
	int after64 = count_records(RINGSIDE_AUDIT_EXIT, NR_PRCTL_64, AUDIT_ARCH_X86_64, NULL);
	int after32 = count_records(RINGSIDE_AUDIT_EXIT, NR_PRCTL_64, AUDIT_ARCH_I386, NULL);
	ktap_diag("int $0x80 getpid: %d i386 exit records; the 64-bit prctl after it: %d x86-64, "
		  "%d i386 exit records", i386, after64, after32);
	ktap_ok(i386 == 1 && after64 == 1 && after32 == 0, "ts_compat_cleared");

	ringside_audit(RINGSIDE_AUDIT_DISABLE, 0, NULL, 0);
	ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0);
	drain();
	ppid = sys_getppid();
	collect();
	n = count_events(RINGSIDE_TRACE_SYS_EXIT, __NR_getppid, &e);
	ktap_diag("getppid: %d sys_exit events, ret %ld (want %ld)", n, e.ret, ppid);
	ktap_ok(n == 1 && e.ret == ppid, "tracepoint_exit");

	drain();
	prctl64(0, 0, 0, 0);
	collect();
	n = count_events(RINGSIDE_TRACE_SYS_EXIT, NR_PRCTL_64, &e);
	int audit_records = count_records(RINGSIDE_AUDIT_EXIT, NR_PRCTL_64, AUDIT_ARCH_X86_64, NULL);
	ktap_diag("tracepoint only: %d sys_exit events, %d audit exit records", n, audit_records);
	ktap_ok(n == 1 && audit_records == 0, "tracepoint_without_audit");
	ringside_trace(RINGSIDE_TRACE_DISABLE, 0, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: lab2_audit entry|exit\nLab 2 and lab 5 tests: audit entry records (entry) and exit records (exit).\nKTAP on stdout; exit status 0 when every check passed. Ringside only.\n");
		return 0;
	}
	if (!running_on_ringside()) {
		ktap_plan(1);
		ktap_skip("not on Ringside", "lab2_audit");
		return ktap_finish();
	}
	mypid = getpid();
	if (argc == 2 && !strcmp(argv[1], "entry"))
		entry_tests();
	else if (argc == 2 && !strcmp(argv[1], "exit"))
		exit_tests();
	else {
		dprintf(2, "usage: lab2_audit entry|exit\n");
		return 2;
	}
	return ktap_finish();
}
