/* Lab 6's in-kernel tests: seccomp_check_filter() on valid and invalid
 * programs, and seccomp_run_filter() on one small program per instruction
 * kind. The functions are pure, so no task is involved. */
#include <ringside/kernel.h>
#include <ringside/ktest.h>
#include <ringside/seccomp.h>
#include <ringside/errno.h>
#include "lab_fixture.h"

#define N(prog) (sizeof(prog) / sizeof((prog)[0]))
#define LD_ABS(k)  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k)
#define RET_K(k)   BPF_STMT(BPF_RET | BPF_K, k)
#define RET_A      BPF_STMT(BPF_RET | BPF_A, 0)
#define ALU_K(op, k) BPF_STMT(BPF_ALU | (op) | BPF_K, k)
#define ALU_X(op)  BPF_STMT(BPF_ALU | (op) | BPF_X, 0)
#define LD_IMM(k)  BPF_STMT(BPF_LD | BPF_IMM, k)
#define LDX_IMM(k) BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, k)

static const struct seccomp_data sample = {
	.nr = 39, .arch = AUDIT_ARCH_X86_64, .instruction_pointer = 0x0000123400405678UL,
	.args = { 0x1111111122222222UL, 5, 0xffffffffUL, 0, 0x8000000000000001UL, 64 },
};

static u32 run(const struct sock_filter *prog, unsigned len)
{
	return seccomp_run_filter(prog, len, &sample);
}

#define EXPECT_VALID(prog) KEXPECT(seccomp_check_filter(prog, N(prog)) == 0, "%s must be accepted", #prog)
#define EXPECT_INVALID(prog) KEXPECT(seccomp_check_filter(prog, N(prog)) == -EINVAL, "%s must be rejected", #prog)

/* Tables of small filters: a failure names the filter and says what Linux
 * 4.3 does with it and why (never how to code it). PROG(...) gives a table
 * entry its instructions and their count. */
#define PROG(...) { __VA_ARGS__ }, N(((const struct sock_filter[]){ __VA_ARGS__ }))
#define JA(k)      BPF_STMT(BPF_JMP | BPF_JA, k)
#define ST(k)      BPF_STMT(BPF_ST, k)
#define LD_MEM(k)  BPF_STMT(BPF_LD | BPF_MEM, k)
#define CODE(c, k) { c, 0, 0, k }      /* any raw code, for the refused ones */

struct check_case {
	const char *name;
	struct sock_filter prog[10];
	unsigned len;
	const char *rule;       /* what Linux 4.3's checkers see in it */
};

static void expect_checks(struct ktest_ctx *ctx, const struct check_case *c, unsigned n, int want)
{
	for (unsigned i = 0; i < n; i++) {
		int got = seccomp_check_filter(c[i].prog, c[i].len);
		KEXPECT(got == want, "filter %s: Linux 4.3 %s it (%s); your checker returned %d",
			c[i].name, want ? "rejects" : "accepts", c[i].rule, got);
	}
}

struct run_case {
	const char *name;
	struct sock_filter prog[10];
	unsigned len;
	u32 want;
	const char *rule;       /* the rule of Linux 4.3 (or of this lab) it checks */
};

static void expect_runs(struct ktest_ctx *ctx, const struct run_case *c, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		u32 got = run(c[i].prog, c[i].len);
		KEXPECT(got == c[i].want, "filter %s: expected %#x, got %#x (%s)",
			c[i].name, c[i].want, got, c[i].rule);
	}
}

