/* libctest: the C library's own behaviour: printf formats, string and
 * number functions, the allocator's invariants under a random workload,
 * errno conventions, the wait-status macros and the PRNG. KTAP on stdout.
 * Runs on Ringside and on the host alike. */
#include <errno.h>
#include <ktap.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int format_is(const char *want, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Format with vsnprintf and compare; a mismatch prints both. */
static int format_is(const char *want, const char *fmt, ...)
{
	char got[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	if (strcmp(got, want) != 0 || n != (int)strlen(want)) {
		ktap_diag("format \"%s\": expected \"%s\", got \"%s\" (returned %d)", fmt, want, got, n);
		return 0;
	}
	return 1;
}

static void test_printf(void)
{
	char small[8];
	int ok;

	ok = format_is("42 -42 0", "%d %i %d", 42, -42, 0) && format_is("4294967295", "%u", 4294967295U) &&
	     format_is("ff FF 0xff 17", "%x %X %#x %o", 255, 255, 255, 15) &&
	     format_is("-9223372036854775808", "%ld", LONG_MIN) &&
	     format_is("18446744073709551615", "%lu", ULONG_MAX) &&
	     format_is("ffffffffffffffff", "%lx", ULONG_MAX) &&
	     format_is("-1 18446744073709551615 7fffffffffffffff", "%lld %llu %llx", -1LL,
		       (unsigned long long)-1, (unsigned long long)LLONG_MAX) &&
	     format_is("123 -5", "%zu %zd", (size_t)123, (ssize_t)-5) &&
	     format_is("-128 255", "%hhd %hhu", 128, 255);
	ktap_ok(ok, "printf converts d i u x X o with hh l ll z modifiers");
	ok = format_is("[   42][42   ][00042][-0042]", "[%5d][%-5d][%05d][%05d]", 42, 42, 42, -42) &&
	     format_is("[  abc][abc  ][ab]", "[%5s][%-5s][%.2s]", "abc", "abc", "abcdef") &&
	     format_is("[007][  007][+7][ 7]", "[%.3d][%5.3d][%+d][% d]", 7, 7, 7, 7) &&
	     format_is("[   ab]", "[%*.*s]", 5, 2, "abc") && format_is("[x  ][  y]", "[%-3c][%3c]", 'x', 'y') &&
	     format_is("[][0]", "[%.0d][%d]", 0, 0);
	ktap_ok(ok, "printf honours width, precision, *, and the - 0 + space flags");
	/* Through volatile pointers, so the compiler's format checker lets
	 * these deliberate oddities through. */
	const char *volatile null_string = NULL, *volatile trailing = "a%";

	ok = format_is("0x1000 (nil)", "%p %p", (void *)0x1000, NULL) && format_is("(null)", "%s", null_string) &&
	     format_is("100%", "100%%") && format_is("a%", trailing, 0);
	ktap_ok(ok, "printf prints %%p, NULL strings, %%%% and a trailing %%");
	ktap_ok(snprintf(small, sizeof(small), "%s", "truncated!") == 10 && strcmp(small, "truncat") == 0,
		"snprintf truncates, terminates, and returns the full length");
	ktap_ok(snprintf(NULL, 0, "%d", 12345) == 5, "snprintf(NULL, 0) measures the output");
}

static void test_strings(void)
{
	char buf[32], *save, *tok;
	char text[] = "  one,two;;three ";
	int ok;

	ok = strlen("") == 0 && strlen("abc") == 3 && strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 &&
	     strcmp("same", "same") == 0 && strncmp("abcX", "abcY", 3) == 0 && strncmp("ab", "abc", 3) < 0 &&
	     strcmp("\xff", "a") > 0;
	ktap_ok(ok, "strlen, strcmp, strncmp (unsigned comparison)");
	ok = strcmp(strchr("hello", 'l'), "llo") == 0 && strcmp(strrchr("hello", 'l'), "lo") == 0 &&
	     strchr("hello", 'z') == NULL && *strchr("hello", '\0') == '\0' &&
	     strcmp(strstr("find the needle", "needle"), "needle") == 0 && strstr("abc", "abd") == NULL &&
	     strcmp(strstr("abc", ""), "abc") == 0;
	ktap_ok(ok, "strchr, strrchr, strstr");
	memset(buf, 'x', sizeof(buf));
	strncpy(buf, "ab", 5);
	ok = memcmp(buf, "ab\0\0\0x", 6) == 0;
	strcpy(buf, "0123456789");
	memmove(buf + 2, buf, 5);
	ok = ok && strcmp(buf, "0101234789") == 0;
	strcpy(buf, "0123456789");
	memmove(buf, buf + 3, 5);
	ok = ok && strcmp(buf, "3456756789") == 0;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "copy", 4);
	ok = ok && strcmp(buf, "copy") == 0 && memcmp("a\0b", "a\0c", 3) < 0;
	ktap_ok(ok, "memcpy, memmove (both overlap directions), memset, memcmp, strncpy");
	tok = strtok_r(text, " ,;", &save);
	ok = tok && strcmp(tok, "one") == 0;
	tok = strtok_r(NULL, " ,;", &save);
	ok = ok && tok && strcmp(tok, "two") == 0;
	tok = strtok_r(NULL, " ,;", &save);
	ok = ok && tok && strcmp(tok, "three") == 0 && strtok_r(NULL, " ,;", &save) == NULL;
	ktap_ok(ok, "strtok_r splits on any delimiter and skips runs of them");
	tok = strdup("duplicate");
	ktap_ok(tok && strcmp(tok, "duplicate") == 0, "strdup copies into the heap");
	free(tok);
}

