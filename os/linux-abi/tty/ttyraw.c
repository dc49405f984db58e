/* ttyraw: the terminal's line discipline as TCSETS sets it, on the
 * terminal that is this program's stdin and stdout (a pty on the host,
 * /dev/console on Ringside). Run by scripts/test-linux-abi-tty, which types
 * what a "want: BYTES" line asks for (printf %b escapes) and compares what
 * the terminal showed on both machines: the program's lines and the echo.
 * Non-canonical reads with VMIN/VTIME, echo on and off, ICRNL, TCSETSF's
 * flush, tcflush, canonical mode back, and TCGETS reporting what was set. Then job
 * control: ^C, ^\ and ^Z reach the foreground job (its own process group,
 * given the terminal with tcsetpgrp) and are echoed as ^C ^\ ^Z; a
 * background job that reads gets SIGTTIN (EIO if it ignores it), one that
 * calls tcsetpgrp or tcsetattr gets SIGTTOU; tcsetpgrp's errors; the input
 * flush of ^C and NOFLSH; IXON's ^S and ^Q (a stopped terminal refuses a
 * non-blocking write), IXANY; OPOST with ONLCR, OCRNL, ONOCR, ONLRET and
 * off (the script shows each CR as <CR>). Canonical line editing and its
 * echo: VERASE (only it), VKILL with ECHOK/ECHOKE/ECHOE, and under IEXTEN
 * VWERASE, VLNEXT and VREPRINT; rubbing out ^X echoes and tabs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
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


static const char *ename(int e)
{
	switch (e) {
	case EIO: return "EIO";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENXIO: return "ENXIO";
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	case EAGAIN: return "EAGAIN";
	case EINTR: return "EINTR";
	}
	return strerror(e);
}

static void result(const char *label, int r)
{
	if (r < 0)
		printf("%s: -1 %s\n", label, ename(errno));
	else
		printf("%s: %d\n", label, r);
}

/* Take the terminal back for our own group (a shell ignores SIGTTOU for this). */
static void take_terminal(void)
{
	signal(SIGTTOU, SIG_IGN);
	tcsetpgrp(0, getpgrp());
	signal(SIGTTOU, SIG_DFL);
}

/* A job: a child in a process group of its own, in the foreground (it gets
 * the terminal) or not; it runs body once the parent has set that up, and
 * the script types `type` (if any) meanwhile. How it ended is printed, a
 * stopped job is killed, and the terminal comes back to us. */
static void job(const char *label, const char *type, int foreground, void (*body)(void))
{
	int go[2], status;
	if (pipe(go))
		return;
	pid_t c = fork();
	if (c == 0) {
		char x;
		setpgid(0, 0);
		close(go[1]);
		if (read(go[0], &x, 1) != 1)
			_exit(99);
		body();
		_exit(0);
	}
	close(go[0]);
	setpgid(c, c);
	if (foreground && tcsetpgrp(0, c))
		printf("tcsetpgrp to the job: %s\n", ename(errno));
	if (type)
		want(type);
	/* What the script types may end the job before it has read "g" (a ^C
	 * is sent at once): then this write meets a pipe with no reader, and
	 * its SIGPIPE must not end us (seen on the host under load). */
	signal(SIGPIPE, SIG_IGN);
	if (write(go[1], "g", 1) != 1 && errno != EPIPE)
		printf("pipe: %s\n", ename(errno));
	signal(SIGPIPE, SIG_DFL);
	close(go[1]);
	waitpid(c, &status, WUNTRACED);
	if (WIFSTOPPED(status)) {
		printf("%s: stopped by %s\n", label, strsignal(WSTOPSIG(status)));
		kill(c, SIGKILL);
		waitpid(c, &status, 0);
	} else if (WIFSIGNALED(status)) {
		printf("%s: killed by %s\n", label, strsignal(WTERMSIG(status)));
	} else {
		printf("%s: exit %d\n", label, WEXITSTATUS(status));
	}
	take_terminal();
}

static void read_forever(void)
{
	char buf[16];
	for (;;)
		if (read(0, buf, sizeof(buf)) < 0 && errno != EINTR)
			_exit(3);
}

