#!/usr/bin/env bash
# bench/grade.sh RINGGRADE: how fast ringgrade grades, on this machine.
#   - seconds to grade one definition (the kernel's own groups in QEMU, and
#     lab 1 when it exists), build included and with --no-build
#   - submissions per minute in batch mode: the self-test lab (host-built,
#     no QEMU), the kernel's groups in QEMU (a submission with no files: the
#     copy, the incremental build and the boots), and lab 1 when it exists
# It prints figures and never fails on timing; it fails only when it cannot run.
set -u
ringgrade=$(realpath "${1:-build/bin/ringgrade}")
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
work=$(mktemp -d "${TMPDIR:-/tmp}/ringgrade-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
jobs=$(nproc)

seconds() { # seconds COMMAND...: wall time of one run, output discarded
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

batch_rate() { # batch_rate DEF COUNT SUBMISSION-DIR
  local def=$1 count=$2 src=$3 subs=$work/subs-$RANDOM out=$work/out-$RANDOM start end
  mkdir -p "$subs"
  for i in $(seq 1 "$count"); do cp -a "$src" "$subs/student$i"; done
  start=$(date +%s.%N)
  "$ringgrade" --def "$def" --submissions "$subs" --out "$out" -j "$jobs" > /dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" -v n="$count" 'BEGIN { printf "%.0f submissions/min (%d in %.1f s)", n * 60 / (b - a), n, b - a }'
}

echo "ringgrade benchmark: $(nproc) cores, -j $jobs"
printf '%-52s %s s\n' "kernel.def, build included" "$(seconds "$ringgrade" --def os/tests/kernel.def)"
printf '%-52s %s s\n' "kernel.def, --no-build (boot + grade every group)" "$(seconds "$ringgrade" --def os/tests/kernel.def --no-build)"
if [ -f labs/lab1/lab.def ]; then
  printf '%-52s %s s\n' "lab 1, build included" "$(seconds "$ringgrade" --lab 1)"
  printf '%-52s %s s\n' "lab 1, --no-build" "$(seconds "$ringgrade" --lab 1 --no-build)"
fi
printf '%-52s %s s\n' "self-test lab (host build, no QEMU)" "$(seconds "$ringgrade" --def labs/grade/tests/lab.def)"
printf '%-52s %s\n' "batch, self-test lab, 30 submissions" \
  "$(batch_rate labs/grade/tests/lab.def 30 labs/grade/tests/hostile/good)"
mkdir -p "$work/empty"
printf '%-52s %s\n' "batch, kernel.def in QEMU, 5 submissions" "$(batch_rate os/tests/kernel.def 5 "$work/empty")"
if [ -f labs/lab1/lab.def ]; then
  printf '%-52s %s\n' "batch, lab 1 in QEMU, 10 (starter) submissions" "$(batch_rate labs/lab1/lab.def 10 "$work/empty")"
fi
