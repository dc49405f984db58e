/* The bubblewrap sandbox of submissions (see sandbox.h). */
#include "sandbox.h"
#include "def.h"
#include "spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct registered {
	char *tree;
	long long memory;
	int urandom;       /* /dev/urandom too (git needs it; a build does not) */
	char *readonly;    /* a folder also shown, read-only, at its own path (reuse.h), or NULL */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct registered *trees;
static size_t ntrees, cap_trees;
static int enabled = 1;

void sandbox_set_enabled(int on)
{
	enabled = on;
}

int sandbox_enabled(void)
{
	return enabled;
}

unsigned sandbox_host_uid(void)
{
	return geteuid() == 0 ? SANDBOX_UID : (unsigned)geteuid();
}

/* Tasks (processes and threads) whose real uid is uid: RLIMIT_NPROC counts
 * them all, so the sandbox's cap is set above what the user already runs. */
static long tasks_of_uid(unsigned uid)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	long total = 0;

	if (!proc)
		return 0;
	while ((d = readdir(proc))) {
		char path[64], buf[2048];
		unsigned real = 0;
		long threads = 1;
		ssize_t n;
		int fd;
		char *line;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/status", d->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		line = strstr(buf, "\nUid:");
		if (!line || sscanf(line + 5, "%u", &real) != 1 || real != uid)
			continue;
		line = strstr(buf, "\nThreads:");
		if (line)
			sscanf(line + 9, "%ld", &threads);
		total += threads;
	}
	closedir(proc);
	return total;
}

static int give_to_sandbox(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return lchown(path, SANDBOX_UID, SANDBOX_GID) < 0 ? -1 : 0;
}

static int do_register(const char *tree, long long memory, int urandom, const char *readonly)
{
	char *real = realpath(tree, NULL), *tmp;
	struct registered *r;

	if (!real)
		return -1;
	tmp = path_join(real, ".sandbox-tmp");
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST) {
		free(tmp);
		free(real);
		return -1;
	}
	free(tmp);
	if (geteuid() == 0) {
		/* The sandbox runs as nobody: it must own its tree, and reach
		 * it through the scratch folder above it (mkdtemp's 0700). */
		char *parent = xstrdup(real), *slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			if (chmod(parent, 0711) < 0) {
				free(parent);
				free(real);
				return -1;
			}
		}
		free(parent);
		if (nftw(real, give_to_sandbox, 32, FTW_PHYS) != 0) {
			free(real);
			return -1;
		}
	}
	pthread_mutex_lock(&lock);
	if (ntrees == cap_trees) {
		cap_trees = cap_trees ? 2 * cap_trees : 8;
		trees = xrealloc(trees, cap_trees * sizeof(*trees));
	}
	r = &trees[ntrees++];
	r->tree = real;
	r->memory = memory > SANDBOX_MEMORY_MIN ? memory : SANDBOX_MEMORY_MIN;
	r->urandom = urandom;
	r->readonly = readonly ? xstrdup(readonly) : NULL;
	pthread_mutex_unlock(&lock);
	return 0;
}

int sandbox_register(const char *tree, long long memory)
{
	return do_register(tree, memory, 0, NULL);
}

int sandbox_register_reading(const char *tree, long long memory, const char *readonly)
{
	return do_register(tree, memory, 0, readonly);
}

int sandbox_register_tool(const char *tree)
{
	return do_register(tree, 0, 1, NULL);
}

void sandbox_unregister(const char *tree)
{
	char *real = realpath(tree, NULL);

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ntrees; i++) {
		if (!strcmp(trees[i].tree, real ? real : tree)) {
			free(trees[i].tree);
			free(trees[i].readonly);
			trees[i] = trees[--ntrees];
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	free(real);
}

/* The registered tree holding path, as a copy; NULL when none. */
static char *tree_of(const char *path, long long *memory, int *urandom, char **readonly)
{
	char *real, *found = NULL;

	if (!path || !(real = realpath(path, NULL)))
		return NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ntrees && !found; i++) {
		size_t len = strlen(trees[i].tree);
		if (!strncmp(real, trees[i].tree, len) && (real[len] == '\0' || real[len] == '/')) {
			found = xstrdup(trees[i].tree);
			*memory = trees[i].memory;
			*urandom = trees[i].urandom;
			*readonly = trees[i].readonly ? xstrdup(trees[i].readonly) : NULL;
		}
	}
	pthread_mutex_unlock(&lock);
	free(real);
	return found;
}

struct args {
	char **v;
	size_t n, cap;
};

