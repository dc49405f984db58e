/* fuzz: throw random system calls with hostile arguments at the kernel and
 * check that every call returns and the kernel stays up.
 *
 *   fuzz [--verbose] [COUNT] [SEED]      (COUNT default 1000, SEED default 1)
 *
 * Numbers are drawn mostly from the kernel's own lists ($(GEN)/syscalls_64.h
 * through `syscall`, syscalls_32.h through `int $0x80`), the rest at random
 * outside them. Arguments are drawn per the list's argument types: small and
 * huge numbers, -1, NULL, kernel and non-canonical addresses, unmapped user
 * addresses, our own read-only text, and valid buffers.
 *
 * The parent never makes a fuzzed call. It forks one child per batch of
 * BATCH calls, so a call that wrecks its caller (munmap of its own text, brk
 * games, exit) ends only that child; the parent reports how each batch ended,
 * "finished" or "killed by SIGSEGV" alike being fine. What is not fine is a
 * batch that never ends or a kernel that stops answering. A few calls are
 * tamed so that they cannot block forever or hit other processes: see
 * tame_call(). Each batch has its own PRNG stream (SEED, batch), so
 * `fuzz --verbose COUNT SEED` replays a run and names each call before it
 * is made.
 *
 * Because it attacks the kernel it runs on, fuzz refuses to run anywhere but
 * Ringside (uname sysname) unless given --force. --dry-run only prints the
 * calls a run would make (the caller's pid shows as 0), and is safe anywhere. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH 50
#define MAX_COUNT 10000000L
#define BATCH_DEADLINE_NS (60L * 1000 * 1000 * 1000)

enum arg_type { T_int, T_uint, T_long, T_ulong, T_hex, T_fd, T_size, T_ptr, T_str, T_wbuf, T_rbuf,
		T_pid, T_sig, T_flags };

struct call_info {
	long nr;
	const char *name;
	int nargs;
	enum arg_type types[6];
};

#define ARG(type, name) T_##type
#define SYSCALL(nr, name, entry, nargs, ...) { nr, #name, nargs, { __VA_ARGS__ } },
static const struct call_info calls64[] = {
#include <syscalls_64.h>
};
static const struct call_info calls32[] = {
#include <syscalls_32.h>
};
#undef SYSCALL
#undef ARG

#define NCALLS64 (sizeof(calls64) / sizeof(calls64[0]))
#define NCALLS32 (sizeof(calls32) / sizeof(calls32[0]))

/* Calls a fuzzer must not make even in a throw-away child: they could block
 * forever or reach beyond the child (kill(-1, ...), ptrace of the parent,
 * reboot), or share the child's memory with a new task. */
static const char *const never_call[] = {
	"pause", "rt_sigsuspend", "sigsuspend", "select", "_newselect", "pselect6", "poll", "ppoll",
	"epoll_wait", "epoll_pwait", "futex", "accept", "accept4", "recvfrom",
	"recvmsg", "msgrcv", "semop", "ptrace", "clone3",
	"reboot", "kexec_load",
};

/* Blocking calls that are made, but tamed below: waits always with WNOHANG,
 * sleeps short and never to an absolute time, rt_sigtimedwait with a short
 * timeout, pipe reads and writes non-blocking, the console never read;
 * fork, vfork and clone children leave at once. */
static int banned(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(never_call) / sizeof(never_call[0]); i++)
		if (strcmp(name, never_call[i]) == 0)
			return 1;
	return 0;
}

/* The pid kill() and friends may target: our own (0 in --dry-run, so that a
 * printed run does not depend on the pid it got). */
static long self_pid;

static int ends_batch(const char *name)
{
	static const char *const enders[] = { "exit", "exit_group", "kill", "tkill", "tgkill",
					      "rt_sigreturn", "sigreturn" };
	size_t i;

	for (i = 0; i < sizeof(enders) / sizeof(enders[0]); i++)
		if (strcmp(name, enders[i]) == 0)
			return 1;
	return 0;
}

/* Valid buffers for pointer arguments: static, so below 4 GiB for int $0x80. */
static char fuzz_buffer[3 * 4096] __attribute__((aligned(4096)));

struct fuzz_call {
	int compat;             /* 1: int $0x80 with the i386 list */
	long nr;
	const char *name;       /* NULL for a number outside the lists */
	long args[6];
	int arg_is_buffer[6];   /* the argument points into fuzz_buffer */
};

