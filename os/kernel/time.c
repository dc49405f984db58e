/* Clocks: monotonic time is ticks plus the PIT's position inside the current
 * tick (microsecond resolution, no calibration needed); wall-clock time is
 * the CMOS RTC read once at boot plus monotonic time. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/time.h>
#include <asm/x86.h>

static unsigned long boot_epoch_seconds;
static unsigned long last_ns;

unsigned long ktime_get_ns(void)
{
	unsigned long flags = local_irq_save();
	unsigned long ticks = jiffies;
	unsigned long into = pit_ns_into_tick();
	/* The counter wrapped but the tick is not yet counted. */
	if (pit_tick_pending() && into < NSEC_PER_TICK / 2)
		ticks++;
	unsigned long ns = ticks * NSEC_PER_TICK + into;
	if (ns < last_ns)            /* never let monotonic time go back */
		ns = last_ns;
	last_ns = ns;
	local_irq_restore(flags);
	return ns;
}

unsigned long ktime_get_real_seconds_at_boot(void)
{
	return boot_epoch_seconds;
}

static u8 cmos_read(u8 reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(u8 v, bool is_bcd)
{
	return is_bcd ? (v & 15) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static unsigned long days_from_civil(unsigned y, unsigned m, unsigned d)
{
	y -= m <= 2;
	unsigned long era = y / 400;
	unsigned yoe = y - era * 400;
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void time_init(void)
{
	while (cmos_read(0x0a) & 0x80)   /* wait out an update in progress */
		cpu_relax();
	bool is_bcd = !(cmos_read(0x0b) & 0x04);
	unsigned sec = bcd(cmos_read(0x00), is_bcd);
	unsigned min = bcd(cmos_read(0x02), is_bcd);
	unsigned hour = bcd(cmos_read(0x04), is_bcd);
	unsigned day = bcd(cmos_read(0x07), is_bcd);
	unsigned mon = bcd(cmos_read(0x08), is_bcd);
	unsigned year = bcd(cmos_read(0x09), is_bcd) + 2000;
	if (mon < 1 || mon > 12 || day < 1 || day > 31)
		return;
	boot_epoch_seconds = days_from_civil(year, mon, day) * 86400UL +
			     hour * 3600UL + min * 60UL + sec;
}
