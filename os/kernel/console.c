/* The console: COM1 (a 16550 UART) for kernel messages and for the user's
 * terminal. Output is polled; input arrives by interrupt and goes through a
 * small line discipline, a reduced Linux n_tty driven by the termios that
 * TCSETS sets (os/fs/dev.c): in canonical mode (ICANON) read() returns
 * whole lines, edited with VERASE, VKILL and VEOF (end of file); without
 * ICANON every byte is readable at once and VMIN/VTIME decide when read()
 * returns. ECHO (ECHOE for erasing, ECHONL) and ICRNL, IGNCR, INLCR apply.
 * ISIG is kept but not acted on: ^C is an ordinary byte. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/console.h>
#include <asm/irq.h>
#include <asm/x86.h>

#define COM1 0x3f8

void serial_init(void)
{
	outb(COM1 + 1, 0x00);   /* no interrupts while configuring */
	outb(COM1 + 3, 0x80);   /* DLAB on */
	outb(COM1 + 0, 0x01);   /* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);   /* 8N1 */
	outb(COM1 + 2, 0xc7);   /* FIFO on, cleared */
	outb(COM1 + 4, 0x0b);   /* DTR, RTS, OUT2 (routes the IRQ) */
	outb(COM1 + 1, 0x01);   /* interrupt on received data */
}

static void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		cpu_relax();
	outb(COM1, c);
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}

/* Input: the line being edited, and completed bytes ready for read(). */
#define TTY_BUF 1024
static char line[TTY_BUF];
static size_t line_len;
static char ready[TTY_BUF];
static size_t ready_head, ready_tail;   /* ring buffer */
static int eof_pending;
static int tty_wait;                    /* sleepers wait on this address */

/* The termios bits the line discipline obeys (Linux's values), and its
 * state at boot: a serial console's (os/fs/dev.c reports the whole set). */
#define INLCR   0x040
#define IGNCR   0x080
#define ICRNL   0x100
#define ICANON  0x002
#define ECHO    0x008
#define ECHOE   0x010
#define ECHONL  0x040
#define VERASE  2
#define VKILL   3
#define VEOF    4
#define VTIME   5
#define VMIN    6
#define VEOL    11
static u32 tty_iflag = ICRNL, tty_lflag = ICANON | ECHO | ECHOE;
static u8 tty_cc[19] = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 };

static void ready_push(char c)
{
	size_t next = (ready_tail + 1) % TTY_BUF;
	if (next != ready_head) {
		ready[ready_tail] = c;
		ready_tail = next;
	}
}

static void echo(const char *s, size_t n)
{
	if (tty_lflag & ECHO)
		console_write(s, n);
}

static void echo_erase(void)
{
	if ((tty_lflag & (ECHO | ECHOE)) == (ECHO | ECHOE))
		console_write("\b \b", 3);
}

