/* entry_64.S: every way into the kernel from user mode, and every way back.
 *
 *  SYSCALL          entry_SYSCALL_64 (partial pt_regs: bx, bp, r12-r15 live)
 *                     -> fast path (do_syscall_64, SYSRET without checks)
 *                     -> full-frame syscalls (ptregs_* -> stub_ptregs_64, which
 *                        sends a fast-path call to stub_full_frame: SAVE_EXTRA_REGS)
 *                     -> slow path (phase 1 on the partial frame; SAVE_EXTRA_REGS,
 *                        phase 2, dispatch; syscall_return_slowpath, SYSRET or IRET)
 *  int $0x80        entry_INT80_compat -> do_int80_syscall_32 -> same exit
 *  exceptions, IRQs idtentry stubs -> common_entry -> do_trap / do_irq
 *                   -> prepare_exit_to_usermode when going back to user mode
 *
 * Each block says which pt_regs slot a push fills. The offsets (RAX, CS, ...)
 * come from asm-offsets.h, generated from the C structures. */
#include <asm/segment.h>
#include <asm/thread_info.h>
#include <ringside/errno.h>
#include <asm-offsets.h>
#include <syscall_nr_64.h>

#define AUDIT_ARCH_X86_64 0xc000003e

/* thread_info sits at the base of the THREAD_SIZE-aligned kernel stack and
 * pt_regs at its top, so thread_info->flags is a fixed distance from pt_regs:
 * while %rsp points at pt_regs, TI_FLAGS_FROM_PT_REGS(%rsp) is the word
 * (Linux 4.3's ASM_THREAD_INFO(TI_flags, %rsp, SIZEOF_PTREGS)). */
#define TI_FLAGS_FROM_PT_REGS (TI_flags + SIZEOF_PTREGS - THREAD_SIZE)

/* Push pt_regs->di down to pt_regs->r11: the registers C code may clobber.
 * ax gets \ax (the syscall result slot starts as -ENOSYS so that a skipped
 * syscall returns that). */
.macro PUSH_C_REGS ax
	pushq %rdi                    /* pt_regs->di */
	pushq %rsi                    /* pt_regs->si */
	pushq %rdx                    /* pt_regs->dx */
	pushq %rcx                    /* pt_regs->cx */
	pushq \ax                     /* pt_regs->ax */
	pushq %r8                     /* pt_regs->r8 */
	pushq %r9                     /* pt_regs->r9 */
	pushq %r10                    /* pt_regs->r10 */
	pushq %r11                    /* pt_regs->r11 */
.endm

/* The rest of a full frame: the callee-saved registers, which C code keeps
 * intact, so the SYSCALL path can leave them live in the CPU. */
.macro PUSH_EXTRA_REGS
	pushq %rbx                    /* pt_regs->bx */
	pushq %rbp                    /* pt_regs->bp */
	pushq %r12                    /* pt_regs->r12 */
	pushq %r13                    /* pt_regs->r13 */
	pushq %r14                    /* pt_regs->r14 */
	pushq %r15                    /* pt_regs->r15 */
.endm

/* Fill the six slots a partial frame left empty (as Linux 4.3's macro of
 * the same name): from here on pt_regs is complete. */
.macro SAVE_EXTRA_REGS
	movq %r15, R15(%rsp)
	movq %r14, R14(%rsp)
	movq %r13, R13(%rsp)
	movq %r12, R12(%rsp)
	movq %rbp, RBP(%rsp)
	movq %rbx, RBX(%rsp)
.endm

/* Load them back: someone (a tracer, rt_sigreturn, execve, fork's copy)
 * may have written new values into the frame. */
.macro RESTORE_EXTRA_REGS
	movq R15(%rsp), %r15
	movq R14(%rsp), %r14
	movq R13(%rsp), %r13
	movq R12(%rsp), %r12
	movq RBP(%rsp), %rbp
	movq RBX(%rsp), %rbx
.endm

