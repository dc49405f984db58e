/* The inode tree and path lookup (Linux's fs/namei.c, much reduced): one
 * tree in memory, built at boot from the initramfs (read-only), with a
 * writable tmpfs directory at /tmp and the devices under /dev. Symlinks are
 * followed (40 at most per lookup: ELOOP, as Linux); "." and ".." work; a
 * component longer than NAME_MAX is ENAMETOOLONG. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/mm.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/fs.h>

struct inode *root_inode;
static unsigned long next_ino = 1;

extern const struct file_ops regular_fops, dir_fops;

static struct inode *inode_new(unsigned mode)
{
	struct inode *i = kzalloc(sizeof(*i));
	if (!i)
		return NULL;
	i->mode = mode;
	i->ino = next_ino++;
	i->nlink = S_ISDIR(mode) ? 2 : 1;
	i->dev = 1;
	i->fops = S_ISDIR(mode) ? &dir_fops : &regular_fops;
	return i;
}

/* A new entry name in dir (which must not hold it yet). */
struct inode *vfs_mknod(struct inode *dir, const char *name, unsigned mode)
{
	struct inode *i = inode_new(mode);
	if (!i)
		return NULL;
	strlcpy(i->name, name, sizeof(i->name));
	i->parent = dir;
	i->dev = dir->dev;
	i->writable = dir->writable;
	i->sibling = dir->children;
	dir->children = i;
	if (S_ISDIR(mode))
		dir->nlink++;
	return i;
}

static struct inode *child_named(struct inode *dir, const char *name)
{
	for (struct inode *c = dir->children; c; c = c->sibling)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

void vfs_init(void)
{
	root_inode = inode_new(S_IFDIR | 0755);
	root_inode->parent = root_inode;
	struct inode *tmp = vfs_mknod(root_inode, "tmp", S_IFDIR | 01777);
	tmp->dev = 2;
	tmp->writable = true;
	vfs_mknod(root_inode, "dev", S_IFDIR | 0755);
	dev_init();
}

/* Add one initramfs entry: a path like "bin/hello", its directories made as
 * needed. Data stays in the archive (read-only). */
int vfs_import(const char *path, unsigned mode, const void *data, size_t size)
{
	struct inode *dir = root_inode;
	char name[NAME_MAX + 1];
	while (*path) {
		while (*path == '/')
			path++;
		size_t len = 0;
		while (path[len] && path[len] != '/')
			len++;
		if (!len)
			break;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, path, len);
		name[len] = 0;
		path += len;
		while (*path == '/')
			path++;
		bool last = !*path;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		struct inode *c = child_named(dir, name);
		if (last) {
			if (c)
				return S_ISDIR(c->mode) && S_ISDIR(mode) ? 0 : -EEXIST;
			c = vfs_mknod(dir, name, mode);
			if (!c)
				return -ENOMEM;
			c->data = (char *)data;
			c->size = S_ISDIR(mode) ? 0 : size;
			return 0;
		}
		if (!c && !(c = vfs_mknod(dir, name, S_IFDIR | 0755)))
			return -ENOMEM;
		if (!S_ISDIR(c->mode))
			return -ENOTDIR;
		dir = c;
	}
	return 0;
}

/* Walk path from start. *links counts symlinks followed so far. */
static int walk(struct inode *start, const char *path, bool follow, int *links,
		struct inode **out, struct inode **parent_out, char *last_out)
{
	struct inode *cur = *path == '/' ? root_inode : start;
	char name[NAME_MAX + 1];
	if (!*path)
		return -ENOENT;
	while (*path == '/')
		path++;
	if (!*path) {                  /* "/" itself */
		if (parent_out) {
			*parent_out = cur;
			strlcpy(last_out, ".", NAME_MAX + 1);
			return 0;
		}
		*out = cur;
		return 0;
	}
	while (*path) {
		size_t len = 0;
		while (path[len] && path[len] != '/')
			len++;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, path, len);
		name[len] = 0;
		path += len;
		bool trailing_slash = *path == '/';
		while (*path == '/')
			path++;
		bool last = !*path;
		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
		if (last && parent_out) {
			*parent_out = cur;
			strlcpy(last_out, name, NAME_MAX + 1);
			return trailing_slash ? 1 : 0;   /* 1: the name must be a directory */
		}
		struct inode *next;
		if (!strcmp(name, "."))
			next = cur;
		else if (!strcmp(name, ".."))
			next = cur->parent ? cur->parent : cur;
		else
			next = child_named(cur, name);
		if (!next)
			return -ENOENT;
		if (S_ISLNK(next->mode) && (!last || follow || trailing_slash)) {
			if (++*links > 40)
				return -ELOOP;
			if (next->size >= PATH_MAX)
				return -ENAMETOOLONG;
			char *target = kmalloc(next->size + 1);
			if (!target)
				return -ENOMEM;
			memcpy(target, next->data, next->size);
			target[next->size] = 0;
			int err = walk(cur, target, true, links, &next, NULL, NULL);
			kfree(target);
			if (err)
				return err;
		}
		if (trailing_slash && last && !S_ISDIR(next->mode))
			return -ENOTDIR;
		cur = next;
	}
	*out = cur;
	return 0;
}

