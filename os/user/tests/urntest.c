/* urntest: TIF_USER_RETURN_NOTIFY through its real user, arch_prctl.
 *
 * ARCH_SET_FS sets the FS base (user thread-local storage); the kernel loads
 * the MSR lazily, in a user-return notifier, only when a task whose base is
 * not the loaded one goes back to user mode. Two tasks with different bases
 * yield to each other many times and each always reads its own %fs:0.
 * ARCH_GET_FS returns what was set; a kernel address is EPERM. The notifier
 * counter is checked on Ringside only. KTAP on stdout. */
#include <errno.h>
#include <ktap.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ringside.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 200

static unsigned long tls_a[4] = { 0xaaaa0001 }, tls_b[4] = { 0xbbbb0002 };

static unsigned long read_fs0(void)
{
	unsigned long v;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

/* Yield ROUNDS times, checking %fs:0 each time; the number of mismatches. */
static int yield_and_check(unsigned long want)
{
	int bad = 0;

	for (int i = 0; i < ROUNDS; i++) {
		sys_sched_yield();
		bad += read_fs0() != want;
	}
	return bad;
}

int main(int argc, char **argv)
{
	struct ringside_entry_stats before, after;
	unsigned long got = 0;
	int status, ringside = running_on_ringside();

	if (argc > 1) {
		printf("usage: urntest\nFS base via arch_prctl, loaded by a user-return notifier. KTAP on stdout.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	ktap_plan(7);
	if (ringside)
		sys_ringside_stats(&before);
	ktap_expect(sys_arch_prctl(ARCH_SET_FS, (unsigned long)tls_a), 0, "ARCH_SET_FS to a buffer");
	ktap_ok(read_fs0() == tls_a[0], "%%fs:0 reads the buffer's first word (%#lx)", read_fs0());
	sys_arch_prctl(ARCH_GET_FS, (unsigned long)&got);
	ktap_ok(got == (unsigned long)tls_a, "ARCH_GET_FS returns it");

	pid_t child = fork();
	if (child == 0) {
		if (sys_arch_prctl(ARCH_SET_FS, (unsigned long)tls_b))
			_exit(2);
		_exit(yield_and_check(tls_b[0]) ? 1 : 0);
	}
	int bad = yield_and_check(tls_a[0]);
	waitpid(child, &status, 0);
	ktap_ok(bad == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"two tasks with different FS bases yield %d times and each reads its own (%d bad, child %#x)", ROUNDS,
		bad, status);
	if (ringside) {
		sys_ringside_stats(&after);
		ktap_ok(after.user_return_notifiers > before.user_return_notifiers,
			"user_return_notifiers grew (+%lu)", after.user_return_notifiers - before.user_return_notifiers);
	} else {
		ktap_skip("not on Ringside", "user_return_notifiers grew");
	}
	ktap_expect(sys_arch_prctl(ARCH_SET_FS, 0xffffffff80000000UL), -EPERM, "ARCH_SET_FS to a kernel address is EPERM");
	ktap_expect(sys_arch_prctl(ARCH_GET_FS, 8), -EFAULT, "ARCH_GET_FS into 8 is EFAULT");
	return ktap_finish();
}
