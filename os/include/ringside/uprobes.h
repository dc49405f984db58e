/* User-space breakpoint probes (kernel/uprobes.c). */
#ifndef RINGSIDE_UPROBES_H
#define RINGSIDE_UPROBES_H
#include <ringside/types.h>
#include <asm/ptrace.h>

struct mm_struct;

struct uprobe {
	unsigned long addr;
	u8 orig_byte;          /* the instruction byte the int3 replaced */
	unsigned long hits;
	struct uprobe *next;
};

/* #BP in user mode: true if it was a probe's int3 (TIF_UPROBE now set). */
bool uprobe_pre_sstep_notify(struct pt_regs *regs);
/* The exit loop's TIF_UPROBE work: run the handler, step the original. */
void uprobe_notify_resume(struct pt_regs *regs);
/* #DB after that step: put the int3 back. True if it was ours. */
bool uprobe_post_step(struct pt_regs *regs);
int uprobe_dup_mmap(struct mm_struct *dst, const struct mm_struct *src);
void uprobe_free_mmap(struct mm_struct *mm);
#endif