static void tty_receive(char c)
{
	if (c == '\r' && (tty_iflag & IGNCR))
		return;
	if (c == '\r' && (tty_iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (tty_iflag & INLCR))
		c = '\r';
	if (!(tty_lflag & ICANON)) {    /* non-canonical: readable at once */
		echo(&c, 1);
		ready_push(c);
		wake_up_channel(&tty_wait);
		return;
	}
	if (c == (char)tty_cc[VERASE] || c == '\b') {
		if (line_len) {
			line_len--;
			echo_erase();
		}
		return;
	}
	if (c == (char)tty_cc[VKILL]) { /* ^U: kill the line */
		while (line_len) {
			line_len--;
			echo_erase();
		}
		return;
	}
	if (c == (char)tty_cc[VEOF]) {  /* ^D: push the line, or end of file */
		for (size_t i = 0; i < line_len; i++)
			ready_push(line[i]);
		if (!line_len)
			eof_pending = 1;
		line_len = 0;
		wake_up_channel(&tty_wait);
		return;
	}
	bool eol = c == '\n' || (tty_cc[VEOL] && c == (char)tty_cc[VEOL]);
	if (eol || line_len < TTY_BUF - 1) {
		if (c == '\n' && (tty_lflag & (ECHO | ECHONL)) == ECHONL)
			console_write(&c, 1);
		echo(&c, 1);
		line[line_len++] = c;
	}
	if (eol) {
		for (size_t i = 0; i < line_len; i++)
			ready_push(line[i]);
		line_len = 0;
		wake_up_channel(&tty_wait);
	}
}

void serial_interrupt(void)
{
	while (inb(COM1 + 5) & 0x01)
		tty_receive(inb(COM1));
}

/* TCSETS*: the new modes take effect at once. Leaving canonical mode makes
 * the line being edited readable, as n_tty_set_termios does; flush
 * (TCSETSF) drops all unread input first. */
void tty_set_termios(u32 iflag, u32 lflag, const u8 cc[19], bool flush)
{
	unsigned long flags = local_irq_save();
	if (flush) {
		ready_head = ready_tail = 0;
		line_len = 0;
		eof_pending = 0;
	}
	if ((tty_lflag & ICANON) && !(lflag & ICANON)) {
		for (size_t i = 0; i < line_len; i++)
			ready_push(line[i]);
		line_len = 0;
	}
	tty_iflag = iflag;
	tty_lflag = lflag;
	memcpy(tty_cc, cc, sizeof(tty_cc));
	local_irq_restore(flags);
	wake_up_channel(&tty_wait);
}

/* Sleep until input, a signal or the tick deadline (0: none). Called and
 * returns with IRQs off. */
static void tty_sleep(unsigned long deadline)
{
	current->wake_at = deadline;
	current->state = TASK_INTERRUPTIBLE;
	current->wait_channel = &tty_wait;
	schedule();
	local_irq_disable();
	current->wake_at = 0;
}

/* Non-canonical read, as Linux's n_tty_read: with VMIN > 0, wait for VMIN
 * bytes (or n, if fewer), and with VTIME > 0 as well, stop when VTIME
 * tenths of a second pass after a byte with no other; with VMIN 0, return
 * what there is, waiting up to VTIME for the first byte (not at all when
 * VTIME is 0: then 0, even without O_NONBLOCK). */
static long tty_read_raw(char *kbuf, size_t n, bool nonblock)
{
	size_t minimum = tty_cc[VMIN], got = 0;
	unsigned long time = tty_cc[VTIME] * (HZ / 10), timeout;   /* ticks; ~0: no limit */
	long ret = 0;
	if (minimum) {
		timeout = ~0UL;
	} else {
		timeout = time;
		minimum = 1;
		time = 0;
	}
	unsigned long deadline = timeout == ~0UL || !timeout ? 0 : jiffies + timeout;
	local_irq_disable();
	while (got < n) {
		if (ready_head == ready_tail) {
			if (!timeout)
				break;
			if (nonblock) {
				ret = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				ret = -EINTR;
				break;
			}
			tty_sleep(deadline);
			if (deadline && jiffies >= deadline && ready_head == ready_tail)
				timeout = 0;
			continue;
		}
		while (got < n && ready_head != ready_tail) {
			kbuf[got++] = ready[ready_head];
			ready_head = (ready_head + 1) % TTY_BUF;
		}
		if (got >= minimum)
			break;
		if (time) {             /* the timer restarts with each byte */
			timeout = time;
			deadline = jiffies + time;
		}
	}
	local_irq_enable();
	return got ? (long)got : ret;
}

/* Wait for a line (or ^D) and copy up to n bytes of it into kbuf. Returns
 * the count, 0 at end of file, -EINTR if a signal arrived, or -EAGAIN if
 * nothing is ready and nonblock. Without ICANON: tty_read_raw. */
long tty_read(char *kbuf, size_t n, bool nonblock)
{
	if (!(tty_lflag & ICANON))
		return tty_read_raw(kbuf, n, nonblock);
	local_irq_disable();
	while (ready_head == ready_tail && !eof_pending) {
		if (nonblock) {
			local_irq_enable();
			return -EAGAIN;
		}
		if (signal_pending(current)) {
			local_irq_enable();
			return -EINTR;
		}
		current->state = TASK_INTERRUPTIBLE;
		current->wait_channel = &tty_wait;
		schedule();
		local_irq_disable();
	}
	size_t got = 0;
	while (got < n && ready_head != ready_tail) {
		char c = ready[ready_head];
		ready_head = (ready_head + 1) % TTY_BUF;
		kbuf[got++] = c;
		if (c == '\n')
			break;
	}
	if (!got && eof_pending)
		eof_pending = 0;
	local_irq_enable();
	return got;
}

/* Bytes read() could return now (FIONREAD). */
size_t tty_chars_ready(void)
{
	return (ready_tail + TTY_BUF - ready_head) % TTY_BUF;
}
