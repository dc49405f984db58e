/* Batch mode's fast path: a submission's tree over a built base tree.
 * Instead of a copy of the whole instructor tree, each submission gets a
 * thin tree: symbolic links into the base for everything but build/ (its
 * own, empty) and the folders that lead to the lab's files (its own, so
 * the student's files land in the submission's tree and nowhere else).
 * The definition's build command then runs with REUSE=BASE (the {reuse}
 * word): it compiles only the student's files into the thin tree's build/
 * and links them with the base's objects, which it only reads (os/os.mk).
 * Used only when the definition's build has the {reuse} word. A sandbox
 * around the build must show BASE read-only at the same path. */
#ifndef RINGGRADE_REUSE_H
#define RINGGRADE_REUSE_H

#include "def.h"
#include "util.h"

/* Does the definition's build command take {reuse}? */
int def_can_reuse(const struct lab_def *def);

/* Make the thin tree dst (which must not exist) over base. 0, or -1 with a
 * message in err. */
int thin_tree(const char *base, const char *dst, const struct lab_def *def, struct strbuf *err);

/* Let the sandbox's user (uid 65534, when ringgrade runs as root) read the
 * base: scratch (the folder holding it) becomes 0711, and every file and
 * folder of base readable (and folders searchable) by all. Nothing becomes
 * writable. 0, or -1 with errno. */
int base_readable(const char *scratch, const char *base);

#endif
