/* Lab 6: seccomp's classic-BPF engine - your code.
 *
 * A seccomp filter is a program of struct sock_filter { code, jt, jf, k }
 * (<ringside/seccomp.h> has the opcode fields and the BPF_* constants). The
 * machine has a 32-bit accumulator A, a 32-bit index register X and 16
 * 32-bit scratch words M[0..15], all 0 at the start of every run. The only
 * data is the struct seccomp_data of the call (64 bytes). The program's
 * answer is the value of the first RET it reaches (SECCOMP_RET_ALLOW,
 * _ERRNO | errno...).
 *
 * os/kernel/seccomp.c calls seccomp_check_filter() once when a task attaches
 * a filter (prctl/seccomp), and seccomp_run_filter() on every syscall of that
 * task - so the checker is what keeps the interpreter safe: the interpreter
 * trusts every program it is given to have passed the checker.
 *
 * Read docs/labs/lab6.md first.
 */
#include <ringside/kernel.h>
#include <ringside/seccomp.h>
#include <ringside/errno.h>

/* seccomp_check_filter: 0 if the program of len instructions may run,
 * else -EINVAL. Accept exactly these instructions (Linux 4.3's list):
 *   LD  W ABS k   k < sizeof(struct seccomp_data) and k a multiple of 4
 *   LD  W IMM / MEM / LEN,  LDX W IMM / MEM / LEN
 *                 (MEM: k < BPF_MEMWORDS, and see the scratch rule below)
 *   ST k, STX k   k < BPF_MEMWORDS
 *   ALU ADD SUB MUL DIV OR AND XOR LSH RSH, with K or X
 *                 (DIV by K = 0 is refused; any other constant is valid,
 *                 a shift by K >= 32 too), and ALU NEG - no MOD
 *   JMP JA k      the target pc + 1 + k inside the program
 *   JMP JEQ JGT JGE JSET, with K or X: both targets pc + 1 + jt and
 *                 pc + 1 + jf inside the program
 *   RET K, RET A
 *   MISC TAX, MISC TXA
 * Any other code (including any bit above the low 8) is refused. The length
 * must be 1..BPF_MAXINSNS, no instruction may fall through past the end,
 * and the last instruction must be a RET. Scratch rule: a LD/LDX MEM k is
 * refused unless M[k] is in the set of stored words that one pass in
 * program order gives it: instruction 0 starts with none; each instruction
 * passes its set (plus what it stores) to the next one, except a jump,
 * which passes it only to its targets; a RET passes it on like any other
 * instruction; an instruction's set is what all of that brings it,
 * intersected (jumps only go forward, so each set is final when the pass
 * reaches it). This runs in the kernel: stay inside your arrays, also for
 * len == BPF_MAXINSNS.
 */
int seccomp_check_filter(const struct sock_filter *filter, unsigned len)
{
	/* TODO */
	(void)filter;
	(void)len;
	return -EINVAL;
}

/* seccomp_run_filter: run a checked program over sd and return its answer.
 *   LD ABS k: A = the 32-bit word at byte offset k of *sd (host byte order)
 *   LEN: the size of struct seccomp_data
 *   ALU with X uses X as the operand, with K uses k; arithmetic is 32-bit
 *   and wraps. DIV by X = 0 ends the program with 0 (KILL). A shift (K or
 *   X) counts modulo 32, as Linux 4.3 on x86-64 does: A << 33 is A << 1.
 *   Jumps: JA adds k to the program counter; a conditional jump adds jt
 *   when its condition holds, else jf (JGT, JGE unsigned; JSET: A & operand
 *   is nonzero) - in both cases counted from the next instruction.
 *   RET K returns k, RET A returns A. TAX: X = A, TXA: A = X.
 * Running off the end (impossible for a checked program) returns 0. */
u32 seccomp_run_filter(const struct sock_filter *filter, unsigned len, const struct seccomp_data *sd)
{
	/* TODO */
	(void)filter;
	(void)len;
	(void)sd;
	return SECCOMP_RET_KILL;
}