static long random_number(struct prng *rng)
{
	static const long specials[] = { 0, 1, 2, -1, 3, 7, 64, 255, 4096, 0x7fffffff, -4096,
					 (long)0x80000000UL, 0x7fffffffffffffffL };

	switch (prng_below(rng, 4)) {
	case 0:
		return specials[prng_below(rng, sizeof(specials) / sizeof(specials[0]))];
	case 1:
		return (long)prng_below(rng, 64);
	case 2:
		return (long)(uint32_t)prng_next(rng);
	default:
		return (long)prng_next(rng);
	}
}

static long random_pointer(struct prng *rng, int *is_buffer)
{
	*is_buffer = 0;
	switch (prng_below(rng, 10)) {
	case 0:
		return 0;
	case 1:
		return (long)0xffffffff80000000UL + (long)(prng_below(rng, 4096) * 4096);
	case 2:
		return (long)0x8000000000000000UL;
	case 3:
		return (long)(prng_next(rng) & 0x00007ffffffff000UL);  /* almost surely unmapped */
	case 4:
		return (long)(uintptr_t)random_number;                /* our read-only text */
	case 5:
		return -1;
	default:
		*is_buffer = 1;
		return (long)(uintptr_t)(fuzz_buffer + prng_below(rng, 2 * 4096));
	}
}

static long random_argument(struct prng *rng, enum arg_type type, int *is_buffer)
{
	static const int fds[] = { 0, 1, 2, 3, -1, 1000, 0x7fffffff };
	static const long sizes[] = { 0, 1, 16, 4096, 8192, 1L << 20, 1L << 40, -1, 0x7fffffff };

	*is_buffer = 0;
	switch (type) {
	case T_fd:
		return prng_below(rng, 4) ? fds[prng_below(rng, sizeof(fds) / sizeof(fds[0]))] : random_number(rng);
	case T_size:
		return prng_below(rng, 4) ? sizes[prng_below(rng, sizeof(sizes) / sizeof(sizes[0]))]
					  : random_number(rng);
	case T_ptr:
	case T_str:
	case T_wbuf:
	case T_rbuf:
		return random_pointer(rng, is_buffer);
	case T_pid:
		return prng_below(rng, 2) ? (long)prng_below(rng, 4) - 1 : random_number(rng);
	default:
		return random_number(rng);
	}
}

/* Make one call harmless to everyone but the child that makes it. */
static void tame_call(struct fuzz_call *c, struct prng *rng)
{
	int i;

	/* Random bytes in the buffers, with a NUL somewhere for string args. */
	for (i = 0; i < (int)sizeof(fuzz_buffer); i += 8)
		*(uint64_t *)(fuzz_buffer + i) = prng_next(rng);
	fuzz_buffer[prng_below(rng, sizeof(fuzz_buffer))] = '\0';
	fuzz_buffer[sizeof(fuzz_buffer) - 1] = '\0';
	if (!c->name)
		return;
	/* The kernel reads a descriptor as 32 bits: 0x100000001 is fd 1. Fds
	 * 0, 1 and 2 are the console. */
	if (strcmp(c->name, "read") == 0 && (unsigned int)c->args[0] <= 2)
		c->args[0] = 100 + (unsigned int)c->args[0];  /* the console would wait for a key */
	if (strcmp(c->name, "write") == 0 && (unsigned int)c->args[0] <= 2 &&
	    (c->arg_is_buffer[1] || c->args[1] == (long)(uintptr_t)random_number)) {
		/* Readable memory to the console: readable text only, in whole
		 * lines, so the console stays sane and KTAP lines are never split. */
		static const char line[] = "# fuzz wrote this line\n";
		size_t n = sizeof(line) - 1, lines = (size_t)prng_below(rng, 4), k;

		c->args[1] = (long)(uintptr_t)fuzz_buffer;
		for (k = 0; k < lines; k++)
			memcpy(fuzz_buffer + k * n, line, n);
		c->args[2] = (long)(lines * n);
	}
	if (strcmp(c->name, "nanosleep") == 0 && c->arg_is_buffer[0]) {
		long *ts = (long *)(uintptr_t)c->args[0];

		if (c->compat) {
			((int *)ts)[0] = 0;
			((int *)ts)[1] = (int)prng_below(rng, 1000000);
		} else {
			ts[0] = 0;
			ts[1] = (long)prng_below(rng, 1000000);
		}
	}
	if (strcmp(c->name, "clock_nanosleep") == 0) {
		c->args[1] &= ~1L;                      /* no TIMER_ABSTIME: the time is random */
		if (c->arg_is_buffer[2]) {
			long *ts = (long *)(uintptr_t)c->args[2];
			if (c->compat) {            /* compat_timespec: two ints */
				((int *)ts)[0] = 0;
				((int *)ts)[1] = (int)prng_below(rng, 1000000);
			} else {
				ts[0] = 0;
				ts[1] = (long)prng_below(rng, 1000000);
			}
		}
	}
	if (strcmp(c->name, "rt_sigtimedwait") == 0) {
		static long short_wait[2];              /* never NULL: that would wait forever */
		short_wait[0] = 0;
		short_wait[1] = (long)prng_below(rng, 1000000);
		if (c->compat)                          /* compat_timespec: two ints */
			short_wait[0] = (long)prng_below(rng, 1000000) << 32;
		c->args[2] = (long)(uintptr_t)short_wait;
	}
	if (strcmp(c->name, "wait4") == 0 || strcmp(c->name, "waitpid") == 0)
		c->args[2] |= WNOHANG;
	if (strcmp(c->name, "waitid") == 0)
		c->args[3] |= WNOHANG;
	/* A clone child exits with SIGCHLD to us, never a stop signal; one that
	 * shares our memory (CLONE_VM|CLONE_VFORK) runs on our stack, never on
	 * a random one where it would scribble over us before it exits. */
	if (strcmp(c->name, "clone") == 0) {
		c->args[0] = (c->args[0] & ~0xffL) | SIGCHLD;
		if (c->args[0] & 0x100 /* CLONE_VM */)
			c->args[1] = 0;
	}
	/* Limits of our own only (pid 1 may be our parent). */
	if (strcmp(c->name, "prlimit64") == 0)
		c->args[0] = 0;
	/* Signals go to the caller only, and never a stop signal: a stopped
	 * child would neither finish nor die, and look like a hang. */
	if (strcmp(c->name, "kill") == 0 || strcmp(c->name, "tkill") == 0 || strcmp(c->name, "tgkill") == 0) {
		int sig_arg = strcmp(c->name, "tgkill") == 0 ? 2 : 1;
		long sig = (unsigned int)c->args[sig_arg];

		c->args[0] = self_pid;
		if (sig_arg == 2)
			c->args[1] = self_pid;
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			c->args[sig_arg] = 0;
	}
	if (strcmp(c->name, "ringside_task_work") == 0)
		c->args[0] = self_pid;
}

