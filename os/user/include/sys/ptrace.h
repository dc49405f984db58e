/* Ringside libc: ptrace(2) as on x86-64 Linux: the requests, options and
 * events the Ringside kernel supports (os/include/ringside/ptrace.h) and the
 * register block of PTRACE_GETREGS. */
#ifndef _SYS_PTRACE_H
#define _SYS_PTRACE_H

#include <stddef.h>
#include <sys/types.h>

#define PTRACE_TRACEME     0
#define PTRACE_PEEKTEXT    1
#define PTRACE_PEEKDATA    2
#define PTRACE_PEEKUSER    3
#define PTRACE_POKETEXT    4
#define PTRACE_POKEDATA    5
#define PTRACE_POKEUSER    6
#define PTRACE_CONT        7
#define PTRACE_KILL        8
#define PTRACE_SINGLESTEP  9
#define PTRACE_GETREGS     12
#define PTRACE_SETREGS     13
#define PTRACE_ATTACH      16
#define PTRACE_DETACH      17
#define PTRACE_SYSCALL     24
#define PTRACE_SYSEMU      31
#define PTRACE_SYSEMU_SINGLESTEP 32
#define PTRACE_SETOPTIONS  0x4200
#define PTRACE_GETEVENTMSG 0x4201
#define PTRACE_SEIZE       0x4206

#define PTRACE_O_TRACESYSGOOD 0x00000001
#define PTRACE_O_TRACEEXEC    0x00000010
#define PTRACE_O_TRACESECCOMP 0x00000080
#define PTRACE_O_EXITKILL     0x00100000

#define PTRACE_EVENT_EXEC    4
#define PTRACE_EVENT_SECCOMP 7

/* Linux's x86-64 struct user_regs_struct (sys/user.h), field for field. */
struct user_regs_struct {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	unsigned long rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
	unsigned long fs_base, gs_base, ds, es, fs, gs;
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
