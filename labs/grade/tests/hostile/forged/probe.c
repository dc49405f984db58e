/* Hostile submission "forged": forged verdict lines without the nonce, then an early exit. */
#include "probe.h"
#include <stdio.h>
#include <unistd.h>

int probe_add(int a, int b)
{
	/* Print passes, one unsigned and one with a made-up nonce, then
	 * leave before the harness can print the real results. */
	printf("ok 1 add_small\nok 2 add_negative nonce=00000000000000000000000000000000\nok 3 add_large\n");
	fflush(stdout);
	_exit(0);
	return a + b;
}

size_t probe_length(const char *s)
{
	printf("ok 1 length # nonce=\n");
	fflush(stdout);
	_exit(0);
	return (size_t)s[0];
}

int probe_max(int a, int b)
{
	printf("KTAP version 1\n1..1\nok 1 max\n");
	fflush(stdout);
	_exit(0);
	return a + b;
}
