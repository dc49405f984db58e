/* lab3_ptrace: the syscall slow path as a tracer sees it.
 *
 *   lab3_ptrace entry   lab 3: a number changed at the syscall-entry stop is
 *                       the one the call, the sys_enter tracepoint and the
 *                       audit entry record all see
 *   lab3_ptrace wide    lab 3: a traced syscall(0x100000027) is ENOSYS
 *   lab3_ptrace seccomp lab 3: the entry stop after a seccomp stop resumed
 *                       with PTRACE_SYSCALL; a refused call leaves no trace
 *   lab3_ptrace audit   lab 3: phase 2 audits only audited tasks; an audited
 *                       int $0x80 call has one entry record
 *   lab3_ptrace exit    lab 5: the syscall-exit stop, and the single-step
 *                       over a syscall instruction reported at the right
 *                       place - and not at all under PTRACE_SYSEMU
 *
 * The exit tests point a stopped child at a fixed stub (below) so that the
 * instruction addresses are known. Every wait is bounded: a missing stop is
 * a failed result, not a hang. KTAP on stdout, one-word result names. */
#include <errno.h>
#include <ktap.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/ringside.h>
#include <sys/seccomp.h>
#include <sys/sigaction.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* getpid by the syscall instruction, a nop, then a spin the tracer never
 * lets the child leave. */
extern char lab3_stub_syscall[], lab3_stub_nop[];
__asm__(".text\n"
	".globl lab3_stub_syscall, lab3_stub_nop\n"
	"lab3_stub_syscall: syscall\n"
	"lab3_stub_nop: nop\n"
	"1: jmp 1b\n");

static void finish_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A child that stops itself for its tracer and then spins. */
static pid_t start_stopped_child(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		for (;;)
			sched_yield();
	}
	int status = ktap_wait_status(pid);
	if (status < 0 || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		ktap_diag("the child did not stop (status %#x)", status);
		finish_child(pid);
		return -1;
	}
	return pid;
}

/* Point the stopped child at the stub's syscall instruction with rax = 39. */
static int aim_at_stub(pid_t pid)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0)
		return -1;
	regs.rip = (unsigned long)lab3_stub_syscall;
	regs.rax = __NR_getpid;
	return (int)ptrace(PTRACE_SETREGS, pid, NULL, &regs);
}

static unsigned long rip_of(pid_t pid)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0)
		return 0;
	return regs.rip;
}

/* ---- lab 3 ---- */

#define RESULT_WAS_PPID 1
#define TRACEPOINT_SAW_NEW 2
#define AUDIT_SAW_NEW 4

static struct ringside_audit_record records[RINGSIDE_AUDIT_RING];
static struct ringside_trace_event events[RINGSIDE_TRACE_RING];

static void changed_number_child(void)
{
	long me = syscall0(__NR_getpid);
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);
	ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0);
	/* One read empties each ring (a read is audited too, so a loop reading
	 * until nothing is left would never end). */
	ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	syscall2(__NR_kill, me, SIGSTOP);      /* raise() might call getpid itself */
	long r = syscall0(__NR_getpid);        /* the tracer turns it into getppid */
	long ppid = syscall0(__NR_getppid);
	long nrec = ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	long nev = ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	int code = r == ppid ? RESULT_WAS_PPID : 0;
	int enter_new = 0, enter_old = 0, audit_new = 0, audit_old = 0;
	for (long i = 0; i < nev; i++) {
		if (events[i].type != RINGSIDE_TRACE_SYS_ENTER || events[i].pid != me)
			continue;
		enter_new += events[i].nr == __NR_getppid;
		enter_old += events[i].nr == __NR_getpid;
	}
	for (long i = 0; i < nrec; i++) {
		if (records[i].type != RINGSIDE_AUDIT_ENTRY || records[i].pid != me)
			continue;
		audit_new += records[i].nr == __NR_getppid;
		audit_old += records[i].nr == __NR_getpid;
	}
	/* Two getppids ran: the changed one and ours. */
	if (enter_new == 2 && enter_old == 0)
		code |= TRACEPOINT_SAW_NEW;
	if (audit_new == 2 && audit_old == 0)
		code |= AUDIT_SAW_NEW;
	_exit(code);
}

