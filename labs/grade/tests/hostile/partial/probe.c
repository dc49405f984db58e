/* Hostile submission "partial": probe_add is right, the others are wrong: partial credit. */
#include "probe.h"

int probe_add(int a, int b)
{
	return a + b;
}

size_t probe_length(const char *s)
{
	(void)s;
	return 1;
}

int probe_max(int a, int b)
{
	(void)b;
	return a;
}
