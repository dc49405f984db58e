/* The smallest multiboot kernel: it tells QEMU to exit at once. Booting it
 * measures what QEMU itself costs, the baseline for the boot benchmark. */
	.section .text
	.balign 4
	.long 0x1badb002
	.long 0
	.long -0x1badb002
	.globl _start
_start:
	movw $0xf4, %dx
	movl $1, %eax          /* value 1: "exit status 0" to the launcher */
	outl %eax, %dx
1:	hlt
	jmp 1b
