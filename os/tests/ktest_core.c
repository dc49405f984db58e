/* In-kernel tests of the pieces the entry code relies on: the stack layout
 * arithmetic, the syscall tables, context tracking, printf and the initramfs. */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include <ringside/sched.h>
#include <ringside/entry.h>
#include <ringside/syscalls.h>
#include <ringside/initramfs.h>
#include <ringside/exec.h>
#include <ringside/context_tracking.h>
#include <ringside/errno.h>

/* The assembly hard-codes these through asm-offsets; Linux's user-visible
 * layout must not drift either (ptrace and ringdb read it). */
BUILD_BUG_ON(sizeof(struct pt_regs) != 21 * 8);
BUILD_BUG_ON(offsetof(struct pt_regs, orig_ax) != 15 * 8);
BUILD_BUG_ON(offsetof(struct pt_regs, ip) != 16 * 8);
BUILD_BUG_ON(offsetof(struct thread_info, flags) != 8);

KTEST(pt_regs_to_thread_info_is_stack_arithmetic)
{
	struct task_struct *t = current;
	struct pt_regs *regs = task_pt_regs(t);
	KEXPECT(pt_regs_to_thread_info(regs) == task_thread_info(t), "%p vs %p",
		pt_regs_to_thread_info(regs), task_thread_info(t));
	KEXPECT(task_thread_info(t)->task == t, "thread_info->task");
	KEXPECT(current_thread_info() == task_thread_info(t), "current_thread_info from rsp");
	KEXPECT((unsigned long)(regs + 1) == (unsigned long)t->stack + THREAD_SIZE, "pt_regs at the top");
}

KTEST(syscall_tables_use_linux_numbers)
{
	KEXPECT(sys_call_table[0] == sys_read && sys_call_table[1] == sys_write, "read/write");
	KEXPECT(sys_call_table[39] == sys_getpid && sys_call_table[231] == sys_exit_group, "getpid/exit_group");
	KEXPECT(ia32_sys_call_table[20] == sys_getpid && ia32_sys_call_table[4] == sys_write, "i386 getpid/write");
	KEXPECT(sys_call_table[7] == sys_ni_syscall, "poll is not implemented: sys_ni_syscall, -ENOSYS");
	KEXPECT(sys_ni_syscall(0, 0, 0, 0, 0, 0) == -ENOSYS, "sys_ni_syscall answers -ENOSYS");
	for (int nr = 0; nr < NR_syscalls; nr++)
		KEXPECT(sys_call_table[nr] != NULL, "x86-64 number %d has no entry", nr);
	for (int nr = 0; nr < IA32_NR_syscalls; nr++)
		KEXPECT(ia32_sys_call_table[nr] != NULL, "i386 number %d has no entry", nr);
	KEXPECT(!strcmp(syscall_names_64[59], "execve"), "name of 59: %s", syscall_names_64[59]);
}

KTEST(dispatch_bounds_and_enosys)
{
	struct pt_regs regs = { 0 };
	regs.orig_ax = NR_syscalls;          /* one past the end */
	regs.ax = -ENOSYS;
	do_syscall_64(&regs);
	KEXPECT((long)regs.ax == -ENOSYS, "out of range gave %ld", (long)regs.ax);
	regs.orig_ax = -1UL;
	do_syscall_64(&regs);
	KEXPECT((long)regs.ax == -ENOSYS, "-1 gave %ld", (long)regs.ax);
	regs.orig_ax = __NR_getpid;
	do_syscall_64(&regs);
	KEXPECT((long)regs.ax == current->pid, "getpid gave %ld", (long)regs.ax);
}

KTEST(ct_warn_on_fires_on_wrong_state)
{
	bool was = context_tracking_enabled;
	enum ctx_state saved = cpu_data.context_state;
	unsigned long before = ct_warnings;
	context_tracking_enabled = true;
	cpu_data.context_state = CONTEXT_KERNEL;   /* wrong: entry expects USER */
	warnings_expected = 1;
	enter_from_user_mode();
	KEXPECT(ct_warnings == before + 1, "warnings %lu -> %lu", before, ct_warnings);
	cpu_data.context_state = CONTEXT_USER;     /* right */
	enter_from_user_mode();
	KEXPECT(ct_warnings == before + 1, "a correct state warned");
	KEXPECT(cpu_data.context_state == CONTEXT_KERNEL, "user_exit did not switch state");
	context_tracking_enabled = was;
	cpu_data.context_state = saved;
}