static void test_numbers(void)
{
	char *end;
	int ok;

	ok = atoi("123") == 123 && atoi("  -45x") == -45 && strtol("0x1f", NULL, 0) == 31 &&
	     strtol("0755", NULL, 0) == 493 && strtol("z", NULL, 36) == 35 && strtoul("ff", NULL, 16) == 255;
	ktap_ok(ok, "atoi, strtol and strtoul parse bases 10, 16, 8 and 36");
	errno = 0;
	ok = strtol("9223372036854775807", NULL, 10) == LONG_MAX && errno == 0;
	ok = ok && strtol("-9223372036854775808", NULL, 10) == LONG_MIN && errno == 0;
	ok = ok && strtol("9223372036854775808", NULL, 10) == LONG_MAX && errno == ERANGE;
	errno = 0;
	ok = ok && strtoul("18446744073709551616", NULL, 10) == ULONG_MAX && errno == ERANGE;
	ktap_ok(ok, "strtol and strtoul saturate with ERANGE exactly past the limits");
	strtol("12abc", &end, 10);
	ok = strcmp(end, "abc") == 0;
	strtol("abc", &end, 10);
	ok = ok && strcmp(end, "abc") == 0;
	strtol("0x", &end, 16);
	ok = ok && strcmp(end, "x") == 0;
	ktap_ok(ok, "strtol sets *end after the digits, or to the start when there are none");
}

/* A random workload of malloc/realloc/free with a pattern in every block,
 * checking the heap's invariants after every step. */
