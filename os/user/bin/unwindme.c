/* unwindme: call stacks for a debugger to cross (ringdb's bt, tested in
 * debugger/tests/integration): SIGUSR1 raised two calls deep, its handler
 * writing; a user loop for timer ticks; a write from a bad pointer (a page
 * fault in the kernel's copy); a user page fault (dies of SIGSEGV: 139). */
#include <signal.h>
#include <sys/sigaction.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile long sink;

__attribute__((noinline)) void in_handler(int sig)
{
	sink += sig;
	write(1, "in the handler\n", 15);
}

__attribute__((noinline)) void on_signal(int sig)
{
	in_handler(sig);
	sink++;
}

__attribute__((noinline)) void raise_it(void)
{
	kill(getpid(), SIGUSR1);
	sink++;
}

__attribute__((noinline)) void nested(void)
{
	raise_it();
	sink++;
}

__attribute__((noinline)) void spin(void)
{
	for (long i = 0; i < 3000000; i++)
		sink++;
}

__attribute__((noinline)) void bad_pointer(void)
{
	write(1, (const void *)8, 1); /* the kernel's copy faults: -EFAULT */
}

__attribute__((noinline)) void fault(void)
{
	*(volatile long *)(sink & 8) = 1; /* address 0 or 8: unmapped */
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: unwindme\nRaise SIGUSR1 from a nested call, spin in a loop, then fault at address 0\n"
		       "(dies of SIGSEGV): stacks for ringdb's bt to cross.\n");
		return 0;
	}
	if (argc > 1) {
		dprintf(2, "unwindme: takes no arguments (try unwindme --help)\n");
		return 2;
	}
	signal(SIGUSR1, on_signal);
	nested();
	spin();
	bad_pointer();
	fault();
	return 1;
}