static void add(struct args *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void add2(struct args *a, const char *x, const char *y)
{
	add(a, x);
	add(a, y);
}

static void add3(struct args *a, const char *x, const char *y, const char *z)
{
	add2(a, x, y);
	add(a, z);
}

/* What the system offers every sandbox, read-only: /usr, the top-level
 * links or folders into it (/bin, /lib64 on a merged-/usr Debian), and the
 * few /etc files the compiler driver and the dynamic loader read, and
 * dpkg's package list. Nothing
 * else of the host: not /home, not /root, not /etc/hostname or /etc/passwd,
 * not the instructor's tree, not the submissions. */
static void add_system(struct args *a)
{
	static const char *const top[] = { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
	/* /var/lib/dpkg: the build checks its packages with dpkg-query
	 * (scripts/deps); the list of installed packages is no secret. */
	static const char *const etc[] = { "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf",
					   "/etc/ld.so.conf.d", "/etc/dpkg", "/var/lib/dpkg" };

	add3(a, "--ro-bind", "/usr", "/usr");
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
		struct stat st;
		char target[256];
		ssize_t n;

		if (lstat(top[i], &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode) && (n = readlink(top[i], target, sizeof(target) - 1)) > 0) {
			target[n] = '\0';
			add3(a, "--symlink", target, top[i]);
		} else if (S_ISDIR(st.st_mode)) {
			add3(a, "--ro-bind", top[i], top[i]);
		}
	}
	for (size_t i = 0; i < sizeof(etc) / sizeof(etc[0]); i++)
		add3(a, "--ro-bind-try", etc[i], etc[i]);
}

char **sandbox_wrap(char *const *argv, const char *cwd, long long *memory, long *procs, long long *fsize)
{
	static const char *const keep_env[] = { "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES" };
	struct args a = { 0 };
	char *tree, *tmp, *real_cwd, *readonly = NULL;
	int urandom = 0;

	if (!enabled)
		return NULL;
	tree = tree_of(cwd, memory, &urandom, &readonly);
	if (!tree)
		return NULL;
	real_cwd = realpath(cwd, NULL);
	tmp = path_join(tree, ".sandbox-tmp");
	add(&a, "bwrap");
	/* user, ipc, pid, net, uts, cgroup: no network, no view of other
	 * processes; bwrap's child dies with it (and with it, every process
	 * of the pid namespace). */
	add(&a, "--unshare-all");
	add(&a, "--die-with-parent");
	add2(&a, "--hostname", "sandbox");
	add_system(&a);
	/* /dev/null only, so a build has no /dev/zero or /dev/urandom to
	 * #include; git (sandbox_register_tool) also gets /dev/urandom. */
	add2(&a, "--dir", "/dev");
	add3(&a, "--dev-bind", "/dev/null", "/dev/null");
	if (urandom)
		add3(&a, "--dev-bind", "/dev/urandom", "/dev/urandom");
	/* /tmp is the tree's own .sandbox-tmp, so temporary files count
	 * against the disk and the file-size limit, not memory. */
	add3(&a, "--bind", tmp, "/tmp");
	add3(&a, "--bind", tree, tree);
	/* A thin tree's links lead into the built base it reuses. */
	if (readonly)
		add3(&a, "--ro-bind", readonly, readonly);
	add2(&a, "--chdir", real_cwd ? real_cwd : tree);
	add(&a, "--clearenv");
	add3(&a, "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin");
	add3(&a, "--setenv", "HOME", "/tmp");
	add3(&a, "--setenv", "TMPDIR", "/tmp");
	for (size_t i = 0; i < sizeof(keep_env) / sizeof(keep_env[0]); i++) {
		const char *v = getenv(keep_env[i]);
		if (v)
			add3(&a, "--setenv", keep_env[i], v);
	}
	add(&a, "--");
	for (size_t i = 0; argv[i]; i++)
		add(&a, argv[i]);
	*procs = tasks_of_uid(sandbox_host_uid()) + SANDBOX_PROCS;
	*fsize = SANDBOX_FILE_LIMIT;
	free(real_cwd);
	free(tmp);
	free(tree);
	free(readonly);
	return a.v;
}

int sandbox_check(struct strbuf *err)
{
	const char *tmpdir = getenv("TMPDIR");
	char *scratch = xasprintf("%s/ringgrade-sandbox-check.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp"), *tree;
	char *argv[] = { "sh", "-c", "test ! -e /etc/hostname && test -w . && echo sandbox-ok", NULL };
	struct spawn_options opts = { .argv = argv, .output_limit = 4096, .timeout = 30 };
	struct spawn_result res;
	int rc = -1;

	if (!mkdtemp(scratch)) {
		strbuf_addf(err, "cannot create a scratch folder: %s (set TMPDIR to a writable folder)\n",
			    strerror(errno));
		free(scratch);
		return -1;
	}
	tree = path_join(scratch, "tree");
	if (mkdir(tree, 0755) < 0 || sandbox_register(tree, 0) < 0) {
		strbuf_addf(err, "cannot prepare a sandbox folder in %s: %s\n", scratch, strerror(errno));
		goto out;
	}
	opts.cwd = tree;
	if (spawn_run(&opts, &res) < 0) {
		strbuf_addf(err, "cannot run bwrap: %s (install bubblewrap: scripts/deps host, "
			    "or apt-get install bubblewrap)\n", strerror(errno));
	} else {
		if (res.exit_code == 0 && strstr(res.output, "sandbox-ok"))
			rc = 0;
		else
			strbuf_addf(err, "bwrap cannot make a sandbox here (exit %d): %.400s\n"
				    "Grading runs every build and test of a submission under bubblewrap, with "
				    "new user, pid and network namespaces%s. Allow unprivileged user namespaces "
				    "(sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0; "
				    "in a container, a seccomp profile that permits them)%s, or grade without the "
				    "sandbox with --no-sandbox (docs/ringgrade.md, SANDBOX, says what that "
				    "gives up).\n", res.exit_code, res.output,
				    geteuid() == 0 ? ", as uid 65534" : "",
				    geteuid() == 0 ? "; as root, TMPDIR and the folders above it must be "
						     "searchable (o+x) by uid 65534" : "");
		spawn_result_free(&res);
	}
	sandbox_unregister(tree);
out:
	remove_tree(scratch);
	free(tree);
	free(scratch);
	return rc;
}
