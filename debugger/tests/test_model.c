/* Unit tests of the symbol layer and the kernel model, against a fixture
 * ELF built from the kernel's real headers (tests/fixture/kernel_shapes.c),
 * and of the syscall decoder built from the generated tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../fpu.h"
#include "../kmodel.h"
#include "../panels.h"
#include "../session.h"
#include "../symbols.h"
#include "../syscalls.h"

#ifndef FIXTURE_ELF
#define FIXTURE_ELF "build/host/ringdb/tests/fixture-kernel.elf"
#endif
#ifndef TRANSCRIPTS
#define TRANSCRIPTS "debugger/tests/transcripts"
#endif

static struct symbols *syms;

static int open_fixture(void **state)
{
	(void)state;
	char err[256];
	syms = symbols_open(FIXTURE_ELF, err, sizeof err);
	if (!syms)
		fprintf(stderr, "%s\n", err);
	return syms ? 0 : -1;
}

static int close_fixture(void **state)
{
	(void)state;
	symbols_close(syms);
	return 0;
}

static void finds_functions_and_globals(void **state)
{
	(void)state;
	const struct symbol *entry = sym_lookup(syms, "entry_SYSCALL_64");
	assert_non_null(entry);
	assert_true(entry->is_function);
	assert_null(sym_lookup(syms, "no_such_function"));
	uint64_t off;
	const struct symbol *at = sym_at(syms, entry->addr + 2, &off);
	assert_non_null(at);
	assert_string_equal(at->name, "entry_SYSCALL_64");
	assert_int_equal(off, 2);
}

static void struct_layouts_come_from_dwarf(void **state)
{
	(void)state;
	long off, size;
	/* Linux 4.3's x86-64 pt_regs: 21 slots, orig_ax at 15*8. */
	assert_int_equal(sym_struct_size(syms, "pt_regs"), 168);
	assert_true(sym_member(syms, "pt_regs", "orig_ax", &off, &size));
	assert_int_equal(off, 120);
	assert_int_equal(size, 8);
	assert_true(sym_member(syms, "thread_info", "flags", &off, &size));
	assert_int_equal(size, 4);
	assert_false(sym_member(syms, "pt_regs", "no_such_member", &off, &size));
	assert_int_equal(sym_struct_size(syms, "no_such_struct"), -1);
}

static void globals_have_addresses_and_types(void **state)
{
	(void)state;
	uint64_t addr;
	Dwarf_Die type;
	assert_true(sym_variable(syms, "cpu_data", &addr, &type));
	assert_int_equal(addr, sym_lookup(syms, "cpu_data")->addr);
	char name[64];
	sym_type_name(&type, name, sizeof name);
	assert_string_equal(name, "struct percpu");
	long off;
	Dwarf_Die mt;
	assert_true(sym_type_member(&type, "current_task", &off, &mt));
	sym_type_name(&mt, name, sizeof name);
	assert_string_equal(name, "struct task_struct *");
}

static void lines_map_both_ways(void **state)
{
	(void)state;
	const struct symbol *fn = sym_lookup(syms, "sys_getpid");
	const char *file;
	int line;
	assert_true(sym_line_at(syms, fn->addr, &file, &line));
	assert_non_null(strstr(file, "kernel_shapes.c"));
	uint64_t addr;
	int actual;
	assert_true(sym_line_addr(syms, "kernel_shapes.c", line, &addr, &actual));
	assert_int_equal(actual, line);
	assert_false(sym_line_addr(syms, "no_such_file.c", 1, &addr, &actual));
}

