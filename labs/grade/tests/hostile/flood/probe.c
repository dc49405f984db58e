/* Hostile submission "flood": probe_max prints without end: output flood. */
#include "probe.h"
#include <stdio.h>

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
	for (;;)
		printf("ok 1 max a lot of output to flood the console\n");
	return a > b ? a : b;
}
