/* KTAP output (see <ktap.h>). */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int planned, reported, failed, skipped;

void ktap_plan(int count)
{
	planned = count;
	printf("KTAP version 1\n1..%d\n", count);
}

/* A result line that write() refused is a result lost, and so would be every
 * later one: say so from static storage (the line was on the stack, whose
 * address a broken entry path may mangle - a 64-bit pointer cut to 32 bits
 * reads as EFAULT) and stop, with the status ringgrade knows. */
static void results_unwritable(int err)
{
	static char msg[160];
	const char *name = errno_name(err);
	int n = snprintf(msg, sizeof(msg), "# ktap: write() of result %d failed with %s%s%d%s\n", reported,
			 name ? name : "", name ? " (" : "error ", err, name ? ")" : "");

	if (n > 0)
		write(STDOUT_FILENO, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	_exit(KTAP_EXIT_UNWRITABLE);
}

/* Build one result line and send it in a single write(), after anything
 * already buffered on stdout, so it never interleaves with other output. */
static void result_line(int ok, const char *directive, const char *fmt, va_list ap)
{
	char line[512];
	const char *nonce = getenv("KTAP_NONCE");
	size_t len;

	len = (size_t)snprintf(line, sizeof(line), "%s %d ", ok ? "ok" : "not ok", ++reported);
	if (len < sizeof(line))
		len += (size_t)vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	if (directive && len < sizeof(line))
		len += (size_t)snprintf(line + len, sizeof(line) - len, " # %s", directive);
	if (nonce && *nonce && len < sizeof(line))
		len += (size_t)snprintf(line + len, sizeof(line) - len, " nonce=%s", nonce);
	/* An over-long line is cut, but still ends with its newline. */
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	fflush_stdout();
	if (write_all(STDOUT_FILENO, line, len) < 0)
		results_unwritable(errno);
}

int ktap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result_line(cond, NULL, fmt, ap);
	va_end(ap);
	if (!cond)
		failed++;
	return cond;
}

void ktap_skip(const char *reason, const char *fmt, ...)
{
	char directive[160];
	va_list ap;

	snprintf(directive, sizeof(directive), "SKIP %s", reason);
	va_start(ap, fmt);
	result_line(1, directive, fmt, ap);
	va_end(ap);
	skipped++;
}

void ktap_diag(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("# %s\n", line);
}

/* "-14 (EFAULT)", "5", or "-38 (ENOSYS)" for a raw result. */
static const char *describe_result(long value, char *buf, size_t size)
{
	const char *name = value < 0 && value > -4096 ? errno_name((int)-value) : NULL;

	if (name)
		snprintf(buf, size, "%ld (%s)", value, name);
	else
		snprintf(buf, size, "%ld", value);
	return buf;
}

int ktap_expect(long got, long want, const char *fmt, ...)
{
	char got_text[48], want_text[48];
	va_list ap;
	int ok = got == want;

	if (!ok)
		ktap_diag("expected %s, got %s", describe_result(want, want_text, sizeof(want_text)),
			  describe_result(got, got_text, sizeof(got_text)));
	va_start(ap, fmt);
	result_line(ok, NULL, fmt, ap);
	va_end(ap);
	if (!ok)
		failed++;
	return ok;
}

int ktap_finish(void)
{
	printf("# Totals: pass:%d fail:%d skip:%d\n", reported - failed - skipped, failed, skipped);
	if (reported != planned) {
		printf("# planned %d tests but ran %d\n", planned, reported);
		return 1;
	}
	return failed ? 1 : 0;
}

int ktap_child_status(void (*fn)(void *), void *arg)
{
	long pid = sys_fork();
	int status = -1;

	if (pid == 0) {
		fn(arg);
		sys_exit_group(0);
	}
	if (pid < 0 || sys_wait4((int)pid, &status, 0, NULL) != pid)
		return -1;
	return status;
}

const char *ktap_self_path(const char *argv0)
{
	static char path[512];

	if (argv0[0] == '/')
		return argv0;
	long n = sys_getcwd(path, sizeof(path) - 64);
	if (n > 0)
		snprintf(path + n - 1, sizeof(path) - n, "/%s", argv0);
	return path;
}

void ktap_sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

int ktap_wait_status(int pid)
{
	for (int i = 0; i < 200; i++) {
		int status;
		int r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		ktap_sleep_ms(10);
	}
	return -1;
}