KTEST(lab6_check_accepts)
{
	static const struct sock_filter arch_check[] = {
		LD_ABS(4), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		RET_K(SECCOMP_RET_KILL), LD_ABS(0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 400, 0, 1), RET_K(SECCOMP_RET_ERRNO | 1),
		RET_K(SECCOMP_RET_ALLOW),
	};
	static const struct sock_filter last_word[] = { LD_ABS(60), RET_A };
	static const struct sock_filter every_alu[] = {
		LD_IMM(7), LDX_IMM(3),
		ALU_K(BPF_ADD, 1), ALU_X(BPF_SUB), ALU_K(BPF_MUL, 3), ALU_K(BPF_DIV, 2), ALU_X(BPF_DIV),
		ALU_K(BPF_OR, 1), ALU_K(BPF_AND, 0xff), ALU_K(BPF_XOR, 2),
		ALU_K(BPF_LSH, 31), ALU_X(BPF_RSH), BPF_STMT(BPF_ALU | BPF_NEG, 0), RET_A,
	};
	static const struct sock_filter scratch[] = {
		LD_IMM(5), BPF_STMT(BPF_ST, 15), LDX_IMM(2), BPF_STMT(BPF_STX, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 15), BPF_STMT(BPF_LDX | BPF_MEM, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0), BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), RET_A,
	};
	/* Stored on both branches, read after they join. */
	static const struct sock_filter both_paths[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 2),
		BPF_STMT(BPF_ST, 3), BPF_STMT(BPF_JMP | BPF_JA, 1), BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LD | BPF_MEM, 3), RET_A,
	};
	/* Jumps that land exactly on the last instruction. */
	static const struct sock_filter far_jumps[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 2), RET_K(1), RET_K(2), RET_K(3),
	};
	static const struct sock_filter far_cond[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 1, 1, 0), RET_K(1), RET_K(2),
	};
	static const struct sock_filter just_ret[] = { RET_K(SECCOMP_RET_ALLOW) };
	EXPECT_VALID(arch_check);
	EXPECT_VALID(last_word);
	EXPECT_VALID(every_alu);
	EXPECT_VALID(scratch);
	EXPECT_VALID(both_paths);
	EXPECT_VALID(far_jumps);
	EXPECT_VALID(far_cond);
	EXPECT_VALID(just_ret);
	/* One more than allowed, every one a valid RET: only the length is wrong. */
	static struct sock_filter longest[BPF_MAXINSNS + 1];
	for (unsigned i = 0; i < BPF_MAXINSNS + 1; i++)
		longest[i] = (struct sock_filter)RET_K(SECCOMP_RET_ALLOW);
	KEXPECT(seccomp_check_filter(longest, BPF_MAXINSNS) == 0, "BPF_MAXINSNS instructions are allowed");
	KEXPECT(seccomp_check_filter(longest, BPF_MAXINSNS + 1) == -EINVAL, "BPF_MAXINSNS + 1 are not");
	KEXPECT(seccomp_check_filter(longest, 0) == -EINVAL, "an empty program is not");

	static const struct check_case valid[] = {
		{ "alu_by_constant_0", PROG(LD_IMM(1), ALU_K(BPF_ADD, 0), ALU_K(BPF_SUB, 0), ALU_K(BPF_MUL, 0),
			ALU_K(BPF_OR, 0), ALU_K(BPF_AND, 0), ALU_K(BPF_XOR, 0), ALU_K(BPF_LSH, 0),
			ALU_K(BPF_RSH, 0), RET_A),
		  "only DIV refuses a constant 0; every other ALU op takes K = 0" },
		{ "shift_by_constant_32_or_more", PROG(LD_IMM(1), ALU_K(BPF_LSH, 32), ALU_K(BPF_RSH, 40),
			ALU_K(BPF_LSH, 0xffffffffU), RET_A),
		  "Linux 4.3's bpf_check_classic() puts no bound on a constant shift (the bound came in 4.4)" },
		/* 0-1: M[0] stored; 2: RET; 3: the walk goes on from 2's set. */
		{ "read_after_a_ret", PROG(LD_IMM(1), ST(0), RET_A, LD_MEM(0), RET_A),
		  "check_load_and_stores() walks the program in order and does not forget the stores "
		  "before a RET: the LD MEM at 3 starts from the set the RET at 2 had" },
		{ "x_ops_ignore_k", PROG(LD_IMM(1), LDX_IMM(1), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
			BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 40), BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 32), RET_A),
		  "with BPF_X the operand is X and k is not used: the constant-0 and constant-shift "
		  "rules are for BPF_K only" },
		/* 0: nr; 1: 39? -> 2 : 4; 2: M[0] = A; 3: -> 5; 4: -> 6 either way; 5: A = M[0]; 6. */
		{ "cond_jump_over_the_read", PROG(LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 2),
			ST(0), JA(1), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 40, 1, 1), LD_MEM(0), RET_A),
		  "the LD MEM at 5 is reached only by the JA at 3, after the ST; the conditional jump at 4 "
		  "goes to 6 on both branches, so its path does not reach 5" },
		{ "ja_over_the_read", PROG(LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 2),
			ST(0), JA(1), JA(1), LD_MEM(0), RET_A),
		  "the LD MEM at 5 is reached only by the JA at 3, after the ST; the JA at 4 goes to 6, "
		  "so its path does not reach 5" },
	};
	expect_checks(ctx, valid, N(valid), 0);
}

