/* Hostile submission "reset": probe_max kills the machine with no verdict (as a triple fault would). */
#include "probe.h"
#include <stdlib.h>

int probe_add(int a, int b)
{
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
	(void)a;
	(void)b;
	abort();
}
