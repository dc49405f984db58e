/* Changing mappings after mmap: mprotect, mremap and madvise, with Linux's
 * argument checks and errnos (as in Linux 4.3, mm/mprotect.c, mm/mremap.c,
 * mm/madvise.c). All memory here is private and anonymous (or a private
 * copy of a program's segments), mapped eagerly: see mm/vm.c. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/mm.h>
#include <ringside/errno.h>
#include <ringside/syscalls.h>

#define PROT_SEM       0x8
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP   0x02000000

static long do_mprotect(unsigned long start, unsigned long len, unsigned long prot)
{
	if (prot & (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;          /* no area here grows */
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	unsigned long end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	if (end > TASK_SIZE_MAX)
		return -ENOMEM;
	return vm_protect(current->mm, start, end, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

SYSCALL_DEFINE(sys_mprotect)
{
	return do_mprotect(a0, a1, a2);
}

/* ---- mremap ---- */

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED   2

/* Linux merges neighbouring areas with the same protection into one; here
 * they stay separate, so an "area" for mremap is such a run of them. */
static unsigned long run_end(struct vm_area *v)
{
	unsigned long end = v->end;
	for (struct vm_area *n = v->next; n && n->start == end && n->prot == v->prot; n = n->next)
		end = n->end;
	return end;
}

/* vma_to_resize: the old range must lie inside one area. */
static struct vm_area *old_area(struct mm_struct *mm, unsigned long addr, unsigned long old_len)
{
	struct vm_area *v = find_vma(mm, addr);
	if (!v || old_len > run_end(v) - addr)
		return NULL;
	return v;
}

/* Map new_len bytes at new (which must be free), copy the old contents
 * over, and drop the old range. */
static long move_range(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
		       unsigned long new, unsigned long new_len, unsigned long prot)
{
	int err = vm_map_region(mm, new, new_len, prot);
	if (err)
		return err == -EEXIST ? -ENOMEM : err;
	vm_copy_pages(mm, new, addr, min(old_len, new_len));
	vm_unmap_region(mm, addr, old_len);
	return (long)new;
}

/* Where a mapping may end: below 4 GiB for an i386 task (4.3's TASK_SIZE
 * with TIF_ADDR32, set with TIF_IA32 by set_personality_ia32). */
static unsigned long mremap_top(void)
{
	return test_thread_flag(TIF_IA32) ? IA32_PAGE_OFFSET : USER_MMAP_BASE;
}

SYSCALL_DEFINE(sys_mremap)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr = a0, old_len = a1, new_len = a2, flags = a3, new_addr = a4;
	if (flags & ~(unsigned long)(MREMAP_FIXED | MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (PAGE_ALIGN(old_len) < old_len || PAGE_ALIGN(new_len) < new_len)
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len)
		return -EINVAL;
	if (flags & MREMAP_FIXED) {
		if (new_addr & ~PAGE_MASK)
			return -EINVAL;
		unsigned long task_size = test_thread_flag(TIF_IA32) ? IA32_PAGE_OFFSET : TASK_SIZE_MAX;
		if (new_len > task_size || new_addr > task_size - new_len)
			return -EINVAL;
		if ((new_addr <= addr && new_addr + new_len > addr) ||
		    (addr <= new_addr && addr + old_len > new_addr))
			return -EINVAL;     /* the ranges overlap */
		vm_unmap_region(mm, new_addr, new_len);
		if (old_len > new_len) {
			vm_unmap_region(mm, addr + new_len, old_len - new_len);
			old_len = new_len;
		}
		struct vm_area *v = old_area(mm, addr, old_len);
		if (!v)
			return -EFAULT;
		return move_range(mm, addr, old_len, new_addr, new_len, v->prot);
	}
	if (old_len >= new_len) {           /* shrinking: unmap the tail */
		if (old_len > new_len)
			vm_unmap_region(mm, addr + new_len, old_len - new_len);
		return (long)addr;
	}
	struct vm_area *v = old_area(mm, addr, old_len);
	if (!v)
		return -EFAULT;
	/* Grow in place when the range ends its area and the space after is free. */
	if (addr + old_len == run_end(v) && addr + new_len <= mremap_top() &&
	    vm_range_free(mm, addr + old_len, addr + new_len)) {
		int err = vm_map_region(mm, addr + old_len, new_len - old_len, v->prot);
		if (!err)
			return (long)addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	unsigned long dst = vm_find_free(mm, new_len, mremap_top());
	if (!dst)
		return -ENOMEM;
	return move_range(mm, addr, old_len, dst, new_len, v->prot);
}

/* ---- madvise ---- */

#define MADV_DONTNEED 4
#define MADV_FREE     8
#define MADV_REMOVE   9

static bool madvise_valid(unsigned long behaviour)
{
	switch (behaviour) {
	case 0: case 1: case 2: case 3:            /* NORMAL RANDOM SEQUENTIAL WILLNEED */
	case MADV_DONTNEED: case MADV_FREE:        /* FREE: since Linux 4.5 */
	case MADV_REMOVE:
	case 10: case 11:                          /* DONTFORK DOFORK */
	case 12: case 13: case 14: case 15:        /* (UN)MERGEABLE (NO)HUGEPAGE */
	case 16: case 17:                          /* DONTDUMP DODUMP */
		return true;
	}
	return false;
}

SYSCALL_DEFINE(sys_madvise)
{
	struct mm_struct *mm = current->mm;
	unsigned long start = a0, len_in = a1, behaviour = a2;
	if (!madvise_valid(behaviour))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	unsigned long len = PAGE_ALIGN(len_in);
	if (len_in && !len)
		return -EINVAL;
	unsigned long end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	/* Apply to every mapped part; a hole anywhere makes the answer ENOMEM. */
	long err = 0;
	for (unsigned long a = start; a < end;) {
		struct vm_area *v = find_vma(mm, a);
		if (!v) {
			struct vm_area *n = mm->vmas;
			while (n && n->start <= a)
				n = n->next;
			err = -ENOMEM;
			if (!n)
				break;
			a = n->start;
			continue;
		}
		unsigned long e = min(v->end, end);
		if (behaviour == MADV_REMOVE)
			return -EINVAL;     /* needs a shared file mapping */
		if (behaviour == MADV_DONTNEED || behaviour == MADV_FREE)
			vm_zero_range(mm, a, e);
		a = e;
	}
	return err;
}