KTEST(lab6_check_rejects_loads)
{
	static const struct sock_filter past_end[] = { LD_ABS(64), RET_A };
	static const struct sock_filter far_past[] = { LD_ABS(0x10000), RET_A };
	static const struct sock_filter unaligned[] = { LD_ABS(2), RET_A };
	static const struct sock_filter half[] = { BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), RET_A };
	static const struct sock_filter byte[] = { BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET_A };
	static const struct sock_filter indirect[] = { BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), RET_A };
	static const struct sock_filter ldx_abs[] = { BPF_STMT(BPF_LDX | BPF_W | BPF_ABS, 0), RET_A };
	static const struct sock_filter msh[] = { BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), RET_A };
	static const struct sock_filter last_word[] = { LD_ABS(60), RET_A };
	static const struct sock_filter imm_any[] = { LD_IMM(0x10001), RET_A };
	EXPECT_VALID(last_word);
	EXPECT_VALID(imm_any);
	EXPECT_INVALID(past_end);
	EXPECT_INVALID(far_past);
	EXPECT_INVALID(unaligned);
	EXPECT_INVALID(half);
	EXPECT_INVALID(byte);
	EXPECT_INVALID(indirect);
	EXPECT_INVALID(ldx_abs);
	EXPECT_INVALID(msh);

	static const struct check_case invalid[] = {
		{ "ld_abs_1", PROG(LD_ABS(1), RET_A), "LD ABS offsets are multiples of 4" },
		{ "ld_abs_61", PROG(LD_ABS(61), RET_A),
		  "61 is below 64 but not a multiple of 4: the word would end past seccomp_data" },
		{ "ld_abs_0xfffffffc", PROG(LD_ABS(0xfffffffcU), RET_A),
		  "k is an unsigned 32-bit offset: 0xfffffffc is a multiple of 4 far past the end, not -4" },
		{ "ld_abs_code_0x120", PROG(CODE(BPF_LD | BPF_W | BPF_ABS | 0x100, 0), RET_A),
		  "an opcode is 8 bits: a code with a bit above the low 8 set is in no opcode table" },
		{ "ld_imm_code_0x100", PROG(CODE(BPF_LD | BPF_IMM | 0x100, 5), RET_A),
		  "an opcode is 8 bits: a code with a bit above the low 8 set is in no opcode table" },
	};
	expect_checks(ctx, invalid, N(invalid), -EINVAL);
}

/* int lab6_check_guarded(filter, len, u64 *damage): seccomp_check_filter(filter,
 * len) called with a known pattern in every register the x86-64 calling
 * convention says a function must give back unchanged (rbx, rbp, r12-r15).
 * *damage gets the bits that came back different: a checker that writes
 * past the end of an array on its own stack frame overwrites the saved
 * copies that sit right above it. */
int lab6_check_guarded(const struct sock_filter *filter, unsigned len, u64 *damage);
asm(".pushsection .text\n"
    ".globl lab6_check_guarded\n"
    "lab6_check_guarded:\n"
    "	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
    "	push %rdx\n"                          /* damage; rsp is 16-aligned again */
    "	movabs $0x5a5aa5a55a5aa5a5, %rbx\n"
    "	mov %rbx, %rbp; mov %rbx, %r12; mov %rbx, %r13; mov %rbx, %r14; mov %rbx, %r15\n"
    "	call seccomp_check_filter\n"
    "	movabs $0x5a5aa5a55a5aa5a5, %rdx\n"
    "	xor %rdx, %rbx; xor %rdx, %rbp; or %rbp, %rbx; xor %rdx, %r12; or %r12, %rbx\n"
    "	xor %rdx, %r13; or %r13, %rbx; xor %rdx, %r14; or %r14, %rbx; xor %rdx, %r15; or %r15, %rbx\n"
    "	pop %rdx; mov %rbx, (%rdx)\n"
    "	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
    "	ret\n"
    ".popsection\n");