static void model_layout_from_fixture(void **state)
{
	(void)state;
	static struct target t;
	static struct kmodel m;
	target_init(&t);
	kmodel_init(&m, &t, syms);
	assert_true(m.have_layout);
	assert_int_equal(m.nptregs, 21);
	assert_int_equal(kmodel_ptreg_index(&m, "orig_ax"), 15);
	assert_int_equal(m.ptregs_offsets[kmodel_ptreg_index(&m, "ss")], 160);
	assert_true(m.stage_addr[STAGE_ENTRY] != 0);
	assert_int_equal(kmodel_stage_at(&m, m.stage_addr[STAGE_SYSRET]), STAGE_SYSRET);
	assert_int_equal(kmodel_stage_at(&m, 1), STAGE_COUNT);
	/* Decoding a raw frame puts each value in its slot. */
	unsigned char raw[168];
	for (int i = 0; i < 21; i++) {
		uint64_t v = 0x100 + (uint64_t)i;
		memcpy(raw + 8 * i, &v, 8);
	}
	uint64_t values[PTREGS_MAX];
	kmodel_decode_ptregs(&m, raw, values);
	assert_int_equal(values[15], 0x10f);
}

static void tif_names_come_from_the_kernel_header(void **state)
{
	(void)state;
	assert_int_equal(tif_bit("TIF_SYSCALL_AUDIT"), 7);
	assert_int_equal(tif_bit("syscall_audit"), 7);
	assert_int_equal(tif_bit("TIF_SECCOMP"), 8);
	assert_int_equal(tif_bit("TIF_NOPE"), -1);
	assert_true(tif_flag_count >= 10);
	/* Entry work includes audit; the exit loop does not. */
	assert_true(tif_masks[0].mask & (1u << 7));
	bool found_loop = false;
	for (int i = 0; i < tif_mask_count; i++)
		if (strcmp(tif_masks[i].name, "EXIT_TO_USERMODE_LOOP_FLAGS") == 0) {
			found_loop = true;
			assert_false(tif_masks[i].mask & (1u << 7));
			assert_true(tif_masks[i].mask & (1u << 3));
		}
	assert_true(found_loop);
}

static void syscalls_decode_by_abi(void **state)
{
	(void)state;
	const struct syscall_desc *d = syscall_find(ABI_64, 39);
	assert_non_null(d);
	assert_string_equal(d->name, "getpid");
	assert_int_equal(d->nargs, 0);
	assert_null(syscall_find(ABI_64, 99999));
	unsigned long args[6] = { 1, 0x404180, 20, 0, 0, 0 };
	char out[128];
	syscall_format_call(ABI_64, 1, args, out, sizeof out);
	assert_string_equal(out, "write(fd=1, buf=0x404180, count=20)");
	/* Strings and written buffers read at the entry show as literals. */
	struct syscall_peek peek = { .valid = { false, true }, .text = { "", "hi\n\"x" }, .len = { 0, 5 } };
	syscall_format_call_peek(ABI_64, 1, args, &peek, out, sizeof out);
	assert_string_equal(out, "write(fd=1, buf=\"hi\\n\\\"x\"..., count=20)");
	args[2] = 5;
	syscall_format_call_peek(ABI_64, 1, args, &peek, out, sizeof out);
	assert_string_equal(out, "write(fd=1, buf=\"hi\\n\\\"x\", count=5)");
	syscall_format_call(ABI_64, 99999, args, out, sizeof out);
	assert_string_equal(out, "syscall_99999(?)");
	assert_string_equal(syscall_arg_regs(ABI_64)[3], "r10");
	assert_string_equal(syscall_arg_regs(ABI_32)[0], "bx");
	assert_string_equal(syscall_arg_regs(ABI_32)[5], "bp");
}

static void results_get_errno_names(void **state)
{
	(void)state;
	char out[64];
	syscall_format_result(-14, out, sizeof out);
	assert_string_equal(out, "-14 (-EFAULT)");
	syscall_format_result(-38, out, sizeof out);
	assert_string_equal(out, "-38 (-ENOSYS)");
	syscall_format_result(42, out, sizeof out);
	assert_string_equal(out, "42");
	syscall_format_result(-5000, out, sizeof out);
	assert_string_equal(out, "-5000");
	assert_string_equal(errno_name(512), "ERESTARTSYS");
	assert_null(errno_name(4000));
}

