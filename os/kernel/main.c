/* kmain: bring the machine up in order, then start init.
 *
 * The command line (from the boot loader) is Linux-like:
 *   init=/bin/NAME   the first program (default /bin/init)
 *   quiet            only errors and the programs' own output on the console
 *   ktest=all|a,b    run in-kernel unit tests instead of init, then power off
 *   nohz_full        context tracking on: TIF_NOHZ on every task
 *   audit=1          syscall auditing for every task (TIF_SYSCALL_AUDIT)
 *   ktap.nonce=HEX   the grader's nonce: KTAP_NONCE in init's environment
 *   --               everything after it is init's argv[1..]
 * Other words with '=' become init's environment, other words its arguments. */
#include <ringside/kernel.h>
#include <ringside/fs.h>
#include <ringside/mm.h>
#include <ringside/sched.h>
#include <ringside/percpu.h>
#include <ringside/console.h>
#include <ringside/initramfs.h>
#include <ringside/exec.h>
#include <ringside/ktest.h>
#include <ringside/time.h>
#include <ringside/context_tracking.h>
#include <ringside/exitcode.h>
#include <ringside/audit.h>
#include <asm/desc.h>
#include <asm/irq.h>
#include <asm/x86.h>
#include <asm/fpu.h>

struct percpu cpu_data = { .self = &cpu_data };
extern char _end[];
extern bool have_smap;

struct multiboot_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
} __attribute__((packed));
struct multiboot_module { u32 start, end, string, reserved; };

#define MAX_INIT_ARGS 32
static char cmdline[1024];
static const char *init_path = "/bin/init";
static const char *ktest_selection;
static const char *ktap_nonce;
static const char *init_argv[MAX_INIT_ARGS + 2];
static const char *init_envp[MAX_INIT_ARGS + 5] = { "HOME=/", "TERM=linux", "PATH=/bin" };
static char nonce_env[96];

/* The command line as printed at boot: the grader's nonce is not shown. */
static char shown_cmdline[1024];

static void parse_cmdline(void)
{
	int argc = 1, envc = 3;
	bool after_dashes = false;
	char *p = cmdline;
	/* Multiboot loaders put the kernel's own file name first: skip it. */
	while (*p == ' ')
		p++;
	while (*p && *p != ' ')
		p++;
	while (*p) {
		while (*p == ' ')
			*p++ = 0;
		if (!*p)
			break;
		/* A word ends at a space outside double quotes; the quotes go, as
		 * Linux's next_arg() drops them: init=/bin/sh -- -c "ls | cat". */
		char *word = p, *out = p;
		bool quoted = false;
		while (*p && (quoted || *p != ' ')) {
			if (*p == '"')
				quoted = !quoted;
			else
				*out++ = *p;
			p++;
		}
		if (*p)
			p++;
		*out = 0;
		size_t used = strlen(shown_cmdline);
		snprintf(shown_cmdline + used, sizeof(shown_cmdline) - used, " %s",
			 strncmp(word, "ktap.nonce=", 11) ? word : "ktap.nonce=(hidden)");
		if (after_dashes || (!strchr(word, '=') && strcmp(word, "quiet") &&
				     strcmp(word, "nohz_full") && strcmp(word, "--"))) {
			if (argc < MAX_INIT_ARGS)
				init_argv[argc++] = word;
		} else if (!strcmp(word, "--")) {
			after_dashes = true;
		} else if (!strncmp(word, "init=", 5)) {
			init_path = word + 5;
		} else if (!strcmp(word, "quiet")) {
			console_quiet = true;
		} else if (!strcmp(word, "nohz_full")) {
			context_tracking_enabled = true;
		} else if (!strcmp(word, "audit=1")) {
			audit_all_tasks = true;
		} else if (!strncmp(word, "ktest=", 6)) {
			ktest_selection = word + 6;
		} else if (!strncmp(word, "ktap.nonce=", 11)) {
			ktap_nonce = word + 11;
			snprintf(nonce_env, sizeof(nonce_env), "KTAP_NONCE=%s", ktap_nonce);
			if (envc < MAX_INIT_ARGS + 3)
				init_envp[envc++] = nonce_env;
		} else if (envc < MAX_INIT_ARGS + 3) {
			init_envp[envc++] = word;
		}
	}
	init_argv[0] = init_path;
	init_argv[argc] = NULL;
	init_envp[envc] = NULL;
}