/* The ^\\ job catches SIGQUIT and exits 3, so that no core is dumped (the
 * handler is set before the fork: the job has it before ^\\ can come). */
static void on_quit(int sig)
{
	(void)sig;
	_exit(3);
}

static void bg_read_ignored(void)
{
	char buf[4];
	signal(SIGTTIN, SIG_IGN);
	result("background read, SIGTTIN ignored", read(0, buf, sizeof(buf)));
}

static void bg_tcsetpgrp(void)
{
	tcsetpgrp(0, getpgrp());
}

static void bg_tcsetpgrp_ignored(void)
{
	signal(SIGTTOU, SIG_IGN);
	result("background tcsetpgrp, SIGTTOU ignored", tcsetpgrp(0, getpgrp()));
	printf("the job is now the foreground: %s\n", tcgetpgrp(0) == getpgrp() ? "yes" : "no");
}

static void bg_tcsetattr(void)
{
	tcsetattr(0, TCSANOW, &orig);
}

static void bg_write(void)
{
	printf("a background job may write (no TOSTOP)\n");
}

static void bg_write_tostop(void)
{
	printf("a background job wrote under TOSTOP\n");
	fflush(stdout);
}

static void bg_write_tostop_ignored(void)
{
	signal(SIGTTOU, SIG_IGN);
	printf("under TOSTOP, with SIGTTOU ignored, a background job may write\n");
	fflush(stdout);
}

static void set_tostop(int on)
{
	struct termios t;
	tcgetattr(0, &t);
	t.c_lflag = on ? t.c_lflag | TOSTOP : t.c_lflag & ~TOSTOP;
	tcsetattr(0, TCSANOW, &t);
}

/* A job's leader cannot start a session (EPERM); its child can, and then
 * has no controlling terminal. */
static void new_session(void)
{
	result("a group leader's setsid", setsid());
	pid_t c = fork();
	if (c == 0) {
		printf("a new session: %s\n", setsid() == getpid() ? "yes" : "no");
		result("new session: tcgetpgrp", tcgetpgrp(0));
		result("new session: tcsetpgrp", tcsetpgrp(0, getpgrp()));
		result("new session: TIOCNOTTY", ioctl(0, TIOCNOTTY));
		/* /dev/tty is the caller's controlling terminal: none here. */
		int fd = open("/dev/tty", O_RDWR);
		result("new session: open /dev/tty", fd < 0 ? -1 : 0);
		_exit(0);
	}
	waitpid(c, NULL, 0);
}

static volatile sig_atomic_t got_int;
static void on_int(int sig)
{
	(void)sig;
	got_int = 1;
}

/* Type s (ending in ^C) in canonical mode without echo; the line so far is
 * flushed unless NOFLSH; then "d\n" completes whatever is left. */
static void intr_flush(const char *label, int noflsh)
{
	struct sigaction sa = { .sa_handler = on_int }, old;
	sigset_t block, none;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigemptyset(&none);
	sigaction(SIGINT, &sa, &old);
	sigprocmask(SIG_BLOCK, &block, NULL);
	set(ISIG | ICANON | (noflsh ? NOFLSH : 0), ECHO | (noflsh ? 0 : NOFLSH), 0, 0, 1, 0, TCSANOW);
	got_int = 0;
	want("abc\\003");
	while (!got_int)
		sigsuspend(&none);
	/* Linux flushes after it signals, holding the termios lock: a
	 * TCSETS waits for the flush to end. */
	set(0, 0, 0, 0, 1, 0, TCSANOW);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	sigaction(SIGINT, &old, NULL);
	want("d\\n");
	show_read(label, 16);
}

/* Write s (printf escapes already applied) with write(2), as it is. */
static void out(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		printf("write: %s\n", ename(errno));
}

static void set_oflag(tcflag_t oflag)
{
	struct termios t;
	tcgetattr(0, &t);
	t.c_oflag = oflag;
	tcsetattr(0, TCSANOW, &t);
}

static int write_nonblock(const char *s)
{
	int fl = fcntl(1, F_GETFL);
	fcntl(1, F_SETFL, fl | O_NONBLOCK);
	int r = write(1, s, strlen(s));
	int e = errno;
	fcntl(1, F_SETFL, fl);
	errno = e;
	return r;
}

