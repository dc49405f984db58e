/* Syscall auditing: with TIF_SYSCALL_AUDIT set, every syscall of the task
 * leaves an entry record (arch, number, four arguments) and an exit record
 * (result, success) in a ring buffer. Linux sends these to auditd; Ringside
 * keeps the newest RINGSIDE_AUDIT_RING and lets ringside_audit() read them. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/audit.h>
#include <ringside/entry.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <uapi/ringside.h>
#include <asm/x86.h>

bool audit_all_tasks;
static struct ringside_audit_record ring[RINGSIDE_AUDIT_RING];
static unsigned long head, tail, next_seq = 1;   /* [tail, head) are unread */

static void audit_log(const struct ringside_audit_record *r)
{
	unsigned long flags = local_irq_save();
	ring[head % RINGSIDE_AUDIT_RING] = *r;
	ring[head % RINGSIDE_AUDIT_RING].seq = next_seq++;
	head++;
	if (head - tail > RINGSIDE_AUDIT_RING)   /* full: the oldest is lost */
		tail = head - RINGSIDE_AUDIT_RING;
	local_irq_restore(flags);
}

void audit_syscall_entry(u32 arch, int nr, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3)
{
	struct ringside_audit_record r = {
		.type = RINGSIDE_AUDIT_ENTRY, .arch = arch, .pid = current->pid, .nr = nr,
		.args = { a0, a1, a2, a3 },
	};
	audit_log(&r);
}

void audit_syscall_exit(struct pt_regs *regs)
{
	struct thread_info *ti = pt_regs_to_thread_info(regs);
	long result = (long)regs->ax;
	struct ringside_audit_record r = {
		.type = RINGSIDE_AUDIT_EXIT,
		.arch = (ti->status & TS_COMPAT) ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64,
		.pid = current->pid, .nr = (int)regs->orig_ax,
		.result = result, .success = !IS_ERR_VALUE(result),
	};
	audit_log(&r);
}

static long audit_read(struct ringside_audit_record *ubuf, unsigned long count)
{
	unsigned long done = 0;
	while (done < count) {
		struct ringside_audit_record r;
		unsigned long flags = local_irq_save();
		if (tail == head) {
			local_irq_restore(flags);
			break;
		}
		r = ring[tail % RINGSIDE_AUDIT_RING];
		tail++;
		local_irq_restore(flags);
		if (copy_to_user(ubuf + done, &r, sizeof(r)))
			return done ? (long)done : -EFAULT;
		done++;
	}
	return done;
}

SYSCALL_DEFINE(sys_ringside_audit)
{
	int op = (int)a0;
	pid_t pid = (pid_t)a1;
	struct task_struct *t = pid ? find_task_by_pid(pid) : current;
	switch (op) {
	case RINGSIDE_AUDIT_ENABLE:
	case RINGSIDE_AUDIT_DISABLE:
	case RINGSIDE_AUDIT_STATUS:
		if (!t || t->state == EXIT_ZOMBIE)
			return -ESRCH;
		if (op == RINGSIDE_AUDIT_STATUS)
			return test_tsk_thread_flag(t, TIF_SYSCALL_AUDIT);
		if (op == RINGSIDE_AUDIT_ENABLE)
			set_tsk_thread_flag(t, TIF_SYSCALL_AUDIT);
		else
			clear_tsk_thread_flag(t, TIF_SYSCALL_AUDIT);
		return 0;
	case RINGSIDE_AUDIT_READ:
		if ((long)a3 < 0)
			return -EINVAL;
		return audit_read((struct ringside_audit_record *)a2, a3);
	default:
		return -EINVAL;
	}
}
