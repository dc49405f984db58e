/* seccomp: strict mode and classic-BPF filters (kernel/seccomp.c); the
 * filter interpreter and checker are lab 6 (solutions/lab6/bpf.c). */
#ifndef RINGSIDE_SECCOMP_H
#define RINGSIDE_SECCOMP_H
#include <ringside/types.h>
#include <uapi/linux_seccomp.h>

/* Phase 1's answers besides "go to phase 2 with this filter result". */
#define SECCOMP_PHASE1_OK   0
#define SECCOMP_PHASE1_SKIP 1

/* All stacked filters together, counted as Linux 4.3 counts them: in
 * instructions after the conversion to eBPF (seccomp_filter.ebpf_len). */
#define MAX_INSNS_PER_PATH 32768

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

struct seccomp_filter {
	int refcount;
	struct seccomp_filter *prev;   /* filters stack: the newest first */
	unsigned len;
	unsigned ebpf_len;             /* what Linux 4.3's prog->len would be */
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