KTEST(lab6_check_rejects_jumps)
{
	static const struct sock_filter ja_out[] = { BPF_STMT(BPF_JMP | BPF_JA, 1), RET_K(1) };
	static const struct sock_filter ja_huge[] = { BPF_STMT(BPF_JMP | BPF_JA, 0xffffffffU), RET_K(1) };
	static const struct sock_filter jt_out[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jf_out[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2), RET_K(1), RET_K(2),
	};
	static const struct sock_filter no_ret[] = { LD_ABS(0) };
	static const struct sock_filter ends_in_alu[] = { LD_ABS(0), RET_A, ALU_K(BPF_ADD, 1) };
	static const struct sock_filter bad_jmp_op[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | 0x50, 1, 0, 0), RET_K(1),
	};
	static const struct sock_filter ja_last[] = { BPF_STMT(BPF_JMP | BPF_JA, 1), RET_K(1), RET_K(2) };
	static const struct sock_filter jf_last[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), RET_K(1), RET_K(2),
	};
	EXPECT_VALID(ja_last);
	EXPECT_VALID(jf_last);
	EXPECT_INVALID(ja_out);
	EXPECT_INVALID(ja_huge);
	EXPECT_INVALID(jt_out);
	EXPECT_INVALID(jf_out);
	EXPECT_INVALID(no_ret);
	EXPECT_INVALID(ends_in_alu);
	EXPECT_INVALID(bad_jmp_op);

	static const struct check_case invalid[] = {
		{ "ja_past_end_from_pc_1", PROG(LD_ABS(0), JA(1), RET_A),
		  "JA at pc 1 with k = 1 targets pc + 1 + k = 3, and the program's last index is 2" },
		{ "ja_with_x", PROG(LD_ABS(0), CODE(BPF_JMP | BPF_JA | BPF_X, 0), RET_A),
		  "JA takes no operand: only BPF_JMP | BPF_JA is a JA" },
		{ "jeq_code_0x115", PROG(LD_ABS(0), { BPF_JMP | BPF_JEQ | BPF_K | 0x100, 0, 0, 39 }, RET_A),
		  "an opcode is 8 bits: a code with a bit above the low 8 set is in no opcode table" },
	};
	expect_checks(ctx, invalid, N(invalid), -EINVAL);

	/* The longest programs, one valid and one that falls off its end: the
	 * checker must stay inside its own arrays for both. */
	static struct sock_filter longest[BPF_MAXINSNS];
	static const struct { struct sock_filter insn; int want; const char *what; } edge[] = {
		{ RET_K(SECCOMP_RET_ALLOW), 0, "BPF_MAXINSNS RETs" },
		{ LD_IMM(0), -EINVAL, "BPF_MAXINSNS LD IMMs (the last falls off the end)" },
	};
	for (unsigned e = 0; e < N(edge); e++) {
		u64 damage = 0;
		for (unsigned i = 0; i < BPF_MAXINSNS; i++)
			longest[i] = edge[e].insn;
		int got = lab6_check_guarded(longest, BPF_MAXINSNS, &damage);
		KEXPECT(got == edge[e].want, "%s: Linux 4.3 %s it; your checker returned %d", edge[e].what,
			edge[e].want ? "rejects" : "accepts", got);
		KEXPECT(damage == 0, "%s: your checker wrote past the end of an array on its stack (the "
			"caller's saved registers changed by %#lx): with len == BPF_MAXINSNS, index len is "
			"one past the last instruction", edge[e].what, (unsigned long)damage);
	}
}

