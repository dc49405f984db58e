/* The scheduler: round robin over the runnable tasks, one CPU. The timer
 * tick counts down the running task's slice and sets TIF_NEED_RESCHED when
 * it runs out; the switch itself happens on the way back to user mode
 * (prepare_exit_to_usermode), when a task blocks, or in the idle loop. The
 * kernel itself is never preempted. */
#include <ringside/kernel.h>
#include <ringside/sched.h>
#include <ringside/tls.h>
#include <asm/segment.h>
#include <ringside/percpu.h>
#include <ringside/mm.h>
#include <ringside/task_work.h>
#include <asm/desc.h>
#include <asm/x86.h>

volatile unsigned long jiffies;
LIST_HEAD(task_list);
static LIST_HEAD(run_queue);
static struct task_struct idle_task;   /* pid 0: the boot context */
struct task_struct *init_task_ptr;

extern char init_stack_region[];

void sched_init(void)
{
	unsigned long top = ((unsigned long)init_stack_region + 2 * THREAD_SIZE) & ~(THREAD_SIZE - 1);
	idle_task.stack = (void *)(top - THREAD_SIZE);
	idle_task.state = TASK_RUNNING;
	idle_task.pid = 0;
	strlcpy(idle_task.comm, "swapper", TASK_COMM_LEN);
	INIT_LIST_HEAD(&idle_task.children);
	INIT_LIST_HEAD(&idle_task.sibling);
	INIT_LIST_HEAD(&idle_task.run_list);
	list_add_tail(&idle_task.tasks, &task_list);
	task_thread_info(&idle_task)->task = &idle_task;
	cpu_data.current_task = &idle_task;
	cpu_data.top_of_stack = top;
	load_sp0(cpu_data.top_of_stack);
}

static bool is_idle(struct task_struct *t) { return t == &idle_task; }

void wake_up_process(struct task_struct *t)
{
	unsigned long flags = local_irq_save();
	if (t->state == TASK_INTERRUPTIBLE || t->state == TASK_UNINTERRUPTIBLE) {
		t->state = TASK_RUNNING;
		t->wait_channel = NULL;
		if (!is_idle(t) && list_empty(&t->run_list))
			list_add_tail(&t->run_list, &run_queue);
		if (is_idle(current))
			set_tsk_thread_flag(current, TIF_NEED_RESCHED);
	}
	local_irq_restore(flags);
}

/* Resume a stopped or traced task (SIGCONT, SIGKILL, a tracer's resume). */
void wake_up_stopped(struct task_struct *t)
{
	unsigned long flags = local_irq_save();
	if (t->state == TASK_STOPPED || t->state == TASK_TRACED) {
		t->state = TASK_RUNNING;
		if (list_empty(&t->run_list))
			list_add_tail(&t->run_list, &run_queue);
		if (is_idle(current))
			set_tsk_thread_flag(current, TIF_NEED_RESCHED);
	}
	local_irq_restore(flags);
}

void wake_up_channel(void *chan)
{
	unsigned long flags = local_irq_save();
	struct task_struct *t;
	list_for_each_entry(t, &task_list, tasks)
		if (t->wait_channel == chan && t->state == TASK_INTERRUPTIBLE)
			wake_up_process(t);
	local_irq_restore(flags);
}

/* Called from the timer interrupt. */
void scheduler_tick(bool user_mode)
{
	struct task_struct *t = current, *s;
	jiffies++;
	if (user_mode)
		t->utime++;
	else
		t->stime++;
	list_for_each_entry(s, &task_list, tasks)
		if (s->wake_at && s->wake_at <= jiffies && s->state == TASK_INTERRUPTIBLE) {
			s->wake_at = 0;
			wake_up_process(s);
		}
	if (is_idle(t)) {
		if (!list_empty(&run_queue))
			set_tsk_thread_flag(t, TIF_NEED_RESCHED);
	} else if (--t->time_slice <= 0) {
		set_tsk_thread_flag(t, TIF_NEED_RESCHED);
	}
}

/* ds and es as user mode needs them: __USER_DS for an i386 task, whose
 * compatibility-mode code addresses memory through them, 0 for a 64-bit one
 * (Linux's start_thread_common and __switch_to). The kernel never uses them. */
void load_user_data_segments(struct task_struct *t)
{
	unsigned short sel = test_tsk_thread_flag(t, TIF_IA32) ? __USER_DS : 0;
	__asm__ volatile("movw %0, %%ds\n\tmovw %0, %%es" :: "r"(sel) : "memory");
}

