# Ringside's plain-GDB setup: the facts of ringdb's panels as GDB commands.
#
#   make qemu-gdb          (one terminal: QEMU halted, gdbstub on a printed port)
#   gdb                    (another terminal, in this directory)
#
# GDB only reads a .gdbinit from the current directory when that directory
# is on its auto-load safe-path. Either run `gdb -x .gdbinit`, or allow it
# once in ~/.gdbinit:   add-auto-load-safe-path /path/to/ringside/.gdbinit
#
# Commands defined here (help <command> for each):
#   ptregs        the current task's saved user registers, the syscall decoded;
#                 on the fast path and in phase 1, bx bp r12-r15 "not saved"
#   tif           thread_info->flags by name, and the entry/exit work masks
#   syscall-next  run to the next syscall entry and decode it
#   pipeline      where the CPU is on the syscall path; what the flags decide
# and an unwinder for user signal frames (bt through "<signal handler
# called>"; the interrupt stubs' own CFI lets GDB through them unaided).
#
# RINGSIDE_GDB_PORT overrides the port (default 26000 + uid % 5000, as
# scripts/ringside-qemu --gdb auto); RINGSIDE_NO_CONNECT=1 loads without
# connecting.

# QEMU always sends the 64-bit register layout, even while the multiboot
# kernel still runs in 32-bit mode; GDB must expect it before it reads the
# ELF, or it fails with "Remote 'g' packet reply is too long".
set architecture i386:x86-64
set pagination off
set confirm off
file build/kernel.elf

python
import errno
import os
import re

import gdb


def ringside_read_header(path):
    """#defines of a kernel header, continuation lines joined."""
    defines = {}
    try:
        text = open(path).read()
    except OSError:
        return defines
    text = text.replace("\\\n", " ")
    for line in text.splitlines():
        m = re.match(r"\s*#define\s+(\w+)\s+(.*)", line)
        if m:
            defines[m.group(1)] = re.sub(r"/\*.*?\*/", "", m.group(2)).strip()
    return defines


def ringside_eval(expr, env):
    """Evaluate a C constant expression of the header in Python."""
    expr = re.sub(r"\b(0x[0-9A-Fa-f]+|\d+)[UL]+\b", r"\1", expr)
    try:
        return int(eval(expr, {"__builtins__": {}}, env)) & 0xFFFFFFFF
    except Exception:
        return None


class Ringside:
    """Names and numbers from the kernel's own sources: TIF bits and masks,
    THREAD_SIZE, the syscall lists. Nothing here is retyped."""

    def __init__(self):
        d = ringside_read_header("os/include/asm/thread_info.h")
        env = {}
        for _ in range(3):  # masks refer to each other: settle in passes
            for name, expr in d.items():
                if name not in env:
                    v = ringside_eval(expr, env)
                    if v is not None:
                        env[name] = v
        self.tif = sorted((v, k) for k, v in env.items()
                          if k.startswith("TIF_") and v < 32)
        self.masks = [(m, env[m]) for m in ("_TIF_WORK_SYSCALL_ENTRY", "_TIF_WORK_SYSCALL_EXIT",
                                            "_TIF_ALLWORK_MASK", "EXIT_TO_USERMODE_LOOP_FLAGS") if m in env]
        order = env.get("THREAD_SIZE_ORDER", 2)
        self.thread_size = 4096 << order
        self.ts_compat = env.get("TS_COMPAT", 2)
        self.syscalls = {64: self._table("os/kernel/syscalls/syscall_64.tbl"),
                         32: self._table("os/kernel/syscalls/syscall_32.tbl")}

    @staticmethod
    def _table(path):
        table = {}
        try:
            for line in open(path):
                f = line.split()
                if f and not f[0].startswith("#") and f[0].isdigit():
                    table[int(f[0])] = (f[1], [a.split(":")[1] for a in f[3:]])
        except OSError:
            pass
        return table

    def flag_names(self, flags):
        names = [n for bit, n in self.tif if flags >> bit & 1]
        return "|".join(names) if names else "none"

    @staticmethod
    def result(ret):
        if -4095 <= ret < 0 and -ret in errno.errorcode:
            return "%d (-%s)" % (ret, errno.errorcode[-ret])
        return str(ret)

    def current(self):
        task = gdb.parse_and_eval("cpu_data.current_task")
        if int(task) == 0:
            raise gdb.GdbError("no current task yet (cpu_data.current_task is NULL)")
        stack = int(task["stack"])
        ti = gdb.parse_and_eval("(struct thread_info *)%d" % stack)
        size = int(gdb.parse_and_eval("sizeof(struct pt_regs)"))
        regs = gdb.parse_and_eval("(struct pt_regs *)%d" % (stack + self.thread_size - size))
        return task, ti, regs

    def decode(self, abi, nr, args):
        entry = self.syscalls[abi].get(nr)
        if not entry:
            return "syscall_%d(?)" % nr
        name, argnames = entry
        return "%s(%s)" % (name, ", ".join("%s=%#x" % (a, v) for a, v in zip(argnames, args)))


