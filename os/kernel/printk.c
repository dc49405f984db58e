/* printk and panic. Messages go straight to the serial console; "quiet" on
 * the command line keeps KERN_INFO messages off it (tests read the console
 * and want only their own output). */
#include <ringside/console.h>
#include <ringside/kernel.h>
#include <ringside/exitcode.h>
#include <asm/x86.h>

bool console_quiet;
int warnings_expected;

/* "WARNING", or "expected warning" while a test expects one (kernel.h). */
const char *warning_word(void)
{
	if (warnings_expected > 0) {
		warnings_expected--;
		return "expected warning";
	}
	return "WARNING";
}

int printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int level = 4;
	if (fmt[0] == '\001' && fmt[1]) {
		level = fmt[1] - '0';
		fmt += 2;
	}
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (console_quiet && level > 4)
		return n;
	console_write(buf, n);
	return n;
}

void __noreturn panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	local_irq_disable();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(KERN_ERR "Kernel panic - not syncing: %s\n", buf);
	printk("Call trace:\n");
	dump_backtrace((unsigned long)__builtin_frame_address(0));
	/* Tell the host: QEMU exits and the launcher reports a panic. */
	serial_drain();
	outl(DEBUG_EXIT_PORT, EXITCODE_PANIC);
	for (;;)
		halt();
}
