/* The character devices under /dev: null (1,3), zero (1,5), full (1,7) and
 * console (5,1), a serial terminal (Linux's drivers/char/mem.c and
 * drivers/tty/, reduced). The console's line discipline lives in
 * kernel/console.c; here are its file operations and the terminal ioctls a
 * C library and a shell use (TCGETS, TCSETS*, TCXONC, TCFLSH, TIOCGWINSZ,
 * TIOCSWINSZ, TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID,
 * FIONREAD), with Linux's numbers and struct layouts, and the job-control
 * checks of a controlling terminal (SIGTTIN, SIGTTOU). Anything else on a terminal is ENOTTY, as on Linux. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/console.h>
#include <asm/x86.h>
#include <ringside/fs.h>
#include <ringside/signal.h>

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

#define TOSTOP 0x100

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

static bool sig_is_ignored(int sig)
{
	return (current->blocked & sigmask(sig)) || current->sighand[sig - 1].handler == SIG_IGN;
}

/* Linux 4.3's tty_check_change (sig SIGTTOU) and n_tty_read's job_control
 * (SIGTTIN): a member of a background group of the terminal's session that
 * changes the terminal's modes (or writes under TOSTOP) or reads from it
 * gets the signal, sent to its whole group, and the call restarts once it
 * is continued. If the signal is ignored or blocked, SIGTTOU lets the call
 * go on and SIGTTIN fails it with EIO; an orphaned group gets EIO. Unlike
 * Linux, the check applies through /dev/console too: it is Ringside's only
 * terminal (Linux exempts /dev/console, its redirection to a real tty). */
