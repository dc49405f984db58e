/* ptrace32: a static i386 tracer (gcc -m32 -static -nostdlib: no libc,
 * every call through int $0x80) of an i386 tracee, its fork. Checks what
 * only a 32-bit (TIF_IA32) tracer sees: PTRACE_GETREGSET's view is the
 * i386 one (Linux 4.3's task_user_regset_view(current)), NT_PRSTATUS 68
 * bytes (user_regs_struct32), NT_PRFPREG 108 (user_i387_ia32_struct),
 * NT_PRXFPREG 512 (FXSAVE), lengths in 4-byte units; and the i386
 * registers of an i386 tracee (its segment registers among them). Prints
 * "label: result" lines like the other linux-abi programs. */
typedef unsigned int u32;

static long sys(long nr, long a, long b, long c, long d)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
	return r;
}

static void out(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	sys(4, 1, (long)s, n, 0);
}

static void out_num(long v)
{
	char buf[16], *p = buf + sizeof buf - 1;
	unsigned long u = v < 0 ? -v : v;
	*p = 0;
	do {
		*--p = "0123456789"[u % 10];
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	out(p);
}

static void R(const char *label, long r)
{
	out(label);
	out(": ");
	if (r < 0 && r > -4096) {
		const char *name = r == -5 ? "EIO" : r == -14 ? "EFAULT" : r == -22 ? "EINVAL" : r == -19 ? "ENODEV" : 0;
		out("-1 ");
		if (name)
			out(name);
		else
			out_num(-r);
	} else {
		out_num(r);
	}
	out("\n");
}

static void Y(const char *label, int cond)
{
	out(label);
	out(cond ? ": yes\n" : ": no\n");
}

static int same(const void *a, const void *b, long n)
{
	const unsigned char *x = a, *y = b;
	for (long i = 0; i < n; i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}

static void fill(void *a, int v, long n)
{
	unsigned char *x = a;
	for (long i = 0; i < n; i++)
		x[i] = (unsigned char)v;
}

enum { NR_exit = 1, NR_fork = 2, NR_waitpid = 7, NR_getpid = 20, NR_ptrace = 26, NR_kill = 37,
       NR_set_thread_area = 243 };
enum { TRACEME = 0, CONT = 7, GETREGS = 12, GETFPREGS = 14, GETFPXREGS = 18, GETREGSET = 0x4204,
       SETREGSET = 0x4205 };
enum { NT_PRSTATUS = 1, NT_PRFPREG = 2, NT_PRXFPREG = 0x46e58445 };

static u32 regs[17], set[130], fp[27], fx[128], iov[2];
static int status;

static long regset(long pid, long type, void *buf, u32 len)
{
	fill(set, 0xaa, sizeof(set));
	iov[0] = (u32)buf;
	iov[1] = len;
	return sys(NR_ptrace, GETREGSET, pid, type, (long)iov);
}

void main32(void)
{
	long pid = sys(NR_fork, 0, 0, 0, 0);
	if (pid == 0) {
		/* A TLS descriptor in gs, as an i386 libc has, for GETREGS to show. */
		static u32 desc[4] = { (u32)-1, 0, 0xfffff, 0x51 };   /* 32-bit, pages, useable */
		desc[1] = (u32)desc;
		sys(NR_set_thread_area, (long)desc, 0, 0, 0);
		u32 sel = desc[0] * 8 + 3;
		__asm__ volatile("movl %0, %%gs" : : "r"(sel));
		sys(NR_ptrace, TRACEME, 0, 0, 0);
		sys(NR_kill, sys(NR_getpid, 0, 0, 0, 0), 19, 0, 0);
		sys(NR_exit, 7, 0, 0, 0);
	}
	sys(NR_waitpid, pid, (long)&status, 0, 0);
	Y("stopped by SIGSTOP", (status & 0xffff) == 0x137f);

	R("GETREGS", sys(NR_ptrace, GETREGS, pid, 0, (long)regs));
	out("the tracee's cs ");
	out_num(regs[13]);
	out(" ss ");
	out_num(regs[16]);
	out(" ds ");
	out_num(regs[7]);
	out(" es ");
	out_num(regs[8]);
	out(" fs ");
	out_num(regs[9]);
	out(" gs ");
	out_num(regs[10]);
	out(" orig_eax ");
	out_num((int)regs[11]);
	out(" eax ");
	out_num((int)regs[6]);
	out("\n");

	R("GETREGSET NT_PRSTATUS", regset(pid, NT_PRSTATUS, set, 216));
	out("NT_PRSTATUS length: ");
	out_num(iov[1]);
	out("\n");
	Y("NT_PRSTATUS: GETREGS's 17 words, nothing after", same(set, regs, 68) && set[17] == 0xaaaaaaaa);
	R("GETREGSET NT_PRSTATUS 8 bytes", regset(pid, NT_PRSTATUS, set, 8));
	Y("8 bytes: ebx and ecx", iov[1] == 8 && same(set, regs, 8) && set[2] == 0xaaaaaaaa);
	R("GETREGSET NT_PRSTATUS 6 bytes", regset(pid, NT_PRSTATUS, set, 6));

	R("GETFPREGS", sys(NR_ptrace, GETFPREGS, pid, 0, (long)fp));
	R("GETREGSET NT_PRFPREG", regset(pid, NT_PRFPREG, set, 512));
	out("NT_PRFPREG length: ");
	out_num(iov[1]);
	out("\n");
	Y("NT_PRFPREG: GETFPREGS's user_i387_ia32_struct", same(set, fp, 108));
	out("i387 cwd ");
	out_num(fp[0] & 0xffff);
	out(" twd ");
	out_num(fp[2] & 0xffff);
	out("\n");

	R("GETFPXREGS", sys(NR_ptrace, GETFPXREGS, pid, 0, (long)fx));
	/* NT_PRXFPREG is in Linux 4.3's i386 view (x86_32_regsets); the host's
	 * recent kernel answered EINVAL for it, so either answer passes here,
	 * but an answer must be the whole FXSAVE image. */
	long r = regset(pid, NT_PRXFPREG, set, 520);
	Y("NT_PRXFPREG: GETFPXREGS's 512-byte FXSAVE image (or EINVAL, as a recent Linux)",
	  r == -22 || (r == 0 && iov[1] == 512 && same(set, fx, 512) && set[128] == 0xaaaaaaaa));
	R("GETREGSET type 99", regset(pid, 99, set, 64));
	R("GETREGSET bad iovec", sys(NR_ptrace, GETREGSET, pid, NT_PRSTATUS, 16));

	iov[0] = (u32)regs;
	iov[1] = 68;
	R("SETREGSET NT_PRSTATUS", sys(NR_ptrace, SETREGSET, pid, NT_PRSTATUS, (long)iov));
	R("CONT", sys(NR_ptrace, CONT, pid, 0, 0));
	sys(NR_waitpid, pid, (long)&status, 0, 0);
	out("the tracee's exit status: ");
	out_num((status >> 8) & 0xff);
	out("\n");
	sys(NR_exit, 0, 0, 0, 0);
}

/* The kernel enters with esp at argc. */
__asm__(".globl _start\n"
	"_start:\n\t"
	"call main32\n");
