# ringgrade, the autograder (labs/grade/), its tests, and the make targets
# that use it. Included by the top-level Makefile.
#
## make grade LAB=n [TEST="name ..."] [RECORD=0] [RECORD_MAX=3]  grade lab n in this tree; the first RECORD_MAX failing tests are recorded in build/recordings/labN/ (RECORD=0: none)
## make gradescope LAB=n [RECORD_MAX=3] build/gradescope-labN.zip, a Gradescope autograder (records the first RECORD_MAX failing tests of each submission)
##                                     (NO_SANDBOX=1: its run_autograder passes --no-sandbox)
## make bench-grade                    seconds per graded lab, submissions per minute, flake rates

GRADE_DIR  := labs/grade
GRADE_OUT  := $(HOST_OUT)/grade
RINGGRADE  := $(BIN)/ringgrade

# The engine's modules; main.c alone is the command line.
GRADE_CORE := util def ktap spawn sandbox unpack seal run submit report grade batch reuse class
GRADE_CORE_OBJS := $(GRADE_CORE:%=$(GRADE_OUT)/%.o)

HOST_TOOLS += $(RINGGRADE)

$(GRADE_OUT)/%.o: $(GRADE_DIR)/%.c $(wildcard $(GRADE_DIR)/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# unpack.c needs libarchive-dev: scripts/deps installs it (root) or prints
# the apt-get line to run, before the compiler fails on <archive.h>.
$(GRADE_OUT)/unpack.o: | deps-grade
deps-grade:
	@test -f /usr/include/archive.h || scripts/deps host

$(RINGGRADE): $(GRADE_CORE_OBJS) $(GRADE_OUT)/main.o
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -larchive -pthread -o $@

ringgrade: $(RINGGRADE)

# --- unit tests (cmocka) -----------------------------------------------------
GRADE_UNIT      := $(GRADE_OUT)/tests/unit
GRADE_JSONCHECK := $(GRADE_OUT)/tests/jsoncheck
GRADE_UNIT_SRCS := unit_main test_def test_ktap test_judge test_paths test_report test_spawn test_sandbox test_scale json_check

$(GRADE_OUT)/tests/%.o: $(GRADE_DIR)/tests/%.c $(wildcard $(GRADE_DIR)/*.h $(GRADE_DIR)/tests/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(GRADE_DIR) -c $< -o $@

$(GRADE_UNIT): $(GRADE_UNIT_SRCS:%=$(GRADE_OUT)/tests/%.o) $(GRADE_CORE_OBJS)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -lcmocka -larchive -pthread -o $@

$(GRADE_JSONCHECK): $(GRADE_OUT)/tests/jsoncheck_main.o $(GRADE_OUT)/tests/json_check.o $(GRADE_OUT)/util.o
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

# --- fuzzing the parsers (clang + libFuzzer, ASan/UBSan) ------------------------
GRADE_FUZZER := $(BUILD)/fuzz/fuzz_grade
GRADE_FUZZ_SRC := $(GRADE_DIR)/tests/fuzz_parsers.c $(GRADE_DIR)/def.c $(GRADE_DIR)/ktap.c $(GRADE_DIR)/run.c \
                  $(GRADE_DIR)/spawn.c $(GRADE_DIR)/sandbox.c $(GRADE_DIR)/util.c
GRADE_FUZZ_RUNS ?= 200000

$(GRADE_FUZZER): $(GRADE_FUZZ_SRC) $(wildcard $(GRADE_DIR)/*.h)
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -I$(GRADE_DIR) -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all $(GRADE_FUZZ_SRC) -pthread -o $@

# A fixed number of runs, so the result does not depend on the machine's speed.
test-grade-fuzz: $(GRADE_FUZZER)
	@mkdir -p $(BUILD)/fuzz/grade-corpus
	@if $(GRADE_FUZZER) -runs=$(GRADE_FUZZ_RUNS) -seed=1 -max_len=4096 $(BUILD)/fuzz/grade-corpus \
	      $(GRADE_DIR)/tests/fuzz-seeds > $(BUILD)/fuzz/grade.log 2>&1; then \
	  tail -n 1 $(BUILD)/fuzz/grade.log; echo "1 passed, 0 failed"; \
	else tail -n 40 $(BUILD)/fuzz/grade.log; echo "0 passed, 1 failed"; exit 1; fi

TEST_SUITES      += grade-unit grade-fuzz grade-integration grade-gradescope kernel
# Class scale (labs/grade/tests/scale): slices and merge, report.html,
# --repeat, and lab 1's shared boot on the real kernel.
TEST_SUITES      += grade-scale
HOST_TEST_SUITES += grade-unit

test-grade-unit: $(GRADE_UNIT)
	@$(GRADE_UNIT)

# The hostile-submission corpus, graded in batch against the self-test lab.
test-grade-integration: $(RINGGRADE) $(GRADE_JSONCHECK)
	@$(GRADE_DIR)/tests/integration $(RINGGRADE) $(GRADE_JSONCHECK)

# make gradescope LAB=1, unpacked into a local /autograder and run as
# Gradescope runs it, on the reference and on a broken submission.
test-grade-gradescope: $(RINGGRADE) $(GRADE_JSONCHECK) $(RINGDB)
	@RINGDB=$(abspath $(RINGDB)) $(GRADE_DIR)/tests/gradescope $(GRADE_JSONCHECK) 1

test-grade-scale: $(RINGGRADE) $(KERNEL) $(INITRAMFS)
	@$(GRADE_DIR)/tests/scale $(RINGGRADE)

# The kernel's own test groups, each in its own QEMU; ringgrade builds the
# kernel and initramfs first (a failed build is reported, not hidden).
test-kernel: $(RINGGRADE)
	@$(RINGGRADE) --def os/tests/kernel.def

# --- students and instructors --------------------------------------------------
LAB  ?=
TEST ?=
# Each recorded failure costs a second boot under record/replay: a starter
# tree fails every test, so make grade records only the first few.
RECORD_MAX ?= 3

grade: $(RINGGRADE)
	@test -n "$(LAB)" || { echo "make grade: say which lab, e.g. make grade LAB=1" >&2; exit 2; }
	@scripts/deps kernel qemu
	@$(RINGGRADE) --lab $(LAB) $(foreach t,$(TEST),--test $(t)) $(if $(filter 0,$(RECORD)),,--record-failures $(BUILD)/recordings/lab$(LAB) --record-max $(RECORD_MAX))

gradescope: $(RINGGRADE)
	@test -n "$(LAB)" || { echo "make gradescope: say which lab, e.g. make gradescope LAB=1" >&2; exit 2; }
	@scripts/deps host
	@$(RINGGRADE) --lab $(LAB) --list > /dev/null
	@NO_SANDBOX="$(NO_SANDBOX)" RECORD_MAX="$(RECORD_MAX)" $(GRADE_DIR)/gradescope/make-bundle labs/lab$(LAB)/lab.def $(BUILD)/gradescope-lab$(LAB).zip

BENCH_SCRIPTS += bench/grade.sh
bench-grade: $(RINGGRADE)
	@bench/grade.sh $(RINGGRADE)

# The self-test lab and the test machine build inside their own folders.
clean: clean-grade
clean-grade:
	rm -rf $(GRADE_DIR)/tests/probe/build $(GRADE_DIR)/tests/machine/build

.PHONY: ringgrade deps-grade test-grade-unit test-grade-fuzz test-grade-integration test-grade-gradescope test-grade-scale test-kernel grade gradescope bench-grade clean-grade
