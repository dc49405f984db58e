#!/usr/bin/env bash
# ringgrade's speed, figures only (make bench, make bench-grade):
#   - time to grade one definition: the kernel's own groups (each in its own
#     QEMU), lab 1 when it exists, and the self-test lab (no QEMU), build
#     included and with --no-build;
#   - submissions per minute in batch mode: the self-test lab, the kernel's
#     groups in QEMU (a submission with no files still costs the copy, the
#     incremental build and every boot), and lab 1 when it exists (the
#     reference solution submitted as a student would).
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

batch_rate() { # batch_rate LABEL DEF COUNT SUBMISSION-DIR
  local label=$1 def=$2 count=$3 src=$4 subs out start end
  subs=$work/subs-$RANDOM out=$work/out-$RANDOM
  mkdir -p "$subs"
  for i in $(seq 1 "$count"); do cp -a "$src" "$subs/student$i"; done
  start=$(date +%s%N)
  "$ringgrade" --def "$def" --submissions "$subs" --out "$out" -j "$jobs" > /dev/null 2>&1
  end=$(date +%s%N)
  awk -v l="$label" -v a="$start" -v b="$end" -v n="$count" \
    'BEGIN { s = (b - a) / 1e9; printf "%-40s %5.0f submissions/min  (%d in %.1f s)\n", l, n * 60 / s, n, s }'
}

echo "ringgrade on $(nproc) cores, -j $jobs"
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
  mkdir -p "$work/reference1" && cp solutions/lab1/*.c "$work/reference1/"
  batch_rate "batch: lab 1 in QEMU (reference), 10" labs/lab1/lab.def 10 "$work/reference1"
fi
