/* The syscall lists as tables, from the generated X-macro headers. */
#include <string.h>
#include <sys/sysnames.h>

#define ARG_TYPE(type, name) SYSARG_##type
#define ARG_NAME(type, name) #name
#define EACH_0(m)
#define EACH_1(m, a) m a
#define EACH_2(m, a, b) m a, m b
#define EACH_3(m, a, b, c) m a, m b, m c
#define EACH_4(m, a, b, c, d) m a, m b, m c, m d
#define EACH_5(m, a, b, c, d, e) m a, m b, m c, m d, m e
#define EACH_6(m, a, b, c, d, e, f) m a, m b, m c, m d, m e, m f
#define ARG(type, name) (type, name)
#define SYSCALL(nr, name, entry, nargs, ...) \
	{ nr, #name, nargs, { EACH_##nargs(ARG_TYPE, ##__VA_ARGS__) }, \
	  { EACH_##nargs(ARG_NAME, ##__VA_ARGS__) } },

static const struct syscall_info table_64[] = {
#include <syscalls_64.h>
};

static const struct syscall_info table_32[] = {
#include <syscalls_32.h>
};

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static const struct syscall_info *by_number(const struct syscall_info *t, size_t n, long nr)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].nr == nr)
			return &t[i];
	return NULL;
}

static long by_name(const struct syscall_info *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].nr;
	return -1;
}

const struct syscall_info *syscall_info_64(long nr) { return by_number(table_64, COUNT(table_64), nr); }
const struct syscall_info *syscall_info_32(long nr) { return by_number(table_32, COUNT(table_32), nr); }
long syscall_number_64(const char *name) { return by_name(table_64, COUNT(table_64), name); }
long syscall_number_32(const char *name) { return by_name(table_32, COUNT(table_32), name); }

const struct syscall_info *syscall_table_64(int i)
{
	return i >= 0 && (size_t)i < COUNT(table_64) ? &table_64[i] : NULL;
}
