/* Page tables and user address spaces. The upper half (kernel image, direct
 * map) is shared: every process's PML4 copies the kernel's entries 256-511.
 * The lower half is the process's own, described by a sorted list of
 * vm_areas whose pages are allocated when the area is created (no demand
 * paging, no copy-on-write: simple to read, and enough for a teaching kernel). */
#include <ringside/kernel.h>
#include <ringside/mm.h>
#include <ringside/errno.h>
#include <ringside/uprobes.h>
#include <asm/x86.h>

u64 *kernel_pgd;
extern u64 boot_pml4[];

void vm_init(void)
{
	kernel_pgd = boot_pml4;
	/* The identity map of the first GiB was only for the jump to the
	 * higher half; drop it so that user space starts empty. */
	kernel_pgd[0] = 0;
	write_cr3(__pa(kernel_pgd));
}

/* The PTE for va in pgd, creating missing tables when asked. */
u64 *walk_pte(u64 *pgd, unsigned long va, bool create)
{
	u64 *table = pgd;
	for (int level = 3; level > 0; level--) {
		unsigned idx = (va >> (12 + 9 * level)) & 511;
		if (!(table[idx] & _PAGE_PRESENT)) {
			if (!create)
				return NULL;
			u64 *next = alloc_page();
			if (!next)
				return NULL;
			table[idx] = __pa(next) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;
		}
		if (table[idx] & _PAGE_PSE)
			return NULL;
		table = __va(table[idx] & PTE_ADDR_MASK);
	}
	return &table[(va >> 12) & 511];
}

static u64 prot_to_pte(unsigned long prot)
{
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return _PAGE_PROTNONE | _PAGE_USER | _PAGE_NX;   /* no access at all */
	u64 pte = _PAGE_PRESENT | _PAGE_USER;
	if (prot & PROT_WRITE)
		pte |= _PAGE_RW;
	if (!(prot & PROT_EXEC))
		pte |= _PAGE_NX;
	return pte;
}

struct mm_struct *mm_create(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	mm->pgd = alloc_page();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	for (int i = 256; i < 512; i++)
		mm->pgd[i] = kernel_pgd[i];
	mm->users = 1;
	return mm;
}

void mm_put(struct mm_struct *mm)
{
	if (mm && --mm->users == 0)
		mm_destroy(mm);
}

static bool mm_is_current(struct mm_struct *mm)
{
	return read_cr3() == __pa(mm->pgd);
}

/* Unmap [start, end) from the page tables and free the pages. */
static void unmap_pages(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	bool flush = mm_is_current(mm);
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		u64 *pte = walk_pte(mm->pgd, va, false);
		if (!pte || !pte_has_page(*pte))
			continue;
		free_page(__va(*pte & PTE_ADDR_MASK));
		*pte = 0;
		if (flush)
			invlpg(va);
	}
}

void mm_destroy(struct mm_struct *mm)
{
	BUG_ON(mm_is_current(mm));
	uprobe_free_mmap(mm);
	struct vm_area *v = mm->vmas;
	while (v) {
		struct vm_area *next = v->next;
		unmap_pages(mm, v->start, v->end);
		kfree(v);
		v = next;
	}
	/* Page-table pages: levels 2 and 1 hang below the user PML4 entries. */
	for (int i = 0; i < 256; i++) {
		if (!(mm->pgd[i] & _PAGE_PRESENT))
			continue;
		u64 *pdpt = __va(mm->pgd[i] & PTE_ADDR_MASK);
		for (int j = 0; j < 512; j++) {
			if (!(pdpt[j] & _PAGE_PRESENT))
				continue;
			u64 *pd = __va(pdpt[j] & PTE_ADDR_MASK);
			for (int k = 0; k < 512; k++)
				if (pd[k] & _PAGE_PRESENT)
					free_page(__va(pd[k] & PTE_ADDR_MASK));
			free_page(pd);
		}
		free_page(pdpt);
	}
	free_page(mm->pgd);
	kfree(mm);
}