void switch_to(struct task_struct *prev, struct task_struct *next)
{
	extern void __switch_to_asm(struct task_struct *prev, struct task_struct *next);
	if (test_tsk_thread_flag(prev, TIF_IA32) || test_tsk_thread_flag(next, TIF_IA32))
		load_user_data_segments(next);
	/* next's TLS descriptors and fs/gs selectors (arch/tls.c); the user GS
	 * base waits in MSR_KERNEL_GS_BASE (swapgs brings it back). */
	switch_tls(prev, next);
	user_return_switch(prev, next);
	cpu_data.current_task = next;
	cpu_data.top_of_stack = (unsigned long)next->stack + THREAD_SIZE;
	load_sp0(cpu_data.top_of_stack);
	switch_mm(next->mm);
	fpu__switch(prev, next);
	__switch_to_asm(prev, next);
}

/* A task that released itself at exit (EXIT_DEAD: its parent ignores
 * SIGCHLD) cannot free the stack it runs on: the next task to run frees it
 * once the switch is done, as Linux's finish_task_switch drops a TASK_DEAD
 * prev's last reference. IRQs off. */
static struct task_struct *dead_task;

static void finish_task_switch(void)
{
	struct task_struct *t = dead_task;
	if (t && t != current) {
		dead_task = NULL;
		free_task(t);
	}
}

/* Pick the next runnable task (the head of the queue) and switch to it. The
 * running task, if still runnable, goes to the back. IRQs are off across the
 * switch and restored to what the caller had. */
void schedule(void)
{
	unsigned long flags = local_irq_save();
	struct task_struct *prev = current, *next;
	clear_tsk_thread_flag(prev, TIF_NEED_RESCHED);
	if (!is_idle(prev)) {
		list_del_init(&prev->run_list);
		if (prev->state == TASK_RUNNING)
			list_add_tail(&prev->run_list, &run_queue);
	}
	if (list_empty(&run_queue))
		next = &idle_task;
	else
		next = list_first_entry(&run_queue, struct task_struct, run_list);
	if (next != prev) {
		next->time_slice = TIMESLICE_TICKS;
		if (prev->state == EXIT_DEAD)
			dead_task = prev;
		switch_to(prev, next);
		finish_task_switch();
	} else if (!is_idle(prev)) {
		prev->time_slice = TIMESLICE_TICKS;
	}
	local_irq_restore(flags);
}

/* The first thing a new task runs (from ret_from_fork): the switch left
 * IRQs off; the new task runs with them on. */
void schedule_tail(void);
void schedule_tail(void)
{
	finish_task_switch();
	local_irq_enable();
}

void __noreturn cpu_idle(void)
{
	for (;;) {
		local_irq_disable();
		if (test_thread_flag(TIF_NEED_RESCHED) || !list_empty(&run_queue)) {
			local_irq_enable();
			schedule();
			continue;
		}
		/* sti; hlt: the interrupt that ends hlt cannot slip in between. */
		__asm__ volatile("sti; hlt" ::: "memory");
	}
}

struct task_struct *find_task_by_pid(pid_t pid)
{
	struct task_struct *t;
	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid && t->state != EXIT_DEAD)
			return t;
	return NULL;
}

struct task_struct *alloc_task(void)
{
	static pid_t next_pid = 1;
	struct task_struct *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	if ((unsigned long)&t->fpu.state & 15)
		panic("task_struct %p: the FXSAVE area must be 16-byte aligned", t);
	fpu__init_state(&t->fpu.state);
	t->stack = alloc_pages(THREAD_SIZE_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	t->pid = next_pid++;
	t->state = TASK_UNINTERRUPTIBLE;    /* not runnable until set up */
	t->exit_signal = 17;                /* SIGCHLD */
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->run_list);
	task_thread_info(t)->task = t;
	unsigned long flags = local_irq_save();
	list_add_tail(&t->tasks, &task_list);
	local_irq_restore(flags);
	return t;
}

void free_task(struct task_struct *t)
{
	unsigned long flags = local_irq_save();
	list_del_init(&t->tasks);
	list_del_init(&t->sibling);
	list_del_init(&t->run_list);
	local_irq_restore(flags);
	free_pages(t->stack, THREAD_SIZE_ORDER);
	kfree(t);
}

/* Make t runnable for the first time: its first switch_to() "returns" into
 * ret_from_fork, which goes to user mode through the syscall exit path (r12
 * = 0) or calls a kernel thread's function (r12 = fn, r13 = arg). */
void start_task(struct task_struct *t, void (*fn)(void *), void *arg)
{
	extern char ret_from_fork[];
	unsigned long *sp = (unsigned long *)task_pt_regs(t);
	*--sp = (unsigned long)ret_from_fork;   /* __switch_to_asm's ret */
	*--sp = 0;                              /* rbp */
	*--sp = 0;                              /* rbx */
	*--sp = (unsigned long)fn;              /* r12 */
	*--sp = (unsigned long)arg;             /* r13 */
	*--sp = 0;                              /* r14 */
	*--sp = 0;                              /* r15 */
	t->thread.sp = (unsigned long)sp;
	t->time_slice = TIMESLICE_TICKS;
	unsigned long flags = local_irq_save();
	t->state = TASK_RUNNING;
	list_add_tail(&t->run_list, &run_queue);
	local_irq_restore(flags);
}
