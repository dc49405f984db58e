/* Hostile submission "forkbomb": probe_add forks without end; the process cap bounds it and the test times out. */
#include "probe.h"
#include <unistd.h>

int probe_add(int a, int b)
{
	for (;;)
		fork();
	return a + b;
}

size_t probe_length(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int probe_max(int a, int b)
{
	return a > b ? a : b;
}
