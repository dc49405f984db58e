/* long syscall32_6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
 *
 * Enter the kernel through `int $0x80`, the i386 ABI: eax = number, then
 * ebx, ecx, edx, esi, edi, ebp = arguments 1..6. We arrive with the SysV
 * x86-64 argument registers rdi, rsi, rdx, rcx, r8, r9 and the 7th argument on
 * the stack, so the registers are shuffled; rbx and rbp are callee-saved
 * (rbp is also our frame pointer) and are restored before returning. */
	.text
	.globl syscall32_6
	.type syscall32_6, @function
syscall32_6:
	push %rbp
	push %rbx
	mov %rdi, %rax            /* eax = number */
	mov %rsi, %rbx            /* ebx = a1 */
	mov %rdx, %r10            /* a2, held while rcx is busy */
	mov %rcx, %r11            /* a3 */
	mov %r10, %rcx            /* ecx = a2 */
	mov %r11, %rdx            /* edx = a3 */
	mov %r8, %rsi             /* esi = a4 */
	mov %r9, %rdi             /* edi = a5 */
	mov 24(%rsp), %rbp        /* ebp = a6: above the two pushes and the return address */
	int $0x80
	pop %rbx
	pop %rbp
	ret
	.size syscall32_6, . - syscall32_6
	.section .note.GNU-stack, "", @progbits
