/* hello: the C library itself on top of the kernel - stdio with floating
 * point (SSE), strtod, qsort, malloc, the environment and argv. */
#include "abi.h"
#include <math.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double v[] = { 3.5, -1.25, 2.0, 1e10, 0.1 };
	qsort(v, 5, sizeof(double), cmp);
	printf("hello from %s with %d argument(s)\n", strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0], argc - 1);
	printf("sorted: %g %g %g %g %g\n", v[0], v[1], v[2], v[3], v[4]);
	printf("strtod: %.6f\n", strtod("2.718281828", NULL));
	printf("sqrt(2): %.9f\n", sqrt(2.0));
	printf("int64: %lld %llx\n", (long long)-9000000000000000000LL, 0xdeadbeefcafeULL);
	char *big = malloc(1 << 20);
	Y("malloc 1 MiB", big != NULL);
	memset(big, 7, 1 << 20);
	long sum = 0;
	for (int i = 0; i < (1 << 20); i += 4096)
		sum += big[i];
	printf("sum: %ld\n", sum);
	free(big);
	char *many[200];
	for (int i = 0; i < 200; i++)
		many[i] = malloc(100 + i * 37);
	Y("200 mallocs", many[199] != NULL);
	for (int i = 0; i < 200; i++)
		free(many[i]);
	return 0;
}
