#!/usr/bin/env bash
# Null-syscall cost: getpid on the fast path and on the slow path (one work
# flag at a time, and seccomp filters of 1, 10 and 100 instructions), through
# `syscall` and `int $0x80`:
#  - guest instructions per call, by single-stepping one call in GDB from the
#    entry symbol to the first user instruction after it (exact);
#  - guest cycles per call measured by /bin/nullsys over many calls with
#    rdtsc, run twice: as QEMU's TSC (host time, noisy) and under -icount,
#    where the TSC advances once per instruction (so "cycles" = instructions,
#    loop overhead subtracted);
#  - guest instructions of one context switch between two user tasks
#    (bench/count-switch.gdb: switch_to through __switch_to_asm, the FPU
#    save and load included), for the cost of the eager x87/SSE switch.
# Figures only: nothing here can fail on timing.
set -eu
cd "$(dirname "$0")/.."
make -s kernel initramfs >/dev/null
port=$(( 27000 + $$ % 2000 ))

count() {   # count LABEL NR ENTRY APPEND PROG [ARGS...]; LAST_SPLIT = per function
  local label=$1 nr=$2 entry=$3 append=$4 prog=$5; shift 5
  scripts/ringside-qemu --gdb "$port" --timeout 120 --append "init=/bin/$prog quiet $append -- $*" >/dev/null 2>&1 &
  local qpid=$!
  sleep 0.5
  local out
  out=$(gdb -q -nx -batch -ex "set \$nr = $nr" -ex "set \$entry = \"$entry\"" \
        -ex "set architecture i386:x86-64" -ex "file build/kernel.elf" \
        -ex "target remote localhost:$port" -x bench/count-insns.gdb 2>/dev/null | grep '^RESULT' || true)
  kill $qpid 2>/dev/null || true; wait $qpid 2>/dev/null || true
  LAST_COUNT=$(sed -n 's/RESULT instructions=//p' <<<"$out")
  LAST_SPLIT=$(sed -n 's/RESULT per_function=//p' <<<"$out")
  printf '  %-46s %5s\n' "$label" "$LAST_COUNT"
}

# The fast path beside Linux 4.3's: its entry_64.S runs 42 instructions
# around the handler (26 up to `call *sys_call_table`, 16 after, counted by
# hand from the source), so Linux's null syscall is 42 + sys_getpid. Ours
# splits into the entry assembly and the C it calls (do_syscall_64, lab 1's
# dispatcher, and the handler); docs/architecture.md ("The null syscall's
# budget") says what each part holds.
fast_path_beside_linux() {
  [ -n "$LAST_COUNT" ] || return 0
  local c_code
  # entry_64.S's symbols on this path; everything else is C (do_syscall_64,
  # sys_getpid and the get_current it calls).
  c_code=$(tr ',' '\n' <<<"$LAST_SPLIT" | awk -F: '$1 !~ /^(entry_SYSCALL_64|syscall_return_via_sysret)/ { n += $2 } END { print n + 0 }')
  printf '    %-44s %5s\n' "of which entry_64.S" "$((LAST_COUNT - c_code))"
  printf '    %-44s %5s\n' "of which do_syscall_64 + sys_getpid (C)" "$c_code"
  printf '    %-44s %5s\n' "Linux 4.3: entry_64.S (+ its sys_getpid)" "42"
  printf '    %-44s %5s\n' "goal, handler included" "<= 60"
  printf '    %-44s %5s\n' "goal met" "$([ "$LAST_COUNT" -le 60 ] && echo yes || echo no)"
}

echo "getpid: guest instructions from kernel entry back to user mode (GDB single-step)"
count "syscall, fast path (no work flag)"          39 entry_SYSCALL_64 "" fastpath
fast_path_beside_linux
count "syscall, slow path: TIF_NOHZ (nohz_full)"    39 entry_SYSCALL_64 "nohz_full" fastpath
count "syscall, slow path: TIF_SYSCALL_AUDIT"       39 entry_SYSCALL_64 "" nullsys 1 syscall audit
count "syscall, slow path: TIF_SYSCALL_TRACEPOINT"  39 entry_SYSCALL_64 "" nullsys 1 syscall tracepoint
count "syscall, slow path: TIF_SECCOMP (1 insn)"    39 entry_SYSCALL_64 "" nullsys 1 syscall seccomp:1
count "syscall, slow path: TIF_SECCOMP (10 insns)"  39 entry_SYSCALL_64 "" nullsys 1 syscall seccomp:10
count "syscall, slow path: TIF_SECCOMP (100 insns)" 39 entry_SYSCALL_64 "" nullsys 1 syscall seccomp:100
count "int \$0x80 (i386 getpid = 20)"              20 entry_INT80_compat "" nullsys 1 int80

echo
echo "getpid in a loop of 20000 (/bin/nullsys): cycles per call; -icount: instructions per call"
for mode in "syscall" "syscall audit" "syscall tracepoint" "syscall seccomp:1" \
            "syscall seccomp:10" "syscall seccomp:100" "int80"; do
  tsc=$(scripts/ringside-qemu --timeout 120 --append "init=/bin/nullsys quiet -- 20000 $mode" 2>/dev/null \
        | sed -n 's/.*cycles_per_call=\([0-9.]*\).*/\1/p')
  ins=$(scripts/ringside-qemu --icount --timeout 300 --append "init=/bin/nullsys quiet -- 20000 $mode" 2>/dev/null \
        | sed -n 's/.*cycles_per_call=\([0-9.]*\).*/\1/p')
  printf '  %-26s TSC cycles %8s   instructions (icount) %8s\n' "$mode" "${tsc:-n/a}" "${ins:-n/a}"
done

echo
echo "context switch between two user tasks: guest instructions from switch_to to schedule (GDB single-step)"
scripts/ringside-qemu --gdb "$port" --timeout 120 --append "init=/bin/preempt quiet" >/dev/null 2>&1 &
qpid=$!
sleep 0.5
out=$(gdb -q -nx -batch -ex "set architecture i386:x86-64" -ex "file build/kernel.elf" \
      -ex "target remote localhost:$port" -x bench/count-switch.gdb 2>/dev/null | grep '^RESULT' || true)
kill $qpid 2>/dev/null || true; wait $qpid 2>/dev/null || true
printf '  %-46s %5s\n' "switch_to + __switch_to_asm (preempt)" "$(sed -n 's/RESULT instructions=\([0-9]*\).*/\1/p' <<<"$out")"
