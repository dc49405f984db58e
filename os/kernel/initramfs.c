/* The initramfs: a cpio "newc" archive the boot loader hands over as a
 * multiboot module. It is parsed once at boot into a table of files that
 * stay where they are in memory (read-only; execve copies from them). */
#include <ringside/kernel.h>
#include <ringside/initramfs.h>
#include <ringside/errno.h>
#include <ringside/fs.h>

#define MAX_FILES 256
static struct initramfs_file files[MAX_FILES];
static int nr_files;

static unsigned long hex_field(const char *p)
{
	unsigned long v = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9' ? c - '0' :
			     c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			     c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
		if (d == 16)
			return (unsigned long)-1;
		v = v * 16 + d;
	}
	return v;
}

/* Header: "070701" then 13 eight-digit hex fields; the name follows (padded
 * so that header + name is a multiple of 4), then the data (padded to 4). */
int initramfs_init(const void *archive, size_t size)
{
	const char *base = archive, *p = archive, *end = base + size;
	while (p + 110 <= end) {
		if (memcmp(p, "070701", 6))
			return -EINVAL;
		unsigned long mode = hex_field(p + 14);
		unsigned long filesize = hex_field(p + 54);
		unsigned long namesize = hex_field(p + 94);
		if (mode == (unsigned long)-1 || filesize == (unsigned long)-1 ||
		    namesize == (unsigned long)-1 || namesize == 0)
			return -EINVAL;
		const char *name = p + 110;
		const char *data = base + ((name - base + namesize + 3) & ~3UL);
		if (name + namesize > end || data + filesize > end || name[namesize - 1])
			return -EINVAL;
		if (!strcmp(name, "TRAILER!!!"))
			return nr_files;
		while (*name == '.' || *name == '/')   /* "./bin/x" and "/bin/x" alike */
			name++;
		if ((mode & 0170000) == 0100000 && nr_files < MAX_FILES)
			files[nr_files++] = (struct initramfs_file){ name, data, filesize, mode };
		/* Regular files, directories and symlinks go into the VFS tree. */
		unsigned type = mode & 0170000;
		if (*name && (type == 0100000 || type == 0040000 || type == 0120000)) {
			int err = vfs_import(name, mode, data, filesize);
			if (err)
				printk(KERN_WARN "initramfs: %s: error %d\n", name, err);
		}
		p = base + ((data - base + filesize + 3) & ~3UL);
	}
	return -EINVAL;
}

const struct initramfs_file *initramfs_lookup(const char *path)
{
	while (*path == '/')
		path++;
	for (int i = 0; i < nr_files; i++)
		if (!strcmp(files[i].name, path))
			return &files[i];
	return NULL;
}
