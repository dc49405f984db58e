# Headers generated from the syscall lists (os/kernel/syscalls/*.tbl); the
# kernel, the user programs and ringdb all include them from $(GEN).
GEN := $(BUILD)/gen
SYSCALL_HEADERS := $(GEN)/syscalls_64.h $(GEN)/syscall_nr_64.h $(GEN)/syscalls_32.h $(GEN)/syscall_nr_32.h

$(GEN)/syscalls_64.h $(GEN)/syscall_nr_64.h: os/kernel/syscalls/syscall_64.tbl scripts/gen-syscalls
	scripts/gen-syscalls 64 $< $(GEN)
$(GEN)/syscalls_32.h $(GEN)/syscall_nr_32.h: os/kernel/syscalls/syscall_32.tbl scripts/gen-syscalls
	scripts/gen-syscalls 32 $< $(GEN)
