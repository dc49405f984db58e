/* _start: the first user instruction of every program.
 *
 * The kernel enters here with rsp pointing at the start-up stack Linux builds
 * (fs/binfmt_elf.c create_elf_tables):
 *   rsp+0            argc
 *   rsp+8            argv[0] ... argv[argc-1], NULL
 *   then             envp[0] ... NULL
 *   then             auxv pairs (AT_PAGESZ, ...), ending with AT_NULL
 * No register but rsp is defined, and rsp is 16-byte aligned. */
	.text
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp            /* outermost frame: stops backtraces here */
	mov %rsp, %rdi            /* __libc_start(long *stack) */
	and $-16, %rsp            /* the ABI wants rsp % 16 == 0 before a call */
	call __libc_start
	ud2                       /* __libc_start never returns */
	.size _start, . - _start
	.section .note.GNU-stack, "", @progbits
