/* Kernel-wide helpers: printk, panic, the kernel's small string library. */
#ifndef RINGSIDE_KERNEL_H
#define RINGSIDE_KERNEL_H

#include <ringside/types.h>

#define KERNEL_VMA   0xffffffff80000000UL  /* where the kernel image is linked */
#define PAGE_OFFSET  0xffff888000000000UL  /* direct map of physical memory */
#define PAGE_SIZE    4096UL
#define PAGE_SHIFT   12
#define PAGE_MASK    (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

#define __va(pa) ((void *)((unsigned long)(pa) + PAGE_OFFSET))
#define __pa(va) ((unsigned long)(va) >= KERNEL_VMA ? \
		  (unsigned long)(va) - KERNEL_VMA : (unsigned long)(va) - PAGE_OFFSET)

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __used __attribute__((used))
#define __section(s) __attribute__((section(s)))

/* printk levels: quiet on the command line drops KERN_INFO and below. */
#define KERN_ERR  "\0013"
#define KERN_WARN "\0014"
#define KERN_INFO "\0016"

int printk(const char *fmt, ...) __printf(1, 2);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void __noreturn panic(const char *fmt, ...) __printf(1, 2);
void console_write(const char *s, size_t n);
void dump_backtrace(unsigned long rbp);
const char *lookup_symbol(unsigned long addr, unsigned long *offset);
unsigned long symbol_address(const char *name);

/* Set by the command line ("quiet"). */
extern bool console_quiet;

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
unsigned long simple_strtoul(const char *s, char **end, unsigned base);

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
/* A kernel warning is a line that starts "WARNING:" on the console (as
 * Linux's "WARNING: CPU: 0 PID: 1 at ..."); ringgrade fails the test during
 * which one appears. An in-kernel test that trips one on purpose says so
 * first: warnings_expected = N makes the next N print "expected warning:". */
extern int warnings_expected;
const char *warning_word(void);
#define WARN_ON(cond) ({ \
	bool __c = !!(cond); \
	if (unlikely(__c)) \
		printk(KERN_WARN "%s: %s:%d: %s\n", warning_word(), __FILE__, __LINE__, #cond); \
	__c; })
#define BUG_ON(cond) do { if (unlikely(cond)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

#endif
