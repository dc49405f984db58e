/* The only instructions that touch user memory. Each one that may fault has
 * an entry in __ex_table naming where execution resumes, so a bad user
 * pointer ends the copy instead of crashing the kernel. With SMAP on, user
 * pages are off-limits to the kernel except between stac and clac. */

.macro EX_TABLE insn fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
.endm

.macro ASM_STAC
	testb $1, have_smap(%rip)
	jz 9f
	stac
9:
.endm

.macro ASM_CLAC
	testb $1, have_smap(%rip)
	jz 9f
	clac
9:
.endm

/* Call frame information: none of these pushes anything, so the default
 * rule (the CFA is rsp + 8, the return address at rsp) holds at every
 * instruction, and a debugger stopped in one (a page fault on a bad user
 * pointer taken here, through the page-fault stub's own CFI) finds its caller. */
	.cfi_sections .debug_frame

	.text
/* unsigned long __copy_user(void *to, const void *from, unsigned long n):
 * returns the number of bytes not copied. */
	.globl __copy_user
__copy_user:
	.cfi_startproc
	ASM_STAC
	movq %rdx, %rcx
1:	rep movsb
2:	ASM_CLAC
	movq %rcx, %rax            /* rep movsb leaves the remainder in rcx */
	ret
	.cfi_endproc
	EX_TABLE 1b, 2b

/* unsigned long __clear_user(void *to, unsigned long n): bytes not cleared. */
	.globl __clear_user
__clear_user:
	.cfi_startproc
	ASM_STAC
	movq %rsi, %rcx
	xorl %eax, %eax
1:	rep stosb
2:	ASM_CLAC
	movq %rcx, %rax
	ret
	.cfi_endproc
	EX_TABLE 1b, 2b

/* int __get_user_1(u8 *out, const void *uaddr): 0 or -EFAULT (-14). */
	.globl __get_user_1
__get_user_1:
	.cfi_startproc
	ASM_STAC
1:	movzbl (%rsi), %eax
	movb %al, (%rdi)
	xorl %eax, %eax
2:	ASM_CLAC
	ret
3:	movl $-14, %eax
	jmp 2b
	.cfi_endproc
	EX_TABLE 1b, 3b
