# Counts the guest instructions of one context switch between two user tasks:
# from switch_to() (inlined into schedule(); its first call is
# user_return_switch) in the task that gives up the CPU, through
# __switch_to_asm, to the first instruction back in schedule() (or
# ret_from_fork) in the task that gets it, by single-stepping in GDB. Used by
# bench/syscall.sh; expects a QEMU gdbstub at $port running a program whose
# tasks take turns (preempt).
set pagination off
set confirm off
python
import gdb
def pid(expr):
    return int(gdb.parse_and_eval("((struct task_struct *)%s)->pid" % expr))
gdb.execute("hbreak user_return_switch", to_string=True)
hits = 0
while True:
    gdb.execute("continue", to_string=True)
    # Between two user tasks (prev = rdi, next = rsi), past the first
    # switches (into tasks that start at ret_from_fork).
    if pid("$rdi") > 1 and pid("$rsi") > 1:
        hits += 1
        if hits > 2:
            break
gdb.execute("delete", to_string=True)
n = 0
switched = False
while True:
    gdb.execute("stepi", to_string=True)
    n += 1
    f = gdb.selected_frame().name()
    if f == "__switch_to_asm":
        switched = True
    if switched and f in ("schedule", "ret_from_fork"):
        break
    if n > 100000:
        break
print("RESULT instructions=%d end=%s" % (n, f))
end
kill
quit