static void job_control(void)
{
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);   /* ^\\ leaves no core file, whenever it comes */
	printf("-- job control\n");
	printf("tcgetpgrp is our group: %s\n", tcgetpgrp(0) == getpgrp() ? "yes" : "no");
	printf("tcgetsid is our session: %s\n", tcgetsid(0) == getsid(0) ? "yes" : "no");
	/* Linux's n_tty signals the group before it flushes (unless NOFLSH)
	 * and echoes: a job's end could be told, and our next line written,
	 * before a pty's flush drops it or the echo comes. So the jobs run
	 * with NOFLSH and without echo; the echo and the flush are checked
	 * below, where nothing races with them. */
	set(NOFLSH, ECHO, 0, 0, 1, 0, TCSANOW);
	job("^C to the foreground job", "\\003", 1, read_forever);
	signal(SIGQUIT, on_quit);
	job("^\\ to the foreground job (it catches SIGQUIT)", "\\034", 1, read_forever);
	signal(SIGQUIT, SIG_DFL);
	job("^Z to the foreground job", "\\032", 1, read_forever);
	printf("the terminal is ours again: %s\n", tcgetpgrp(0) == getpgrp() ? "yes" : "no");
	int tty = open("/dev/tty", O_RDWR);
	printf("/dev/tty opens, is a terminal, is ours: %s %s %s\n", tty >= 0 ? "yes" : ename(errno),
	       isatty(tty) ? "yes" : "no", tcgetpgrp(tty) == getpgrp() ? "yes" : "no");
	close(tty);
	job("background read", NULL, 0, read_forever);
	job("background read, SIGTTIN ignored", NULL, 0, bg_read_ignored);
	job("background tcsetpgrp", NULL, 0, bg_tcsetpgrp);
	job("background tcsetpgrp, SIGTTOU ignored", NULL, 0, bg_tcsetpgrp_ignored);
	job("background tcsetattr", NULL, 0, bg_tcsetattr);
	job("background write", NULL, 0, bg_write);
	set_tostop(1);
	job("background write under TOSTOP", NULL, 0, bg_write_tostop);
	job("background write under TOSTOP, SIGTTOU ignored", NULL, 0, bg_write_tostop_ignored);
	set_tostop(0);
	job("a new session", NULL, 0, new_session);

	int p[2];
	if (pipe(p) == 0) {
		result("tcsetpgrp on a pipe", tcsetpgrp(p[0], getpgrp()));
		result("tcgetpgrp on a pipe", tcgetpgrp(p[0]));
		close(p[0]);
		close(p[1]);
	}
	result("tcsetpgrp -1", tcsetpgrp(0, -1));
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	result("tcsetpgrp to a group that is gone", tcsetpgrp(0, gone));
	/* A group of another session: a child that called setsid. */
	int ready[2], hold[2];
	if (pipe(ready) == 0 && pipe(hold) == 0) {
		pid_t other = fork();
		if (other == 0) {
			char x;
			setsid();
			close(ready[0]);
			close(ready[1]);          /* EOF: it has its session */
			close(hold[1]);
			if (read(hold[0], &x, 1) < 0)
				_exit(1);
			_exit(0);
		}
		char x;
		close(ready[1]);
		if (read(ready[0], &x, 1) < 0)
			printf("pipe: %s\n", ename(errno));
		result("tcsetpgrp to another session's group", tcsetpgrp(0, other));
		close(hold[1]);
		close(hold[0]);
		close(ready[0]);
		waitpid(other, NULL, 0);
	}
	printf("still the foreground: %s\n", tcgetpgrp(0) == getpgrp() ? "yes" : "no");

	printf("-- ^C's echo and flush\n");
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	set(NOFLSH | ECHO | ECHOCTL, 0, 0, 0, 1, 0, TCSANOW);
	want("a\\003b\\034c\\n");
	show_read("ECHOCTL shows ^C and ^\\, the line keeps the rest", 16);
	set(NOFLSH | ECHO, ECHOCTL, 0, 0, 1, 0, TCSANOW);
	want("d\\003e\\n");
	show_read("without ECHOCTL the echo is the byte", 16);
	set(0, ISIG, 0, 0, 1, 0, TCSANOW);
	want("f\\003g\\n");
	show_read("without ISIG ^C is read", 16);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	intr_flush("^C flushed the line", 0);
	intr_flush("NOFLSH kept it", 1);
	tcsetattr(0, TCSANOW, &orig);
}

