/* struct pt_regs: the user registers saved on kernel entry.
 *
 * Same field order as Linux 4.3 (arch/x86/include/asm/ptrace.h): the entry
 * assembly builds it by pushing from ss down to r15, so the last field is
 * pushed first. The offsets used by assembly come from asm-offsets.c. */
#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H

#ifndef __ASSEMBLER__
struct pt_regs {
	/* Callee-saved registers: only saved on the slow paths in Linux;
	 * Ringside always saves them so a student sees a complete frame. */
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long bp;
	unsigned long bx;
	/* Caller-saved registers. */
	unsigned long r11;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long ax;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	/* The syscall number on syscall entry, the error code on an
	 * exception, -1 for an interrupt. */
	unsigned long orig_ax;
	/* The hardware's frame, as pushed by the CPU on an interrupt and
	 * rebuilt by hand on SYSCALL entry. */
	unsigned long ip;
	unsigned long cs;
	unsigned long flags;
	unsigned long sp;
	unsigned long ss;
};

static inline int user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}
#endif

#endif
