/* echo [-n] [WORD...]: print the words separated by spaces, then a newline
 * (none with -n). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int i = 1, newline = 1;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: echo [-n] [WORD...]\nPrint the words separated by spaces and a newline (-n: no newline).\n");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "-n")) {
		newline = 0;
		i = 2;
	}
	for (int first = i; i < argc; i++)
		printf("%s%s", i > first ? " " : "", argv[i]);
	if (newline)
		printf("\n");
	return 0;
}
