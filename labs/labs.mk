# The labs (labs/labN/): the student handout, and the suites that prove the
# labs' tests right - full marks for the reference, points lost by every
# mutant, zero for the starter code in a handout. Included by the top-level
# Makefile.
#
## make handout OUT=DIR [LEVEL=challenge]  the student tree: no solutions, prebuilt reference objects;
##                                  LEVEL=challenge: handouts with the contract and no step list
## make handout-tarball            build/ringside-handout.tar.gz
## make test-mutants-all           grade every mutant of every lab (make test runs a subset)
## make student-tree OUT=DIR       the tree ringgrade grades submissions in (the handout, from the working tree)
## make mutation-score [MUTATION_LABS="1 2"] [JOBS=n]  systematic mutants of the references: per-lab score

LABS_ALL      := 1 2 3 4 5 6 7
PREBUILT_DIR  := $(BUILD)/prebuilt
PREBUILT_OBJS := $(LABS_ALL:%=$(PREBUILT_DIR)/lab%.o)
LABS_JOBS     ?= $(shell nproc 2>/dev/null || echo 2)

# The sealed grading tree (labs/grade/seal.h): the handout made from the
# working tree, plus the build objects that come from public sources only
# (os/, the user programs, generated headers), so that grading a submission
# compiles little. Never build/kernel/solutions, kernel.elf or anything
# else linked with the reference.
STUDENT_TREE_BUILD := gen kernel/gen kernel/os user initramfs.cpio

ifneq ($(wildcard solutions/lab1),)
# labs/prebuilt/labN.o of a handout: the reference objects of lab N, built
# with the kernel's flags (the kernel's own rule) and linked into one. Debug
# info is stripped: it would show the reference's variable names and line
# structure, and nothing in the student tree needs it.
define prebuilt_rule
$(PREBUILT_DIR)/lab$(1).o: $(patsubst %,$(KOBJDIR)/%.o,$(wildcard solutions/lab$(1)/*.c))
	@mkdir -p $$(@D)
	$(KLD) -r --strip-debug -o $$@ $$^
endef
$(foreach k,$(LABS_ALL),$(eval $(call prebuilt_rule,$(k))))

HANDOUT_TMP := $(BUILD)/handout-tree

handout: $(PREBUILT_OBJS)
	@test -n "$(OUT)" || { echo "make handout: say where, e.g. make handout OUT=../ringside-student" >&2; exit 2; }
	@labs/make-handout "$(OUT)" $(PREBUILT_DIR) $(or $(LEVEL),guided)

student-tree: $(PREBUILT_OBJS)
	@test -n "$(OUT)" || { echo "make student-tree: say where, e.g. make student-tree OUT=/tmp/grading" >&2; exit 2; }
	@labs/make-handout --worktree "$(OUT)" $(PREBUILT_DIR) > /dev/null
	@out=$$(cd "$(OUT)" && pwd); mkdir -p "$$out/build" && cd $(BUILD) && \
	  for d in $(STUDENT_TREE_BUILD); do [ ! -e $$d ] || cp -a --parents $$d "$$out/build/"; done

handout-tarball: $(PREBUILT_OBJS)
	rm -rf $(HANDOUT_TMP) && mkdir -p $(HANDOUT_TMP)
	labs/make-handout $(HANDOUT_TMP)/ringside $(PREBUILT_DIR) $(or $(LEVEL),guided)
	tar -C $(HANDOUT_TMP) -czf $(BUILD)/ringside-handout.tar.gz ringside
	rm -rf $(HANDOUT_TMP)
	@echo "$(BUILD)/ringside-handout.tar.gz"
else
handout handout-tarball test-mutants-all mutation-score:
	@echo "make $@: this is a student tree (no solutions/): only the instructor's tree makes handouts" >&2; exit 2

# A student tree (a handout, or a Gradescope bundle's tree) is its own
# student tree: copied as it is, prebuilt objects and all.
student-tree:
	@test -n "$(OUT)" || { echo "make student-tree: say where, e.g. make student-tree OUT=/tmp/grading" >&2; exit 2; }
	@labs/make-handout --worktree "$(OUT)" labs/prebuilt > /dev/null
	@out=$$(cd "$(OUT)" && pwd); mkdir -p "$$out/build" && cd $(BUILD) 2>/dev/null && \
	  for d in $(STUDENT_TREE_BUILD); do [ ! -e $$d ] || cp -a --parents $$d "$$out/build/"; done; true
endif

# --- tests ----------------------------------------------------------------------
# The instructor tree only: a handout has neither solutions nor mutants.
ifneq ($(wildcard solutions/lab1),)
TEST_SUITES += labs-reference labs-mutants labs-handout

# Every lab's reference gets full marks.
test-labs-reference: $(RINGGRADE)
	@pass=0; fail=0; for k in $(LABS_ALL); do \
	  line=$$($(RINGGRADE) --lab $$k -j $(LABS_JOBS) 2>&1 | sed -n 's/^score: //p' | tail -1); \
	  case "$$line" in \
	    100/100*|[0-9]*/*) total=$${line%%/*}; rest=$${line#*/}; max=$${rest%% *}; \
	      if [ "$$total" = "$$max" ]; then pass=$$((pass+1)); echo "ok lab $$k reference: $$line"; \
	      else fail=$$((fail+1)); echo "not ok lab $$k reference: $$line (run make grade LAB=$$k)"; fi ;; \
	    *) fail=$$((fail+1)); echo "not ok lab $$k reference: no score (run make grade LAB=$$k)" ;; \
	  esac; done; \
	echo "$$pass passed, $$fail failed"; [ $$fail = 0 ]

