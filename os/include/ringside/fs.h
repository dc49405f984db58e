/* A small VFS (os/fs/): one tree of inodes in memory, open files, file
 * descriptors. The initramfs is imported read-only at boot; /tmp is a
 * writable tmpfs; /dev holds null, zero, full and console; pipes are
 * inodes that belong to no directory. No page cache, no mounts: each inode
 * knows its own data and operations. */
#ifndef RINGSIDE_FS_H
#define RINGSIDE_FS_H
#include <ringside/types.h>

struct task_struct;
struct file;

/* Mode bits (Linux's S_IF*). */
#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)

/* open flags (x86-64 values). */
#define O_ACCMODE   03
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_NOCTTY    0400
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DSYNC     010000
#define O_DIRECT    040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000
#define O_PATH      010000000

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_EACCESS          0x200
#define AT_EMPTY_PATH       0x1000

#define NAME_MAX 255
#define PATH_MAX 4096
#define NR_OPEN  1024      /* descriptors per process (RLIMIT_NOFILE caps it lower) */

struct file_ops {
	/* ubuf is a user pointer; *pos is the file position to use and advance. */
	long (*read)(struct file *f, char *ubuf, size_t n, u64 *pos);
	long (*write)(struct file *f, const char *ubuf, size_t n, u64 *pos);
	long (*ioctl)(struct file *f, unsigned cmd, unsigned long arg);
	void (*release)(struct file *f);
	bool seekable;      /* lseek moves the position; else ESPIPE (or 0 for null/zero) */
};

struct inode {
	unsigned mode;                /* S_IF* | permissions */
	unsigned long ino;
	unsigned nlink;
	unsigned dev;                 /* st_dev: 1 the initramfs, 2 tmpfs /tmp, 5 devices, 8 pipes */
	unsigned rdev;                /* devices: (major << 8) | minor */
	long mtime;
	char *data;                   /* file contents or symlink target */
	size_t size, cap;             /* cap > 0: data is ours (kmalloc'd), may grow */
	bool writable;                /* tmpfs: may be written, created in, unlinked from */
	const struct file_ops *fops;
	void *priv;                   /* pipes: struct pipe */
	int open_count;               /* open files pointing here */
	struct inode *parent;         /* directories' ".."; NULL once unlinked */
	struct inode *children;       /* a directory's entries, newest first */
	struct inode *sibling;
	char name[NAME_MAX + 1];
};

struct file {
	int count;                    /* descriptors (in any process) sharing it */
	struct inode *inode;
	const struct file_ops *ops;
	unsigned flags;               /* O_* as F_GETFL shows them */
	u64 pos;
};

struct files_struct {
	struct file *fd[NR_OPEN];
	u64 cloexec[NR_OPEN / 64];
};

/* os/fs/namei.c */
extern struct inode *root_inode;
void vfs_init(void);
struct inode *vfs_mknod(struct inode *dir, const char *name, unsigned mode);
int vfs_import(const char *path, unsigned mode, const void *data, size_t size);
/* Resolve path (relative to dir, or cwd when dir is NULL); follow a final
 * symlink if follow. Returns 0 and *out, or -errno. */
int vfs_lookup(struct inode *dir, const char *path, bool follow, struct inode **out);
/* The parent directory of path and its last component. */
int vfs_lookup_parent(struct inode *dir, const char *path, struct inode **parent, char *last);
void inode_put(struct inode *i);   /* frees an unlinked inode nobody has open */

/* os/fs/file.c */
struct file *file_alloc(struct inode *inode, const struct file_ops *ops, unsigned flags);
void fput(struct file *f);
struct file *fget(int fd);             /* no reference taken: valid during the syscall */
int fd_install(struct file *f, int min, bool cloexec);   /* lowest free fd >= min */
struct files_struct *files_copy(struct files_struct *old);
void files_close_all(struct task_struct *t);
void files_close_on_exec(struct task_struct *t);
int files_init_console(struct task_struct *t);
void cwd_set(struct task_struct *t, struct inode *i);

/* os/fs/dev.c, os/fs/pipe.c */
void dev_init(void);
extern const struct file_ops console_fops;
#endif
