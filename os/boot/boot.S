/* boot.S: from the multiboot loader (32-bit protected mode, paging off) to
 * kmain() in 64-bit long mode in the higher half.
 *
 * QEMU's -kernel loads a multiboot image. It refuses ELF64 files unless the
 * header carries the load addresses itself (the "a.out kludge", flag bit 16),
 * so the header below gives them and QEMU copies the file as a flat image to
 * physical 1 MiB. The kernel is linked at KERNEL_VMA + 1 MiB; until paging is
 * on, every address used here is a physical one: symbol - KERNEL_VMA. */
#include <asm/segment.h>
#include <asm/thread_info.h>

#define KERNEL_VMA 0xffffffff80000000
#define PHYS(sym) ((sym) - KERNEL_VMA)

#define MB_MAGIC       0x1badb002
#define MB_PAGE_ALIGN  (1 << 0)    /* modules on page boundaries */
#define MB_MEMORY_INFO (1 << 1)    /* we want mem_lower/mem_upper */
#define MB_AOUT_KLUDGE (1 << 16)   /* the address fields below are valid */
#define MB_FLAGS       (MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_AOUT_KLUDGE)

	.section .multiboot, "a"
	.balign 4
multiboot_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long PHYS(multiboot_header)   /* header_addr */
	.long PHYS(_kernel_start)      /* load_addr: first byte of the image */
	.long PHYS(_edata)             /* load_end_addr: end of initialised data */
	.long PHYS(_end)               /* bss_end_addr: the loader zeroes up to here */
	.long PHYS(_start32)           /* entry_addr */

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl $PHYS(boot_stack_top), %esp
	/* eax = loader magic, ebx = multiboot info (physical): kept in edi/esi
	 * until kmain takes them as arguments. */
	movl %eax, %edi
	movl %ebx, %esi

	/* One page directory of 2 MiB pages maps physical 0..1 GiB. It is
	 * reached three ways: identity (only until kmain drops it), the direct
	 * map at PAGE_OFFSET, and the kernel image at -2 GiB. */
	movl $PHYS(boot_pd), %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax                  /* present | writable | 2 MiB page */
	movl %eax, (%ebx, %ecx, 8)
	movl $0, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jne 1b

	movl $PHYS(boot_pd) + 3, %eax
	movl %eax, PHYS(boot_pdpt_low)           /* pdpt_low[0]: 0..1 GiB */
	movl %eax, PHYS(boot_pdpt_direct)        /* pdpt_direct[0]: PAGE_OFFSET */
	movl %eax, PHYS(boot_pdpt_high) + 510*8  /* pdpt_high[510]: -2 GiB */
	movl $PHYS(boot_pdpt_low) + 3, %eax
	movl %eax, PHYS(boot_pml4)               /* pml4[0] */
	movl $PHYS(boot_pdpt_direct) + 3, %eax
	movl %eax, PHYS(boot_pml4) + 273*8       /* pml4[273]: 0xffff888000000000 */
	movl $PHYS(boot_pdpt_high) + 3, %eax
	movl %eax, PHYS(boot_pml4) + 511*8       /* pml4[511]: 0xffffff8000000000 */

	/* Long mode: PAE on, CR3 loaded, EFER.LME (and NXE) set, then paging. */
	movl %cr4, %eax
	orl $(1 << 5), %eax
	movl %eax, %cr4
	movl $PHYS(boot_pml4), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax        /* LME | NXE */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax   /* PG | WP | PE */
	movl %eax, %cr0

	lgdt PHYS(boot_gdt_desc)
	ljmp $__KERNEL_CS, $PHYS(long_mode_entry)

	.code64
long_mode_entry:
	movabsq $higher_half, %rax
	jmp *%rax
higher_half:
	movl $__KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	/* The idle task's stack: the THREAD_SIZE-aligned block at the top of
	 * init_stack_region (the region is only page aligned, so that the
	 * image's file layout keeps the multiboot header in its first 8 KiB). */
	movabsq $init_stack_region + 2 * THREAD_SIZE, %rsp
	andq $~(THREAD_SIZE - 1), %rsp
	xorl %ebp, %ebp              /* ends the frame-pointer chain for backtraces */
	/* kmain(magic, multiboot_info_phys) */
	call kmain
2:	hlt
	jmp 2b

	.section .rodata
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff     /* __KERNEL32_CS */
	.quad 0x00af9a000000ffff     /* __KERNEL_CS: 64-bit code */
	.quad 0x00cf92000000ffff     /* __KERNEL_DS */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)

	/* The page tables and the first kernel stack live in .bss, which the
	 * loader zeroes. The idle task's stack is carved from
	 * init_stack_region: THREAD_SIZE aligned, thread_info at the bottom
	 * like every other task's. */
	.section .bss
	.balign 4096
	.globl boot_pml4
boot_pml4:        .skip 4096
boot_pdpt_low:    .skip 4096
boot_pdpt_direct: .skip 4096
boot_pdpt_high:   .skip 4096
boot_pd:          .skip 4096
	.globl init_stack_region
init_stack_region:
	.skip 2 * THREAD_SIZE
	.skip 256
boot_stack_top:      /* only used by the 32-bit code, before long mode */
