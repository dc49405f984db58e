/* Function names for backtraces, from the table scripts/gen-ksyms adds in
 * the second link (weak: the first link has none). */
#include <ringside/kernel.h>

extern const unsigned long ksyms_count __attribute__((weak));
extern const unsigned long ksyms_addresses[] __attribute__((weak));
extern const char *const ksyms_names[] __attribute__((weak));
extern char _text[], _etext[];

const char *lookup_symbol(unsigned long addr, unsigned long *offset)
{
	if (!&ksyms_count || addr < (unsigned long)_text || addr >= (unsigned long)_etext)
		return NULL;
	unsigned long lo = 0, hi = ksyms_count;
	while (hi - lo > 1) {             /* the last symbol at or below addr */
		unsigned long mid = (lo + hi) / 2;
		if (ksyms_addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (!ksyms_count || ksyms_addresses[lo] > addr)
		return NULL;
	*offset = addr - ksyms_addresses[lo];
	return ksyms_names[lo];
}

unsigned long symbol_address(const char *name)
{
	if (!&ksyms_count)
		return 0;
	for (unsigned long i = 0; i < ksyms_count; i++)
		if (!strcmp(ksyms_names[i], name))
			return ksyms_addresses[i];
	return 0;
}

/* Walk the frame-pointer chain: each frame holds the caller's rbp and the
 * return address above it. Stops at a frame outside the kernel. */
void dump_backtrace(unsigned long rbp)
{
	for (int depth = 0; depth < 32 && rbp >= PAGE_OFFSET; depth++) {
		if (rbp & 7)
			break;
		unsigned long *frame = (unsigned long *)rbp;
		unsigned long ret = frame[1];
		unsigned long off;
		const char *name = lookup_symbol(ret, &off);
		if (!name)
			break;
		printk("  [<%016lx>] %s+%#lx\n", ret, name, off);
		rbp = frame[0];
	}
}