static void entry_tests(void)
{
	ktap_plan(3);
	pid_t pid = fork();
	if (pid == 0)
		changed_number_child();
	int status = ktap_wait_status(pid), code = -1;
	if (status >= 0 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP &&
	    ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0) {
		status = ktap_wait_status(pid);
		struct user_regs_struct regs;
		if (status >= 0 && WIFSTOPPED(status) && ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0 &&
		    regs.orig_rax == __NR_getpid) {
			regs.orig_rax = __NR_getppid;
			ptrace(PTRACE_SETREGS, pid, NULL, &regs);
			ptrace(PTRACE_SYSCALL, pid, NULL, NULL);      /* to the exit stop */
			status = ktap_wait_status(pid);
			if (status >= 0 && WIFSTOPPED(status))
				ptrace(PTRACE_DETACH, pid, NULL, NULL);
			status = ktap_wait_status(pid);
			if (status >= 0 && WIFEXITED(status))
				code = WEXITSTATUS(status);
		} else {
			ktap_diag("no syscall-entry stop for getpid (status %#x, orig_rax %ld)", status,
				  (long)regs.orig_rax);
		}
	}
	if (code < 0) {
		ktap_diag("the traced child did not finish (status %#x)", status);
		finish_child(pid);
		code = 0;
	}
	ktap_ok(code & RESULT_WAS_PPID, "changed_number_runs");
	ktap_ok(code & TRACEPOINT_SAW_NEW, "tracepoint_after_tracer");
	ktap_ok(code & AUDIT_SAW_NEW, "audit_after_tracer");
}

/* Run fn in a child; its exit code, or -1 if it did not exit in time. */
static int child_code(void (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	int status = ktap_wait_status(pid);
	if (status >= 0 && WIFEXITED(status))
		return WEXITSTATUS(status);
	ktap_diag("the child did not exit (status %#x)", status);
	finish_child(pid);
	return -1;
}

static int count_mine(long n, unsigned type, long nr, unsigned arch, int pid, bool audit)
{
	int c = 0;
	for (long i = 0; i < n; i++) {
		if (audit && records[i].type == type && records[i].pid == pid && records[i].nr == nr &&
		    records[i].arch == arch)
			c++;
		if (!audit && events[i].type == type && events[i].pid == pid && events[i].nr == nr)
			c++;
	}
	return c;
}

/* Audited int $0x80 getpid: phase 1 writes the only entry record, so
 * syscall_trace_enter must not go on to phase 2. */
static void int80_audit_child(void)
{
	int me = (int)syscall0(__NR_getpid);
	ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);
	ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	syscall32_0(20);
	long n = ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	_exit(count_mine(n, RINGSIDE_AUDIT_ENTRY, 20, AUDIT_ARCH_I386, me, true));
}

/* Bits of refused_child's exit code. */
#define NOT_AUDITED 1          /* tracepoint on, audit off: no audit record */
#define REFUSED_ENOSYS 2       /* TRACE with no tracer: ENOSYS */
#define REFUSED_SILENT 4       /* ... and neither a sys_enter event nor an audit record */

static void refused_child(void)
{
	int me = (int)syscall0(__NR_getpid), code = 0;
	ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0);
	ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	long tid = syscall0(__NR_gettid);
	long n = ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	long nev = ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	/* gettid ran and passed the tracepoint, but left no audit record. */
	if (tid == me && count_mine(nev, RINGSIDE_TRACE_SYS_ENTER, __NR_gettid, 0, me, false) == 1 &&
	    count_mine(n, RINGSIDE_AUDIT_ENTRY, __NR_gettid, AUDIT_ARCH_X86_64, me, true) == 0)
		code |= NOT_AUDITED;
	static struct sock_filter trace_getppid[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 7),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = trace_getppid };
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (unsigned long)&prog, 0, 0) != 0)
		_exit(code);
	ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);
	ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	long r = syscall0(__NR_getppid);
	tid = syscall0(__NR_gettid);           /* allowed: described as usual */
	n = ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	nev = ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	if (r == -ENOSYS)
		code |= REFUSED_ENOSYS;
	if (count_mine(n, RINGSIDE_AUDIT_ENTRY, __NR_getppid, AUDIT_ARCH_X86_64, me, true) == 0 &&
	    count_mine(nev, RINGSIDE_TRACE_SYS_ENTER, __NR_getppid, 0, me, false) == 0 && tid == me &&
	    count_mine(n, RINGSIDE_AUDIT_ENTRY, __NR_gettid, AUDIT_ARCH_X86_64, me, true) == 1 &&
	    count_mine(nev, RINGSIDE_TRACE_SYS_ENTER, __NR_gettid, 0, me, false) == 1)
		code |= REFUSED_SILENT;
	_exit(code);
}

/* A traced child makes a call whose number is not a number of the table
 * once all 64 bits count; the tracer only watches. */
#define WIDE_NR 0x100000027L      /* getpid's 39 plus bit 32 */

