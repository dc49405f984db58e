#!/usr/bin/env bash
# debugger/test-cmdline against tests/fixture/sample.def; TAP lines for
# tests/run-unit.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tool=$here/../test-cmdline def=$here/fixture/sample.def
n=0
expect() { # NAME WANT-STATUS WANT-OUTPUT ARGS...
  local name=$1 want_status=$2 want=$3; shift 3
  local got status
  got=$("$tool" "$@" 2>/dev/null); status=$?
  n=$((n + 1))
  if [ "$status" = "$want_status" ] && [ "$got" = "$want" ]; then echo "ok $n - $name"
  else echo "not ok $n - $name: got '$got' (status $status), want '$want' (status $want_status)"; fi
}
expect "a program becomes init" 0 "init=/bin/hello" "$def" plain
expect "arguments go after --, continued lines join" 0 "nohz_full audit=1 init=/bin/lab2test -- seccomp data_64" "$def" with-args
expect "run = with nothing runs no program" 0 "ktest=phase1" "$def" kernel-only
expect "an unknown test is an error" 1 "" "$def" nosuch
expect "an unreadable definition is an error" 1 "" /nonexistent.def plain
expect "wrong arguments are a usage error" 2 "" "$def"
expect "--start: a program stops at its first syscall" 0 "syscall" --start "$def" plain
expect "--start: an in-kernel test runs to the lab file's functions" 0 "ktest phase1 labs/lab9/entry.c" --start "$def" kernel-only
expect "--start: ktest= found among other options" 0 "ktest lab9_two labs/lab9/entry.c" --start "$def" ktest-with-args
expect "--start: an unknown test is an error" 1 "" --start "$def" nosuch
