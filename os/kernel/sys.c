/* The simple syscalls: identity, time, sleeping, memory (brk, mmap), the
 * console (read, write), uname, and Ringside's entry counters. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/mm.h>
#include <ringside/errno.h>
#include <ringside/uaccess.h>
#include <ringside/syscalls.h>
#include <ringside/percpu.h>
#include <ringside/console.h>
#include <ringside/fs.h>
#include <ringside/time.h>
#include <asm/x86.h>

/* ---- identity ---- */

SYSCALL_DEFINE(sys_getpid) { return current->pid; }
SYSCALL_DEFINE(sys_gettid) { return current->pid; }
SYSCALL_DEFINE(sys_getppid)
{
	struct task_struct *p = current->parent;
	return p ? p->pid : 0;
}

struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static const struct new_utsname uts = {
	.sysname = "Ringside",
	.nodename = "ringside",
	.release = "4.3.0-ringside",
	.version = "#1 Ringside teaching kernel",
	.machine = "x86_64",
	.domainname = "(none)",
};

SYSCALL_DEFINE(sys_uname)
{
	return copy_to_user((void *)a0, &uts, sizeof(uts));
}

/* i386 olduname (109): struct old_utsname, the first five fields of 65
 * bytes (no domainname); 0 or -EFAULT (Linux 4.3's sys_uname under
 * __ARCH_WANT_SYS_OLD_UNAME; its NULL check is copy_to_user's here). */
SYSCALL_DEFINE(sys32_olduname)
{
	return copy_to_user((void *)a0, &uts, 5 * sizeof(uts.sysname)) ? -EFAULT : 0;
}

/* i386 oldolduname (59): struct oldold_utsname, five fields of 9 bytes,
 * each the first 8 characters and a NUL (Linux 4.3's sys_olduname). */
SYSCALL_DEFINE(sys32_oldolduname)
{
	char old[5][9];
	const char *fields[5] = { uts.sysname, uts.nodename, uts.release, uts.version, uts.machine };
	for (int k = 0; k < 5; k++) {
		memcpy(old[k], fields[k], 8);
		old[k][8] = 0;
	}
	return copy_to_user((void *)a0, old, sizeof(old)) ? -EFAULT : 0;
}

/* ---- time ---- */

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

static int clock_now(unsigned long clk, struct timespec64 *ts)
{
	unsigned long ns = ktime_get_ns();
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		ts->tv_sec = ktime_get_real_seconds_at_boot() + ns / NSEC_PER_SEC;
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		ts->tv_sec = ns / NSEC_PER_SEC;
		break;
	default:
		return -EINVAL;
	}
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}

SYSCALL_DEFINE(sys_clock_gettime)
{
	struct timespec64 ts;
	int err = clock_now(a0, &ts);
	return err ? err : copy_to_user((void *)a1, &ts, sizeof(ts));
}

SYSCALL_DEFINE(compat_sys_clock_gettime)
{
	struct timespec64 ts;
	int err = clock_now(a0, &ts);
	s32 t32[2] = { (s32)ts.tv_sec, (s32)ts.tv_nsec };
	return err ? err : copy_to_user((void *)(unsigned long)(u32)a1, t32, sizeof(t32));
}

/* Sleep until the monotonic clock passes deadline. The timer wakes us at
 * the first tick after it; the loop checks in case it woke us early.
 * Interrupted by a signal: -ERESTART_RESTARTBLOCK with the restart block
 * set (a handler turns it into EINTR; a signal with no handler, such as a
 * stop and continue, makes the task call restart_syscall, which sleeps
 * what was left), and the time left written to rmtp. */
static long nanosleep_until(struct restart_block *rb);

static long write_remaining(unsigned long rmtp, bool compat, unsigned long left)
{
	if (!rmtp)
		return 0;
	if (compat) {
		s32 t32[2] = { (s32)(left / NSEC_PER_SEC), (s32)(left % NSEC_PER_SEC) };
		return copy_to_user((void *)rmtp, t32, sizeof(t32));
	}
	struct timespec64 ts = { left / NSEC_PER_SEC, left % NSEC_PER_SEC };
	return copy_to_user((void *)rmtp, &ts, sizeof(ts));
}

static long sleep_until(unsigned long deadline, bool interruptible_abs)
{
	for (;;) {
		unsigned long now = ktime_get_ns();
		if (now >= deadline)
			return 0;
		if (signal_pending(current))
			return interruptible_abs ? -ERESTARTNOHAND : -ERESTART_RESTARTBLOCK;
		local_irq_disable();
		current->wake_at = jiffies + (deadline - now + NSEC_PER_TICK - 1) / NSEC_PER_TICK;
		current->state = TASK_INTERRUPTIBLE;
		current->wait_channel = &current->wake_at;
		schedule();
		local_irq_enable();
	}
}