static void wide_child(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	syscall2(__NR_kill, syscall0(__NR_getpid), SIGSTOP);
	long r = syscall0(WIDE_NR);
	_exit(r == -ENOSYS ? 0 : r > 0 ? 1 : 2);
}

/* The tracer's view of a seccomp TRACE answer resumed with PTRACE_SYSCALL. */
static void seccomp_stop_child(void)
{
	static struct sock_filter trace_getppid[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 7),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = trace_getppid };
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (unsigned long)&prog, 0, 0) != 0)
		_exit(3);
	syscall2(__NR_kill, syscall0(__NR_getpid), SIGSTOP);
	syscall0(__NR_getppid);
	_exit(0);
}

/* Resume pid with request and wait for its next stop; its registers then. */
static int resume_and_stop(pid_t pid, int request, struct user_regs_struct *regs)
{
	if (ptrace(request, pid, NULL, NULL) < 0)
		return -1;
	int status = ktap_wait_status(pid);
	if (status < 0 || !WIFSTOPPED(status) || ptrace(PTRACE_GETREGS, pid, NULL, regs) < 0)
		return -1;
	return status;
}

static void wide_tests(void)
{
	ktap_plan(1);
	/* Untraced, syscall(0x100000027) is ENOSYS (do_syscall_64's bound is
	 * 64 bits wide); traced, the number phase 2 returns must be the same. */
	pid_t pid = fork();
	if (pid == 0)
		wide_child();
	int status = ktap_wait_status(pid), code = -1;
	struct user_regs_struct regs;
	if (status >= 0 && WIFSTOPPED(status) && resume_and_stop(pid, PTRACE_SYSCALL, &regs) >= 0) {
		ktap_diag("entry stop for syscall(%#lx): orig_rax %#lx, rax %ld", WIDE_NR,
			  (unsigned long)regs.orig_rax, (long)regs.rax);
		if ((long)regs.orig_rax != WIDE_NR || (long)regs.rax != -ENOSYS)
			code = 3;              /* not the entry stop of that call */
		if (resume_and_stop(pid, PTRACE_SYSCALL, &regs) >= 0)
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
		status = ktap_wait_status(pid);
		if (status >= 0 && WIFEXITED(status) && code != 3)
			code = WEXITSTATUS(status);
	}
	if (code < 0 || code == 3)
		finish_child(pid);
	ktap_diag("traced syscall(%#lx): %s", WIDE_NR, code == 0 ? "ENOSYS, as untraced" :
		  code == 3 ? "no syscall-entry stop for it" :
		  code == 1 ? "ran some syscall instead of failing" : "did not finish as expected");
	ktap_ok(code == 0, "wide_number_traced");
}

static void seccomp_tests(void)
{
	ktap_plan(2);
	struct user_regs_struct regs;
	/* seccomp's TRACE answer stops the child (PTRACE_EVENT_SECCOMP); the
	 * tracer resumes it with PTRACE_SYSCALL, which sets TIF_SYSCALL_TRACE:
	 * the same call then makes its syscall-entry stop (rax -ENOSYS). */
	pid_t pid = fork();
	if (pid == 0)
		seccomp_stop_child();
	int status = ktap_wait_status(pid), code;
	int ok = 0;
	if (status >= 0 && WIFSTOPPED(status) &&
	    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_TRACESECCOMP) == 0) {
		status = resume_and_stop(pid, PTRACE_CONT, &regs);
		if (status >= 0 && (status >> 8) == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			status = resume_and_stop(pid, PTRACE_SYSCALL, &regs);
			ktap_diag("after the seccomp stop, resumed with PTRACE_SYSCALL: next stop status %#x, "
				  "orig_rax %ld, rax %ld (an entry stop has rax -ENOSYS)", status,
				  (long)regs.orig_rax, (long)regs.rax);
			ok = status >= 0 && WSTOPSIG(status) == SIGTRAP && (long)regs.orig_rax == __NR_getppid &&
			     (long)regs.rax == -ENOSYS;
		} else {
			ktap_diag("no seccomp stop (status %#x)", status);
		}
	}
	finish_child(pid);
	ktap_ok(ok, "seccomp_stop_then_entry_stop");

	code = child_code(refused_child);
	ktap_diag("getppid sent by seccomp to an absent tracer: %s, %s",
		  code >= 0 && (code & REFUSED_ENOSYS) ? "ENOSYS" : "not ENOSYS",
		  code >= 0 && (code & REFUSED_SILENT) ? "no event or record (an allowed gettid had both)" :
		  "an event or record for it, or none for an allowed gettid after it");
	ktap_ok(code >= 0 && (code & REFUSED_ENOSYS) && (code & REFUSED_SILENT), "refused_call_not_traced");
}

