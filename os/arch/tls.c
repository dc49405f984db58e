/* Thread-local storage for 32-bit programs: set_thread_area and
 * get_thread_area with a struct user_desc, as Linux 4.3's
 * arch/x86/kernel/tls.c. A task owns three GDT descriptors (entries
 * GDT_ENTRY_TLS_MIN..MAX, 12-14); switch_to puts the running task's in the
 * GDT and reloads the fs and gs selectors after them (sched.c), fork copies
 * them, execve clears them (Linux's flush_thread). glibc's i386 start-up asks
 * for a free one (entry_number -1), gets 12 back and loads selector 0x63
 * into %gs. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <ringside/tls.h>
#include <asm/segment.h>
#include <asm/desc.h>
#include <asm/x86.h>

/* Linux's asm/ldt.h struct user_desc (16 bytes; the lm bit a 32-bit
 * program does not have is ignored, as Linux ignores it). */
struct user_desc {
	u32 entry_number;
	u32 base_addr;
	u32 limit;
	u32 seg_32bit:1, contents:2, read_exec_only:1, limit_in_pages:1,
	    seg_not_present:1, useable:1, lm:1;
};

/* Linux's LDT_empty: the documented "no segment" descriptor. */
static bool ldt_empty(const struct user_desc *i)
{
	return !i->base_addr && !i->limit && !i->contents && i->read_exec_only &&
	       !i->seg_32bit && !i->limit_in_pages && i->seg_not_present && !i->useable;
}

/* Linux's LDT_zero: an all-zero descriptor means "no segment" too. */
static bool ldt_zero(const struct user_desc *i)
{
	return !i->base_addr && !i->limit && !i->contents && !i->read_exec_only &&
	       !i->seg_32bit && !i->limit_in_pages && !i->seg_not_present && !i->useable;
}

/* tls_desc_okay: 32-bit, present, data (contents 0 or 1) only. */
static bool tls_desc_okay(const struct user_desc *i)
{
	if (ldt_empty(i) || ldt_zero(i))
		return true;
	return i->seg_32bit && i->contents <= 1 && !i->seg_not_present;
}

/* fill_ldt: the 8-byte descriptor, DPL 3, S=1, L always 0. */
static u64 desc_from_user(const struct user_desc *i)
{
	if (ldt_empty(i) || ldt_zero(i))
		return 0;
	u64 type = ((u64)(i->read_exec_only ^ 1) << 1) | ((u64)i->contents << 2);
	return (i->limit & 0xffffUL) |
	       ((u64)(i->base_addr & 0xffffff) << 16) |
	       (type << 40) | (1UL << 44) | (3UL << 45) |
	       ((u64)(i->seg_not_present ^ 1) << 47) |
	       ((u64)((i->limit >> 16) & 0xf) << 48) |
	       ((u64)i->useable << 52) | ((u64)i->seg_32bit << 54) |
	       ((u64)i->limit_in_pages << 55) |
	       ((u64)(i->base_addr >> 24) << 56);
}

/* fill_user_desc: back from a descriptor. */
static void desc_to_user(struct user_desc *i, int idx, u64 d)
{
	memset(i, 0, sizeof(*i));
	i->entry_number = idx;
	i->base_addr = ((d >> 16) & 0xffffff) | ((d >> 56) << 24);
	i->limit = (d & 0xffff) | (((d >> 48) & 0xf) << 16);
	unsigned type = (d >> 40) & 0xf;
	i->seg_32bit = (d >> 54) & 1;
	i->contents = type >> 2;
	i->read_exec_only = !(type & 2);
	i->limit_in_pages = (d >> 55) & 1;
	i->seg_not_present = !((d >> 47) & 1);
	i->useable = (d >> 52) & 1;
	i->lm = (d >> 53) & 1;
}

/* do_set_thread_area: idx -1 takes the user's entry_number; that -1 (with
 * can_allocate) picks the first empty entry and writes its number back. The
 * order of the checks is Linux 4.3's: EFAULT reading, EINVAL for a refused
 * descriptor, ESRCH when all three are taken, EFAULT writing back, EINVAL for
 * a number outside 12-14. */
