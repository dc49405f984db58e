/* hello: the smallest program; the first one to boot as init. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: hello\nPrint \"hello, world\" and exit 0.\n");
		return 0;
	}
	if (argc > 1) {
		dprintf(2, "hello: takes no arguments (try hello --help)\n");
		return 2;
	}
	printf("hello, world\n");
	return 0;
}
