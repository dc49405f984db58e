/* Ringside libc: KTAP output for test programs (the format of Linux's
 * kselftest and KUnit, Documentation/dev-tools/ktap.rst):
 *
 *   KTAP version 1
 *   1..3
 *   ok 1 getpid returns the caller's pid
 *   # expected -14 (EFAULT), got 5 (no error)
 *   not ok 2 write with a NULL buffer fails with EFAULT
 *   ok 3 ringside_stats counts int $0x80 entries # SKIP not on Ringside
 *
 * When the environment holds KTAP_NONCE=VALUE, every result line (and only
 * result lines) ends with " nonce=VALUE", so a grader can tell the test's own
 * lines from anything a program under test prints. Each result line leaves
 * in one write(). */
#ifndef _KTAP_H
#define _KTAP_H

#include <stdio.h>

void ktap_plan(int count);
/* Report test number N+1; returns cond so callers can chain on it. */
int ktap_ok(int cond, const char *fmt, ...) PRINTF_LIKE(2, 3);
void ktap_skip(const char *reason, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* A "# ..." diagnostic line; put it before the failing result it explains. */
void ktap_diag(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Compare a raw syscall result with the expected one; on a mismatch print
 * "# expected -14 (EFAULT), got 5" and report not ok. */
int ktap_expect(long got, long want, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Print the totals; 0 if every test passed and the plan was met, else 1. */
int ktap_finish(void);
/* Fork, run fn(arg) in the child (which then exits 0), and return the
 * child's wait status, or -1 if the fork or the wait failed. */
int ktap_child_status(void (*fn)(void *), void *arg);
/* argv0 as an absolute path (made from the current directory when it is
 * relative), so a test that changes directory can still exec itself. */
const char *ktap_self_path(const char *argv0);
/* Sleep about ms milliseconds (a signal may end it early). */
void ktap_sleep_ms(long ms);
/* The next wait status of child pid within about two seconds (polled with
 * WNOHANG), or -1 if none came or the wait failed. */
int ktap_wait_status(int pid);

/* The exit status of a test program whose result line could not be written
 * (write() failed): it prints "# ktap: write() of result N failed with ERR"
 * and stops, and ringgrade says that instead of "crashed after test N".
 * labs/grade/run.c has the same number. */
#define KTAP_EXIT_UNWRITABLE 86

#endif
