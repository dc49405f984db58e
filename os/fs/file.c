/* Open files and descriptors, and the file syscalls (Linux's fs/open.c,
 * fs/read_write.c, fs/file.c, fs/fcntl.c, fs/ioctl.c, fs/stat.c,
 * fs/readdir.c, fs/namei.c, reduced), with Linux's argument checks and
 * errnos as in Linux 4.3. A descriptor points at a struct file (position,
 * O_* flags) shared by dup and fork; close-on-exec is per descriptor. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/mm.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <ringside/time.h>
#include <ringside/fs.h>
#include <ringside/console.h>

int vfs_unlink(struct inode *dir, struct inode *victim);
int inode_reserve(struct inode *i, size_t size);

/* ---- files and descriptors ---- */

struct file *file_alloc(struct inode *inode, const struct file_ops *ops, unsigned flags)
{
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->count = 1;
	f->inode = inode;
	f->ops = ops;
	f->flags = flags;
	inode->open_count++;
	return f;
}

void fput(struct file *f)
{
	if (--f->count > 0)
		return;
	struct inode *i = f->inode;
	if (f->ops->release)
		f->ops->release(f);
	i->open_count--;
	inode_put(i);
	kfree(f);
}

static unsigned long nofile_limit(void)
{
	return min(current->rlim[7].rlim_cur, (u64)NR_OPEN);
}

struct file *fget(int fd)
{
	struct files_struct *fs = current->files;
	if (!fs || fd < 0 || fd >= NR_OPEN)
		return NULL;
	return fs->fd[fd];
}

static void set_cloexec(struct files_struct *fs, int fd, bool on)
{
	if (on)
		fs->cloexec[fd / 64] |= 1UL << (fd % 64);
	else
		fs->cloexec[fd / 64] &= ~(1UL << (fd % 64));
}

static bool get_cloexec(struct files_struct *fs, int fd)
{
	return (fs->cloexec[fd / 64] >> (fd % 64)) & 1;
}

int fd_install(struct file *f, int min, bool cloexec)
{
	struct files_struct *fs = current->files;
	unsigned long limit = nofile_limit();
	if (!fs)
		return -EMFILE;
	for (unsigned long fd = min; fd < limit; fd++) {
		if (!fs->fd[fd]) {
			fs->fd[fd] = f;
			set_cloexec(fs, fd, cloexec);
			return fd;
		}
	}
	return -EMFILE;
}

struct files_struct *files_copy(struct files_struct *old)
{
	struct files_struct *fs = kzalloc(sizeof(*fs));
	if (!fs || !old)
		return fs;
	*fs = *old;
	for (int fd = 0; fd < NR_OPEN; fd++)
		if (fs->fd[fd])
			fs->fd[fd]->count++;
	return fs;
}

void files_close_all(struct task_struct *t)
{
	struct files_struct *fs = t->files;
	if (!fs)
		return;
	t->files = NULL;
	for (int fd = 0; fd < NR_OPEN; fd++)
		if (fs->fd[fd])
			fput(fs->fd[fd]);
	kfree(fs);
}

void files_close_on_exec(struct task_struct *t)
{
	struct files_struct *fs = t->files;
	if (!fs)
		return;
	for (int fd = 0; fd < NR_OPEN; fd++) {
		if (fs->fd[fd] && get_cloexec(fs, fd)) {
			fput(fs->fd[fd]);
			fs->fd[fd] = NULL;
		}
	}
	memset(fs->cloexec, 0, sizeof(fs->cloexec));
}

/* init's descriptors 0, 1 and 2: /dev/console, as Linux's kernel_init opens it. */
int files_init_console(struct task_struct *t)
{
	struct inode *con;
	int err = vfs_lookup(root_inode, "/dev/console", true, &con);
	if (err)
		return err;
	t->files = kzalloc(sizeof(*t->files));
	if (!t->files)
		return -ENOMEM;
	struct file *f = file_alloc(con, con->fops, O_RDWR | O_LARGEFILE);
	if (!f)
		return -ENOMEM;
	f->count = 3;
	t->files->fd[0] = t->files->fd[1] = t->files->fd[2] = f;
	cwd_set(t, root_inode);
	return 0;
}

/* The working directory holds its inode like an open file does, so that a
 * removed directory stays valid while it is someone's cwd. */
void cwd_set(struct task_struct *t, struct inode *i)
{
	struct inode *old = t->cwd;
	if (i)
		i->open_count++;
	t->cwd = i;
	if (old) {
		old->open_count--;
		inode_put(old);
	}
}

static long close_fd(int fd)
{
	struct files_struct *fs = current->files;
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	fs->fd[fd] = NULL;
	set_cloexec(fs, fd, false);
	fput(f);
	return 0;
}

SYSCALL_DEFINE(sys_close)
{
	return close_fd((int)a0);
}

/* ---- read and write ---- */

static bool can_read(struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_RDONLY;
}

static long do_read(struct file *f, char *ubuf, size_t n, u64 *pos)
{
	if (!can_read(f))
		return -EBADF;
	if (!f->ops->read)
		return -EINVAL;
	if (!access_ok(ubuf, n))
		return -EFAULT;
	if ((long)n < 0)
		return -EINVAL;
	return f->ops->read(f, ubuf, n, pos);
}

static long do_write(struct file *f, const char *ubuf, size_t n, u64 *pos)
{
	if (!can_write(f))
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	if (!access_ok(ubuf, n))
		return -EFAULT;
	if ((long)n < 0)
		return -EINVAL;
	return f->ops->write(f, ubuf, n, pos);
}

