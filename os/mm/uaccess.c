/* copy_from_user and friends: the range check, then the guarded copy. */
#include <ringside/kernel.h>
#include <ringside/uaccess.h>
#include <ringside/errno.h>

bool have_smap;
unsigned long __clear_user(void *to, unsigned long n);

int copy_from_user(void *to, const void *ufrom, unsigned long n)
{
	if (!access_ok(ufrom, n))
		return -EFAULT;
	if (__copy_user(to, ufrom, n)) {
		return -EFAULT;
	}
	return 0;
}

int copy_to_user(void *uto, const void *from, unsigned long n)
{
	if (!access_ok(uto, n))
		return -EFAULT;
	return __copy_user(uto, from, n) ? -EFAULT : 0;
}

int clear_user(void *uto, unsigned long n)
{
	if (!access_ok(uto, n))
		return -EFAULT;
	return __clear_user(uto, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, const char *usrc, long count)
{
	for (long i = 0; i < count; i++) {
		u8 c;
		if (!access_ok(usrc + i, 1) || __get_user_1(&c, usrc + i))
			return -EFAULT;
		dst[i] = c;
		if (!c)
			return i;
	}
	return -ENAMETOOLONG;
}

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

unsigned long search_exception_tables(unsigned long ip)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == ip)
			return e->fixup;
	return 0;
}