static void audit_tests(void)
{
	ktap_plan(2);
	int code = child_code(refused_child);
	ktap_diag("tracepoint on, audit off: gettid %s", code >= 0 && (code & NOT_AUDITED) ?
		  "ran, traced, not audited" : "did not run, was not traced, or was audited");
	ktap_ok(code >= 0 && (code & NOT_AUDITED), "audit_needs_flag");

	code = child_code(int80_audit_child);
	ktap_diag("audited int $0x80 getpid: %d entry records", code);
	ktap_ok(code == 1, "int80_audited_once");
}

/* ---- lab 5 ---- */

static void exit_stop_test(void)
{
	pid_t pid = start_stopped_child();
	int ok = 0;
	if (pid > 0 && aim_at_stub(pid) == 0 && ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0) {
		int status = ktap_wait_status(pid);
		struct user_regs_struct regs;
		if (status >= 0 && WIFSTOPPED(status) && ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0) {
			status = ktap_wait_status(pid);
			if (status >= 0 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP &&
			    ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0) {
				ktap_diag("exit stop: rax %ld, rip %#lx", (long)regs.rax, regs.rip);
				ok = (long)regs.rax == pid && regs.rip == (unsigned long)lab3_stub_nop;
			} else {
				ktap_diag("no syscall-exit stop (status %#x)", status);
			}
		}
	}
	if (pid > 0)
		finish_child(pid);
	ktap_ok(ok, "exit_stop");
}

static int plain_step_reported;

static void step_test(void)
{
	pid_t pid = start_stopped_child();
	unsigned long rip = 0;
	int status = -1;
	/* With TRACESYSGOOD a syscall stop would say SIGTRAP | 0x80: the step
	 * must be reported as the plain SIGTRAP the hardware would raise. */
	if (pid > 0 && aim_at_stub(pid) == 0 &&
	    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_TRACESYSGOOD) == 0 &&
	    ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) == 0) {
		status = ktap_wait_status(pid);
		if (status >= 0 && WIFSTOPPED(status))
			rip = rip_of(pid);
	}
	ktap_diag("single step over syscall: status %#x, rip %#lx (want a plain SIGTRAP stop, status "
		  "0x57f, at %#lx, right after the syscall instruction)", status, rip,
		  (unsigned long)lab3_stub_nop);
	if (pid > 0)
		finish_child(pid);
	plain_step_reported = status >= 0 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP &&
			      rip == (unsigned long)lab3_stub_nop;
	ktap_ok(plain_step_reported, "step_over_syscall");
}

static void sysemu_step_test(void)
{
	pid_t pid = start_stopped_child();
	unsigned long rip1 = 0, rip2 = 0;
	int status = -1;
	if (pid > 0 && aim_at_stub(pid) == 0 && ptrace(PTRACE_SYSEMU_SINGLESTEP, pid, NULL, NULL) == 0) {
		status = ktap_wait_status(pid);            /* the syscall-entry report */
		if (status >= 0 && WIFSTOPPED(status)) {
			rip1 = rip_of(pid);
			if (ptrace(PTRACE_SYSEMU_SINGLESTEP, pid, NULL, NULL) == 0) {
				status = ktap_wait_status(pid);    /* the step after the nop */
				if (status >= 0 && WIFSTOPPED(status))
					rip2 = rip_of(pid);
			}
		}
	}
	ktap_diag("PTRACE_SYSEMU_SINGLESTEP: entry stop at %#lx, next stop at %#lx (want %#lx: no "
		  "step report for an emulated call)", rip1, rip2, (unsigned long)lab3_stub_nop + 1);
	if (pid > 0)
		finish_child(pid);
	/* The contrast is the point: reported for a real call, not for an
	 * emulated one. */
	if (!plain_step_reported)
		ktap_diag("(and the plain single step over a real syscall was not reported right)");
	ktap_ok(plain_step_reported && rip1 == (unsigned long)lab3_stub_nop &&
		rip2 == (unsigned long)lab3_stub_nop + 1, "sysemu_step_not_reported");
}

/* Bits of records_child's exit code. */
#define SAW_TRACER_VALUE 1      /* the program got the value the tracer wrote */
#define AUDIT_SAW_RESULT 2      /* the audit exit record has the call's own result */
#define TRACEPOINT_SAW_RESULT 4 /* and so does the sys_exit event */

