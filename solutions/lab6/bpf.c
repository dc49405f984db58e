/* Lab 6: the seccomp filter engine - a classic BPF interpreter and the
 * checker that decides which programs it may run.
 *
 * A filter is a program of struct sock_filter instructions over two 32-bit
 * registers (A, the accumulator, and X, the index) and 16 scratch words M[].
 * Its only input is struct seccomp_data (64 bytes: nr, arch, ip, args[6]),
 * read a 32-bit word at a time with BPF_LD|BPF_W|BPF_ABS. Its output is the
 * value of the BPF_RET it reaches: SECCOMP_RET_ALLOW, _ERRNO|errno, ...
 *
 * The checker runs once, when the filter is attached, so that the
 * interpreter never needs a bounds check: every opcode one that Linux 4.3's
 * seccomp allows (no MOD), every load inside seccomp_data and 4-byte
 * aligned, every jump forward and inside the program, no division by a
 * constant zero, no scratch word read before it is written (as Linux 4.3's
 * check_load_and_stores() walks the program), and a RET at the end.
 */
#include <ringside/kernel.h>
#include <ringside/seccomp.h>
#include <ringside/errno.h>

int seccomp_check_filter(const struct sock_filter *filter, unsigned len)
{
	u16 stored[BPF_MAXINSNS];     /* words stored before pc, as 4.3 walks */
	if (len == 0 || len > BPF_MAXINSNS)
		return -EINVAL;
	for (unsigned pc = 0; pc < len; pc++)
		stored[pc] = 0xffff;
	stored[0] = 0;

	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &filter[pc];
		u16 code = f->code;
		u16 out = stored[pc];
		bool falls_through = true;
		if (code & 0xff00)            /* no classic opcode is that large */
			return -EINVAL;
		switch (BPF_CLASS(code)) {
		case BPF_LD:
		case BPF_LDX:
			if (BPF_SIZE(code) != BPF_W)
				return -EINVAL;
			switch (BPF_MODE(code)) {
			case BPF_ABS:
				if (BPF_CLASS(code) != BPF_LD || f->k >= sizeof(struct seccomp_data) || (f->k & 3))
					return -EINVAL;
				break;
			case BPF_IMM:
			case BPF_LEN:
				break;
			case BPF_MEM:
				if (f->k >= BPF_MEMWORDS || !(stored[pc] & (1U << f->k)))
					return -EINVAL;
				break;
			default:              /* IND, MSH: packet loads, meaningless here */
				return -EINVAL;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			if (code != BPF_ST && code != BPF_STX)
				return -EINVAL;
			if (f->k >= BPF_MEMWORDS)
				return -EINVAL;
			out |= 1U << f->k;
			break;
		case BPF_ALU:
			switch (BPF_OP(code)) {
			case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND:
			case BPF_XOR: case BPF_LSH: case BPF_RSH:
				break;        /* any constant: 4.3 takes LSH/RSH #32 too */
			case BPF_DIV:
				if (BPF_SRC(code) == BPF_K && f->k == 0)
					return -EINVAL;
				break;
			case BPF_NEG:
				if (code != (BPF_ALU | BPF_NEG))
					return -EINVAL;
				break;
			default:              /* MOD too: not in seccomp's list */
				return -EINVAL;
			}
			break;
		case BPF_JMP: {
			u8 op = BPF_OP(code);
			if (op == BPF_JA) {
				if (code != (BPF_JMP | BPF_JA) || f->k >= len - pc - 1)
					return -EINVAL;
				stored[pc + 1 + f->k] &= out;
				falls_through = false;
				break;
			}
			if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET)
				return -EINVAL;
			if (pc + 1 + f->jt >= len || pc + 1 + f->jf >= len)
				return -EINVAL;
			stored[pc + 1 + f->jt] &= out;
			stored[pc + 1 + f->jf] &= out;
			falls_through = false;
			break;
		}
		case BPF_RET:
			if (code != (BPF_RET | BPF_K) && code != (BPF_RET | BPF_A))
				return -EINVAL;
			/* The walk does not restart after a RET (only after a
			 * jump): the next instruction starts from this set. */
			if (pc + 1 < len)
				stored[pc + 1] &= out;
			falls_through = false;
			break;
		case BPF_MISC:
			if (code != (BPF_MISC | BPF_TAX) && code != (BPF_MISC | BPF_TXA))
				return -EINVAL;
			break;
		}
		if (falls_through) {
			if (pc + 1 >= len)
				return -EINVAL;   /* the program would run off its end */
			stored[pc + 1] &= out;
		}
	}
	return BPF_CLASS(filter[len - 1].code) == BPF_RET ? 0 : -EINVAL;
}

static u32 load_word(const struct seccomp_data *sd, u32 offset)
{
	u32 v;
	memcpy(&v, (const u8 *)sd + offset, sizeof(v));
	return v;
}

u32 seccomp_run_filter(const struct sock_filter *filter, unsigned len, const struct seccomp_data *sd)
{
	u32 A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &filter[pc];
		u32 src = BPF_SRC(f->code) == BPF_X ? X : f->k;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			switch (BPF_MODE(f->code)) {
			case BPF_ABS: A = load_word(sd, f->k); break;
			case BPF_IMM: A = f->k; break;
			case BPF_MEM: A = M[f->k]; break;
			case BPF_LEN: A = sizeof(*sd); break;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(f->code)) {
			case BPF_IMM: X = f->k; break;
			case BPF_MEM: X = M[f->k]; break;
			case BPF_LEN: X = sizeof(*sd); break;
			}
			break;
		case BPF_ST:
			M[f->k] = A;
			break;
		case BPF_STX:
			M[f->k] = X;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD: A += src; break;
			case BPF_SUB: A -= src; break;
			case BPF_MUL: A *= src; break;
			case BPF_DIV: if (!src) return 0; A /= src; break;
			case BPF_AND: A &= src; break;
			case BPF_OR:  A |= src; break;
			case BPF_XOR: A ^= src; break;
			case BPF_LSH: A <<= src & 31; break;   /* x86-64 4.3: count mod 32 */
			case BPF_RSH: A >>= src & 31; break;
			case BPF_NEG: A = -A; break;
			}
			break;
		case BPF_JMP:
			switch (BPF_OP(f->code)) {
			case BPF_JA:   pc += f->k; break;
			case BPF_JEQ:  pc += A == src ? f->jt : f->jf; break;
			case BPF_JGT:  pc += A > src ? f->jt : f->jf; break;
			case BPF_JGE:  pc += A >= src ? f->jt : f->jf; break;
			case BPF_JSET: pc += (A & src) ? f->jt : f->jf; break;
			}
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? A : f->k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		}
	}
	return 0;   /* unreachable for a checked program: KILL */
}