static void test_malloc(void)
{
	enum { SLOTS = 64, STEPS = 3000 };
	static unsigned char *slot[SLOTS];
	static size_t size[SLOTS];
	struct malloc_stats stats;
	struct prng rng;
	int step, i, consistent = 1, intact = 1, aligned = 1;

	prng_seed(&rng, 12345);
	for (step = 0; step < STEPS && consistent; step++) {
		i = (int)prng_below(&rng, SLOTS);
		if (slot[i]) {
			size_t k;

			for (k = 0; k < size[i]; k++)
				if (slot[i][k] != (unsigned char)(i + k))
					intact = 0;
		}
		if (slot[i] && prng_below(&rng, 3) == 0) {
			size_t n = (size_t)prng_below(&rng, 3000) + 1, k, keep = n < size[i] ? n : size[i];
			unsigned char *p = realloc(slot[i], n);

			if (!p) {
				consistent = 0;
				break;
			}
			for (k = 0; k < keep; k++)
				if (p[k] != (unsigned char)(i + k))
					intact = 0;
			slot[i] = p;
			size[i] = n;
		} else if (slot[i]) {
			free(slot[i]);
			slot[i] = NULL;
			continue;
		} else {
			size[i] = (size_t)prng_below(&rng, prng_below(&rng, 8) == 0 ? 70000 : 200) + 1;
			slot[i] = malloc(size[i]);
			if (!slot[i]) {
				consistent = 0;
				break;
			}
		}
		if ((uintptr_t)slot[i] % 16)
			aligned = 0;
		memset(slot[i], 0, size[i]);
		for (size_t k = 0; k < size[i]; k++)
			slot[i][k] = (unsigned char)(i + k);
		if (malloc_inspect(&stats) < 0)
			consistent = 0;
	}
	ktap_ok(consistent, "the heap stays consistent through %d random malloc/realloc/free steps", STEPS);
	ktap_ok(intact, "no block's contents are disturbed by other blocks or by realloc");
	ktap_ok(aligned, "every block is 16-byte aligned");
	for (i = 0; i < SLOTS; i++) {
		free(slot[i]);
		slot[i] = NULL;
	}
	consistent = malloc_inspect(&stats) == 0;
	ktap_ok(consistent && stats.used_blocks == 0 && stats.free_blocks == 1,
		"freeing everything coalesces the heap into one free block (%zu free, %zu used)",
		stats.free_blocks, stats.used_blocks);
	{
		void *a = malloc(100), *b = malloc(100);

		free(a);
		void *c = malloc(100);

		ktap_ok(c == a, "a freed block is reused");
		free(b);
		free(c);
	}
	errno = 0;
	ktap_ok(malloc(SIZE_MAX - 8) == NULL && errno == ENOMEM, "an impossible malloc returns NULL with ENOMEM");
	errno = 0;
	ktap_ok(calloc(SIZE_MAX / 2, 4) == NULL && errno == ENOMEM, "calloc detects count * size overflow");
	{
		unsigned char *z = calloc(1000, 3);
		int zero = z != NULL;

		for (i = 0; z && i < 3000; i++)
			if (z[i])
				zero = 0;
		ktap_ok(zero, "calloc returns zeroed memory");
		free(z);
	}
	ktap_ok(realloc(NULL, 10) != NULL, "realloc(NULL, n) allocates");
}

static void test_errno_and_env(void)
{
	errno = 0;
	ktap_ok(write(1000, "x", 1) == -1 && errno == EBADF, "a failing wrapper returns -1 and sets errno");
	ktap_ok(syscall_result(-EFAULT) == -1 && errno == EFAULT && syscall_result(5) == 5,
		"syscall_result maps -4095..-1 to errno");
	ktap_ok(strcmp(errno_name(EFAULT), "EFAULT") == 0 && strcmp(errno_name(ENOSYS), "ENOSYS") == 0 &&
		strcmp(errno_name(ECHILD), "ECHILD") == 0 && errno_name(9999) == NULL,
		"errno_name names Linux's numbers");
	ktap_ok(strcmp(strerror(ENOENT), "No such file or directory") == 0 &&
		strcmp(strerror(12345), "Unknown error 12345") == 0, "strerror describes errors");
	ktap_ok(EFAULT == 14 && ENOSYS == 38 && ECHILD == 10 && EINVAL == 22 && ENAMETOOLONG == 36 &&
		ENOEXEC == 8 && E2BIG == 7, "the errno values are Linux's");
	ktap_ok(strcmp(signal_name(SIGSEGV), "SIGSEGV") == 0 && SIGSEGV == 11 && SIGCHLD == 17 &&
		strcmp(signal_name(99), "SIG?") == 0, "signal numbers and names are Linux's");
	if (environ && environ[0] && strchr(environ[0], '=')) {
		char name[64];
		size_t len = (size_t)(strchr(environ[0], '=') - environ[0]);

		snprintf(name, sizeof(name), "%.*s", (int)len, environ[0]);
		ktap_ok(len < sizeof(name) && getenv(name) == environ[0] + len + 1,
			"getenv finds %s in the environment", name);
	} else {
		ktap_skip("the environment is empty", "getenv finds a variable in the environment");
	}
	ktap_ok(getenv("RINGSIDE_NO_SUCH_VARIABLE") == NULL, "getenv returns NULL for a missing name");
}

