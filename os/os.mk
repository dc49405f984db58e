# The kernel: build/kernel.elf (ELF64 with DWARF; QEMU boots it through the
# multiboot header) from os/ plus the lab functions.
#
# The complete kernel is os/ + solutions/; nothing in os/ holds a second copy
# of a lab function.

KERNEL          := $(BUILD)/kernel.elf
KOBJDIR         := $(BUILD)/kernel

# Where each lab's functions come from. Lab k is built from
#   labs/labk/*.c          the student's files: when LAB=k in a student tree
#                          (no solutions/labk), or when LAB=k STUDENT=1 (how
#                          ringgrade builds a submission in the instructor's tree)
#   solutions/labk/*.c     the reference, in the instructor's tree
#   labs/prebuilt/labk.o   the reference as an object, in a student tree
#                          (make handout), for every lab but LAB
LABS    := 1 2 3 4 5 6 7
LAB     ?=
STUDENT ?=
student_lab = $(and $(filter $(1),$(LAB)),$(or $(STUDENT),$(if $(wildcard solutions/lab$(1)/*.c),,yes)))
lab_source = $(if $(call student_lab,$(1)),$(wildcard labs/lab$(1)/*.c),$(wildcard solutions/lab$(1)/*.c))
ifneq ($(LAB),)
  ifeq ($(filter $(LAB),$(LABS)),)
    $(error LAB=$(LAB): the labs are $(LABS))
  endif
  ifneq ($(call student_lab,$(LAB)),)
    ifeq ($(wildcard labs/lab$(LAB)/*.c),)
      $(error LAB=$(LAB): no student files in labs/lab$(LAB)/)
    endif
  endif
endif
LAB_SRCS     := $(foreach k,$(LABS),$(call lab_source,$(k)))
LAB_PREBUILT := $(foreach k,$(LABS),$(if $(call lab_source,$(k)),,$(wildcard labs/prebuilt/lab$(k).o)))

KERNEL_SRCS := $(sort $(wildcard os/boot/*.S os/arch/*.S os/arch/*.c os/kernel/*.c \
                 os/mm/*.c os/fs/*.c os/entry/*.S os/entry/*.c os/lib/*.c os/tests/*.c) $(LAB_SRCS))
KERNEL_SRCS := $(filter-out os/arch/asm-offsets.c,$(KERNEL_SRCS))
KERNEL_OBJS := $(patsubst %,$(KOBJDIR)/%.o,$(KERNEL_SRCS)) $(LAB_PREBUILT)
KERNEL_GENERATED := $(SYSCALL_HEADERS) $(KOBJDIR)/gen/asm-offsets.h

# Relinking over a built tree (how ringgrade builds a submission in batch):
# REUSE=DIR names a tree already built with the same LAB, by absolute path.
# Only the student's lab files are compiled here; every other object, the
# generated headers and the initramfs are DIR's, named by absolute paths
# that no rule here makes, so this make reads DIR and never writes it.
REUSE ?=
ifneq ($(REUSE),)
  ifeq ($(filter /%,$(REUSE)),)
    $(error REUSE=$(REUSE): give the built tree's absolute path)
  endif
  REUSE_OWN := $(if $(LAB),$(if $(call student_lab,$(LAB)),$(call lab_source,$(LAB))))
  KERNEL_OBJS := $(foreach s,$(KERNEL_SRCS),$(if $(filter $(s),$(REUSE_OWN)),$(KOBJDIR)/$(s).o,$(REUSE)/$(KOBJDIR)/$(s).o)) \
                 $(addprefix $(REUSE)/,$(LAB_PREBUILT))
  KERNEL_GENERATED := $(addprefix $(REUSE)/,$(KERNEL_GENERATED))
endif

# The link must be redone when the lab selection changes even if no object
# is newer than the kernel: this file changes exactly then.
KERNEL_SELECTION := $(KOBJDIR)/lab-selection
$(shell mkdir -p $(KOBJDIR) && echo '$(KERNEL_OBJS)' | cmp -s - $(KERNEL_SELECTION) || echo '$(KERNEL_OBJS)' > $(KERNEL_SELECTION))

KINCLUDES := -Ios/include $(patsubst %/,-I%,$(sort $(dir $(KERNEL_GENERATED))))
KCPPFLAGS := $(KINCLUDES) -D__KERNEL__ -MMD -MP

# Lab 1's dispatcher runs on the SYSCALL fast path between the entry
# assembly and SYSRET: it is built without a frame pointer, so that it costs
# what Linux 4.3's assembly dispatch costs beside it (the null syscall's
# budget, make bench). ringdb finds return addresses from the call frame
# information (.debug_frame), which -g still emits.
$(KOBJDIR)/labs/lab1/dispatch.c.o $(KOBJDIR)/solutions/lab1/dispatch.c.o: KCFLAGS += -fomit-frame-pointer

$(KOBJDIR)/%.c.o: %.c $(KERNEL_GENERATED)
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) $(KCPPFLAGS) -c $< -o $@

$(KOBJDIR)/%.S.o: %.S $(KERNEL_GENERATED)
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) $(KCPPFLAGS) -D__ASSEMBLER__ -c $< -o $@

# Struct offsets for the assembly, computed by the compiler (as Linux's
# asm-offsets): never typed twice.
$(KOBJDIR)/gen/asm-offsets.h: os/arch/asm-offsets.c $(wildcard os/include/*/*.h) $(SYSCALL_HEADERS)
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) $(KINCLUDES) -S $< -o $(KOBJDIR)/gen/asm-offsets.s
	{ echo '/* Generated from os/arch/asm-offsets.c: do not edit. */'; \
	  sed -n 's/.*->\([A-Za-z0-9_]*\) \$$\{0,1\}\(-\{0,1\}[0-9]*\).*/#define \1 \2/p' \
	      $(KOBJDIR)/gen/asm-offsets.s; } > $@.tmp && mv $@.tmp $@

# Two links: the first finds where every function ends up, the second adds
# the symbol table that panics use for backtraces. The table sits after all
# code (kernel.ld), so adding it moves no function.
$(KERNEL): $(KERNEL_OBJS) $(KERNEL_SELECTION) os/kernel.ld scripts/gen-ksyms
	$(KLD) $(KLDFLAGS) -T os/kernel.ld -o $(KOBJDIR)/pass1.elf $(KERNEL_OBJS)
	scripts/gen-ksyms $(KNM) $(KOBJDIR)/pass1.elf > $(KOBJDIR)/ksyms.S
	$(KCC) $(KCFLAGS) -c $(KOBJDIR)/ksyms.S -o $(KOBJDIR)/ksyms.o
	$(KLD) $(KLDFLAGS) -T os/kernel.ld -o $@ $(KERNEL_OBJS) $(KOBJDIR)/ksyms.o
	@scripts/gen-ksyms --check $(KNM) $(KOBJDIR)/pass1.elf $@

kernel: $(if $(REUSE),,deps-kernel) $(KERNEL)
deps-kernel:
	@scripts/deps kernel

-include $(filter-out /%,$(KERNEL_OBJS:.o=.d))
.PHONY: kernel deps-kernel

# The kernel never touches the x87/SSE registers outside os/kernel/fpu.c:
# they are the user's (scripts/check-gpr-only reads the disassembly).
TEST_SUITES += kernel-gpr-only
test-kernel-gpr-only: $(KERNEL)
	@scripts/check-gpr-only $(TOOLPREFIX)objdump $(KERNEL)
.PHONY: test-kernel-gpr-only