/* Canonical mode from the start's modes with lflag bits set and cleared
 * and oflag as given; the script types `type`; what the line holds. */
static void edit_o(const char *label, tcflag_t lflag_on, tcflag_t lflag_off, tcflag_t oflag, const char *type)
{
	struct termios t = orig;
	t.c_lflag = (t.c_lflag | lflag_on) & ~lflag_off;
	t.c_oflag = oflag;
	tcsetattr(0, TCSANOW, &t);
	want(type);
	show_read(label, 63);
}

static void edit(const char *label, tcflag_t lflag_on, tcflag_t lflag_off, const char *type)
{
	edit_o(label, lflag_on, lflag_off, orig.c_oflag, type);
}

static void line_editing(void)
{
	const tcflag_t all = ICANON | ECHO | ECHOE | ECHOK | ECHOKE | ECHOCTL | IEXTEN;
	printf("-- line editing\n");
	signal(SIGINT, SIG_IGN);        /* a ^C that VLNEXT failed to make literal */
	edit("^W: the trailing non-word bytes, then the word", all, 0, "one two  \\027x\\n");
	edit("^W stops at punctuation, then takes it", all, 0, "a foo.bar.. \\027\\027\\n");
	edit("^W without IEXTEN is read", all, IEXTEN, "ab\\027c\\n");
	edit("^V makes ^C ^U DEL ^W literal", all, 0, "a\\026\\003\\026\\025\\026\\177\\026\\027b\\n");
	edit("^V without ECHOCTL echoes nothing", all, ECHOCTL, "c\\026\\025d\\n");
	edit("^V^J is in the line, not its end", all, 0, "e\\026\\nf\\n");
	edit("^D ends a read without a newline", all, 0, "ab\\004cd\\n");
	show_read("then the next line", 63);
	edit("^V without IEXTEN is read", all, IEXTEN, "x\\026y\\n");
	edit("^R reprints the line", all, 0, "ab\\026\\001\\tc\\022d\\n");
	edit("^R without ECHO is read", all & ~ECHO, ECHO, "e\\022f\\n");
	edit("DEL rubs out a ^X echo twice", all, 0, "ab\\026\\001\\177\\177c\\n");
	edit("without ECHOCTL, nothing to rub out", all, ECHOCTL, "g\\026\\001\\177h\\n");
	edit("DEL on an empty line", all, 0, "\\177i\\n");
	edit("^H is not VERASE: it is read", all, 0, "jk\\010l\\n");
	edit("without ECHOE, DEL echoes ^?", all, ECHOE, "mn\\177o\\n");
	edit("tabs rubbed out back to their start", all, 0, "p\\tqr\\t\\177\\177\\177\\177s\\n");
	edit_o("a tab after a prompt", all, 0, OPOST, "\\tt\\177\\177u\\n");
	edit("a line begins where ^U's echo left it", all, ECHOK | ECHOKE, "ab\\025\\tc\\177\\177d\\n");
	edit("^U with ECHOK ECHOKE ECHOE rubs out", all, 0, "ab\\026\\001\\tc\\025v\\n");
	edit("^U without ECHOKE: ^U and a newline", all, ECHOKE, "ab\\025w\\n");
	edit("^U without ECHOK or ECHOKE: ^U", all, ECHOK | ECHOKE, "ab\\025x\\n");
	edit("^U without ECHOE", all, ECHOE, "ab\\025y\\n");
	edit("^U without ECHO", all & ~ECHO, ECHO, "ab\\025z\\n");
	set(0, ICANON | ECHO, 0, 0, 1, 0, TCSANOW);
	want("gh");
	wait_for(2);
	tcsetattr(0, TCSANOW, &orig);
	want("ij\\n");
	wait_for(5);
	show_read("ICANON back on: what was typed is a line", 63);
	show_read("and the next", 63);
	signal(SIGINT, SIG_DFL);
	tcsetattr(0, TCSANOW, &orig);
}