SYSCALL_DEFINE(sys_read)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	return do_read(f, (char *)a1, a2, &f->pos);
}

SYSCALL_DEFINE(sys_write)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	return do_write(f, (const char *)a1, a2, &f->pos);
}

SYSCALL_DEFINE(sys_pread64)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	if ((long)a3 < 0)
		return -EINVAL;
	if (!f->ops->seekable)
		return -ESPIPE;
	u64 pos = a3;
	return do_read(f, (char *)a1, a2, &pos);
}

SYSCALL_DEFINE(sys_pwrite64)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	if ((long)a3 < 0)
		return -EINVAL;
	if (!f->ops->seekable)
		return -ESPIPE;
	u64 pos = a3;       /* with O_APPEND, Linux's pwrite appends all the same */
	return do_write(f, (const char *)a1, a2, &pos);
}

#define UIO_MAXIOV 1024
struct iovec { void *base; size_t len; };

/* The 32-bit iovec of int $0x80 (struct compat_iovec): base and length, 4
 * bytes each; a length with bit 31 set is negative (compat_ssize_t), so
 * -EINVAL as in Linux's compat_rw_copy_check_uvector. */
struct compat_iovec { u32 base, len; };

static long do_rw_vector(int fd, const void *uiov, unsigned long cnt, bool writing, bool compat)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (writing ? !can_write(f) : !can_read(f))
		return -EBADF;
	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	if (!cnt)
		return 0;
	struct iovec *iov = kmalloc(cnt * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	long ret = 0;
	if (compat) {
		const struct compat_iovec *u = uiov;
		for (unsigned long k = 0; k < cnt; k++) {
			struct compat_iovec c;
			if (copy_from_user(&c, &u[k], sizeof(c))) {
				ret = -EFAULT;
				goto out;
			}
			iov[k].base = (void *)(unsigned long)c.base;
			iov[k].len = (size_t)(long)(s32)c.len;
		}
	} else if (copy_from_user(iov, uiov, cnt * sizeof(*iov))) {
		ret = -EFAULT;
		goto out;
	}
	size_t total = 0;
	for (unsigned long k = 0; k < cnt; k++) {
		if ((long)iov[k].len < 0 || total + iov[k].len > 0x7ffff000UL) {
			if ((long)iov[k].len < 0) {
				ret = -EINVAL;
				goto out;
			}
			iov[k].len = 0x7ffff000UL - total;   /* Linux caps the total, it does not fail */
		}
		if (!access_ok(iov[k].base, iov[k].len)) {
			ret = -EFAULT;
			goto out;
		}
		total += iov[k].len;
	}
	for (unsigned long k = 0; k < cnt; k++) {
		if (!iov[k].len)
			continue;
		long n = writing ? do_write(f, iov[k].base, iov[k].len, &f->pos)
				 : do_read(f, iov[k].base, iov[k].len, &f->pos);
		if (n < 0) {
			if (!ret)
				ret = n;
			break;
		}
		ret += n;
		if ((size_t)n < iov[k].len)
			break;
	}
out:
	kfree(iov);
	return ret;
}

SYSCALL_DEFINE(sys_readv)
{
	return do_rw_vector((int)a0, (const void *)a1, a2, false, false);
}

SYSCALL_DEFINE(sys_writev)
{
	return do_rw_vector((int)a0, (const void *)a1, a2, true, false);
}

SYSCALL_DEFINE(compat_sys_readv)
{
	return do_rw_vector((int)a0, (const void *)a1, (u32)a2, false, true);
}

SYSCALL_DEFINE(compat_sys_writev)
{
	return do_rw_vector((int)a0, (const void *)a1, (u32)a2, true, true);
}

/* i386 pread64/pwrite64 (Linux's sys32_pread/sys32_pwrite): the 64-bit
 * offset comes split in two registers, low half first. */
SYSCALL_DEFINE(sys32_pread)
{
	return sys_pread64(a0, a1, (u32)a2, (u32)a3 | (a4 << 32), 0, 0);
}

SYSCALL_DEFINE(sys32_pwrite)
{
	return sys_pwrite64(a0, a1, (u32)a2, (u32)a3 | (a4 << 32), 0, 0);
}

#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define ENXIO     6

static long do_lseek(int fd, long off, unsigned whence)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (!f->ops->seekable)
		return S_ISCHR(f->inode->mode) && f->ops != &console_fops ? 0 : -ESPIPE;
	if (whence > SEEK_HOLE)
		return -EINVAL;
	long size = f->inode->size, pos;
	switch (whence) {
	case SEEK_SET: pos = off; break;
	case SEEK_CUR: pos = (long)f->pos + off; break;
	case SEEK_END: pos = size + off; break;
	case SEEK_DATA:
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = off;
		break;
	default:       /* SEEK_HOLE */
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = size;
		break;
	}
	if (pos < 0)
		return -EINVAL;
	f->pos = pos;
	return pos;
}

SYSCALL_DEFINE(sys_lseek)
{
	return do_lseek((int)a0, (long)a1, (unsigned)a2);
}

#define EOVERFLOW 75
SYSCALL_DEFINE(compat_sys_lseek)
{
	long r = do_lseek((int)a0, (long)(s32)a1, (unsigned)a2);
	return r > 0x7fffffffL ? -EOVERFLOW : r;
}

/* _llseek(fd, offset_high, offset_low, result, whence), i386 only: the
 * 64-bit offset in two halves, the new position stored at *result (after
 * the seek: a bad result pointer still moves the file), 0 returned. As
 * Linux's sys_llseek, whence is checked before the file's kind. */
