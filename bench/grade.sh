#!/usr/bin/env bash
# ringgrade's speed, figures only (make bench, make bench-grade):
#   - time to grade one definition: the kernel's own groups (each in its own
#     QEMU), lab 1 when it exists, and the self-test lab (no QEMU), build
#     included and with --no-build;
#   - submissions per minute in batch mode: the self-test lab, the kernel's
#     groups in QEMU (a submission with no files still costs the thin tree,
#     the relink and every boot), lab 1 (the reference solution submitted as
#     a student would, LAB1_SUBS of them, default 40), and every other lab
#     (LAB_SUBS each, default 16), then the worst lab's figure;
#   - the reference's flake rate: every lab's tests FLAKE_RUNS times
#     (default 20; 0 skips it) with --repeat.
# The machine's load average is printed first and last: the figures are
# only comparable at the same load.
# It never fails on timing; it fails only when it cannot run.
#   bench/grade.sh [RINGGRADE]
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${RUNS:-3}
if [ $# -ge 1 ]; then
  ringgrade=$(realpath "$1")
else
  make -s build/bin/ringgrade > /dev/null || exit 1
  ringgrade=$PWD/build/bin/ringgrade
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ringgrade-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
jobs=$(nproc)

batch_rate() { # batch_rate LABEL DEF COUNT SUBMISSION-DIR; sets RATE
  local label=$1 def=$2 count=$3 src=$4 subs out start end
  subs=$work/subs-$RANDOM out=$work/out-$RANDOM
  mkdir -p "$subs"
  for i in $(seq 1 "$count"); do cp -a "$src" "$subs/student$i"; done
  start=$(date +%s%N)
  "$ringgrade" --def "$def" --submissions "$subs" --out "$out" -j "$jobs" > /dev/null 2>&1
  end=$(date +%s%N)
  RATE=$(awk -v a="$start" -v b="$end" -v n="$count" 'BEGIN { printf "%.0f", n * 60 / ((b - a) / 1e9) }')
  awk -v l="$label" -v a="$start" -v b="$end" -v n="$count" \
    'BEGIN { s = (b - a) / 1e9; printf "%-40s %5.0f submissions/min  (%d in %.1f s)\n", l, n * 60 / s, n, s }'
  rm -rf "$subs" "$out"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "ringgrade on $(nproc) cores, -j $jobs; load average $(load)"
# Figures of a tree that does not build would time the compiler's error.
kernel_builds=0
make -s kernel initramfs > "$work/build.log" 2>&1 && kernel_builds=1
if [ $kernel_builds = 1 ]; then
  summarize "kernel.def, build included" "$ringgrade" --def os/tests/kernel.def
  summarize "kernel.def, --no-build" "$ringgrade" --def os/tests/kernel.def --no-build
else
  echo "the kernel does not build (make kernel initramfs): no QEMU figures"
fi
if [ $kernel_builds = 1 ] && [ -f labs/lab1/lab.def ]; then
  summarize "lab 1, build included" "$ringgrade" --lab 1
  summarize "lab 1, --no-build" "$ringgrade" --lab 1 --no-build
fi
summarize "self-test lab (host build, no QEMU)" "$ringgrade" --def labs/grade/tests/lab.def
batch_rate "batch: self-test lab, 30" labs/grade/tests/lab.def 30 labs/grade/tests/hostile/good
mkdir -p "$work/empty"
[ $kernel_builds = 1 ] && batch_rate "batch: kernel.def in QEMU, 6" os/tests/kernel.def 6 "$work/empty"
if [ $kernel_builds = 1 ] && [ -f labs/lab1/lab.def ]; then
  # Submissions of the reference solution (an upload of just the files):
  # starter code would time the tests' timeouts instead of the grader.
  worst_rate= worst_lab=
  for lab in 1 2 3 4 5 6 7; do
    [ -f labs/lab$lab/lab.def ] && [ -d solutions/lab$lab ] || continue
    mkdir -p "$work/reference$lab" && cp solutions/lab$lab/*.c "$work/reference$lab/"
    count=${LAB_SUBS:-16}
    [ $lab = 1 ] && count=${LAB1_SUBS:-40}
    batch_rate "batch: lab $lab in QEMU (reference), $count" labs/lab$lab/lab.def "$count" "$work/reference$lab"
    if [ -z "$worst_rate" ] || [ "$RATE" -lt "$worst_rate" ]; then worst_rate=$RATE worst_lab=$lab; fi
  done
  [ -n "$worst_lab" ] && printf '%-40s %5d submissions/min  (lab %d)\n' "batch: the worst lab" "$worst_rate" "$worst_lab"
  if [ "${FLAKE_RUNS:-20}" != 0 ]; then
    # The reference must pass every run: each failed run is a flake.
    all_runs=0 all_failed=0
    for lab in 1 2 3 4 5 6 7; do
      [ -f labs/lab$lab/lab.def ] || continue
      line=$("$ringgrade" --lab $lab --repeat "${FLAKE_RUNS:-20}" -j "$jobs" 2>/dev/null | grep '^repeat:')
      printf '%-40s %s\n' "flakes: lab $lab, reference" "${line#repeat: }"
      set -- $(sed -E 's/.*; ([0-9]+) of ([0-9]+) runs failed.*/\1 \2/' <<<"$line")
      [ $# = 2 ] && all_failed=$((all_failed + $1)) all_runs=$((all_runs + $2))
    done
    awk -v f="$all_failed" -v n="$all_runs" -v r="${FLAKE_RUNS:-20}" \
      'BEGIN { printf "%-40s %d of %d test runs failed (%.2f%%)\n", "flakes: every lab, " r " repeats", f, n, n ? 100 * f / n : 0 }'
  fi
fi
echo "load average at the end: $(load)"