long do_set_thread_area(struct task_struct *p, int idx, unsigned long uinfo, bool can_allocate)
{
	struct user_desc info;
	if (copy_from_user(&info, (void *)uinfo, sizeof(info)))
		return -EFAULT;
	if (!tls_desc_okay(&info))
		return -EINVAL;
	if (idx == -1)
		idx = info.entry_number;
	if (idx == -1 && can_allocate) {
		idx = -ESRCH;
		for (int i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
			if (!p->tls_array[i]) {
				idx = GDT_ENTRY_TLS_MIN + i;
				break;
			}
		if (idx < 0)
			return idx;
		if (put_user((u32)idx, (u32 *)uinfo))
			return -EFAULT;
	}
	if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX)
		return -EINVAL;
	p->tls_array[idx - GDT_ENTRY_TLS_MIN] = desc_from_user(&info);
	if (p == current) {
		unsigned long flags = local_irq_save();
		load_TLS(p->tls_array);
		local_irq_restore(flags);
	}
	return 0;
}

SYSCALL_DEFINE(sys_set_thread_area)
{
	return do_set_thread_area(current, -1, a0, true);
}

SYSCALL_DEFINE(sys_get_thread_area)
{
	struct user_desc info;
	int idx;
	if (get_user(idx, (int *)a0))
		return -EFAULT;
	if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX)
		return -EINVAL;
	desc_to_user(&info, idx, current->tls_array[idx - GDT_ENTRY_TLS_MIN]);
	return copy_to_user((void *)a0, &info, sizeof(info)) ? -EFAULT : 0;
}

/* switch_to's part (Linux 4.3's __switch_to): save prev's fs and gs
 * selectors, put next's TLS in the GDT, then reload each selector that
 * either task has nonzero, so that it takes its base from next's
 * descriptor. A 64-bit task's GS base (arch_prctl) goes back into
 * MSR_KERNEL_GS_BASE when its selector is null; its FS base is the
 * user-return notifier's, told here that the MSR no longer holds it. */
void switch_tls(struct task_struct *prev, struct task_struct *next)
{
	u16 fs, gs;
	__asm__ volatile("movw %%fs, %0" : "=r"(fs));
	__asm__ volatile("movw %%gs, %0" : "=r"(gs));
	prev->fsindex = fs;
	prev->gsindex = gs;
	load_TLS(next->tls_array);
	if (fs | next->fsindex) {
		__asm__ volatile("movw %0, %%fs" :: "r"(next->fsindex) : "memory");
		fs_base_forget();
	}
	bool gs_loaded = gs | next->gsindex;
	if (gs_loaded)
		load_gs_index(next->gsindex);
	if (!next->gsindex && (gs_loaded || prev->gs_base != next->gs_base))
		wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
}

/* fork (copy_thread_tls): the child starts with the parent's descriptors
 * and live selectors. */
void copy_tls(struct task_struct *child, struct task_struct *parent)
{
	memcpy(child->tls_array, parent->tls_array, sizeof(child->tls_array));
	__asm__ volatile("movw %%fs, %0" : "=r"(child->fsindex));
	__asm__ volatile("movw %%gs, %0" : "=r"(child->gsindex));
}

/* execve (flush_thread, start_thread_common): no descriptors, null
 * selectors. */
void flush_tls(struct task_struct *t)
{
	memset(t->tls_array, 0, sizeof(t->tls_array));
	t->fsindex = t->gsindex = 0;
	if (t == current) {
		unsigned long flags = local_irq_save();
		u16 fs, gs;
		__asm__ volatile("movw %%fs, %0" : "=r"(fs));
		__asm__ volatile("movw %%gs, %0" : "=r"(gs));
		load_TLS(t->tls_array);
		if (fs) {
			__asm__ volatile("movw %0, %%fs" :: "r"((u16)0) : "memory");
			fs_base_forget();
		}
		if (gs)
			load_gs_index(0);
		local_irq_restore(flags);
	}
}