ringside = Ringside()

ABI_REGS = {64: ("di", "si", "dx", "r10", "r8", "r9"), 32: ("bx", "cx", "dx", "si", "di", "bp")}
STAGES = [
    ("entry_SYSCALL_64", "SYSCALL entry"), ("entry_SYSCALL_64_after_swapgs", "swapgs, stack switch, pt_regs"),
    ("entry_INT80_compat", "int $0x80 entry"), ("entry_SYSCALL_64_fastpath", "fast path"),
    ("entry_SYSCALL_64_slowpath", "slow path"), ("enter_from_user_mode", "context tracking (nohz)"),
    ("syscall_trace_enter_phase1", "phase 1 (nohz, seccomp, audit)"),
    ("syscall_trace_enter_phase2", "phase 2 (ptrace, tracepoint, audit)"),
    ("do_syscall_64", "dispatch (sys_call_table)"), ("do_int80_syscall_32", "dispatch (ia32_sys_call_table)"),
    ("syscall_return_slowpath", "return slow path (exit work)"),
    ("prepare_exit_to_usermode", "prepare_exit_to_usermode"),
    ("syscall_return_via_sysret", "SYSRET"), ("restore_regs_and_iret", "IRET"),
]


EXTRA_REGS = ("r15", "r14", "r13", "r12", "bp", "bx")


def ringside_addr(symbol):
    try:
        return int(gdb.parse_and_eval("(long)&%s" % symbol)) & 0xFFFFFFFFFFFFFFFF
    except gdb.error:
        return None


def ringside_save_done(label):
    """The first instruction after the SAVE_EXTRA_REGS that follows label
    (its `mov %rsp,%rdi`): before it, the six slots are not all written."""
    start = ringside_addr(label)
    if start is None:
        return None
    for insn in gdb.selected_inferior().architecture().disassemble(start, count=12):
        if re.match(r"mov\s+%rsp,%rdi", insn["asm"]):
            return insn["addr"]
    return None


def ringside_frame_partial(regs):
    """Linux 4.3's partial frame, as ringdb's pt_regs panel shows it: on the
    SYSCALL fast path and in phase 1, bx bp r12-r15 have slots in pt_regs but
    no values. Returns None (the frame is complete, or not a syscall's), or
    "phase1" / "fast". Decided from the pc, and in C code from the return
    address the entry code's last call left just below pt_regs."""
    pc = int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF
    if int(gdb.parse_and_eval("$cs")) & 3:
        return None
    a = {n: ringside_addr(n) for n in ("entry_SYSCALL_64", "entry_SYSCALL_64_fastpath", "syscall_return_via_sysret",
                                       "entry_SYSCALL_64_slowpath", "tracesys_phase2")}
    if None in a.values():
        return None
    if a["entry_SYSCALL_64"] <= pc < a["syscall_return_via_sysret"]:
        return "fast"                      # the entry and the fast path's own code
    if a["entry_SYSCALL_64_slowpath"] <= pc < a["tracesys_phase2"]:
        return "phase1"
    for label in ("stub_full_frame", "tracesys_phase2", "int_ret_from_sys_call_irqs_off"):
        start, done = ringside_addr(label), ringside_save_done(label)
        if start is not None and done is not None and start <= pc < done:
            return "fast"                  # SAVE_EXTRA_REGS still running
    ret = int(gdb.parse_and_eval("*(unsigned long *)%d" % (int(regs) - 8))) & 0xFFFFFFFFFFFFFFFF
    if ret == ringside_addr("stub_full_frame"):
        return "fast"                      # stub_ptregs_64 sent a fast-path call there
    if a["entry_SYSCALL_64_fastpath"] < ret <= a["syscall_return_via_sysret"]:
        return "fast"                      # called from the fast path's dispatch
    if a["entry_SYSCALL_64_slowpath"] < ret <= a["tracesys_phase2"]:
        return "phase1"                    # called by phase 1
    return None