SYSCALL_DEFINE(sys_llseek)
{
	if (!fget((int)a0))
		return -EBADF;
	if ((unsigned)a4 > SEEK_HOLE)
		return -EINVAL;
	long r = do_lseek((int)a0, (long)((a1 << 32) | (u32)a2), (unsigned)a4);
	if (r < 0)
		return r;
	return copy_to_user((void *)a3, &r, sizeof(r)) ? -EFAULT : 0;
}

/* ---- opening ---- */

/* The directory a *at() call starts from: cwd, or dirfd's directory. A
 * NULL *dir with 0 means cwd. */
static int at_dir(int dirfd, const char *path, struct inode **dir)
{
	*dir = NULL;
	if (path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	struct file *f = fget(dirfd);
	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	*dir = f->inode;
	return 0;
}

static long get_path(char *kpath, const char *upath)
{
	long len = strncpy_from_user(kpath, upath, PATH_MAX);
	if (len < 0)
		return len;
	return len ? 0 : -ENOENT;
}

static unsigned current_umask(void)
{
	return current->umask;
}

/* Copy a user path in, find where an *at call starts from (dirfd), and
 * look up either the inode it names (out; follow: through a final
 * symlink) or its parent directory and last component (parent, last). */
static long resolve_user_path(int dirfd, const char *upath, bool follow, struct inode **out,
			      struct inode **parent, char *last)
{
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	struct inode *dir = NULL;
	long err = get_path(path, upath);
	if (!err)
		err = at_dir(dirfd, path, &dir);
	if (!err)
		err = out ? vfs_lookup(dir, path, follow, out) : vfs_lookup_parent(dir, path, parent, last);
	kfree(path);
	return err;
}

/* The inode a user path names, relative to dirfd as the *at calls read it;
 * follow says whether a final symlink is followed. */
static long lookup_user_path(int dirfd, const char *upath, bool follow, struct inode **out)
{
	return resolve_user_path(dirfd, upath, follow, out, NULL, NULL);
}

static long do_open(int dirfd, const char *upath, unsigned flags, unsigned mode)
{
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	long err = get_path(path, upath);
	struct inode *dir = NULL, *i = NULL;
	if (!err)
		err = at_dir(dirfd, path, &dir);
	if (err)
		goto out;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	unsigned acc = flags & O_ACCMODE;
	bool follow = !(flags & O_NOFOLLOW);
	err = vfs_lookup(dir, path, follow, &i);
	if (err == -ENOENT && (flags & O_CREAT)) {
		struct inode *parent;
		char last[NAME_MAX + 1];
		err = vfs_lookup_parent(dir, path, &parent, last);
		if (err > 0)
			err = -EISDIR;      /* "name/" cannot be created as a file */
		if (err)
			goto out;
		if (!parent->writable) {
			err = -EROFS;
			goto out;
		}
		i = vfs_mknod(parent, last, S_IFREG | (mode & 07777 & ~current_umask()));
		if (!i) {
			err = -ENOSPC;
			goto out;
		}
		i->mtime = ktime_get_real_seconds_at_boot() + ktime_get_ns() / NSEC_PER_SEC;
	} else if (err) {
		goto out;
	} else if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		err = -EEXIST;
		goto out;
	}
	if (S_ISLNK(i->mode) && !(flags & O_PATH)) {
		err = -ELOOP;             /* O_NOFOLLOW met a symlink */
		goto out;
	}
	if ((flags & O_DIRECTORY) && !S_ISDIR(i->mode)) {
		err = -ENOTDIR;
		goto out;
	}
	/* /dev/tty (5, 0) opens the caller's controlling terminal, and there is
	 * none after setsid: -ENXIO, as 4.3's tty_open_current_tty. */
	if (!(flags & O_PATH) && S_ISCHR(i->mode) && i->rdev == (5 << 8) && !(current->has_tty && tty_session)) {
		err = -ENXIO;
		goto out;
	}
	if (!(flags & O_PATH)) {
		bool wants_write = acc != O_RDONLY || (flags & O_TRUNC);
		if (S_ISDIR(i->mode) && (acc != O_RDONLY || (flags & O_CREAT))) {
			err = -EISDIR;
			goto out;
		}
		if (wants_write && S_ISREG(i->mode) && !i->writable) {
			err = -EROFS;
			goto out;
		}
		if ((flags & O_TRUNC) && S_ISREG(i->mode) && acc != O_RDONLY)
			i->size = 0;
	}
	unsigned kept = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	struct file *f = file_alloc(i, i->fops, kept);
	if (!f) {
		err = -ENOMEM;
		goto out;
	}
	err = fd_install(f, 0, flags & O_CLOEXEC);
	if (err < 0)
		fput(f);
out:
	kfree(path);
	return err;
}

/* open, openat and creat force O_LARGEFILE (Linux's force_o_largefile() on
 * a 64-bit kernel); i386's compat_sys_open and compat_sys_openat take the
 * flags as given, so an i386 program's file has it only if it asked (open64),
 * and ftruncate then refuses lengths past 2 GiB (Linux 4.3's fs/open.c). */
SYSCALL_DEFINE(sys_open)
{
	return do_open(AT_FDCWD, (const char *)a0, (unsigned)a1 | O_LARGEFILE, (unsigned)a2);
}

SYSCALL_DEFINE(sys_openat)
{
	return do_open((int)a0, (const char *)a1, (unsigned)a2 | O_LARGEFILE, (unsigned)a3);
}