static long nanosleep_until(struct restart_block *rb)
{
	long r = sleep_until(rb->deadline_ns, false);
	if (r == -ERESTART_RESTARTBLOCK) {
		unsigned long now = ktime_get_ns();
		if (write_remaining(rb->rmtp, rb->compat, rb->deadline_ns > now ? rb->deadline_ns - now : 0))
			return -EFAULT;
		current->restart_block.fn = nanosleep_until;
	}
	return r;
}

static long do_nanosleep(const struct timespec64 *req, unsigned long rmtp, bool compat)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	struct restart_block *rb = &current->restart_block;
	rb->deadline_ns = ktime_get_ns() + req->tv_sec * NSEC_PER_SEC + req->tv_nsec;
	rb->rmtp = rmtp;
	rb->compat = compat;
	return nanosleep_until(rb);
}

SYSCALL_DEFINE(sys_nanosleep)
{
	struct timespec64 req;
	if (copy_from_user(&req, (const void *)a0, sizeof(req)))
		return -EFAULT;
	if (a1 && !access_ok((void *)a1, sizeof(req)))
		return -EFAULT;
	return do_nanosleep(&req, a1, false);
}

SYSCALL_DEFINE(compat_sys_nanosleep)
{
	s32 t32[2];
	if (copy_from_user(t32, (const void *)(unsigned long)(u32)a0, sizeof(t32)))
		return -EFAULT;
	struct timespec64 req = { t32[0], t32[1] };
	return do_nanosleep(&req, (u32)a1, true);
}

#define TIMER_ABSTIME 1
#define CLOCK_TAI 11

/* clock_nanosleep(clock, flags, req, rem): relative like nanosleep, or
 * until an absolute time of that clock with TIMER_ABSTIME (then rem is
 * not written and a stop and continue sleeps on to the same time). */
static long do_clock_nanosleep(unsigned long clk, unsigned long flags, unsigned long ureq,
			       unsigned long rmtp, bool compat)
{
	struct timespec64 req, now = { 0, 0 };
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME && clk != CLOCK_TAI)
		return -EINVAL;        /* the CPU-time clocks and unknown ones */
	if (compat) {
		s32 t32[2];
		if (copy_from_user(t32, (const void *)ureq, sizeof(t32)))
			return -EFAULT;
		req = (struct timespec64){ t32[0], t32[1] };
	} else if (copy_from_user(&req, (const void *)ureq, sizeof(req))) {
		return -EFAULT;
	}
	if (!(flags & TIMER_ABSTIME))
		return do_nanosleep(&req, rmtp, compat);
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	clock_now(clk == CLOCK_TAI ? CLOCK_REALTIME : clk, &now);
	long want = req.tv_sec * (long)NSEC_PER_SEC + req.tv_nsec;
	long have = now.tv_sec * (long)NSEC_PER_SEC + now.tv_nsec;
	if (want <= have)
		return 0;
	return sleep_until(ktime_get_ns() + (want - have), true);
}

SYSCALL_DEFINE(sys_clock_nanosleep)
{
	return do_clock_nanosleep(a0, a1, a2, a3, false);
}

/* int $0x80: compat_timespec for the request and the remainder. */
SYSCALL_DEFINE(compat_sys_clock_nanosleep)
{
	return do_clock_nanosleep((u32)a0, a1, (u32)a2, (u32)a3, true);
}

SYSCALL_DEFINE(sys_sched_yield)
{
	schedule();
	return 0;
}

/* ---- memory ---- */

#define BRK_MAX (256UL << 20)   /* the heap may grow to 256 MiB */

SYSCALL_DEFINE(sys_brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long want = a0, old_end = PAGE_ALIGN(mm->brk);
	if (want < mm->start_brk || want > mm->start_brk + BRK_MAX)
		return mm->brk;
	unsigned long new_end = PAGE_ALIGN(want);
	if (new_end > old_end) {
		if (vm_map_region(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE))
			return mm->brk;
	} else if (new_end < old_end) {
		vm_unmap_region(mm, new_end, old_end - new_end);
	}
	mm->brk = want;
	return want;
}

/* top: where the search for a free range starts going down (the i386 ABI
 * needs addresses that fit in 32 bits). */