static void test_wait_macros(void)
{
	char text[64];

	ktap_ok(WIFEXITED(0x2a00) && WEXITSTATUS(0x2a00) == 42 && !WIFSIGNALED(0x2a00) && !WIFSTOPPED(0x2a00),
		"status 0x2a00 is exit 42");
	ktap_ok(WIFSIGNALED(0x8b) && WTERMSIG(0x8b) == 11 && WCOREDUMP(0x8b) && !WIFEXITED(0x8b),
		"status 0x8b is SIGSEGV with a core dump");
	ktap_ok(WIFSTOPPED(0x137f) && WSTOPSIG(0x137f) == 19 && !WIFSIGNALED(0x137f),
		"status 0x137f is stopped by SIGSTOP");
	ktap_ok(strcmp(describe_wait_status(0xb, text, sizeof(text)), "killed by SIGSEGV") == 0 &&
		strcmp(describe_wait_status(0x300, text, sizeof(text)), "exit 3") == 0 &&
		strcmp(describe_wait_status(49, text, sizeof(text)), "killed by signal 49") == 0,
		"describe_wait_status names exits and signals");
}

static void test_prng_and_sbrk(void)
{
	struct prng a, b;
	int same = 1, i, in_range = 1;
	char *old;

	prng_seed(&a, 42);
	prng_seed(&b, 42);
	for (i = 0; i < 100; i++)
		if (prng_next(&a) != prng_next(&b))
			same = 0;
	for (i = 0; i < 1000; i++)
		if (prng_below(&a, 7) >= 7)
			in_range = 0;
	ktap_ok(same && in_range && prng_next(&a) != prng_next(&a), "the PRNG is deterministic per seed and bounded");
	old = sbrk(0);
	ktap_ok(sbrk(4096) == old && sbrk(0) == old + 4096 && sbrk(-4096) == old + 4096 && sbrk(0) == old,
		"sbrk grows and shrinks the break and returns the old one");
	errno = 0;
	ktap_ok(brk((void *)0x1000) == -1 && errno == ENOMEM && sbrk(0) == old,
		"brk to an impossible address fails with ENOMEM and keeps the break");
}

static int died_of_signal(void (*fn)(void))
{
	int status = -1;
	long pid = sys_fork();

	if (pid == 0) {
		fn();
		sys_exit_group(0);
	}
	sys_wait4((int)pid, &status, 0, NULL);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void call_abort(void) { abort(); }
static void free_bad_pointer(void) { free((void *)0x1230); }
static void free_twice(void)
{
	void *p = malloc(10);

	free(p);
	free(p);
}

/* abort() raises SIGABRT where the kernel has kill(), else dies on ud2
 * (SIGILL); free() of a pointer malloc did not hand out, or a second free,
 * must stop the program (after a message on stderr) rather than corrupt the
 * heap. */
static void test_fatal_errors(void)
{
	int sig = died_of_signal(call_abort);

	ktap_ok(sig == SIGABRT || sig == SIGILL, "abort() kills the process (signal %d)", sig);
	ktap_ok(died_of_signal(free_bad_pointer) != 0, "free() of a foreign pointer stops the program");
	ktap_ok(died_of_signal(free_twice) != 0, "a double free() stops the program");
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		printf("usage: libctest\nCheck the Ringside C library (printf, strings, numbers, malloc, errno,\n"
		       "wait macros, PRNG); KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(40);
	test_printf();
	test_strings();
	test_numbers();
	test_malloc();
	test_errno_and_env();
	test_wait_macros();
	test_prng_and_sbrk();
	test_fatal_errors();
	return ktap_finish();
}