static long tty_check_change(int sig)
{
	struct task_struct *me = current;
	if (!me->has_tty || !tty_pgrp || me->pgid == tty_pgrp)
		return 0;
	if (sig_is_ignored(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(me->pgid, NULL))
		return -EIO;
	kill_pgrp_priv(me->pgid, sig);
	return -ERESTARTSYS;
}

static long console_read(struct file *f, char *ubuf, size_t n, u64 *pos)
{
	char kbuf[256];
	(void)pos;
	long err = tty_check_change(SIGTTIN);
	if (err)
		return err;
	if (!n)
		return 0;
	if (!access_ok(ubuf, n))
		return -EFAULT;
	long got = tty_read(kbuf, min(n, sizeof(kbuf)), f->flags & O_NONBLOCK);
	if (got > 0 && copy_to_user(ubuf, kbuf, got))
		return -EFAULT;
	return got == -EINTR ? -ERESTARTSYS : got;
}

/* Wait while VSTOP (or TCOOFF) holds output back, as n_tty_write does: 0
 * once output may go, -EAGAIN for O_NONBLOCK, -ERESTARTSYS for a signal. */
static long tty_wait_output(bool nonblock)
{
	local_irq_disable();
	while (tty_output_stopped()) {
		if (nonblock || signal_pending(current)) {
			local_irq_enable();
			return nonblock ? -EAGAIN : -ERESTARTSYS;
		}
		current->state = TASK_INTERRUPTIBLE;
		current->wait_channel = tty_write_channel();
		schedule();
		local_irq_disable();
	}
	local_irq_enable();
	return 0;
}

static long console_write_op(struct file *f, const char *ubuf, size_t n, u64 *pos)
{
	char chunk[256];
	size_t done = 0;
	(void)pos;
	if (console_termios.c_lflag & TOSTOP) {
		long err = tty_check_change(SIGTTOU);
		if (err)
			return err;
	}
	if (!access_ok(ubuf, n))
		return -EFAULT;
	while (done < n) {
		size_t k = min(n - done, sizeof(chunk));
		if (copy_from_user(chunk, ubuf + done, k))
			return done ? (long)done : -EFAULT;
		long err = tty_wait_output(f->flags & O_NONBLOCK);
		if (err)
			return done ? (long)done : err;
		tty_write(chunk, k);
		done += k;
	}
	return done;
}

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TCXONC     0x540A
#define TCFLSH     0x540B
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define TIOCNOTTY  0x5422
#define TIOCGSID   0x5429

static u16 console_winsize[4];        /* rows, cols, xpixel, ypixel: 0 on a serial line */

/* find_vpid and session_of_pgrp: is n in use as a pid or a process group
 * (zombies included), and the session of that group (or process); 0 if
 * none. */
static pid_t session_of_pgrp(pid_t n, bool *exists)
{
	struct task_struct *t;
	pid_t by_pid = 0;
	*exists = false;
	list_for_each_entry(t, &task_list, tasks) {
		if (!t->pid || t->state == EXIT_DEAD)
			continue;
		if (t->pgid == n) {
			*exists = true;
			return t->sid;
		}
		if (t->pid == n || t->sid == n) {
			*exists = true;
			if (t->pid == n)
				by_pid = t->sid;
		}
	}
	return by_pid;
}

/* TIOCSCTTY as Linux 4.3's tiocsctty: a session leader without a
 * controlling terminal takes this one, if no session has it (or arg is 1:
 * steal it; everyone is root here); its group becomes the foreground. */
static long tiocsctty(struct file *f, unsigned long arg)
{
	struct task_struct *me = current, *t;
	bool leader = me->sid == me->pid;
	if (leader && tty_session == me->sid)
		return 0;
	if (!leader || me->has_tty)
		return -EPERM;
	if (tty_session) {
		if (arg != 1)
			return -EPERM;
		list_for_each_entry(t, &task_list, tasks)
			if (t->sid == tty_session)
				t->has_tty = false;
	}
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EPERM;
	tty_session = me->sid;
	tty_pgrp = me->pgid;
	me->has_tty = true;
	return 0;
}

/* TIOCNOTTY (Linux's no_tty): give up the controlling terminal; a session
 * leader's foreground group gets SIGHUP and SIGCONT and the whole session
 * loses it. */
static long tiocnotty(void)
{
	struct task_struct *me = current, *t;
	if (!me->has_tty)
		return -ENOTTY;
	if (me->sid == me->pid) {
		if (tty_pgrp) {
			kill_pgrp_priv(tty_pgrp, SIGHUP);
			kill_pgrp_priv(tty_pgrp, SIGCONT);
		}
		list_for_each_entry(t, &task_list, tasks)
			if (t->sid == me->sid)
				t->has_tty = false;
		tty_session = tty_pgrp = 0;
	}
	me->has_tty = false;
	return 0;
}

/* TIOCSPGRP as Linux 4.3's tiocspgrp: only from the terminal's own
 * session (ENOTTY otherwise, or when a background caller's group is
 * orphaned), a background caller first gets SIGTTOU unless it ignores or
 * blocks it; the group must exist (ESRCH) and be in the caller's session
 * (EPERM). */
static long tiocspgrp(const int *uarg)
{
	struct task_struct *me = current;
	int pgrp;
	long err = tty_check_change(SIGTTOU);
	if (err == -EIO)
		return -ENOTTY;
	if (err)
		return err;
	if (!me->has_tty || tty_session != me->sid)
		return -ENOTTY;
	if (get_user(pgrp, uarg))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	bool exists;
	pid_t sid = session_of_pgrp(pgrp, &exists);
	if (!exists)
		return -ESRCH;
	if (sid != me->sid)
		return -EPERM;
	tty_pgrp = pgrp;
	return 0;
}

static long console_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	long err;
	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &console_termios, sizeof(console_termios));
	case TCSETS:
	case TCSETSW:
	case TCSETSF: {
		struct kernel_termios t;
		if ((err = tty_check_change(SIGTTOU)))
			return err;
		if (copy_from_user(&t, (const void *)arg, sizeof(t)))
			return -EFAULT;
		console_termios = t;     /* reported by TCGETS as set */
		tty_set_termios(t.c_iflag, t.c_oflag, t.c_lflag, t.c_cc, cmd == TCSETSF);
		return 0;
	}
	case TCXONC:
		if ((err = tty_check_change(SIGTTOU)))
			return err;
		if (arg > 3)
			return -EINVAL;
		tty_flow((int)arg);
		return 0;
	case TCFLSH:
		if ((err = tty_check_change(SIGTTOU)))
			return err;
		if (arg > 2)
			return -EINVAL;
		if (arg != 1)            /* TCIFLUSH, TCIOFLUSH; output is never queued */
			tty_flush_input();
		return 0;
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, console_winsize, sizeof(console_winsize));
	case TIOCSWINSZ:
		return copy_from_user(console_winsize, (const void *)arg, sizeof(console_winsize));
	case TIOCSCTTY:
		return tiocsctty(f, arg);
	case TIOCNOTTY:
		return tiocnotty();
	case TIOCGPGRP:
		if (!current->has_tty)
			return -ENOTTY;
		return put_user(tty_pgrp, (int *)arg);
	case TIOCSPGRP:
		return tiocspgrp((const int *)arg);
	case TIOCGSID:
		if (!current->has_tty || !tty_session)
			return -ENOTTY;
		return put_user(tty_session, (int *)arg);
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
