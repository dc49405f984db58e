/* Ringside libc: the raw system-call layer.
 *
 * syscall0()..syscall6() enter the kernel with the `syscall` instruction:
 * number in rax, arguments in rdi, rsi, rdx, r10, r8, r9 (r10, not rcx, because
 * the instruction itself overwrites rcx with the return rip and r11 with
 * rflags). The result comes back in rax: 0..2^64-4096 is success, -4095..-1 is
 * -errno. Nothing here touches errno; <unistd.h> does that.
 *
 * syscall32_0()..syscall32_6() enter with `int $0x80`, Linux's i386 ABI from a
 * 64-bit task: number in eax, arguments in ebx, ecx, edx, esi, edi, ebp, all
 * truncated to 32 bits by the kernel. A pointer passed this way must therefore
 * lie below 4 GiB: globals and static buffers do (the program is linked at
 * 0x400000), the stack and mmap'd memory usually do not.
 *
 * For each row of the generated syscall lists there is a typed raw wrapper:
 * sys_NAME(...) for the 64-bit list and sys32_NAME(...) for the i386 list, so a
 * call the kernel engineer adds to os/kernel/syscalls/syscall_{64,32}.tbl is callable here
 * after a rebuild, with no number typed twice. */
#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H

#include <syscall_nr_64.h>
#include <syscall_nr_32.h>

static inline long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long syscall0(long nr) { return syscall6(nr, 0, 0, 0, 0, 0, 0); }
static inline long syscall1(long nr, long a1) { return syscall6(nr, a1, 0, 0, 0, 0, 0); }
static inline long syscall2(long nr, long a1, long a2) { return syscall6(nr, a1, a2, 0, 0, 0, 0); }
static inline long syscall3(long nr, long a1, long a2, long a3)
{
	return syscall6(nr, a1, a2, a3, 0, 0, 0);
}
static inline long syscall4(long nr, long a1, long a2, long a3, long a4)
{
	return syscall6(nr, a1, a2, a3, a4, 0, 0);
}
static inline long syscall5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	return syscall6(nr, a1, a2, a3, a4, a5, 0);
}

/* In lib/syscall32.S: an out-of-line function, because ebp (our frame
 * pointer) and ebx must be saved around the `int $0x80`. Returns the whole of
 * rax; under the i386 ABI only eax is meaningful, so callers use (int)result. */
long syscall32_6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

static inline long syscall32_0(long nr) { return syscall32_6(nr, 0, 0, 0, 0, 0, 0); }
static inline long syscall32_1(long nr, long a1) { return syscall32_6(nr, a1, 0, 0, 0, 0, 0); }
static inline long syscall32_2(long nr, long a1, long a2) { return syscall32_6(nr, a1, a2, 0, 0, 0, 0); }
static inline long syscall32_3(long nr, long a1, long a2, long a3)
{
	return syscall32_6(nr, a1, a2, a3, 0, 0, 0);
}
static inline long syscall32_4(long nr, long a1, long a2, long a3, long a4)
{
	return syscall32_6(nr, a1, a2, a3, a4, 0, 0);
}
static inline long syscall32_5(long nr, long a1, long a2, long a3, long a4, long a5)
{
	return syscall32_6(nr, a1, a2, a3, a4, a5, 0);
}

/* The argument types of the .tbl files, as C parameter types. */
#define RS_ARGTYPE_int   int
#define RS_ARGTYPE_uint  unsigned int
#define RS_ARGTYPE_long  long
#define RS_ARGTYPE_ulong unsigned long
#define RS_ARGTYPE_hex   unsigned long
#define RS_ARGTYPE_fd    int
#define RS_ARGTYPE_size  unsigned long
#define RS_ARGTYPE_ptr   void *
#define RS_ARGTYPE_str   const char *
#define RS_ARGTYPE_wbuf  const void *
#define RS_ARGTYPE_rbuf  void *
#define RS_ARGTYPE_pid   int
#define RS_ARGTYPE_sig   int
#define RS_ARGTYPE_flags long

/* ARG(type, name) becomes the pair (type, name); RS_PARAM turns a pair into a
 * parameter declaration and RS_CALLARG into ", (long)name". */
#define RS_PARAM(type, name) RS_ARGTYPE_##type name
#define RS_CALLARG(type, name) , (long)(name)
#define RS_PARAMS_0() void
#define RS_PARAMS_1(a) RS_PARAM a
#define RS_PARAMS_2(a, b) RS_PARAM a, RS_PARAM b
#define RS_PARAMS_3(a, b, c) RS_PARAM a, RS_PARAM b, RS_PARAM c
#define RS_PARAMS_4(a, b, c, d) RS_PARAM a, RS_PARAM b, RS_PARAM c, RS_PARAM d
#define RS_PARAMS_5(a, b, c, d, e) RS_PARAM a, RS_PARAM b, RS_PARAM c, RS_PARAM d, RS_PARAM e
#define RS_PARAMS_6(a, b, c, d, e, f) \
	RS_PARAM a, RS_PARAM b, RS_PARAM c, RS_PARAM d, RS_PARAM e, RS_PARAM f
#define RS_CALLARGS_0()
#define RS_CALLARGS_1(a) RS_CALLARG a
#define RS_CALLARGS_2(a, b) RS_CALLARG a RS_CALLARG b
#define RS_CALLARGS_3(a, b, c) RS_CALLARG a RS_CALLARG b RS_CALLARG c
#define RS_CALLARGS_4(a, b, c, d) RS_CALLARG a RS_CALLARG b RS_CALLARG c RS_CALLARG d
#define RS_CALLARGS_5(a, b, c, d, e) \
	RS_CALLARG a RS_CALLARG b RS_CALLARG c RS_CALLARG d RS_CALLARG e
#define RS_CALLARGS_6(a, b, c, d, e, f) \
	RS_CALLARG a RS_CALLARG b RS_CALLARG c RS_CALLARG d RS_CALLARG e RS_CALLARG f

#define ARG(type, name) (type, name)

/* long sys_read(int fd, void *buf, unsigned long count), ... */
#define SYSCALL(nr, name, entry, nargs, ...)                                      \
	static inline long sys_##name(RS_PARAMS_##nargs(__VA_ARGS__))             \
	{                                                                         \
		return syscall##nargs(nr RS_CALLARGS_##nargs(__VA_ARGS__));       \
	}
#include <syscalls_64.h>
#undef SYSCALL

/* int sys32_write(int fd, const void *buf, unsigned long count), ...: eax
 * only, sign-extended, so -EFAULT reads as -14. */
#define SYSCALL(nr, name, entry, nargs, ...)                                      \
	static inline int sys32_##name(RS_PARAMS_##nargs(__VA_ARGS__))            \
	{                                                                         \
		return (int)syscall32_##nargs(nr RS_CALLARGS_##nargs(__VA_ARGS__)); \
	}
#include <syscalls_32.h>
#undef SYSCALL
#undef ARG

/* True when a raw result is an error (-4095..-1). */
static inline int syscall_failed(long ret)
{
	return (unsigned long)ret > (unsigned long)-4096L;
}

#endif
