#ifndef RINGSIDE_INITRAMFS_H
#define RINGSIDE_INITRAMFS_H
#include <ringside/types.h>
struct initramfs_file {
	const char *name;      /* path without the leading slash: "bin/hello" */
	const void *data;
	size_t size;
	unsigned mode;
};
int initramfs_init(const void *archive, size_t size);
const struct initramfs_file *initramfs_lookup(const char *path);
#endif
