#!/usr/bin/env python3
"""Chapter 4 in QEMU: isolation (kernel addresses, guard page, same VA),
mmap/munmap/sbrk and their error cases, user pointers across pages, frame
balance, the W^X line; earlier chapters' programs; malformed ELF files.
Checks named 'exercise' depend on the chapter's exercise solutions."""

import glob
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import boot, check, check_line, done, nearest, sh, tree  # noqa: E402
from slice import counters_alone, half_slice  # noqa: E402

CH = 4
KILL = re.compile(r"^\[kernel\] PageFault in application, bad addr = 0x([0-9a-f]+), "
                  r"bad instruction = 0x[0-9a-f]+, kernel killed it\.$")


def alone(app):
    """Boot with `app` as the only program, so that every fault line in the
    output is its own: with several programs, preemption interleaves their
    lines and a fault line cannot be told apart. (status, lines)."""
    elf = glob.glob(os.path.join(tree(CH), "build", "apps", f"ch*_{app}.elf"))
    tmp = tempfile.mkdtemp(prefix=f"{app}-")
    try:
        if len(elf) != 1:
            return 1, [f"[test harness] no single build/apps/ch*_{app}.elf: {elf}"]
        shutil.copy(elf[0], os.path.join(tmp, app))
        return boot(CH, APPS=tmp)
    finally:
        shutil.rmtree(tmp)


def killed_alone(name, app, first, addr=None, within=None):
    """`app`, run alone, prints `first`, then is killed with SPEC's line at
    `addr` (or in [within)); nothing else is killed and the run ends."""
    code, lines = alone(app)
    kills = [(k, m) for k, l in enumerate(lines) if (m := KILL.match(l))]
    start = next((k for k, l in enumerate(lines) if l == first), None)
    bad = int(kills[0][1].group(1), 16) if len(kills) == 1 else None
    ok = (code == 0 and start is not None and len(kills) == 1 and kills[0][0] > start and
          (addr is None or bad == addr) and
          (within is None or within[0] <= bad < within[1]) and
          "[kernel] All applications completed!" in lines)
    want = (f"bad addr {addr:#x}" if addr is not None else
            f"bad addr in [{within[0]:#x}, {within[1]:#x})" if within else "")
    if start is None:
        expected, printed = first, nearest(lines, first)
    else:
        expected = f"after '{first}': [kernel] PageFault in application, {want}, ..."
        printed = lines[kills[0][0]] if kills else None
    return check(name, ok, f"run alone: status {code}; expected '{first}', then one fault line, "
                 f"{want}; got {len(kills)} fault lines",
                 lines, want=[first, KILL, "All applications completed!"],
                 expected=expected, printed=printed)