KTEST(lab6_check_rejects_alu_and_scratch)
{
	static const struct sock_filter div0[] = { LD_IMM(1), ALU_K(BPF_DIV, 0), RET_A };
	static const struct sock_filter mod0[] = { LD_IMM(1), ALU_K(BPF_MOD, 0), RET_A };
	static const struct sock_filter bad_alu[] = { LD_IMM(1), ALU_K(0xb0, 1), RET_A };
	static const struct sock_filter unread[] = { BPF_STMT(BPF_LD | BPF_MEM, 2), RET_A };
	static const struct sock_filter unread_x[] = { BPF_STMT(BPF_LDX | BPF_MEM, 0), RET_A };
	static const struct sock_filter other_word[] = {
		LD_IMM(1), BPF_STMT(BPF_ST, 1), BPF_STMT(BPF_LD | BPF_MEM, 2), RET_A,
	};
	/* Stored on one branch only. */
	static const struct sock_filter one_path[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_ST, 3), BPF_STMT(BPF_LD | BPF_MEM, 3), RET_A,
	};
	static const struct sock_filter st16[] = { LD_IMM(1), BPF_STMT(BPF_ST, 16), RET_A };
	static const struct sock_filter ld16[] = { BPF_STMT(BPF_LD | BPF_MEM, 16), RET_A };
	static const struct sock_filter big_code[] = { { 0x0106, 0, 0, 0 } };
	static const struct sock_filter ret_x[] = { BPF_STMT(BPF_RET | BPF_X, 0) };
	static const struct sock_filter neg_x[] = { LD_IMM(1), BPF_STMT(BPF_ALU | BPF_NEG | BPF_X, 0), RET_A };
	static const struct sock_filter div_x[] = { LD_IMM(1), LDX_IMM(0), ALU_X(BPF_DIV), RET_A };
	static const struct sock_filter lsh31[] = { LD_IMM(1), ALU_K(BPF_LSH, 31), RET_A };
	static const struct sock_filter st_then_ld[] = {
		LD_IMM(1), BPF_STMT(BPF_ST, 2), BPF_STMT(BPF_LD | BPF_MEM, 2), RET_A,
	};
	EXPECT_VALID(div_x);
	EXPECT_VALID(lsh31);
	EXPECT_VALID(st_then_ld);
	EXPECT_INVALID(div0);
	EXPECT_INVALID(mod0);
	EXPECT_INVALID(bad_alu);
	EXPECT_INVALID(unread);
	EXPECT_INVALID(unread_x);
	EXPECT_INVALID(other_word);
	EXPECT_INVALID(one_path);
	EXPECT_INVALID(st16);
	EXPECT_INVALID(ld16);
	EXPECT_INVALID(big_code);
	EXPECT_INVALID(ret_x);
	EXPECT_INVALID(neg_x);

	static const struct check_case invalid[] = {
		{ "ja_skips_the_store", PROG(LD_IMM(1), JA(1), ST(0), LD_MEM(0), RET_A),
		  "the JA at 1 reaches the LD MEM at 3 without the ST at 2: a jump's target gets the "
		  "words stored on the jump's path too" },
		{ "jt_skips_the_store", PROG(LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 1, 0),
			ST(3), LD_MEM(3), RET_A),
		  "the jt branch at 1 reaches the LD MEM at 3 without the ST at 2" },
		{ "alu_code_0x104", PROG(LD_IMM(1), CODE(BPF_ALU | BPF_ADD | BPF_K | 0x100, 1), RET_A),
		  "an opcode is 8 bits: a code with a bit above the low 8 set is in no opcode table" },
		{ "stx_16", PROG(LDX_IMM(1), BPF_STMT(BPF_STX, 16), RET_A), "M[] has 16 words: k < 16 for STX too" },
		{ "ldx_mem_16", PROG(LD_IMM(1), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_LDX | BPF_MEM, 16), RET_A),
		  "M[] has 16 words: k < 16 for LDX MEM too" },
		{ "misc_0x0f", PROG(LD_IMM(1), CODE(BPF_MISC | 0x08, 0), RET_A),
		  "MISC has exactly two codes, TAX and TXA" },
		{ "st_with_mode_bits", PROG(LD_IMM(1), CODE(BPF_ST | BPF_MEM, 0), RET_A),
		  "ST has exactly one code, BPF_ST (no size or mode bits)" },
		{ "stx_with_size_bits", PROG(LDX_IMM(1), CODE(BPF_STX | BPF_H, 0), RET_A),
		  "STX has exactly one code, BPF_STX (no size or mode bits)" },
		{ "mod_k", PROG(LD_IMM(47), ALU_K(BPF_MOD, 5), RET_A),
		  "seccomp_check_filter() allows only the ALU ops in its list, and MOD is not among them "
		  "(socket filters may use it, seccomp filters may not)" },
		{ "mod_x", PROG(LD_IMM(47), LDX_IMM(5), ALU_X(BPF_MOD), RET_A),
		  "seccomp_check_filter() allows only the ALU ops in its list, with K or with X, "
		  "and MOD is not among them" },
		/* 1: nr == 39? -> 2 : 4; 2: ST; 3: -> 5; 4: RET; 5: the read. */
		{ "read_after_ret_reached_by_a_jump", PROG(LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 2),
			ST(0), JA(1), RET_K(0), LD_MEM(0), RET_A),
		  "only the JA at 3 reaches the LD MEM at 5, after the ST; but check_load_and_stores() "
		  "walks on from the RET at 4, whose set (what the jf branch at 1 brought) lacks M[0]" },
		{ "read_after_the_first_ret", PROG(RET_K(0), LD_MEM(0), RET_A),
		  "the walk starts with no word stored and goes on past the RET at 0: M[0] is never stored "
		  "before the LD MEM at 1" },
	};
	expect_checks(ctx, invalid, N(invalid), -EINVAL);
}

KTEST(lab6_run_loads_and_returns)
{
	static const struct sock_filter nr[] = { LD_ABS(0), RET_A };
	static const struct sock_filter arch[] = { LD_ABS(4), RET_A };
	static const struct sock_filter ip_hi[] = { LD_ABS(12), RET_A };
	static const struct sock_filter arg0_lo[] = { LD_ABS(16), RET_A };
	static const struct sock_filter arg0_hi[] = { LD_ABS(20), RET_A };
	static const struct sock_filter arg5[] = { LD_ABS(56), RET_A };
	static const struct sock_filter imm[] = { LD_IMM(0xabcd), RET_A };
	static const struct sock_filter len[] = { BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), RET_A };
	static const struct sock_filter ret_k[] = { LD_IMM(1), RET_K(SECCOMP_RET_ERRNO | 7) };
	static const struct sock_filter stop_at_ret[] = { RET_K(5), RET_K(6) };
	KEXPECT(run(nr, N(nr)) == 39, "nr: got %u", run(nr, N(nr)));
	KEXPECT(run(arch, N(arch)) == AUDIT_ARCH_X86_64, "arch: got %#x", run(arch, N(arch)));
	KEXPECT(run(ip_hi, N(ip_hi)) == 0x1234, "ip high word: got %#x", run(ip_hi, N(ip_hi)));
	KEXPECT(run(arg0_lo, N(arg0_lo)) == 0x22222222, "args[0] low: got %#x", run(arg0_lo, N(arg0_lo)));
	KEXPECT(run(arg0_hi, N(arg0_hi)) == 0x11111111, "args[0] high: got %#x", run(arg0_hi, N(arg0_hi)));
	KEXPECT(run(arg5, N(arg5)) == 64, "args[5]: got %u", run(arg5, N(arg5)));
	KEXPECT(run(imm, N(imm)) == 0xabcd, "LD IMM: got %#x", run(imm, N(imm)));
	KEXPECT(run(len, N(len)) == 64, "LD LEN is sizeof(seccomp_data): got %u", run(len, N(len)));
	KEXPECT(run(ret_k, N(ret_k)) == (SECCOMP_RET_ERRNO | 7), "RET K: got %#x", run(ret_k, N(ret_k)));
	KEXPECT(run(stop_at_ret, N(stop_at_ret)) == 5, "the first RET ends the run: got %u",
		run(stop_at_ret, N(stop_at_ret)));
}

