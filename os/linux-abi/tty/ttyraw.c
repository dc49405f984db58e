/* ttyraw: the terminal's line discipline as TCSETS sets it, on the
 * terminal that is this program's stdin and stdout (a pty on the host,
 * /dev/console on Ringside). Run by scripts/test-linux-abi-tty, which types
 * what a "want: BYTES" line asks for (printf %b escapes) and compares what
 * the terminal showed on both machines: the program's lines and the echo.
 * Non-canonical reads with VMIN/VTIME, echo on and off, ICRNL, TCSETSF's
 * flush, canonical mode back, and TCGETS reporting what was set. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static struct termios orig;

static void want(const char *bytes)
{
	printf("want: %s\n", bytes);
	fflush(stdout);
}

static void set(int lflag_on, int lflag_off, int iflag_on, int iflag_off, int vmin, int vtime, int action)
{
	struct termios t;
	tcgetattr(0, &t);
	t.c_lflag = (t.c_lflag | lflag_on) & ~lflag_off;
	t.c_iflag = (t.c_iflag | iflag_on) & ~iflag_off;
	t.c_cc[VMIN] = vmin;
	t.c_cc[VTIME] = vtime;
	if (tcsetattr(0, action, &t))
		printf("tcsetattr: %s\n", strerror(errno));
}

static void show_modes(const char *label)
{
	struct termios t;
	tcgetattr(0, &t);
	printf("%s: ICANON %d ECHO %d ICRNL %d VMIN %d VTIME %d\n", label, !!(t.c_lflag & ICANON),
	       !!(t.c_lflag & ECHO), !!(t.c_iflag & ICRNL), t.c_cc[VMIN], t.c_cc[VTIME]);
}

static void show_read(const char *label, size_t n)
{
	char buf[64] = { 0 };
	ssize_t r = read(0, buf, n);
	if (r < 0) {
		printf("%s: -1 %s\n", label, strerror(errno));
		return;
	}
	printf("%s: %zd", label, r);
	for (ssize_t i = 0; i < r; i++)
		printf(buf[i] >= 33 && buf[i] < 127 ? " %c" : " %d", buf[i]);
	printf("\n");
}

static long ms_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

/* Wait (at most 10 s) until n bytes are waiting (FIONREAD). */
static int wait_for(int n)
{
	struct timespec start, tick = { 0, 1000000 };
	int have = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (ioctl(0, FIONREAD, &have) == 0 && have < n && ms_since(&start) < 10000)
		nanosleep(&tick, NULL);
	return have;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: ttyraw   (stdin and stdout a terminal; driven by scripts/test-linux-abi-tty)\n");
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("== ttyraw\n");
	if (tcgetattr(0, &orig)) {
		printf("stdin is not a terminal: %s\n", strerror(errno));
		return 1;
	}
	show_modes("at start");

	set(0, ICANON | ECHO, 0, ICRNL, 3, 0, TCSANOW);
	show_modes("raw");
	want("abcde");
	show_read("VMIN 3, read 3", 3);
	show_read("read 2 more", 2);
	set(0, 0, 0, 0, 0, 0, TCSANOW);
	show_read("VMIN 0 VTIME 0: nothing there", 8);
	set(0, 0, 0, 0, 0, 2, TCSANOW);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show_read("VMIN 0 VTIME 2: nothing comes", 8);
	long waited = ms_since(&t0);
	printf("waited about VTIME: %s\n", waited >= 150 && waited < 5000 ? "yes" : "no");

	set(0, 0, 0, 0, 5, 2, TCSANOW);
	want("ab");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show_read("VMIN 5 VTIME 2: two bytes, then the gap ends it", 8);
	waited = ms_since(&t0);
	printf("returned after the first byte's VTIME: %s\n", waited < 5000 ? "yes" : "no");

	set(0, 0, 0, 0, 1, 0, TCSANOW);
	want("\\r");
	show_read("no ICRNL: CR stays", 4);
	set(0, 0, ICRNL, 0, 1, 0, TCSANOW);
	want("\\r");
	show_read("ICRNL: CR becomes NL", 4);
	set(ECHO, 0, 0, 0, 1, 0, TCSANOW);
	show_modes("raw with echo");
	want("x");
	show_read("echoed", 4);

	set(0, ECHO, 0, 0, 1, 0, TCSANOW);
	want("zzz");
	printf("waiting: %d\n", wait_for(3));
	set(0, 0, 0, 0, 1, 0, TCSAFLUSH);
	int have = -1;
	ioctl(0, FIONREAD, &have);
	printf("after TCSETSF: %d waiting\n", have);
	want("q");
	show_read("then", 4);

	tcsetattr(0, TCSADRAIN, &orig);
	show_modes("back");
	want("hi\\n");
	show_read("canonical", 16);
	printf("== end\n");
	return 0;
}
