# The linux-abi suite: ordinary C programs built with Debian's musl-gcc
# -static and default flags, run on the host's Linux and on Ringside, their
# output compared line by line (scripts/test-linux-abi). The expected
# output is the host's, made afresh at each run: nothing is written by hand.
#
# Adding a program: os/linux-abi/NAME.c with a main() that prints
# "label: result" lines through abi.h's T() and Y(); it is picked up here.

LINUX_ABI_SRCS := $(sort $(wildcard os/linux-abi/*.c))
LINUX_ABI_OUT  := $(BUILD)/linux-abi
LINUX_ABI_CC   ?= musl-gcc
# A few are built a second time against glibc (gcc -static): its start-up
# asks for rseq, which Ringside answers ENOSYS, and its fork, system() and
# posix_spawn go through clone.
LINUX_ABI_GLIBC := hello procs
# os/linux-abi/i386/NAME.c: static i386 programs without libc (gcc -m32
# -nostdlib), for what only a 32-bit process sees with every call its own
# int $0x80 (ptrace32: a 32-bit tracer); built as bin/nolibc32-NAME.
LINUX_ABI_NOLIBC32 := $(sort $(wildcard os/linux-abi/i386/*.c))
# And a few as i386 programs (gcc -m32 -static, glibc; Debian's
# gcc-multilib): they run in compatibility mode, call the kernel by
# int $0x80, keep their TLS in a set_thread_area descriptor and get i386
# signal frames (files: open without a forced O_LARGEFILE, stat64; procs:
# a nanosleep stopped and continued resumes through the i386
# restart_syscall). sigtls checks those frames and descriptors; its
# stack is executable (-z execstack, PT_GNU_STACK PF_X) because a handler
# installed without SA_RESTORER returns through the frame's own code on
# the stack: Ringside has no vDSO (Linux 4.3 without one does the same).
$(LINUX_ABI_OUT)/bin/i386-sigtls: I386_FLAGS := -z execstack
# glibc's i386 read() carries an access attribute that makes gcc reject
# files.c's deliberate read into BAD_PTR.
$(LINUX_ABI_OUT)/bin/i386-files: I386_FLAGS := -Wno-stringop-overflow
# and pipes.c's deliberate writev calls (a bad iovec, 1025 and -1 vectors).
$(LINUX_ABI_OUT)/bin/i386-pipes: I386_FLAGS := -Wno-stringop-overflow -Wno-stringop-overread
LINUX_ABI_I386 := files hello procs sigtls pipes sigwait
LINUX_ABI_BINS := $(patsubst os/linux-abi/%.c,$(LINUX_ABI_OUT)/bin/%,$(LINUX_ABI_SRCS)) \
                  $(LINUX_ABI_GLIBC:%=$(LINUX_ABI_OUT)/bin/glibc-%) \
                  $(LINUX_ABI_I386:%=$(LINUX_ABI_OUT)/bin/i386-%) \
                  $(patsubst os/linux-abi/i386/%.c,$(LINUX_ABI_OUT)/bin/nolibc32-%,$(LINUX_ABI_NOLIBC32))

$(LINUX_ABI_OUT)/bin/%: os/linux-abi/%.c os/linux-abi/abi.h
	@command -v $(LINUX_ABI_CC) >/dev/null || { echo "$(LINUX_ABI_CC) not found: run scripts/deps test (Debian package musl-tools)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(LINUX_ABI_CC) -static -O2 -Wall -Wextra -Werror -o $@ $< -lm

$(LINUX_ABI_OUT)/bin/glibc-%: os/linux-abi/%.c os/linux-abi/abi.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -static -O2 -Wall -Wextra -Werror -o $@ $< -lm

$(LINUX_ABI_OUT)/bin/nolibc32-%: os/linux-abi/i386/%.c
	@mkdir -p $(dir $@)
	gcc -m32 -static -nostdlib -ffreestanding -fno-pic -no-pie -fno-stack-protector -fcf-protection=none \
	    -O2 -Wall -Wextra -Werror -o $@ $< || \
	    { echo "gcc -m32 -static failed: run scripts/deps test (Debian package gcc-multilib)" >&2; exit 1; }

$(LINUX_ABI_OUT)/bin/i386-%: os/linux-abi/%.c os/linux-abi/abi.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -m32 -static -O2 -Wall -Wextra -Werror $(I386_FLAGS) -o $@ $< -lm || \
	    { echo "gcc -m32 -static failed: run scripts/deps test (Debian package gcc-multilib)" >&2; exit 1; }

## linux-abi       build the linux-abi programs (musl-gcc -static) into build/linux-abi/bin/
linux-abi: $(LINUX_ABI_BINS)

TEST_SUITES += linux-abi
## test-linux-abi  run them on this Linux and on Ringside; diff the outputs
test-linux-abi: deps-qemu $(KERNEL) $(INITRAMFS) $(LINUX_ABI_BINS) $(USER_OUT)/bin/abirun
	@scripts/test-linux-abi $(LINUX_ABI_OUT)

# The console's line discipline (TCSETS: raw mode, VMIN/VTIME, echo) needs a
# terminal and someone typing: ttyraw runs on a pty on the host and on
# /dev/console on Ringside, scripts/test-linux-abi-tty types what it asks
# for, and the two terminals' transcripts are compared.
LINUX_ABI_TTY := $(LINUX_ABI_OUT)/tty/ttyraw
$(LINUX_ABI_TTY): os/linux-abi/tty/ttyraw.c
	@command -v $(LINUX_ABI_CC) >/dev/null || { echo "$(LINUX_ABI_CC) not found: run scripts/deps test (Debian package musl-tools)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(LINUX_ABI_CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

TEST_SUITES += linux-abi-tty
## test-linux-abi-tty  the console's termios modes against a pty on this Linux
test-linux-abi-tty: deps-qemu $(KERNEL) $(INITRAMFS) $(LINUX_ABI_TTY)
	@scripts/test-linux-abi-tty $(LINUX_ABI_TTY) $(LINUX_ABI_OUT)/tty

.PHONY: linux-abi test-linux-abi test-linux-abi-tty
