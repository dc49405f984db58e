#!/usr/bin/env bash
# ringdb's speed, figures only (make bench):
#  - time per stepi with every panel of a 200x60 screen redrawn, against
#    GDB's bare stepi on the same kernel from the same point (ratio);
#  - RSP round trips per step;
#  - one full-screen redraw at 200x60 at a stop.
# Each run boots its own QEMU through scripts/ringside-qemu.
set -u
cd "$(dirname "$0")/.."
make -s build/bin/ringdb kernel initramfs >/dev/null || exit 1
steps=${STEPS:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ms() { date +%s%N | sed 's/......$//'; }

ringdb_batch() { # FILE: run ringdb on it, print the wall time in ms
  local t0 t1
  t0=$(ms)
  build/bin/ringdb --kernel build/kernel.elf --append init=/bin/fastpath --timeout 120 \
    --log-rsp "$work/rsp.log" --batch "$1" >/dev/null 2>&1
  t1=$(ms)
  echo $((t1 - t0))
}

echo "syscall getpid" > "$work/base"
{ echo "syscall getpid"; for ((i = 0; i < steps; i++)); do echo "stepi"; echo "screen /dev/null 200x60"; done; } > "$work/steps"
{ echo "syscall getpid"; for ((i = 0; i < 200; i++)); do echo "screen /dev/null 200x60"; done; } > "$work/draw"

base=$(ringdb_batch "$work/base")
base_packets=$(grep -c '^> ' "$work/rsp.log")
with_steps=$(ringdb_batch "$work/steps")
step_packets=$(( $(grep -c '^> ' "$work/rsp.log") - base_packets ))
with_draw=$(ringdb_batch "$work/draw")
draw_packets=$(( $(grep -c '^> ' "$work/rsp.log") - base_packets ))

# GDB: the same first getpid entry, then bare stepi.
port=$(( 29000 + $$ % 2000 ))   # a per-run port; the gdbstub fails loudly if it is taken
gdb_run() { # STEPS
  scripts/ringside-qemu --append init=/bin/fastpath --gdb "$port" --timeout 300 >/dev/null 2>&1 &
  local launcher=$! t0 t1
  sleep 0.5
  t0=$(ms)
  RINGSIDE_GDB_PORT=$port gdb -nx -batch -x .gdbinit -ex "tbreak sys_getpid" -ex "continue" \
    -ex "python [gdb.execute('stepi', to_string=True) for _ in range($1)]" -ex "detach" >/dev/null 2>&1
  t1=$(ms)
  wait "$launcher" 2>/dev/null
  echo $((t1 - t0))
}
gdb_base=$(gdb_run 0)
gdb_steps=$(gdb_run "$steps")

awk -v s="$steps" -v b="$base" -v w="$with_steps" -v d="$with_draw" -v p="$step_packets" -v dp="$draw_packets" \
    -v gb="$gdb_base" -v gs="$gdb_steps" 'BEGIN {
  r = (w - b) / s; g = (gs - gb) / s
  printf "%-48s %8.3f ms\n", "ringdb stepi + 200x60 redraw of every panel", r
  printf "%-48s %8.3f ms\n", "gdb bare stepi (same kernel, QEMU)", g
  printf "%-48s %8.2f (goal <= 1.0)\n", "ratio ringdb / gdb", (g > 0 ? r / g : 0)
  printf "%-48s %8.1f\n", "RSP requests per step (with the redraw)", p / s
  printf "%-48s %8.3f ms (%.1f requests)\n", "one full redraw at 200x60", (d - b) / 200, dp / 200
}'
