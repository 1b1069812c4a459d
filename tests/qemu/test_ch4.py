#!/usr/bin/env python3
"""Chapter 4 in QEMU: isolation (kernel addresses, guard page, same VA),
mmap/munmap/sbrk and their error cases, user pointers across pages, frame
balance, the W^X line; earlier chapters' programs; malformed ELF files.
Checks named 'exercise' depend on the chapter's exercise solutions."""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import boot, check, check_line, done, nearest, sh, tree  # noqa: E402

CH = 4
KILL = re.compile(r"^\[kernel\] PageFault in application, bad addr = 0x([0-9a-f]+), "
                  r"bad instruction = 0x[0-9a-f]+, kernel killed it\.$")


def after(lines, first, pat):
    """The first line matching pat after the first line starting with `first`."""
    i = next((k for k, l in enumerate(lines) if l.startswith(first)), None)
    if i is None:
        return None
    rx = re.compile(pat)
    return next((l for l in lines[i + 1:] if rx.search(l)), None)


def killed_at(lines, app, addr):
    line = after(lines, f"{app}: ", r"^\[kernel\] PageFault in application")
    m = KILL.match(line) if line else None
    return m is not None and (addr is None or int(m.group(1), 16) == addr)


def killed_after(name, lines, app, first, addr):
    """`first` is printed, then app is killed by a page fault at addr; a
    failure shows the line expected and the one printed in its place."""
    if first not in lines:
        return check(name, False, "", lines, expected=first, printed=nearest(lines, first))
    line = after(lines, f"{app}: ", r"^\[kernel\] PageFault in application")
    return check(name, killed_at(lines, app, addr), "", lines,
                 expected=f"[kernel] PageFault in application, bad addr = {addr:#018x}, ... (after {app}'s lines)",
                 printed=line)


def main():
    code, lines = boot(CH, timeout=240)
    check("ch4: QEMU exits with status 0", code == 0, f"status {code}", lines)
    check("ch4: the run ends with 'All applications completed!'",
          "[kernel] All applications completed!" in lines, "missing", lines)

    # W^X, read back from the kernel's own page table.
    m = next((re.match(r"^\[kernel\] kernel space: \.text (\S+), \.rodata (\S+), \.data (\S+)$", l)
              for l in lines if l.startswith("[kernel] kernel space:")), None)
    check("ch4: W^X: .text r-x, .rodata r--, .data rw-",
          m is not None and m.groups() == ("r-x", "r--", "rw-"), str(m and m.groups()), lines)

    # Frame balance: the harness compares the two numbers itself.
    nums = [int(x) for l in lines for x in re.findall(r"^\[kernel\] free frames (?:before the first|after the last) app: (\d+)$", l)]
    check("ch4: free frames after the last app equal those before the first",
          len(nums) == 2 and nums[0] == nums[1] and nums[0] > 0, f"got {nums}", lines)

    # Isolation.
    check("ch4: a load from a kernel address is killed", killed_at(lines, "kernel_load", 0x80200000), "", lines)
    check("ch4: a store to a kernel address is killed", killed_at(lines, "kernel_store", 0x80200000), "", lines)
    for app in ("kernel_load", "kernel_store", "stack_overflow", "mmap_readonly", "after_munmap"):
        check(f"ch4: {app} does not survive", not any(l.startswith(f"{app}: FAILED") for l in lines),
              "printed FAILED", lines)
    # Other programs' kill lines may come in between, so look for the fault
    # in the guard page itself, after the recursion started.
    guard = (1 << 38) - 4096 - 8192 - 4096
    start = next((k for k, l in enumerate(lines) if l.startswith("stack_overflow: depth 0")), None)
    hits = [l for l in lines[(start or 0):] if (m := KILL.match(l)) and guard <= int(m.group(1), 16) < guard + 4096]
    check("ch4: a stack overflow hits the guard page below the 8 KiB stack",
          start is not None and len(hits) == 1, f"{len(hits)} faults in the guard page at {guard:#x}", lines)
    a = next((re.match(r"^same_va A: &data = (0x[0-9a-f]+), data = 1111$", l) for l in lines if l.startswith("same_va A: &")), None)
    b = next((re.match(r"^same_va B: &data = (0x[0-9a-f]+), data = 2222$", l) for l in lines if l.startswith("same_va B: &")), None)
    check("ch4: two apps keep different data at the same virtual address",
          a is not None and b is not None and a.group(1) == b.group(1), f"{a and a.group(0)} / {b and b.group(0)}", lines)
    check("ch4: each app's data survives the other's writes",
          "same_va A: after yielding, data = 1000" in lines and "same_va B: after yielding, data = 2000" in lines,
          "changed or missing", lines)

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
    killed_after("ch4 exercise mmap: a store to a read-only mmap page is killed", lines,
                 "mmap_readonly", "mmap_readonly: mmap -> 0, reads 0", 0x10000000)
    killed_after("ch4 exercise mmap: an access after munmap is killed", lines,
                 "after_munmap", "after_munmap: mmap 0, munmap 0", 0x10000000)

    # User pointers.
    check("ch4 exercise pointers: a write across a page boundary prints whole",
          "cross_page: this line straddles two pages" in lines and
          "cross_page: write returned 42 of 42" in lines, "missing", lines)
    for k, v in (("get_time into the stack", 0), ("get_time into a read-only page", -1),
                 ("get_time into the kernel", -1), ("trace read own byte", 5),
                 ("trace write own byte", 0), ("trace write read-only page", -1),
                 ("trace read kernel", -1), ("trace read unmapped", -1)):
        check_line(f"ch4 exercise pointers: {k} -> {v}", lines, f"pointers: {k} -> {v}")
    check_line("ch4 exercise pointers: trace wrote the byte", lines, "pointers: cell is now 9")

    # Earlier chapters' programs.
    for pat in ("Hello, world from user mode!", "power: all checks passed", "bad_write: good write -> 13",
                "bad_syscall: syscall 9999 -> -1", "quick: done", "cpu A: part 4 of 4",
                "cpu B: part 4 of 4", "cpu C: part 4 of 4"):
        check(f"ch4: earlier program output '{pat}'", any(l.startswith(pat) for l in lines),
              "missing", lines)
    # These earlier programs need get_time and trace, rewritten in exercise 4a.
    for pat in ("sleep: get_time monotonic: yes", "trace: yield count 3", "trace: write count 8"):
        check_line(f"ch4 exercise pointers: earlier program output '{pat}'", lines, pat)
    for what in ("null buffer", "kernel address", "absurd length", "past the stack top", "bad fd"):
        check(f"ch4: bad write with a {what} returns -1", f"bad_write: {what} -> -1" in lines, "missing", lines)
    bad_elf()
    done()


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
        code, lines = boot(CH, APPS=tmp)
        for name in ("a_garbage", "b_truncated", "c_x86"):
            check(f"ch4: malformed ELF {name} is refused with a message naming it",
                  any(re.match(rf"^\[kernel\] app {name} refused: \S", l) for l in lines), "no such line", lines)
        check("ch4: the program after malformed ones still runs",
              "Hello, world from user mode!" in lines and code == 0, f"status {code}", lines)
    finally:
        shutil.rmtree(tmp)
        sh("make -s all", cwd=tree(CH))


main()