def main():
    code, lines = boot(CH)
    check("ch4: QEMU exits with status 0", code == 0, f"status {code}", lines)
    check("ch4: the run ends with 'All applications completed!'",
          "[kernel] All applications completed!" in lines, "missing", lines,
          want="All applications completed!")

    # W^X, read back from the kernel's own page table.
    m = next((re.match(r"^\[kernel\] kernel space: \.text (\S+), \.rodata (\S+), \.data (\S+)$", l)
              for l in lines if l.startswith("[kernel] kernel space:")), None)
    check("ch4: W^X: .text r-x, .rodata r--, .data rw-",
          m is not None and m.groups() == ("r-x", "r--", "rw-"), str(m and m.groups()), lines,
          want="[kernel] kernel space:")

    # Frame balance: the harness compares the two numbers itself.
    nums = [int(x) for l in lines for x in re.findall(r"^\[kernel\] free frames (?:before the first|after the last) app: (\d+)$", l)]
    check("ch4: free frames after the last app equal those before the first",
          len(nums) == 2 and nums[0] == nums[1] and nums[0] > 0, f"got {nums}", lines,
          want="[kernel] free frames")

    # Isolation. Each faulting program runs alone for its fault line.
    killed_alone("ch4: a load from a kernel address is killed", "kernel_load",
                 "kernel_load: reading 0x80200000", 0x80200000)
    killed_alone("ch4: a store to a kernel address is killed", "kernel_store",
                 "kernel_store: writing 0x80200000", 0x80200000)
    for app in ("kernel_load", "kernel_store", "stack_overflow", "mmap_readonly", "after_munmap"):
        check(f"ch4: {app} does not survive", not any(l.startswith(f"{app}: FAILED") for l in lines),
              "printed FAILED", lines, want=f"{app}: ")
    guard = (1 << 38) - 4096 - 8192 - 4096
    killed_alone("ch4: a stack overflow hits the guard page below the 8 KiB stack", "stack_overflow",
                 "stack_overflow: depth 0", within=(guard, guard + 4096))
    a = next((re.match(r"^same_va A: &data = (0x[0-9a-f]+), data = 1111$", l) for l in lines if l.startswith("same_va A: &")), None)
    b = next((re.match(r"^same_va B: &data = (0x[0-9a-f]+), data = 2222$", l) for l in lines if l.startswith("same_va B: &")), None)
    check("ch4: two apps keep different data at the same virtual address",
          a is not None and b is not None and a.group(1) == b.group(1), f"{a and a.group(0)} / {b and b.group(0)}",
          lines, want="same_va ")
    check("ch4: each app's data survives the other's writes",
          "same_va A: after yielding, data = 1000" in lines and "same_va B: after yielding, data = 2000" in lines,
          "changed or missing", lines, want="same_va ")

    # Exercise 4b: mmap, munmap, sbrk.
    want = {"unaligned start": -1, "prot with extra bits": -1, "prot 0": -1, "two pages rw": 0,
            "zeroed": 0, "written and read back": 79, "overlapping a mapped page": -1,
            "munmap unaligned": -1, "munmap an unmapped page": -1, "munmap the stack": -1,
            "munmap the second page": 0, "first page still there": 7, "munmap it again": -1,
            "munmap the first page": 0, "mmap beyond user space": -1, "mmap absurd length": -1}
    for k, v in want.items():
        check_line(f"ch4 exercise mmap: {k} -> {v}", lines, f"mmap: {k} -> {v}")
    for k in ("break is page-aligned: 1", "grow by 10000 returns the old break: 1",
              "new memory usable: 3", "break moved: 1", "shrink by 10000 -> 0",
              "below the start -> -1", "absurd growth -> -1", "break unchanged: 1"):
        check_line(f"ch4 exercise sbrk: {k}", lines, f"sbrk: {k}")
    killed_alone("ch4 exercise mmap: a store to a read-only mmap page is killed", "mmap_readonly",
                 "mmap_readonly: mmap -> 0, reads 0", 0x10000000)
    killed_alone("ch4 exercise mmap: an access after munmap is killed", "after_munmap",
                 "after_munmap: mmap 0, munmap 0", 0x10000000)

    # User pointers.
    check("ch4 exercise pointers: a write across a page boundary prints whole",
          "cross_page: this line straddles two pages" in lines and
          "cross_page: write returned 42 of 42" in lines, "missing", lines, want="cross_page: ")
    for k, v in (("get_time into the stack", 0), ("get_time into a read-only page", -1),
                 ("get_time into the kernel", -1), ("trace read own byte", 5),
                 ("trace write own byte", 0), ("trace write read-only page", -1),
                 ("trace read kernel", -1), ("trace read unmapped", -1)):
        check_line(f"ch4 exercise pointers: {k} -> {v}", lines, f"pointers: {k} -> {v}")
    check_line("ch4 exercise pointers: trace wrote the byte", lines, "pointers: cell is now 9")

    # Earlier chapters' programs.
    for pat in ("Hello, world from user mode!", "power: all checks passed", "bad_write: good write -> 13",
                "bad_syscall: syscall 9999 -> -1", "bad_syscall: syscall 4294967360 -> -1", "quick: done", "cpu A: part 4 of 4",
                "cpu B: part 4 of 4", "cpu C: part 4 of 4"):
        check(f"ch4: earlier program output '{pat}'", any(l.startswith(pat) for l in lines),
              "missing", lines, want=pat)
    # These earlier programs need get_time and trace, rewritten in exercise 4a.
    for pat in ("sleep: get_time monotonic: yes", "trace: yield count 3", "trace: write count 8"):
        check_line(f"ch4 exercise pointers: earlier program output '{pat}'", lines, pat)
    for what in ("null buffer", "kernel address", "absurd length", "past the stack top", "bad fd"):
        check(f"ch4: bad write with a {what} returns -1", f"bad_write: {what} -> -1" in lines, "missing", lines,
              want=f"bad_write: {what} -> -1")
    # Floating point per task (each program judges its own results).
    for pat in ("fp A: results as when run alone", "fp B: results as when run alone",
                "fp C: results as when run alone", "fp_clean: starts clean"):
        check(f"ch4: '{pat}'", pat in lines, "missing or FAILED", lines, want=pat)
    bad_elf()
    counters_alone(CH)
    half_slice(CH)
    console_paths()
    done()


