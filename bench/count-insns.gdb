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
path = set()
while True:
    gdb.execute("stepi", to_string=True)
    n += 1
    pc = int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff
    if pc < 0x800000000000:
        break
    f = gdb.selected_frame().name()
    if f:
        path.add(f)
print("RESULT instructions=%d" % n)
print("RESULT functions=%s" % ",".join(sorted(path)))
end
kill
quit