SYSCALL_DEFINE(compat_sys_open)
{
	return do_open(AT_FDCWD, (const char *)a0, (unsigned)a1, (unsigned)a2);
}

SYSCALL_DEFINE(compat_sys_openat)
{
	return do_open((int)a0, (const char *)a1, (unsigned)a2, (unsigned)a3);
}

SYSCALL_DEFINE(sys_creat)
{
	return do_open(AT_FDCWD, (const char *)a0, O_CREAT | O_WRONLY | O_TRUNC | O_LARGEFILE, (unsigned)a1);
}

SYSCALL_DEFINE(sys_umask)
{
	unsigned old = current->umask;
	current->umask = a0 & 0777;
	return old;
}

/* ---- dup and fcntl ---- */

static long do_dup3(int oldfd, int newfd, unsigned flags, bool dup2)
{
	struct files_struct *fs = current->files;
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	struct file *f = fget(oldfd);
	if (newfd < 0 || (unsigned long)newfd >= nofile_limit())
		return -EBADF;
	if (!f)
		return -EBADF;
	if (oldfd == newfd)
		return dup2 ? newfd : -EINVAL;
	f->count++;
	struct file *old = fs->fd[newfd];
	fs->fd[newfd] = f;
	set_cloexec(fs, newfd, flags & O_CLOEXEC);
	if (old)
		fput(old);
	return newfd;
}

SYSCALL_DEFINE(sys_dup)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	int fd = fd_install(f, 0, false);
	if (fd >= 0)
		f->count++;
	return fd;
}

SYSCALL_DEFINE(sys_dup2)
{
	return do_dup3((int)a0, (int)a1, 0, true);
}

SYSCALL_DEFINE(sys_dup3)
{
	return do_dup3((int)a0, (int)a1, (unsigned)a2, false);
}

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_SETOWN        8
#define F_GETOWN        9
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ    1031
#define F_GETPIPE_SZ    1032
#define FD_CLOEXEC      1
#define O_ASYNC         020000
#define SETFL_MASK (O_APPEND | O_ASYNC | O_NONBLOCK | O_DIRECT | O_NOATIME)

SYSCALL_DEFINE(sys_fcntl)
{
	int fd = (int)a0;
	struct files_struct *fs = current->files;
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) && a1 != F_DUPFD && a1 != F_DUPFD_CLOEXEC &&
	    a1 != F_GETFD && a1 != F_SETFD && a1 != F_GETFL)
		return -EBADF;
	switch (a1) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC: {
		if (a2 >= nofile_limit())
			return -EINVAL;
		int nfd = fd_install(f, (int)a2, a1 == F_DUPFD_CLOEXEC);
		if (nfd >= 0)
			f->count++;
		return nfd;
	}
	case F_GETFD:
		return get_cloexec(fs, fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		set_cloexec(fs, fd, a2 & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_MASK) | (a2 & SETFL_MASK);
		return 0;
	case F_GETOWN:
		return 0;
	case F_SETOWN:
		return 0;
	case F_GETPIPE_SZ:
		return (f->inode->mode & S_IFMT) == S_IFIFO ? 65536 : -EBADF;
	}
	return -EINVAL;
}

/* ---- ioctl ---- */

#define FIONCLEX 0x5450
#define FIOCLEX  0x5451
#define FIONBIO  0x5421

SYSCALL_DEFINE(sys_ioctl)
{
	int fd = (int)a0;
	unsigned cmd = (unsigned)a1;
	struct file *f = fget(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
		set_cloexec(current->files, fd, true);
		return 0;
	case FIONCLEX:
		set_cloexec(current->files, fd, false);
		return 0;
	case FIONBIO: {
		int on;
		if (get_user(on, (const int *)a2))
			return -EFAULT;
		if (on)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~O_NONBLOCK;
		return 0;
	}
	}
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, cmd, a2);
}

/* ---- stat ---- */

struct kstat64 {               /* struct stat on x86-64: 144 bytes */
	u64 st_dev, st_ino, st_nlink;
	u32 st_mode, st_uid, st_gid, pad0;
	u64 st_rdev;
	s64 st_size, st_blksize, st_blocks;
	u64 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	s64 unused[3];
};
BUILD_BUG_ON(sizeof(struct kstat64) != 144);

static int fill_stat(struct inode *i, void *ubuf)
{
	struct kstat64 st = {
		.st_dev = i->dev, .st_ino = i->ino, .st_nlink = i->nlink, .st_mode = i->mode,
		.st_rdev = i->rdev, .st_size = S_ISDIR(i->mode) ? 0 : (s64)i->size,
		.st_blksize = 4096, .st_blocks = (i->size + 511) / 512,
		.st_atime = i->mtime, .st_mtime = i->mtime, .st_ctime = i->mtime,
	};
	if (S_ISCHR(i->mode) || (i->mode & S_IFMT) == S_IFIFO)
		st.st_size = 0, st.st_blocks = 0;
	return copy_to_user(ubuf, &st, sizeof(st));
}

/* struct stat64 of i386 (Linux's arch/x86/include/asm/ia32.h): 96 bytes,
 * packed, the inode number twice (a 32-bit __st_ino at 12 and the full one
 * at 88). Linux stores the fields one by one and leaves the padding at 8
 * and 40 as it was; so does this (read, change, write back). */
struct stat64_ia32 {
	u64 st_dev;
	u8 pad0[4];
	u32 st_ino32, st_mode, st_nlink, st_uid, st_gid;
	u64 st_rdev;
	u8 pad3[4];
	s64 st_size;
	u32 st_blksize;
	u64 st_blocks;
	u32 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	u64 st_ino;
} __attribute__((packed));
BUILD_BUG_ON(sizeof(struct stat64_ia32) != 96);

