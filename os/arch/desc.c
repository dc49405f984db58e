/* Descriptor tables: the GDT (with the user segments SYSRET needs), the TSS
 * (the kernel stack the CPU switches to on an interrupt from user mode), and
 * the IDT. */
#include <ringside/kernel.h>
#include <ringside/percpu.h>
#include <asm/segment.h>
#include <asm/x86.h>
#include <asm/desc.h>

struct tss_struct {
	u32 reserved0;
	u64 rsp[3];      /* rsp[0]: the stack for entries from ring 3 */
	u64 reserved1;
	u64 ist[7];      /* interrupt stacks: ist[0] (IST1) for double faults */
	u64 reserved2;
	u16 reserved3;
	u16 io_bitmap_base;
} __attribute__((packed));

static struct tss_struct tss __attribute__((aligned(64)));
static u8 double_fault_stack[4096] __attribute__((aligned(16)));

static u64 gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[GDT_ENTRY_KERNEL32_CS] = 0x00cf9a000000ffffUL,
	[GDT_ENTRY_KERNEL_CS]   = 0x00af9a000000ffffUL, /* L=1: 64-bit code */
	[GDT_ENTRY_KERNEL_DS]   = 0x00cf92000000ffffUL,
	[GDT_ENTRY_USER32_CS]   = 0x00cffa000000ffffUL, /* DPL 3 */
	[GDT_ENTRY_USER_DS]     = 0x00cff2000000ffffUL,
	[GDT_ENTRY_USER_CS]     = 0x00affa000000ffffUL,
};

struct gate_desc {
	u16 offset_low;
	u16 segment;
	u8 ist;
	u8 type;         /* P | DPL | 0xe (64-bit interrupt gate) */
	u16 offset_middle;
	u32 offset_high;
	u32 reserved;
} __attribute__((packed));

static struct gate_desc idt[256] __attribute__((aligned(16)));

struct desc_ptr { u16 size; u64 address; } __attribute__((packed));

static void set_tss_descriptor(void)
{
	u64 base = (u64)&tss, limit = sizeof(tss) - 1;
	gdt[GDT_ENTRY_TSS] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			     (0x89UL << 40) | (((limit >> 16) & 0xf) << 48) |
			     (((base >> 24) & 0xff) << 56);
	gdt[GDT_ENTRY_TSS + 1] = base >> 32;
}

void set_intr_gate(unsigned vector, void *handler, unsigned dpl, unsigned ist)
{
	u64 addr = (u64)handler;
	idt[vector] = (struct gate_desc){
		.offset_low = addr & 0xffff,
		.segment = __KERNEL_CS,
		.ist = ist,
		.type = 0x8e | (dpl << 5),
		.offset_middle = (addr >> 16) & 0xffff,
		.offset_high = addr >> 32,
	};
}

/* The running task's three TLS descriptors into the GDT (Linux's
 * load_TLS): a selector loaded after this finds them. */
void load_TLS(const u64 *tls_array)
{
	for (int i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
		gdt[GDT_ENTRY_TLS_MIN + i] = tls_array[i];
}

/* Load the user's gs selector from kernel mode (Linux's native_load_gs_index):
 * a selector load also loads the base, and in the kernel GS's base is the
 * per-CPU area's, so the load happens between two swapgs, IRQs off, and the
 * user's base ends up in MSR_KERNEL_GS_BASE where the way out expects it. */
void load_gs_index(u16 sel)
{
	unsigned long flags = local_irq_save();
	__asm__ volatile("swapgs\n\tmovw %0, %%gs\n\tswapgs" :: "r"(sel) : "memory");
	local_irq_restore(flags);
}

void load_sp0(unsigned long sp0)
{
	tss.rsp[0] = sp0;
}

void gdt_init(void)
{
	set_tss_descriptor();
	tss.ist[0] = (u64)double_fault_stack + sizeof(double_fault_stack);
	tss.io_bitmap_base = sizeof(tss);
	struct desc_ptr gp = { sizeof(gdt) - 1, (u64)gdt };
	__asm__ volatile("lgdt %0" :: "m"(gp));
	/* Reload every segment register from the new table; CS needs a far return. */
	__asm__ volatile(
		"pushq %0\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %1, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		:: "i"(__KERNEL_CS), "i"(__KERNEL_DS) : "rax", "memory");
	__asm__ volatile("ltr %w0" :: "r"(GDT_TSS_SEL));
}

void idt_load(void)
{
	struct desc_ptr ip = { sizeof(idt) - 1, (u64)idt };
	__asm__ volatile("lidt %0" :: "m"(ip));
}
