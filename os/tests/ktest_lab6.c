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
		ALU_K(BPF_MOD, 5), ALU_X(BPF_MOD), ALU_K(BPF_OR, 1), ALU_K(BPF_AND, 0xff), ALU_K(BPF_XOR, 2),
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
}

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
}

KTEST(lab6_check_rejects_alu_and_scratch)
{
	static const struct sock_filter div0[] = { LD_IMM(1), ALU_K(BPF_DIV, 0), RET_A };
	static const struct sock_filter mod0[] = { LD_IMM(1), ALU_K(BPF_MOD, 0), RET_A };
	static const struct sock_filter lsh32[] = { LD_IMM(1), ALU_K(BPF_LSH, 32), RET_A };
	static const struct sock_filter rsh40[] = { LD_IMM(1), ALU_K(BPF_RSH, 40), RET_A };
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
	EXPECT_INVALID(lsh32);
	EXPECT_INVALID(rsh40);
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
		{ { LD_IMM(47), LDX_IMM(5), ALU_X(BPF_MOD), RET_A }, 2, "47 % X(5)" },
		{ { LD_IMM(0xf0), ALU_K(BPF_OR, 0x0f), RET_A }, 0xff, "0xf0 | 0x0f" },
		{ { LD_IMM(0xff), ALU_K(BPF_AND, 0x3c), RET_A }, 0x3c, "0xff & 0x3c" },
		{ { LD_IMM(0xff), ALU_K(BPF_XOR, 0x0f), RET_A }, 0xf0, "0xff ^ 0x0f" },
		{ { LD_IMM(1), ALU_K(BPF_LSH, 31), RET_A }, 0x80000000U, "1 << 31" },
		{ { LD_IMM(0x80000000U), LDX_IMM(4), ALU_X(BPF_RSH), RET_A }, 0x08000000U, "A >> X(4)" },
		{ { LD_IMM(5), BPF_STMT(BPF_ALU | BPF_NEG, 0), RET_A }, (u32)-5, "-5" },
		{ { LD_IMM(5), LDX_IMM(0), ALU_X(BPF_DIV), RET_A }, 0, "division by X = 0 returns 0 (KILL)" },
		{ { LD_IMM(9), LDX_IMM(0), ALU_X(BPF_MOD), RET_K(7) }, 0, "modulo by X = 0 returns 0 (KILL)" },
		{ { LD_IMM(1), LDX_IMM(33), ALU_X(BPF_LSH), RET_A }, 0, "A << X(33) is 0" },
		{ { LD_ABS(0), ALU_K(BPF_ADD, 0xffffffffU), RET_A }, 38, "32-bit wraparound" },
	};
	for (unsigned i = 0; i < N(cases); i++) {
		unsigned len = 0;
		while (len < 4 && BPF_CLASS(cases[i].prog[len].code) != BPF_RET)
			len++;
		u32 got = run(cases[i].prog, len + 1);
		KEXPECT(got == cases[i].want, "%s: expected %#x, got %#x", cases[i].what, cases[i].want, got);
	}
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
