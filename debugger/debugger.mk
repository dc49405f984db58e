# ringdb, the ncurses debugger on QEMU's gdbstub (debugger/), its tests, and
# the make targets around it: debug, qemu-gdb, fuzz-rsp.
#
## make debug [PROG="name args"|BIN=FILE] [APPEND="..."] [TEST=name [LAB=n]] [REPLAY=1|DIR|FILE.tar.gz|record] [RINGDB_ARGS=...]   boot and open ringdb at the first syscall (of hello by default); REPLAY=1: the recording of a failing test
## make qemu-gdb                          boot halted with a gdbstub on a printed port
## make fuzz-rsp [FUZZ_SECONDS=600]        fuzz ringdb's packet parser longer

RINGDB_DIR  := debugger
# The kernel and initramfs come from os/os.mk and os/user/user.mk.
RINGDB_KERNEL    := $(or $(KERNEL),$(BUILD)/kernel.elf)
RINGDB_INITRAMFS := $(or $(BIN_INITRAMFS),$(INITRAMFS),$(BUILD)/initramfs.cpio)
RINGDB_OUT  := $(HOST_OUT)/ringdb
RINGDB      := $(BIN)/ringdb
RINGDB_PKGS := ncursesw libdw capstone libarchive

# Layers, bottom up; everything but ui.c and main.c builds without ncurses.
RINGDB_CORE := keeper qmp transport rsp target symbols disasm syscalls kmodel textbuf oracle fpu panels commands session frames timetravel rrarchive
RINGDB_CORE_OBJS := $(RINGDB_CORE:%=$(RINGDB_OUT)/%.o)
RINGDB_OBJS := $(RINGDB_CORE_OBJS) $(RINGDB_OUT)/ui.o $(RINGDB_OUT)/main.o

# Display strings are cut to their field on purpose: no truncation warnings.
RINGDB_CFLAGS = $(HOST_CFLAGS) -Wno-format-truncation -I$(GEN) -I$(RINGDB_OUT) -iquote os/include $(shell pkg-config --cflags $(RINGDB_PKGS) 2>/dev/null)
RINGDB_LIBS   = $(shell pkg-config --libs $(RINGDB_PKGS) 2>/dev/null || echo -lncursesw -ltinfo -ldw -lelf -lcapstone -larchive)

# TIF numbers and masks come from the kernel's own header, never retyped.
RINGDB_TIF := $(RINGDB_OUT)/ringdb_tif.h
$(RINGDB_TIF): os/include/asm/thread_info.h $(RINGDB_DIR)/debugger.mk
	@mkdir -p $(@D)
	{ echo "/* Generated from $< by debugger/debugger.mk: do not edit. */"; \
	  sed -n 's/^#define[ \t]\{1,\}TIF_\([A-Z0-9_]\{1,\}\)[ \t]\{1,\}[0-9]\{1,\}.*/TIF_FLAG(\1)/p' $<; } > $@.tmp && mv $@.tmp $@

HOST_TOOLS += $(RINGDB)