static long do_mmap(unsigned long addr, unsigned long len, unsigned long prot,
		    unsigned long flags, unsigned long fd, unsigned long off, unsigned long top)
{
	struct mm_struct *mm = current->mm;
	if (!len || (off & ~PAGE_MASK))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return fget((int)fd) ? -ENODEV : -EBADF;   /* no file mappings */
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) != MAP_PRIVATE)
		return -EINVAL;          /* only private anonymous memory */
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	unsigned long size = PAGE_ALIGN(len);
	if (size < len || size > TASK_SIZE_MAX)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if (addr & ~PAGE_MASK || addr + size < addr || addr + size > TASK_SIZE_MAX || !addr)
			return -EINVAL;
		/* An i386 task's TASK_SIZE ends at IA32_PAGE_OFFSET: beyond it,
		 * get_unmapped_area's -ENOMEM (Linux 4.3, TIF_ADDR32). */
		if (test_thread_flag(TIF_IA32) && addr + size > IA32_PAGE_OFFSET)
			return -ENOMEM;
		vm_unmap_region(mm, addr, size);
	} else {
		/* A hint is honoured when the range there is free, as on Linux. */
		unsigned long hint = addr & PAGE_MASK;
		if (!hint || hint + size < hint || hint + size > top || hint < 0x10000000UL ||
		    !vm_range_free(mm, hint, hint + size))
			hint = vm_find_free(mm, size, top);
		if (!hint)
			return -ENOMEM;
		addr = hint;
	}
	int err = vm_map_region(mm, addr, size, prot);
	return err ? (err == -EEXIST ? -ENOMEM : err) : (long)addr;
}

SYSCALL_DEFINE(sys_mmap)
{
	return do_mmap(a0, a1, a2, a3, a4, a5, USER_MMAP_BASE);
}

SYSCALL_DEFINE(compat_sys_mmap2)
{
	return do_mmap((u32)a0, (u32)a1, a2, a3, (u32)a4, (unsigned long)(u32)a5 << PAGE_SHIFT,
		       IA32_PAGE_OFFSET);
}

/* i386 mmap (90, the old one; Linux's sys32_mmap): the six arguments in a
 * struct of 32-bit words in memory, the offset in bytes (page-aligned). */
SYSCALL_DEFINE(sys32_mmap)
{
	struct { u32 addr, len, prot, flags, fd, offset; } a;
	if (copy_from_user(&a, (const void *)a0, sizeof(a)))
		return -EFAULT;
	if (a.offset & ~PAGE_MASK)
		return -EINVAL;
	return compat_sys_mmap2(a.addr, a.len, a.prot, a.flags, a.fd, a.offset >> PAGE_SHIFT);
}

SYSCALL_DEFINE(sys_munmap)
{
	if ((a0 & ~PAGE_MASK) || !a1)
		return -EINVAL;
	unsigned long size = PAGE_ALIGN(a1);
	if (size < a1 || a0 + size < a0 || a0 + size > TASK_SIZE_MAX)
		return -EINVAL;
	return vm_unmap_region(current->mm, a0, size);
}

/* ---- Ringside's own ---- */

/* Every field of struct ringside_entry_stats is filled below: the kernel's
 * counters are the same less sysret_exits, plus the three it is made of. */
_Static_assert(sizeof(struct ringside_entry_stats) + 2 * sizeof(unsigned long) == sizeof(struct entry_counters),
	       "struct entry_counters and struct ringside_entry_stats have drifted apart");

SYSCALL_DEFINE(sys_ringside_stats)
{
	struct ringside_entry_stats snap;
	unsigned long flags = local_irq_save();
	const struct entry_counters *c = &cpu_data.stats;
	snap = (struct ringside_entry_stats){
		.fast_syscalls = c->fast_syscalls,
		.slow_syscalls = c->slow_syscalls,
		.int80_syscalls = c->int80_syscalls,
		/* The fast exit's SYSRETs are not counted (<ringside/percpu.h>);
		 * this call's own, still to come, is among them. */
		.sysret_exits = c->fast_syscalls + c->phase1_resumes - c->ptregs_redos - c->slow_exits +
				c->slow_sysret_exits,
		.iret_exits = c->iret_exits,
		.slow_exits = c->slow_exits,
		.interrupts = c->interrupts,
		.ticks = c->ticks,
		.notify_resume_runs = c->notify_resume_runs,
		.uprobe_hits = c->uprobe_hits,
		.user_return_notifiers = c->user_return_notifiers,
		.ct_warnings = c->ct_warnings,
		.exit_loop_iterations = c->exit_loop_iterations,
	};
	local_irq_restore(flags);
	return copy_to_user((void *)a0, &snap, sizeof(snap));
}
