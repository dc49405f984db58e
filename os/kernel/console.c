/* The console: COM1 (a 16550 UART) for kernel messages and for the user's
 * terminal. Output is polled; input arrives by interrupt and goes through a
 * small line discipline, a reduced Linux n_tty driven by the termios that
 * TCSETS sets (os/fs/dev.c): in canonical mode (ICANON) read() returns
 * whole lines, edited with VERASE, VKILL and VEOF (end of file), and with
 * IEXTEN VWERASE, VLNEXT and VREPRINT, as Linux 4.3's eraser() and
 * n_tty_receive_char_special (ECHOK and ECHOKE decide VKILL's echo); without
 * ICANON every byte is readable at once and VMIN/VTIME decide when read()
 * returns. ECHO (ECHOCTL's ^X, ECHOE for erasing, ECHONL), ICRNL, IGNCR and
 * INLCR apply. ISIG: VINTR, VQUIT and VSUSP send SIGINT, SIGQUIT, SIGTSTP to
 * the foreground process group and flush (unless NOFLSH). IXON: VSTOP
 * stops output, VSTART (or any byte, with IXANY) restarts it. Output that
 * programs write and the echo go through OPOST's ONLCR, OCRNL, ONOCR,
 * ONLRET, OLCUC and XTABS, as n_tty's do_output_char does; printk's output
 * goes out as it is. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/signal.h>
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

/* Before QEMU is told to exit: wait until the UART has sent everything
 * (LSR bit 6, transmitter empty). serial_putc only waits for room in the
 * 16-byte FIFO, and while the host is slow to read the serial line QEMU
 * holds the bytes there; exiting then lost a program's last line. Bounded,
 * so a host that never reads cannot keep the machine from stopping. */
void serial_drain(void)
{
	for (unsigned long i = 0; i < (1UL << 26) && !(inb(COM1 + 5) & 0x40); i++)
		cpu_relax();
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
static bool ready_eol[TTY_BUF];         /* a canonical read ends after this byte */
static size_t ready_head, ready_tail;   /* ring buffer */
static int eof_pending;
static int tty_wait;                    /* sleepers wait on this address */
static int tty_write_wait;              /* writers wait here while output is stopped */

/* The session the console is the controlling terminal of, and its
 * foreground process group (0: none). init gets it at boot. */
pid_t tty_session = 1, tty_pgrp = 1;

/* The termios bits the line discipline obeys (Linux's values), and its
 * state at boot: a serial console's (os/fs/dev.c reports the whole set). */
#define IGNCR   0x080
#define INLCR   0x040
#define ICRNL   0x100
#define IXON    0x400
#define IXANY   0x800
#define OPOST   0x001
#define OLCUC   0x002
#define ONLCR   0x004
#define OCRNL   0x008
#define ONOCR   0x010
#define ONLRET  0x020
#define TABDLY  0x1800
#define XTABS   0x1800
#define ISIG    0x001
#define ICANON  0x002
#define ECHO    0x008
#define ECHOE   0x010
#define ECHOK   0x020
#define ECHONL  0x040
#define NOFLSH  0x080
#define ECHOCTL 0x200
#define ECHOKE  0x800
#define IEXTEN  0x8000
#define VINTR   0
#define VQUIT   1
#define VERASE  2
#define VKILL   3
#define VEOF    4
#define VTIME   5
#define VMIN    6
#define VSTART  8
#define VSTOP   9
#define VSUSP   10
#define VEOL    11
#define VREPRINT 12
#define VWERASE 14
#define VLNEXT  15
static u32 tty_iflag = ICRNL | IXON, tty_oflag = OPOST | ONLCR;
static u32 tty_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
static u8 tty_cc[19] = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 };

/* Output flow control: stopped by VSTOP (IXON), flow_stopped by
 * TCXONC's TCOOFF; as Linux's tty->stopped and tty->flow_stopped. */
static bool tty_stopped, tty_flow_stopped;
static unsigned column;                 /* for ONOCR and XTABS */
static unsigned canon_column;           /* where the line's echo began (erasing a tab) */
static bool lnext;                      /* VLNEXT came: the next byte is literal */
static char echo_held[256];             /* echoes made while output is stopped */
static size_t echo_held_len;

/* Is c the control character cc[i]? A 0 (_POSIX_VDISABLE) matches nothing. */
static bool is_cc(char c, int i)
{
	return tty_cc[i] && c == (char)tty_cc[i];
}

static bool is_cntrl(unsigned char c)
{
	return c < 32 || c == 127;
}

