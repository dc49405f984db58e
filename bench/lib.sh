# Shared helpers for the benchmark scripts: run a command N times and print
# the median, minimum and maximum wall time in milliseconds.
runs=${RUNS:-7}

time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

# summarize LABEL COMMAND...: prints "LABEL  median X ms (min Y, max Z, N runs)"
summarize() {
  local label=$1; shift
  local samples=() i
  "$@" >/dev/null 2>&1   # warm-up: page cache, first QEMU start
  for ((i = 0; i < runs; i++)); do samples+=("$(time_ms "$@")"); done
  local sorted
  sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
  local median min max
  median=$(sed -n "$(( (runs + 1) / 2 ))p" <<<"$sorted")
  min=$(head -n1 <<<"$sorted"); max=$(tail -n1 <<<"$sorted")
  printf '%-40s median %5d ms  (min %d, max %d, %d runs)\n' "$label" "$median" "$min" "$max" "$runs"
  LAST_MEDIAN=$median
}