static void choose_call(struct prng *rng, struct fuzz_call *c)
{
	uint64_t kind = prng_below(rng, 100);
	const struct call_info *info = NULL;
	int i;

	memset(c, 0, sizeof(*c));
	c->compat = kind >= 80;
	if (kind < 70 || (kind >= 80 && kind < 95)) {
		/* Calls that usually end the batch (exit, a signal to ourselves,
		 * a forged sigreturn) are kept in one draw of 20 only, so most
		 * batches live long enough to make their calls. */
		do {
			info = c->compat ? &calls32[prng_below(rng, NCALLS32)] : &calls64[prng_below(rng, NCALLS64)];
		} while (banned(info->name) || (ends_batch(info->name) && prng_below(rng, 20) != 0));
		c->nr = info->nr;
		c->name = info->name;
	} else {
		static const long outside[] = { 400, 1000, 100000, -1, 0x40000000L + 39, 0x7fffffffL,
						(long)0x8000000000000000UL };
		int known;

		do {
			size_t j;

			c->nr = prng_below(rng, 2) ? (long)prng_below(rng, 1024)
						   : outside[prng_below(rng, sizeof(outside) / sizeof(outside[0]))];
			known = 0;
			for (j = 0; j < NCALLS64 && !c->compat; j++)
				known |= calls64[j].nr == c->nr;
			for (j = 0; j < NCALLS32 && c->compat; j++)
				known |= calls32[j].nr == c->nr;
		} while (known);
	}
	for (i = 0; i < 6; i++)
		c->args[i] = info && i < info->nargs ? random_argument(rng, info->types[i], &c->arg_is_buffer[i])
						     : random_number(rng);
	tame_call(c, rng);
}

static void describe_call(const struct fuzz_call *c, long index)
{
	dprintf(1, "# call %ld: %s %s(%ld) %lx %lx %lx %lx %lx %lx\n", index, c->compat ? "int80" : "syscall",
		c->name ? c->name : "?", c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4],
		c->args[5]);
}

/* The PRNG stream of one batch: the same for a given seed and batch. */
static void seed_batch(struct prng *rng, uint64_t seed, long batch)
{
	prng_seed(rng, seed * 0x9e3779b97f4a7c15UL + (uint64_t)batch + 1);
}

/* --dry-run: print the calls of one batch without making them. */
static void print_batch(uint64_t seed, long batch, long first, long count)
{
	struct prng rng;
	struct fuzz_call c;
	long i;

	seed_batch(&rng, seed, batch);
	for (i = 0; i < count; i++) {
		choose_call(&rng, &c);
		describe_call(&c, first + i);
	}
}

