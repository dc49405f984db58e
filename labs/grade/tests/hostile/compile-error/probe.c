/* Hostile submission "compile-error": a missing semicolon: build failed, zero points. */
#include "probe.h"

int probe_add(int a, int b)
{
	return a + b
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
