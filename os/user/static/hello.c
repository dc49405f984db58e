/* hello: an ordinary C program, built by Debian's compilers with their
 * default flags (musl-gcc -static and gcc -static): its printf of a double
 * runs SSE code, and its C library's start-up makes the calls a real libc
 * makes. test-static-hello boots each build as init and compares what it
 * prints with what the same binary prints on the host. */
#include <stdio.h>

int main(int argc, char **argv)
{
	volatile double x = 1.5;
	printf("hello from %s: %d arguments, %.2f * %d = %.2f\n", argv[0], argc, x, argc, x * argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	return 0;
}