# make test grades a fixed, representative subset of the mutants (three per
# lab: one per kind of test - in-kernel, user program, end to end; lab 7 a
# fourth, for the frame's FPU state - plus three kinds of bug the first
# tests missed: a skipped call's result overwritten, a 64-bit number cut to
# an int, rt_sigreturn leaving the call restartable);
# test-mutants-all grades every one.
MUTANTS_QUICK := lab1/rcx_for_r10 lab1/bound_off_by_one lab1/int80_not_truncated \
                 lab2/skip_keeps_orig_ax lab2/audit_twice lab2/nr_from_ax \
                 lab3/cached_number lab3/tracepoint_before_tracer lab3/sysemu_runs \
                 lab4/flags_read_once lab4/irqs_left_on lab4/no_user_enter \
                 lab5/ts_compat_kept lab5/step_under_sysemu lab5/tracepoint_gets_number \
                 lab6/jset_as_jeq lab6/load_offset_64_accepted lab6/uninitialised_scratch_accepted \
                 lab7/no_red_zone lab7/trusts_frame_flags lab7/sa_restart_ignored lab7/fpstate_not_restored \
                 lab1/enosys_overwrites_skip lab3/phase2_number_in_int lab7/sigreturn_keeps_orig_ax

test-labs-mutants: $(RINGGRADE)
	@labs/test-mutants $(RINGGRADE) $(LABS_JOBS) $(MUTANTS_QUICK)

test-mutants-all: $(RINGGRADE)
	@labs/test-mutants $(RINGGRADE) $(LABS_JOBS) $(LABS_ALL:%=lab%)

# ringmutate: the systematic mutants of a reference file (labs/mutate/; the
# instructor tree only, like everything here).
RINGMUTATE := $(BIN)/ringmutate
HOST_TOOLS += $(RINGMUTATE)

$(HOST_OUT)/mutate/mutate.o: labs/mutate/mutate.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(RINGMUTATE): $(HOST_OUT)/mutate/mutate.o
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) $^ -o $@

ringmutate: $(RINGMUTATE)

# The mutation score: every systematic mutant of every reference, graded
# (minutes to an hour: see docs/instructor.md). make test grades a fixed
# sample: MUTATION_SAMPLE mutants per lab, seed MUTATION_SEED; each must be
# killed or listed (labs/labN/equivalent-mutants, labs/labN/surviving-mutants).
MUTATION_LABS ?= $(LABS_ALL)
JOBS          ?= $(LABS_JOBS)
MUTATION_SAMPLE ?= 2
MUTATION_SEED   ?= 1
TEST_SUITES += labs-mutation-sample

mutation-score: $(RINGMUTATE) $(RINGGRADE) $(KERNEL) $(INITRAMFS)
	@labs/mutate/mutation-score -j $(JOBS) $(MUTATION_LABS)

# The generator and the driver's checks, no QEMU (also under make sanitize).
TEST_SUITES      += mutate
HOST_TEST_SUITES += mutate
test-mutate: $(RINGMUTATE)
	@labs/mutate/test-mutate $(RINGMUTATE)

test-labs-mutation-sample: $(RINGMUTATE) $(RINGGRADE) $(KERNEL) $(INITRAMFS)
	@labs/mutate/mutation-score --sample $(MUTATION_SAMPLE) --seed $(MUTATION_SEED) -j $(LABS_JOBS)

# A handout in a scratch folder: no reference text, it builds and boots, and
# every lab's starter code scores 0.
test-labs-handout: $(PREBUILT_OBJS)
	@dir=$$(mktemp -d $${TMPDIR:-/tmp}/ringside-handout.XXXXXX); \
	labs/make-handout $$dir/ringside $(PREBUILT_DIR) > /dev/null && \
	labs/make-handout $$dir/challenge $(PREBUILT_DIR) challenge > /dev/null && \
	labs/test-handout-levels $$dir/ringside $$dir/challenge $(PREBUILT_DIR) && \
	labs/test-handout $$dir/ringside $(LABS_ALL); status=$$?; rm -rf $$dir; exit $$status
endif

.PHONY: ringmutate mutation-score test-labs-mutation-sample test-mutate
.PHONY: student-tree handout handout-tarball test-labs-reference test-labs-mutants test-mutants-all test-labs-handout
