/* Ringside libc: prctl(2) and arch_prctl(2), the options Ringside has. */
#ifndef _SYS_PRCTL_H
#define _SYS_PRCTL_H

#define PR_GET_SECCOMP      21
#define PR_SET_SECCOMP      22
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
	  unsigned long arg5);
int arch_prctl(int code, unsigned long addr);

#endif
