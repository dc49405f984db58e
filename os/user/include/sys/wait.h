/* Ringside libc: wait4/waitpid and the status word in Linux's encoding:
 *   exited:   bits 8..15 = exit code, bits 0..6 = 0
 *   killed:   bits 0..6 = signal (1..126), bit 7 = core dumped
 *   stopped:  bits 0..7 = 0x7f, bits 8..15 = stop signal */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>

#define WNOHANG    1
#define WUNTRACED  2
#define WCONTINUED 8

#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WTERMSIG(s)    ((s) & 0x7f)
#define WSTOPSIG(s)    WEXITSTATUS(s)
#define WIFEXITED(s)   (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (((signed char)(((s) & 0x7f) + 1) >> 1) > 0)
#define WIFSTOPPED(s)  (((s) & 0xff) == 0x7f)
#define WCOREDUMP(s)   ((s) & 0x80)

struct rusage;

pid_t wait4(pid_t pid, int *status, int options, struct rusage *rusage);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

/* "exit 3", "killed by SIGSEGV", "stopped by SIGSTOP" into buf. */
const char *describe_wait_status(int status, char *buf, unsigned long size);

#endif
