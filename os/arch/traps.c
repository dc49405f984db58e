/* Exceptions: every CPU exception is reported by name. A fault in user mode
 * kills the task with the signal Linux would send; a fault in the kernel is
 * either recovered through the exception table (a bad user pointer inside
 * copy_from_user) or is a panic with a backtrace. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/signal.h>
#include <ringside/uaccess.h>
#include <ringside/percpu.h>
#include <asm/desc.h>
#include <asm/x86.h>
#include <asm/irq.h>
#include <asm/fpu.h>
#include <ringside/uprobes.h>
#include <ringside/context_tracking.h>

struct exception_info {
	const char *name;
	const char *mnemonic;
	int signal;        /* what a user-mode fault is turned into */
};

static const struct exception_info exceptions[32] = {
	[0]  = { "divide error",                "#DE", SIGFPE },
	[1]  = { "debug",                       "#DB", SIGTRAP },
	[2]  = { "non-maskable interrupt",      "NMI", 0 },
	[3]  = { "breakpoint",                  "#BP", SIGTRAP },
	[4]  = { "overflow",                    "#OF", SIGSEGV },
	[5]  = { "bound range exceeded",        "#BR", SIGSEGV },
	[6]  = { "invalid opcode",              "#UD", SIGILL },
	[7]  = { "device not available",        "#NM", SIGSEGV },
	[8]  = { "double fault",                "#DF", 0 },
	[9]  = { "coprocessor segment overrun", "#MF", SIGFPE },
	[10] = { "invalid TSS",                 "#TS", SIGSEGV },
	[11] = { "segment not present",         "#NP", SIGBUS },
	[12] = { "stack segment fault",         "#SS", SIGBUS },
	[13] = { "general protection fault",    "#GP", SIGSEGV },
	[14] = { "page fault",                  "#PF", SIGSEGV },
	[15] = { "reserved (15)",               "#15", SIGSEGV },
	[16] = { "x87 floating-point error",    "#MF", SIGFPE },
	[17] = { "alignment check",             "#AC", SIGBUS },
	[18] = { "machine check",               "#MC", 0 },
	[19] = { "SIMD floating-point error",   "#XM", SIGFPE },
	[20] = { "virtualization exception",    "#VE", SIGSEGV },
	[21] = { "control protection",          "#CP", SIGSEGV },
	[28] = { "hypervisor injection",        "#HV", SIGSEGV },
	[29] = { "VMM communication",           "#VC", SIGSEGV },
	[30] = { "security exception",          "#SX", SIGSEGV },
};

static const char *exception_name(unsigned vector)
{
	if (vector < 32 && exceptions[vector].name)
		return exceptions[vector].name;
	return "reserved exception";
}

void show_regs(const struct pt_regs *regs)
{
	printk("RIP: %04lx:%016lx RSP: %04lx:%016lx RFLAGS: %08lx\n",
	       regs->cs, regs->ip, regs->ss, regs->sp, regs->flags);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", regs->ax, regs->bx, regs->cx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", regs->dx, regs->si, regs->di);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", regs->bp, regs->r8, regs->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", regs->r10, regs->r11, regs->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", regs->r13, regs->r14, regs->r15);
	printk("ORIG_RAX: %016lx CR2: %016lx\n", regs->orig_ax, read_cr2());
}

static unsigned long trap_error_code;   /* the CPU's error code of the current trap */

static void __noreturn die(const struct pt_regs *regs, unsigned vector)
{
	struct task_struct *t = current;
	unsigned long offset;
	const char *sym = lookup_symbol(regs->ip, &offset);
	printk(KERN_ERR "%s (%s, vector %u) error %#lx at rip %#lx",
	       exception_name(vector), vector < 32 ? exceptions[vector].mnemonic : "?",
	       vector, trap_error_code, regs->ip);
	if (sym)
		printk(" <%s+%#lx>", sym, offset);
	printk(" cr2 %#lx in task %s[%d]\n", vector == 14 ? read_cr2() : 0UL,
	       t ? t->comm : "?", t ? t->pid : -1);
	show_regs(regs);
	printk("Call trace:\n");
	dump_backtrace(regs->bp);
	panic("fatal exception in kernel mode");
}

static void user_fault(struct pt_regs *regs, unsigned vector, unsigned long address)
{
	struct task_struct *t = current;
	int sig = vector < 32 && exceptions[vector].signal ? exceptions[vector].signal : SIGSEGV;
	if (!console_quiet || sig != SIGTRAP)
		printk(KERN_INFO "%s[%d]: %s (%s) at ip %#lx sp %#lx error %#lx%s%lx -> %s\n",
		       t->comm, t->pid, exception_name(vector),
		       vector < 32 ? exceptions[vector].mnemonic : "?",
		       regs->ip, regs->sp, trap_error_code,
		       vector == 14 ? " address " : "", vector == 14 ? address : 0UL,
		       signal_name(sig));
	force_sig_fault(sig, vector, address, regs);
}

