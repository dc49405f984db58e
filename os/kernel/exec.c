/* execve(): replace the calling process's image with a static ELF64
 * executable from the initramfs, or a static i386 ELF32 one, which runs in
 * compatibility mode with TIF_IA32 set (Linux's compat_binfmt_elf and
 * set_personality_ia32). The new address space is built completely
 * before the old one is dropped, so a failing execve returns to the caller
 * unharmed. The stack is laid out as Linux's: argc, argv[], NULL, envp[],
 * NULL, auxv pairs, then the strings. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/tls.h>
#include <ringside/mm.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/initramfs.h>
#include <ringside/fs.h>
#include <ringside/syscalls.h>
#include <ringside/exec.h>
#include <ringside/signal.h>
#include <ringside/ptrace.h>
#include <asm/segment.h>
#include <asm/x86.h>

#define MAX_ARG_STRINGS 256
#define MAX_ARG_BYTES (32 * 1024)

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define ELFCLASS32 1
#define ELFCLASS64 2

/* The i386 forms: the same fields, 32 bits wide, phdr fields reordered. */
struct elf32_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version, entry, phoff, shoff, flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf32_phdr {
	u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

/* An i386 task's address space ends below 4 GiB: its stack sits under
 * Linux's IA32_PAGE_OFFSET (0xffffe000, TASK_SIZE of a 32-bit task). */
#define IA32_STACK_TOP 0xffffe000UL

#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_ENTRY  9
#define AT_UID    11
#define AT_RANDOM 25
#define AT_EXECFN 31

/* Argument strings gathered into one kernel buffer: count strings, bytes. */
struct arg_list {
	char *buf;
	size_t used;
	int count;
};

static int arg_add(struct arg_list *l, const char *s, size_t len)
{
	if (l->count >= MAX_ARG_STRINGS || l->used + len + 1 > MAX_ARG_BYTES)
		return -E2BIG;
	memcpy(l->buf + l->used, s, len);
	l->buf[l->used + len] = 0;
	l->used += len + 1;
	l->count++;
	return 0;
}

/* Copy a user array of string pointers (8-byte, or 4-byte for compat). */
static int copy_strings(struct arg_list *l, const void *uarray, bool compat)
{
	if (!uarray)
		return 0;
	char *tmp = kmalloc(PAGE_SIZE);
	if (!tmp)
		return -ENOMEM;
	int err = 0;
	for (int i = 0;; i++) {
		unsigned long uptr = 0;
		if (compat) {
			u32 p32 = 0;
			err = get_user(p32, (const u32 *)uarray + i);
			uptr = p32;
		} else {
			err = get_user(uptr, (const unsigned long *)uarray + i);
		}
		if (err || !uptr)
			break;
		long len = strncpy_from_user(tmp, (const char *)uptr, PAGE_SIZE);
		if (len < 0) {
			err = len == -ENAMETOOLONG ? -E2BIG : (int)len;
			break;
		}
		err = arg_add(l, tmp, len);
		if (err)
			break;
	}
	kfree(tmp);
	return err;
}

/* What the loader needs of an ELF header, either class. */
struct elf_image {
	bool ia32;                   /* ELFCLASS32, EM_386 */
	unsigned long entry, phoff, phentsize;
	unsigned phnum;
	bool exec_stack;             /* PT_GNU_STACK asks for PF_X (gcc -z execstack) */
};

static int elf_header(const struct initramfs_file *f, struct elf_image *im)
{
	const struct elf64_ehdr *eh = f->data;
	const struct elf32_ehdr *eh32 = f->data;
	if (f->size < sizeof(*eh32) || memcmp(eh->ident, "\177ELF", 4))
		return -ENOEXEC;
	if (eh->ident[4] == ELFCLASS64 && f->size >= sizeof(*eh) && eh->type == ET_EXEC &&
	    eh->machine == EM_X86_64 && eh->phentsize == sizeof(struct elf64_phdr))
		*im = (struct elf_image){ false, eh->entry, eh->phoff, sizeof(struct elf64_phdr), eh->phnum, false };
	else if (eh32->ident[4] == ELFCLASS32 && eh32->type == ET_EXEC && eh32->machine == EM_386 &&
		 eh32->phentsize == sizeof(struct elf32_phdr))
		*im = (struct elf_image){ true, eh32->entry, eh32->phoff, sizeof(struct elf32_phdr), eh32->phnum, false };
	else
		return -ENOEXEC;
	if (im->phoff > f->size || im->phnum * im->phentsize > f->size - im->phoff)
		return -ENOEXEC;
	return 0;
}

/* Program header i of either class, widened to the ELF64 form. */
static struct elf64_phdr elf_phdr(const struct initramfs_file *f, const struct elf_image *im, unsigned i)
{
	const char *at = (const char *)f->data + im->phoff + i * im->phentsize;
	if (!im->ia32)
		return *(const struct elf64_phdr *)at;
	const struct elf32_phdr *p = (const void *)at;
	return (struct elf64_phdr){ p->type, p->flags, p->offset, p->vaddr, p->paddr, p->filesz, p->memsz, p->align };
}

/* A loadable segment lies in the file and in the task's user range (below
 * its stack for an i386 task, which must stay under 4 GiB). */
static bool segment_ok(const struct initramfs_file *f, const struct elf_image *im, const struct elf64_phdr *ph)
{
	unsigned long limit = im->ia32 ? IA32_STACK_TOP - USER_STACK_SIZE : USER_MMAP_BASE;
	unsigned long start = ph->vaddr & PAGE_MASK;
	unsigned long end = PAGE_ALIGN(ph->vaddr + ph->memsz);
	return ph->filesz <= ph->memsz && ph->offset <= f->size && ph->filesz <= f->size - ph->offset &&
	       end > start && end <= limit && start >= PAGE_SIZE;
}

/* For tests (os/tests/ktest_core.c): whether execve would take this file,
 * and as which kind of program. 0 or -ENOEXEC. */
int elf_check(const void *data, size_t size, bool *ia32)
{
	const struct initramfs_file f = { "", data, size, 0755 };
	struct elf_image im;
	int err = elf_header(&f, &im);
	for (unsigned i = 0; !err && i < im.phnum; i++) {
		const struct elf64_phdr ph = elf_phdr(&f, &im, i);
		if (ph.type == PT_LOAD && ph.memsz && !segment_ok(&f, &im, &ph))
			err = -ENOEXEC;
	}
	if (!err)
		*ia32 = im.ia32;
	return err;
}

/* Also says whether the stack is to be executable: PT_GNU_STACK with PF_X,
 * as Linux's load_elf_binary (EXSTACK_ENABLE_X). Without the header Linux
 * decides by architecture (an i386 program then gets READ_IMPLIES_EXEC);
 * here the stack stays non-executable. */
static int load_elf(struct mm_struct *mm, const struct initramfs_file *f, const struct elf_image *im,
		    unsigned long *entry, unsigned long *brk, unsigned long *phdr, bool *exec_stack)
{
	unsigned long highest = 0;
	*phdr = 0;
	*exec_stack = false;
	for (unsigned i = 0; i < im->phnum; i++) {
		const struct elf64_phdr ph = elf_phdr(f, im, i);
		if (ph.type != PT_LOAD || !ph.memsz)
			continue;
		unsigned long start = ph.vaddr & PAGE_MASK;
		unsigned long end = PAGE_ALIGN(ph.vaddr + ph.memsz);
		if (!segment_ok(f, im, &ph))
			return -ENOEXEC;
		unsigned long prot = (ph.flags & PF_R ? PROT_READ : 0) |
				     (ph.flags & PF_W ? PROT_WRITE : 0) |
				     (ph.flags & PF_X ? PROT_EXEC : 0);
		int err = vm_map_region(mm, start, end - start, prot);
		if (err)
			return err == -EEXIST ? -ENOEXEC : err;
		err = copy_to_mm(mm, ph.vaddr, (const char *)f->data + ph.offset, ph.filesz);
		if (err)
			return err;
		if (im->phoff >= ph.offset && im->phoff < ph.offset + ph.filesz)
			*phdr = ph.vaddr + (im->phoff - ph.offset);
		highest = max(highest, end);
	}
	for (unsigned i = 0; i < im->phnum; i++) {
		const struct elf64_phdr ph = elf_phdr(f, im, i);
		if (ph.type == PT_GNU_STACK)
			*exec_stack = ph.flags & PF_X;
	}
	if (!highest)
		return -ENOEXEC;
	*entry = im->entry;
	*brk = highest;
	return 0;
}

/* Build the initial stack in mm; returns the user rsp or a negative errno.
 * An i386 program gets the same layout in 4-byte words, below 4 GiB. */
static long setup_stack(struct mm_struct *mm, struct arg_list *args, int argc,
			unsigned long entry, unsigned long phdr, const struct elf_image *im)
{
	unsigned long top = im->ia32 ? IA32_STACK_TOP : USER_STACK_TOP;
	size_t word = im->ia32 ? 4 : 8;
	unsigned long bottom = top - USER_STACK_SIZE;
	int err = vm_map_region(mm, bottom, USER_STACK_SIZE,
				PROT_READ | PROT_WRITE | (im->exec_stack ? PROT_EXEC : 0));
	if (err)
		return err;
	mm->stack_bottom = bottom;

	/* Strings at the very top, then 16 random bytes for AT_RANDOM. */
	unsigned long strings = (top - args->used - 16) & ~15UL;
	if (copy_to_mm(mm, strings, args->buf, args->used))
		return -EFAULT;
	unsigned long random = strings - 16;
	u64 rnd[2] = { rdtsc() * 0x9e3779b97f4a7c15UL, jiffies ^ (rdtsc() << 17) };
	copy_to_mm(mm, random, rnd, sizeof(rnd));

	int envc = args->count - argc;
	unsigned long auxv[][2] = {
		{ AT_PAGESZ, PAGE_SIZE }, { AT_PHDR, phdr }, { AT_PHENT, im->phentsize },
		{ AT_PHNUM, im->phnum }, { AT_ENTRY, entry }, { AT_UID, 0 }, { AT_RANDOM, random },
		{ AT_EXECFN, strings }, { AT_NULL, 0 },
	};
	size_t words = 1 + argc + 1 + envc + 1 + 2 * ARRAY_SIZE(auxv);
	unsigned long sp = (random - words * word) & ~15UL;
	if (sp < bottom + PAGE_SIZE)
		return -E2BIG;
	unsigned long *frame = kmalloc(words * 8);
	if (!frame)
		return -ENOMEM;
	size_t w = 0;
	frame[w++] = argc;
	unsigned long str = strings;
	for (int i = 0; i < args->count; i++) {
		if (i == argc)
			frame[w++] = 0;          /* end of argv */
		frame[w++] = str;
		str += strlen(args->buf + (str - strings)) + 1;
	}
	if (args->count == argc)
		frame[w++] = 0;
	frame[w++] = 0;                      /* end of envp */
	for (size_t i = 0; i < ARRAY_SIZE(auxv); i++) {
		frame[w++] = auxv[i][0];
		frame[w++] = auxv[i][1];
	}
	if (im->ia32) {                      /* narrow each word in place */
		u32 *narrow = (u32 *)frame;
		for (size_t i = 0; i < w; i++)
			narrow[i] = (u32)frame[i];
	}
	err = copy_to_mm(mm, sp, frame, w * word);
	kfree(frame);
	return err ? err : (long)sp;
}

/* Load path into task t (not necessarily current) with the given argument
 * strings: argv first (argc of them), then the environment. */
void vfork_release(struct task_struct *t);

int exec_into(struct task_struct *t, const char *path, struct arg_list *args, int argc)
{
	struct inode *ino;
	int lerr = vfs_lookup(NULL, path, true, &ino);
	if (lerr)
		return lerr;
	if (!S_ISREG(ino->mode) || !(ino->mode & 0111))
		return -EACCES;
	const struct initramfs_file file = { ino->name, ino->data, ino->size, ino->mode }, *f = &file;
	struct mm_struct *mm = mm_create();
	if (!mm)
		return -ENOMEM;
	unsigned long entry = 0, brk = 0, phdr = 0;
	struct elf_image im;
	int err = elf_header(f, &im);
	if (!err)
		err = load_elf(mm, f, &im, &entry, &brk, &phdr, &im.exec_stack);
	long sp = err ? err : setup_stack(mm, args, argc, entry, phdr, &im);
	if (sp < 0) {
		mm_destroy(mm);
		return (int)sp;
	}
	mm->start_brk = mm->brk = brk;

	/* Point of no return: swap in the new image. */
	struct mm_struct *old = t->mm;
	t->mm = mm;
	if (t == current)
		switch_mm(mm);
	if (old)
		mm_put(old);     /* a vfork child leaves its parent's memory to the parent */
	const char *base = path;
	for (const char *p = path; *p; p++)
		if (*p == '/')
			base = p + 1;
	strlcpy(t->comm, base, TASK_COMM_LEN);

	struct pt_regs *regs = task_pt_regs(t);
	/* The syscall's number survives: its exit (audit, tracepoint, ptrace's
	 * exit stop) still belongs to execve. A task that never ran has none. */
	unsigned long orig_ax = t == current ? regs->orig_ax : -1UL;
	memset(regs, 0, sizeof(*regs));
	regs->orig_ax = orig_ax;
	regs->ip = entry;
	regs->sp = sp;
	regs->cs = im.ia32 ? __USER32_CS : __USER_CS;
	regs->ss = __USER_DS;
	regs->flags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
	/* As Linux 4.3's set_personality_64bit / set_personality_ia32: the task
	 * is an i386 one from now on (TIF_IA32), and this execve's own way out
	 * already speaks the i386 ABI (TS_COMPAT, cleared again by
	 * syscall_return_slowpath). An i386 task's data segments must be
	 * usable in compatibility mode: compat_start_thread loads __USER_DS into
	 * ds and es (switch_to does the same for it). */
	if (im.ia32) {
		set_tsk_thread_flag(t, TIF_IA32);
		task_thread_info(t)->status |= TS_COMPAT;
	} else {
		clear_tsk_thread_flag(t, TIF_IA32);
		task_thread_info(t)->status &= ~TS_COMPAT;
	}
	if (t == current)
		load_user_data_segments(t);
	flush_signal_handlers(t);
	files_close_on_exec(t);
	t->sas_ss_sp = t->sas_ss_size = 0;
	t->restart_block.fn = NULL;
	t->fs_base = 0;
	flush_tls(t);                        /* no TLS descriptors, null fs and gs */
	fpu__clear(t);                       /* Linux's initial x87/SSE state */
	if (t->gs_base && t == current)
		wrmsr(MSR_KERNEL_GS_BASE, 0);
	t->gs_base = 0;
	if (t == current)
		vfork_release(t);
	/* A traced program stops right after exec, so that its tracer can set
	 * things up before the first instruction (strace relies on it): at the
	 * exec event with PTRACE_O_TRACEEXEC (its message the pid), else with
	 * a SIGTRAP unless it was seized, as Linux does. */
	if (t == current && t->ptrace && (t->ptrace_options & PTRACE_O_TRACEEXEC))
		ptrace_event(PTRACE_EVENT_EXEC, t->pid);
	else if (t == current && t->ptrace && !(t->ptrace & PT_SEIZED))
		send_signal(t, SIGTRAP, NULL);
	return 0;
}

int kernel_execve(struct task_struct *t, const char *path, const char *const argv[],
		  const char *const envp[])
{
	struct arg_list args = { kmalloc(MAX_ARG_BYTES), 0, 0 };
	if (!args.buf)
		return -ENOMEM;
	int err = 0, argc = 0;
	for (; argv[argc] && !err; argc++)
		err = arg_add(&args, argv[argc], strlen(argv[argc]));
	for (int i = 0; envp[i] && !err; i++)
		err = arg_add(&args, envp[i], strlen(envp[i]));
	if (!err)
		err = exec_into(t, path, &args, argc);
	kfree(args.buf);
	return err;
}

static long do_execve(const char *ufilename, const void *uargv, const void *uenvp, bool compat)
{
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	long len = strncpy_from_user(path, ufilename, PATH_MAX);
	if (len <= 0) {
		kfree(path);
		return len ? len : -ENOENT;
	}
	struct arg_list args = { kmalloc(MAX_ARG_BYTES), 0, 0 };
	if (!args.buf) {
		kfree(path);
		return -ENOMEM;
	}
	long err = copy_strings(&args, uargv, compat);
	int argc = args.count;
	if (!err)
		err = copy_strings(&args, uenvp, compat);
	if (!err)
		err = exec_into(current, path, &args, argc);
	kfree(args.buf);
	kfree(path);
	return err;
}

SYSCALL_DEFINE(sys_execve)
{
	return do_execve((const char *)a0, (const void *)a1, (const void *)a2, false);
}

SYSCALL_DEFINE(compat_sys_execve)
{
	return do_execve((const char *)(unsigned long)(u32)a0, (const void *)(unsigned long)(u32)a1,
			 (const void *)(unsigned long)(u32)a2, true);
}