KTEST(lab6_run_alu)
{
	static const struct {
		struct sock_filter prog[4];
		u32 want;
		const char *what;
	} cases[] = {
		{ { LD_IMM(7), ALU_K(BPF_ADD, 5), RET_A }, 12, "7 + 5" },
		{ { LD_IMM(7), LDX_IMM(9), ALU_X(BPF_SUB), RET_A }, (u32)-2, "7 - X(9)" },
		{ { LD_IMM(7), ALU_K(BPF_MUL, 6), RET_A }, 42, "7 * 6" },
		{ { LD_IMM(47), ALU_K(BPF_DIV, 5), RET_A }, 9, "47 / 5" },
		{ { LD_IMM(47), LDX_IMM(5), ALU_X(BPF_DIV), RET_A }, 9, "47 / X(5)" },
		{ { LD_IMM(0xf0), ALU_K(BPF_OR, 0x0f), RET_A }, 0xff, "0xf0 | 0x0f" },
		{ { LD_IMM(0xff), ALU_K(BPF_AND, 0x3c), RET_A }, 0x3c, "0xff & 0x3c" },
		{ { LD_IMM(0xff), ALU_K(BPF_XOR, 0x0f), RET_A }, 0xf0, "0xff ^ 0x0f" },
		{ { LD_IMM(1), ALU_K(BPF_LSH, 31), RET_A }, 0x80000000U, "1 << 31" },
		{ { LD_IMM(0x80000000U), LDX_IMM(4), ALU_X(BPF_RSH), RET_A }, 0x08000000U, "A >> X(4)" },
		{ { LD_IMM(5), BPF_STMT(BPF_ALU | BPF_NEG, 0), RET_A }, (u32)-5, "-5" },
		{ { LD_IMM(5), LDX_IMM(0), ALU_X(BPF_DIV), RET_A }, 0, "division by X = 0 returns 0 (KILL)" },
		{ { LD_IMM(9), LDX_IMM(0), ALU_X(BPF_DIV), RET_K(7) }, 0, "division by X = 0 ends the run with 0 (KILL)" },
		{ { LD_IMM(1), LDX_IMM(33), ALU_X(BPF_LSH), RET_A }, 2, "A << X(33): the count is taken modulo 32" },
		{ { LD_ABS(0), ALU_K(BPF_ADD, 0xffffffffU), RET_A }, 38, "32-bit wraparound" },
	};
	for (unsigned i = 0; i < N(cases); i++) {
		unsigned len = 0;
		while (len < 4 && BPF_CLASS(cases[i].prog[len].code) != BPF_RET)
			len++;
		u32 got = run(cases[i].prog, len + 1);
		KEXPECT(got == cases[i].want, "%s: expected %#x, got %#x", cases[i].what, cases[i].want, got);
	}

	/* In this order: the last two find registers left over from a run before. */
	static const struct run_case more[] = {
		{ "a_is_32_bits_shl_shr", PROG(LD_IMM(0x80000000U), ALU_K(BPF_LSH, 1), ALU_K(BPF_RSH, 1), RET_A),
		  0, "A is a 32-bit register: the bit shifted out at the left is gone" },
		{ "a_is_32_bits_sub", PROG(LD_IMM(0), ALU_K(BPF_SUB, 1), ALU_K(BPF_RSH, 31), RET_A),
		  1, "0 - 1 is 0xffffffff in 32 bits" },
		{ "a_is_32_bits_mul_div", PROG(LD_IMM(0x10000), ALU_K(BPF_MUL, 0x10000), ALU_K(BPF_DIV, 2), RET_A),
		  0, "0x10000 * 0x10000 wraps to 0 in 32 bits" },
		{ "a_is_32_bits_compare", PROG(LD_IMM(0xffffffffU), ALU_K(BPF_ADD, 1),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), RET_K(0), RET_K(1)),
		  0, "0xffffffff + 1 is 0 in 32 bits, so JEQ #0 is true" },
		{ "lsh_by_x_31", PROG(LD_IMM(1), LDX_IMM(31), ALU_X(BPF_LSH), RET_A),
		  0x80000000U, "31 is a valid shift count" },
		{ "lsh_by_x_32", PROG(LD_IMM(1), LDX_IMM(32), ALU_X(BPF_LSH), RET_A),
		  1, "Linux 4.3 on x86-64 takes a shift count modulo 32, by X as by K" },
		{ "rsh_by_x_31", PROG(LD_IMM(0x80000000U), LDX_IMM(31), ALU_X(BPF_RSH), RET_A),
		  1, "31 is a valid shift count" },
		{ "rsh_by_x_32", PROG(LD_IMM(0x80000000U), LDX_IMM(32), ALU_X(BPF_RSH), RET_A),
		  0x80000000U, "Linux 4.3 on x86-64 takes a shift count modulo 32, by X as by K" },
		{ "rsh_by_x_33", PROG(LD_IMM(0x80000000U), LDX_IMM(33), ALU_X(BPF_RSH), RET_A),
		  0x40000000U, "Linux 4.3 on x86-64 takes a shift count modulo 32, by X as by K" },
		{ "lsh_by_x_big", PROG(LD_IMM(1), LDX_IMM(0xffffffe3U), ALU_X(BPF_LSH), RET_A),
		  8, "the count is the whole 32-bit X taken modulo 32, however large X is" },
		{ "rsh_by_k_31", PROG(LD_IMM(0x80000000U), ALU_K(BPF_RSH, 31), RET_A),
		  1, "31 is a valid shift count" },
		{ "div_is_unsigned", PROG(LD_IMM(0xfffffff0U), ALU_K(BPF_DIV, 2), RET_A),
		  0x7ffffff8U, "DIV divides unsigned 32-bit numbers" },
		{ "div_by_x_is_unsigned", PROG(LD_IMM(0xfffffff1U), LDX_IMM(16), ALU_X(BPF_DIV), RET_A),
		  0x0fffffffU, "DIV divides unsigned 32-bit numbers, by X too" },
		{ "lsh_by_k_32", PROG(LD_IMM(1), ALU_K(BPF_LSH, 32), RET_A),
		  1, "Linux 4.3 accepts a constant shift of 32 or more; C leaves it undefined, and on x86-64 "
		  "(interpreter or JIT) the CPU takes the count modulo 32, by K as by X" },
		{ "rsh_by_k_33", PROG(LD_IMM(0x80000000U), ALU_K(BPF_RSH, 33), RET_A),
		  0x40000000U, "Linux 4.3 on x86-64 takes a shift count modulo 32, by K as by X" },
		{ "rsh_by_k_big", PROG(LD_IMM(0x80000000U), ALU_K(BPF_RSH, 0xffffffe3U), RET_A),
		  0x10000000U, "the count is the whole 32-bit k taken modulo 32, however large k is" },
		{ "a_starts_at_0", PROG(RET_A),
		  0, "A and X are 0 when a filter starts, every time it runs" },
		{ "x_starts_at_0", PROG(BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A),
		  0, "A and X are 0 when a filter starts, every time it runs" },
	};
	expect_runs(ctx, more, N(more));
}