$(RINGDB_OUT)/%.o: $(RINGDB_DIR)/%.c $(wildcard $(RINGDB_DIR)/*.h) $(SYSCALL_HEADERS) $(RINGDB_TIF)
	@mkdir -p $(@D)
	$(HOST_CC) $(RINGDB_CFLAGS) -c $< -o $@

$(RINGDB): $(RINGDB_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ $(RINGDB_LIBS) -o $@

ringdb: $(RINGDB)

# --- unit tests (cmocka; host only) ------------------------------------------
RINGDB_TESTS := test_rsp test_target test_model test_screen
RINGDB_TEST_BINS := $(RINGDB_TESTS:%=$(RINGDB_OUT)/tests/%)
RINGDB_FIXTURE_ELF := $(RINGDB_OUT)/tests/fixture-kernel.elf
RINGDB_TINY_ELF    := $(RINGDB_OUT)/tests/tiny.elf

$(RINGDB_OUT)/tests/%.o: $(RINGDB_DIR)/tests/%.c $(wildcard $(RINGDB_DIR)/tests/*.h $(RINGDB_DIR)/*.h) $(SYSCALL_HEADERS) $(RINGDB_TIF)
	@mkdir -p $(@D)
	$(HOST_CC) $(RINGDB_CFLAGS) -Ios/include -DTRANSCRIPTS='"$(RINGDB_DIR)/tests/transcripts"' \
	  -DFIXTURE_ELF='"$(RINGDB_FIXTURE_ELF)"' -DGOLDEN='"$(RINGDB_DIR)/tests/golden"' -DTINY_ELF='"$(RINGDB_TINY_ELF)"' -c $< -o $@

$(RINGDB_OUT)/tests/test_rsp: $(RINGDB_OUT)/tests/test_rsp.o $(RINGDB_OUT)/rsp.o $(RINGDB_OUT)/transport.o
	$(HOST_CC) $(HOST_LDFLAGS) $^ -lcmocka -o $@
$(RINGDB_OUT)/tests/test_target: $(RINGDB_OUT)/tests/test_target.o $(RINGDB_OUT)/tests/scenario.o \
		$(RINGDB_OUT)/tests/fake_stub.o $(RINGDB_OUT)/rsp.o $(RINGDB_OUT)/transport.o $(RINGDB_OUT)/target.o
	$(HOST_CC) $(HOST_LDFLAGS) $^ -lcmocka -pthread -o $@
$(RINGDB_OUT)/tests/test_model $(RINGDB_OUT)/tests/test_screen: $(RINGDB_OUT)/tests/%: $(RINGDB_OUT)/tests/%.o \
		$(RINGDB_OUT)/tests/fake_stub.o $(RINGDB_CORE_OBJS) $(RINGDB_FIXTURE_ELF) $(RINGDB_TINY_ELF)
	$(HOST_CC) $(HOST_LDFLAGS) $(filter %.o,$^) $(RINGDB_LIBS) -lcmocka -pthread -o $@

# The 32-bit multiboot kernel the transcripts were captured from.
$(RINGDB_TINY_ELF): $(RINGDB_DIR)/tests/fixture/tiny.S $(RINGDB_DIR)/tests/fixture/tiny.ld
	@mkdir -p $(@D)
	as --32 -g $< -o $(@D)/tiny.o
	ld -m elf_i386 --no-warn-rwx-segments -T $(RINGDB_DIR)/tests/fixture/tiny.ld $(@D)/tiny.o -o $@
	head -c 16 /dev/zero > $(@D)/tiny.initrd

# A small ELF with DWARF shaped like the kernel's structures, for the
# symbol and model tests (built with the host compiler, never run).
$(RINGDB_FIXTURE_ELF): $(RINGDB_DIR)/tests/fixture/kernel_shapes.c os/include/asm/ptrace.h os/include/asm/thread_info.h
	@mkdir -p $(@D)
	$(HOST_CC) -g -O0 -Ios/include -ffreestanding -fno-pie -no-pie -nostdlib -static \
	  -Wl,--build-id=none -Wl,-e,entry_SYSCALL_64 $< -o $@

BENCH_SCRIPTS    += debugger/bench-step.sh debugger/bench-timetravel.sh
TEST_SUITES      += ringdb-unit ringdb-fuzz ringdb-integration ringdb-gdbinit ringdb-every-test ringdb-timetravel
HOST_TEST_SUITES += ringdb-unit

test-ringdb-unit: $(RINGDB_TEST_BINS)
	@$(RINGDB_DIR)/tests/run-unit $(RINGDB_TEST_BINS) $(RINGDB_DIR)/tests/test-cmdline.sh

# --- fuzzing (clang + libFuzzer, ASan/UBSan) ---------------------------------
RINGDB_FUZZER := $(BUILD)/fuzz/fuzz_rsp
RINGDB_FUZZ_SRC := $(RINGDB_DIR)/tests/fuzz_rsp.c $(RINGDB_DIR)/rsp.c $(RINGDB_DIR)/target.c $(RINGDB_DIR)/transport.c
FUZZ_RUNS    ?= 500000
FUZZ_SECONDS ?= 600

$(RINGDB_FUZZER): $(RINGDB_FUZZ_SRC) $(wildcard $(RINGDB_DIR)/*.h)
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all $(RINGDB_FUZZ_SRC) -o $@

# A fixed number of runs (not a time budget) so the suite's result does not
# depend on the machine's speed.
test-ringdb-fuzz: $(RINGDB_FUZZER)
	@mkdir -p $(BUILD)/fuzz/corpus
	@if $(RINGDB_FUZZER) -runs=$(FUZZ_RUNS) -seed=1 -max_len=4096 $(BUILD)/fuzz/corpus \
	      $(RINGDB_DIR)/tests/fuzz-seeds > $(BUILD)/fuzz/last.log 2>&1; then \
	  tail -n 2 $(BUILD)/fuzz/last.log; echo "1 passed, 0 failed"; \
	else tail -n 40 $(BUILD)/fuzz/last.log; echo "0 passed, 1 failed"; exit 1; fi

fuzz-rsp: $(RINGDB_FUZZER)
	@mkdir -p $(BUILD)/fuzz/corpus
	$(RINGDB_FUZZER) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 $(BUILD)/fuzz/corpus $(RINGDB_DIR)/tests/fuzz-seeds

# --- integration (live QEMU + the kernel, through the launcher) -------------
test-ringdb-integration: $(RINGDB) $(RINGDB_KERNEL) $(RINGDB_INITRAMFS)
	@$(RINGDB_DIR)/tests/integration $(RINGDB) $(RINGDB_KERNEL) $(RINGDB_INITRAMFS)

# Going backwards in real replays (debugger/tests/timetravel): a failing lab
# 1 test recorded by ringgrade replays to the same failure TIMETRAVEL_RUNS
# times (3 here; `make test-ringdb-timetravel TIMETRAVEL_RUNS=10` by hand).
TIMETRAVEL_RUNS ?= 3
test-ringdb-timetravel: $(RINGDB) $(BIN)/ringgrade $(RINGDB_KERNEL) $(RINGDB_INITRAMFS)
	@$(RINGDB_DIR)/tests/timetravel $(RINGDB) $(BIN)/ringgrade $(RINGDB_KERNEL) $(RINGDB_INITRAMFS) $(TIMETRAVEL_RUNS)

# `make debug TEST=... LAB=...` for every test of every definition file, and
# where each stops (debugger/tests/debug-every-test).
test-ringdb-every-test: $(RINGDB) $(RINGDB_KERNEL) $(RINGDB_INITRAMFS)
	@$(RINGDB_DIR)/tests/debug-every-test

# The plain-GDB .gdbinit, in batch GDB against a live QEMU.
test-ringdb-gdbinit: $(RINGDB_KERNEL) $(RINGDB_INITRAMFS)
	@scripts/deps debug >/dev/null || true
	@$(RINGDB_DIR)/tests/gdbinit-test $(RINGDB_KERNEL) $(RINGDB_INITRAMFS)

# Rebuild the captured transcripts from a real QEMU (run by hand).
RINGDB_CAPTURE := $(RINGDB_OUT)/tests/capture
$(RINGDB_CAPTURE): $(RINGDB_OUT)/tests/capture.o $(RINGDB_OUT)/tests/scenario.o \
		$(RINGDB_OUT)/rsp.o $(RINGDB_OUT)/transport.o $(RINGDB_OUT)/target.o
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@
ringdb-transcripts: $(RINGDB_CAPTURE) $(RINGDB) $(RINGDB_TINY_ELF)
	$(RINGDB_DIR)/tests/capture-transcripts $(RINGDB_CAPTURE) $(abspath $(RINGDB)) $(abspath $(RINGDB_OUT)/tests)

# --- starting QEMU ------------------------------------------------------------
# PROG="name args..." boots /bin/name as init with the args after `--`;
# TEST=name boots what ringgrade boots for that test, from
# labs/labLAB/lab.def with LAB=n, else from os/tests/kernel.def, and stops
# where the test is worth debugging, even with -ex or --batch: an in-kernel
# test (ktest=NAME) at its first call into the lab file's functions
# (ringdb's `ktest` command), a program at its first syscall.
# With neither PROG nor TEST, ringdb opens on hello stopped at its first
# syscall: the two-command set-up in README ends there.
DEBUG_DEFAULT_PROG := hello
APPEND ?=
TEST   ?=
LAB    ?=
ringdb_test_def = $(if $(LAB),labs/lab$(LAB)/lab.def,os/tests/kernel.def)
debug_prog = $(or $(if $(RUN_BIN),$(notdir $(RUN_BIN)) $(ARGS)),$(PROG),$(if $(TEST),,$(DEBUG_DEFAULT_PROG)))
debug_prog_append = $(if $(debug_prog),init=/bin/$(firstword $(debug_prog))$(if $(word 2,$(debug_prog)), -- $(wordlist 2,99,$(debug_prog))))
# RINGDB_ARGS: more ringdb options (make debug RINGDB_ARGS='-ex "panel pipeline" -ex quit'
# runs without a screen). Without -ex or --batch, ringdb first runs to a syscall.
RINGDB_ARGS ?=
debug_start = $(if $(findstring -ex,$(RINGDB_ARGS))$(findstring --batch,$(RINGDB_ARGS)),,--init-ex syscall)
debug_append = $(strip $(APPEND) $(debug_prog_append))

# REPLAY=1 with TEST=name [LAB=n]: open the recording make grade kept of
# that failing test (build/recordings/labN/NAME, kernel/NAME without LAB);
# REPLAY=DIR: that recording folder (ringgrade --record-failures DIR/...);
# REPLAY=FILE.tar.gz: such a folder packed as one file (ringgrade --pack);
# REPLAY=record: record this session as it goes (build/recordings/live/),
# so stepping back works in it too.
REPLAY ?=
RINGDB_RECORDINGS := $(BUILD)/recordings
ringdb_replay_dir = $(if $(filter 1,$(REPLAY)),$(RINGDB_RECORDINGS)/$(if $(LAB),lab$(LAB),kernel)/$(TEST),$(REPLAY))

# scripts/deps first: it installs what the build itself needs.
debug:
	@scripts/deps kernel qemu host
ifneq ($(filter-out record,$(REPLAY)),)
	@$(MAKE) --no-print-directory $(RINGDB)
	@if [ "$(REPLAY)" = 1 ] && [ -z "$(TEST)" ]; then \
	  echo "make debug: REPLAY=1 opens the recording of a failing test: give TEST=name (and LAB=n)" >&2; exit 2; fi; \
	rec="$(ringdb_replay_dir)"; \
	if [ ! -e "$$rec" ]; then \
	  echo "make debug: no recording $$rec: make grade LAB=n TEST=name keeps one of each failing test" >&2; exit 2; fi; \
	set -- $(debug_start); \
	if [ -n "$(TEST)" ]; then \
	  start=$$($(RINGDB_DIR)/test-cmdline --start $(ringdb_test_def) $(TEST)) || exit 2; \
	  set -- --init-ex "$$start"; \
	fi; \
	echo "ringdb: replaying $$rec"; \
	exec $(RINGDB) --replay "$$rec" "$$@" $(RINGDB_ARGS)
else
	@$(MAKE) --no-print-directory $(RINGDB) $(RINGDB_KERNEL) $(RINGDB_INITRAMFS)
	@append="$(debug_append)"; set -- $(debug_start); \
	if [ -n "$(TEST)" ]; then \
	  append=$$($(RINGDB_DIR)/test-cmdline $(ringdb_test_def) $(TEST)) || exit 2; \
	  append="$$append $(APPEND)"; \
	  start=$$($(RINGDB_DIR)/test-cmdline --start $(ringdb_test_def) $(TEST)) || exit 2; \
	  set -- --init-ex "$$start"; \
	fi; \
	echo "ringdb: kernel command line: $$append"; \
	$(if $(filter record,$(REPLAY)),mkdir -p $(RINGDB_RECORDINGS)/live && echo "ringdb: recording in $(RINGDB_RECORDINGS)/live/rr";) \
	exec $(RINGDB) --kernel $(RINGDB_KERNEL) --initrd $(RINGDB_INITRAMFS) --append "$$append" \
	  $(if $(RUN_BIN),--program $(abspath $(RUN_BIN))) \
	  $(if $(filter record,$(REPLAY)),--record $(RINGDB_RECORDINGS)/live/rr) "$$@" $(RINGDB_ARGS)
endif

qemu-gdb:
	@scripts/deps kernel qemu
	@$(MAKE) --no-print-directory $(RINGDB_KERNEL) $(RINGDB_INITRAMFS)
	scripts/ringside-qemu --kernel $(RINGDB_KERNEL) --initrd $(RINGDB_INITRAMFS) --gdb auto $(if $(debug_append),--append "$(debug_append)")

.PHONY: ringdb test-ringdb-unit test-ringdb-fuzz test-ringdb-integration test-ringdb-timetravel test-ringdb-gdbinit test-ringdb-every-test fuzz-rsp ringdb-transcripts debug qemu-gdb
