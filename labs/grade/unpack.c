/* Submitted archives through libarchive (see unpack.h). */
#include "unpack.h"
#include "sandbox.h"
#include "submit.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_BAD_SHOWN 10

/* A reader for tar (any compression) and zip on the open archive fd, from
 * its start; *ok is 0 when it cannot be read as one (archive_error_string
 * says why). */
static struct archive *open_reader(int fd, int *ok)
{
	struct archive *a = archive_read_new();

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	*ok = lseek(fd, 0, SEEK_SET) == 0 && archive_read_open_fd(a, fd, 65536) == ARCHIVE_OK;
	return a;
}

static const char *refused_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "a hard link";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
	case AE_IFDIR:
		return NULL;
	case AE_IFLNK:
		return "a symbolic link";
	default:
		return "not a plain file or folder (a device, fifo or socket)";
	}
}

/* Pass 1: every header, nothing written. 0 when the archive may be
 * extracted. */
static int check_members(int fd, const char *kind, struct strbuf *messages)
{
	int ok;
	struct archive *a = open_reader(fd, &ok);
	struct archive_entry *e;
	size_t count = 0, bad = 0;
	long long total = 0;
	int r;

	if (!ok) {
		strbuf_addf(messages, "not a readable %s archive: %.300s\n", kind,
			    archive_error_string(a) ? archive_error_string(a) : "unknown error");
		archive_read_free(a);
		return -1;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e), *why;

		if (++count > SUBMISSION_MAX_ENTRIES)
			break;
		if (!name || !archive_member_is_safe(name)) {
			if (bad++ < MAX_BAD_SHOWN)
				strbuf_addf(messages, "rejected archive member '%.200s': absolute path or '..' "
					    "would escape the submission folder\n", name ? name : "(no name)");
		} else if ((why = refused_type(e))) {
			if (bad++ < MAX_BAD_SHOWN)
				strbuf_addf(messages, "rejected archive member '%.200s': %s\n", name, why);
		}
		if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0)
			total += archive_entry_size(e);
		archive_read_data_skip(a);
	}
	if (count > SUBMISSION_MAX_ENTRIES) {
		strbuf_addf(messages, "rejected archive: more than %d members\n", SUBMISSION_MAX_ENTRIES);
		archive_read_free(a);
		return -1;
	}
	if (r != ARCHIVE_EOF) {
		strbuf_addf(messages, "not a readable %s archive: %.300s\n", kind,
			    archive_error_string(a) ? archive_error_string(a) : "damaged");
		archive_read_free(a);
		return -1;
	}
	archive_read_free(a);
	if (total > SUBMISSION_MAX_UNPACKED) {
		strbuf_addf(messages, "rejected archive: it unpacks to %lld bytes, over %lld MiB\n", total,
			    SUBMISSION_MAX_UNPACKED >> 20);
		return -1;
	}
	if (bad) {
		strbuf_adds(messages, "the archive was not unpacked: resubmit it with plain files and folders "
			    "only (zip -r follows links; tar keeps them)\n");
		return -1;
	}
	return 0;
}

/* Pass 2, in the destination folder: libarchive writes, refusing on its own
 * any symlink on the way, any "..", any absolute path. */
static int extract(int fd, const char *kind, struct strbuf *messages)
{
	int ok;
	struct archive *a = open_reader(fd, &ok), *w = archive_write_disk_new();
	struct archive_entry *e;
	long long written = 0;
	int r, rc = ok ? 0 : -1;

	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	while (rc == 0 && ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
		const void *block;
		size_t size;
		la_int64_t offset;

		/* checked in pass 1; checked again, as the file may have
		 * changed in between */
		if (refused_type(e) || !archive_member_is_safe(archive_entry_pathname(e))) {
			strbuf_addf(messages, "the %s archive changed while it was read\n", kind);
			rc = -1;
			break;
		}
		archive_entry_set_perm(e, archive_entry_filetype(e) == AE_IFDIR ? 0755 : 0644);
		if (archive_write_header(w, e) != ARCHIVE_OK) {
			strbuf_addf(messages, "cannot unpack '%.200s': %.300s\n", archive_entry_pathname(e),
				    archive_error_string(w));
			rc = -1;
			break;
		}
		while ((r = archive_read_data_block(a, &block, &size, &offset)) == ARCHIVE_OK) {
			written += (long long)size;
			if (written > SUBMISSION_MAX_UNPACKED) {
				strbuf_addf(messages, "rejected archive: it unpacks to more than %lld MiB\n",
					    SUBMISSION_MAX_UNPACKED >> 20);
				rc = -1;
				break;
			}
			if (archive_write_data_block(w, block, size, offset) != ARCHIVE_OK) {
				strbuf_addf(messages, "cannot unpack '%.200s': %.300s\n", archive_entry_pathname(e),
					    archive_error_string(w));
				rc = -1;
				break;
			}
		}
		if (rc == 0 && r != ARCHIVE_EOF) {
			strbuf_addf(messages, "the %s archive is damaged: %.300s\n", kind, archive_error_string(a));
			rc = -1;
		}
		if (archive_write_finish_entry(w) != ARCHIVE_OK && rc == 0) {
			strbuf_addf(messages, "cannot unpack '%.200s': %.300s\n", archive_entry_pathname(e),
				    archive_error_string(w));
			rc = -1;
		}
	}
	archive_write_free(w);
	archive_read_free(a);
	return rc;
}

