/* The trusted test harness of the self-test lab: it calls the student's
 * functions and prints KTAP, signing each result line with the run's nonce
 * as Ringside's test library does. The nonce comes in KTAP_NONCE (the
 * launcher's stand-in for the kernel command line) and is taken out of the
 * environment before student code runs.
 *
 * A fault in student code is this "kernel's" panic: the handler prints a
 * Linux-style panic line and exits 95, which the launcher maps to 125 as
 * ringside-qemu does for a real panic. */
#include "probe.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define PANIC_EXIT 95

static char nonce[80];

static void panic_handler(int sig)
{
	static const char msg[] = "Kernel panic - not syncing: fatal fault in probe code\n";
	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(PANIC_EXIT);
	_exit(PANIC_EXIT);
}

static void result(int ok, int number, const char *name, const char *indent)
{
	printf("%s%s %d %s nonce=%s\n", indent, ok ? "ok" : "not ok", number, name, nonce);
	fflush(stdout);
}

/* Student code may fork; as root the cap on processes needs a user that is
 * not root, so the harness becomes "nobody" first. */
static void cap_processes(void)
{
	struct rlimit rl = { 64, 64 };

	if (getuid() == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0) {
			printf("# cannot leave root; no process cap\n");
			return;
		}
	}
	setrlimit(RLIMIT_NPROC, &rl);
}

static int test_add(void)
{
	int all = 1, ok;

	printf("1..3\n");
	ok = probe_add(2, 3) == 5;
	if (!ok)
		printf("# probe_add(2, 3) = %d, expected 5\n", probe_add(2, 3));
	result(ok, 1, "add_small", "");
	all &= ok;
	ok = probe_add(-7, 4) == -3;
	if (!ok)
		printf("# probe_add(-7, 4) = %d, expected -3\n", probe_add(-7, 4));
	result(ok, 2, "add_negative", "");
	all &= ok;
	ok = probe_add(1 << 20, 1 << 20) == 1 << 21;
	result(ok, 3, "add_large", "");
	return all && ok;
}

static int test_length(void)
{
	int ok;

	printf("1..1\n");
	/* a nested group, as the kernel's ktest suites print them */
	printf("    KTAP version 1\n    # Subtest: length\n    1..2\n");
	ok = probe_length("") == 0;
	result(ok, 1, "length_empty", "    ");
	{
		int ok2 = probe_length("ringside") == 8;
		if (!ok2)
			printf("    # probe_length(\"ringside\") = %zu, expected 8\n", probe_length("ringside"));
		result(ok2, 2, "length_word", "    ");
		ok &= ok2;
	}
	result(ok, 1, "length", "");
	return ok;
}

static int test_max(void)
{
	int ok = probe_max(3, 9) == 9 && probe_max(9, 3) == 9 && probe_max(-1, -2) == -1;

	printf("1..1\n");
	if (!ok)
		printf("# probe_max gave %d, %d, %d for (3,9) (9,3) (-1,-2)\n", probe_max(3, 9), probe_max(9, 3),
		       probe_max(-1, -2));
	result(ok, 1, "max", "");
	return ok;
}

int main(int argc, char **argv)
{
	const char *from_env = getenv("KTAP_NONCE");
	int ok;

	if (argc < 2) {
		fprintf(stderr, "usage: probe add|length|max\n");
		return 2;
	}
	snprintf(nonce, sizeof(nonce), "%s", from_env ? from_env : "");
	unsetenv("KTAP_NONCE");
	signal(SIGSEGV, panic_handler);
	signal(SIGBUS, panic_handler);
	signal(SIGFPE, panic_handler);
	signal(SIGILL, panic_handler);
	cap_processes();
	printf("KTAP version 1\n");
	if (!strcmp(argv[1], "add"))
		ok = test_add();
	else if (!strcmp(argv[1], "length"))
		ok = test_length();
	else if (!strcmp(argv[1], "max"))
		ok = test_max();
	else {
		printf("# unknown test group %s\n", argv[1]);
		return 2;
	}
	return ok ? 0 : 1;
}
