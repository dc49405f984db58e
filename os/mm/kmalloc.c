/* The kernel heap: power-of-two size classes from 32 bytes to 2 KiB, each a
 * free list carved from whole pages; larger requests get their own pages.
 * A 16-byte header in front of each block remembers its class. */
#include <ringside/kernel.h>
#include <ringside/mm.h>
#include <asm/x86.h>

#define MIN_SHIFT 5
#define MAX_SHIFT 11
#define HEADER 16

struct free_block { struct free_block *next; };
static struct free_block *free_lists[MAX_SHIFT + 1];

struct header { unsigned long shift; unsigned long order; };

void *kmalloc(size_t size)
{
	if (!size || size > (1UL << 30))
		return NULL;
	size_t need = size + HEADER;
	if (need > (1UL << MAX_SHIFT)) {
		unsigned order = 0;
		while ((PAGE_SIZE << order) < need)
			order++;
		struct header *h = alloc_pages(order);
		if (!h)
			return NULL;
		h->shift = 0;
		h->order = order;
		return (char *)h + HEADER;
	}
	unsigned shift = MIN_SHIFT;
	while ((1UL << shift) < need)
		shift++;
	unsigned long flags = local_irq_save();
	if (!free_lists[shift]) {
		char *page = alloc_page();
		if (!page) {
			local_irq_restore(flags);
			return NULL;
		}
		for (size_t off = 0; off < PAGE_SIZE; off += 1UL << shift) {
			struct free_block *b = (struct free_block *)(page + off);
			b->next = free_lists[shift];
			free_lists[shift] = b;
		}
	}
	struct free_block *b = free_lists[shift];
	free_lists[shift] = b->next;
	local_irq_restore(flags);
	struct header *h = (struct header *)b;
	h->shift = shift;
	h->order = 0;
	return (char *)h + HEADER;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct header *h = (struct header *)((char *)p - HEADER);
	if (!h->shift) {
		free_pages(h, h->order);
		return;
	}
	unsigned long shift = h->shift;   /* the free-list link overwrites the header */
	BUG_ON(shift < MIN_SHIFT || shift > MAX_SHIFT);
	unsigned long flags = local_irq_save();
	struct free_block *b = (struct free_block *)h;
	b->next = free_lists[shift];
	free_lists[shift] = b;
	local_irq_restore(flags);
}
