/* argv: print the arguments and environment a program received, one per
 * line, to show what execve() and the start-up stack delivered. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	int i;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: argv [ARG...]\n"
		       "Print argc, every argv[i] and every envp[i] (one per line), then exit 0.\n");
		return 0;
	}
	printf("argc=%d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (i = 0; envp[i]; i++)
		printf("envp[%d]=%s\n", i, envp[i]);
	return 0;
}
