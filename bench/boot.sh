#!/usr/bin/env bash
# Boot time: QEMU booting Ringside until /bin/hello (the first program) has run
# and powered the machine off, against QEMU booting a kernel that exits at its
# first instruction. Prints figures; never fails on timing.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
mkdir -p build/bench
as --32 bench/bare.S -o build/bench/bare.o
ld -m elf_i386 -Ttext 0x100000 -e _start build/bench/bare.o -o build/bench/bare.elf
echo "boot time (QEMU TCG, $(nproc) cores):"
summarize "bare QEMU start (exit at once)" scripts/ringside-qemu --kernel build/bench/bare.elf --timeout 60
bare=$LAST_MEDIAN
summarize "Ringside to init (init=/bin/hello)" scripts/ringside-qemu --timeout 60 --append "init=/bin/hello quiet"
ring=$LAST_MEDIAN
awk -v r="$ring" -v b="$bare" 'BEGIN { printf "ratio Ringside / bare: %.2f (goal <= 1.15)\n", r / b }'
