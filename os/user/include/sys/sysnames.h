/* Ringside libc: the syscall lists (os/kernel/syscalls/syscall_{64,32}.tbl)
 * as data, for tools that print or parse syscalls (strace, seccomp-run,
 * auditctl, tracecat). Built from the generated X-macro headers, so a call
 * added to a .tbl file is known here after a rebuild. */
#ifndef _SYS_SYSNAMES_H
#define _SYS_SYSNAMES_H

/* How a decoder prints an argument (the .tbl types). */
enum syscall_arg_type {
	SYSARG_int, SYSARG_uint, SYSARG_long, SYSARG_ulong, SYSARG_hex, SYSARG_fd,
	SYSARG_size, SYSARG_ptr, SYSARG_str, SYSARG_wbuf, SYSARG_rbuf, SYSARG_pid,
	SYSARG_sig, SYSARG_flags,
};

struct syscall_info {
	long nr;
	const char *name;
	int nargs;
	enum syscall_arg_type types[6];
	const char *arg_names[6];
};

/* NULL for a number the list does not have. */
const struct syscall_info *syscall_info_64(long nr);
const struct syscall_info *syscall_info_32(long nr);
/* The number of a syscall by name, or -1. */
long syscall_number_64(const char *name);
long syscall_number_32(const char *name);
/* Iterate: the i-th row, or NULL past the end. */
const struct syscall_info *syscall_table_64(int i);

#endif