KTEST(lab6_run_jumps)
{
	/* nr is 39: each program returns 1 on the right branch, 2 on the wrong one. */
	static const struct sock_filter jeq[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jeq_false[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 40, 1, 0), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jgt_equal[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 39, 1, 0), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jge_equal[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 39, 0, 1), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jgt_unsigned[] = {
		LD_IMM(0x80000000U), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 1), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jge_unsigned[] = {
		LD_IMM(0x80000000U), BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 1), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jgt_x[] = {     /* 39 > X(40) is false, 39 > 0 would not be */
		LD_ABS(0), LDX_IMM(40), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jge_x[] = {
		LD_ABS(0), LDX_IMM(40), BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 1, 0), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jset[] = {      /* 39 = 0b100111: bit 3 clear */
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x8, 1, 0), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jset_hit[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x6, 0, 1), RET_K(1), RET_K(2),
	};
	static const struct sock_filter jeq_x[] = {
		LD_ABS(0), LDX_IMM(39), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), RET_K(1), RET_K(2),
	};
	static const struct sock_filter ja[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 2), RET_K(2), RET_K(2), RET_K(1),
	};
	static const struct sock_filter long_jt[] = {
		LD_ABS(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 3, 0),
		RET_K(2), RET_K(2), RET_K(2), RET_K(1),
	};
	struct { const struct sock_filter *p; unsigned n; const char *what; } cases[] = {
		{ jeq, N(jeq), "JEQ taken" }, { jeq_false, N(jeq_false), "JEQ not taken" },
		{ jgt_equal, N(jgt_equal), "JGT with A == K is false" },
		{ jge_equal, N(jge_equal), "JGE with A == K is true" },
		{ jgt_unsigned, N(jgt_unsigned), "JGT compares unsigned" },
		{ jge_unsigned, N(jge_unsigned), "JGE compares unsigned (0x80000000 >= 1)" },
		{ jgt_x, N(jgt_x), "JGT X compares with X (39 > X = 40 is false)" },
		{ jge_x, N(jge_x), "JGE X compares with X (39 >= X = 40 is false)" },
		{ jset, N(jset), "JSET with no common bit is false" },
		{ jset_hit, N(jset_hit), "JSET with a common bit is true" },
		{ jeq_x, N(jeq_x), "JEQ X" }, { ja, N(ja), "JA 2" },
		{ long_jt, N(long_jt), "jt = 3 skips three instructions" },
	};
	for (unsigned i = 0; i < N(cases); i++) {
		u32 got = run(cases[i].p, cases[i].n);
		KEXPECT(got == 1, "%s: took the wrong branch (returned %u)", cases[i].what, got);
	}

	/* Each conditional jump, with K and with X, true and false, with offsets
	 * that are never 0: jt = 2 lands on RET 1, jf = 3 on RET 2; no jump at all
	 * reaches RET 3, and a jump backwards from 5 reaches a RET 4. */
