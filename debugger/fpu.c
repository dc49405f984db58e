/* fpu: the `fpu` panel and the `sigframe` command (see fpu.h). */
#include "fpu.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "symbols.h"

void fx_decode(const unsigned char raw[512], struct fx_view *v)
{
	memcpy(&v->cwd, raw + 0, 2);
	memcpy(&v->swd, raw + 2, 2);
	memcpy(&v->ftw, raw + 4, 2);
	memcpy(&v->fop, raw + 6, 2);
	memcpy(&v->mxcsr, raw + 24, 4);
	memcpy(&v->mxcsr_mask, raw + 28, 4);
	for (int i = 0; i < 8; i++)
		memcpy(v->st[i], raw + 32 + 16 * i, 10);
	for (int i = 0; i < 16; i++)
		memcpy(v->xmm[i], raw + 160 + 16 * i, 16);
}

void fx_describe_mxcsr(uint32_t mxcsr, char *out, size_t cap)
{
	static const char *const names[6] = { "IE", "DE", "ZE", "OE", "UE", "PE" };
	static const char *const rounding[4] = { "RN", "RD", "RU", "RZ" };
	char unmasked[32] = "", flags[32] = "";
	for (int i = 5; i >= 0; i--) {
		if (!(mxcsr & (1u << (7 + i))))
			snprintf(unmasked + strlen(unmasked), sizeof unmasked - strlen(unmasked), " %s", names[i]);
		if (mxcsr & (1u << i))
			snprintf(flags + strlen(flags), sizeof flags - strlen(flags), " %s", names[i]);
	}
	snprintf(out, cap, "%s%s, %s%s%s%s%s", unmasked[0] ? "unmasked" : "masks all", unmasked,
		 rounding[(mxcsr >> 13) & 3], mxcsr & 0x8000 ? ", FTZ" : "", mxcsr & 0x40 ? ", DAZ" : "",
		 flags[0] ? ", flags:" : "", flags);
}

void fx_xmm_hex(const unsigned char xmm[16], char out[33])
{
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", xmm[15 - i]);
}

static void show_fx(struct region *r, const struct fx_view *v)
{
	char mx[96];
	fx_describe_mxcsr(v->mxcsr, mx, sizeof mx);
	rg_line(r, ATTR_NORMAL, "  cwd 0x%04x  swd 0x%04x  ftw 0x%02x  mxcsr 0x%04x (%s)", v->cwd, v->swd, v->ftw & 0xff,
		v->mxcsr, mx);
	for (int i = 0; i < 16 && rg_rows_left(r) > 0; i += 2) {
		char a[33], b[33];
		fx_xmm_hex(v->xmm[i], a);
		fx_xmm_hex(v->xmm[i + 1], b);
		rg_line(r, ATTR_NORMAL, "  xmm%-2d %s  xmm%-2d %s", i, a, i + 1, b);
	}
}

/* The live registers from the gdbstub's `g` image (QEMU's x86-64 target
 * description has fctrl, fstat, ftag, mxcsr and xmm0-15). */
static bool live_fx(struct session *s, struct fx_view *v)
{
	memset(v, 0, sizeof *v);
	uint64_t val;
	if (!target_reg_value(&s->t, "fctrl", &val))
		return false;
	v->cwd = (uint16_t)val;
	if (target_reg_value(&s->t, "fstat", &val))
		v->swd = (uint16_t)val;
	if (target_reg_value(&s->t, "ftag", &val))
		v->ftw = (uint16_t)val;
	if (target_reg_value(&s->t, "mxcsr", &val))
		v->mxcsr = (uint32_t)val;
	for (int i = 0; i < 16; i++) {
		char name[8];
		snprintf(name, sizeof name, "xmm%d", i);
		const struct reg_desc *d = target_find_reg(&s->t, name);
		if (d && d->bits == 128 && d->offset + 16 <= s->t.g_size)
			memcpy(v->xmm[i], s->t.g + d->offset, 16);
	}
	return true;
}

/* task_struct.fpu.state of the current task, read from memory. */
static bool saved_fx(struct session *s, struct fx_view *v, uint64_t *where)
{
	long off, size;
	if (!s->model.now.valid || !s->model.now.task || !s->ksyms ||
	    !sym_member(s->ksyms, "task_struct", "fpu", &off, &size) || size < 512)
		return false;
	unsigned char raw[512];
	*where = s->model.now.task + (uint64_t)off;
	if (target_read_memory(&s->t, *where, raw, sizeof raw))
		return false;
	fx_decode(raw, v);
	return true;
}

