/* The console: COM1 (a 16550 UART) for kernel messages and for the user's
 * terminal. Output is polled; input arrives by interrupt and goes through a
 * small line discipline (echo, backspace, ^D for end of file, ^U to kill the
 * line) so that read() returns whole lines, as a Linux tty in canonical mode. */
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

static void ready_push(char c)
{
	size_t next = (ready_tail + 1) % TTY_BUF;
	if (next != ready_head) {
		ready[ready_tail] = c;
		ready_tail = next;
	}
}

static void tty_receive(char c)
{
	if (c == '\r')
		c = '\n';
	if (c == 0x7f || c == '\b') {
		if (line_len) {
			line_len--;
			console_write("\b \b", 3);
		}
		return;
	}
	if (c == 0x15) {                /* ^U: kill the line */
		while (line_len) {
			line_len--;
			console_write("\b \b", 3);
		}
		return;
	}
	if (c == 0x04) {                /* ^D: push the line, or end of file */
		for (size_t i = 0; i < line_len; i++)
			ready_push(line[i]);
		if (!line_len)
			eof_pending = 1;
		line_len = 0;
		wake_up_channel(&tty_wait);
		return;
	}
	if (c == '\n' || line_len < TTY_BUF - 1) {
		console_write(&c, 1);
		line[line_len++] = c;
	}
	if (c == '\n') {
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

/* Wait for a line (or ^D) and copy up to n bytes of it into kbuf. Returns
 * the count, 0 at end of file, -EINTR if a signal arrived, or -EAGAIN if
 * nothing is ready and nonblock. */
long tty_read(char *kbuf, size_t n, bool nonblock)
{
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