static int fill_stat64(struct inode *i, void *ubuf)
{
	struct stat64_ia32 st;
	if (copy_from_user(&st, ubuf, sizeof(st)))
		return -EFAULT;
	bool sizeless = S_ISCHR(i->mode) || (i->mode & S_IFMT) == S_IFIFO;
	st.st_dev = i->dev;
	st.st_ino32 = (u32)i->ino;
	st.st_ino = i->ino;
	st.st_mode = i->mode;
	st.st_nlink = i->nlink;
	st.st_uid = st.st_gid = 0;
	st.st_rdev = i->rdev;
	st.st_size = sizeless || S_ISDIR(i->mode) ? 0 : (s64)i->size;
	st.st_blksize = 4096;
	st.st_blocks = sizeless ? 0 : (i->size + 511) / 512;
	st.st_atime = st.st_mtime = st.st_ctime = (u32)i->mtime;
	st.st_atime_nsec = st.st_mtime_nsec = st.st_ctime_nsec = 0;
	return copy_to_user(ubuf, &st, sizeof(st));
}

/* struct compat_stat of the old i386 stat/lstat/fstat (Linux's
 * arch/x86/include/asm/compat.h, filled by cp_compat_stat): 64 bytes,
 * 16-bit device numbers, mode, link count and ids, a 32-bit size.
 * -EOVERFLOW when a value does not fit (a device with major or minor
 * above 255, an inode number or size beyond 32 bits). */
struct stat_ia32 {
	u16 st_dev, pad1;
	u32 st_ino;
	u16 st_mode, st_nlink, st_uid, st_gid, st_rdev, pad2;
	u32 st_size, st_blksize, st_blocks;
	u32 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	u32 unused4, unused5;
};
BUILD_BUG_ON(sizeof(struct stat_ia32) != 64);

/* Linux's dev_t encoding (new_encode_dev) back to major and minor, and
 * the old 16-bit one. */
static bool old_valid_dev(u64 dev)
{
	u64 major = (dev >> 8) & 0xfff, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
	return major < 256 && minor < 256;
}

static int fill_stat_old(struct inode *i, void *ubuf)
{
	bool sizeless = S_ISCHR(i->mode) || (i->mode & S_IFMT) == S_IFIFO;
	u64 size = sizeless || S_ISDIR(i->mode) ? 0 : i->size;
	if (!old_valid_dev(i->dev) || !old_valid_dev(i->rdev) || i->ino > 0xffffffffUL ||
	    i->nlink > 0xffff || size > 0x7fffffffUL)
		return -EOVERFLOW;
	struct stat_ia32 st = {
		.st_dev = (u16)i->dev, .st_ino = (u32)i->ino, .st_mode = (u16)i->mode,
		.st_nlink = (u16)i->nlink, .st_rdev = (u16)i->rdev, .st_size = (u32)size,
		.st_blksize = 4096, .st_blocks = sizeless ? 0 : (u32)((i->size + 511) / 512),
		.st_atime = (u32)i->mtime, .st_mtime = (u32)i->mtime, .st_ctime = (u32)i->mtime,
	};
	return copy_to_user(ubuf, &st, sizeof(st));
}

/* struct __old_kernel_stat of the oldest i386 stat/lstat/fstat (18, 84,
 * 28), as a 64-bit Linux 4.3 fills it (fs/stat.c's cp_old_stat, the
 * x86-64 layout of arch/x86/include/uapi/asm/stat.h): seven 16-bit fields
 * (device numbers in the old 8+8-bit encoding, cut to 16 bits), then a
 * 32-bit size and three times, 32 bytes. Only the inode number and the
 * link count are checked (-EOVERFLOW beyond 16 bits); the size is cut to
 * 32 bits unchecked, as on a 64-bit kernel. */
struct stat_oldold {
	u16 st_dev, st_ino, st_mode, st_nlink, st_uid, st_gid, st_rdev, pad;
	u32 st_size, st_atime, st_mtime, st_ctime;
};
BUILD_BUG_ON(sizeof(struct stat_oldold) != 32);

static u16 old_encode_dev(u64 dev)
{
	u64 major = (dev >> 8) & 0xfff, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
	return (u16)((major << 8) | minor);
}

static int fill_stat_oldold(struct inode *i, void *ubuf)
{
	bool sizeless = S_ISCHR(i->mode) || (i->mode & S_IFMT) == S_IFIFO;
	u64 size = sizeless || S_ISDIR(i->mode) ? 0 : i->size;
	if (i->ino > 0xffff || i->nlink > 0xffff)
		return -EOVERFLOW;
	struct stat_oldold st = {
		.st_dev = old_encode_dev(i->dev), .st_ino = (u16)i->ino, .st_mode = (u16)i->mode,
		.st_nlink = (u16)i->nlink, .st_rdev = old_encode_dev(i->rdev), .st_size = (u32)size,
		.st_atime = (u32)i->mtime, .st_mtime = (u32)i->mtime, .st_ctime = (u32)i->mtime,
	};
	return copy_to_user(ubuf, &st, sizeof(st));
}

/* Which struct stat a call fills: x86-64's, i386's stat64, i386's old one,
 * i386's oldest one. */
enum stat_kind { STAT_64, STAT_IA32_64, STAT_IA32_OLD, STAT_IA32_OLDOLD };

