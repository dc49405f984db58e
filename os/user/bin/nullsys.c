/* nullsys [N] [syscall|int80]: a benchmark helper for bench/, not a test.
 * Times N getpid calls with rdtsc, through `syscall` (the default) or
 * `int $0x80`, subtracts an empty loop of the same length, and prints
 *   cycles_per_call=X
 * (X with one decimal). Exit status 0, or 2 for a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

static inline unsigned long rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((unsigned long)hi << 32) | lo;
}

static int usage(int status)
{
	dprintf(status ? 2 : 1, "usage: nullsys [N] [syscall|int80]\n"
		"Time N (default 100000) getpid calls with rdtsc and print cycles_per_call=X.\n");
	return status;
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
