# make bench: figures only, never a failure. Each script under bench/ prints
# its own table; parts of the project add their scripts to BENCH_SCRIPTS.
BENCH_SCRIPTS += bench/boot.sh bench/syscall.sh

## bench            boot time, syscall costs, grading and debugger speed (figures only)
bench: deps-qemu $(KERNEL) $(INITRAMFS)
	@for b in $(BENCH_SCRIPTS); do echo "=== $$b"; bash $$b || echo "($$b could not finish)"; done
.PHONY: bench
