/* Memory: the physical page allocator (mm/page_alloc.c), the kernel heap
 * (mm/kmalloc.c), page tables and user address spaces (mm/vm.c). */
#ifndef RINGSIDE_MM_H
#define RINGSIDE_MM_H
#include <ringside/types.h>
#include <ringside/kernel.h>

struct uprobe;

/* Page-table entry bits. */
#define _PAGE_PRESENT (1UL << 0)
#define _PAGE_RW      (1UL << 1)
#define _PAGE_USER    (1UL << 2)
#define _PAGE_PSE     (1UL << 7)
#define _PAGE_GLOBAL  (1UL << 8)
#define _PAGE_PROTNONE (1UL << 9)  /* software bit: a PROT_NONE page, not present to the CPU */
#define _PAGE_NX      (1UL << 63)
/* A PTE that holds a page of ours (present, or present but PROT_NONE). */
#define pte_has_page(pte) ((pte) & (_PAGE_PRESENT | _PAGE_PROTNONE))
#define PTE_ADDR_MASK 0x000ffffffffff000UL

/* The user half of the address space ends here (47-bit canonical). */
#define TASK_SIZE_MAX   0x00007ffffffff000UL
#define USER_STACK_TOP  0x00007ffffffff000UL
#define USER_STACK_SIZE (128UL * 1024)
#define USER_MMAP_BASE  0x00007f0000000000UL  /* mmap grows down from here */
/* An i386 task's TASK_SIZE (Linux 4.3's IA32_PAGE_OFFSET, TIF_ADDR32): its
 * mappings stay below it, so every address fits in 32 bits. */
#define IA32_PAGE_OFFSET 0xffffe000UL

/* mmap prot/flags (Linux values). */
#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20

/* A region of a user address space; pages inside it are mapped eagerly. */
struct vm_area {
	unsigned long start, end;     /* [start, end), page aligned */
	unsigned long prot;           /* PROT_* */
	struct vm_area *next;         /* sorted by address */
};

struct mm_struct {
	u64 *pgd;                     /* PML4, a kernel virtual address */
	struct vm_area *vmas;
	unsigned long start_brk, brk; /* the heap: [start_brk, brk) */
	unsigned long stack_bottom;
	struct uprobe *uprobes;       /* probes planted in this address space */
	int users;                    /* tasks using it: more than 1 only during a vfork */
};

void page_alloc_init(unsigned long mem_end, unsigned long reserved_end,
		     unsigned long mod_start, unsigned long mod_end);
void *alloc_page(void);                    /* zeroed, kernel virtual address, or NULL */
void free_page(void *page);
void *alloc_pages(unsigned order);         /* 2^order contiguous, aligned to their size */
void free_pages(void *p, unsigned order);
unsigned long nr_free_pages(void);

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);

extern u64 *kernel_pgd;
void vm_init(void);
struct mm_struct *mm_create(void);
void mm_destroy(struct mm_struct *mm);
void mm_put(struct mm_struct *mm);         /* drop a user; destroy with the last */
struct mm_struct *mm_copy(struct mm_struct *old);
void switch_mm(struct mm_struct *mm);
int vm_map_region(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot);
int vm_unmap_region(struct mm_struct *mm, unsigned long start, unsigned long len);
struct vm_area *find_vma(struct mm_struct *mm, unsigned long addr);
bool vm_range_free(struct mm_struct *mm, unsigned long start, unsigned long end);
unsigned long vm_find_free(struct mm_struct *mm, unsigned long len, unsigned long top);
u64 *walk_pte(u64 *pgd, unsigned long va, bool create);
bool vm_range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end);
int vm_protect(struct mm_struct *mm, unsigned long start, unsigned long end, unsigned long prot);
void vm_copy_pages(struct mm_struct *mm, unsigned long dst, unsigned long src, unsigned long n);
void vm_zero_range(struct mm_struct *mm, unsigned long start, unsigned long end);
int copy_to_mm(struct mm_struct *mm, unsigned long dst, const void *src, size_t n);
#endif
