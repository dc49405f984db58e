/* The character devices under /dev: null (1,3), zero (1,5), full (1,7) and
 * console (5,1), a serial terminal (Linux's drivers/char/mem.c and
 * drivers/tty/, reduced). The console's line discipline lives in
 * kernel/console.c; here are its file operations and the terminal ioctls a
 * C library and a shell use (TCGETS, TCSETS*, TIOCGWINSZ, TIOCSWINSZ,
 * TIOCGPGRP, TIOCSPGRP, TIOCGSID, FIONREAD), with Linux's numbers and
 * struct layouts. Anything else on a terminal is ENOTTY, as on Linux. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/console.h>
#include <ringside/fs.h>

static long null_read(struct file *f, char *ubuf, size_t n, u64 *pos)
{
	(void)f; (void)ubuf; (void)n; (void)pos;
	return 0;
}

static long null_write(struct file *f, const char *ubuf, size_t n, u64 *pos)
{
	(void)f; (void)ubuf; (void)pos;
	return n;
}

static long zero_read(struct file *f, char *ubuf, size_t n, u64 *pos)
{
	(void)f; (void)pos;
	if (clear_user(ubuf, n))
		return -EFAULT;
	return n;
}

static long full_write(struct file *f, const char *ubuf, size_t n, u64 *pos)
{
	(void)f; (void)ubuf; (void)n; (void)pos;
	return -ENOSPC;
}

/* lseek on null, zero and full always answers 0 (Linux's noop/null_lseek). */
static const struct file_ops null_fops = { .read = null_read, .write = null_write };
static const struct file_ops zero_fops = { .read = zero_read, .write = null_write };
static const struct file_ops full_fops = { .read = zero_read, .write = full_write };

/* ---- the console ---- */

static long console_read(struct file *f, char *ubuf, size_t n, u64 *pos)
{
	char kbuf[256];
	(void)pos;
	if (!n)
		return 0;
	if (!access_ok(ubuf, n))
		return -EFAULT;
	long got = tty_read(kbuf, min(n, sizeof(kbuf)), f->flags & O_NONBLOCK);
	if (got > 0 && copy_to_user(ubuf, kbuf, got))
		return -EFAULT;
	return got == -EINTR ? -ERESTARTSYS : got;
}

static long console_write_op(struct file *f, const char *ubuf, size_t n, u64 *pos)
{
	char chunk[256];
	size_t done = 0;
	(void)f; (void)pos;
	if (!access_ok(ubuf, n))
		return -EFAULT;
	while (done < n) {
		size_t k = min(n - done, sizeof(chunk));
		if (copy_from_user(chunk, ubuf + done, k))
			return done ? (long)done : -EFAULT;
		console_write(chunk, k);
		done += k;
	}
	return done;
}

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define TIOCGSID   0x5429

/* struct termios as the kernel passes it (asm-generic/termbits.h): 36 bytes. */
struct kernel_termios {
	u32 c_iflag, c_oflag, c_cflag, c_lflag;
	u8 c_line;
	u8 c_cc[19];
};
BUILD_BUG_ON(sizeof(struct kernel_termios) != 36);

/* Linux's tty_std_termios on a serial console at 115200 baud:
 * ICRNL|IXON, OPOST|ONLCR, B115200|CS8|CREAD|HUPCL|CLOCAL,
 * ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, and INIT_C_CC. */
static struct kernel_termios console_termios = {
	.c_iflag = 0x500, .c_oflag = 0x5, .c_cflag = 0x1cb2, .c_lflag = 0x8a3b,
	.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 },
};
static u16 console_winsize[4];        /* rows, cols, xpixel, ypixel: 0 on a serial line */
static pid_t console_pgrp = 1;        /* the foreground process group */

static long console_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	(void)f;
	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &console_termios, sizeof(console_termios));
	case TCSETS:
	case TCSETSW:
	case TCSETSF: {
		struct kernel_termios t;
		if (copy_from_user(&t, (const void *)arg, sizeof(t)))
			return -EFAULT;
		console_termios = t;     /* reported by TCGETS as set */
		tty_set_termios(t.c_iflag, t.c_lflag, t.c_cc, cmd == TCSETSF);
		return 0;
	}
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, console_winsize, sizeof(console_winsize));
	case TIOCSWINSZ:
		return copy_from_user(console_winsize, (const void *)arg, sizeof(console_winsize));
	case TIOCGPGRP:
		return put_user(console_pgrp, (int *)arg);
	case TIOCSPGRP: {
		int pgrp;
		if (get_user(pgrp, (const int *)arg))
			return -EFAULT;
		if (pgrp < 0)
			return -EINVAL;
		console_pgrp = pgrp;
		return 0;
	}
	case TIOCGSID:
		return put_user(1, (int *)arg);   /* init's session owns the console */
	case FIONREAD:
		return put_user((int)tty_chars_ready(), (int *)arg);
	}
	return -ENOTTY;
}

const struct file_ops console_fops = {
	.read = console_read, .write = console_write_op, .ioctl = console_ioctl,
};

static void add_dev(struct inode *dev, const char *name, unsigned mode, unsigned major,
		    unsigned minor, const struct file_ops *ops)
{
	struct inode *i = vfs_mknod(dev, name, S_IFCHR | mode);
	if (!i)
		panic("no memory for /dev/%s", name);
	i->dev = 5;
	i->rdev = (major << 8) | minor;
	i->fops = ops;
}

void dev_init(void)
{
	struct inode *dev;
	if (vfs_lookup(root_inode, "/dev", true, &dev))
		panic("no /dev");
	add_dev(dev, "null", 0666, 1, 3, &null_fops);
	add_dev(dev, "zero", 0666, 1, 5, &zero_fops);
	add_dev(dev, "full", 0666, 1, 7, &full_fops);
	add_dev(dev, "console", 0600, 5, 1, &console_fops);
	add_dev(dev, "tty", 0666, 5, 0, &console_fops);
}
