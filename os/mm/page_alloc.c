/* The physical page allocator: one bit per 4 KiB page of RAM, set when the
 * page is in use. Small and obviously correct rather than fast: a search
 * starts where the last one ended. */
#include <ringside/kernel.h>
#include <ringside/mm.h>
#include <asm/x86.h>

#define MAX_PAGES (1UL << 18)          /* 1 GiB: all the direct map covers */
static u64 bitmap[MAX_PAGES / 64];
static unsigned long nr_pages, free_count, next_hint;

static bool page_used(unsigned long pfn) { return bitmap[pfn / 64] >> (pfn % 64) & 1; }
static void mark_used(unsigned long pfn) { bitmap[pfn / 64] |= 1UL << (pfn % 64); }
static void mark_free(unsigned long pfn) { bitmap[pfn / 64] &= ~(1UL << (pfn % 64)); }

/* Everything below reserved_end (BIOS area, the kernel image) and the
 * initramfs module stays reserved; the rest up to mem_end is free. */
void page_alloc_init(unsigned long mem_end, unsigned long reserved_end,
		     unsigned long mod_start, unsigned long mod_end)
{
	nr_pages = min(mem_end / PAGE_SIZE, MAX_PAGES);
	memset(bitmap, 0xff, sizeof(bitmap));
	for (unsigned long pfn = PAGE_ALIGN(reserved_end) / PAGE_SIZE; pfn < nr_pages; pfn++) {
		unsigned long pa = pfn * PAGE_SIZE;
		if (pa + PAGE_SIZE > mod_start && pa < mod_end)
			continue;
		mark_free(pfn);
		free_count++;
	}
}

void *alloc_pages(unsigned order)
{
	unsigned long count = 1UL << order;
	unsigned long flags = local_irq_save();
	for (unsigned long tries = 0; tries < 2; tries++) {
		unsigned long start = tries ? 0 : next_hint;
		for (unsigned long pfn = start & ~(count - 1); pfn + count <= nr_pages; pfn += count) {
			unsigned long i;
			for (i = 0; i < count && !page_used(pfn + i); i++)
				;
			if (i < count)
				continue;
			for (i = 0; i < count; i++)
				mark_used(pfn + i);
			free_count -= count;
			next_hint = pfn + count;
			local_irq_restore(flags);
			void *p = __va(pfn * PAGE_SIZE);
			memset(p, 0, count * PAGE_SIZE);
			return p;
		}
	}
	local_irq_restore(flags);
	return NULL;
}

void free_pages(void *p, unsigned order)
{
	unsigned long pfn = __pa(p) / PAGE_SIZE;
	unsigned long flags = local_irq_save();
	for (unsigned long i = 0; i < (1UL << order); i++) {
		BUG_ON(!page_used(pfn + i));
		mark_free(pfn + i);
		free_count++;
	}
	local_irq_restore(flags);
}

void *alloc_page(void) { return alloc_pages(0); }
void free_page(void *page) { free_pages(page, 0); }
unsigned long nr_free_pages(void) { return free_count; }
