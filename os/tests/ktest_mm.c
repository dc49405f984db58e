/* In-kernel tests of the memory code: pages, the heap, address spaces and
 * the user-access helpers (every bad pointer must give -EFAULT). */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include <ringside/mm.h>
#include <ringside/uaccess.h>
#include <ringside/errno.h>
#include <asm/thread_info.h>

KTEST(page_alloc_returns_zeroed_distinct_pages)
{
	unsigned long before = nr_free_pages();
	char *a = alloc_page(), *b = alloc_page();
	KEXPECT(a && b && a != b, "a=%p b=%p", a, b);
	KEXPECT(((unsigned long)a & ~PAGE_MASK) == 0, "a=%p not page aligned", a);
	bool zero = true;
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		zero &= a[i] == 0;
	KEXPECT(zero, "fresh page not zeroed");
	KEXPECT(nr_free_pages() == before - 2, "free count %lu, expected %lu", nr_free_pages(), before - 2);
	free_page(a);
	free_page(b);
	KEXPECT(nr_free_pages() == before, "pages leaked");
}

KTEST(alloc_pages_aligns_kernel_stacks)
{
	void *s = alloc_pages(THREAD_SIZE_ORDER);
	KEXPECT(s && ((unsigned long)s & (THREAD_SIZE - 1)) == 0, "stack %p not THREAD_SIZE aligned", s);
	free_pages(s, THREAD_SIZE_ORDER);
}

KTEST(kmalloc_sizes_and_reuse)
{
	static const size_t sizes[] = { 1, 16, 17, 100, 1000, 2032, 2033, 5000, 70000 };
	void *p[ARRAY_SIZE(sizes)];
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		KEXPECT(p[i] != NULL, "kmalloc(%lu) failed", sizes[i]);
		if (p[i])
			memset(p[i], 0xa5, sizes[i]);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(p[i]);
	void *q = kmalloc(100);
	KEXPECT(q == p[3], "freed 100-byte block not reused (%p vs %p)", q, p[3]);
	kfree(q);
	KEXPECT(kmalloc(0) == NULL, "kmalloc(0) should fail");
}

/* A scratch address space, made current for the duration of a test. */
static struct mm_struct *enter_test_mm(void)
{
	struct mm_struct *mm = mm_create();
	if (mm)
		switch_mm(mm);
	return mm;
}

static void leave_test_mm(struct mm_struct *mm)
{
	switch_mm(NULL);
	mm_destroy(mm);
}

KTEST(uaccess_copies_and_faults)
{
	struct mm_struct *mm = enter_test_mm();
	KEXPECT(mm != NULL, "no mm");
	if (!mm)
		return;
	const unsigned long base = 0x40000000;
	KEXPECT(vm_map_region(mm, base, PAGE_SIZE, PROT_READ | PROT_WRITE) == 0, "map failed");
	char buf[32] = "ringside";
	KEXPECT(copy_to_user((void *)base, buf, 9) == 0, "copy_to_user to a mapped page");
	char back[32] = { 0 };
	KEXPECT(copy_from_user(back, (void *)base, 9) == 0 && !strcmp(back, "ringside"), "round trip: %s", back);
	KEXPECT(copy_from_user(back, (void *)(base + PAGE_SIZE), 1) == -EFAULT, "unmapped page");
	KEXPECT(copy_from_user(back, (void *)(base + PAGE_SIZE - 4), 8) == -EFAULT, "range crossing into unmapped");
	KEXPECT(copy_from_user(back, (void *)0, 1) == -EFAULT, "NULL");
	KEXPECT(copy_from_user(back, (void *)KERNEL_VMA, 1) == -EFAULT, "kernel address");
	KEXPECT(copy_to_user((void *)~0UL, buf, 2) == -EFAULT, "wrapping range");
	KEXPECT(copy_to_user((void *)(TASK_SIZE_MAX - 1), buf, 2) == -EFAULT, "range past TASK_SIZE_MAX");
	long n = strncpy_from_user(back, (const char *)base, sizeof(back));
	KEXPECT(n == 8, "strncpy_from_user length %ld", n);
	KEXPECT(strncpy_from_user(back, (const char *)base, 4) == -ENAMETOOLONG, "too long");
	KEXPECT(strncpy_from_user(back, (const char *)(base + PAGE_SIZE), 4) == -EFAULT, "unmapped string");
	int v = 0;
	KEXPECT(put_user(1234, (int *)base) == 0 && get_user(v, (int *)base) == 0 && v == 1234, "get/put_user %d", v);
	KEXPECT(get_user(v, (int *)(base + PAGE_SIZE)) == -EFAULT, "get_user unmapped");
	leave_test_mm(mm);
}

KTEST(vm_unmap_splits_areas)
{
	struct mm_struct *mm = enter_test_mm();
	if (!mm)
		return;
	const unsigned long base = 0x50000000;
	KEXPECT(vm_map_region(mm, base, 4 * PAGE_SIZE, PROT_READ) == 0, "map 4 pages");
	KEXPECT(vm_map_region(mm, base + PAGE_SIZE, PAGE_SIZE, PROT_READ) == -EEXIST, "overlap refused");
	KEXPECT(vm_unmap_region(mm, base + PAGE_SIZE, PAGE_SIZE) == 0, "unmap the second page");
	KEXPECT(find_vma(mm, base) && find_vma(mm, base + 2 * PAGE_SIZE), "both halves remain");
	KEXPECT(!find_vma(mm, base + PAGE_SIZE), "hole is gone");
	KEXPECT(walk_pte(mm->pgd, base + PAGE_SIZE, false) == NULL ||
		!(*walk_pte(mm->pgd, base + PAGE_SIZE, false) & _PAGE_PRESENT), "pte cleared");
	unsigned long free_at = vm_find_free(mm, 2 * PAGE_SIZE, USER_MMAP_BASE);
	KEXPECT(free_at && free_at + 2 * PAGE_SIZE <= USER_MMAP_BASE, "find_free %#lx", free_at);
	leave_test_mm(mm);
}

KTEST(exception_table_names_every_uaccess_fixup)
{
	extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];
	KEXPECT(__stop___ex_table - __start___ex_table >= 3, "only %ld entries",
		(long)(__stop___ex_table - __start___ex_table));
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		KEXPECT(search_exception_tables(e->insn) == e->fixup, "entry %#lx", e->insn);
	KEXPECT(search_exception_tables((unsigned long)kmalloc) == 0, "kmalloc has no fixup");
}
