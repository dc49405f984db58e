/* disasm: one x86 instruction at a time, through capstone. */
#ifndef RINGDB_DISASM_H
#define RINGDB_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct insn {
	uint64_t addr;
	int size;          /* 0: could not decode */
	char text[96];     /* "mov rax, qword ptr [rsp + 8]" */
	char mnemonic[16];
	bool is_call;
	bool is_ret;
	bool is_cond_jump;
	bool is_jump;
	uint64_t target;   /* direct call/jump target, 0 if indirect */
	/* Operands of test/cmp, for the branch oracle. */
	int nops;
	struct operand {
		enum { OP_NONE, OP_REG, OP_IMM, OP_MEM } type;
		char reg[8];   /* OP_REG; or the base of OP_MEM */
		char index[8]; /* OP_MEM */
		int scale;
		int64_t disp;
		int64_t imm;
		char seg[4];   /* OP_MEM: "gs" for per-CPU data */
		int size;      /* bytes */
	} op[2];
};

/* Decode the instruction at the start of CODE (LEN bytes) at ADDR. BITS is 64
 * in long mode, 32 in protected mode. */
bool disasm_one(const unsigned char *code, size_t len, uint64_t addr, int bits, struct insn *out);

#endif