class PtRegs(gdb.Command):
    """Print the current task's pt_regs with the syscall decoded (as ringdb's pt_regs panel).

On the SYSCALL fast path and in phase 1 the frame is partial (Linux 4.3):
bx, bp and r12-r15 have slots but no values; they are shown as
"not saved: live in rbx=..." with the CPU's values."""

    def __init__(self):
        super().__init__("ptregs", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        task, ti, regs = ringside.current()
        print("pid %d (%s)  pt_regs at %#x" % (int(task["pid"]), task["comm"].string(), int(regs)))
        partial = ringside_frame_partial(regs)
        if partial:
            print("partial pt_regs: bx bp r12-r15 not saved, live in the CPU")
            print(" phase 1 runs on it: only orig_ax, ax and the arguments are real (the seed's NB)"
                  if partial == "phase1" else
                  " C code keeps them; SAVE_EXTRA_REGS fills them for phase 2 or the slow exit")
        # i386 while the call runs (TS_COMPAT), and for a frame made in
        # compatibility mode (cs = __USER32_CS, 0x23: an i386 task) after it.
        abi = 32 if int(ti["status"]) & ringside.ts_compat or int(regs["cs"]) == 0x23 else 64
        nr = int(regs["orig_ax"].cast(gdb.lookup_type("long")))
        args = [int(regs[r]) & (0xFFFFFFFF if abi == 32 else ~0) for r in ABI_REGS[abi]]
        if nr >= 0:
            print("%s %s" % ("int $0x80" if abi == 32 else "syscall", ringside.decode(abi, nr, args)))
        else:
            print("orig_ax %d: not a syscall (interrupt or exception frame)" % nr)
        ax = int(regs["ax"].cast(gdb.lookup_type("long")))
        print("orig_ax %d (the number)  ax %s" % (nr, ringside.result(ax)))
        print("args by ABI: %s" % " ".join(ABI_REGS[abi]))
        for field in regs.type.target().fields():
            off = field.bitpos // 8
            if partial and field.name in EXTRA_REGS:
                cpu = "r" + field.name if field.name in ("bp", "bx") else field.name
                live = int(gdb.parse_and_eval("$" + cpu)) & 0xFFFFFFFFFFFFFFFF
                print("+%-5s %-8s not saved: live in %s=%#x" % ("%#x" % off if off else "0", field.name, cpu, live))
                continue
            print("+%-5s %-8s %#18x" % ("%#x" % off if off else "0", field.name, int(regs[field.name])))


class Tif(gdb.Command):
    """Print thread_info->flags by name and the work masks against them (as ringdb's TIF panel)."""

    def __init__(self):
        super().__init__("tif", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        task, ti, regs = ringside.current()
        flags = int(ti["flags"])
        status = int(ti["status"])
        print("flags %#010x  status %#x%s" % (flags, status, " TS_COMPAT" if status & ringside.ts_compat else ""))
        for bit, name in ringside.tif:
            member = "".join("EXAL"[k] if mask >> bit & 1 else "."
                             for k, (_, mask) in enumerate(ringside.masks))
            print("[%s] %-24s %2d %s" % ("x" if flags >> bit & 1 else " ", name, bit, member))
        for k, (name, mask) in enumerate(ringside.masks):
            hit = flags & mask
            print("%s %-27s & flags = %#x%s" % ("EXAL"[k], name, hit,
                                                 "  (" + ringside.flag_names(hit) + ")" if hit else ""))


class SyscallNext(gdb.Command):
    """Run to the next syscall entry (SYSCALL or int $0x80) and decode it from the live registers."""

    def __init__(self):
        super().__init__("syscall-next", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        bps = [gdb.Breakpoint(sym, internal=True, temporary=True)
               for sym in ("entry_SYSCALL_64", "entry_INT80_compat")]
        gdb.execute("continue", to_string=True)
        for bp in bps:
            if bp.is_valid():
                bp.delete()
        frame = gdb.selected_frame()
        name = frame.name() or "?"
        abi = 32 if name == "entry_INT80_compat" else 64
        regs = ("rdi", "rsi", "rdx", "r10", "r8", "r9") if abi == 64 else ("rbx", "rcx", "rdx", "rsi", "rdi", "rbp")
        vals = [int(frame.read_register(r)) & (0xFFFFFFFF if abi == 32 else ~0) for r in regs]
        nr = int(frame.read_register("rax")) & (0xFFFFFFFF if abi == 32 else ~0)
        print("syscall entry at %s: %s" % (name, ringside.decode(abi, nr, vals)))


class Pipeline(gdb.Command):
    """Where the CPU is on the syscall path and what the TIF flags decide (as ringdb's pipeline panel)."""

    def __init__(self):
        super().__init__("pipeline", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        pc = int(gdb.parse_and_eval("$pc"))
        cs = int(gdb.parse_and_eval("$cs"))
        here = None
        block = gdb.block_for_pc(pc)
        sym = gdb.execute("info symbol %#x" % pc, to_string=True).split()[0] if pc else "?"
        for symbol, label in STAGES:
            try:
                addr = int(gdb.parse_and_eval("(long)&%s" % symbol))
            except gdb.error:
                continue
            mark = "=>" if (cs & 3) == 0 and (addr == pc or symbol == sym) else "  "
            if mark == "=>":
                here = label
            print("%s %s" % (mark, label))
        if cs & 3:
            print("=> user mode")
        elif not here:
            print("   (now in %s)" % (block.function.name if block and block.function else sym))
        try:
            task, ti, regs = ringside.current()
        except gdb.GdbError as e:
            print(e)
            return
        flags = int(ti["flags"])
        masks = dict(ringside.masks)
        entry = flags & masks.get("_TIF_WORK_SYSCALL_ENTRY", 0)
        allwork = flags & masks.get("_TIF_ALLWORK_MASK", 0)
        print("decisions (from the flags now)")
        print(" path: %s (entry work: %s)" % ("slow" if entry else "fast", ringside.flag_names(entry)))
        print(" exit: %s (all work: %s)" % ("slow exit, then SYSRET or IRET" if allwork else "SYSRET",
                                             ringside.flag_names(allwork)))
        stats = gdb.parse_and_eval("cpu_data.stats")
        print(" counters: " + ", ".join("%s %d" % (f.name, int(stats[f.name])) for f in stats.type.fields()))


PtRegs()
Tif()
SyscallNext()
Pipeline()


class RingsideSigtramp(object):
    """A user signal frame, for GDB without a Linux osabi (our target is a
    bare kernel, so GDB's amd64 Linux sigtramp sniffer is not installed):
    the frame whose code is rt_sigreturn's `mov $15,%rax; syscall` (or
    `mov $15,%eax`) returns through an rt_sigframe; its rsp points at the
    ucontext, whose uc_mcontext (at +40) holds the interrupted registers
    (struct sigcontext: r8..r15, di si bp bx dx ax cx sp ip), as ringdb's
    bt reads them (debugger/frames.c)."""
    name = "ringside-sigtramp"
    enabled = True
    FORMS = (b"\x48\xc7\xc0\x0f\x00\x00\x00\x0f\x05", b"\xb8\x0f\x00\x00\x00\x0f\x05")
    ORDER = ("r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rdi", "rsi", "rbp", "rbx",
             "rdx", "rax", "rcx", "rsp", "rip")

    def __call__(self, pending):
        pc = int(pending.read_register("rip"))
        if pc >= 0x800000000000:
            return None
        try:
            code = bytes(gdb.selected_inferior().read_memory(pc - 9, 18))
        except gdb.MemoryError:
            return None
        if not any(code[9 - back:9 - back + len(f)] == f
                   for f in self.FORMS for back in (0, len(f) - 2, len(f))):
            return None
        sp = int(pending.read_register("rsp"))
        u64 = gdb.lookup_type("unsigned long")
        try:
            mc = bytes(gdb.selected_inferior().read_memory(sp + 40, 8 * len(self.ORDER)))
        except gdb.MemoryError:
            return None

        class FrameId(object):
            def __init__(self, sp, pc):
                self.sp, self.pc = sp, pc

        info = pending.create_unwind_info(FrameId(gdb.Value(sp).cast(u64), gdb.Value(pc).cast(u64)))
        for i, reg in enumerate(self.ORDER):
            info.add_saved_register(reg, gdb.Value(int.from_bytes(mc[8 * i:8 * i + 8], "little")).cast(u64))
        return info


try:
    import gdb.unwinder
    gdb.unwinder.register_unwinder(None, RingsideSigtramp(), replace=True)
except (ImportError, RuntimeError) as e:
    print("ringside: no Python unwinder API in this GDB (%s): bt stops at a user signal frame" % e)

if os.environ.get("RINGSIDE_NO_CONNECT") != "1":
    port = os.environ.get("RINGSIDE_GDB_PORT") or str(26000 + os.getuid() % 5000)
    try:
        gdb.execute("target remote localhost:" + port)
    except gdb.error as e:
        print("ringside: cannot reach QEMU on localhost:%s (%s): start it with `make qemu-gdb`" % (port, e))
end
