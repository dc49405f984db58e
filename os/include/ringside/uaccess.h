/* Moving data across the user/kernel boundary. Every helper checks that the
 * user range lies below TASK_SIZE_MAX and recovers from a fault through the
 * exception table (arch/extable.c), so a bad pointer is -EFAULT, never an oops. */
#ifndef RINGSIDE_UACCESS_H
#define RINGSIDE_UACCESS_H
#include <ringside/types.h>
#include <ringside/mm.h>

static inline bool access_ok(const void *uptr, unsigned long size)
{
	unsigned long a = (unsigned long)uptr;
	return a + size >= a && a + size <= TASK_SIZE_MAX;
}

/* The raw copy: returns the number of bytes NOT copied (0 on success). */
unsigned long __copy_user(void *to, const void *from, unsigned long n);
int __get_user_1(u8 *out, const void *uaddr);

/* Return 0, or -EFAULT if any byte could not be copied. */
int copy_from_user(void *to, const void *ufrom, unsigned long n);
int copy_to_user(void *uto, const void *from, unsigned long n);
int clear_user(void *uto, unsigned long n);
/* Copy a NUL-terminated string of at most count-1 chars. Returns its length,
 * -EFAULT, or -ENAMETOOLONG if no NUL was found in count bytes. */
long strncpy_from_user(char *dst, const char *usrc, long count);

#define get_user(x, ptr) ({ \
	__typeof__(*(ptr)) __v; \
	int __e = copy_from_user((void *)&__v, (ptr), sizeof(__v)); \
	if (!__e) (x) = __v; \
	__e; })
#define put_user(x, ptr) ({ \
	__typeof__(*(ptr)) __v = (x); \
	copy_to_user((ptr), &__v, sizeof(__v)); })

struct exception_table_entry { unsigned long insn, fixup; };
unsigned long search_exception_tables(unsigned long ip);
#endif
