/* Multiboot entry of the test machine: a stack, then machine_main(mbi).
 * The header opens .text, and entry.o is linked first, so it lies within
 * the first 8 KiB of the file where QEMU looks for it. */
	.text
	.balign 4
	.long 0x1badb002            /* magic */
	.long 0                     /* flags: nothing asked of the loader */
	.long -0x1badb002           /* checksum */

	.globl _start
_start:
	cli
	movl $stack_top, %esp
	pushl %ebx                  /* the multiboot information */
	call machine_main
1:	hlt
	jmp 1b

	.bss
	.balign 16
	.space 8192
stack_top:

	.section .note.GNU-stack, "", @progbits
