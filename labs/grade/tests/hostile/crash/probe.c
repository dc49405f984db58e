/* Hostile submission "crash": probe_length dereferences NULL: the harness's "kernel" panics. */
#include "probe.h"

int probe_add(int a, int b)
{
	return a + b;
}

size_t probe_length(const char *s)
{
	volatile const char *volatile nowhere = 0;

	(void)s;
	return (size_t)*nowhere;
}

int probe_max(int a, int b)
{
	return a > b ? a : b;
}