/* Just before a call, what depends on the child's state: a descriptor that
 * is a pipe is made non-blocking for reads and writes (the child holds both
 * ends, so it would wait for itself), and one that is the console (a
 * duplicate of 0, 1 or 2, or an opened /dev/console) is not read or written
 * at all. --dry-run does not do this: it makes no calls. */
static void tame_live(struct fuzz_call *c)
{
	static const char *const io[] = { "read", "write", "pread64", "pwrite64", "readv", "writev" };
	struct { unsigned long dev, ino, nlink; unsigned int mode, uid, gid, pad; unsigned long rdev;
		 long rest[12]; } st;
	size_t i;
	int fd = (int)c->args[0];

	if (!c->name)
		return;
	for (i = 0; i < sizeof(io) / sizeof(io[0]); i++)
		if (strcmp(c->name, io[i]) == 0)
			break;
	if (i == sizeof(io) / sizeof(io[0]) || sys_fstat(fd, &st) != 0)
		return;
	if ((st.mode & 0170000) == 0010000) {               /* a pipe */
		long fl = sys_fcntl(fd, 3 /* F_GETFL */, 0);
		if (fl >= 0)
			sys_fcntl(fd, 4 /* F_SETFL */, fl | 04000 /* O_NONBLOCK */);
	} else if ((st.mode & 0170000) == 0020000 && (st.rdev >> 8) == 5 &&
		   (fd > 2 || strcmp(c->name, "write") != 0)) {
		/* The console: only write(0..2), already made to write whole text
		 * lines, may reach it; a read would wait for a key. */
		c->args[0] = -1;
	}
}

/* The child: make the calls of one batch, then exit 0. */
static __attribute__((noreturn)) void run_batch(uint64_t seed, long batch, long first, long count, int verbose)
{
	struct prng rng;
	struct fuzz_call c;
	long i, ret;

	seed_batch(&rng, seed, batch);
	self_pid = sys_getpid();
	for (i = 0; i < count; i++) {
		choose_call(&rng, &c);
		tame_live(&c);
		if (verbose)
			describe_call(&c, first + i);
		if (c.compat)
			ret = syscall32_6(c.nr, c.args[0], c.args[1], c.args[2], c.args[3], c.args[4], c.args[5]);
		else
			ret = syscall6(c.nr, c.args[0], c.args[1], c.args[2], c.args[3], c.args[4], c.args[5]);
		/* A fuzzed fork, vfork or clone made a grandchild: it leaves at once. */
		if (c.name && ret == 0 && (strcmp(c.name, "fork") == 0 || strcmp(c.name, "vfork") == 0 ||
					   strcmp(c.name, "clone") == 0))
			sys_exit_group(0);
	}
	sys_exit_group(0);
	__builtin_unreachable();
}

/* Wait for the batch's child, reaping any adopted orphans on the way (we may
 * be init). Returns its status, or -1 if it did not end in time. */
static int wait_batch(long pid)
{
	long deadline = monotonic_ns() + BATCH_DEADLINE_NS, got;
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	int status, nohang = WNOHANG;

	for (;;) {
		got = sys_wait4(-1, &status, nohang, NULL);
		if (got == pid)
			return status;
		if (got == -EINVAL && nohang) {
			nohang = 0;  /* a kernel without WNOHANG: block instead */
			continue;
		}
		if (got < 0 && got != -EINTR)
			return -1;
		if (got == 0) {
			if (monotonic_ns() > deadline)
				return -1;
			sys_nanosleep(&pause, NULL);
		}
	}
}

static int parse_number(const char *text, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(text, &end, 0);
	return *end == '\0' && end != text && errno == 0 && *out >= 1 && *out <= max;
}

static void usage(int fd)
{
	dprintf(fd, "usage: fuzz [--verbose] [--dry-run] [--force] [COUNT] [SEED]\n"
		    "Make COUNT (default 1000, at most %ld) random system calls with hostile\n"
		    "arguments, %d per forked child, and check that the kernel survives.\n"
		    "SEED (default 1) picks the sequence; the same COUNT and SEED replay a run.\n"
		    "--verbose prints each call before making it; --dry-run only prints them\n"
		    "(safe anywhere). Runs only on Ringside\n"
		    "(--force overrides: never do that on a machine you care about).\n"
		    "KTAP on stdout; exit 0 if the kernel survived, 1 if not, 2 for bad usage.\n",
		MAX_COUNT, BATCH);
}

