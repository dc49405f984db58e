#ifndef RINGSIDE_EXEC_H
#define RINGSIDE_EXEC_H
#include <ringside/types.h>
struct task_struct;
int kernel_execve(struct task_struct *t, const char *path, const char *const argv[],
		  const char *const envp[]);
int elf_check(const void *data, size_t size, bool *ia32);
#endif
