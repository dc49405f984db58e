/* Submissions: unpacking what a student handed in and copying only the lab's
 * allowed files into a pristine copy of the instructor tree. Everything a
 * submission contains is treated as hostile: symbolic links, hard links,
 * absolute paths, "..", devices, fifos, sockets and oversized files are
 * rejected with a message; files the lab does not allow are ignored and
 * listed; an allowed file that is missing keeps its starter version. */
#ifndef RINGGRADE_SUBMIT_H
#define RINGGRADE_SUBMIT_H

#include "def.h"
#include "util.h"

/* Limits on what an archive may unpack to. */
#define SUBMISSION_MAX_ENTRIES  10000
#define SUBMISSION_MAX_UNPACKED (64LL * 1024 * 1024)

/* Turn src (a folder, .tar/.tar.gz/.tgz/.tar.xz, .zip, or a git repository,
 * graded at HEAD) into a folder to read. workdir is an empty scratch folder
 * owned by the caller. *root gets the folder to read (src itself for a plain
 * folder, or a folder under workdir); messages gets what was refused. Returns
 * 0, or -1 when nothing can be read (the reason is in messages). */
int submission_unpack(const char *src, const char *workdir, char **root, struct strbuf *messages);

/* Copy the lab's allowed files from root into tree (the pristine copy),
 * under the rules above. Returns how many files were taken; messages gets
 * one line per rejected, ignored or missing file. */
int submission_apply(const struct lab_def *def, const char *root, const char *tree, struct strbuf *messages);

/* Is this archive member name safe to unpack (relative, no ".." part)? */
int archive_member_is_safe(const char *name);

/* Copy the instructor tree src to dst (which must not exist) with cp -a,
 * leaving out .git and the parts of build/ a kernel build never reads
 * (asan, host, bin, fuzz, bench); object files keep their times so make
 * rebuilds only what a student changed. 0, or -1 with a message in err. */
int copy_tree(const char *src, const char *dst, struct strbuf *err);

/* A fresh scratch folder under $TMPDIR (or /tmp); the caller frees the
 * name and removes the folder. NULL with errno on failure. */
char *make_scratch_dir(const char *what);

#endif
