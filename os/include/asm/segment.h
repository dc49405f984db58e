/* GDT layout, in Linux's order: SYSCALL/SYSRET derive the user selectors
 * from MSR_STAR, which needs USER32_CS, USER_DS, USER_CS consecutive. */
#ifndef ASM_SEGMENT_H
#define ASM_SEGMENT_H
#define GDT_ENTRY_KERNEL32_CS 1
#define GDT_ENTRY_KERNEL_CS   2
#define GDT_ENTRY_KERNEL_DS   3
#define GDT_ENTRY_USER32_CS   4
#define GDT_ENTRY_USER_DS     5
#define GDT_ENTRY_USER_CS     6
#define GDT_ENTRY_TSS         7   /* 16 bytes: entries 7 and 8 */
/* The three thread-local-storage entries set_thread_area fills, numbered as
 * in Linux 4.3's x86-64 segment.h (12-14: a 32-bit program's %gs selector,
 * 0x63 for glibc, names one of them); switch_to copies the running task's
 * three into the GDT. */
#define GDT_ENTRY_TLS_MIN     12
#define GDT_ENTRY_TLS_MAX     14
#define GDT_ENTRY_TLS_ENTRIES 3
#define GDT_ENTRIES           16

#define __KERNEL32_CS (GDT_ENTRY_KERNEL32_CS * 8)
#define __KERNEL_CS   (GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS   (GDT_ENTRY_KERNEL_DS * 8)
#define __USER32_CS   (GDT_ENTRY_USER32_CS * 8 + 3)
#define __USER_DS     (GDT_ENTRY_USER_DS * 8 + 3)
#define __USER_CS     (GDT_ENTRY_USER_CS * 8 + 3)
#define GDT_TSS_SEL   (GDT_ENTRY_TSS * 8)
#endif