int vfs_lookup(struct inode *dir, const char *path, bool follow, struct inode **out)
{
	int links = 0;
	if (!dir)
		dir = current->cwd ? current->cwd : root_inode;
	return walk(dir, path, follow, &links, out, NULL, NULL);
}

int vfs_lookup_parent(struct inode *dir, const char *path, struct inode **parent, char *last)
{
	int links = 0;
	if (!dir)
		dir = current->cwd ? current->cwd : root_inode;
	return walk(dir, path, false, &links, NULL, parent, last);
}

/* An unlinked tmpfs inode goes when its last open file closes. */
void inode_put(struct inode *i)
{
	if (i->parent || i->open_count || i == root_inode)
		return;
	if (i->cap)
		kfree(i->data);
	kfree(i);
}

/* Take name out of dir (tmpfs only). */
int vfs_unlink(struct inode *dir, struct inode *victim)
{
	struct inode **pp = &dir->children;
	while (*pp && *pp != victim)
		pp = &(*pp)->sibling;
	if (!*pp)
		return -ENOENT;
	*pp = victim->sibling;
	victim->sibling = NULL;
	victim->parent = NULL;
	if (S_ISDIR(victim->mode))
		dir->nlink--;
	victim->nlink = 0;
	inode_put(victim);
	return 0;
}

/* ---- regular files: data in memory ---- */

static long regular_read(struct file *f, char *ubuf, size_t n, u64 *pos)
{
	struct inode *i = f->inode;
	if (*pos >= i->size)
		return 0;
	size_t avail = min(n, i->size - *pos);
	if (copy_to_user(ubuf, i->data + *pos, avail))
		return -EFAULT;
	*pos += avail;
	return avail;
}

/* Make room for size bytes in a tmpfs file's buffer. */
int inode_reserve(struct inode *i, size_t size)
{
	if (size <= i->cap)
		return 0;
	if (size > (64UL << 20))
		return -EFBIG;
	size_t cap = max(i->cap * 2, max(size, (size_t)256));
	char *d = kmalloc(cap);
	if (!d)
		return -ENOSPC;
	memcpy(d, i->data, i->size);
	memset(d + i->size, 0, cap - i->size);
	if (i->cap)
		kfree(i->data);
	i->data = d;
	i->cap = cap;
	return 0;
}

static long regular_write(struct file *f, const char *ubuf, size_t n, u64 *pos)
{
	struct inode *i = f->inode;
	if (!i->writable)
		return -EROFS;
	if (f->flags & O_APPEND)
		*pos = i->size;
	if (!n)
		return 0;
	if (*pos + n < *pos)
		return -EFBIG;
	int err = inode_reserve(i, *pos + n);
	if (err)
		return err;
	if (*pos > i->size)
		memset(i->data + i->size, 0, *pos - i->size);
	if (copy_from_user(i->data + *pos, ubuf, n))
		return -EFAULT;
	*pos += n;
	if (*pos > i->size)
		i->size = *pos;
	return n;
}

const struct file_ops regular_fops = {
	.read = regular_read, .write = regular_write, .seekable = true,
};

static long dir_read(struct file *f, char *ubuf, size_t n, u64 *pos)
{
	(void)f; (void)ubuf; (void)n; (void)pos;
	return -EISDIR;
}

const struct file_ops dir_fops = { .read = dir_read, .seekable = true };
