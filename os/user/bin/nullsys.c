/* nullsys [N] [syscall|int80] [audit|tracepoint|seccomp:K]: a benchmark
 * helper for bench/, not a test. Times N getpid calls with rdtsc, through
 * `syscall` (the default) or `int $0x80`, subtracts an empty loop of the
 * same length, and prints
 *   cycles_per_call=X
 * (X with one decimal). A flag word first sets one work flag on ourselves,
 * so the calls take the slow path: audit (TIF_SYSCALL_AUDIT), tracepoint
 * (TIF_SYSCALL_TRACEPOINT) or seccomp:K (TIF_SECCOMP with an allow-all
 * filter of K instructions, 1..4096). Exit status 0; 1 if the flag could
 * not be set; 2 for a usage error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ringside.h>
#include <sys/seccomp.h>
#include <sys/syscall.h>

static struct sock_filter filter[BPF_MAXINSNS];

/* K - 1 loads of the syscall number, then allow: K instructions run per call. */
static int set_seccomp(long k)
{
	struct sock_fprog fprog = { .len = (unsigned short)k, .filter = filter };

	for (long i = 0; i < k - 1; i++)
		filter[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR);
	filter[k - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog);
}

static inline unsigned long rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((unsigned long)hi << 32) | lo;
}

static int usage(int status)
{
	dprintf(status ? 2 : 1, "usage: nullsys [N] [syscall|int80] [audit|tracepoint|seccomp:K]\n"
		"Time N (default 100000) getpid calls with rdtsc and print cycles_per_call=X.\n"
		"audit, tracepoint and seccomp:K (an allow-all filter of K instructions) set\n"
		"that work flag first, so the calls take the slow path (Ringside's own calls\n"
		"for audit and tracepoint: ENOSYS elsewhere).\n");
	return status;
}

static int fail(const char *what)
{
	dprintf(2, "nullsys: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	long n = 100000;
	int int80 = 0;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--help") == 0)
			return usage(0);
		if (strcmp(argv[i], "int80") == 0) {
			int80 = 1;
		} else if (strcmp(argv[i], "syscall") == 0) {
			int80 = 0;
		} else if (strcmp(argv[i], "audit") == 0) {
			if (ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0) < 0)
				return fail("enabling audit");
		} else if (strcmp(argv[i], "tracepoint") == 0) {
			if (ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0) < 0)
				return fail("enabling the tracepoints");
		} else if (strncmp(argv[i], "seccomp:", 8) == 0) {
			long k = strtol(argv[i] + 8, &end, 10);

			if (end == argv[i] + 8 || *end || k < 1 || k > BPF_MAXINSNS)
				return usage(2);
			if (set_seccomp(k) < 0)
				return fail("installing the seccomp filter");
		} else {
			n = strtol(argv[i], &end, 10);
			if (end == argv[i] || *end || n <= 0)
				return usage(2);
		}
	}
	unsigned long t0 = rdtsc();
	for (long i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	unsigned long t1 = rdtsc();
	if (int80)
		for (long i = 0; i < n; i++)
			syscall32_0(__NR_ia32_getpid);
	else
		for (long i = 0; i < n; i++)
			syscall0(__NR_getpid);
	unsigned long t2 = rdtsc();
	long empty = (long)(t1 - t0), calls = (long)(t2 - t1);
	long tenths = (calls - empty) * 10 / n;
	if (tenths < 0)
		tenths = 0;
	printf("cycles_per_call=%ld.%ld\n", tenths / 10, tenths % 10);
	return 0;
}
