/* seccomp: strict mode and classic-BPF filters (kernel/seccomp.c); the
 * filter interpreter and checker are lab 6 (solutions/lab6/bpf.c). */
#ifndef RINGSIDE_SECCOMP_H
#define RINGSIDE_SECCOMP_H
#include <ringside/types.h>

#define SECCOMP_MODE_DISABLED 0
#define SECCOMP_MODE_STRICT   1
#define SECCOMP_MODE_FILTER   2

#define SECCOMP_SET_MODE_STRICT 0
#define SECCOMP_SET_MODE_FILTER 1

#define SECCOMP_RET_KILL   0x00000000U
#define SECCOMP_RET_TRAP   0x00030000U
#define SECCOMP_RET_ERRNO  0x00050000U
#define SECCOMP_RET_TRACE  0x7ff00000U
#define SECCOMP_RET_ALLOW  0x7fff0000U
#define SECCOMP_RET_ACTION 0x7fff0000U
#define SECCOMP_RET_DATA   0x0000ffffU

/* Phase 1's answers besides "go to phase 2 with this filter result". */
#define SECCOMP_PHASE1_OK   0
#define SECCOMP_PHASE1_SKIP 1

#define BPF_MAXINSNS 4096
#define MAX_INSNS_PER_PATH 32768   /* all stacked filters together */

/* What a filter sees (Linux's struct seccomp_data). */
struct seccomp_data {
	int nr;
	u32 arch;
	u64 instruction_pointer;
	u64 args[6];
};

/* One classic BPF instruction (struct sock_filter). */
struct sock_filter {
	u16 code;
	u8 jt;
	u8 jf;
	u32 k;
};

/* Classic BPF opcode fields. */
#define BPF_CLASS(c) ((c) & 0x07)
#define BPF_LD   0x00
#define BPF_LDX  0x01
#define BPF_ST   0x02
#define BPF_STX  0x03
#define BPF_ALU  0x04
#define BPF_JMP  0x05
#define BPF_RET  0x06
#define BPF_MISC 0x07
#define BPF_SIZE(c) ((c) & 0x18)
#define BPF_W 0x00
#define BPF_H 0x08
#define BPF_B 0x10
#define BPF_MODE(c) ((c) & 0xe0)
#define BPF_IMM 0x00
#define BPF_ABS 0x20
#define BPF_IND 0x40
#define BPF_MEM 0x60
#define BPF_LEN 0x80
#define BPF_MSH 0xa0
#define BPF_OP(c) ((c) & 0xf0)
#define BPF_ADD 0x00
#define BPF_SUB 0x10
#define BPF_MUL 0x20
#define BPF_DIV 0x30
#define BPF_OR  0x40
#define BPF_AND 0x50
#define BPF_LSH 0x60
#define BPF_RSH 0x70
#define BPF_NEG 0x80
#define BPF_MOD 0x90
#define BPF_XOR 0xa0
#define BPF_JA   0x00
#define BPF_JEQ  0x10
#define BPF_JGT  0x20
#define BPF_JGE  0x30
#define BPF_JSET 0x40
#define BPF_SRC(c) ((c) & 0x08)
#define BPF_K 0x00
#define BPF_X 0x08
#define BPF_RVAL(c) ((c) & 0x18)
#define BPF_A 0x10
#define BPF_MISCOP(c) ((c) & 0xf8)
#define BPF_TAX 0x00
#define BPF_TXA 0x80
#define BPF_MEMWORDS 16

struct seccomp_filter {
	int refcount;
	struct seccomp_filter *prev;   /* filters stack: the newest first */
	unsigned len;
	struct sock_filter insns[];
};

struct task_struct;

/* Lab 6. Returns 0 if the program is valid for seccomp, else -EINVAL. */
int seccomp_check_filter(const struct sock_filter *filter, unsigned len);
/* Lab 6. Runs a checked program over sd; returns its SECCOMP_RET_* value. */
u32 seccomp_run_filter(const struct sock_filter *filter, unsigned len, const struct seccomp_data *sd);

/* Phase 1: SECCOMP_PHASE1_OK, SECCOMP_PHASE1_SKIP, or a filter result for phase 2. */
u32 seccomp_phase1(struct seccomp_data *sd);
/* Phase 2 (TRACE): 0 to run the syscall, nonzero to skip it. */
int seccomp_phase2(u32 phase1_result);
void seccomp_fork(struct task_struct *child, struct task_struct *parent);
void seccomp_release(struct task_struct *t);
#endif
