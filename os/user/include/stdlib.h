/* Ringside libc: conversions, the environment, exit, the heap, a PRNG. */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>
#include <stdint.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

int atoi(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
char *getenv(const char *name);
/* Flushes stdout, then exit_group(status & 0xff). */
__attribute__((noreturn)) void exit(int status);
/* Dies with SIGABRT where the kernel has kill(), else with SIGILL (ud2). */
__attribute__((noreturn)) void abort(void);

/* A boundary-tag allocator on brk: every block has its size in a header and
 * a footer, free blocks sit on a doubly linked free list, and free() merges a
 * block with free neighbours at once, so no two free blocks are ever
 * adjacent. Payloads are 16-byte aligned. */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

struct malloc_stats {
	size_t heap_bytes;  /* bytes obtained from brk */
	size_t used_bytes;  /* bytes in allocated blocks, headers included */
	size_t free_bytes;  /* bytes in free blocks */
	size_t used_blocks;
	size_t free_blocks;
};
/* Walk the heap and check every invariant (tags agree, sizes add up, no two
 * free blocks adjacent, the free list holds exactly the free blocks).
 * 0 and the figures in *stats if it holds, -1 if the heap is corrupt. */
int malloc_inspect(struct malloc_stats *stats);

/* xorshift64* (Vigna): a small, fast PRNG; never seed with 0. */
struct prng {
	uint64_t state;
};
void prng_seed(struct prng *rng, uint64_t seed);
uint64_t prng_next(struct prng *rng);
/* Uniform in [0, bound) for bound > 0. */
uint64_t prng_below(struct prng *rng, uint64_t bound);

#endif
