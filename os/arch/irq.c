/* The legacy interrupt hardware: two 8259 PICs remapped to vectors 32-47,
 * and the 8254 PIT driving the scheduler tick at HZ. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/percpu.h>
#include <ringside/time.h>
#include <asm/irq.h>
#include <asm/x86.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI   0x20

#define PIT_CH0   0x40
#define PIT_CMD   0x43
#define PIT_HZ    1193182
#define PIT_DIVISOR ((PIT_HZ + HZ / 2) / HZ)

static void pic_init(void)
{
	outb(PIC1_CMD, 0x11);           /* ICW1: edge triggered, cascade, ICW4 */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, IRQ_BASE);      /* ICW2: vector offsets */
	outb(PIC2_DATA, IRQ_BASE + 8);
	outb(PIC1_DATA, 4);             /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);             /* ICW4: 8086 mode */
	outb(PIC2_DATA, 1);
	/* Unmask the timer, the cascade and COM1 only. */
	outb(PIC1_DATA, (u8)~((1 << IRQ_TIMER) | (1 << 2) | (1 << IRQ_COM1)));
	outb(PIC2_DATA, 0xff);
}

static void pit_init(void)
{
	outb(PIT_CMD, 0x34);            /* channel 0, lobyte/hibyte, rate generator */
	outb(PIT_CH0, PIT_DIVISOR & 0xff);
	outb(PIT_CH0, PIT_DIVISOR >> 8);
}

/* Nanoseconds into the current tick, from the PIT's down-counter. */
unsigned long pit_ns_into_tick(void)
{
	outb(PIT_CMD, 0x00);            /* latch channel 0 */
	unsigned lo = inb(PIT_CH0);
	unsigned hi = inb(PIT_CH0);
	unsigned count = (hi << 8) | lo;
	if (count > PIT_DIVISOR)
		count = PIT_DIVISOR;
	return (unsigned long)(PIT_DIVISOR - count) * 1000000000UL / PIT_HZ;
}

/* True when a timer interrupt is waiting: the tick count is one behind. */
bool pit_tick_pending(void)
{
	outb(PIC1_CMD, 0x0a);           /* read IRR */
	return inb(PIC1_CMD) & (1 << IRQ_TIMER);
}

void irq_init(void)
{
	pic_init();
	pit_init();
}

void do_irq(struct pt_regs *regs, unsigned irq)
{
	cpu_data.stats.interrupts++;
	if (irq == IRQ_TIMER) {
		outb(PIC1_CMD, PIC_EOI);
		cpu_data.stats.ticks++;
		scheduler_tick(user_mode(regs));
		return;
	}
	if (irq == IRQ_COM1)
		serial_interrupt();
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
