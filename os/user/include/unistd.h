/* Ringside libc: POSIX-style wrappers around the raw calls of <sys/syscall.h>.
 * On failure each returns -1 (or MAP_FAILED) and sets errno, as glibc does. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

extern char **environ;

ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
/* write all of buf, retrying short writes; -1 on the first error. */
ssize_t write_all(int fd, const void *buf, size_t count);
pid_t getpid(void);
pid_t getppid(void);
pid_t gettid(void);
/* Flushes stdout first so buffered text is not printed twice. */
pid_t fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int execvp(const char *file, char *const argv[]);
__attribute__((noreturn)) void _exit(int status);
int brk(void *addr);
void *sbrk(long increment);
int sched_yield(void);
int close(int fd);
int dup(int fd);
int dup2(int oldfd, int newfd);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int chdir(const char *path);
char *getcwd(char *buf, size_t size);
int unlink(const char *path);
int rmdir(const char *path);
off_t lseek(int fd, off_t off, int whence);
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* Turn a raw result into the libc convention: -1 and errno for -4095..-1. */
long syscall_result(long raw);

#endif
