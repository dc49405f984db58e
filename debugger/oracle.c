/* oracle: will this conditional branch jump, and, when it tests the TIF
 * flags, which bits decide it. Used by the pipeline panel (the branch
 * oracle) and by `predict` (predict-then-step). */
#include "oracle.h"

#include <string.h>

/* Value of a test/cmp operand, or false when it cannot be read. */
static bool operand_value(struct session *s, const struct operand *o, uint64_t *v)
{
	uint64_t base = 0, index = 0;
	switch (o->type) {
	case OP_IMM:
		*v = (uint64_t)o->imm;
		return true;
	case OP_REG:
		return target_reg_value(&s->t, o->reg, v);
	case OP_MEM:
		if (o->reg[0] && !target_reg_value(&s->t, o->reg, &base))
			return false;
		if (o->index[0] && !target_reg_value(&s->t, o->index, &index))
			return false;
		if (strcmp(o->seg, "gs") == 0)
			{
			uint64_t gs = 0;
			target_reg_value(&s->t, "gs_base", &gs);
			base += gs;
		}
		*v = 0;
		return o->size > 0 && o->size <= 8 &&
		       target_read_memory(&s->t, base + index * (uint64_t)o->scale + (uint64_t)o->disp, v, (size_t)o->size) == TARGET_OK;
	default:
		return false;
	}
}

/* Whether conditional jump MN is taken with these flags; -1 if unknown. */
static int jump_taken(const char *mn, bool zf, bool cf, bool sf, bool of)
{
	if (!strcmp(mn, "jne") || !strcmp(mn, "jnz")) return !zf;
	if (!strcmp(mn, "je") || !strcmp(mn, "jz")) return zf;
	if (!strcmp(mn, "ja")) return !cf && !zf;
	if (!strcmp(mn, "jae") || !strcmp(mn, "jnb")) return !cf;
	if (!strcmp(mn, "jb")) return cf;
	if (!strcmp(mn, "jbe")) return cf || zf;
	if (!strcmp(mn, "jg")) return !zf && sf == of;
	if (!strcmp(mn, "jge")) return sf == of;
	if (!strcmp(mn, "jl")) return sf != of;
	if (!strcmp(mn, "jle")) return zf || sf != of;
	if (!strcmp(mn, "js")) return sf;
	if (!strcmp(mn, "jns")) return !sf;
	return -1;
}

bool oracle_predict(struct session *s, struct branch_prediction *p)
{
	memset(p, 0, sizeof *p);
	if (!s->t.connected || !s->t.g_valid)
		return false;
	uint64_t pc = target_pc(&s->t);
	unsigned char code[32];
	struct insn in;
	int bits = kmodel_cpu_bits(&s->t);
	if (target_read_memory(&s->t, pc, code, sizeof code) != TARGET_OK || !disasm_one(code, sizeof code, pc, bits, &in))
		return false;
	bool zf, cf, sf, of;
	uint64_t mask = 0, value = 0;
	bool is_test = false;
	if (in.is_cond_jump) {
		p->jump = in;
		uint64_t fl = 0;
		target_reg_value(&s->t, "eflags", &fl);
		zf = fl >> 6 & 1, cf = fl & 1, sf = fl >> 7 & 1, of = fl >> 11 & 1;
	} else if ((!strcmp(in.mnemonic, "test") || !strcmp(in.mnemonic, "cmp")) && in.nops == 2 &&
		   disasm_one(code + in.size, sizeof code - (size_t)in.size, pc + (uint64_t)in.size, bits, &p->jump) &&
		   p->jump.is_cond_jump) {
		uint64_t a, b;
		if (!operand_value(s, &in.op[0], &a) || !operand_value(s, &in.op[1], &b))
			return false;
		int size = in.op[0].size > 0 ? in.op[0].size : 8;
		uint64_t m = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1, sign = 1ULL << (8 * size - 1);
		a &= m, b &= m;
		uint64_t res = (in.mnemonic[0] == 't' ? a & b : a - b) & m;
		zf = res == 0, sf = (res & sign) != 0;
		cf = in.mnemonic[0] == 'c' && a < b;
		of = in.mnemonic[0] == 'c' && ((a ^ b) & (a ^ res) & sign);
		is_test = in.mnemonic[0] == 't';
		mask = in.op[1].type == OP_IMM ? b : in.op[0].type == OP_IMM ? a : 0;
		value = in.op[1].type == OP_IMM ? a : b;
	} else {
		return false;
	}
	int taken = jump_taken(p->jump.mnemonic, zf, cf, sf, of);
	if (taken < 0)
		return false;
	p->valid = true;
	p->taken = taken;
	uint64_t off;
	const struct symbol *dest = p->jump.target ? sym_at(s->syms, p->jump.target, &off) : NULL;
	if (dest)
		snprintf(p->destination, sizeof p->destination, "%s%s", dest->name, off ? "+" : "");
	/* A mask tested against the current thread_info->flags. */
	if (is_test && mask && s->model.now.tif_valid && value == s->model.now.tif) {
		p->tif_test = true;
		p->tif_hit = (uint32_t)(value & mask);
		for (int k = 0; k < tif_mask_count; k++)
			if (tif_masks[k].mask == (uint32_t)mask)
				p->mask_name = tif_masks[k].name;
	}
	return true;
}
