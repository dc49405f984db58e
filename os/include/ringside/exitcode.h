/* Values the kernel writes to QEMU's isa-debug-exit port (0xf4). QEMU exits
 * with (value << 1) | 1; scripts/ringside-qemu maps that back. QEMU's own
 * errors exit 1 (value 0), so a normal exit writes status + 1. */
#ifndef RINGSIDE_EXITCODE_H
#define RINGSIDE_EXITCODE_H
#define DEBUG_EXIT_PORT       0xf4
#define EXITCODE_STATUS(s)    ((s) > 94 ? 95 : (s) + 1) /* init exited with status s */
#define EXITCODE_SIGNAL(sig)  (95 + ((sig) > 31 ? 31 : (sig))) /* init killed by signal sig (1-31) */
#define EXITCODE_PANIC        0x7f
#endif
