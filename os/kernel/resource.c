/* What a C library asks the kernel for before main() and at exit, and the
 * process's identity: set_tid_address, set_robust_list, resource limits
 * (getrlimit, setrlimit, prlimit64), getrandom, the user and group ids,
 * process groups and sessions, and times. Linux's numbers and errnos (as
 * in Linux 4.3, kernel/sys.c, kernel/fork.c, drivers/char/random.c). */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <ringside/time.h>
#include <asm/x86.h>

/* ---- set_tid_address, set_robust_list ---- */

/* The thread id is returned; the address is zeroed when the task exits
 * (Linux also wakes a futex there: there are no futexes here). */
SYSCALL_DEFINE(sys_set_tid_address)
{
	current->clear_child_tid = a0;
	return current->pid;
}

SYSCALL_DEFINE(compat_sys_set_tid_address)
{
	current->clear_child_tid = (u32)a0;
	return current->pid;
}

/* struct robust_list_head is three words: 24 bytes, 12 for i386. */
SYSCALL_DEFINE(sys_set_robust_list)
{
	if (a1 != 24)
		return -EINVAL;
	current->robust_list = a0;
	return 0;
}

SYSCALL_DEFINE(compat_sys_set_robust_list)
{
	if (a1 != 12)
		return -EINVAL;
	current->robust_list = (u32)a0;
	return 0;
}

/* At exit: *clear_child_tid = 0, if it can still be written. */
void exit_clear_child_tid(struct task_struct *t)
{
	if (t->clear_child_tid && t->mm) {
		u32 zero = 0;
		copy_to_user((void *)t->clear_child_tid, &zero, sizeof(zero));
	}
}

/* ---- resource limits ---- */

#define RLIMIT_STACK   3
#define RLIMIT_CORE    4
#define RLIMIT_NOFILE  7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_MSGQUEUE 12

/* Linux's INIT_RLIMITS, with NPROC and SIGPENDING as a small machine gets them. */
void rlimit_init(struct task_struct *t)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		t->rlim[i] = (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
	t->rlim[RLIMIT_STACK].rlim_cur = 8UL << 20;
	t->rlim[RLIMIT_CORE].rlim_cur = 0;
	t->rlim[RLIMIT_NOFILE] = (struct rlimit64){ 1024, 4096 };
	t->rlim[RLIMIT_MEMLOCK] = (struct rlimit64){ 64UL << 10, 64UL << 10 };
	t->rlim[RLIMIT_MSGQUEUE] = (struct rlimit64){ 819200, 819200 };
	t->rlim[6] = (struct rlimit64){ 1024, 1024 };       /* NPROC */
	t->rlim[11] = (struct rlimit64){ 1024, 1024 };      /* SIGPENDING */
	t->rlim[13] = (struct rlimit64){ 0, 0 };            /* NICE */
	t->rlim[14] = (struct rlimit64){ 0, 0 };            /* RTPRIO */
}

/* Read and/or replace one limit of t. The caller has checked resource. */
static long do_prlimit(struct task_struct *t, unsigned resource,
		       const struct rlimit64 *new, struct rlimit64 *old)
{
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new) {
		if (new->rlim_cur > new->rlim_max)
			return -EINVAL;
		/* Everyone is root here: raising the hard limit is allowed,
		 * except NOFILE beyond nr_open (1048576), as on Linux. */
		if (resource == RLIMIT_NOFILE && new->rlim_max > 1048576)
			return -EPERM;
	}
	if (old)
		*old = t->rlim[resource];
	if (new)
		t->rlim[resource] = *new;
	return 0;
}