/* The C registers but rcx and r11, which SYSRET takes rip and rflags from. */
.macro RESTORE_C_REGS_EXCEPT_RCX_R11
	movq RAX(%rsp), %rax
	movq RDX(%rsp), %rdx
	movq RSI(%rsp), %rsi
	movq RDI(%rsp), %rdi
	movq R8(%rsp), %r8
	movq R9(%rsp), %r9
	movq R10(%rsp), %r10
.endm

.macro POP_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
.endm

	.text

/*
 * SYSCALL from 64-bit user mode. The CPU has put the user rip in rcx and
 * rflags in r11, masked rflags with MSR_SYSCALL_MASK (IF, TF, DF, AC off) and
 * loaded the kernel CS/SS; rsp is still the user's and GS still the user's.
 * Registers: rax = number, rdi rsi rdx r10 r8 r9 = arguments.
 *
 * As in Linux 4.3, the frame built here is partial: only the registers C
 * code may clobber are saved. bx, bp and r12-r15 get slots but no values;
 * they stay live in the CPU, and every C function on the way preserves them
 * for us. Whoever needs them in pt_regs (phase 2 and a tracer, the slow
 * exit and signal delivery, fork, execve, rt_sigreturn) runs after a
 * SAVE_EXTRA_REGS.
 */
	.globl entry_SYSCALL_64
entry_SYSCALL_64:
	swapgs                                     /* GS now points at cpu_data */
	.globl entry_SYSCALL_64_after_swapgs
entry_SYSCALL_64_after_swapgs:
	movq %rsp, %gs:PERCPU_rsp_scratch          /* park the user stack pointer */
	movq %gs:PERCPU_top_of_stack, %rsp         /* this task's kernel stack */

	/* The frame the CPU would have pushed for an interrupt. */
	pushq $__USER_DS                           /* pt_regs->ss */
	pushq %gs:PERCPU_rsp_scratch               /* pt_regs->sp */
	pushq %r11                                 /* pt_regs->flags */
	pushq $__USER_CS                           /* pt_regs->cs */
	pushq %rcx                                 /* pt_regs->ip */
	pushq %rax                                 /* pt_regs->orig_ax: the number */
	PUSH_C_REGS $-ENOSYS
	subq $6*8, %rsp                            /* pt_regs->bx, bp, r12-r15: not saved */

	/* Any entry work (trace, emu, audit, seccomp, single-step, tracepoint,
	 * nohz) sends this syscall down the slow path. */
	testl $_TIF_WORK_SYSCALL_ENTRY, TI_FLAGS_FROM_PT_REGS(%rsp)
	jnz entry_SYSCALL_64_slowpath
	incq %gs:PERCPU_fast_syscalls              /* the fast path's one counter */

	/* Phase 1 comes back here when it lets the call run on the partial
	 * frame. Lab 1's C dispatcher checks the number; a call that needs the
	 * full frame (fork, execve, rt_sigreturn) reaches stub_ptregs_64, which
	 * sees it was called from here and sends it to stub_full_frame. */
	.globl entry_SYSCALL_64_fastpath
entry_SYSCALL_64_fastpath:
	sti
	movq %rsp, %rdi
	call do_syscall_64                         /* pt_regs->ax = the result */
.Lentry_SYSCALL_64_after_fastpath_call:

	/* Exit work (a signal, a reschedule that arrived during the syscall)
	 * is checked with IRQs off, so nothing new can slip in before SYSRET. */
	cli
	testl $_TIF_ALLWORK_MASK, TI_FLAGS_FROM_PT_REGS(%rsp)
	jnz fast_exit_work
	/* A program single-stepping itself (TF) is owed a trap right after the
	 * syscall; SYSRET is never used with TF set: the slow exit raises it
	 * and leaves by IRET (syscall_return_tf_or_rf). Linux 4.3 had no such
	 * test and SYSRETed with TF. */
	testl $0x100, EFLAGS(%rsp)                 /* TF */
	jnz fast_exit_work

	/* Nothing can have changed the frame since the entry built it: no
	 * tracer stopped us, no signal was delivered, so rip, rflags, cs and
	 * ss are what SYSCALL gave and SYSRET needs no checks (Linux 4.3).
	 * bx, bp, r12-r15 were never saved: they are still the user's. The
	 * slow exit joins here once its checks have passed. */
	.globl syscall_return_via_sysret
