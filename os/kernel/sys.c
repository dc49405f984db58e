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
#include <ringside/time.h>
#include <asm/x86.h>

/* ---- console I/O: fds 0, 1 and 2 are all the console, as after login ---- */

static bool console_fd(unsigned long fd)
{
	return fd <= 2;
}

SYSCALL_DEFINE(sys_write)
{
	const char *ubuf = (const char *)a1;
	size_t count = a2, done = 0;
	char chunk[256];
	if (!console_fd(a0))
		return -EBADF;
	if ((long)count < 0)
		return -EINVAL;
	if (!access_ok(ubuf, count))
		return -EFAULT;
	while (done < count) {
		size_t n = min(count - done, sizeof(chunk));
		if (copy_from_user(chunk, ubuf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return done;
}

SYSCALL_DEFINE(sys_read)
{
	char *ubuf = (char *)a1;
	size_t count = a2;
	char kbuf[256];
	if (!console_fd(a0))
		return -EBADF;
	if ((long)count < 0)
		return -EINVAL;
	if (!count)
		return 0;
	if (!access_ok(ubuf, count))
		return -EFAULT;
	long n = tty_read(kbuf, min(count, sizeof(kbuf)));
	if (n > 0 && copy_to_user(ubuf, kbuf, n))
		return -EFAULT;
	return n == -EINTR ? -ERESTARTSYS : n;
}

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

SYSCALL_DEFINE(sys_uname)
{
	static const struct new_utsname uts = {
		.sysname = "Ringside",
		.nodename = "ringside",
		.release = "4.3.0-ringside",
		.version = "#1 Ringside teaching kernel",
		.machine = "x86_64",
		.domainname = "(none)",
	};
	return copy_to_user((void *)a0, &uts, sizeof(uts));
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

/* Sleep until the monotonic clock passes now + req. The timer wakes us at
 * the first tick after the deadline; the check loops in case it woke us early. */
static long do_nanosleep(const struct timespec64 *req)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	unsigned long deadline = ktime_get_ns() + req->tv_sec * NSEC_PER_SEC + req->tv_nsec;
	for (;;) {
		unsigned long now = ktime_get_ns();
		if (now >= deadline)
			return 0;
		if (signal_pending(current))
			return -EINTR;
		local_irq_disable();
		current->wake_at = jiffies + (deadline - now + NSEC_PER_TICK - 1) / NSEC_PER_TICK;
		current->state = TASK_INTERRUPTIBLE;
		current->wait_channel = &current->wake_at;
		schedule();
		local_irq_enable();
	}
}

SYSCALL_DEFINE(sys_nanosleep)
{
	struct timespec64 req;
	if (copy_from_user(&req, (const void *)a0, sizeof(req)))
		return -EFAULT;
	if (a1 && !access_ok((void *)a1, sizeof(req)))
		return -EFAULT;
	return do_nanosleep(&req);
}

SYSCALL_DEFINE(compat_sys_nanosleep)
{
	s32 t32[2];
	if (copy_from_user(t32, (const void *)(unsigned long)(u32)a0, sizeof(t32)))
		return -EFAULT;
	struct timespec64 req = { t32[0], t32[1] };
	return do_nanosleep(&req);
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
		return (long)fd >= 0 && console_fd(fd) ? -ENODEV : -EBADF;
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
		       0xffffe000UL);
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

SYSCALL_DEFINE(sys_ringside_stats)
{
	struct ringside_entry_stats snap;
	unsigned long flags = local_irq_save();
	snap = cpu_data.stats;
	local_irq_restore(flags);
	return copy_to_user((void *)a0, &snap, sizeof(snap));
}
