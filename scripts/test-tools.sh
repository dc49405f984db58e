#!/usr/bin/env bash
# The user-space tools, checked by what they print on the console: each case
# boots the kernel with the tool as init and looks for the lines a person
# would look for. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# expect NAME STATUS COMMAND... ::: PATTERN...: boot COMMAND as init; the
# launcher must return STATUS and every (extended) regex must match a line.
expect() {
  local name=$1 want=$2; shift 2
  local cmd=() pats=()
  while [ $# -gt 0 ] && [ "$1" != ::: ]; do cmd+=("$1"); shift; done
  shift
  pats=("$@")
  local prog=${cmd[0]} args=("${cmd[@]:1}")
  # The console ends lines with CR LF (OPOST|ONLCR, as a Linux serial console).
  scripts/ringside-qemu --timeout 60 --append "init=/bin/$prog quiet -- ${args[*]}" 2>&1 | tr -d '\r' >"$out"
  local rc=${PIPESTATUS[0]} ok=1 p
  [ "$rc" = "$want" ] || { echo "# $name: launcher status $rc, expected $want"; ok=0; }
  for p in "${pats[@]}"; do
    if [[ $p == '!'* ]]; then
      grep -Eq -- "${p#!}" "$out" && { echo "# $name: unexpected line matching: ${p#!}"; ok=0; }
    else
      grep -Eq -- "$p" "$out" || { echo "# $name: no line matching: $p"; ok=0; }
    fi
  done
  if [ $ok = 1 ]; then pass=$((pass + 1)); echo "ok $name"
  else fail=$((fail + 1)); echo "not ok $name"; sed 's/^/#   | /' "$out" | tail -n 12; fi
}

expect "hello prints and exits 0" 0 hello ::: '^hello, world$'
expect "strace shows write and exit_group" 0 strace /bin/hello ::: \
  '^execve\("/bin/hello", ' '^write\(1, "hello, world\\n", 13\) = 13$' '^exit_group\(0\) += \?$' '^\+\+\+ exited with 0 \+\+\+$'
expect "strace shows a failing call as -1 ERRNO" 0 strace /bin/seccomp-run --rule getpid=errno:1 -- /bin/argv x ::: \
  'argc=2'
expect "auditctl records write's entry and exit" 0 auditctl -r /bin/hello ::: \
  'type=SYSCALL_ENTRY arch=x86_64 pid=[0-9]+ nr=1\(write\) a0=0x1 ' 'type=SYSCALL_EXIT arch=x86_64 pid=[0-9]+ nr=1\(write\) result=13 success=yes'
expect "tracecat shows sys_enter and sys_exit" 0 tracecat -r /bin/hello ::: \
  '^sys_enter: pid=[0-9]+ nr=1\(write\) args=\(0x1, ' '^sys_exit: pid=[0-9]+ nr=1 ret=13$'
expect "seccomp-run errno:1 on write silences the program" 0 seccomp-run --rule write=errno:1 -- /bin/hello ::: \
  '!hello, world'
expect "seccomp-run kill on write kills with SIGSYS" 159 seccomp-run --rule write=kill -- /bin/hello ::: \
  '!hello, world'

expect "strace -f follows a pipeline's children" 0 strace -f /bin/sh -c '"ls /bin | cat"' ::: \
  '^pipe\(' '^\[pid [0-9]+\] execve\("/bin/ls", ' '^\[pid [0-9]+\] execve\("/bin/cat", ' \
  '^\[pid [0-9]+\] getdents64\(3, ' '^\[pid [0-9]+\] read\(0, "abirun\\n' '^\[pid [0-9]+\] \+\+\+ exited with 0 \+\+\+$'
expect "sh runs a pipeline" 0 sh -c '"echo one two | cat | cat"' ::: '^one two$'
expect "sh: ls /bin | cat lists the programs" 0 sh -c '"ls /bin | cat"' ::: '^hello$' '^cat$' '^sh$'
expect "sh: ; runs on, && stops, \$? is the last status" 1 sh -c '"ls /no/such; echo st=$?; ls /no/such && echo not-shown; echo after; ls /no/such"' ::: \
  '^st=1$' '^after$' '!not-shown' 'ls: /no/such: No such file'
expect "sh: > creates, >> appends, < reads" 0 sh -c '"echo first > /tmp/f; echo second >> /tmp/f; cat < /tmp/f | cat"' ::: '^first$' '^second$'
expect "sh: a redirection from a missing file fails the command" 1 sh -c '"cat < /no/such"' ::: 'sh: /no/such: No such file'
expect "sh: a syntax error is status 2" 2 sh -c '"echo a | | cat"' ::: 'syntax error'
# spin (ringdb's time-travel helper): its usage, a bad N, a short run.
expect "spin --help prints its usage" 0 spin --help ::: '^usage: spin \[N\]$'
expect "spin with a bad N says so, status 2" 2 spin abc ::: "^spin: N must be a positive number, not 'abc'$"
expect "spin 100 runs and prints its result" 0 spin 100 ::: '^spin: -?[0-9]+$'

# The launcher's clock and record/replay (docs/boot.md). result NAME OK-OR-NOT DETAIL
result() {
  if [ "$2" = 1 ]; then pass=$((pass + 1)); echo "ok $1"
  else fail=$((fail + 1)); echo "not ok $1"; echo "# $3"; fi
}
# nullsys times getpid with rdtsc: under the instruction clock the TSC is a
# function of the instruction count, so two runs print the same figure.
a=$(scripts/ringside-qemu --timeout 60 --append "init=/bin/nullsys quiet -- 3000" 2>&1 | grep cycles_per_call)
b=$(scripts/ringside-qemu --timeout 60 --append "init=/bin/nullsys quiet -- 3000" 2>&1 | grep cycles_per_call)
result "launcher: the instruction clock makes two runs alike ($a)" "$([ -n "$a" ] && [ "$a" = "$b" ] && echo 1)" "'$a' then '$b'"
rr=$(mktemp -d)
scripts/ringside-qemu --timeout 60 --record "$rr/r" --append "init=/bin/nullsys quiet -- 3000" > "$rr/rec" 2>&1
rc1=$?
# As on another machine: the kernel and initramfs copied elsewhere.
cp build/kernel.elf "$rr/k.elf"; cp build/initramfs.cpio "$rr/i.cpio"
(cd /tmp && "$OLDPWD/scripts/ringside-qemu" --kernel "$rr/k.elf" --initrd "$rr/i.cpio" \
   --timeout 60 --replay "$rr/r" > "$rr/rep" 2>&1)
rc2=$?
result "launcher: a replay, with the files copied elsewhere, prints what the recording did" \
  "$([ $rc1 = 0 ] && [ $rc2 = 0 ] && grep -q cycles_per_call "$rr/rec" && cmp -s "$rr/rec" "$rr/rep" && echo 1)" \
  "status $rc1/$rc2: $(diff "$rr/rec" "$rr/rep" | head -n 4 | tr '\n' ' ')"
scripts/ringside-qemu --timeout 60 --replay "$rr/r" --append "init=/bin/hello" > "$rr/bad" 2>&1
rc=$?
result "launcher: a replay with another command line is refused" \
  "$([ $rc = 127 ] && grep -q "recorded with kernel command line 'init=/bin/nullsys quiet -- 3000'.*would diverge" "$rr/bad" && echo 1)" \
  "status $rc: $(cat "$rr/bad")"
scripts/ringside-qemu --timeout 60 --replay "$rr/none" > "$rr/bad" 2>&1
rc=$?
result "launcher: replaying a missing recording is an error" \
  "$([ $rc = 127 ] && grep -q "$rr/none not found: not a recording" "$rr/bad" && echo 1)" "status $rc: $(cat "$rr/bad")"
rm -rf "$rr"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