syscall_return_via_sysret:
	/* No counter here: ringside_stats derives the fast exit's SYSRETs
	 * (<ringside/percpu.h>). */
	RESTORE_C_REGS_EXCEPT_RCX_R11
	movq RIP(%rsp), %rcx                       /* SYSRET: rip = rcx */
	movq EFLAGS(%rsp), %r11                    /* rflags = r11 */
	movq RSP(%rsp), %rsp                       /* user rsp */
	swapgs
	sysretq

fast_exit_work:
	incq %gs:PERCPU_slow_exits
	jmp int_ret_from_sys_call_irqs_off

/*
 * The syscalls whose handler needs the whole frame (ENTRY/ptregs in the
 * syscall list): rt_sigreturn rewrites every register, execve clears them,
 * fork copies them to the child. Their table entries are the ptregs_*
 * stubs below, as in Linux 4.6: each loads its handler's address into rax
 * and jumps to stub_ptregs_64, which lets the handler run at once when the
 * frame is already full (the slow path, phase 2, came here) and otherwise
 * finishes the frame first. Nothing on the fast path pays for the check.
 *
 * Linux 4.6's stub knows the fast path by its own return address (the fast
 * path calls the table from assembly) and simply jumps to the slow path.
 * Ringside's fast path calls lab 1's C do_syscall_64, which called the stub;
 * its return address into entry_SYSCALL_64 sits just below pt_regs, at a
 * fixed place. The stub cannot leave from inside the C function (the
 * compiler may keep bx..r15 of ours in its frame), so it rewrites that
 * return address to stub_full_frame and returns -ENOSYS, the value pt_regs->ax
 * already had: do_syscall_64 restores what it borrowed, returns to
 * stub_full_frame, and the call runs again there on the full frame. A handler
 * is never run twice: only the stub ran the first time.
 */
.macro ptregs_stub nr, func
	.globl ptregs_\func
ptregs_\func:
	leaq \func(%rip), %rax
	jmp stub_ptregs_64
.endm
#define PTREGS_STUB(nr, func) ptregs_stub nr, func;
	SYSCALLS_64_ENTRIES_PTREGS(PTREGS_STUB)
#undef PTREGS_STUB

/* The fast path's `call do_syscall_64` left its return address here. */
#define FASTPATH_RETURN_SLOT (-SIZEOF_PTREGS - 8)

	.globl stub_ptregs_64
stub_ptregs_64:                                /* rax = the handler; IRQs on */
	movq %gs:PERCPU_top_of_stack, %r11
	cmpq $.Lentry_SYSCALL_64_after_fastpath_call, FASTPATH_RETURN_SLOT(%r11)
	je 1f
	jmp *%rax                                  /* the frame is full: run it */
1:	movq $stub_full_frame, FASTPATH_RETURN_SLOT(%r11)
	movq $-ENOSYS, %rax                        /* ax stays as the entry left it */
	ret

/*
 * A ptregs call from the fast path, back from do_syscall_64 (which ran only
 * the stub): complete the frame (bx..r15 are the user's again), run the call
 * for real, and leave by the slow exit, which loads bx..r15 back from the
 * frame (the handler may have rewritten it) and checks it before any SYSRET.
 */
	.globl stub_full_frame
stub_full_frame:
	incq %gs:PERCPU_ptregs_redos
	SAVE_EXTRA_REGS
	movq %rsp, %rdi
	call do_syscall_64                         /* the stub now runs the handler */
	jmp int_ret_from_sys_call_full_frame

