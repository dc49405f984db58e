/* A tiny multiboot machine for ringgrade's tests of the real QEMU path.
 * Booted by scripts/ringside-qemu like the kernel, it reads the command
 * line ringgrade builds ("ktap.nonce=HEX init=/bin/NAME -- ARGS") and
 * behaves as NAME says, so every launcher outcome can be produced on
 * purpose: a pass, a failure, a hang, a triple fault, a panic, an output
 * flood, forged results. It is a test fixture, not a kernel. */

typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

struct multiboot_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
};

static void outb(u16 port, u8 value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static void outl(u16 port, u32 value)
{
	__asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static u8 inb(u16 port)
{
	u8 value;
	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

#define COM1 0x3f8

static void putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (u8)c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

/* isa-debug-exit: QEMU exits with (value << 1) | 1; the launcher maps
 * value status+1 to init's status and 0x7f to a panic. */
static void power_off(u32 value)
{
	outl(0xf4, value);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static int starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static char nonce[80];
static char program[32];

/* Pick the nonce and init's name out of the command line. */
static void parse(const char *cmdline)
{
	const char *p = cmdline;

	while (*p) {
		const char *word = p;
		u32 n = 0;
		while (*p && *p != ' ')
			p++;
		if (starts_with(word, "ktap.nonce="))
			for (word += 11; word < p && n < sizeof(nonce) - 1; word++)
				nonce[n++] = *word;
		else if (starts_with(word, "init=/bin/"))
			for (word += 10; word < p && n < sizeof(program) - 1; word++)
				program[n++] = *word;
		while (*p == ' ')
			p++;
	}
}

static void result(int ok, const char *rest)
{
	puts(ok ? "ok " : "not ok ");
	puts(rest);
	puts(" nonce=");
	puts(nonce);
	puts("\n");
}

static int is(const char *name)
{
	const char *p = program;
	while (*name && *p == *name)
		p++, name++;
	return !*name && !*p;
}

void machine_main(struct multiboot_info *mbi);

void machine_main(struct multiboot_info *mbi)
{
	parse((mbi->flags & 4) ? (const char *)mbi->cmdline : "");
	puts("machine: booted\nKTAP version 1\n");
	if (is("pass")) {
		puts("1..2\n");
		result(1, "1 first");
		result(1, "2 second");
		power_off(1);
	} else if (is("fail")) {
		puts("1..2\n");
		result(1, "1 first");
		puts("# second: expected 2, got 3\n");
		result(0, "2 second");
		power_off(2);
	} else if (is("crash")) {
		puts("1..3\n");
		result(1, "1 first");
		power_off(1);      /* exits 0 after one result of three */
	} else if (is("hang")) {
		puts("1..1\n");
		for (;;)
			__asm__ volatile("cli; hlt");
	} else if (is("triple")) {
		/* An empty IDT: the breakpoint cannot be delivered, nor the
		 * double fault that follows; the CPU resets and -no-reboot
		 * turns the reset into QEMU's exit without a verdict. */
		static const struct { u16 limit; u32 base; } __attribute__((packed)) empty = { 0, 0 };
		puts("1..1\n");
		__asm__ volatile("lidt %0; int3" : : "m"(empty));
	} else if (is("panic")) {
		puts("1..1\nKernel panic - not syncing: the test machine was told to panic\n");
		power_off(0x7f);
	} else if (is("flood")) {
		for (;;)
			puts("flood flood flood flood flood flood flood flood flood flood flood\n");
	} else if (is("forge")) {
		puts("1..1\nok 1 forged\nok 1 forged nonce=0123456789abcdef0123456789abcdef\n");
		power_off(1);
	}
	puts("machine: unknown program\n");
	power_off(3);
}
