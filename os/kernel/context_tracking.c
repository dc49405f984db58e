/* Context tracking: a per-CPU record of whether we are in user or kernel
 * mode, kept only when nohz_full asked for it. */
#include <ringside/kernel.h>
#include <ringside/context_tracking.h>
#include <ringside/sched.h>

bool context_tracking_enabled;

void user_exit(void)
{
	if (context_tracking_enabled)
		cpu_data.context_state = CONTEXT_KERNEL;
}

void user_enter(void)
{
	if (context_tracking_enabled)
		cpu_data.context_state = CONTEXT_USER;
}

void ct_warn(const char *file, int line, const char *cond)
{
	ct_warnings++;
	printk(KERN_WARN "%s: context tracking: %s:%d: CT_WARN_ON(%s) in %s[%d]\n",
	       warning_word(), file, line, cond, current->comm, current->pid);
}