void draw_fpu(struct session *s, struct region *r)
{
	if (!s->t.connected || !s->t.g_valid) {
		rg_line(r, ATTR_DIM, "%s", s->t.connected ? "(running)" : "(not connected to QEMU)");
		return;
	}
	struct fx_view v;
	uint64_t addr = 0;
	bool have_saved = saved_fx(s, &v, &addr);
	if (have_saved) {
		rg_line(r, ATTR_NORMAL, "saved area of %s[%d] (task_struct.fpu.state at %#" PRIx64 "):", s->model.now.comm,
			s->model.now.pid, addr);
		rg_line(r, ATTR_DIM, "  what switch_to saved when the task last left the CPU");
		show_fx(r, &v);
	} else {
		rg_line(r, ATTR_DIM, "no saved area: the kernel has no task_struct.fpu (or no current task)");
	}
	if (rg_rows_left(r) <= 1)
		return;
	if (live_fx(s, &v)) {
		rg_line(r, ATTR_NORMAL, "live CPU registers (%s's while it runs: the kernel never uses them):",
			have_saved ? s->model.now.comm : "the current task");
		show_fx(r, &v);
	} else {
		rg_line(r, ATTR_DIM, "the gdbstub does not report the x87/SSE registers");
	}
}

/* Offsets in Linux's x86-64 rt_sigframe (os/include/ringside/sigframe.h):
 * pretcode, then the ucontext (uc_mcontext at +40: r8..r15, di si bp bx dx
 * ax cx sp ip flags, cs..., err trapno oldmask cr2 fpstate), then uc_sigmask
 * and the siginfo at +304. */
#define UC 8
#define MC (UC + 40)
#define MC_REG(i) (MC + 8 * (i))

int cmd_sigframe(struct session *s, int argc, char **argv, const char *rest)
{
	(void)rest;
	uint64_t frame;
	if (argc > 1) {
		char desc[256];
		if (!session_resolve(s, argv[1], &frame, desc, sizeof desc)) {
			session_error(s, "sigframe: %s", desc);
			return -1;
		}
	} else if (!target_reg_value(&s->t, "rsp", &frame)) {
		session_error(s, "sigframe: no registers (not connected, or running)");
		return -1;
	}
	unsigned char f[440];
	if (target_read_memory(&s->t, frame, f, sizeof f)) {
		session_error(s, "sigframe: %#" PRIx64 ": %s", frame, s->t.error);
		return -1;
	}
	uint64_t w[55];
	memcpy(w, f, sizeof w);
	uint64_t pretcode = w[0], rip = w[MC_REG(16) / 8], rsp = w[MC_REG(15) / 8], flags = w[MC_REG(17) / 8];
	uint64_t fpstate = w[MC_REG(23) / 8], mask = w[(MC + 256) / 8];
	int32_t signo, code;
	memcpy(&signo, f + 304 + 8, 4);
	memcpy(&code, f + 304 + 16, 4);
	session_printf(s, "rt_sigframe at %#" PRIx64 ": returns to %#" PRIx64 " (sa_restorer)", frame, pretcode);
	session_printf(s, "  siginfo: signo %d, code %d; uc_sigmask %#" PRIx64, signo, code, mask);
	session_printf(s, "  interrupted: rip %#" PRIx64 ", rsp %#" PRIx64 ", rflags %#" PRIx64 ", rax %#" PRIx64, rip, rsp,
		       flags, w[MC_REG(13) / 8]);
	if (!fpstate) {
		session_printf(s, "  fpstate: 0 (rt_sigreturn loads the initial FPU state)");
		return 0;
	}
	unsigned char raw[512];
	if (target_read_memory(&s->t, fpstate, raw, sizeof raw)) {
		session_printf(s, "  fpstate: %#" PRIx64 ": unreadable (rt_sigreturn would give SIGSEGV)", fpstate);
		return 0;
	}
	struct fx_view v;
	fx_decode(raw, &v);
	char mx[96], hex[33];
	fx_describe_mxcsr(v.mxcsr, mx, sizeof mx);
	session_printf(s, "  fpstate at %#" PRIx64 " (%s-byte aligned, frame + %" PRIu64 "):", fpstate,
		       fpstate % 64 == 0 ? "64" : fpstate % 16 == 0 ? "16" : "NOT 16", fpstate - frame);
	session_printf(s, "    cwd 0x%04x  swd 0x%04x  mxcsr 0x%04x (%s)", v.cwd, v.swd, v.mxcsr, mx);
	for (int i = 0; i < 16; i++) {
		fx_xmm_hex(v.xmm[i], hex);
		session_printf(s, "    xmm%-2d %s", i, hex);
	}
	return 0;
}
