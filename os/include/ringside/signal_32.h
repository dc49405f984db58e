/* i386 signal frames for TIF_IA32 tasks (kernel/signal_32.c). */
#ifndef RINGSIDE_SIGNAL_32_H
#define RINGSIDE_SIGNAL_32_H
#include <ringside/types.h>
struct k_sigaction;
struct ksiginfo;
struct pt_regs;
/* Deliver sig with an i386 frame built below sp; ss_* is what uc_stack says. */
void ia32_handle_signal(int sig, struct k_sigaction *ka, const struct ksiginfo *info,
			struct pt_regs *regs, unsigned long sp, u32 ss_sp, int ss_flags, u32 ss_size);
/* rt_sigreturn's restore_altstack (signal.c): sigaltstack as uc_stack says,
 * judged at sp; every refusal is silent. */
void restore_altstack_32(u32 ss_sp, int ss_flags, u32 ss_size, unsigned long sp);
#endif
