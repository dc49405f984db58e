/* fpu: the x87/SSE state in ringdb. The `fpu` panel shows the CPU's live
 * x87/SSE registers (the current task's user values: the kernel never uses
 * them) beside the current task's saved FXSAVE area (task_struct.fpu.state,
 * written at its last switch out); the `sigframe` command decodes a signal
 * frame on the user stack, its fpstate included. The 512-byte FXSAVE image
 * is the hardware's format, decoded by fx_decode (pure: unit-tested). */
#ifndef RINGDB_FPU_H
#define RINGDB_FPU_H
#include <stdbool.h>
#include <stdint.h>

#include "session.h"
#include "textbuf.h"

struct fx_view {
	uint16_t cwd, swd, ftw, fop;
	uint32_t mxcsr, mxcsr_mask;
	unsigned char st[8][10];
	unsigned char xmm[16][16];
};

/* Decode FXSAVE's 512-byte image. */
void fx_decode(const unsigned char raw[512], struct fx_view *v);
/* MXCSR in words: "masks all, RN" or "unmasked ZE IE, RZ, FTZ, flags: PE". */
void fx_describe_mxcsr(uint32_t mxcsr, char *out, size_t cap);
/* xmm as 32 hex digits, most significant byte first (as GDB prints it). */
void fx_xmm_hex(const unsigned char xmm[16], char out[33]);

void draw_fpu(struct session *s, struct region *r);
/* sigframe [ADDRESS]: the rt_sigframe at ADDRESS (default: rsp, as at a
 * handler's first instruction), its registers, mask, siginfo and fpstate. */
int cmd_sigframe(struct session *s, int argc, char **argv, const char *rest);
#endif