/* One byte out, with OPOST's processing (n_tty's do_output_char). */
static void out_char(char c)
{
	if (!(tty_oflag & OPOST)) {
		serial_putc(c);
		return;
	}
	switch (c) {
	case '\n':
		if (tty_oflag & ONLRET)
			column = 0;
		if (tty_oflag & ONLCR) {
			column = 0;
			serial_putc('\r');
		}
		canon_column = column;
		break;
	case '\r':
		if ((tty_oflag & ONOCR) && column == 0)
			return;
		if (tty_oflag & OCRNL) {
			c = '\n';
			if (tty_oflag & ONLRET)
				canon_column = column = 0;
			break;
		}
		canon_column = column = 0;
		break;
	case '\t': {
		unsigned spaces = 8 - (column & 7);
		column += spaces;
		if ((tty_oflag & TABDLY) == XTABS) {
			while (spaces--)
				serial_putc(' ');
			return;
		}
		break;
	}
	case '\b':
		if (column > 0)
			column--;
		break;
	default:
		if (!is_cntrl(c)) {
			if ((tty_oflag & OLCUC) && c >= 'a' && c <= 'z')
				c -= 'a' - 'A';
			if (((unsigned char)c & 0xc0) != 0x80)   /* a UTF-8 continuation takes no column */
				column++;
		}
		break;
	}
	serial_putc(c);
}

/* What a program writes: through OPOST, once output is not stopped (the
 * caller, os/fs/dev.c, waits for that). */
void tty_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_char(s[i]);
}

bool tty_output_stopped(void)
{
	return tty_stopped;
}

void *tty_write_channel(void)
{
	return &tty_write_wait;
}

/* An echo: "^X" for a control character under ECHOCTL (not tab), the
 * byte itself otherwise (raw: always the byte, as n_tty's echo_char_raw);
 * held while output is stopped. */
static void echo_hold(char c)
{
	if (echo_held_len < sizeof(echo_held))
		echo_held[echo_held_len++] = c;
}

static void echo_out(char c, bool raw)
{
	bool ctl = !raw && (tty_lflag & ECHOCTL) && is_cntrl(c) && c != '\t';
	if (tty_stopped) {
		if (ctl) {
			echo_hold('^');
			c ^= 0100;
		}
		echo_hold(c);
		return;
	}
	if (ctl) {
		serial_putc('^');
		serial_putc(c ^ 0100);
		column += 2;
		return;
	}
	out_char(c);
}

/* The echo of a byte that goes into the line: the column where the line
 * began is noted at its first byte (n_tty's echo_set_canon_col). */
static void echo_line_char(char c)
{
	if (!line_len && !tty_stopped)
		canon_column = column;
	echo_out(c, c == '\n');
}

static void echo(char c)
{
	if (tty_lflag & ECHO)
		echo_line_char(c);
}

static void echo_rubout(void)
{
	echo_out('\b', true);
	echo_out(' ', true);
	echo_out('\b', true);
}

/* Erasing a tab: back to where it began, counting the columns of what
 * was typed since the previous tab or, with none, since the line began
 * at canon_column (n_tty's echo_erase_tab). Backspaces go out as they
 * are, even without OPOST. */
static void echo_erase_tab(void)
{
	unsigned chars = 0;
	bool after_tab = false;
	for (size_t i = line_len; i-- > 0;) {
		unsigned char b = line[i];
		if (b == '\t') {
			after_tab = true;
			break;
		}
		if (is_cntrl(b)) {
			if (tty_lflag & ECHOCTL)
				chars += 2;
		} else if ((b & 0xc0) != 0x80) {
			chars++;
		}
	}
	if (!after_tab)
		chars += canon_column;
	for (unsigned n = 8 - (chars & 7); n; n--) {
		if (tty_stopped) {
			echo_hold('\b');
			continue;
		}
		serial_putc('\b');
		if (column > 0)
			column--;
	}
}

static bool is_word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* VERASE, VWERASE (IEXTEN) and VKILL in canonical mode, as Linux 4.3's
 * eraser(): VERASE takes one byte back, VWERASE the bytes that are not
 * letters, digits or '_' before the cursor and then the word before them,
 * VKILL the whole line. With ECHOE each byte's echo is rubbed out with
 * "\b \b" (twice for a control byte echoed as ^X, none for one echoed
 * as itself), a tab back to its start; VERASE without ECHOE echoes the
 * VERASE byte; VKILL rubs out byte by byte only with ECHOK, ECHOKE and
 * ECHOE all set, otherwise it echoes the VKILL byte (and a newline with
 * ECHOK). */