static int fill_any_stat(struct inode *i, void *ubuf, enum stat_kind kind)
{
	return kind == STAT_IA32_64 ? fill_stat64(i, ubuf) :
	       kind == STAT_IA32_OLD ? fill_stat_old(i, ubuf) :
	       kind == STAT_IA32_OLDOLD ? fill_stat_oldold(i, ubuf) : fill_stat(i, ubuf);
}

static long do_fstatat(int dirfd, const char *upath, void *ubuf, unsigned flags, enum stat_kind kind)
{
	/* 0x800 AT_NO_AUTOMOUNT; 0x6000 the AT_STATX_* sync types (accepted since Linux 4.11) */
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | 0x6000))
		return -EINVAL;
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	long len = strncpy_from_user(path, upath, PATH_MAX);
	long err = len < 0 ? len : 0;
	struct inode *dir = NULL, *i = NULL;
	if (!err && !len) {
		if (!(flags & AT_EMPTY_PATH)) {
			err = -ENOENT;
		} else if (dirfd == AT_FDCWD) {
			i = current->cwd;
		} else {
			struct file *f = fget(dirfd);
			if (!f)
				err = -EBADF;
			else
				i = f->inode;
		}
	} else if (!err) {
		err = at_dir(dirfd, path, &dir);
		if (!err)
			err = vfs_lookup(dir, path, !(flags & AT_SYMLINK_NOFOLLOW), &i);
	}
	kfree(path);
	return err ? err : fill_any_stat(i, ubuf, kind);
}

SYSCALL_DEFINE(sys_newfstatat)
{
	return do_fstatat((int)a0, (const char *)a1, (void *)a2, (unsigned)a3, STAT_64);
}

SYSCALL_DEFINE(sys_stat)
{
	return do_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, 0, STAT_64);
}

SYSCALL_DEFINE(sys_lstat)
{
	return do_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, AT_SYMLINK_NOFOLLOW, STAT_64);
}

SYSCALL_DEFINE(sys_fstat)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	return fill_stat(f->inode, (void *)a1);
}

/* The i386 stat64 family (Linux's sys32_stat64, sys32_lstat64,
 * sys32_fstat64, sys32_fstatat): the same lookups, struct stat64 out. */
SYSCALL_DEFINE(sys32_stat64)
{
	return do_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, 0, STAT_IA32_64);
}

SYSCALL_DEFINE(sys32_lstat64)
{
	return do_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, AT_SYMLINK_NOFOLLOW, STAT_IA32_64);
}

SYSCALL_DEFINE(sys32_fstat64)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	return fill_stat64(f->inode, (void *)a1);
}

/* The oldest i386 stat, lstat and fstat (18, 84, 28; Linux's sys_stat,
 * sys_lstat and sys_fstat under __ARCH_WANT_OLD_STAT). */
SYSCALL_DEFINE(sys32_oldstat)
{
	return do_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, 0, STAT_IA32_OLDOLD);
}

SYSCALL_DEFINE(sys32_oldlstat)
{
	return do_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, AT_SYMLINK_NOFOLLOW, STAT_IA32_OLDOLD);
}

SYSCALL_DEFINE(sys32_oldfstat)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	return fill_any_stat(f->inode, (void *)a1, STAT_IA32_OLDOLD);
}

/* The old i386 stat, lstat and fstat (Linux's compat_sys_newstat...). */
SYSCALL_DEFINE(compat_sys_newstat)
{
	return do_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, 0, STAT_IA32_OLD);
}

SYSCALL_DEFINE(compat_sys_newlstat)
{
	return do_fstatat(AT_FDCWD, (const char *)a0, (void *)a1, AT_SYMLINK_NOFOLLOW, STAT_IA32_OLD);
}

SYSCALL_DEFINE(compat_sys_newfstat)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	return fill_stat_old(f->inode, (void *)a1);
}

SYSCALL_DEFINE(sys32_fstatat)
{
	return do_fstatat((int)a0, (const char *)a1, (void *)a2, (unsigned)a3, STAT_IA32_64);
}

/* ---- directories ---- */

#define DT_FIFO 1
#define DT_CHR  2
#define DT_DIR  4
#define DT_REG  8
#define DT_LNK  10

static u8 dtype(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFREG: return DT_REG;
	case S_IFLNK: return DT_LNK;
	case S_IFCHR: return DT_CHR;
	case S_IFIFO: return DT_FIFO;
	}
	return 0;
}

/* struct linux_dirent64: ino, off, reclen, type, name (NUL-terminated),
 * each record padded to 8 bytes. f->pos counts entries: ".", "..", then
 * the directory's children newest first (as ramfs lists them).
 *
 * compat (i386 getdents, Linux 4.3's compat_sys_getdents and
 * compat_filldir in fs/compat.c): the old struct linux_dirent of 32-bit
 * words: d_ino (u32), d_off (s32), d_reclen (u16), the name and its NUL,
 * then d_type in the record's last byte, each record padded to 4 bytes.
 * Only those fields are written (the padding keeps what the buffer held,
 * as in Linux). An inode number wider than 32 bits is -EOVERFLOW (Ringside's
 * never are); d_off is not checked, as in 4.3. */
