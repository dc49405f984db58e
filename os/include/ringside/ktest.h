/* In-kernel unit tests, reported in KTAP. A test is a function registered
 * with KTEST(name); `ktest=all` or `ktest=name,name` on the command line runs
 * them at boot and powers off with 0 (all passed) or 1. */
#ifndef RINGSIDE_KTEST_H
#define RINGSIDE_KTEST_H
#include <ringside/kernel.h>

struct ktest_ctx { int failures; };
struct ktest { const char *name; void (*fn)(struct ktest_ctx *); };

#define KTEST(tname) \
	static void ktest_fn_##tname(struct ktest_ctx *ctx); \
	static const struct ktest ktest_##tname __used __section(".ktests") = { #tname, ktest_fn_##tname }; \
	static void ktest_fn_##tname(struct ktest_ctx *ctx)

/* Record a failed expectation with a diagnostic line, keep going. */
#define KEXPECT(cond, fmt, ...) do { \
	if (!(cond)) { \
		ctx->failures++; \
		printk("    # %s:%d: expected %s: " fmt "\n", __FILE__, __LINE__, #cond, ##__VA_ARGS__); \
	} \
} while (0)

int run_ktests(const char *selection, const char *nonce);
#endif