static void eraser(char c)
{
	enum { ERASE, WERASE, KILL } kind;
	unsigned seen_word = 0;
	if (!line_len)
		return;
	if (c == (char)tty_cc[VERASE]) {
		kind = ERASE;
	} else if (c == (char)tty_cc[VWERASE]) {
		kind = WERASE;
	} else {
		if (!(tty_lflag & ECHO)) {
			line_len = 0;
			return;
		}
		if ((tty_lflag & (ECHOK | ECHOKE | ECHOE)) != (ECHOK | ECHOKE | ECHOE)) {
			line_len = 0;
			echo_out(c, false);
			if (tty_lflag & ECHOK)
				echo_out('\n', true);
			return;
		}
		kind = KILL;
	}
	while (line_len) {
		unsigned char b = line[line_len - 1];
		if (kind == WERASE) {
			if (is_word_char(b))
				seen_word++;
			else if (seen_word)
				break;
		}
		line_len--;
		if (tty_lflag & ECHO) {
			if (kind == ERASE && !(tty_lflag & ECHOE)) {
				echo_out(c, false);
			} else if (b == '\t') {
				echo_erase_tab();
			} else {
				if (is_cntrl(b) && (tty_lflag & ECHOCTL))
					echo_rubout();
				if (!is_cntrl(b) || (tty_lflag & ECHOCTL))
					echo_rubout();
			}
		}
		if (kind == ERASE)
			break;
	}
}

/* start_tty and stop_tty: output resumes (held echoes first) or stops. */
static void start_tty(void)
{
	if (!tty_stopped || tty_flow_stopped)
		return;
	tty_stopped = false;
	for (size_t i = 0; i < echo_held_len; i++)
		out_char(echo_held[i]);
	echo_held_len = 0;
	wake_up_channel(&tty_write_wait);
}

static void stop_tty(void)
{
	tty_stopped = true;
}

static void ready_push(char c)
{
	size_t next = (ready_tail + 1) % TTY_BUF;
	if (next != ready_head) {
		ready[ready_tail] = c;
		ready_eol[ready_tail] = false;
		ready_tail = next;
	}
}

/* The line being edited becomes readable, as one canonical read's worth
 * (n_tty's read_flags mark its end: a newline typed with VLNEXT before it
 * does not end it). */
static void push_line(void)
{
	for (size_t i = 0; i < line_len; i++)
		ready_push(line[i]);
	if (line_len && ready_tail != ready_head)
		ready_eol[(ready_tail + TTY_BUF - 1) % TTY_BUF] = true;
	line_len = 0;
}

static void flush_input(void)
{
	ready_head = ready_tail = 0;
	line_len = 0;
	eof_pending = 0;
}

/* VINTR, VQUIT, VSUSP under ISIG: signal the foreground group, flush what
 * was typed and the held echoes unless NOFLSH, restart output (IXON), and
 * echo the character (n_tty_receive_signal_char). */
static void signal_char(int sig, char c)
{
	if (tty_pgrp)
		kill_pgrp_priv(tty_pgrp, sig);
	if (!(tty_lflag & NOFLSH)) {
		echo_held_len = 0;
		flush_input();
	}
	if (tty_iflag & IXON)
		start_tty();
	if (tty_lflag & ECHO)
		echo_out(c, false);
	wake_up_channel(&tty_wait);
}

/* The byte after VLNEXT goes into the line as it is, echoed as ^X if it
 * is a control byte (n_tty_receive_char): no signal, no flow control, no
 * ICRNL, no editing, and even a newline does not end the line. */
static void receive_literal(char c)
{
	lnext = false;
	if (tty_stopped && !tty_flow_stopped && (tty_iflag & (IXON | IXANY)) == (IXON | IXANY))
		start_tty();
	if (tty_lflag & ECHO) {
		if (!line_len && !tty_stopped)
			canon_column = column;
		echo_out(c, false);
	}
	if (line_len < TTY_BUF - 1)
		line[line_len++] = c;
}