static long do_getdents(int fd, char *ubuf, size_t count, bool compat)
{
	size_t used = 0;
	if (compat && !access_ok(ubuf, count))
		return -EFAULT;              /* 4.3 checks the buffer before the fd */
	struct file *f = fget(fd);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	struct inode *dir = f->inode;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!access_ok(ubuf, count))
		return -EFAULT;
	for (;;) {
		u64 idx = f->pos;
		const char *name;
		struct inode *ent;
		if (idx == 0) {
			name = ".";
			ent = dir;
		} else if (idx == 1) {
			name = "..";
			ent = dir->parent ? dir->parent : dir;
		} else {
			ent = dir->children;
			for (u64 k = 2; ent && k < idx; k++)
				ent = ent->sibling;
			if (!ent)
				break;
			name = ent->name;
		}
		size_t namelen = strlen(name);
		size_t reclen = compat ? (10 + namelen + 2 + 3) & ~3UL : (19 + namelen + 1 + 7) & ~7UL;
		if (used + reclen > count) {
			if (!used)
				return -EINVAL;     /* the buffer cannot hold one entry */
			break;
		}
		u64 ino = ent->ino, off = idx + 1;
		u16 rl = reclen;
		char t = dtype(ent->mode);
		char *u = ubuf + used;
		int err;
		if (compat) {
			u32 ino32 = ino;
			s32 off32 = off;
			if (ino32 != ino)
				return used ? (long)used : -EOVERFLOW;
			err = copy_to_user(u, &ino32, 4) || copy_to_user(u + 4, &off32, 4) ||
			      copy_to_user(u + 8, &rl, 2) || copy_to_user(u + 10, name, namelen + 1) ||
			      copy_to_user(u + reclen - 1, &t, 1);
		} else {
			char rec[19 + NAME_MAX + 1 + 8];
			memset(rec, 0, reclen);
			memcpy(rec, &ino, 8);
			memcpy(rec + 8, &off, 8);
			memcpy(rec + 16, &rl, 2);
			rec[18] = t;
			memcpy(rec + 19, name, namelen);
			err = copy_to_user(u, rec, reclen);
		}
		if (err)
			return used ? (long)used : -EFAULT;
		used += reclen;
		f->pos = idx + 1;
	}
	return used;
}

SYSCALL_DEFINE(sys_getdents64)
{
	return do_getdents((int)a0, (char *)a1, a2, false);
}

/* i386 getdents (141); the arguments are 32-bit, count an unsigned int. */
SYSCALL_DEFINE(compat_sys_getdents)
{
	return do_getdents((int)a0, (char *)a1, (u32)a2, true);
}

/* getcwd: the path from / to cwd; the returned length counts the NUL. */
SYSCALL_DEFINE(sys_getcwd)
{
	char *ubuf = (char *)a0;
	size_t size = a1;
	struct inode *i = current->cwd ? current->cwd : root_inode;
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	size_t pos = PATH_MAX - 1;
	path[pos] = 0;
	long err = 0;
	if (i != root_inode && !i->parent)
		err = -ENOENT;               /* removed */
	while (!err && i != root_inode) {
		size_t len = strlen(i->name);
		if (pos < len + 1) {
			err = -ENAMETOOLONG;
			break;
		}
		pos -= len;
		memcpy(path + pos, i->name, len);
		path[--pos] = '/';
		i = i->parent;
	}
	if (!err && pos == PATH_MAX - 1)
		path[--pos] = '/';
	size_t len = PATH_MAX - pos;         /* with the NUL */
	if (!err && len > size)
		err = -ERANGE;
	if (!err && copy_to_user(ubuf, path + pos, len))
		err = -EFAULT;
	kfree(path);
	return err ? err : (long)len;
}

static long do_chdir_inode(struct inode *i)
{
	if (!S_ISDIR(i->mode))
		return -ENOTDIR;
	cwd_set(current, i);
	return 0;
}

SYSCALL_DEFINE(sys_chdir)
{
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	struct inode *i = NULL;
	long err = get_path(path, (const char *)a0);
	if (!err)
		err = vfs_lookup(NULL, path, true, &i);
	kfree(path);
	return err ? err : do_chdir_inode(i);
}

SYSCALL_DEFINE(sys_fchdir)
{
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	return do_chdir_inode(f->inode);
}

/* access and faccessat: everyone is root, so R_OK and W_OK need only a
 * writable file system for W_OK; X_OK needs an x bit (or a directory). */
#define W_OK 2
#define X_OK 1
static long do_faccessat(int dirfd, const char *upath, unsigned long mode)
{
	if (mode & ~7UL)
		return -EINVAL;
	struct inode *i;
	long err = lookup_user_path(dirfd, upath, true, &i);
	if (err)
		return err;
	if ((mode & W_OK) && !i->writable && (S_ISREG(i->mode) || S_ISDIR(i->mode)))
		return -EROFS;
	if ((mode & X_OK) && !S_ISDIR(i->mode) && !(i->mode & 0111))
		return -EACCES;
	return 0;
}

SYSCALL_DEFINE(sys_access)
{
	return do_faccessat(AT_FDCWD, (const char *)a0, a1);
}

SYSCALL_DEFINE(sys_faccessat)
{
	return do_faccessat((int)a0, (const char *)a1, a2);
}

static long do_readlinkat(int dirfd, const char *upath, char *ubuf, long size)
{
	if (size <= 0)
		return -EINVAL;
	struct inode *i;
	long err = lookup_user_path(dirfd, upath, false, &i);
	if (err)
		return err;
	if (!S_ISLNK(i->mode))
		return -EINVAL;
	size_t n = min((size_t)size, i->size);
	return copy_to_user(ubuf, i->data, n) ? -EFAULT : (long)n;
}

SYSCALL_DEFINE(sys_readlink)
{
	return do_readlinkat(AT_FDCWD, (const char *)a0, (char *)a1, (int)a2);
}

