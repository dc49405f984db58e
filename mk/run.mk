# Booting the kernel: every target goes through scripts/ringside-qemu.

QEMU_LAUNCH := scripts/ringside-qemu
PROG    ?= hello
ARGS    ?=
APPEND  ?=
TIMEOUT ?= 60

deps-qemu:
	@scripts/deps kernel qemu

## qemu             boot to the shell on this terminal (Ctrl-A X quits)
qemu: deps-qemu $(KERNEL) $(INITRAMFS)
	@echo "*** Booting Ringside: Ctrl-A X quits QEMU ***"
	@$(QEMU_LAUNCH) --interactive --append "$(APPEND)"; \
	 status=$$?; [ $$status -eq 0 ] || echo "*** QEMU ended: launcher status $$status ***"

## run              boot with PROG as init (make run PROG=hello ARGS="a b"), or your own
##                  static program (make run BIN=./a.out ARGS=...); exits 0 iff it did
run: deps-qemu $(KERNEL) $(INITRAMFS) $(BIN_INITRAMFS)
	@$(QEMU_LAUNCH) $(run_initrd) --timeout $(TIMEOUT) --append "init=/bin/$(run_prog) quiet $(APPEND) -- $(ARGS)"; \
	 status=$$?; \
	 if [ $$status -ne 0 ]; then echo "*** $(run_prog): launcher status $$status (see scripts/ringside-qemu --help) ***" >&2; exit $$status; fi

.PHONY: qemu run deps-qemu

## fuzz             throw N random syscalls at the kernel (make fuzz N=10000 SEED=7)
N    ?= 10000
SEED ?= 1
fuzz: deps-qemu $(KERNEL) $(INITRAMFS)
	@$(QEMU_LAUNCH) --timeout $$(( 60 + $(N) / 20 )) --append "init=/bin/fuzz quiet -- $(N) $(SEED)"
.PHONY: fuzz
