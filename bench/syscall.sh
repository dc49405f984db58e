#!/usr/bin/env bash
# Null-syscall cost: getpid on the fast path and on the slow path (one work
# flag at a time), through `syscall` and `int $0x80`.
#  - guest instructions per call, by single-stepping one call in GDB from the
#    entry symbol to the first user instruction after it (exact);
#  - guest TSC cycles per call measured in the guest by /bin/nullsys over many
#    calls (TCG's TSC follows host time, so these are noisy; figures only).
set -eu
cd "$(dirname "$0")/.."
make -s kernel initramfs >/dev/null
port=$(( 27000 + $$ % 2000 ))

count() {   # count LABEL NR ENTRY APPEND [PROG]
  local label=$1 nr=$2 entry=$3 append=$4 prog=${5:-fastpath}
  scripts/ringside-qemu --gdb "$port" --timeout 120 --append "init=/bin/$prog quiet $append" >/dev/null 2>&1 &
  local qpid=$!
  sleep 0.5
  local out
  out=$(gdb -q -nx -batch -ex "set \$nr = $nr" -ex "set \$entry = \"$entry\"" \
        -ex "set architecture i386:x86-64" -ex "file build/kernel.elf" \
        -ex "target remote localhost:$port" -x bench/count-insns.gdb 2>/dev/null | grep '^RESULT' || true)
  kill $qpid 2>/dev/null || true; wait $qpid 2>/dev/null || true
  printf '%-44s %s\n' "$label" "$(sed -n 's/RESULT instructions=//p' <<<"$out") instructions"
}

echo "getpid, guest instructions from kernel entry to the first user instruction:"
count "syscall, fast path (no work flag)"        39 entry_SYSCALL_64 ""
count "syscall, slow path (TIF_NOHZ: nohz_full)"  39 entry_SYSCALL_64 "nohz_full"
count "syscall, slow path (TIF_SYSCALL_AUDIT)"    39 entry_SYSCALL_64 "audit=1"
count "int \$0x80 (i386 getpid = 20)"            20 entry_INT80_compat "" int80test

if [ -x build/user/bin/nullsys ]; then
  echo
  echo "getpid in a loop, guest TSC cycles per call (/bin/nullsys, 100000 calls):"
  for mode in syscall int80; do
    for append in "" "nohz_full" "audit=1"; do
      out=$(scripts/ringside-qemu --timeout 120 --append "init=/bin/nullsys quiet $append -- 100000 $mode" 2>/dev/null | grep -o 'cycles_per_call=[0-9.]*' || true)
      printf '%-44s %s\n' "$mode ${append:-(fast path)}" "${out:-n/a}"
    done
  done
fi
