/* Ringside libc: uname(2), struct utsname as Linux's new_utsname. */
#ifndef _SYS_UTSNAME_H
#define _SYS_UTSNAME_H

#define UTSNAME_LENGTH 65

struct utsname {
	char sysname[UTSNAME_LENGTH];
	char nodename[UTSNAME_LENGTH];
	char release[UTSNAME_LENGTH];
	char version[UTSNAME_LENGTH];
	char machine[UTSNAME_LENGTH];
	char domainname[UTSNAME_LENGTH];
};

int uname(struct utsname *buf);

/* True when running on the Ringside kernel (sysname "Ringside"); the tests
 * skip their Ringside-only checks elsewhere. */
int running_on_ringside(void);

#endif