#define COND(name, op, a, x, k, want) { name, PROG(LD_IMM(a), LDX_IMM(x), JA(2), RET_K(4), RET_K(4), \
		BPF_JUMP(BPF_JMP | (op), k, 2, 3), RET_K(3), RET_K(3), RET_K(1), RET_K(2)), want, \
		"A = " #a ", X = " #x ", K = " #k ": 1 is the jt branch, 2 the jf branch (3: no jump, 4: backwards); " \
		"the offsets count forward from the next instruction, and the comparisons are unsigned" }
	static const struct run_case conds[] = {
		COND("jeq_k_true", BPF_JEQ | BPF_K, 39, 0, 39, 1),
		COND("jeq_k_false", BPF_JEQ | BPF_K, 39, 39, 40, 2),
		COND("jeq_x_true", BPF_JEQ | BPF_X, 39, 39, 40, 1),
		COND("jeq_x_false", BPF_JEQ | BPF_X, 39, 40, 39, 2),
		COND("jgt_k_true", BPF_JGT | BPF_K, 0x80000000, 0, 1, 1),
		COND("jgt_k_false", BPF_JGT | BPF_K, 5, 4, 5, 2),
		COND("jgt_x_true", BPF_JGT | BPF_X, 5, 4, 7, 1),
		COND("jgt_x_false", BPF_JGT | BPF_X, 5, 7, 4, 2),
		COND("jge_k_true", BPF_JGE | BPF_K, 5, 9, 5, 1),
		COND("jge_k_false", BPF_JGE | BPF_K, 4, 0, 0x80000000, 2),
		COND("jge_x_true", BPF_JGE | BPF_X, 0x80000000, 1, 0xffffffff, 1),
		COND("jge_x_false", BPF_JGE | BPF_X, 4, 5, 3, 2),
		COND("jset_k_true", BPF_JSET | BPF_K, 6, 1, 2, 1),
		COND("jset_k_some_bits", BPF_JSET | BPF_K, 6, 0, 3, 1),
		COND("jset_k_false", BPF_JSET | BPF_K, 6, 2, 1, 2),
		COND("jset_x_true", BPF_JSET | BPF_X, 6, 4, 1, 1),
		COND("jset_x_false", BPF_JSET | BPF_X, 6, 9, 2, 2),
	};
#undef COND
	expect_runs(ctx, conds, N(conds));
}

KTEST(lab6_run_scratch_and_misc)
{
	static const struct sock_filter mem[] = {
		LD_IMM(11), BPF_STMT(BPF_ST, 4), LD_IMM(22), BPF_STMT(BPF_ST, 5),
		BPF_STMT(BPF_LD | BPF_MEM, 4), RET_A,
	};
	static const struct sock_filter memx[] = {
		LDX_IMM(33), BPF_STMT(BPF_STX, 15), LDX_IMM(0), BPF_STMT(BPF_LDX | BPF_MEM, 15),
		BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A,
	};
	static const struct sock_filter tax[] = {
		LD_IMM(8), BPF_STMT(BPF_MISC | BPF_TAX, 0), LD_IMM(2), ALU_X(BPF_ADD), RET_A,
	};
	static const struct sock_filter ldx_len[] = {
		BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A,
	};
	KEXPECT(run(mem, N(mem)) == 11, "ST then LD MEM: got %u", run(mem, N(mem)));
	KEXPECT(run(memx, N(memx)) == 33, "STX then LDX MEM then TXA: got %u", run(memx, N(memx)));
	KEXPECT(run(tax, N(tax)) == 10, "TAX: got %u", run(tax, N(tax)));
	KEXPECT(run(ldx_len, N(ldx_len)) == 64, "LDX LEN: got %u", run(ldx_len, N(ldx_len)));
}
