/* Pipes (Linux's fs/pipe.c, reduced): a 64 KiB ring buffer between a read
 * end and a write end. A reader blocks while the pipe is empty and writers
 * remain, and reads end of file (0) once none remain; a writer blocks while
 * the pipe is full, gets EPIPE and SIGPIPE when no reader remains, and
 * writes of at most PIPE_BUF (4096) bytes are never interleaved. O_NONBLOCK
 * turns each wait into EAGAIN. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/mm.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/signal.h>
#include <ringside/syscalls.h>
#include <ringside/fs.h>
#include <asm/x86.h>

#define PIPE_SIZE  65536
#define PIPE_ORDER 4          /* 16 pages */
#define PIPE_BUF   4096

struct pipe {
	char *buf;
	size_t head, len;         /* data: len bytes from head, wrapping */
	int readers, writers;
};

/* Sleep until woken on the pipe; false if a signal is pending instead. */
static bool pipe_wait(struct pipe *p)
{
	if (signal_pending(current))
		return false;
	local_irq_disable();
	current->state = TASK_INTERRUPTIBLE;
	current->wait_channel = p;
	schedule();
	local_irq_enable();
	return true;
}

static long pipe_read(struct file *f, char *ubuf, size_t n, u64 *pos)
{
	struct pipe *p = f->inode->priv;
	(void)pos;
	if (!n)
		return 0;
	if (!access_ok(ubuf, n))
		return -EFAULT;
	while (!p->len) {
		if (!p->writers)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (!pipe_wait(p))
			return -ERESTARTSYS;
	}
	size_t done = 0;
	while (done < n && p->len) {
		size_t chunk = min(min(n - done, p->len), PIPE_SIZE - p->head);
		if (copy_to_user(ubuf + done, p->buf + p->head, chunk))
			return done ? (long)done : -EFAULT;
		p->head = (p->head + chunk) % PIPE_SIZE;
		p->len -= chunk;
		done += chunk;
	}
	wake_up_channel(p);
	return done;
}

static void raise_sigpipe(void)
{
	struct ksiginfo info = { .signo = SIGPIPE, .code = SI_USER, .pid = current->pid };
	send_signal(current, SIGPIPE, &info);
}

static long pipe_write(struct file *f, const char *ubuf, size_t n, u64 *pos)
{
	struct pipe *p = f->inode->priv;
	(void)pos;
	if (!access_ok(ubuf, n))
		return -EFAULT;
	size_t done = 0;
	if (!n)
		return 0;
	while (done < n) {
		if (!p->readers) {
			raise_sigpipe();
			return done ? (long)done : -EPIPE;
		}
		size_t room = PIPE_SIZE - p->len;
		/* Up to PIPE_BUF bytes go in at once or not at all. */
		bool atomic = n <= PIPE_BUF;
		if (!room || (atomic && room < n)) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (!pipe_wait(p))
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		size_t tail = (p->head + p->len) % PIPE_SIZE;
		size_t chunk = min(min(n - done, room), PIPE_SIZE - tail);
		if (copy_from_user(p->buf + tail, ubuf + done, chunk))
			return done ? (long)done : -EFAULT;
		p->len += chunk;
		done += chunk;
		wake_up_channel(p);
	}
	return done;
}

#define FIONREAD 0x541B

static long pipe_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct pipe *p = f->inode->priv;
	if (cmd == FIONREAD)
		return put_user((int)p->len, (int *)arg);
	return -ENOTTY;
}

static void pipe_release(struct file *f)
{
	struct inode *i = f->inode;
	struct pipe *p = i->priv;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	wake_up_channel(p);
	if (!p->readers && !p->writers) {
		free_pages(p->buf, PIPE_ORDER);
		kfree(p);
		i->priv = NULL;
	}
}

static const struct file_ops pipe_fops = {
	.read = pipe_read, .write = pipe_write, .ioctl = pipe_ioctl, .release = pipe_release,
};

/* pipe2(fds, flags): O_CLOEXEC and O_NONBLOCK (O_DIRECT, packet mode, is not here). */
static long do_pipe2(int *ufds, unsigned long flags)
{
	if (flags & ~(unsigned long)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct pipe *p = kzalloc(sizeof(*p));
	struct inode *i = kzalloc(sizeof(*i));
	char *buf = alloc_pages(PIPE_ORDER);
	if (!p || !i || !buf) {
		kfree(p);
		kfree(i);
		if (buf)
			free_pages(buf, PIPE_ORDER);
		return -ENFILE;
	}
	static unsigned long pipe_ino = 1;
	p->buf = buf;
	p->readers = p->writers = 1;
	i->mode = S_IFIFO | 0600;
	i->ino = pipe_ino++;
	i->nlink = 1;
	i->dev = 8;
	i->fops = &pipe_fops;
	i->priv = p;
	unsigned nb = flags & O_NONBLOCK;
	struct file *r = file_alloc(i, &pipe_fops, O_RDONLY | nb);
	struct file *w = file_alloc(i, &pipe_fops, O_WRONLY | nb);
	if (!r || !w) {
		kfree(r);
		kfree(w);
		free_pages(buf, PIPE_ORDER);
		kfree(p);
		kfree(i);
		return -ENFILE;
	}
	bool cloexec = flags & O_CLOEXEC;
	int rfd = fd_install(r, 0, cloexec);
	if (rfd < 0) {
		fput(r);
		fput(w);
		return rfd;
	}
	int wfd = fd_install(w, 0, cloexec);
	if (wfd < 0) {
		current->files->fd[rfd] = NULL;
		fput(r);
		fput(w);
		return wfd;
	}
	int fds[2] = { rfd, wfd };
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		current->files->fd[rfd] = current->files->fd[wfd] = NULL;
		fput(r);
		fput(w);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(sys_pipe)
{
	return do_pipe2((int *)a0, 0);
}

SYSCALL_DEFINE(sys_pipe2)
{
	return do_pipe2((int *)a0, a1);
}
