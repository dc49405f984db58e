/* hello32: a static i386 program (gcc -m32 -static -nostdlib) that prints
 * what it sees of its 32-bit world, every syscall through int $0x80:
 *   - its code segment (__USER32_CS, 0x23: compatibility mode) and its data
 *     segments (__USER_DS, 0x2b, as Linux 4.3's compat_start_thread loads them:
 *     compatibility mode addresses memory through ds and es);
 *   - its pid (i386 getpid is 20);
 *   - argc and argv, read from the initial stack in 4-byte words;
 *   - AT_PHENT and AT_PAGESZ from the auxiliary vector (32 for an ELF32
 *     program header; a 64-bit layout would misplace both).
 * Then exit_group(0). No libc: nothing but int $0x80 runs. */
typedef unsigned int u32;

static long int80(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

static void out(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	int80(4, 1, (long)s, n);                 /* write(1, s, n) */
}

static void out_num(u32 v, int base)
{
	char buf[16], *p = buf + sizeof buf - 1;
	*p = 0;
	do {
		*--p = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		out("0x");
	out(p);
}

void main32(u32 *sp) __attribute__((used, noreturn));
void main32(u32 *sp)
{
	unsigned short cs, ds, es;
	__asm__("movw %%cs, %0" : "=r"(cs));
	__asm__("movw %%ds, %0" : "=r"(ds));
	__asm__("movw %%es, %0" : "=r"(es));
	out("hello32: cs=");
	out_num(cs, 16);
	out(" ds=");
	out_num(ds, 16);
	out(" es=");
	out_num(es, 16);
	out("\nhello32: getpid=");
	out_num((u32)int80(20, 0, 0, 0), 10);
	u32 argc = sp[0];
	char **argv = (char **)(sp + 1);
	out("\nhello32: argc=");
	out_num(argc, 10);
	for (u32 i = 1; i < argc; i++) {
		out(" ");
		out(argv[i]);
	}
	u32 *p = sp + 1 + argc + 1;              /* past argv and its NULL */
	while (*p)                               /* past envp */
		p++;
	u32 phent = 0, pagesz = 0;
	for (p++; p[0]; p += 2) {
		if (p[0] == 4)
			phent = p[1];
		else if (p[0] == 6)
			pagesz = p[1];
	}
	out("\nhello32: AT_PHENT=");
	out_num(phent, 10);
	out(" AT_PAGESZ=");
	out_num(pagesz, 10);
	out("\n");
	int80(252, 0, 0, 0);                     /* exit_group(0) */
	for (;;)
		;
}

/* The kernel enters with esp at argc. */
__asm__(".globl _start\n"
	"_start:\n\t"
	"pushl %esp\n\t"
	"call main32\n");
