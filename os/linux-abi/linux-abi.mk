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
# -nostdlib, Debian package gcc-multilib), for what only a 32-bit process
# sees; they print the same kind of lines and run beside the others.
LINUX_ABI_I386 := $(sort $(wildcard os/linux-abi/i386/*.c))
LINUX_ABI_BINS := $(patsubst os/linux-abi/%.c,$(LINUX_ABI_OUT)/bin/%,$(LINUX_ABI_SRCS)) \
                  $(LINUX_ABI_GLIBC:%=$(LINUX_ABI_OUT)/bin/glibc-%) \
                  $(patsubst os/linux-abi/i386/%.c,$(LINUX_ABI_OUT)/bin/i386-%,$(LINUX_ABI_I386))

$(LINUX_ABI_OUT)/bin/%: os/linux-abi/%.c os/linux-abi/abi.h
	@command -v $(LINUX_ABI_CC) >/dev/null || { echo "$(LINUX_ABI_CC) not found: run scripts/deps test (Debian package musl-tools)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(LINUX_ABI_CC) -static -O2 -Wall -Wextra -Werror -o $@ $< -lm

$(LINUX_ABI_OUT)/bin/glibc-%: os/linux-abi/%.c os/linux-abi/abi.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -static -O2 -Wall -Wextra -Werror -o $@ $< -lm

$(LINUX_ABI_OUT)/bin/i386-%: os/linux-abi/i386/%.c
	@mkdir -p $(dir $@)
	gcc -m32 -static -nostdlib -ffreestanding -fno-pic -no-pie -fno-stack-protector -fcf-protection=none \
	    -O2 -Wall -Wextra -Werror -o $@ $< || \
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
