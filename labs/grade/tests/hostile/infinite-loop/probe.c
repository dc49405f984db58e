/* Hostile submission "infinite-loop": probe_add never returns: that test times out, the others pass. */
#include "probe.h"

int probe_add(int a, int b)
{
	volatile int spin = 1;

	while (spin)
		;
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
