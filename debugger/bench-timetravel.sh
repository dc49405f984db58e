#!/usr/bin/env bash
# Time travel's costs, figures only (make bench):
#   - recording per lab: a wrong answer (the lab's first mutant that the
#     tests kill, in the student's position) graded as a submission without and with
#     --record-failures (every failing test runs once more, recorded);
#     BENCH_LABS picks the labs (default "1 4");
#   - a recording's time to open: ringdb --replay to where make debug
#     TEST=... stops, against the same start on a live QEMU;
#   - reverse-stepi against stepi in that replay (per step);
#   - reverse-finish 1e3, 1e5 and 1e6 instructions back (spin's loop);
#   - a recording packed as one file (ringgrade --pack): size, and the time
#     to open it and reach goto-failure against the folder;
#   - the Gradescope bundle's cost: run_autograder of lab 1 on a wrong
#     answer and on the starter, without recording, as built, and recording
#     every failure;
#   - record as you go: hello to its end live and recorded (REPLAY=record).
# The load average is printed first and last: figures compare only at the
# same load. It never fails on timing.
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${RUNS:-3}
make -s build/bin/ringdb build/bin/ringgrade build/kernel.elf build/initramfs.cpio > /dev/null || exit 1
ringdb=$PWD/build/bin/ringdb ringgrade=$PWD/build/bin/ringgrade
work=$(mktemp -d "${TMPDIR:-/tmp}/timetravel-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

for lab in ${BENCH_LABS:-1 4}; do
  # The first mutant that fails some test (tried in turn: a graded run each).
  mutant="" sub=$work/sub$lab
  for m in labs/lab$lab/mutants/*/; do
    rm -rf "$sub"; mkdir -p "$sub"
    for f in $(sed -n 's/^files *= *//p' labs/lab$lab/lab.def); do
      mkdir -p "$sub/$(dirname "$f")"; cp "solutions/lab$lab/$(basename "$f")" "$sub/$f" 2>/dev/null
    done
    patch -s -d "$sub" -p1 < "${m}mutant.patch" > /dev/null 2>&1 || continue
    "$ringgrade" --lab "$lab" --submission "$sub" -q > /dev/null 2>&1
    [ $? = 1 ] && { mutant=$m; break; }
  done
  [ -n "$mutant" ] || { echo "lab $lab: no mutant that fails a test"; continue; }
  summarize "lab $lab ($(basename "$mutant")) graded" "$ringgrade" --lab "$lab" --submission "$sub" -q
  plain=$LAST_MEDIAN
  summarize "lab $lab graded, failures recorded" "$ringgrade" --lab "$lab" --submission "$sub" -q \
    --record-failures "$work/rec$lab"
  failing=$(ls "$work/rec$lab" 2>/dev/null | wc -l)
  echo "lab $lab: recording the $failing failing tests costs +$(( (LAST_MEDIAN - plain) * 100 / (plain ? plain : 1) )) % of its grading time ($(du -sh "$work/rec$lab" 2>/dev/null | cut -f1) kept)"
done

# Open a replay where make debug TEST=... stops, against a live start.
rec=$(ls -d "$work"/rec1/*/ 2>/dev/null | head -n 1)
if [ -n "$rec" ]; then
  name=$(basename "$rec")
  start=$(debugger/test-cmdline --start labs/lab1/lab.def "$name")
  append=$(debugger/test-cmdline labs/lab1/lab.def "$name")
  summarize "live: open at '$start'" "$ringdb" --kernel "$rec/kernel.elf" --initrd "$rec/initramfs.cpio" \
    --append "$append" -ex "$start" -ex quit
  summarize "replay: open at '$start'" "$ringdb" --replay "$rec" -ex "$start" -ex quit
  open=$LAST_MEDIAN
  summarize "replay: + stepi 50" "$ringdb" --replay "$rec" -ex "$start" -ex "stepi 50" -ex quit
  echo "stepi in a replay: $(( (LAST_MEDIAN - open) / 50 )) ms a step"
  fwd=$LAST_MEDIAN
  summarize "replay: + stepi 50 + rsi 5 (one at a time)" "$ringdb" --replay "$rec" -ex "$start" -ex "stepi 50" \
    -ex rsi -ex rsi -ex rsi -ex rsi -ex rsi -ex quit
  echo "reverse-stepi in a replay: $(( (LAST_MEDIAN - fwd) / 5 )) ms a step (a fresh replay to the count before)"
  summarize "replay: + stepi 50 + rsi 5 (at once)" "$ringdb" --replay "$rec" -ex "$start" -ex "stepi 50" -ex "rsi 5" -ex quit
  echo "rsi 5: $(( LAST_MEDIAN - fwd )) ms"
  # One file (ringgrade --pack): its size, and a replay opened from it
  # (unpacked into a private folder first) against the folder.
  summarize "ringgrade --pack (one recording)" "$ringgrade" --pack "$rec"
  echo "archive: $(du -k "${rec%/}.tar.gz" | cut -f1) KB, folder: $(du -sk "$rec" | cut -f1) KB"
  summarize "replay from the folder: to goto-failure" "$ringdb" --replay "$rec" -ex "$start" -ex goto-failure -ex quit
  summarize "replay from FILE.tar.gz: to goto-failure" "$ringdb" --replay "${rec%/}.tar.gz" -ex "$start" \
    -ex goto-failure -ex quit
fi

# The Gradescope bundle of lab 1 run as Gradescope would (labs/grade/tests/
# gradescope's layout) on the wrong answer above and on the starter file:
# run_autograder as built (records the first 3 failures), without
# recording, and recording every failure. BENCH_BUNDLE=0 skips it.
if [ "${BENCH_BUNDLE:-1}" != 0 ] && [ -d "$work/sub1" ] && make -s gradescope LAB=1 > /dev/null 2>&1; then
  ag=$work/autograder
  mkdir -p "$ag/source" && unzip -q build/gradescope-lab1.zip -d "$ag/source"
  chmod 711 "$work"
  if AUTOGRADER_ROOT=$ag "$ag/source/setup.sh" > "$work/setup.out" 2>&1; then
    ra=$ag/source/run_autograder
    # without recording: the three options and the --record-note line go
    # (the line before then ends the command)
    sed -e 's/ --record-failures "$recordings" --record-archive --record-max [0-9]* \\$//' \
      -e '/--record-note/d' "$ra" > "$work/run_norec"
    sed -e 's/--record-max [0-9]* /--record-max 0 /' "$ra" > "$work/run_all"
    chmod 755 "$work/run_norec" "$work/run_all"
    mkdir -p "$work/starter/labs/lab1" && cp labs/lab1/dispatch.c "$work/starter/labs/lab1/"
    bundle() { # SCRIPT SUBMISSION
      rm -rf "$ag/submission" "$ag/results" && cp -a "$2" "$ag/submission" && AUTOGRADER_ROOT=$ag "$1"
    }
    for s in sub1 starter; do
      summarize "bundle, $s: no recording" bundle "$work/run_norec" "$work/$s"
      summarize "bundle, $s: as built (3 recorded)" bundle "$ra" "$work/$s"
      echo "  kept: $(ls "$ag/results/recordings" | wc -l) files, $(du -sk "$ag/results/recordings" | cut -f1) KB"
      summarize "bundle, $s: every failure recorded" bundle "$work/run_all" "$work/$s"
      echo "  kept: $(ls "$ag/results/recordings" | wc -l) files, $(du -sk "$ag/results/recordings" | cut -f1) KB"
    done
  else
    echo "bundle: setup.sh failed (see the bench's scratch folder)"
  fi
fi

# reverse-finish out of busy() in spin (os/user/bin/spin.c, about 8
# instructions a loop iteration): 1e3, 1e5 and 1e6 instructions back, by
# breakpoints in windows growing backwards; at 1e3 also by single steps
# (set reverse-scan, the reference). The figures are ringdb's own (`info
# reverse`): the search and the final replay to the call, not the opening.
spinline=$(grep -n 'tt:after-loop ' os/user/bin/spin.c | cut -d: -f1)
for n in 125 12500 125000; do
  "$PWD/scripts/ringside-qemu" --kernel build/kernel.elf --initrd build/initramfs.cpio --record "$work/spin$n.rr" \
    --timeout 120 --append "init=/bin/spin quiet -- $n" > /dev/null 2>&1
  for scan in 0 2000; do
    [ $scan = 0 ] || [ $n = 125 ] || continue
    for r in $(seq "$runs"); do
      "$ringdb" --replay "$work/spin$n.rr" --kernel build/kernel.elf --initrd build/initramfs.cpio \
        --program build/user/bin/spin --timeout 120 -ex "set reverse-scan $scan" -ex "break spin.c:$spinline" \
        -ex continue -ex reverse-finish -ex "info reverse" -ex quit 2>&1 | grep '^last reverse line search'
    done | sed 's/.* \([0-9]*\) ms .*/\1 &/' | sort -n | sed -n "$(( (runs + 1) / 2 ))p" | cut -d' ' -f2- |
      sed "s/^last reverse line search: /reverse-finish out of spin $n (median of $runs): /"
  done
done

# Record as you go: hello from boot to its end.
summarize "live: hello to its end" "$ringdb" --kernel build/kernel.elf --append init=/bin/hello -ex continue -ex quit
plain=$LAST_MEDIAN
summarize "recorded (REPLAY=record): hello to its end" "$ringdb" --kernel build/kernel.elf --append init=/bin/hello \
  --record "$work/live.rr" -ex continue -ex quit
echo "record as you go costs +$(( (LAST_MEDIAN - plain) * 100 / (plain ? plain : 1) )) % on hello"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