static void records_child(void)
{
	int me = (int)syscall0(__NR_getpid), code = 0;
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	ringside_audit(RINGSIDE_AUDIT_ENABLE, 0, NULL, 0);
	ringside_trace(RINGSIDE_TRACE_ENABLE, 0, NULL, 0);
	ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	syscall2(__NR_kill, me, SIGSTOP);
	long r = syscall0(__NR_getppid);        /* the tracer rewrites the result */
	long ppid = syscall0(__NR_getppid);
	long nrec = ringside_audit(RINGSIDE_AUDIT_READ, 0, records, RINGSIDE_AUDIT_RING);
	long nev = ringside_trace(RINGSIDE_TRACE_READ, 0, events, RINGSIDE_TRACE_RING);
	if (r == 777)
		code |= SAW_TRACER_VALUE;
	int audit_real = 0, audit_777 = 0, trace_real = 0, trace_777 = 0;
	for (long i = 0; i < nrec; i++) {
		if (records[i].type != RINGSIDE_AUDIT_EXIT || records[i].pid != me ||
		    records[i].nr != __NR_getppid)
			continue;
		audit_real += records[i].result == ppid;
		audit_777 += records[i].result == 777;
	}
	for (long i = 0; i < nev; i++) {
		if (events[i].type != RINGSIDE_TRACE_SYS_EXIT || events[i].pid != me ||
		    events[i].nr != __NR_getppid)
			continue;
		trace_real += events[i].ret == ppid;
		trace_777 += events[i].ret == 777;
	}
	if (audit_real == 2 && audit_777 == 0)
		code |= AUDIT_SAW_RESULT;
	if (trace_real == 2 && trace_777 == 0)
		code |= TRACEPOINT_SAW_RESULT;
	_exit(code);
}

/* The audit exit record and the sys_exit event describe what the call
 * returned; the tracer's exit stop comes after them and may rewrite rax. */
static void exit_records_test(void)
{
	pid_t pid = fork();
	if (pid == 0)
		records_child();
	int status = ktap_wait_status(pid), code = -1;
	struct user_regs_struct regs;
	if (status >= 0 && WIFSTOPPED(status) && ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0 &&
	    (status = ktap_wait_status(pid)) >= 0 && WIFSTOPPED(status) &&          /* entry */
	    ptrace(PTRACE_SYSCALL, pid, NULL, NULL) == 0 &&
	    (status = ktap_wait_status(pid)) >= 0 && WIFSTOPPED(status) &&          /* exit */
	    ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0) {
		regs.rax = 777;
		ptrace(PTRACE_SETREGS, pid, NULL, &regs);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		status = ktap_wait_status(pid);
		if (status >= 0 && WIFEXITED(status))
			code = WEXITSTATUS(status);
	}
	if (code < 0) {
		ktap_diag("the traced child did not finish (status %#x)", status);
		finish_child(pid);
		code = 0;
	}
	ktap_diag("tracer wrote rax = 777 at getppid's exit stop: the program %s it; the audit exit "
		  "record %s, the sys_exit event %s", (code & SAW_TRACER_VALUE) ? "saw" : "did not see",
		  (code & AUDIT_SAW_RESULT) ? "has the real result" : "does not have the real result",
		  (code & TRACEPOINT_SAW_RESULT) ? "has the real result" : "does not have the real result");
	ktap_ok(code == (SAW_TRACER_VALUE | AUDIT_SAW_RESULT | TRACEPOINT_SAW_RESULT),
		"records_before_exit_stop");
}

static void exit_tests(void)
{
	ktap_plan(4);
	exit_stop_test();
	step_test();
	sysemu_step_test();
	exit_records_test();
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: lab3_ptrace entry|wide|seccomp|audit|exit\nLab 3 and lab 5 tests: ptrace syscall-entry stops (entry), a 64-bit number traced (wide), seccomp stops and refusals (seccomp), audit records of phase 2 (audit), and exit stops (exit).\nKTAP on stdout; exit status 0 when every check passed. Ringside only.\n");
		return 0;
	}
	if (!running_on_ringside()) {
		ktap_plan(1);
		ktap_skip("not on Ringside", "lab3_ptrace");
		return ktap_finish();
	}
	if (argc == 2 && !strcmp(argv[1], "entry"))
		entry_tests();
	else if (argc == 2 && !strcmp(argv[1], "wide"))
		wide_tests();
	else if (argc == 2 && !strcmp(argv[1], "seccomp"))
		seccomp_tests();
	else if (argc == 2 && !strcmp(argv[1], "audit"))
		audit_tests();
	else if (argc == 2 && !strcmp(argv[1], "exit"))
		exit_tests();
	else {
		dprintf(2, "usage: lab3_ptrace entry|wide|seccomp|audit|exit\n");
		return 2;
	}
	return ktap_finish();
}