static void tty_receive(char c)
{
	if (lnext) {
		receive_literal(c);
		return;
	}
	if (tty_iflag & IXON) {
		if (is_cc(c, VSTART)) {
			start_tty();
			return;
		}
		if (is_cc(c, VSTOP)) {
			stop_tty();
			return;
		}
	}
	if (tty_lflag & ISIG) {
		if (is_cc(c, VINTR)) {
			signal_char(SIGINT, c);
			return;
		}
		if (is_cc(c, VQUIT)) {
			signal_char(SIGQUIT, c);
			return;
		}
		if (is_cc(c, VSUSP)) {
			signal_char(SIGTSTP, c);
			return;
		}
	}
	if (tty_stopped && !tty_flow_stopped && (tty_iflag & (IXON | IXANY)) == (IXON | IXANY))
		start_tty();
	if (c == '\r' && (tty_iflag & IGNCR))
		return;
	if (c == '\r' && (tty_iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (tty_iflag & INLCR))
		c = '\r';
	if (!(tty_lflag & ICANON)) {    /* non-canonical: readable at once */
		echo(c);
		ready_push(c);
		wake_up_channel(&tty_wait);
		return;
	}
	if (c == (char)tty_cc[VERASE] || c == (char)tty_cc[VKILL] ||
	    (c == (char)tty_cc[VWERASE] && (tty_lflag & IEXTEN))) {
		eraser(c);
		return;
	}
	if (c == (char)tty_cc[VLNEXT] && (tty_lflag & IEXTEN)) {
		lnext = true;
		if ((tty_lflag & (ECHO | ECHOCTL)) == (ECHO | ECHOCTL)) {
			echo_out('^', true);
			echo_out('\b', true);
		}
		return;
	}
	if (c == (char)tty_cc[VREPRINT] && (tty_lflag & (ECHO | IEXTEN)) == (ECHO | IEXTEN)) {
		echo_out(c, false);     /* ^R, a new line, the line so far */
		echo_out('\n', true);
		for (size_t i = 0; i < line_len; i++)
			echo_out(line[i], false);
		return;
	}
	if (c == (char)tty_cc[VEOF]) {  /* ^D: push the line, or end of file */
		if (!line_len)
			eof_pending = 1;
		push_line();
		wake_up_channel(&tty_wait);
		return;
	}
	bool eol = c == '\n' || (tty_cc[VEOL] && c == (char)tty_cc[VEOL]);
	if (eol || line_len < TTY_BUF - 1) {
		if (c == '\n' && (tty_lflag & (ECHO | ECHONL)) == ECHONL)
			echo_out(c, true);
		echo(c);
		line[line_len++] = c;
	}
	if (eol) {
		push_line();
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
 * (TCSETSF) drops all unread input first. Clearing IXON restarts output
 * that VSTOP had stopped. */
void tty_set_termios(u32 iflag, u32 oflag, u32 lflag, const u8 cc[19], bool flush)
{
	unsigned long flags = local_irq_save();
	if (flush)
		flush_input();
	if ((tty_lflag & ICANON) && !(lflag & ICANON)) {
		for (size_t i = 0; i < line_len; i++)
			ready_push(line[i]);
		line_len = 0;
	}
	if ((tty_lflag ^ lflag) & ICANON) {     /* as n_tty_set_termios */
		lnext = false;
		memset(ready_eol, 0, sizeof(ready_eol));
		if ((lflag & ICANON) && ready_tail != ready_head)
			ready_eol[(ready_tail + TTY_BUF - 1) % TTY_BUF] = true;
	}
	bool had_ixon = tty_iflag & IXON;
	tty_iflag = iflag;
	tty_oflag = oflag;
	tty_lflag = lflag;
	memcpy(tty_cc, cc, sizeof(tty_cc));
	if (had_ixon && !(iflag & IXON) && !tty_flow_stopped)
		start_tty();
	local_irq_restore(flags);
	wake_up_channel(&tty_wait);
}

/* TCFLSH: TCIFLUSH (0) drops unread input; output is never queued. */
void tty_flush_input(void)
{
	unsigned long flags = local_irq_save();
	flush_input();
	local_irq_restore(flags);
}

/* TCXONC: TCOOFF (0) and TCOON (1) stop and restart output; TCIOFF (2)
 * and TCION (3) send VSTOP and VSTART to the other end. */
void tty_flow(int action)
{
	unsigned long flags = local_irq_save();
	switch (action) {
	case 0:
		if (!tty_flow_stopped) {
			tty_flow_stopped = true;
			stop_tty();
		}
		break;
	case 1:
		if (tty_flow_stopped) {
			tty_flow_stopped = false;
			start_tty();
		}
		break;
	case 2:
		if (tty_cc[VSTOP])
			serial_putc(tty_cc[VSTOP]);
		break;
	case 3:
		if (tty_cc[VSTART])
			serial_putc(tty_cc[VSTART]);
		break;
	}
	local_irq_restore(flags);
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
		bool end = ready_eol[ready_head];
		kbuf[got++] = ready[ready_head];
		ready_eol[ready_head] = false;
		ready_head = (ready_head + 1) % TTY_BUF;
		if (end)
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
