/* rrarchive: a recording packed as one file (ringgrade --pack, the
 * Gradescope bundle's FILE.tar.gz), opened for --replay.
 *
 * The archive holds one recording folder's files (rr, rr.qcow2, rr.info,
 * kernel.elf, initramfs.cpio), at its root or in one folder. They are
 * unpacked into a private folder (TMPDIR/ringdb-replay-XXXXXX) that a small
 * guard process removes when ringdb ends, however it ends (the keeper's
 * pipe trick, keeper.h). */
#ifndef RINGDB_RRARCHIVE_H
#define RINGDB_RRARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

/* Does PATH name an archive (.tar.gz, .tgz, .tar) rather than a log? */
bool rrarchive_is_archive(const char *path);
/* Unpack FILE into a new private folder, written to DIR (cap bytes), and
 * start its guard. 0, or -1 with a message in ERR (the folder is gone). */
int rrarchive_open(const char *file, char *dir, size_t cap, char *err, size_t errcap);

#endif
