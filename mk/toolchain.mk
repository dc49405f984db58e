# The kernel toolchain. An x86_64-elf- cross compiler is preferred when one is
# on PATH; otherwise the host gcc is used when it emits x86-64 ELF. TOOLPREFIX
# overrides both (make TOOLPREFIX=x86_64-linux-gnu-).
ifndef TOOLPREFIX
  ifneq ($(shell command -v x86_64-elf-gcc 2>/dev/null),)
    TOOLPREFIX := x86_64-elf-
  else ifneq ($(filter x86_64-%,$(shell gcc -dumpmachine 2>/dev/null)),)
    TOOLPREFIX :=
  else
    $(error no x86-64 ELF compiler: install an x86_64-elf- cross gcc or set TOOLPREFIX)
  endif
endif

KCC      := $(TOOLPREFIX)gcc
KLD      := $(TOOLPREFIX)ld
KOBJCOPY := $(TOOLPREFIX)objcopy
KNM      := $(TOOLPREFIX)nm

# Flags shared by the kernel and the user programs it runs.
FREESTANDING := -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
                -fno-omit-frame-pointer -fno-builtin -nostdinc -g -O2 \
                -Wall -Wextra -Werror -std=gnu11 -fno-asynchronous-unwind-tables \
                -fcf-protection=none

KCFLAGS  := $(FREESTANDING) -mno-red-zone -mcmodel=kernel -mgeneral-regs-only \
            -mno-sse -mno-mmx -mno-80387 -fno-strict-aliasing
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments
