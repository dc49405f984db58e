/* The libc system-call wrappers: the raw sys_*() call, then glibc's
 * convention of -1 and errno on failure. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ringside.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long syscall_result(long raw)
{
	if (syscall_failed(raw)) {
		errno = (int)-raw;
		return -1;
	}
	return raw;
}

ssize_t read(int fd, void *buf, size_t count)
{
	return syscall_result(sys_read(fd, buf, count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	return syscall_result(sys_write(fd, buf, count));
}

ssize_t write_all(int fd, const void *buf, size_t count)
{
	const char *p = buf;
	size_t done = 0;

	while (done < count) {
		ssize_t n = write(fd, p + done, count - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

pid_t getpid(void) { return (pid_t)sys_getpid(); }
pid_t getppid(void) { return (pid_t)sys_getppid(); }
pid_t gettid(void) { return (pid_t)sys_gettid(); }

pid_t fork(void)
{
	fflush_stdout();
	return (pid_t)syscall_result(sys_fork());
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)syscall_result(sys_execve(path, (void *)argv, (void *)envp));
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/* execvp: FILE as it is when it holds a '/', else each directory of $PATH
 * in turn (/bin when PATH is unset or empty). On failure errno is the most
 * telling error met: ENOENT only if no directory had the file. */
int execvp(const char *file, char *const argv[])
{
	if (strchr(file, '/'))
		return execv(file, argv);
	const char *path = getenv("PATH");
	const char *dir = path && *path ? path : "/bin";
	int saved = ENOENT;
	char full[512];
	while (*dir) {
		const char *colon = strchr(dir, ':');
		size_t len = colon ? (size_t)(colon - dir) : strlen(dir);
		if (len + strlen(file) + 2 <= sizeof(full)) {
			snprintf(full, sizeof(full), "%.*s/%s", (int)len, len ? dir : ".", file);
			execv(full, argv);
			if (errno != ENOENT)
				saved = errno;
		}
		dir += len;
		if (*dir == ':')
			dir++;
	}
	errno = saved;
	return -1;
}

/* The kernel's break, cached so sbrk() need not ask each time. */
static char *current_break;

int brk(void *addr)
{
	char *result = (char *)sys_brk(addr);

	current_break = result;
	if (result != addr) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void *sbrk(long increment)
{
	char *old, *want;

	if (!current_break)
		current_break = (char *)sys_brk(NULL);
	old = current_break;
	if (increment == 0)
		return old;
	want = old + increment;
	if ((increment > 0 && want < old) || (increment < 0 && want > old) || brk(want) < 0) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return old;
}

int sched_yield(void)
{
	return (int)syscall_result(sys_sched_yield());
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	long r = sys_mmap(addr, length, prot, flags, fd, (unsigned long)offset);

	if (syscall_failed(r)) {
		errno = (int)-r;
		return MAP_FAILED;
	}
	return (void *)r;
}

int munmap(void *addr, size_t length)
{
	return (int)syscall_result(sys_munmap(addr, length));
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *rusage)
{
	return (pid_t)syscall_result(sys_wait4(pid, status, options, rusage));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
	return wait4(-1, status, 0, NULL);
}

const char *describe_wait_status(int status, char *buf, unsigned long size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status) && WTERMSIG(status) <= SIGSYS)
		snprintf(buf, size, "killed by %s%s", signal_name(WTERMSIG(status)),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d%s", WTERMSIG(status),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else if (WIFSTOPPED(status) && WSTOPSIG(status) <= SIGSYS)
		snprintf(buf, size, "stopped by %s", signal_name(WSTOPSIG(status)));
	else if (WIFSTOPPED(status))
		snprintf(buf, size, "stopped by signal %d", WSTOPSIG(status));
	else
		snprintf(buf, size, "status 0x%x", status);
	return buf;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)syscall_result(sys_nanosleep((void *)req, rem));
}

int clock_gettime(clockid_t clock, struct timespec *tp)
{
	return (int)syscall_result(sys_clock_gettime(clock, tp));
}

long monotonic_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int uname(struct utsname *buf)
{
	return (int)syscall_result(sys_uname(buf));
}

int running_on_ringside(void)
{
	static int known, answer;
	struct utsname u;

	if (!known) {
		answer = uname(&u) == 0 && strcmp(u.sysname, "Ringside") == 0;
		known = 1;
	}
	return answer;
}

int ringside_stats(struct ringside_entry_stats *stats)
{
	return (int)syscall_result(sys_ringside_stats(stats));
}