SYSCALL_DEFINE(sys_readlinkat)
{
	return do_readlinkat((int)a0, (const char *)a1, (char *)a2, (int)a3);
}

/* ---- changing the tree (tmpfs only) ---- */

static long parent_of(int dirfd, const char *upath, struct inode **parent, char *last)
{
	return resolve_user_path(dirfd, upath, false, NULL, parent, last);
}

static struct inode *child_of(struct inode *dir, const char *name)
{
	if (!strcmp(name, "."))
		return dir;
	if (!strcmp(name, ".."))
		return dir->parent;
	for (struct inode *c = dir->children; c; c = c->sibling)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static long do_mkdirat(int dirfd, const char *upath, unsigned mode)
{
	struct inode *parent;
	char last[NAME_MAX + 1];
	long err = parent_of(dirfd, upath, &parent, last);
	if (err < 0)
		return err;
	if (child_of(parent, last))
		return -EEXIST;
	if (!parent->writable)
		return -EROFS;
	struct inode *i = vfs_mknod(parent, last, S_IFDIR | (mode & 07777 & ~current_umask()));
	if (!i)
		return -ENOSPC;
	i->mtime = ktime_get_real_seconds_at_boot() + ktime_get_ns() / NSEC_PER_SEC;
	return 0;
}

SYSCALL_DEFINE(sys_mkdir)
{
	return do_mkdirat(AT_FDCWD, (const char *)a0, (unsigned)a1);
}

SYSCALL_DEFINE(sys_mkdirat)
{
	return do_mkdirat((int)a0, (const char *)a1, (unsigned)a2);
}

static long do_unlinkat(int dirfd, const char *upath, bool rmdir)
{
	struct inode *parent;
	char last[NAME_MAX + 1];
	long err = parent_of(dirfd, upath, &parent, last);
	if (err < 0)
		return err;
	if (rmdir && !strcmp(last, "."))
		return -EINVAL;
	if (rmdir && !strcmp(last, ".."))
		return -ENOTEMPTY;
	struct inode *victim = child_of(parent, last);
	if (!victim)
		return -ENOENT;
	if (err > 0 && !S_ISDIR(victim->mode))
		return -ENOTDIR;
	if (rmdir) {
		if (!S_ISDIR(victim->mode))
			return -ENOTDIR;
		if (victim == root_inode)
			return -EBUSY;
		if (!parent->writable)
			return -EROFS;
		if (victim->children)
			return -ENOTEMPTY;
	} else {
		if (S_ISDIR(victim->mode))
			return -EISDIR;
		if (!parent->writable)
			return -EROFS;
	}
	return vfs_unlink(parent, victim);
}

SYSCALL_DEFINE(sys_unlink)
{
	return do_unlinkat(AT_FDCWD, (const char *)a0, false);
}

SYSCALL_DEFINE(sys_rmdir)
{
	return do_unlinkat(AT_FDCWD, (const char *)a0, true);
}

SYSCALL_DEFINE(sys_unlinkat)
{
	if (a2 & ~(unsigned long)AT_REMOVEDIR)
		return -EINVAL;
	return do_unlinkat((int)a0, (const char *)a1, a2 & AT_REMOVEDIR);
}

SYSCALL_DEFINE(sys_ftruncate)
{
	struct file *f = fget((int)a0);
	long len = (long)a1;
	if (!f)
		return -EBADF;
	if (len < 0)
		return -EINVAL;
	struct inode *i = f->inode;
	if (!S_ISREG(i->mode) || !can_write(f))
		return -EINVAL;
	if (!(f->flags & O_LARGEFILE) && len > 0x7fffffffL)
		return -EINVAL;          /* MAX_NON_LFS without O_LARGEFILE */
	if (!i->writable)
		return -EROFS;
	int err = inode_reserve(i, len);
	if (err)
		return err;
	if ((size_t)len > i->size)
		memset(i->data + i->size, 0, len - i->size);
	i->size = len;
	return 0;
}

/* i386 ftruncate64 (194): the length in two registers, low half first.
 * Linux 4.3's sys32_ftruncate64 calls sys_ftruncate, not sys_ftruncate64,
 * so the MAX_NON_LFS rule applies to it too (the host's kernel agrees). */
SYSCALL_DEFINE(sys32_ftruncate64)
{
	return sys_ftruncate(a0, (a2 << 32) | (u32)a1, 0, 0, 0, 0);
}

static long do_symlinkat(const char *utarget, int dirfd, const char *upath)
{
	char *target = kmalloc(PATH_MAX);
	if (!target)
		return -ENOMEM;
	long err = get_path(target, utarget);
	struct inode *parent;
	char last[NAME_MAX + 1];
	if (!err)
		err = parent_of(dirfd, upath, &parent, last);
	if (err > 0)
		err = -ENOENT;
	if (!err && child_of(parent, last))
		err = -EEXIST;
	if (!err && !parent->writable)
		err = -EROFS;
	struct inode *i = NULL;
	if (!err && !(i = vfs_mknod(parent, last, S_IFLNK | 0777)))
		err = -ENOSPC;
	if (!err) {
		size_t len = strlen(target);
		err = inode_reserve(i, len + 1);
		if (!err) {
			memcpy(i->data, target, len);
			i->size = len;
		}
	}
	kfree(target);
	return err;
}

SYSCALL_DEFINE(sys_symlink)
{
	return do_symlinkat((const char *)a0, AT_FDCWD, (const char *)a1);
}

SYSCALL_DEFINE(sys_symlinkat)
{
	return do_symlinkat((const char *)a0, (int)a1, (const char *)a2);
}