/*
 * The slow path: phase 1 (fast checks: context tracking, seccomp, audit
 * entry) on the partial frame, then phase 2 only if phase 1 asks for it
 * (ptrace stops, seccomp TRACE, tracepoints) on a full one.
 */
	.globl entry_SYSCALL_64_slowpath
entry_SYSCALL_64_slowpath:
	incq %gs:PERCPU_slow_syscalls
	sti
	/* Phase 1 may read only what the entry saved: orig_ax, ax and the
	 * argument registers, never bx, bp, r12-r15. */
	movq %rsp, %rdi
	movl $AUDIT_ARCH_X86_64, %esi
	call syscall_trace_enter_phase1
	testq %rax, %rax
	jnz tracesys_phase2
	/* Phase 1 says resume: dispatch as the fast path would (seccomp may
	 * have set orig_ax to -1: skip). The exit still sees the work flags
	 * and takes the slow exit, except for seccomp alone. */
	incq %gs:PERCPU_phase1_resumes
	jmp entry_SYSCALL_64_fastpath

	/* Phase 2 may stop for a tracer, which reads and writes every
	 * register: complete the frame first. */
	.globl tracesys_phase2
tracesys_phase2:
	SAVE_EXTRA_REGS
	movq %rsp, %rdi
	movl $AUDIT_ARCH_X86_64, %esi
	movq %rax, %rdx
	call syscall_trace_enter_phase2            /* the number to run, or -1 */
	movq %rax, ORIG_RAX(%rsp)
	movq %rsp, %rdi
	call do_syscall_64                         /* out of range (-1): skipped */
	/* A tracer may have changed any register, in the frame: leave by the
	 * slow exit without saving over them. */
	jmp int_ret_from_sys_call_full_frame

/*
 * The slow exit (Linux 4.3's int_ret_from_sys_call). syscall_return_slowpath()
 * runs with IRQs on and returns with them off, after prepare_exit_to_usermode();
 * it may stop for a tracer or deliver a signal, so it needs the full frame:
 * from a partial frame, SAVE_EXTRA_REGS first; callers whose frame is
 * already full (and perhaps rewritten) enter at ..._full_frame. Afterwards
 * RESTORE_EXTRA_REGS loads whatever the frame now says.
 */
	.globl int_ret_from_sys_call_irqs_off
int_ret_from_sys_call_irqs_off:
	sti
	.globl int_ret_from_sys_call
int_ret_from_sys_call:
	SAVE_EXTRA_REGS
	.globl int_ret_from_sys_call_full_frame
int_ret_from_sys_call_full_frame:
	movq %rsp, %rdi
	call syscall_return_slowpath               /* returns with IRQs off */
	RESTORE_EXTRA_REGS

/*
 * SYSRET is cheaper than IRET but can only restore what SYSCALL saved: it
 * takes rip from rcx and rflags from r11 and forces the flat user segments.
 * On the slow exit a tracer, a signal or sigreturn may have changed the
 * frame: use SYSRET only when it is exactly what SYSRET would produce.
 */
	.globl syscall_return
syscall_return:
	movq RCX(%rsp), %rcx
	movq RIP(%rsp), %r11
	cmpq %rcx, %r11                            /* SYSRET sets rip = rcx */
	jne opportunistic_sysret_failed
	shlq $16, %rcx                             /* rip must be canonical: a */
	sarq $16, %rcx                             /* non-canonical rcx makes SYSRET */
	cmpq %rcx, %r11                            /* fault in ring 0 on Intel CPUs */
	jne opportunistic_sysret_failed
	cmpq $__USER_CS, CS(%rsp)                  /* SYSRET forces this CS */
	jne opportunistic_sysret_failed
	movq R11(%rsp), %r11
	cmpq %r11, EFLAGS(%rsp)                    /* SYSRET sets rflags = r11 */
	jne opportunistic_sysret_failed
	testq $0x10100, %r11                       /* RF or TF: IRET handles them */
	jnz syscall_return_tf_or_rf
	cmpq $__USER_DS, SS(%rsp)                  /* SYSRET forces this SS */
	jne syscall_return_tf_or_rf
	incq %gs:PERCPU_slow_sysret_exits
	jmp syscall_return_via_sysret              /* all hold: the fast path's SYSRET */