static void do_page_fault(struct pt_regs *regs)
{
	unsigned long address = read_cr2();
	if (user_mode(regs)) {
		user_fault(regs, 14, address);
		return;
	}
	/* A kernel access to user memory that faulted: the exception table
	 * names the instruction's recovery point (uaccess returns -EFAULT). */
	unsigned long fixup = search_exception_tables(regs->ip);
	if (fixup) {
		regs->ip = fixup;
		return;
	}
	printk(KERN_ERR "BUG: unable to handle kernel %s at %#lx\n",
	       address < PAGE_SIZE ? "NULL pointer dereference" : "paging request", address);
	die(regs, 14);
}

void do_trap_or_irq(struct pt_regs *regs, unsigned long vector)
{
	/* The error code leaves orig_ax, which from now on says "not in a
	 * syscall" (-1): signal delivery must not mistake a fault for an
	 * interrupted syscall to restart. */
	trap_error_code = regs->orig_ax;
	regs->orig_ax = -1;
	if (vector >= IRQ_BASE && vector < IRQ_BASE + 16) {
		if (user_mode(regs))
			user_exit();
		do_irq(regs, vector - IRQ_BASE);
		return;
	}
	if (user_mode(regs)) {
		/* The user context is kernel state from here on; exceptions run
		 * with IRQs on, like a syscall. */
		user_exit();
		local_irq_enable();
		if (vector == 3 && uprobe_pre_sstep_notify(regs))
			return;
		if (vector == 14)
			do_page_fault(regs);
		else if (vector == 1)
			do_debug(regs);
		else if (vector == 16 || vector == 19)
			fpu__math_error(regs, vector);
		else if (vector == 7)
			fpu__device_not_available(regs);
		else
			user_fault(regs, vector, 0);
		return;
	}
	if (vector == 14) {
		do_page_fault(regs);
		return;
	}
	if (vector == 13) {
		unsigned long fixup = search_exception_tables(regs->ip);
		if (fixup) {
			regs->ip = fixup;
			return;
		}
	}
	if (vector == 1) {
		do_debug(regs);
		return;
	}
	die(regs, vector);
}

void traps_init(void)
{
	extern char idt_stub_0[], idt_stub_1[], idt_stub_2[], idt_stub_3[], idt_stub_4[],
		idt_stub_5[], idt_stub_6[], idt_stub_7[], idt_stub_8[], idt_stub_9[],
		idt_stub_10[], idt_stub_11[], idt_stub_12[], idt_stub_13[], idt_stub_14[],
		idt_stub_15[], idt_stub_16[], idt_stub_17[], idt_stub_18[], idt_stub_19[],
		idt_stub_20[], idt_stub_21[], idt_stub_22[], idt_stub_23[], idt_stub_24[],
		idt_stub_25[], idt_stub_26[], idt_stub_27[], idt_stub_28[], idt_stub_29[],
		idt_stub_30[], idt_stub_31[], idt_stub_32[], idt_stub_33[], idt_stub_34[],
		idt_stub_35[], idt_stub_36[], idt_stub_37[], idt_stub_38[], idt_stub_39[],
		idt_stub_40[], idt_stub_41[], idt_stub_42[], idt_stub_43[], idt_stub_44[],
		idt_stub_45[], idt_stub_46[], idt_stub_47[], entry_INT80_compat[];
	static void *const stubs[48] = {
		idt_stub_0, idt_stub_1, idt_stub_2, idt_stub_3, idt_stub_4, idt_stub_5,
		idt_stub_6, idt_stub_7, idt_stub_8, idt_stub_9, idt_stub_10, idt_stub_11,
		idt_stub_12, idt_stub_13, idt_stub_14, idt_stub_15, idt_stub_16, idt_stub_17,
		idt_stub_18, idt_stub_19, idt_stub_20, idt_stub_21, idt_stub_22, idt_stub_23,
		idt_stub_24, idt_stub_25, idt_stub_26, idt_stub_27, idt_stub_28, idt_stub_29,
		idt_stub_30, idt_stub_31, idt_stub_32, idt_stub_33, idt_stub_34, idt_stub_35,
		idt_stub_36, idt_stub_37, idt_stub_38, idt_stub_39, idt_stub_40, idt_stub_41,
		idt_stub_42, idt_stub_43, idt_stub_44, idt_stub_45, idt_stub_46, idt_stub_47,
	};
	for (unsigned v = 0; v < 48; v++) {
		/* int3 and into must be usable from ring 3, like Linux. */
		unsigned dpl = (v == 3 || v == 4) ? 3 : 0;
		unsigned ist = v == 8 ? 1 : 0;   /* double fault on its own stack */
		set_intr_gate(v, stubs[v], dpl, ist);
	}
	set_intr_gate(0x80, entry_INT80_compat, 3, 0);
	idt_load();
}