static void flow_control(void)
{
	printf("-- IXON\n");
	set(0, ICANON | ECHO, IXON, IXANY, 1, 0, TCSANOW);
	want("\\023x");
	wait_for(1);
	int r = write_nonblock("not shown while stopped\n");
	int e = errno;
	set(0, 0, 0, IXON, 1, 0, TCSANOW);       /* clearing IXON restarts output */
	errno = e;
	result("after ^S, a non-blocking write", r);
	show_read("^S is not read", 4);
	set(0, 0, IXON, 0, 1, 0, TCSANOW);
	want("\\023\\021y");
	wait_for(1);
	result("after ^S ^Q, a non-blocking write", write_nonblock("output flows\n"));
	show_read("^S ^Q are not read", 4);
	set(0, 0, IXON | IXANY, 0, 1, 0, TCSANOW);
	want("\\023z");
	wait_for(1);
	result("IXANY: after ^S z, a non-blocking write", write_nonblock("z restarted it\n"));
	show_read("z is read", 4);
	set(0, 0, 0, IXON | IXANY, 1, 0, TCSANOW);
	want("\\023\\021w");
	wait_for(3);
	show_read("no IXON: ^S ^Q are read", 4);
	tcsetattr(0, TCSANOW, &orig);
}

static void output_processing(void)
{
	printf("-- OPOST\n");
	out("ONLCR: a\nb\n");
	set_oflag(0);
	out("OPOST off: c\nd\n");
	set_oflag(OPOST);
	out("OPOST alone: e\nf\n");
	set_oflag(OPOST | OCRNL);
	out("OCRNL: g\rh\n");
	set_oflag(OPOST | ONLCR | ONOCR);
	out("\rONOCR: the CR at column 0 went\r\n");
	set_oflag(OPOST | ONOCR);
	out("ONOCR without ONLRET: i\n\rj\n");
	set_oflag(OPOST | ONOCR | ONLRET);
	out("ONLRET: k\n\rl\n");
	set_oflag(ONLCR | OCRNL | ONLRET);
	out("OPOST off, the others on: \r\n");
	tcsetattr(0, TCSANOW, &orig);
	out("back: m\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: ttyraw [--want BYTES]   (stdin and stdout a terminal; driven by scripts/test-linux-abi-tty)\n");
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[1], "--want")) {
		/* A foreground job for the shell's test: ask for BYTES, then
		 * read until killed or end of input. NOFLSH and no echo, so
		 * that a pty's flush or echo after ^C cannot race with what
		 * the shell prints next (see job_control). */
		struct termios t;
		char buf[64];
		tcgetattr(0, &t);
		t.c_lflag = (t.c_lflag | NOFLSH) & ~ECHO;
		tcsetattr(0, TCSANOW, &t);
		want(argv[2]);
		while (read(0, buf, sizeof(buf)) > 0)
			;
		return 0;
	}
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
	/* The clock starts once both bytes are there, so that the time the
	 * typing takes (long on a loaded machine) is not counted. */
	wait_for(2);
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

	/* tcflush: TCIFLUSH drops what was typed, TCOFLUSH leaves it; a queue
	 * number past TCIOFLUSH is EINVAL. TCOFLUSH drops output not yet sent
	 * (on a pty: not yet read by the script), so nothing is printed between
	 * the script's reading "want:" and it. */
	want("uvw");
	int typed = wait_for(3);
	result("TCOFLUSH", tcflush(0, TCOFLUSH));
	printf("waiting: %d\n", typed);
	have = -1;
	ioctl(0, FIONREAD, &have);
	printf("after TCOFLUSH: %d waiting\n", have);
	result("TCIFLUSH", tcflush(0, TCIFLUSH));
	have = -1;
	ioctl(0, FIONREAD, &have);
	printf("after TCIFLUSH: %d waiting\n", have);
	result("tcflush queue 3", tcflush(0, 3));
	want("r");
	show_read("then", 4);

	tcsetattr(0, TCSADRAIN, &orig);
	show_modes("back");
	want("hi\\n");
	show_read("canonical", 16);

	line_editing();
	job_control();
	flow_control();
	output_processing();
	printf("== end\n");
	return 0;
}
