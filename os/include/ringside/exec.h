#ifndef RINGSIDE_EXEC_H
#define RINGSIDE_EXEC_H
struct task_struct;
int kernel_execve(struct task_struct *t, const char *path, const char *const argv[],
		  const char *const envp[]);
#endif
