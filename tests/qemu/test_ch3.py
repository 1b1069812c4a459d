#!/usr/bin/env python3
"""Chapter 3 in QEMU: yield interleaving, preemption of CPU-bound programs,
sleep accuracy, get_time monotonic, exact trace counts, no starvation,
faults stay contained, chapter 2's programs still run; an outside program."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import boot, check, check_line, done, in_order  # noqa: E402

CH = 3


def index(lines, pat, last=False):
    rx = re.compile(pat)
    found = [i for i, l in enumerate(lines) if rx.search(l)]
    if not found:
        return None
    return found[-1] if last else found[0]


def main():
    code, lines = boot(CH, timeout=180)
    check("ch3: QEMU exits with status 0", code == 0, f"status {code}", lines)
    check("ch3: the run ends with 'All applications completed!'",
          any(l == "[kernel] All applications completed!" for l in lines[-3:]), "missing", lines)

    # Cooperative: each yield program prints its steps in order, and their
    # runs overlap (the timer may reorder turns, so no strict A B C order).
    for x in "ABC":
        mine = [l for l in lines if l.startswith(f"yield {x}: ")]
        check(f"ch3: yield {x} prints steps 0..4 in order",
              mine == [f"yield {x}: step {i}" for i in range(5)], f"got {mine}", lines)
    for x, y in (("A", "B"), ("B", "C"), ("A", "C")):
        check(f"ch3: yield {y} starts before yield {x} ends (they interleave)",
              (index(lines, rf"^yield {y}: step 0$") or 10**9) < (index(lines, rf"^yield {x}: step 4$") or -1),
              "no overlap", lines)

    # Preemption: each later CPU-bound program starts before an earlier one ends.
    for early, late in (("A", "B"), ("B", "C"), ("A", "C")):
        first_late = index(lines, rf"^cpu {late}: part 1 of 4")
        last_early = index(lines, rf"^cpu {early}: part 4 of 4")
        check(f"ch3: cpu {late} makes progress before cpu {early} finishes (preemption)",
              first_late is not None and last_early is not None and first_late < last_early,
              f"cpu {late} first at {first_late}, cpu {early} last at {last_early}", lines)
    for x in "ABC":
        check(f"ch3: cpu {x} finishes all four parts", index(lines, rf"^cpu {x}: part 4 of 4") is not None,
              "missing", lines)

    # Sleep within +-20 %, and get_time never goes backwards.
    for ms in (100, 200, 400):
        m = next((re.match(rf"^sleep: asked {ms} ms, slept (\d+) ms$", l) for l in lines
                  if l.startswith(f"sleep: asked {ms} ms")), None)
        check(f"ch3: a {ms} ms sleep lasts {ms} ms +-20%",
              m is not None and 0.8 * ms <= int(m.group(1)) <= 1.2 * ms,
              m.group(0) if m else "no line", lines)
    check("ch3: get_time is monotonic", "sleep: get_time monotonic: yes" in lines, "not yes", lines)

    # trace: exact counts, own memory read/write, refusals.
    expect = {"yield count": "3", "trace count": "2", "get_time count": "0",
              "read own byte": "42", "write own byte": "0, now 7", "bad request": "-1",
              "read address 0": "-1", "write kernel": "-1", "write count": "8"}
    for k, v in expect.items():
        check_line(f"ch3: trace {k} is {v}", lines, f"trace: {k} {v}")

    # No starvation: quick finishes while hog still spins.
    s, q, d = (index(lines, p) for p in (r"^hog: start$", r"^quick: done$", r"^hog: done$"))
    check("ch3: a CPU-bound hog cannot starve a later program",
          None not in (s, q, d) and s < q < d, f"hog start {s}, quick {q}, hog done {d}", lines)

    # Chapter 2's programs keep running, and faults stay contained.
    for pat in (r"^Hello, world from user mode!$", r"^power: all checks passed$",
                r"^bad_write: good write -> 13$", r"^bad_syscall: syscall 9999 -> -1$",
                r"^\[kernel\] unsupported syscall 9999$"):
        check(f"ch3: chapter 2 output /{pat}/ still appears", index(lines, pat) is not None,
              "missing", lines)
    kills = [l for l in lines if l.endswith("kernel killed it.")]
    check("ch3: exactly the four bad programs are killed", len(kills) == 4, f"{len(kills)} kills", lines)
    for app in ("store_null", "sret", "csr", "illegal"):
        check(f"ch3: {app} is stopped at its bad instruction",
              not any(l.startswith(f"{app}: FAILED") for l in lines), "it printed FAILED", lines)
    n_exit = sum(1 for l in lines if l.startswith("[kernel] Application exited with code"))
    check("ch3: every program that was not killed exits (18 programs, 4 killed)", n_exit == 14,
          f"{n_exit} exits", lines)
    outside_apps()
    done()


def outside_apps():
    """An outside program in slot 0 runs; one too big for slot 1 is refused
    with a message, and the program after it in slot 2 still runs."""
    sys.path.insert(0, os.path.dirname(__file__))
    import shutil
    import tempfile
    from harness import sh, tree
    tmp = tempfile.mkdtemp(prefix="apps3-")
    try:
        outside = open(os.path.join(os.path.dirname(__file__), "..", "lib", "outside.c")).read()
        big = outside.replace("static char msg[]", "char pad[0x30000] = {1};\nstatic char msg[]")
        for name, text, base in (("a_outside", outside, 0x80400000), ("b_big", big, 0x80420000),
                                 ("c_outside", outside, 0x80440000)):
            open(f"{tmp}/{name}.c", "w").write(text)
            os.makedirs(f"{tmp}/apps", exist_ok=True)
            code, out = sh(f"riscv64-unknown-elf-gcc -O1 -march=rv64gc -mabi=lp64d -mcmodel=medany "
                           f"-ffreestanding -nostdlib -Wl,-Ttext={base:#x} -o {tmp}/apps/{name} {tmp}/{name}.c")
            check(f"ch3: outside program {name} compiles", code == 0, out, out.splitlines())
        code, lines = boot(CH, APPS=f"{tmp}/apps")
        check("ch3: a program larger than its slot is refused with a message",
              any(re.match(r"^\[kernel\] app b_big is \d+ bytes, larger than its \d+-byte slot; skipped$", l)
                  for l in lines), "no refusal line", lines)
        check("ch3: outside programs in slots 0 and 2 both run",
              sum(1 for l in lines if l == "outside: 5050") == 2, "not twice", lines)
        check("ch3: APPS run exits 0", code == 0, f"status {code}", lines)
    finally:
        shutil.rmtree(tmp)
        sh("make -s all", cwd=tree(CH))


main()
