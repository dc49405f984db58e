/* Ringside libc: seccomp(2) and classic BPF, as in Linux's <linux/seccomp.h>
 * and <linux/filter.h>. The values come from os/include/uapi/linux_seccomp.h,
 * which the kernel uses too; the structures use the libc's types. */
#ifndef _SYS_SECCOMP_H
#define _SYS_SECCOMP_H

#include <stddef.h>
#include <stdint.h>
#include <linux_seccomp.h>

/* What a filter reads, and where (BPF_ABS offsets). */
struct seccomp_data {
	int nr;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t args[6];
};
#define SECCOMP_DATA_NR   offsetof(struct seccomp_data, nr)
#define SECCOMP_DATA_ARCH offsetof(struct seccomp_data, arch)
#define SECCOMP_DATA_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))

struct sock_filter {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;   /* at offset 8, after padding */
};

/* Opcode fields (linux/bpf_common.h). */

#define BPF_STMT(code, k) { (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define BPF_JUMP(code, k, jt, jf) { (uint16_t)(code), (uint8_t)(jt), (uint8_t)(jf), (uint32_t)(k) }

/* 0 or -1 and errno. */
int seccomp(unsigned int op, unsigned int flags, void *args);

#endif
