/* set_thread_area's TLS descriptors (arch/tls.c). */
#ifndef RINGSIDE_TLS_H
#define RINGSIDE_TLS_H
#include <ringside/types.h>
struct task_struct;
long do_set_thread_area(struct task_struct *p, int idx, unsigned long uinfo, bool can_allocate);
void switch_tls(struct task_struct *prev, struct task_struct *next);
void copy_tls(struct task_struct *child, struct task_struct *parent);
void flush_tls(struct task_struct *t);
void fs_base_forget(void);   /* user_return_notifier.c: MSR_FS_BASE was overwritten */
#endif
