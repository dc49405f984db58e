/* Linux's ptrace requests, options and events (include/uapi/linux/ptrace.h,
 * arch/x86/include/uapi/asm/ptrace-abi.h). Shared by the kernel and the libc. */
#ifndef UAPI_LINUX_PTRACE_H
#define UAPI_LINUX_PTRACE_H

#define PTRACE_TRACEME     0
#define PTRACE_PEEKTEXT    1
#define PTRACE_PEEKDATA    2
#define PTRACE_PEEKUSR     3
#define PTRACE_POKETEXT    4
#define PTRACE_POKEDATA    5
#define PTRACE_POKEUSR     6
#define PTRACE_CONT        7
#define PTRACE_KILL        8
#define PTRACE_SINGLESTEP  9
#define PTRACE_GETREGS     12
#define PTRACE_SETREGS     13
#define PTRACE_GETFPREGS   14
#define PTRACE_SETFPREGS   15
#define PTRACE_GETFPXREGS  18     /* i386 only: the FXSAVE image */
#define PTRACE_SETFPXREGS  19
#define PTRACE_ATTACH      16
#define PTRACE_DETACH      17
#define PTRACE_SYSCALL     24
#define PTRACE_SYSEMU      31
#define PTRACE_SYSEMU_SINGLESTEP 32
#define PTRACE_SETOPTIONS  0x4200
#define PTRACE_GETEVENTMSG 0x4201
#define PTRACE_GETSIGINFO  0x4202
#define PTRACE_SETSIGINFO  0x4203
#define PTRACE_GETREGSET   0x4204
#define PTRACE_SETREGSET   0x4205
#define PTRACE_SEIZE       0x4206

/* Register sets for PTRACE_GETREGSET/SETREGSET (include/uapi/linux/elf.h):
 * addr names one, data points at a struct iovec. */
#define NT_PRSTATUS    1       /* struct user_regs_struct */
#define NT_PRFPREG     2       /* struct user_fpregs_struct: FXSAVE's 512 bytes */
#define NT_X86_XSTATE  0x202   /* XSAVE's area: -ENODEV without XSAVE, as here */
#define NT_PRXFPREG    0x46e58445 /* i386 view only: struct user32_fxsr_struct (FXSAVE) */
/* glibc's spelling of the same two requests. */
#define PTRACE_PEEKUSER    PTRACE_PEEKUSR
#define PTRACE_POKEUSER    PTRACE_POKEUSR

#define PTRACE_O_TRACESYSGOOD  0x00000001
#define PTRACE_O_TRACEFORK     0x00000002
#define PTRACE_O_TRACEVFORK    0x00000004
#define PTRACE_O_TRACECLONE    0x00000008
#define PTRACE_O_TRACEEXEC     0x00000010
#define PTRACE_O_TRACEVFORKDONE 0x00000020
#define PTRACE_O_TRACEEXIT     0x00000040
#define PTRACE_O_TRACESECCOMP  0x00000080
#define PTRACE_O_EXITKILL      0x00100000

#define PTRACE_EVENT_FORK     1
#define PTRACE_EVENT_VFORK    2
#define PTRACE_EVENT_CLONE    3
#define PTRACE_EVENT_EXEC     4
#define PTRACE_EVENT_VFORK_DONE 5
#define PTRACE_EVENT_EXIT     6
#define PTRACE_EVENT_SECCOMP  7
#define PTRACE_EVENT_STOP     128

#endif
