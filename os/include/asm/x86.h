/* Thin wrappers around x86 instructions the kernel needs. */
#ifndef ASM_X86_H
#define ASM_X86_H
#include <ringside/types.h>

#define X86_EFLAGS_CF 0x0001UL
#define X86_EFLAGS_TF 0x0100UL
#define X86_EFLAGS_IF 0x0200UL
#define X86_EFLAGS_DF 0x0400UL
#define X86_EFLAGS_NT 0x4000UL
#define X86_EFLAGS_RF 0x10000UL
#define X86_EFLAGS_AC 0x40000UL
#define X86_EFLAGS_FIXED 0x0002UL

#define MSR_EFER           0xc0000080
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SYSCALL_MASK   0xc0000084
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE  (1UL << 0)
#define EFER_NX   (1UL << 11)

#define X86_CR0_MP   (1UL << 1)    /* WAIT/FWAIT honour TS */
#define X86_CR0_EM   (1UL << 2)    /* no FPU: x87 insns #NM, SSE insns #UD */
#define X86_CR0_TS   (1UL << 3)    /* task switched: the next FPU insn raises #NM */
#define X86_CR0_NE   (1UL << 5)    /* x87 errors as #MF, not the PC's IRQ 13 */
#define X86_CR4_PGE  (1UL << 7)
#define X86_CR4_OSFXSR     (1UL << 9)    /* FXSAVE/FXRSTOR and SSE allowed */
#define X86_CR4_OSXMMEXCPT (1UL << 10)   /* unmasked SSE errors are #XM, not #UD */
#define X86_CR4_SMEP (1UL << 20)
#define X86_CR4_SMAP (1UL << 21)

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}
static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}
static inline u64 rdtsc(void)
{
	u32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}
static inline unsigned long read_cr0(void) { unsigned long v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(unsigned long v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline unsigned long read_cr2(void) { unsigned long v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline unsigned long read_cr3(void) { unsigned long v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(unsigned long v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline unsigned long read_cr4(void) { unsigned long v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(unsigned long v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v)); }
static inline void invlpg(unsigned long va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline unsigned long native_save_fl(void)
{
	unsigned long f;
	__asm__ volatile("pushf; pop %0" : "=r"(f) :: "memory");
	return f;
}
static inline bool irqs_disabled(void) { return !(native_save_fl() & X86_EFLAGS_IF); }
static inline unsigned long local_irq_save(void) { unsigned long f = native_save_fl(); local_irq_disable(); return f; }
static inline void local_irq_restore(unsigned long f) { if (f & X86_EFLAGS_IF) local_irq_enable(); }
static inline void cpu_relax(void) { __asm__ volatile("pause"); }
static inline void halt(void) { __asm__ volatile("hlt"); }
static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
#endif
