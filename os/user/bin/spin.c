/* spin [N]: a helper for ringdb's time-travel tests (debugger/tests/
 * timetravel), not a test itself. It runs code whose shape those tests go
 * backwards through: busy(N) loops N times (N = 30000, the default, runs
 * about 300 000 instructions in one call; timer interrupts enter the kernel
 * on the way), between two lines of main; depth(3) recurses, so four frames
 * of the same function are live at once, the innermost calling busy(20).
 * Built -O0 (os/user/user.mk): its lines run in source order, one after
 * the other, as the tests name them (the "tt:" comments). Prints
 * "spin: X" and exits 0; 2 for a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long sink;

static long busy(long n)
{
	long acc = 1;
	for (long i = 0; i < n; i++)
		acc += i ^ (acc >> 3);       /* tt:loop */
	sink = acc;                          /* tt:after-loop */
	return acc;
}                                            /* tt:busy-end */

static long depth(int n)
{
	if (n == 0)
		return busy(20);             /* tt:depth-bottom */
	long r = depth(n - 1);               /* tt:recurse */
	sink = r;                            /* tt:after-recurse */
	return r + n;
}                                            /* tt:depth-end */

int main(int argc, char **argv)
{
	long n = 30000;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: spin [N]\nLoop N times (default 30000), then recurse 3 deep; print spin: X.\n");
		return 0;
	}
	if (argc > 1 && (n = strtol(argv[1], NULL, 10)) <= 0) {
		dprintf(2, "spin: N must be a positive number, not '%s'\n", argv[1]);
		return 2;
	}
	sink = 7;                            /* tt:before-busy */
	sink += busy(n);                     /* tt:call-busy */
	sink ^= 5;                           /* tt:after-busy */
	sink += depth(3);                    /* tt:call-depth */
	printf("spin: %ld\n", (long)sink);
	return 0;
}
