# os/user: the user programs of the Ringside kernel and the initramfs that
# carries them. Every program is an ordinary static x86-64 Linux executable
# linked against our own small libc (os/user/lib), so each one also runs on
# the host's Linux: `make test-user-host` does exactly that with the tests.
#
# Adding a program: write os/user/bin/NAME.c (a tool) or os/user/tests/NAME.c
# (a KTAP test) with a main(), and add NAME to the right list below.

USER_BIN_PROGRAMS  := init sh hello argv cat echo ls strace seccomp-run auditctl tracecat nullsys abirun unwindme spin
USER_TEST_PROGRAMS := starttest vfstest proctest systest forktest preempt faulttest int80test fastpath libctest fuzz sigtest ptracetest seccomptest audittest audit1 tracetest fastslow exitworktest uprobetest urntest nohztest lab1_int80 lab2_audit lab3_ptrace lab4_exit lab7_frame calleesaved fputest entrytest
USER_PROGRAMS      := $(USER_BIN_PROGRAMS) $(USER_TEST_PROGRAMS)
# The tests that must pass on the host's Linux too (never fuzz: it would
# attack the host kernel).
USER_HOST_TESTS    := starttest vfstest proctest systest forktest preempt faulttest int80test fastpath libctest sigtest ptracetest seccomptest audittest audit1 tracetest fastslow exitworktest uprobetest urntest nohztest lab1_int80 calleesaved fputest entrytest

USER_OUT      := $(BUILD)/user
USER_BINARIES := $(addprefix $(USER_OUT)/bin/,$(USER_PROGRAMS))
INITRAMFS     := $(BUILD)/initramfs.cpio

USER_AR := $(TOOLPREFIX)ar
# Default code generation, SSE included, as any x86-64 program: the kernel
# saves and restores every task's x87/SSE registers (os/kernel/fpu.c).
USER_CFLAGS  := $(FREESTANDING) \
                -I os/user/include -I $(GEN) -I os/include/uapi -MMD -MP
USER_LDFLAGS := -nostdlib -static -T os/user/user.ld -z max-page-size=0x1000 -z noexecstack