def console_paths():
    """make CONSOLE=dbcn uses DBCN without probing: OpenSBI 1.1 refuses every
    call, so each falls back to the legacy call after the kernel has turned
    the buffer's address (often on a virtual kernel stack) into a physical
    one. CONSOLE=legacy never tries DBCN. Both must print exactly what the
    default build prints (one program, so the output is deterministic)."""
    tmp = tempfile.mkdtemp(prefix="console4-")
    try:
        shutil.copy(os.path.join(tree(CH), "build", "apps", "ch2_00_hello.elf"), f"{tmp}/hello")
        runs = {c: boot(CH, APPS=tmp, **({"CONSOLE": c} if c else {})) for c in ("", "dbcn", "legacy")}
        base = runs[""][1]
        check("ch4 console: the default build prints the program's line",
              "Hello, world from user mode!" in base and runs[""][0] == 0, f"status {runs[''][0]}", base)
        for c in ("dbcn", "legacy"):
            code, lines = runs[c]
            diff = next((i for i, (a, b) in enumerate(zip(lines, base)) if a != b), None)
            check(f"ch4 console: CONSOLE={c} prints exactly what the default build prints",
                  code == 0 and lines == base,
                  f"status {code}; {len(lines)} vs {len(base)} lines; first difference at line {diff}", lines)
    finally:
        shutil.rmtree(tmp)
        sh("make -s all", cwd=tree(CH))


def bad_elf():
    """Malformed ELF files are refused with a message naming them; the rest run."""
    tmp = tempfile.mkdtemp(prefix="elf4-")
    try:
        hello = open(os.path.join(tree(CH), "build", "apps", "ch2_00_hello.elf"), "rb").read()
        open(f"{tmp}/a_garbage", "wb").write(b"this is not an ELF file at all" * 10)
        open(f"{tmp}/b_truncated", "wb").write(hello[:200])
        bad_machine = bytearray(hello)
        bad_machine[18] = 62  # e_machine = x86-64
        open(f"{tmp}/c_x86", "wb").write(bytes(bad_machine))
        open(f"{tmp}/d_hello", "wb").write(hello)
        # One RWX segment (-N) in the page just below the stack's guard page,
        # so that it ends exactly where the guard begins: it must run. One
        # page higher it lies in the guard page: refused, saying so.
        guard = (1 << 38) - 4096 - 8192 - 4096
        src = os.path.join(os.path.dirname(__file__), "..", "lib", "outside.c")
        for name, base in (("e_at_guard", guard - 4096), ("f_in_guard", guard)):
            code, out = sh(f"riscv64-unknown-elf-gcc -O1 -march=rv64gc -mabi=lp64d -mcmodel=medany "
                           f"-ffreestanding -nostdlib -Wl,-N -Wl,-Ttext={base:#x} -o {tmp}/{name} {src}")
            check(f"ch4: test program {name} links", code == 0, out, out.splitlines())
        code, lines = boot(CH, APPS=tmp)
        for name in ("a_garbage", "b_truncated", "c_x86"):
            check(f"ch4: malformed ELF {name} is refused with a message naming it",
                  any(re.match(rf"^\[kernel\] app {name} refused: \S", l) for l in lines), "no such line", lines,
                  want=re.compile(rf"^\[kernel\] app {name} refused: \S"))
        check("ch4: an ELF whose last segment ends exactly at the guard page runs",
              "outside: 5050" in lines and "[kernel] Application exited with code 17" in lines and
              not any(l.startswith("[kernel] app e_at_guard refused") for l in lines), "refused or silent", lines, want="e_at_guard")
        check("ch4: an ELF with a segment in the guard page is refused for that reason",
              "[kernel] app f_in_guard refused: a segment reaches into the user stack's guard page or above it"
              in lines, "no such line", lines, want="f_in_guard")
        check("ch4: the program after malformed ones still runs",
              "Hello, world from user mode!" in lines and code == 0, f"status {code}", lines,
              want="Hello, world from user mode!")
    finally:
        shutil.rmtree(tmp)
        sh("make -s all", cwd=tree(CH))


main()
