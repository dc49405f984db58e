/* The raw_syscalls sys_enter/sys_exit tracepoints: with
 * TIF_SYSCALL_TRACEPOINT set, each syscall of the task records an event on
 * entry (number, six arguments) and on exit (result) in a ring buffer that
 * ringside_trace() reads. Enabling "for all" marks every task, and new ones. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/audit.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <uapi/ringside.h>
#include <asm/x86.h>

bool trace_all_tasks;
static struct ringside_trace_event ring[RINGSIDE_TRACE_RING];
static unsigned long head, tail, next_seq = 1;

static void trace_log(struct ringside_trace_event *e)
{
	unsigned long flags = local_irq_save();
	e->seq = next_seq++;
	ring[head % RINGSIDE_TRACE_RING] = *e;
	head++;
	if (head - tail > RINGSIDE_TRACE_RING)
		tail = head - RINGSIDE_TRACE_RING;
	local_irq_restore(flags);
}

void trace_sys_enter(struct pt_regs *regs, long nr)
{
	struct ringside_trace_event e = {
		.type = RINGSIDE_TRACE_SYS_ENTER, .pid = current->pid, .nr = nr,
		.args = { regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9 },
	};
	trace_log(&e);
}

void trace_sys_exit(struct pt_regs *regs, long ret)
{
	struct ringside_trace_event e = {
		.type = RINGSIDE_TRACE_SYS_EXIT, .pid = current->pid, .nr = (long)regs->orig_ax,
		.ret = ret,
	};
	trace_log(&e);
}

static void set_tracepoint(struct task_struct *t, bool on)
{
	if (on)
		set_tsk_thread_flag(t, TIF_SYSCALL_TRACEPOINT);
	else
		clear_tsk_thread_flag(t, TIF_SYSCALL_TRACEPOINT);
}

SYSCALL_DEFINE(sys_ringside_trace)
{
	int op = (int)a0;
	pid_t pid = (pid_t)a1;
	if (op == RINGSIDE_TRACE_READ) {
		struct ringside_trace_event *ubuf = (void *)a2;
		unsigned long done = 0;
		if ((long)a3 < 0)
			return -EINVAL;
		while (done < a3) {
			struct ringside_trace_event e;
			unsigned long flags = local_irq_save();
			if (tail == head) {
				local_irq_restore(flags);
				break;
			}
			e = ring[tail++ % RINGSIDE_TRACE_RING];
			local_irq_restore(flags);
			if (copy_to_user(ubuf + done, &e, sizeof(e)))
				return done ? (long)done : -EFAULT;
			done++;
		}
		return done;
	}
	if (op != RINGSIDE_TRACE_ENABLE && op != RINGSIDE_TRACE_DISABLE)
		return -EINVAL;
	bool on = op == RINGSIDE_TRACE_ENABLE;
	if (pid == -1) {
		struct task_struct *t;
		trace_all_tasks = on;
		list_for_each_entry(t, &task_list, tasks)
			if (t->pid > 0)
				set_tracepoint(t, on);
		return 0;
	}
	struct task_struct *t = pid ? find_task_by_pid(pid) : current;
	if (!t || t->state == EXIT_ZOMBIE || pid < -1)
		return -ESRCH;
	set_tracepoint(t, on);
	return 0;
}