struct vm_area *find_vma(struct mm_struct *mm, unsigned long addr)
{
	for (struct vm_area *v = mm->vmas; v; v = v->next)
		if (addr >= v->start && addr < v->end)
			return v;
	return NULL;
}

bool vm_range_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (struct vm_area *v = mm->vmas; v; v = v->next)
		if (start < v->end && v->start < end)
			return false;
	return true;
}

static void insert_vma(struct mm_struct *mm, struct vm_area *n)
{
	struct vm_area **pp = &mm->vmas;
	while (*pp && (*pp)->start < n->start)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
}

/* Map [start, start+len) with fresh zeroed pages. The range must be free. */
int vm_map_region(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot)
{
	unsigned long end = start + len;
	if ((start | len) & ~PAGE_MASK || end <= start || end > TASK_SIZE_MAX)
		return -EINVAL;
	if (!vm_range_free(mm, start, end))
		return -EEXIST;
	struct vm_area *v = kzalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->start = start;
	v->end = end;
	v->prot = prot;
	u64 flags = prot_to_pte(prot);
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		u64 *pte = walk_pte(mm->pgd, va, true);
		void *page = pte ? alloc_page() : NULL;
		if (!page) {
			unmap_pages(mm, start, va);
			kfree(v);
			return -ENOMEM;
		}
		*pte = __pa(page) | flags;
	}
	insert_vma(mm, v);
	return 0;
}

/* Remove [start, start+len) from whatever areas it touches, splitting them. */
int vm_unmap_region(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end = start + len;
	if ((start | len) & ~PAGE_MASK || end <= start || end > TASK_SIZE_MAX)
		return -EINVAL;
	struct vm_area **pp = &mm->vmas;
	while (*pp) {
		struct vm_area *v = *pp;
		if (v->end <= start || v->start >= end) {
			pp = &v->next;
			continue;
		}
		unsigned long cut_start = max(v->start, start), cut_end = min(v->end, end);
		unmap_pages(mm, cut_start, cut_end);
		if (cut_start > v->start && cut_end < v->end) {
			struct vm_area *tail = kzalloc(sizeof(*tail));
			if (!tail)
				return -ENOMEM;
			tail->start = cut_end;
			tail->end = v->end;
			tail->prot = v->prot;
			tail->next = v->next;
			v->end = cut_start;
			v->next = tail;
			pp = &tail->next;
		} else if (cut_start > v->start) {
			v->end = cut_start;
			pp = &v->next;
		} else if (cut_end < v->end) {
			v->start = cut_end;
			pp = &v->next;
		} else {
			*pp = v->next;
			kfree(v);
		}
	}
	return 0;
}

/* A free range of len bytes, searching down from top; 0 if none. The
 * lowest 256 MiB stay free (program text, brk heap). */
unsigned long vm_find_free(struct mm_struct *mm, unsigned long len, unsigned long top)
{
	const unsigned long floor = 0x10000000UL;
	while (top >= len + floor) {
		unsigned long start = top - len, lowest_clash = 0;
		for (struct vm_area *v = mm->vmas; v; v = v->next)
			if (start < v->end && v->start < top && (!lowest_clash || v->start < lowest_clash))
				lowest_clash = v->start;
		if (!lowest_clash)
			return start;
		top = lowest_clash;
	}
	return 0;
}

/* Copy a whole address space (fork): every area, page by page. */
struct mm_struct *mm_copy(struct mm_struct *old)
{
	struct mm_struct *mm = mm_create();
	if (!mm)
		return NULL;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->stack_bottom = old->stack_bottom;
	for (struct vm_area *v = old->vmas; v; v = v->next) {
		if (vm_map_region(mm, v->start, v->end - v->start, v->prot) < 0) {
			mm_destroy(mm);
			return NULL;
		}
		for (unsigned long va = v->start; va < v->end; va += PAGE_SIZE) {
			u64 *src = walk_pte(old->pgd, va, false);
			u64 *dst = walk_pte(mm->pgd, va, false);
			memcpy(__va(*dst & PTE_ADDR_MASK), __va(*src & PTE_ADDR_MASK), PAGE_SIZE);
		}
	}
	/* The copied text holds the probes' int3s: the child needs them too. */
	if (uprobe_dup_mmap(mm, old)) {
		mm_destroy(mm);
		return NULL;
	}
	return mm;
}