int archive_unpack(const char *archive, const char *dest, const char *kind, struct strbuf *messages)
{
	int pipefd[2], status = 0, rc;
	char *abs_archive = realpath(archive, NULL);
	pid_t pid;
	char buf[4096];
	ssize_t n;

	if (!abs_archive) {
		strbuf_addf(messages, "cannot read the %s archive: %s\n", kind, strerror(errno));
		return -1;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		strbuf_addf(messages, "cannot unpack: %s\n", strerror(errno));
		free(abs_archive);
		return -1;
	}
	/* A child: extraction is relative to the working folder (that is how
	 * libarchive's secure flags judge paths), and the file-size limit
	 * and a crash stay out of ringgrade. */
	pid = fork();
	if (pid < 0) {
		strbuf_addf(messages, "cannot unpack: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		free(abs_archive);
		return -1;
	}
	if (pid == 0) {
		struct strbuf out;
		struct rlimit rl = { (rlim_t)SUBMISSION_MAX_UNPACKED, (rlim_t)SUBMISSION_MAX_UNPACKED };
		int ok;

		int fd;

		close(pipefd[0]);
		strbuf_init(&out);
		setrlimit(RLIMIT_FSIZE, &rl);
		/* The archive is opened and the destination entered first; then,
		 * as root, the child becomes the sandbox's unprivileged user
		 * (sandbox.h), owner of the destination and of nothing else, so
		 * a libarchive bug reached by a crafted archive has no rights. */
		fd = open(abs_archive, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || chdir(dest) < 0) {
			strbuf_addf(&out, "cannot read %s into %s: %s\n", abs_archive, dest, strerror(errno));
			ok = 0;
		} else if (geteuid() == 0 && (chown(".", SANDBOX_UID, SANDBOX_GID) < 0 || setgroups(0, NULL) < 0 ||
					      setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID) < 0 ||
					      setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID) < 0)) {
			strbuf_addf(&out, "cannot drop privileges to unpack: %s\n", strerror(errno));
			ok = 0;
		} else {
			ok = check_members(fd, kind, &out) == 0 && extract(fd, kind, &out) == 0;
		}
		for (size_t off = 0; off < out.len; ) {
			ssize_t w = write(pipefd[1], out.data + off, out.len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		_exit(ok ? 0 : 1);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf, sizeof(buf))) > 0)
		strbuf_add(messages, buf, (size_t)n);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(abs_archive);
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status) == 0 ? 0 : -1;
	else {
		strbuf_addf(messages, "the %s archive could not be unpacked (the unpacker died of signal %d)\n", kind,
			    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		rc = -1;
	}
	return rc;
}

int pack_recording(const char *dir, const char *out, struct strbuf *err)
{
	static const char *const files[] = { "rr.info", "rr", "rr.qcow2", "kernel.elf", "initramfs.cpio" };
	char *copy = xstrdup(dir), *name, *tmp = xasprintf("%s.tmp", out);
	struct archive *w = archive_write_new();
	int rc = -1;
	size_t len = strlen(copy);

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	name = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	archive_write_add_filter_gzip(w);
	archive_write_set_format_pax_restricted(w);
	if (archive_write_open_filename(w, tmp) != ARCHIVE_OK) {
		strbuf_addf(err, "cannot write %s: %s\n", tmp, archive_error_string(w));
		goto out;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = path_join(dir, files[i]), *member = xasprintf("%s/%s", name, files[i]);
		struct archive_entry *e;
		struct stat st;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		int ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);

		if (!ok) {
			strbuf_addf(err, "%s is not a recording folder: no %s (%s)\n", dir, files[i],
				    fd < 0 ? strerror(errno) : "not a plain file");
			if (fd >= 0)
				close(fd);
			free(path);
			free(member);
			goto out;
		}
		e = archive_entry_new();
		archive_entry_set_pathname(e, member);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, st.st_size);
		archive_entry_set_mtime(e, st.st_mtime, 0);
		if (archive_write_header(w, e) != ARCHIVE_OK)
			ok = 0;
		archive_entry_free(e);
		for (char buf[65536]; ok;) {
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				ok = n == 0;
				break;
			}
			if (archive_write_data(w, buf, (size_t)n) != n)
				ok = 0;
		}
		close(fd);
		if (!ok) {
			strbuf_addf(err, "cannot pack %s into %s: %s\n", path, out,
				    archive_error_string(w) ? archive_error_string(w) : strerror(errno));
			free(path);
			free(member);
			goto out;
		}
		free(path);
		free(member);
	}
	if (archive_write_close(w) != ARCHIVE_OK) {
		strbuf_addf(err, "cannot finish %s: %s\n", tmp, archive_error_string(w));
		goto out;
	}
	if (rename(tmp, out) < 0) {
		strbuf_addf(err, "cannot rename %s to %s: %s\n", tmp, out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(w);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	free(copy);
	return rc;
}
