/* disasm: capstone wrapper; one handle per mode, opened on first use. */
#include "disasm.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

static csh handle_for(int bits)
{
	static csh h64, h32;
	static bool tried64, tried32;
	bool *tried = bits == 32 ? &tried32 : &tried64;
	csh *h = bits == 32 ? &h32 : &h64;
	if (!*tried) {
		*tried = true;
		if (cs_open(CS_ARCH_X86, bits == 32 ? CS_MODE_32 : CS_MODE_64, h) != CS_ERR_OK)
			*h = 0;
		else
			cs_option(*h, CS_OPT_DETAIL, CS_OPT_ON);
	}
	return *h;
}

bool disasm_one(const unsigned char *code, size_t len, uint64_t addr, int bits, struct insn *out)
{
	memset(out, 0, sizeof *out);
	out->addr = addr;
	csh h = handle_for(bits);
	if (!h)
		return false;
	cs_insn *insn;
	size_t n = cs_disasm(h, code, len, addr, 1, &insn);
	if (n == 0) {
		snprintf(out->text, sizeof out->text, "(bad)");
		return false;
	}
	out->size = insn->size;
	snprintf(out->mnemonic, sizeof out->mnemonic, "%s", insn->mnemonic);
	snprintf(out->text, sizeof out->text, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "", insn->op_str);
	if (insn->detail) {
		for (int i = 0; i < insn->detail->groups_count; i++) {
			switch (insn->detail->groups[i]) {
			case CS_GRP_CALL: out->is_call = true; break;
			case CS_GRP_RET: out->is_ret = true; break;
			case CS_GRP_JUMP: out->is_jump = true; break;
			default: break;
			}
		}
		cs_x86 *x = &insn->detail->x86;
		for (int i = 0; i < x->op_count && i < 2; i++) {
			cs_x86_op *o = &x->operands[i];
			struct operand *d = &out->op[i];
			d->size = o->size;
			if (o->type == X86_OP_REG) {
				d->type = OP_REG;
				snprintf(d->reg, sizeof d->reg, "%s", cs_reg_name(h, o->reg));
			} else if (o->type == X86_OP_IMM) {
				d->type = OP_IMM;
				d->imm = o->imm;
			} else if (o->type == X86_OP_MEM) {
				d->type = OP_MEM;
				if (o->mem.base != X86_REG_INVALID)
					snprintf(d->reg, sizeof d->reg, "%s", cs_reg_name(h, o->mem.base));
				if (o->mem.index != X86_REG_INVALID)
					snprintf(d->index, sizeof d->index, "%s", cs_reg_name(h, o->mem.index));
				if (o->mem.segment != X86_REG_INVALID)
					snprintf(d->seg, sizeof d->seg, "%s", cs_reg_name(h, o->mem.segment));
				d->scale = o->mem.scale;
				d->disp = o->mem.disp;
			}
			out->nops = i + 1;
		}
		if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM && (out->is_call || out->is_jump))
			out->target = (uint64_t)x->operands[0].imm;
	}
	out->is_cond_jump = out->is_jump && strcmp(out->mnemonic, "jmp") != 0;
	cs_free(insn, n);
	return true;
}