static void cpu_features_init(void)
{
	u32 a, b, c, d;
	cpuid(7, 0, &a, &b, &c, &d);
	unsigned long cr4 = read_cr4();
	if (b & (1 << 7))
		cr4 |= X86_CR4_SMEP;
	if (b & (1 << 20)) {
		cr4 |= X86_CR4_SMAP;
		have_smap = true;
	}
	write_cr4(cr4);
}

static void start_init(void)
{
	void start_task(struct task_struct *t, void (*fn)(void *), void *arg);
	struct task_struct *t = alloc_task();
	if (!t)
		panic("no memory for init");
	init_task_ptr = t;
	void rlimit_init(struct task_struct *t);
	rlimit_init(t);
	t->pgid = t->sid = t->pid;
	t->has_tty = true;    /* the console is init's controlling terminal (tty_session 1) */
	t->umask = 022;
	if (files_init_console(t))
		panic("no /dev/console for init");
	if (context_tracking_enabled)
		task_thread_info(t)->flags |= _TIF_NOHZ;
	if (audit_all_tasks)
		task_thread_info(t)->flags |= _TIF_SYSCALL_AUDIT;
	int err = kernel_execve(t, init_path, init_argv, init_envp);
	if (err)
		panic("cannot run init %s: error %d (is it in the initramfs?)", init_path, err);
	start_task(t, NULL, NULL);
}

void kmain(u32 magic, u32 mbi_phys);
void kmain(u32 magic, u32 mbi_phys)
{
	serial_init();
	if (magic != 0x2badb002)
		panic("not started by a multiboot loader (magic %#x)", magic);
	const struct multiboot_info *mbi = __va(mbi_phys);
	if ((mbi->flags & (1 << 2)) && mbi->cmdline)
		strlcpy(cmdline, __va(mbi->cmdline), sizeof(cmdline));
	parse_cmdline();
	printk(KERN_INFO "Ringside: a teaching kernel for the x86-64 syscall boundary\n");
	printk(KERN_INFO "command line:%s\n", shown_cmdline);

	gdt_init();
	wrmsr(MSR_GS_BASE, (u64)&cpu_data);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	traps_init();
	cpu_features_init();
	fpu__init_cpu();
	syscall_init();

	if (!(mbi->flags & (1 << 3)) || mbi->mods_count < 1)
		panic("no initramfs: boot with -initrd build/initramfs.cpio");
	const struct multiboot_module *mod = __va(mbi->mods_addr);
	unsigned long mem_end = ((unsigned long)mbi->mem_upper + 1024) * 1024;
	if (mem_end > (1UL << 30))
		mem_end = 1UL << 30;
	page_alloc_init(mem_end, __pa(_end), mod->start, mod->end);
	vm_init();
	printk(KERN_INFO "memory: %lu KiB free\n", nr_free_pages() * 4);
	/* The multiboot structures may sit in pages that are now free: read
	 * what we need before the first allocation (vfs_init). */
	unsigned long initrd_start = mod->start, initrd_end = mod->end;
	vfs_init();
	int nfiles = initramfs_init(__va(initrd_start), initrd_end - initrd_start);
	if (nfiles < 0)
		panic("initramfs is not a valid cpio newc archive");
	printk(KERN_INFO "initramfs: %d files\n", nfiles);

	sched_init();
	if (context_tracking_enabled) {
		task_thread_info(current)->flags |= _TIF_NOHZ;
		cpu_data.context_state = CONTEXT_KERNEL;
	}
	time_init();
	irq_init();
	local_irq_enable();

	if (ktest_selection) {
		int status = run_ktests(ktest_selection, ktap_nonce);
		serial_drain();
		outl(DEBUG_EXIT_PORT, EXITCODE_STATUS(status));
		for (;;)
			halt();
	}
	start_init();
	cpu_idle();
}