/* Pipeline state from a sequence of stops, with registers set in a `g`
 * image laid out by QEMU's real target description. */
static struct target pt;
static struct kmodel pm;

static void set_reg(const char *name, uint64_t v)
{
	const struct reg_desc *r = target_find_reg(&pt, name);
	assert_non_null(r);
	memcpy(pt.g + r->offset, &v, 8 < r->bits / 8 ? 8 : (size_t)r->bits / 8);
}

static void load_layout(void)
{
	target_init(&pt);
	static char line[20000];
	/* The same XML the handshake parses: one pass over the captured chunks. */
	FILE *f = fopen(TRANSCRIPTS "/tiny.transcript", "r");
	assert_non_null(f);
	static char xml[65536];
	size_t n = 0;
	bool in_64 = false;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "> qXfer:features:read:i386-64bit.xml", 36) == 0) {
			in_64 = true;
			continue;
		}
		if (in_64 && strncmp(line, "< ", 2) == 0) {
			line[strcspn(line, "\n")] = '\0';
			size_t len = rsp_log_unescape(line + 3);
			memcpy(xml + n, line + 3, len);
			n += len;
			in_64 = false;
		}
	}
	fclose(f);
	xml[n] = '\0';
	assert_true(target_parse_xml_regs(&pt, xml) > 60);
	pt.g_valid = true;
	kmodel_init(&pm, &pt, syms);
	set_reg("cs", 0x10);
}

static void stop_at(enum stage st)
{
	set_reg("rip", pm.stage_addr[st]);
	kmodel_on_stop(&pm, pm.stage_addr[st]);
}

static void fast_path_syscall_is_recorded(void **state)
{
	(void)state;
	load_layout();
	set_reg("rax", 39);
	stop_at(STAGE_ENTRY);
	assert_true(pm.in_syscall);
	assert_int_equal(pm.cur.nr, 39);
	stop_at(STAGE_FASTPATH);
	stop_at(STAGE_DO_SYSCALL);
	stop_at(STAGE_SYSRET);
	assert_false(pm.in_syscall);
	assert_int_equal(pm.nhistory, 1);
	assert_int_equal(pm.history[0].path, PATH_FAST);
	assert_int_equal(pm.history[0].exit, EXIT_SYSRET);
	assert_true(pm.history[0].dispatched);
	assert_false(pm.history[0].phase1_ran);
}

static void slow_path_syscall_is_recorded(void **state)
{
	(void)state;
	load_layout();
	set_reg("rax", 1);
	set_reg("rdi", 1);
	set_reg("r10", 77);
	stop_at(STAGE_ENTRY);
	assert_int_equal(pm.cur.args[0], 1);
	assert_int_equal(pm.cur.args[3], 77); /* the fourth argument is r10, not rcx */
	stop_at(STAGE_SLOWPATH);
	stop_at(STAGE_PHASE1);
	stop_at(STAGE_PHASE2);
	stop_at(STAGE_DO_SYSCALL);
	stop_at(STAGE_RETURN_SLOWPATH);
	stop_at(STAGE_PREPARE_EXIT);
	stop_at(STAGE_IRET);
	const struct syscall_record *r = &pm.history[pm.nhistory - 1];
	assert_int_equal(r->path, PATH_SLOW);
	assert_true(r->phase1_ran);
	assert_true(r->phase2_ran);
	assert_true(r->slow_exit);
	assert_int_equal(r->exit_prepares, 1);
	assert_int_equal(r->exit, EXIT_IRET);
}

/* Linux 4.3's partial pt_regs: a SYSCALL's frame lacks bx, bp, r12-r15 on
 * the fast path and in phase 1, until a SAVE_EXTRA_REGS stage runs; an
 * int $0x80 frame is always complete. */