SYSCALL_DEFINE(sys_prlimit64)
{
	pid_t pid = (pid_t)a0;
	struct rlimit64 new, old;
	if (a2 && copy_from_user(&new, (const void *)a2, sizeof(new)))
		return -EFAULT;
	struct task_struct *t = pid ? find_task_by_pid(pid) : current;
	if (!t || t->state == EXIT_ZOMBIE)
		return -ESRCH;
	long err = do_prlimit(t, (unsigned)a1, a2 ? &new : NULL, a3 ? &old : NULL);
	if (!err && a3 && copy_to_user((void *)a3, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE(sys_getrlimit)
{
	struct rlimit64 old;
	long err = do_prlimit(current, (unsigned)a0, NULL, &old);
	return err ? err : copy_to_user((void *)a1, &old, sizeof(old));
}

SYSCALL_DEFINE(sys_setrlimit)
{
	struct rlimit64 new;
	if (copy_from_user(&new, (const void *)a1, sizeof(new)))
		return -EFAULT;
	return do_prlimit(current, (unsigned)a0, &new, NULL);
}

/* i386 ugetrlimit: 32-bit words, infinity shown as 0xffffffff. */
SYSCALL_DEFINE(compat_sys_getrlimit)
{
	struct rlimit64 old;
	long err = do_prlimit(current, (unsigned)a0, NULL, &old);
	if (err)
		return err;
	u32 r32[2] = { old.rlim_cur > 0xffffffffUL ? 0xffffffffU : (u32)old.rlim_cur,
		       old.rlim_max > 0xffffffffUL ? 0xffffffffU : (u32)old.rlim_max };
	return copy_to_user((void *)(unsigned long)(u32)a1, r32, sizeof(r32));
}

/* i386 getrlimit (76, the old one; Linux's compat_sys_old_getrlimit): as
 * ugetrlimit, but anything beyond 0x7fffffff (infinity included) shows as
 * 0x7fffffff. */
SYSCALL_DEFINE(compat_sys_old_getrlimit)
{
	struct rlimit64 old;
	long err = do_prlimit(current, (unsigned)a0, NULL, &old);
	if (err)
		return err;
	u32 r32[2] = { old.rlim_cur > 0x7fffffffUL ? 0x7fffffffU : (u32)old.rlim_cur,
		       old.rlim_max > 0x7fffffffUL ? 0x7fffffffU : (u32)old.rlim_max };
	return copy_to_user((void *)a1, r32, sizeof(r32));
}

/* ---- getrandom ---- */

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2

/* Not a cryptographic generator: xorshift64*, stirred with the TSC. Good
 * enough for hash seeds and stack canaries in a teaching kernel. */
static u64 rng_state;

static u64 rng_next(void)
{
	if (!rng_state)
		rng_state = rdtsc() | 1;
	rng_state ^= rdtsc() << 7;
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dUL;
}

SYSCALL_DEFINE(sys_getrandom)
{
	char *ubuf = (char *)a0;
	size_t count = a1;
	if (a2 & ~(unsigned long)(GRND_NONBLOCK | GRND_RANDOM))
		return -EINVAL;
	if (count > 0x7fffffffUL)
		count = 0x7fffffffUL;
	if (!access_ok(ubuf, count))
		return -EFAULT;
	size_t done = 0;
	while (done < count) {
		u64 w = rng_next();
		size_t n = min(count - done, sizeof(w));
		if (copy_to_user(ubuf + done, &w, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if ((done & 0xffff) == 0 && signal_pending(current))
			return done;
	}
	return done;
}

/* ---- who we are: everyone is root ---- */

SYSCALL_DEFINE(sys_getuid) { return 0; }
SYSCALL_DEFINE(sys_geteuid) { return 0; }
SYSCALL_DEFINE(sys_getgid) { return 0; }
SYSCALL_DEFINE(sys_getegid) { return 0; }

/* ---- process groups and sessions ---- */

static struct task_struct *task_or_current(pid_t pid)
{
	if (!pid)
		return current;
	struct task_struct *t = find_task_by_pid(pid);
	return t && t->state != EXIT_ZOMBIE ? t : NULL;
}

SYSCALL_DEFINE(sys_getpgid)
{
	struct task_struct *t = task_or_current((pid_t)a0);
	return t ? t->pgid : -ESRCH;
}

SYSCALL_DEFINE(sys_getpgrp) { return current->pgid; }

SYSCALL_DEFINE(sys_getsid)
{
	struct task_struct *t = task_or_current((pid_t)a0);
	return t ? t->sid : -ESRCH;
}

static bool pgrp_exists_in_session(pid_t pgid, pid_t sid)
{
	struct task_struct *t;
	list_for_each_entry(t, &task_list, tasks)
		if (t->pid && t->pgid == pgid && t->sid == sid &&
		    t->state != EXIT_ZOMBIE && t->state != EXIT_DEAD)
			return true;
	return false;
}

/* setpgid(pid, pgid): the caller or one of its children joins (or starts)
 * a process group of the caller's session (Linux's rules and errnos). */
SYSCALL_DEFINE(sys_setpgid)
{
	pid_t pid = (pid_t)a0, pgid = (pid_t)a1;
	struct task_struct *me = current, *t;
	if (pgid < 0)
		return -EINVAL;
	if (!pid)
		pid = me->pid;
	if (!pgid)
		pgid = pid;
	t = find_task_by_pid(pid);
	if (!t || t->state == EXIT_ZOMBIE || (t != me && t->parent != me))
		return -ESRCH;
	if (t != me && t->sid != me->sid)
		return -EPERM;
	if (t->sid == t->pid)                /* a session leader stays put */
		return -EPERM;
	if (pgid != pid && !pgrp_exists_in_session(pgid, me->sid))
		return -EPERM;
	t->pgid = pgid;
	return 0;
}

SYSCALL_DEFINE(sys_setsid)
{
	struct task_struct *me = current, *t;
	list_for_each_entry(t, &task_list, tasks)
		if (t->pgid == me->pid && t->state != EXIT_DEAD)
			return -EPERM;          /* already leads a group */
	me->sid = me->pgid = me->pid;
	me->has_tty = false;            /* a new session has no controlling terminal */
	return me->sid;
}

/* ---- times ---- */

SYSCALL_DEFINE(sys_times)
{
	struct task_struct *t = current;
	if (a0) {
		long tms[4] = { (long)t->utime, (long)t->stime, (long)t->cutime, (long)t->cstime };
		if (copy_to_user((void *)a0, tms, sizeof(tms)))
			return -EFAULT;
	}
	/* Clock ticks since an arbitrary point: boot, here (USER_HZ = HZ = 100). */
	return (long)jiffies;
}

/* int $0x80: struct compat_tms, four 32-bit clock_t; the result too is a
 * 32-bit clock_t, sign-extended (Linux's compat_sys_times). */
SYSCALL_DEFINE(compat_sys_times)
{
	struct task_struct *t = current;
	if (a0) {
		s32 tms[4] = { (s32)t->utime, (s32)t->stime, (s32)t->cutime, (s32)t->cstime };
		if (copy_to_user((void *)a0, tms, sizeof(tms)))
			return -EFAULT;
	}
	return (long)(s32)jiffies;
}

SYSCALL_DEFINE(compat_sys_setrlimit)
{
	u32 r32[2];
	if (copy_from_user(r32, (const void *)(unsigned long)(u32)a1, sizeof(r32)))
		return -EFAULT;
	struct rlimit64 new = { r32[0] == 0xffffffffU ? RLIM_INFINITY : r32[0],
				r32[1] == 0xffffffffU ? RLIM_INFINITY : r32[1] };
	return do_prlimit(current, (unsigned)a0, &new, NULL);
}
