/* Context tracking (kernel/context_tracking.c): with nohz_full, the kernel
 * must know whether the CPU runs user or kernel code, so every entry calls
 * user_exit() and every return user_enter(). TIF_NOHZ routes syscalls
 * through the slow path, where that happens. */
#ifndef RINGSIDE_CONTEXT_TRACKING_H
#define RINGSIDE_CONTEXT_TRACKING_H
#include <ringside/kernel.h>
#include <ringside/percpu.h>

extern bool context_tracking_enabled;   /* nohz_full on the command line */
/* How many CT_WARN_ON fired: one counter, the one ringside_stats copies to
 * user space (nohztest reads it there), under the name the kernel uses. */
#define ct_warnings (cpu_data.stats.ct_warnings)

static inline enum ctx_state ct_state(void)
{
	return context_tracking_enabled ? cpu_data.context_state : CONTEXT_KERNEL;
}
void user_exit(void);
void user_enter(void);
void ct_warn(const char *file, int line, const char *cond);
#define CT_WARN_ON(cond) do { \
	if (context_tracking_enabled && unlikely(cond)) ct_warn(__FILE__, __LINE__, #cond); \
} while (0)
#endif
