/* pipes: pipe/pipe2 (blocking, end of file, EPIPE and SIGPIPE, 64 KiB,
 * O_NONBLOCK), dup/dup2/dup3, fcntl (GETFD/SETFD/GETFL/SETFL/DUPFD/
 * DUPFD_CLOEXEC), close-on-exec honoured by execve, readv/writev, ioctl
 * (FIONREAD, FIOCLEX, ENOTTY). */
#include "abi.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

static volatile int sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

static void describe(const char *label, int st)
{
	if (WIFEXITED(st))
		printf("%s: exit %d\n", label, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: signal %d\n", label, WTERMSIG(st));
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--check")) {
		int a = atoi(argv[2]), b = atoi(argv[3]);
		printf("in the new program: fd %d %s, fd %d %s\n", a, fcntl(a, F_GETFD) == -1 ? "closed" : "open",
		       b, fcntl(b, F_GETFD) == -1 ? "closed" : "open");
		return 0;
	}
	int p[2], st;
	char buf[128];
	T("pipe", pipe(p));
	printf("ends: %d %d\n", p[0], p[1]);
	T("F_GETFL read end", fcntl(p[0], F_GETFL));
	T("F_GETFL write end", fcntl(p[1], F_GETFL));
	T("write 3", write(p[1], "abc", 3));
	int avail = -1;
	T("FIONREAD", ioctl(p[0], FIONREAD, &avail));
	printf("available: %d\n", avail);
	T("read", read(p[0], buf, sizeof(buf)));
	T("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
	T("pread on a pipe", pread(p[0], buf, 1, 0));
	T("read the write end", read(p[1], buf, 1));
	struct termios tio;
	T("tcgetattr on a pipe", tcgetattr(p[0], &tio));

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 30000000 };
		nanosleep(&ts, NULL);
		write(p[1], "late", 4);
		_exit(0);
	}
	T("read blocks for the writer", read(p[0], buf, sizeof(buf)));
	waitpid(pid, NULL, 0);
	close(p[1]);
	T("read after the last writer", read(p[0], buf, sizeof(buf)));
	close(p[0]);

	/* The child writes only once the parent has closed its read end:
	 * it waits for EOF on a second pipe that the parent closes after. */
	int go[2];
	pipe(p);
	pipe(go);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(p[0]);
		close(go[1]);
		while (read(go[0], buf, 1) > 0)
			;
		write(p[1], "x", 1);
		_exit(0);
	}
	close(go[0]);
	close(p[0]);
	close(p[1]);
	close(go[1]);
	waitpid(pid, &st, 0);
	describe("writer with no reader", st);
	signal(SIGPIPE, on_sigpipe);
	pipe(p);
	close(p[0]);
	T("write with no reader, handled", write(p[1], "x", 1));
	printf("SIGPIPEs: %d\n", sigpipes);
	close(p[1]);
	signal(SIGPIPE, SIG_IGN);
	pipe(p);
	close(p[0]);
	T("write with no reader, ignored", write(p[1], "x", 1));
	close(p[1]);

	T("pipe2 CLOEXEC|NONBLOCK", pipe2(p, O_CLOEXEC | O_NONBLOCK));
	T("F_GETFD", fcntl(p[0], F_GETFD));
	T("F_GETFL", fcntl(p[1], F_GETFL));
	T("read empty non-blocking", read(p[0], buf, 1));
	static char big[8192];
	long total = 0, n;
	while ((n = write(p[1], big, sizeof(big))) > 0)
		total += n;
	printf("write to a full pipe: %ld %s\n", n, ename(errno));
	printf("capacity: %ld\n", total);
	close(p[0]);
	close(p[1]);
	T("pipe2 bad flag", pipe2(p, 1));
	T("pipe bad pointer", syscall(SYS_pipe, BAD_PTR));

	int fd = open("/dev/null", O_RDWR);
	T("dup", dup(fd));
	T("dup closed", dup(999));
	T("dup2 to 100", dup2(fd, 100));
	T("F_GETFL of the copy", fcntl(100, F_GETFL));
	T("dup2 onto itself", dup2(fd, fd));
	T("dup2 closed", dup2(999, 101));
	T("dup2 to -1", dup2(fd, -1));
	T("dup3 onto itself", dup3(fd, fd, 0));
	T("dup3 bad flag", syscall(SYS_dup3, fd, 101, 1));
	T("dup3 CLOEXEC", dup3(fd, 101, O_CLOEXEC));
	T("F_GETFD 101", fcntl(101, F_GETFD));
	T("F_GETFD 100", fcntl(100, F_GETFD));
	T("F_DUPFD 50", fcntl(fd, F_DUPFD, 50));
	T("F_DUPFD_CLOEXEC 50", fcntl(fd, F_DUPFD_CLOEXEC, 50));
	T("F_GETFD 51", fcntl(51, F_GETFD));
	T("F_SETFD 0", fcntl(51, F_SETFD, 0));
	T("F_GETFD 51 again", fcntl(51, F_GETFD));
	T("F_SETFL NONBLOCK|WRONLY", fcntl(fd, F_SETFL, O_NONBLOCK | O_WRONLY));
	T("F_GETFL 100", fcntl(100, F_GETFL));
	T("fcntl unknown", fcntl(fd, 12345));
	T("fcntl closed", fcntl(999, F_GETFD));
	T("F_DUPFD too high", fcntl(fd, F_DUPFD, 1 << 30));
	T("FIOCLEX", ioctl(fd, FIOCLEX));
	T("F_GETFD after FIOCLEX", fcntl(fd, F_GETFD));
	T("TCGETS on /dev/null", ioctl(fd, TCGETS, &tio));
	T("ioctl closed", ioctl(999, TCGETS, &tio));
	for (int k = 3; k < 110; k++)
		if (k != fd)
			close(k);
	close(fd);

	int a = open("/dev/null", O_RDONLY | O_CLOEXEC), b = open("/dev/null", O_RDONLY);
	printf("cloexec %d, plain %d\n", a, b);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char sa[16], sb[16];
		snprintf(sa, sizeof(sa), "%d", a);
		snprintf(sb, sizeof(sb), "%d", b);
		char *args[] = { argv[0], "--check", sa, sb, NULL };
		execv(argv[0], args);
		_exit(99);
	}
	waitpid(pid, &st, 0);
	describe("exec'd checker", st);
	close(a);
	close(b);

	char x[4] = "abc", y[4] = "def", out[8] = { 0 };
	struct iovec wv[3] = { { x, 3 }, { NULL, 0 }, { y, 3 } };
	struct iovec rv[2] = { { out, 2 }, { out + 2, 4 } };
	pipe(p);
	T("writev", writev(p[1], wv, 3));
	T("readv", readv(p[0], rv, 2));
	printf("readv got: %.6s\n", out);
	T("writev -1 vectors", writev(p[1], wv, -1));
	T("writev 1025 vectors", writev(p[1], wv, 1025));
	T("writev bad iovec", writev(p[1], BAD_PTR, 1));
	struct iovec bad = { BAD_PTR, 4 };
	T("writev bad buffer", writev(p[1], &bad, 1));
	T("writev closed fd", writev(999, wv, 1));
	T("writev no vectors", writev(p[1], wv, 0));
	return 0;
}