static void frame_is_partial_until_save_extra_regs(void **state)
{
	(void)state;
	load_layout();
	set_reg("rax", 39);
	stop_at(STAGE_ENTRY);
	assert_true(kmodel_frame_partial(&pm));
	stop_at(STAGE_FASTPATH);
	stop_at(STAGE_DO_SYSCALL);
	assert_true(kmodel_frame_partial(&pm));
	stop_at(STAGE_SYSRET);
	assert_true(kmodel_frame_partial(&pm));    /* still in the kernel, at SYSRET */
	assert_false(pm.history[pm.nhistory - 1].extra_saved);

	set_reg("rax", 1);
	stop_at(STAGE_ENTRY);
	stop_at(STAGE_SLOWPATH);
	stop_at(STAGE_PHASE1);
	assert_true(kmodel_frame_partial(&pm));
	stop_at(STAGE_SAVE_FOR_PHASE2);
	assert_false(kmodel_frame_partial(&pm));
	stop_at(STAGE_PHASE2);
	stop_at(STAGE_DO_SYSCALL);
	stop_at(STAGE_RETURN_SLOWPATH);
	stop_at(STAGE_SYSRET);
	assert_false(kmodel_frame_partial(&pm));
	assert_true(pm.history[pm.nhistory - 1].extra_saved);

	/* Fast in, slow out: the slow exit completes the frame. */
	set_reg("rax", 62);
	stop_at(STAGE_ENTRY);
	stop_at(STAGE_FASTPATH);
	stop_at(STAGE_DO_SYSCALL);
	assert_true(kmodel_frame_partial(&pm));
	stop_at(STAGE_SAVE_FOR_EXIT);
	assert_false(kmodel_frame_partial(&pm));

	set_reg("rax", 20);
	stop_at(STAGE_INT80);
	assert_false(kmodel_frame_partial(&pm));

	set_reg("cs", 0x33);
	kmodel_on_stop(&pm, 0x401000);
	assert_false(kmodel_frame_partial(&pm));   /* user mode: no frame in use */
}

static void blocked_syscall_is_resumed_with_its_task(void **state)
{
	(void)state;
	load_layout();
	/* Task 1 enters read() and blocks; task 2 runs getpid(); task 1 returns. */
	pm.now.valid = true;
	pm.now.pid = 1;
	set_reg("rax", 0);
	stop_at(STAGE_ENTRY);
	stop_at(STAGE_SLOWPATH);
	pm.now.pid = 2;
	set_reg("rax", 39);
	stop_at(STAGE_ENTRY);
	stop_at(STAGE_FASTPATH);
	stop_at(STAGE_SYSRET);
	pm.now.pid = 1;
	stop_at(STAGE_IRET);
	assert_int_equal(pm.nhistory, 2);
	assert_int_equal(pm.history[0].pid, 2);
	assert_int_equal(pm.history[0].nr, 39);
	assert_int_equal(pm.history[0].exit, EXIT_SYSRET);
	assert_int_equal(pm.history[1].pid, 1);
	assert_int_equal(pm.history[1].nr, 0);
	assert_int_equal(pm.history[1].path, PATH_SLOW);
	assert_int_equal(pm.history[1].exit, EXIT_IRET);
	assert_int_equal(pm.nparked, 0);
}

static void user_mode_stop_is_not_kernel(void **state)
{
	(void)state;
	load_layout();
	set_reg("cs", 0x33);
	kmodel_on_stop(&pm, 0x401000);
	assert_false(pm.in_kernel);
	assert_int_equal(pm.where, STAGE_USER);
}