KTEST(vsnprintf_formats)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lx|%s|%c|%%", -42, 7U, 0xabU, 0xdeadUL, "ok", 'z');
	KEXPECT(!strcmp(buf, "-42|    7|ab  |0000dead|ok|z|%"), "got \"%s\"", buf);
	int n = snprintf(buf, 4, "%s", "truncated");
	KEXPECT(n == 9 && !strcmp(buf, "tru"), "n=%d buf=%s", n, buf);
	snprintf(buf, sizeof(buf), "%#x %p", 255U, (void *)0x1000);
	KEXPECT(!strcmp(buf, "0xff 0x1000"), "got \"%s\"", buf);
}

KTEST(initramfs_finds_programs)
{
	KEXPECT(initramfs_lookup("/bin/init") != NULL, "/bin/init");
	KEXPECT(initramfs_lookup("bin/init") == initramfs_lookup("/bin/init"), "leading slash");
	KEXPECT(initramfs_lookup("/bin/no-such-program") == NULL, "missing file");
	const struct initramfs_file *f = initramfs_lookup("/bin/hello");
	KEXPECT(f && f->size > 64 && !memcmp(f->data, "\177ELF", 4), "hello is an ELF");
}

KTEST(initramfs_rejects_garbage)
{
	static const char junk[] = "070701zzzzzzzz not a header at all, not even close.........."
				   "..............................................................";
	KEXPECT(initramfs_init(junk, sizeof(junk)) == -EINVAL, "garbage accepted");
	KEXPECT(initramfs_lookup("/bin/init") != NULL, "a failed parse must not lose the real files");
}

/* An i386 ELF32 executable of 84 bytes: the header, one PT_LOAD header. */
static size_t elf32_image(u8 *b, u8 class, u16 machine, u32 vaddr, u32 memsz, u16 phnum)
{
	const u16 h16[] = { 2 /* ET_EXEC */, machine };
	const u32 h32[] = { 1, vaddr /* entry */, 52 /* phoff */, 0, 0 };
	const u16 t16[] = { 52, 32 /* phentsize */, phnum, 0, 0, 0 };
	const u32 ph[] = { 1 /* PT_LOAD */, 0, vaddr, vaddr, 84, memsz, 5, 0x1000 };
	memset(b, 0, 128);
	memcpy(b, "\177ELF", 4);
	b[4] = class;
	b[5] = b[6] = 1;
	memcpy(b + 16, h16, sizeof h16);
	memcpy(b + 20, h32, sizeof h32);
	memcpy(b + 40, t16, sizeof t16);
	memcpy(b + 52, ph, sizeof ph);
	return 84;
}

KTEST(exec_takes_elf64_and_i386_elf32)
{
	static u8 b[128];
	bool ia32 = false;
	size_t n = elf32_image(b, 1, 3, 0x08048000, 0x1000, 1);
	KEXPECT(elf_check(b, n, &ia32) == 0 && ia32, "a static i386 ELF32 executable is taken, as i386");
	n = elf32_image(b, 1, 62, 0x08048000, 0x1000, 1);
	KEXPECT(elf_check(b, n, &ia32) == -ENOEXEC, "ELFCLASS32 with EM_X86_64 (x32) is ENOEXEC");
	n = elf32_image(b, 2, 3, 0x08048000, 0x1000, 1);
	KEXPECT(elf_check(b, n, &ia32) == -ENOEXEC, "ELFCLASS64 with EM_386 is ENOEXEC");
	n = elf32_image(b, 1, 3, 0x08048000, 0x1000, 3);
	KEXPECT(elf_check(b, n, &ia32) == -ENOEXEC, "program headers past the end of the file are ENOEXEC");
	n = elf32_image(b, 1, 3, 0x08048000, 0x1000, 1);
	KEXPECT(elf_check(b, 40, &ia32) == -ENOEXEC, "a file shorter than the ELF32 header is ENOEXEC");
	n = elf32_image(b, 1, 3, 0xfffe0000, 0x1000, 1);
	KEXPECT(elf_check(b, n, &ia32) == -ENOEXEC, "an i386 segment where its stack goes (0xfffe0000) is ENOEXEC");
	n = elf32_image(b, 1, 3, 0x08048000, 0xf8000000, 1);
	KEXPECT(elf_check(b, n, &ia32) == -ENOEXEC, "an i386 segment reaching past 4 GiB is ENOEXEC");
	n = elf32_image(b, 1, 3, 0, 0x1000, 1);
	KEXPECT(elf_check(b, n, &ia32) == -ENOEXEC, "a segment in page 0 is ENOEXEC");
	const struct initramfs_file *hello = initramfs_lookup("bin/hello");
	KEXPECT(hello && elf_check(hello->data, hello->size, &ia32) == 0 && !ia32,
		"/bin/hello (ELF64) is taken, as x86-64");
}