/*
 * TF set by the program itself across a syscall: the trap that ends the step
 * over the syscall instruction is owed now. SYSRET would raise it (too
 * early for Linux's liking), IRET only after one more instruction: so
 * syscall_exit_user_step() queues it as a SIGTRAP, it is delivered here,
 * and the way out is IRET. (IRQs are off, as prepare_exit_to_usermode
 * wants them.)
 */
syscall_return_tf_or_rf:
	movq %rsp, %rdi
	call syscall_exit_user_step                /* true: a SIGTRAP is queued */
	testb %al, %al
	jz opportunistic_sysret_failed
	movq %rsp, %rdi
	call prepare_exit_to_usermode              /* deliver it; IRQs stay off */

opportunistic_sysret_failed:
	.globl restore_regs_and_iret
restore_regs_and_iret:
	incq %gs:PERCPU_iret_exits
	POP_GPRS
	addq $8, %rsp                              /* drop orig_ax */
	swapgs
	iretq

/*
 * int $0x80 from a 64-bit task: the i386 syscall ABI (eax = number, ebx ecx
 * edx esi edi ebp = arguments). The CPU switched to rsp0 and pushed ss, sp,
 * flags, cs and ip; IRQs are off (interrupt gate).
 */
	.globl entry_INT80_compat
entry_INT80_compat:
	swapgs
	movl %eax, %eax                            /* the number is 32 bits */
	pushq %rax                                 /* pt_regs->orig_ax */
	PUSH_C_REGS $-ENOSYS
	PUSH_EXTRA_REGS                            /* ebx and ebp are arguments */
	incq %gs:PERCPU_int80_syscalls
	sti
	movq %rsp, %rdi
	call do_int80_syscall_32
	jmp int_ret_from_sys_call_full_frame

/* Call frame information for the exception and interrupt stubs (only
 * them: the SYSCALL path is unwound by ringdb from the task's pt_regs).
 * The CFA is the top of the pt_regs the stub builds, the interrupted rip
 * and rsp are in its ip and sp slots, and each register is described as
 * it is pushed, so a debugger that reads .debug_frame (ringdb, GDB)
 * unwinds from a handler through the stub into the interrupted code, user
 * or kernel, at every instruction. Linux's entry_64.S has no CFI in 4.2
 * and 4.3 (checked in 4.2.8 and 4.3.0); its unwinders find pt_regs another way. */
	.cfi_sections .debug_frame
.macro CFI_IRET_FRAME
	.cfi_offset rip, RIP - SIZEOF_PTREGS
	.cfi_offset rsp, RSP - SIZEOF_PTREGS
.endm
.macro CFI_SAVED reg slot
	.cfi_offset \reg, \slot - SIZEOF_PTREGS
.endm
.macro CFI_PUSH reg slot
	pushq %\reg
	.cfi_adjust_cfa_offset 8
	.cfi_offset \reg, \slot - SIZEOF_PTREGS
.endm
.macro CFI_POP reg
	popq %\reg
	.cfi_adjust_cfa_offset -8
	.cfi_restore \reg
.endm

/*
 * Exceptions and interrupts. Each vector's stub makes the frame uniform
 * (a -1 error code where the CPU pushes none) and pushes its vector number
 * where pt_regs->di will be; common_entry swaps it out.
 */
.macro idtentry vector has_error_code
	.globl idt_stub_\vector
idt_stub_\vector:
	.cfi_startproc simple
	.cfi_signal_frame
	.if \has_error_code == 0
	.cfi_def_cfa rsp, SIZEOF_PTREGS - RIP      /* rsp -> pt_regs->ip */
	.else
	.cfi_def_cfa rsp, SIZEOF_PTREGS - ORIG_RAX /* rsp -> the error code */
	.endif
	CFI_IRET_FRAME
	.if \has_error_code == 0
	pushq $-1                                  /* pt_regs->orig_ax */
	.cfi_adjust_cfa_offset 8
	.endif
	pushq $\vector
	.cfi_adjust_cfa_offset 8
	jmp common_entry
	.cfi_endproc
