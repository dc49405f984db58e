/* MSR setup for the SYSCALL instruction. */
#include <ringside/kernel.h>
#include <ringside/percpu.h>
#include <asm/segment.h>
#include <asm/x86.h>
#include <asm/desc.h>

void syscall_init(void)
{
	extern char entry_SYSCALL_64[];
	/* STAR: kernel CS/SS from bits 32-47; SYSRET takes user CS from
	 * bits 48-63 + 16 and SS from + 8 (USER32_CS, USER_DS, USER_CS). */
	wrmsr(MSR_STAR, ((u64)(__USER32_CS) << 48) | ((u64)__KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	wrmsr(MSR_CSTAR, 0);
	/* Flags cleared on entry: IF (we switch stacks with IRQs off), TF (no
	 * single-stepping into the kernel), DF, AC (SMAP stays armed), NT. */
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF |
				X86_EFLAGS_AC | X86_EFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
