/* malloc and friends: a boundary-tag allocator on brk with an explicit,
 * doubly linked free list (the design of K&R's and CS:APP's allocators).
 *
 * The heap is one contiguous run of memory above the initial break:
 *
 *   | pad | prologue hdr | prologue ftr | block | block | ... | epilogue hdr |
 *
 * Every block is a multiple of 16 bytes, at least 32, and carries its size
 * (with bit 0 = in use) in an 8-byte header just before the payload and again
 * in an 8-byte footer at its end. The footer lets free() find the previous
 * block in O(1) and merge with it; the permanently "used" prologue and
 * epilogue spare the merge code any edge cases. A free block keeps its list
 * links in its payload. Payloads are 16-byte aligned because each header sits
 * at an address that is 8 mod 16.
 *
 * The heap grows only by moving the break, so a program that also calls
 * sbrk() itself between mallocs gets ENOMEM once the break is not where the
 * heap left it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ALIGNMENT   16UL
#define MIN_BLOCK   32UL              /* header + two links + footer */
#define GROW_CHUNK  (64UL * 1024)     /* brk grows at least this much at a time */
#define IN_USE      1UL

struct free_node {
	struct free_node *next;
	struct free_node *prev;
};

static char *heap_start;   /* first byte we own (16-aligned) */
static char *heap_end;     /* the break: one past the epilogue header */
static struct free_node *free_list;

static size_t *header(void *p) { return (size_t *)((char *)p - 8); }
static size_t block_size(void *p) { return *header(p) & ~(ALIGNMENT - 1); }
static int block_used(void *p) { return *header(p) & IN_USE; }
static size_t *footer(void *p) { return (size_t *)((char *)p + block_size(p) - 16); }
static char *next_block(void *p) { return (char *)p + block_size(p); }
static char *prev_block(void *p)
{
	return (char *)p - (*(size_t *)((char *)p - 16) & ~(ALIGNMENT - 1));
}
static char *first_block(void) { return heap_start + 32; }

static void set_block(void *p, size_t size, size_t used)
{
	*header(p) = size | used;
	*footer(p) = size | used;
}

static void list_insert(void *p)
{
	struct free_node *node = p;

	node->prev = NULL;
	node->next = free_list;
	if (free_list)
		free_list->prev = node;
	free_list = node;
}

static void list_remove(void *p)
{
	struct free_node *node = p;

	if (node->prev)
		node->prev->next = node->next;
	else
		free_list = node->next;
	if (node->next)
		node->next->prev = node->prev;
}

/* Set up the prologue and epilogue at the first 16-aligned address at or
 * above the current break. */
static int heap_init(void)
{
	char *base = sbrk(0);
	size_t pad;

	if (base == (char *)-1)
		return -1;
	pad = (ALIGNMENT - (uintptr_t)base % ALIGNMENT) % ALIGNMENT;
	if (sbrk((long)(pad + 32)) == (void *)-1)
		return -1;
	heap_start = base + pad;
	heap_end = heap_start + 32;
	*(size_t *)(heap_start + 8) = 16 | IN_USE;   /* prologue header */
	*(size_t *)(heap_start + 16) = 16 | IN_USE;  /* prologue footer */
	*(size_t *)(heap_start + 24) = 0 | IN_USE;   /* epilogue header */
	return 0;
}

/* Merge the free block p with free neighbours; put the result on the list. */
static void *coalesce(void *p)
{
	size_t size = block_size(p);
	char *prev = prev_block(p), *next = next_block(p);

	if (!block_used(next)) {
		list_remove(next);
		size += block_size(next);
	}
	if (!block_used(prev)) {
		list_remove(prev);
		size += block_size(prev);
		p = prev;
	}
	set_block(p, size, 0);
	list_insert(p);
	return p;
}

/* Grow the heap by at least bytes; returns the (merged) new free block. */
static void *extend_heap(size_t bytes)
{
	char *old_end;

	if (bytes < GROW_CHUNK)
		bytes = GROW_CHUNK;
	old_end = sbrk((long)bytes);
	if (old_end == (char *)-1)
		return NULL;
	if (old_end != heap_end) {
		/* Someone else moved the break: the heap cannot stay contiguous. */
		sbrk(-(long)bytes);
		errno = ENOMEM;
		return NULL;
	}
	heap_end = old_end + bytes;
	set_block(old_end, bytes, 0);            /* its header is the old epilogue */
	*(size_t *)(heap_end - 8) = 0 | IN_USE;  /* new epilogue */
	return coalesce(old_end);
}