.endm

	.irp v, 0,1,2,3,4,5,6,7,9,16,18,19,20,28
	idtentry \v 0
	.endr
	.irp v, 8,10,11,12,13,14,17,21,29,30
	idtentry \v 1
	.endr
	.irp v, 15,22,23,24,25,26,27,31
	idtentry \v 0
	.endr
	.irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	idtentry \v 0
	.endr

common_entry:
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa rsp, SIZEOF_PTREGS - RDI      /* rsp -> pt_regs->di */
	CFI_IRET_FRAME
	xchgq %rdi, (%rsp)                         /* pt_regs->di; rdi = vector */
	CFI_SAVED rdi, RDI
	CFI_PUSH rsi, RSI                          /* pt_regs->si */
	CFI_PUSH rdx, RDX                          /* pt_regs->dx */
	CFI_PUSH rcx, RCX                          /* pt_regs->cx */
	CFI_PUSH rax, RAX                          /* pt_regs->ax */
	CFI_PUSH r8, R8                            /* pt_regs->r8 */
	CFI_PUSH r9, R9                            /* pt_regs->r9 */
	CFI_PUSH r10, R10                          /* pt_regs->r10 */
	CFI_PUSH r11, R11                          /* pt_regs->r11 */
	CFI_PUSH rbx, RBX                          /* interrupts save everything */
	CFI_PUSH rbp, RBP
	CFI_PUSH r12, R12
	CFI_PUSH r13, R13
	CFI_PUSH r14, R14
	CFI_PUSH r15, R15
	cld
	testb $3, CS(%rsp)                         /* from user mode? */
	jz 1f
	swapgs
1:	movq %rdi, %rsi
	/* The vector, in a callee-saved register the C code keeps (its own
	 * value is in pt_regs->bx): a debugger unwinding out of the handler
	 * by the CFI finds it here and names the boundary. */
	movq %rdi, %rbx
	movq %rsp, %rdi
	call do_trap_or_irq                        /* (regs, vector) */
	testb $3, CS(%rsp)
	jz retint_kernel
	cli
	movq %rsp, %rdi
	call prepare_exit_to_usermode              /* IRQs off, stay off */
	jmp restore_regs_and_iret

retint_kernel:
	CFI_POP r15
	CFI_POP r14
	CFI_POP r13
	CFI_POP r12
	CFI_POP rbp
	CFI_POP rbx
	CFI_POP r11
	CFI_POP r10
	CFI_POP r9
	CFI_POP r8
	CFI_POP rax
	CFI_POP rcx
	CFI_POP rdx
	CFI_POP rsi
	CFI_POP rdi
	addq $8, %rsp
	.cfi_adjust_cfa_offset -8
	iretq
	.cfi_endproc

/*
 * A new task starts here the first time switch_to() picks it: r12 holds a
 * kernel thread's function (0 for a user task), r13 its argument. A user
 * task's pt_regs is complete (fork copied its parent's full frame, or exec
 * wrote a new one): the slow exit must not save this CPU's bx..r15 over it.
 */
	.globl ret_from_fork
ret_from_fork:
	call schedule_tail
	testq %r12, %r12
	jnz 1f
	jmp int_ret_from_sys_call_full_frame       /* a forked user task */
1:	movq %r13, %rdi
	call *%r12
	movl $0, %edi
	call do_exit

/*
 * __switch_to_asm(prev, next): save prev's callee-saved registers on its
 * stack, switch stacks, restore next's. Everything else about the switch
 * (cr3, rsp0, current) is done in C before this.
 */
	.globl __switch_to_asm
__switch_to_asm:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, TASK_thread_sp(%rdi)
	movq TASK_thread_sp(%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
