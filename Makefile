# Ringside: one entry point for building, booting, debugging, grading and testing.
#
#   make            build everything (kernel, initramfs, host tools)
#   make qemu       boot the kernel, serial console on this terminal (Ctrl-A X quits)
#   make qemu-gdb   boot halted with a gdbstub; the port is printed
#   make run PROG=hello ARGS="..."   boot with PROG as init, exit with its status
#   make run BIN=./a.out ARGS="..."  the same with your own static program
#   make debug      boot halted and open ringdb
#   make test       every test of the project; ends with "N passed, N failed"
#   make help       the full list
#
# Every target that needs a Debian package first runs scripts/deps, which
# installs what is missing (as root) or prints the one apt-get line to run.

.DEFAULT_GOAL := all
BUILD     ?= build
# make run/debug BIN=path: your own static program (os/user/user.mk). Inside
# the makefiles BIN is the host tools' folder (mk/host.mk forces it), so the
# command line's value is taken here, before that.
RUN_BIN   := $(if $(filter command line,$(origin BIN)),$(BIN))
SANITIZE  ?=

include mk/toolchain.mk
include mk/host.mk
include mk/gen.mk
include os/os.mk
-include os/user/user.mk
-include labs/grade/grade.mk
-include debugger/debugger.mk
-include labs/labs.mk
-include os/linux-abi/linux-abi.mk
include mk/tests.mk
include mk/run.mk
include mk/bench.mk
-include mk/newcomer.mk

all: $(KERNEL) $(INITRAMFS) $(HOST_TOOLS)

## deps             install every Debian package the project uses
deps:
	@scripts/deps kernel qemu host debug test tools

clean:
	rm -rf $(BUILD) compile_commands.json

compile_commands.json: FORCE
	bear --output $@ -- $(MAKE) -B all

help:
	@sed -n 's/^#   //p' Makefile; sed -n 's/^## //p' $(MAKEFILE_LIST) | sort

.PHONY: all clean help deps FORCE
FORCE:
