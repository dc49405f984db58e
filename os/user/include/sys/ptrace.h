/* Ringside libc: ptrace(2) as on x86-64 Linux: the requests, options and
 * events the Ringside kernel supports (from os/include/uapi/linux_ptrace.h,
 * which the kernel uses too) and the register block of PTRACE_GETREGS. */
#ifndef _SYS_PTRACE_H
#define _SYS_PTRACE_H

#include <stddef.h>
#include <sys/types.h>
#include <linux_ptrace.h>

/* Linux's x86-64 struct user_regs_struct (sys/user.h), field for field. */
struct user_regs_struct {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	unsigned long rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
	unsigned long fs_base, gs_base, ds, es, fs, gs;
};

/* PTRACE_GETFPREGS's block and NT_PRFPREG: FXSAVE's 512-byte image, glibc's
 * struct user_fpregs_struct (sys/user.h). */
struct user_fpregs_struct {
	unsigned short cwd, swd, ftw, fop;
	unsigned long rip, rdp;
	unsigned int mxcsr, mxcr_mask;
	unsigned int st_space[32];    /* st0-st7, 16 bytes each */
	unsigned int xmm_space[64];   /* xmm0-xmm15, 16 bytes each */
	unsigned int padding[24];
};

/* The PTRACE_PEEKUSER / POKEUSER offset of a register. */
#define USER_REG_OFFSET(field) offsetof(struct user_regs_struct, field)

/* The raw call: PEEK* requests store the word at *data (as the system call
 * itself does). 0 or the result, or -1 and errno. */
long ptrace(long request, pid_t pid, void *addr, void *data);
/* glibc's PEEK* convention: returns the word; on failure -1 with errno set,
 * so clear errno first to tell a word of -1 from an error. */
long ptrace_peek(long request, pid_t pid, void *addr);

#endif
