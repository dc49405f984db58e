# Counts the guest instructions one syscall executes in the kernel, from
# entry_SYSCALL_64 (or entry_INT80_compat) to the first user instruction
# after it, by single-stepping in GDB. Used by bench/syscall.sh; expects the
# convenience variables $nr (syscall number) and $entry (entry symbol name)
# to be set, and a QEMU gdbstub at $port.
set pagination off
set confirm off
python
import gdb
nr = int(gdb.parse_and_eval("$nr"))
entry = str(gdb.parse_and_eval("$entry")).strip('"')
gdb.execute("hbreak %s if $rax == %d" % (entry, nr), to_string=True)
gdb.execute("continue", to_string=True)
gdb.execute("delete", to_string=True)
n = 0
per_function = {}
while True:
    f = gdb.selected_frame().name() or "?"
    per_function[f] = per_function.get(f, 0) + 1
    gdb.execute("stepi", to_string=True)
    n += 1
    pc = int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff
    if pc < 0x800000000000:
        break
print("RESULT instructions=%d" % n)
print("RESULT functions=%s" % ",".join(sorted(per_function)))
# Instructions executed in each function (the pc before each step),
# e.g. "do_syscall_64:21,sys_getpid:3,entry_SYSCALL_64:..."
print("RESULT per_function=%s" % ",".join("%s:%d" % kv for kv in sorted(per_function.items())))
end
kill
quit
