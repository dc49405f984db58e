/* rrarchive: unpack a packed recording for --replay (see rrarchive.h). */
#include "rrarchive.h"
#include "keeper.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a recording folder holds; nothing else is taken from an archive. */
static const char *const rr_files[] = { "rr", "rr.qcow2", "rr.info", "kernel.elf", "initramfs.cpio" };
#define NRR (sizeof rr_files / sizeof rr_files[0])
/* A recording is a few MB; a bigger member is not one of ours. */
#define RR_MEMBER_MAX (512L << 20)

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcmp(s + n - t, tail) == 0;
}

bool rrarchive_is_archive(const char *path)
{
	return ends_with(path, ".tar.gz") || ends_with(path, ".tgz") || ends_with(path, ".tar");
}

/* The guard: a child in its own process group that waits for ringdb's end
 * of a pipe to close (exit, a signal, SIGKILL alike), then removes DIR.
 * The write end is close-on-exec, so no launcher or QEMU holds it; the
 * keeper (forked, not exec'd) does, so the folder goes after QEMU has. */
static int start_guard(const char *dir, char *err, size_t errcap)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errcap, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errcap, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		setpgid(0, 0);
		static const int ignored[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
		for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
			signal(ignored[i], SIG_IGN);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			if (null > 2)
				close(null);
		}
		char c;
		while (read(p[0], &c, 1) != 0 && errno == EINTR)
			;
		keeper_remove_dir(dir);
		_exit(0);
	}
	close(p[0]);
	/* p[1] stays open, unused, until ringdb ends: it is the signal. The
	 * guard is not waited for; it exits on its own once the pipe closes. */
	return 0;
}

static int copy_data(struct archive *a, int fd)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	long total = 0;
	for (;;) {
		int r = archive_read_data_block(a, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK)
			return -1;
		total += (long)len;
		if (total > RR_MEMBER_MAX) {
			errno = EFBIG;
			return -2;
		}
		if (lseek(fd, off, SEEK_SET) < 0)
			return -3;
		const char *b = buf;
		while (len) {
			ssize_t w = write(fd, b, len);
			if (w < 0)
				return -3;
			b += w;
			len -= (size_t)w;
		}
	}
}

int rrarchive_open(const char *file, char *dir, size_t cap, char *err, size_t errcap)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || access(tmp, W_OK) != 0)
		tmp = "/tmp";
	snprintf(dir, cap, "%s/ringdb-replay-XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		snprintf(err, errcap, "cannot make a folder to unpack %s into in %s: %s", file, tmp, strerror(errno));
		dir[0] = '\0';
		return -1;
	}
	if (start_guard(dir, err, errcap) < 0) {
		rmdir(dir);
		return -1;
	}
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	bool seen[NRR] = { false };
	int rc = -1;
	if (archive_read_open_filename(a, file, 64 << 10) != ARCHIVE_OK) {
		snprintf(err, errcap, "cannot open the recording archive %s: %s", file, archive_error_string(a));
		goto out;
	}
	for (;;) {
		struct archive_entry *e;
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			snprintf(err, errcap, "%s is damaged or not a recording archive (tar.gz): %s", file,
				 archive_error_string(a) ? archive_error_string(a) : "unreadable header");
			goto out;
		}
		const char *name = archive_entry_pathname(e);
		if (archive_entry_filetype(e) == AE_IFDIR)
			continue;
		const char *base = strrchr(name, '/');
		base = base ? base + 1 : name;
		size_t i = 0;
		while (i < NRR && strcmp(base, rr_files[i]) != 0)
			i++;
		if (archive_entry_filetype(e) != AE_IFREG || i == NRR || seen[i]) {
			snprintf(err, errcap, "%s holds '%s', which is not part of a recording "
				 "(a recording archive holds rr, rr.qcow2, rr.info, kernel.elf, initramfs.cpio)", file, name);
			goto out;
		}
		seen[i] = true;
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, rr_files[i]);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(err, errcap, "cannot write %s: %s", path, strerror(errno));
			goto out;
		}
		int c = copy_data(a, fd);
		if (close(fd) < 0 && c == 0)
			c = -3;
		if (c == -1) {
			snprintf(err, errcap, "%s is damaged or truncated (%s, in %s)", file, archive_error_string(a), name);
			goto out;
		}
		if (c < 0) {
			snprintf(err, errcap, "cannot unpack %s from %s: %s", name, file, strerror(errno));
			goto out;
		}
	}
	for (size_t i = 0; i < NRR; i++)
		if (!seen[i]) {
			snprintf(err, errcap, "%s is not a whole recording: it has no %s "
				 "(ringgrade --pack DIR packs a recording folder)", file, rr_files[i]);
			goto out;
		}
	rc = 0;
out:
	archive_read_free(a);
	if (rc < 0) {
		keeper_remove_dir(dir);
		dir[0] = '\0';
	}
	return rc;
}
