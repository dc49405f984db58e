/* Unpacking a submitted archive (.tar, .tar.gz/.tgz, .tar.xz, .tar.bz2,
 * .zip) with libarchive. The archive is read twice: first every member is
 * checked by its header (name, type, size) and any member that is not a
 * plain file or a folder, or whose name is absolute or has a ".." part,
 * refuses the whole archive before anything is written; then it is
 * extracted by libarchive's disk writer with its secure-extraction flags
 * (ARCHIVE_EXTRACT_SECURE_SYMLINKS, _SECURE_NODOTDOT,
 * _SECURE_NOABSOLUTEPATHS) and a cap on the bytes written. Both passes run
 * in a child process, in the destination folder, under a file-size rlimit,
 * as uid/gid 65534 (the sandbox user) when ringgrade runs as root. */
#ifndef RINGGRADE_UNPACK_H
#define RINGGRADE_UNPACK_H

#include "util.h"

/* Unpack archive into the existing empty folder dest. kind ("tar", "zip")
 * names it in messages. 0, or -1 with the reasons in messages (then dest
 * may hold part of the archive and should not be read). */
int archive_unpack(const char *archive, const char *dest, const char *kind, struct strbuf *messages);

/* Pack a recording folder (ringgrade --record-failures: rr, rr.qcow2,
 * rr.info, kernel.elf, initramfs.cpio) into one gzip'd tar at out, its
 * members under NAME/ (the folder's name), for ringdb --replay FILE.tar.gz
 * on another machine. Written to out.tmp and renamed. 0, or -1 with the
 * reason in err. */
int pack_recording(const char *dir, const char *out, struct strbuf *err);

#endif