static void history_panel_renders_records(void **state)
{
	(void)state;
	static struct session s;
	session_init(&s);
	s.syms = syms;
	load_layout();
	s.model = pm;
	set_reg("rax", 39);
	stop_at(STAGE_ENTRY);
	stop_at(STAGE_FASTPATH);
	stop_at(STAGE_SYSRET);
	s.model = pm;
	char buf[4096] = { 0 };
	FILE *f = fmemopen(buf, sizeof buf, "w");
	panel_print(&s, panel_find("history"), 80, f);
	fclose(f);
	assert_non_null(strstr(buf, "getpid()"));
	assert_non_null(strstr(buf, "fast"));
	assert_non_null(strstr(buf, "sysret"));
	memset(buf, 0, sizeof buf);
	f = fmemopen(buf, sizeof buf, "w");
	panel_print(&s, panel_find("pipeline"), 80, f);
	fclose(f);
	assert_non_null(strstr(buf, " * fast path"));
	assert_non_null(strstr(buf, "path: fast"));
	assert_non_null(strstr(buf, "left by SYSRET"));
	s.syms = NULL; /* owned by the fixture */
}

static void missing_elf_is_a_message(void **state)
{
	(void)state;
	char err[256];
	assert_null(symbols_open("/nonexistent/kernel.elf", err, sizeof err));
	assert_non_null(strstr(err, "cannot open"));
	assert_null(symbols_open(TRANSCRIPTS "/tiny.transcript", err, sizeof err));
	assert_non_null(strstr(err, "not an ELF"));
}

/* FXSAVE's image decodes by the hardware's layout, and MXCSR reads as words. */
static void fxsave_image_decodes(void **state)
{
	(void)state;
	unsigned char raw[512];
	memset(raw, 0, sizeof raw);
	raw[0] = 0x7f; raw[1] = 0x03;                 /* cwd 0x37f */
	raw[24] = 0x80; raw[25] = 0x1f;               /* mxcsr 0x1f80 */
	raw[28] = 0xff; raw[29] = 0xff;               /* mxcsr_mask 0xffff */
	raw[32 + 16 * 7] = 0x11;                      /* st7's low byte */
	raw[160 + 16 * 15 + 15] = 0xab;               /* xmm15's top byte */
	struct fx_view v;
	fx_decode(raw, &v);
	assert_int_equal(v.cwd, 0x37f);
	assert_int_equal(v.mxcsr, 0x1f80);
	assert_int_equal(v.mxcsr_mask, 0xffff);
	assert_int_equal(v.st[7][0], 0x11);
	char hex[33], words[96];
	fx_xmm_hex(v.xmm[15], hex);
	assert_string_equal(hex, "ab000000000000000000000000000000");
	fx_describe_mxcsr(0x1f80, words, sizeof words);
	assert_string_equal(words, "masks all, RN");
	fx_describe_mxcsr((0x1f80 & ~0x200) | 0x6000 | 0x8000 | 0x04, words, sizeof words);
	assert_string_equal(words, "unmasked ZE, RZ, FTZ, flags: ZE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_functions_and_globals),
		cmocka_unit_test(struct_layouts_come_from_dwarf),
		cmocka_unit_test(globals_have_addresses_and_types),
		cmocka_unit_test(lines_map_both_ways),
		cmocka_unit_test(model_layout_from_fixture),
		cmocka_unit_test(tif_names_come_from_the_kernel_header),
		cmocka_unit_test(syscalls_decode_by_abi),
		cmocka_unit_test(results_get_errno_names),
		cmocka_unit_test(fast_path_syscall_is_recorded),
		cmocka_unit_test(slow_path_syscall_is_recorded),
		cmocka_unit_test(frame_is_partial_until_save_extra_regs),
		cmocka_unit_test(blocked_syscall_is_resumed_with_its_task),
		cmocka_unit_test(user_mode_stop_is_not_kernel),
		cmocka_unit_test(history_panel_renders_records),
		cmocka_unit_test(missing_elf_is_a_message),
		cmocka_unit_test(fxsave_image_decodes),
	};
	return cmocka_run_group_tests_name("model", tests, open_fixture, close_fixture);
}