void switch_mm(struct mm_struct *mm)
{
	unsigned long pa = __pa(mm ? mm->pgd : kernel_pgd);
	if (read_cr3() != pa)
		write_cr3(pa);
}

/* Write into another address space through the direct map (exec builds the
 * new image before switching to it). The range must be mapped. */
int copy_to_mm(struct mm_struct *mm, unsigned long dst, const void *src, size_t n)
{
	const char *s = src;
	while (n) {
		u64 *pte = walk_pte(mm->pgd, dst, false);
		if (!pte || !(*pte & _PAGE_PRESENT))
			return -EFAULT;
		size_t chunk = min(n, PAGE_SIZE - (dst & ~PAGE_MASK));
		memcpy((char *)__va(*pte & PTE_ADDR_MASK) + (dst & ~PAGE_MASK), s, chunk);
		dst += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

/* Split the area holding addr so that one area starts exactly at addr. */
static int split_vma_at(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area *v = find_vma(mm, addr);
	if (!v || v->start == addr)
		return 0;
	struct vm_area *tail = kzalloc(sizeof(*tail));
	if (!tail)
		return -ENOMEM;
	tail->start = addr;
	tail->end = v->end;
	tail->prot = v->prot;
	tail->next = v->next;
	v->end = addr;
	v->next = tail;
	return 0;
}

/* Is [start, end) covered by areas with no hole between them? */
bool vm_range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	while (start < end) {
		struct vm_area *v = find_vma(mm, start);
		if (!v)
			return false;
		start = v->end;
	}
	return true;
}

/* mprotect's work: give [start, end) the protection prot, splitting the
 * areas at the edges and rewriting the PTEs. The range must be mapped. */
int vm_protect(struct mm_struct *mm, unsigned long start, unsigned long end, unsigned long prot)
{
	/* Like Linux, change the areas up to the first hole, then report it. */
	unsigned long reached = start;
	while (reached < end) {
		struct vm_area *v = find_vma(mm, reached);
		if (!v)
			break;
		reached = v->end;
	}
	if (reached == start)
		return -ENOMEM;
	int result = reached < end ? -ENOMEM : 0;
	end = min(end, reached);
	int err = split_vma_at(mm, start);
	if (!err && end < TASK_SIZE_MAX)
		err = split_vma_at(mm, end);
	if (err)
		return err;
	bool flush = mm_is_current(mm);
	u64 flags = prot_to_pte(prot);
	for (struct vm_area *v = mm->vmas; v; v = v->next) {
		if (v->start < start || v->end > end)
			continue;
		v->prot = prot;
		for (unsigned long va = v->start; va < v->end; va += PAGE_SIZE) {
			u64 *pte = walk_pte(mm->pgd, va, false);
			if (!pte || !pte_has_page(*pte))
				continue;
			*pte = (*pte & PTE_ADDR_MASK) | flags;
			if (flush)
				invlpg(va);
		}
	}
	return result;
}

/* Copy n bytes between two page-aligned ranges of the same address space
 * through the direct map (both are mapped). */
void vm_copy_pages(struct mm_struct *mm, unsigned long dst, unsigned long src, unsigned long n)
{
	for (unsigned long off = 0; off < n; off += PAGE_SIZE) {
		u64 *s = walk_pte(mm->pgd, src + off, false);
		u64 *d = walk_pte(mm->pgd, dst + off, false);
		if (s && d && pte_has_page(*s) && pte_has_page(*d))
			memcpy(__va(*d & PTE_ADDR_MASK), __va(*s & PTE_ADDR_MASK), PAGE_SIZE);
	}
}

/* madvise(MADV_DONTNEED) on private anonymous memory: the pages read as
 * zeroes afterwards. */
void vm_zero_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		u64 *pte = walk_pte(mm->pgd, va, false);
		if (pte && pte_has_page(*pte))
			memset(__va(*pte & PTE_ADDR_MASK), 0, PAGE_SIZE);
	}
}