USER_LIB_SRCS := $(wildcard os/user/lib/*.c os/user/lib/*.S)
USER_LIB_OBJS := $(patsubst os/user/lib/%,$(USER_OUT)/lib/%.o,$(USER_LIB_SRCS))
USER_LIB      := $(USER_OUT)/libc.a

$(USER_OUT)/lib/%.c.o: os/user/lib/%.c $(SYSCALL_HEADERS)
	@mkdir -p $(dir $@)
	$(KCC) $(USER_CFLAGS) -c -o $@ $<

$(USER_OUT)/lib/%.S.o: os/user/lib/%.S
	@mkdir -p $(dir $@)
	$(KCC) $(USER_CFLAGS) -c -o $@ $<

$(USER_LIB): $(USER_LIB_OBJS)
	rm -f $@
	$(USER_AR) rcs $@ $^

$(USER_OUT)/obj/%.o: os/user/bin/%.c $(SYSCALL_HEADERS)
	@mkdir -p $(dir $@)
	$(KCC) $(USER_CFLAGS) -c -o $@ $<

$(USER_OUT)/obj/%.o: os/user/tests/%.c $(SYSCALL_HEADERS)
	@mkdir -p $(dir $@)
	$(KCC) $(USER_CFLAGS) -c -o $@ $<

# entrytest records the registers at its very first instruction, before
# _start: its own entry point.
$(USER_OUT)/bin/entrytest: USER_LDFLAGS += -e entrytest_start

# spin runs what ringdb's time-travel tests step back through, line by
# line in source order: unoptimised.
$(USER_OUT)/obj/spin.o: USER_CFLAGS += -O0

# The shell's `help` lists the programs of this build.
$(USER_OUT)/obj/sh.o: USER_CFLAGS += -DUSER_PROGRAM_LIST='"$(USER_PROGRAMS)"'
$(USER_OUT)/obj/sh.o: os/user/user.mk

$(USER_OUT)/bin/%: $(USER_OUT)/obj/%.o $(USER_LIB) os/user/user.ld
	@mkdir -p $(dir $@)
	$(KLD) $(USER_LDFLAGS) -o $@ $< $(USER_LIB)

# The initramfs: bin/NAME for every program, mode 0755, owned by root, every
# mtime 0 and names sorted, so the same sources give the same bytes.
$(INITRAMFS): $(USER_BINARIES) os/user/user.mk
	@command -v cpio >/dev/null || { echo "cpio not found: run scripts/deps kernel (or apt-get install cpio)" >&2; exit 1; }
	rm -rf $(USER_OUT)/root
	mkdir -p $(USER_OUT)/root/bin
	cp $(USER_BINARIES) $(USER_OUT)/root/bin/
	chmod 0755 $(USER_OUT)/root/bin $(USER_OUT)/root/bin/*
	find $(USER_OUT)/root -exec touch -h -d @0 {} +
	cd $(USER_OUT)/root && find bin | LC_ALL=C sort | \
	  cpio --quiet -o -H newc -R 0:0 --reproducible > $(abspath $@).tmp
	mv $@.tmp $@

## initramfs       build build/initramfs.cpio (every user program under bin/)
ifeq ($(REUSE),)
initramfs: $(INITRAMFS)
else
# Relinking over a built tree (REUSE=DIR, os/os.mk): DIR's initramfs, read only.
initramfs:
	@mkdir -p $(dir $(INITRAMFS)) && ln -sfn $(REUSE)/$(INITRAMFS) $(INITRAMFS)
endif

## user            build the user programs into build/user/bin/
user: $(USER_BINARIES)

# BIN=path/to/static-binary: your own program, added to a copy of the
# initramfs as /bin/NAME and booted as init instead of PROG (docs/userspace.md).
ifneq ($(RUN_BIN),)
BIN_INITRAMFS := $(BUILD)/initramfs-bin.cpio
run_prog      := $(notdir $(RUN_BIN))
run_initrd    := --initrd $(BIN_INITRAMFS)
$(BIN_INITRAMFS): $(INITRAMFS) scripts/initramfs-add FORCE
	@scripts/initramfs-add $(INITRAMFS) $@ $(RUN_BIN)
FORCE:
.PHONY: FORCE
else
run_prog   := $(PROG)
run_initrd :=
endif

TEST_SUITES += user-host
## test-user-host  run the KTAP user tests natively on this Linux host
test-user-host: $(USER_BINARIES)
	@os/user/tests/run-host-tests $(USER_OUT)/bin $(USER_HOST_TESTS)

.PHONY: initramfs user test-user-host
-include $(USER_LIB_OBJS:.o=.d) $(addprefix $(USER_OUT)/obj/,$(USER_PROGRAMS:=.d))
.SECONDARY: $(addprefix $(USER_OUT)/obj/,$(USER_PROGRAMS:=.o))

# Two ordinary static programs built by Debian's compilers with their
# default flags, booted as init and compared with the host: musl-gcc -static
# (musl-tools) and gcc -static (libc6-dev). Their printf runs SSE code.
STATIC_HELLO := $(USER_OUT)/static/hello-musl $(USER_OUT)/static/hello-glibc
$(USER_OUT)/static/hello-musl: os/user/static/hello.c
	@command -v musl-gcc >/dev/null || { echo "musl-gcc not found: run scripts/deps test (Debian package musl-tools)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	musl-gcc -static -o $@ $<
$(USER_OUT)/static/hello-glibc: os/user/static/hello.c
	@mkdir -p $(dir $@)
	gcc -static -o $@ $< || { echo "gcc -static failed: run scripts/deps test (Debian package libc6-dev)" >&2; exit 1; }

TEST_SUITES += static-hello
## test-static-hello  boot a musl-gcc -static and a gcc -static hello as init
test-static-hello: $(KERNEL) $(INITRAMFS) $(STATIC_HELLO)
	@os/user/static/run-static-hello $(INITRAMFS) $(STATIC_HELLO)
.PHONY: test-static-hello

# A static i386 program without libc (gcc -m32, Debian package gcc-multilib)
# booted as init: it runs in compatibility mode with TIF_IA32 and calls the
# kernel through int $0x80; ringdb is checked on it too.
HELLO32 := $(USER_OUT)/static/hello32
$(HELLO32): os/user/static/hello32.c
	@mkdir -p $(dir $@)
	gcc -m32 -static -nostdlib -ffreestanding -fno-pic -no-pie -fno-stack-protector -fcf-protection=none \
	    -O2 -Wall -Wextra -Werror -o $@ $< || \
	    { echo "gcc -m32 -static failed: run scripts/deps test (Debian package gcc-multilib)" >&2; exit 1; }

TEST_SUITES += compat32
## test-compat32  boot a static i386 program as init: compatibility mode, int $0x80, ringdb's TIF_IA32
test-compat32: $(KERNEL) $(INITRAMFS) $(HELLO32) $(BUILD)/bin/ringdb
	@os/user/static/run-hello32 $(INITRAMFS) $(HELLO32) $(BUILD)/bin/ringdb $(KERNEL)
.PHONY: test-compat32
