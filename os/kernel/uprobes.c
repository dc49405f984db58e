/* uprobes: a probe is an int3 planted in a process's code. Hitting it traps
 * (#BP); the trap handler only notes the hit and sets TIF_UPROBE, and the
 * real work runs on the way back to user mode (uprobe_notify_resume, from
 * the exit loop): the handler runs (it counts the hit), then the original
 * byte is put back and the task single-steps that one instruction; the
 * debug trap after the step re-plants the int3. The task never notices. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/uprobes.h>
#include <ringside/percpu.h>
#include <ringside/mm.h>
#include <ringside/errno.h>
#include <ringside/syscalls.h>
#include <uapi/ringside.h>
#include <asm/x86.h>

#define INT3 0xcc

static u8 *text_byte(struct mm_struct *mm, unsigned long addr)
{
	u64 *pte = walk_pte(mm->pgd, addr, false);
	if (!pte || !(*pte & _PAGE_PRESENT))
		return NULL;
	return (u8 *)__va(*pte & PTE_ADDR_MASK) + (addr & ~PAGE_MASK);
}

static struct uprobe *find_uprobe(struct mm_struct *mm, unsigned long addr)
{
	for (struct uprobe *u = mm ? mm->uprobes : NULL; u; u = u->next)
		if (u->addr == addr)
			return u;
	return NULL;
}

bool uprobe_pre_sstep_notify(struct pt_regs *regs)
{
	struct uprobe *u = find_uprobe(current->mm, regs->ip - 1);
	if (!u)
		return false;
	regs->ip = u->addr;            /* back onto the probed instruction */
	set_thread_flag(TIF_UPROBE);
	return true;
}

void uprobe_notify_resume(struct pt_regs *regs)
{
	struct task_struct *t = current;
	clear_thread_flag(TIF_UPROBE);
	struct uprobe *u = find_uprobe(t->mm, regs->ip);
	if (!u)
		return;                    /* unregistered meanwhile: just go on */
	u->hits++;                     /* the probe's handler */
	cpu_data.stats.uprobe_hits++;
	u8 *p = text_byte(t->mm, u->addr);
	if (!p)
		return;
	*p = u->orig_byte;
	t->uprobe_addr = u->addr;
	t->uprobe_hit = !(regs->flags & X86_EFLAGS_TF);   /* TF is ours to clear */
	regs->flags |= X86_EFLAGS_TF;
}

bool uprobe_post_step(struct pt_regs *regs)
{
	struct task_struct *t = current;
	if (!t->uprobe_addr)
		return false;
	struct uprobe *u = find_uprobe(t->mm, t->uprobe_addr);
	u8 *p = u ? text_byte(t->mm, u->addr) : NULL;
	if (p)
		*p = INT3;
	if (t->uprobe_hit)
		regs->flags &= ~X86_EFLAGS_TF;
	t->uprobe_addr = 0;
	t->uprobe_hit = false;
	/* If the program itself was single-stepping, it still gets its trap. */
	return !(regs->flags & X86_EFLAGS_TF);
}

int uprobe_dup_mmap(struct mm_struct *dst, const struct mm_struct *src)
{
	struct uprobe **tail = &dst->uprobes;
	for (const struct uprobe *u = src->uprobes; u; u = u->next) {
		struct uprobe *c = kmalloc(sizeof(*c));
		if (!c)
			return -ENOMEM;
		*c = *u;
		c->hits = 0;
		c->next = NULL;
		*tail = c;
		tail = &c->next;
	}
	return 0;
}

void uprobe_free_mmap(struct mm_struct *mm)
{
	struct uprobe *u = mm->uprobes;
	while (u) {
		struct uprobe *next = u->next;
		kfree(u);
		u = next;
	}
	mm->uprobes = NULL;
}

SYSCALL_DEFINE(sys_ringside_uprobe)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr = a1;
	struct uprobe *u = find_uprobe(mm, addr);
	switch ((int)a0) {
	case RINGSIDE_UPROBE_REGISTER: {
		struct vm_area *v = find_vma(mm, addr);
		if (!v || !(v->prot & PROT_EXEC))
			return -EINVAL;          /* probes go on code only */
		if (u)
			return -EEXIST;
		u8 *p = text_byte(mm, addr);
		if (!p)
			return -EFAULT;
		u = kzalloc(sizeof(*u));
		if (!u)
			return -ENOMEM;
		u->addr = addr;
		u->orig_byte = *p;
		u->next = mm->uprobes;
		mm->uprobes = u;
		*p = INT3;
		return 0;
	}
	case RINGSIDE_UPROBE_UNREGISTER: {
		if (!u)
			return -ENOENT;
		u8 *p = text_byte(mm, addr);
		if (p && current->uprobe_addr != addr)
			*p = u->orig_byte;
		struct uprobe **pp = &mm->uprobes;
		while (*pp != u)
			pp = &(*pp)->next;
		*pp = u->next;
		kfree(u);
		return 0;
	}
	case RINGSIDE_UPROBE_HITS:
		return u ? (long)u->hits : -ENOENT;
	default:
		return -EINVAL;
	}
}