int main(int argc, char **argv)
{
	long count = 1000, seed = 1, batches, b, done = 0, next_progress, parent = sys_getpid();
	int verbose = 0, force = 0, dry_run = 0, positional = 0, i, hung = 0, finished = 0, killed = 0, other = 0;
	int by_signal[NSIG] = { 0 };
	struct utsname u;
	char text[64];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage(1);
			return 0;
		} else if (strcmp(argv[i], "--verbose") == 0) {
			verbose = 1;
		} else if (strcmp(argv[i], "--dry-run") == 0) {
			dry_run = 1;
		} else if (strcmp(argv[i], "--force") == 0) {
			force = 1;
		} else if (positional == 0 && parse_number(argv[i], MAX_COUNT, &count)) {
			positional++;
		} else if (positional == 1 && parse_number(argv[i], 0x7fffffffffffffffL, &seed)) {
			positional++;
		} else {
			dprintf(2, "fuzz: bad argument '%s': COUNT must be 1..%ld and SEED a positive number\n",
				argv[i], MAX_COUNT);
			usage(2);
			return 2;
		}
	}
	batches = (count + BATCH - 1) / BATCH;
	if (dry_run) {
		for (b = 0; b < batches; b++)
			print_batch((uint64_t)seed, b, b * BATCH, count - b * BATCH < BATCH ? count - b * BATCH : BATCH);
		return 0;
	}
	if (!running_on_ringside() && !force) {
		dprintf(2, "fuzz: this is not the Ringside kernel (uname says '%s'): refusing to attack it.\n"
			   "Boot it with `make run PROG=fuzz`, or pass --force if you really mean it.\n",
			sys_uname(&u) == 0 ? u.sysname : "?");
		return 2;
	}
	ktap_plan(4);
	ktap_diag("fuzz: %ld calls, seed %ld, %d calls per child, %zu + %zu calls in the lists", count, seed,
		  BATCH, NCALLS64, NCALLS32);
	next_progress = count / 10;
	for (b = 0; b < batches && !hung; b++) {
		long first = b * BATCH, n = count - first < BATCH ? count - first : BATCH, pid = sys_fork();
		int status;

		if (pid == 0)
			run_batch((uint64_t)seed, b, first, n, verbose);
		if (pid < 0) {
			ktap_diag("fork failed: %ld (%s)", pid, errno_name((int)-pid) ? errno_name((int)-pid) : "?");
			hung = 1;
			break;
		}
		status = wait_batch(pid);
		if (status == -1) {
			ktap_diag("batch %ld (calls %ld-%ld): the child did not end within %ld s: rerun with "
				  "`fuzz --verbose %ld %ld`", b, first, first + n - 1, BATCH_DEADLINE_NS / 1000000000L,
				  count, seed);
			hung = 1;
			break;
		}
		ktap_diag("batch %ld (calls %ld-%ld): %s", b, first, first + n - 1,
			  WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "finished"
									: describe_wait_status(status, text, sizeof(text)));
		if (WIFEXITED(status))
			finished++;
		else if (WIFSIGNALED(status)) {
			killed++;
			by_signal[WTERMSIG(status) % NSIG]++;
		} else
			other++;
		done += n;
		while (next_progress && done >= next_progress && next_progress <= count) {
			ktap_diag("progress: %ld%% (%ld of %ld calls)", next_progress * 100 / count, done, count);
			next_progress += count / 10;
		}
	}
	ktap_ok(!hung && other == 0, "every batch ended with an exit or a signal (%ld batches)", b);
	ktap_expect(sys_getpid(), parent, "the parent is unharmed");
	{
		static const char line[] = "# fuzz: the kernel still writes\n";
		struct timespec t;

		ktap_ok(sys_write(1, line, sizeof(line) - 1) == (long)sizeof(line) - 1 && sys_uname(&u) == 0 &&
				sys_clock_gettime(CLOCK_MONOTONIC, &t) == 0,
			"the kernel still answers write, uname and clock_gettime");
	}
	{
		long reaped = 0, r;

		while ((r = sys_wait4(-1, NULL, 0, NULL)) > 0 && reaped < 100000)
			reaped++;
		ktap_expect(r, -ECHILD, "every child is reaped (%ld stragglers)", reaped);
	}
	printf("# fuzz summary: %ld calls (seed %ld) in %ld batches: %d finished, %d killed", done, seed, b,
	       finished, killed);
	for (i = 1; i < NSIG; i++)
		if (by_signal[i] && i <= SIGSYS)
			printf(" %s:%d", signal_name(i), by_signal[i]);
		else if (by_signal[i])
			printf(" signal%d:%d", i, by_signal[i]);
	printf(", %d hung\n", hung);
	return ktap_finish();
}