/* Take asize bytes from the free block p, returning the rest to the list. */
static void *place(void *p, size_t asize)
{
	size_t size = block_size(p);

	list_remove(p);
	if (size - asize >= MIN_BLOCK) {
		set_block(p, asize, IN_USE);
		set_block(next_block(p), size - asize, 0);
		list_insert(next_block(p));
	} else {
		set_block(p, size, IN_USE);
	}
	return p;
}

/* The block size for a request of n bytes, or 0 if it cannot be met. */
static size_t adjusted_size(size_t n)
{
	if (n > SIZE_MAX / 2)
		return 0;
	n = (n + 16 + ALIGNMENT - 1) & ~(ALIGNMENT - 1);
	return n < MIN_BLOCK ? MIN_BLOCK : n;
}

void *malloc(size_t n)
{
	size_t asize = adjusted_size(n);
	struct free_node *node;
	void *p;

	if (!asize) {
		errno = ENOMEM;
		return NULL;
	}
	if (!heap_start && heap_init() < 0)
		return NULL;
	for (node = free_list; node; node = node->next)
		if (block_size(node) >= asize)
			return place(node, asize);
	p = extend_heap(asize);
	return p ? place(p, asize) : NULL;
}

void *calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

/* A pointer free() or realloc() may accept: inside the heap, aligned, and
 * marked in use. Anything else is a bug in the caller: stop at once, as
 * glibc does, rather than corrupt the heap. */
static void check_pointer(void *p, const char *who)
{
	char *c = p;

	if (c < first_block() || c >= heap_end || (uintptr_t)c % ALIGNMENT || !block_used(p)) {
		dprintf(2, "%s(): invalid pointer %p\n", who, p);
		abort();
	}
}

void free(void *p)
{
	if (!p)
		return;
	check_pointer(p, "free");
	set_block(p, block_size(p), 0);
	coalesce(p);
}

void *realloc(void *p, size_t n)
{
	size_t asize, size;
	void *copy;

	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	check_pointer(p, "realloc");
	asize = adjusted_size(n);
	if (!asize) {
		errno = ENOMEM;
		return NULL;
	}
	size = block_size(p);
	if (size < asize && !block_used(next_block(p)) &&
	    size + block_size(next_block(p)) >= asize) {
		/* Grow in place into the free block that follows. */
		char *next = next_block(p);

		list_remove(next);
		size += block_size(next);
		set_block(p, size, IN_USE);
	}
	if (size >= asize) {
		if (size - asize >= MIN_BLOCK) {
			set_block(p, asize, IN_USE);
			set_block(next_block(p), size - asize, 0);
			coalesce(next_block(p));
		}
		return p;
	}
	copy = malloc(n);
	if (!copy)
		return NULL;
	memcpy(copy, p, size - 16);
	free(p);
	return copy;
}

int malloc_inspect(struct malloc_stats *stats)
{
	char *p;
	struct free_node *node, *prev = NULL;
	size_t listed = 0;
	int prev_free = 0;

	memset(stats, 0, sizeof(*stats));
	if (!heap_start)
		return 0;
	stats->heap_bytes = (size_t)(heap_end - heap_start);
	for (p = first_block(); block_size(p) != 0; p = next_block(p)) {
		size_t size = block_size(p);

		if (size < MIN_BLOCK || size % ALIGNMENT || p + size > heap_end ||
		    *header(p) != *footer(p))
			return -1;
		if (block_used(p)) {
			stats->used_blocks++;
			stats->used_bytes += size;
			prev_free = 0;
		} else {
			if (prev_free)
				return -1;  /* two free neighbours: a missed merge */
			stats->free_blocks++;
			stats->free_bytes += size;
			prev_free = 1;
		}
	}
	if (p != heap_end || !block_used(p))
		return -1;
	for (node = free_list; node; prev = node, node = node->next) {
		char *c = (char *)node;

		if (++listed > stats->free_blocks || c < first_block() || c >= heap_end ||
		    block_used(node) || node->prev != prev)
			return -1;
	}
	return listed == stats->free_blocks ? 0 : -1;
}
