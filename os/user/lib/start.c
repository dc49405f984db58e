/* Program start-up and shutdown: from the kernel's start-up stack to main(),
 * and from exit() back to the kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Auxiliary vector keys we read (include/uapi/linux/auxvec.h). */
#define AT_NULL   0
#define AT_PAGESZ 6

char **environ;
unsigned long libc_page_size = 4096;

int main(int argc, char **argv, char **envp);

/* Called from _start with the stack pointer the kernel set up. */
__attribute__((noreturn, used)) void __libc_start(long *stack)
{
	int argc = (int)stack[0];
	char **argv = (char **)(stack + 1);
	char **envp = argv + argc + 1;
	char **p = envp;
	unsigned long *auxv;

	while (*p)
		p++;
	for (auxv = (unsigned long *)(p + 1); auxv[0] != AT_NULL; auxv += 2)
		if (auxv[0] == AT_PAGESZ)
			libc_page_size = auxv[1];
	environ = envp;
	exit(main(argc, argv, envp));
}

void exit(int status)
{
	fflush_stdout();
	_exit(status);
}

void _exit(int status)
{
	for (;;)
		sys_exit_group(status);
}

void abort(void)
{
	fflush_stdout();
#ifdef __NR_kill
	sys_kill(sys_getpid(), 6 /* SIGABRT */);
#endif
	for (;;)
		__asm__ volatile("ud2");
}

char *getenv(const char *name)
{
	size_t len = strlen(name);
	char **env;

	if (!environ)
		return NULL;
	for (env = environ; *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}
