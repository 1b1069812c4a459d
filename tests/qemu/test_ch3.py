#!/usr/bin/env python3
"""Chapter 3 in QEMU: yield interleaving, preemption of CPU-bound programs,
sleep accuracy, get_time monotonic, exact trace counts, no starvation,
faults stay contained, chapter 2's programs still run; an outside program."""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import boot, check, check_line, done, sh, tree  # noqa: E402
from slice import counters_alone, half_slice  # noqa: E402

CH = 3


# The folder of outside.c and the ecall.h it includes.
LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib")


def index(lines, pat, last=False):
    rx = re.compile(pat)
    found = [i for i, l in enumerate(lines) if rx.search(l)]
    if not found:
        return None
    return found[-1] if last else found[0]


def main():
    code, lines = boot(CH)
    check("ch3: QEMU exits with status 0", code == 0, f"status {code}", lines)
    check("ch3: the run ends with 'All applications completed!'",
          any(l == "[kernel] All applications completed!" for l in lines[-3:]), "missing", lines,
          want="All applications completed!")

    # Cooperative: each yield program prints its steps in order, and their
    # runs overlap (the timer may reorder turns, so no strict A B C order).
    for x in "ABC":
        mine = [l for l in lines if l.startswith(f"yield {x}: ")]
        check(f"ch3: yield {x} prints steps 0..4 in order",
              mine == [f"yield {x}: step {i}" for i in range(5)], f"got {mine}", lines,
              want=f"yield {x}: ")
    for x, y in (("A", "B"), ("B", "C"), ("A", "C")):
        check(f"ch3: yield {y} starts before yield {x} ends (they interleave)",
              (index(lines, rf"^yield {y}: step 0$") or 10**9) < (index(lines, rf"^yield {x}: step 4$") or -1),
              "no overlap", lines,
              want=[f"yield {y}: step 0", f"yield {x}: step 4"])

    # Preemption: each later CPU-bound program starts before an earlier one ends.
    for early, late in (("A", "B"), ("B", "C"), ("A", "C")):
        first_late = index(lines, rf"^cpu {late}: part 1 of 4")
        last_early = index(lines, rf"^cpu {early}: part 4 of 4")
        check(f"ch3: cpu {late} makes progress before cpu {early} finishes (preemption)",
              first_late is not None and last_early is not None and first_late < last_early,
              f"cpu {late} first at {first_late}, cpu {early} last at {last_early}", lines,
              want=[f"cpu {late}: part 1 of 4", f"cpu {early}: part 4 of 4"])
    for x in "ABC":
        check(f"ch3: cpu {x} finishes all four parts", index(lines, rf"^cpu {x}: part 4 of 4") is not None,
              "missing", lines, want=f"cpu {x}: part 4 of 4")

    # A sleep never ends early, and ends at most one round late: a slice for
    # each program that never yields (cpu A, B, C, hog, power) and one more.
    # QEMU runs under -icount, so the times are the same in every run.
    slack = 10 * (len(("cpu A", "cpu B", "cpu C", "hog", "power")) + 1)
    for ms in (100, 200, 400):
        m = next((re.match(rf"^sleep: asked {ms} ms, slept (\d+) ms$", l) for l in lines
                  if l.startswith(f"sleep: asked {ms} ms")), None)
        check(f"ch3: a {ms} ms sleep lasts {ms} ms to {ms + slack} ms",
              m is not None and ms <= int(m.group(1)) <= ms + slack,
              m.group(0) if m else "no line", lines, want=f"sleep: asked {ms} ms")
    check("ch3: get_time is monotonic", "sleep: get_time monotonic: yes" in lines, "not yes", lines,
          want="sleep: get_time monotonic")

    # trace: exact counts, own memory read/write, refusals.
    expect = {"yield count": "3", "trace count": "2", "get_time count": "0",
              "read own byte": "42", "write own byte": "0, now 7", "bad request": "-1",
              "read address 0": "-1", "write kernel": "-1", "write count": "8"}
    for k, v in expect.items():
        check_line(f"ch3: trace {k} is {v}", lines, f"trace: {k} {v}")

    # No starvation: quick finishes while hog still spins.
    s, q, d = (index(lines, p) for p in (r"^hog: start$", r"^quick: done$", r"^hog: done$"))
    check("ch3: a CPU-bound hog cannot starve a later program",
          None not in (s, q, d) and s < q < d, f"hog start {s}, quick {q}, hog done {d}", lines,
          want=["hog: start", "quick: done", "hog: done"])

    # Chapter 2's programs keep running, and faults stay contained.
    for pat in (r"^Hello, world from user mode!$", r"^power: all checks passed$",
                r"^bad_write: good write -> 13$", r"^bad_syscall: syscall 9999 -> -1$",
                r"^\[kernel\] unsupported syscall 9999$", r"^bad_syscall: syscall 4294967360 -> -1$",
                r"^\[kernel\] unsupported syscall 4294967360$"):
        check(f"ch3: chapter 2 output /{pat}/ still appears", index(lines, pat) is not None,
              "missing", lines, want=re.compile(pat))
    kills = [l for l in lines if l.endswith("kernel killed it.")]
    check("ch3: exactly the five bad programs are killed", len(kills) == 5, f"{len(kills)} kills", lines,
          want="kernel killed it.")
    for app in ("store_null", "sret", "csr", "illegal", "counters"):
        check(f"ch3: {app} is stopped at its bad instruction",
              not any(l.startswith(f"{app}: FAILED") for l in lines), "it printed FAILED", lines,
              want=f"{app}: ")
    n_exit = sum(1 for l in lines if l.startswith("[kernel] Application exited with code"))
    check("ch3: every program that was not killed exits (24 programs, 5 killed)", n_exit == 19,
          f"{n_exit} exits", lines, want="[kernel] Application exited")

    # Floating point per task: three programs compute with doubles at once
    # and each checks its own sums and rounding mode.
    for x in "ABC":
        check(f"ch3: fp {x} gets the results it gets alone (its own verdict)",
              f"fp {x}: results as when run alone" in lines, "missing or FAILED", lines, want=f"fp {x}: ")
    for x, y in (("A", "B"), ("B", "C"), ("A", "C")):
        check(f"ch3: fp {x} and fp {y} run at once (one starts before the other ends)",
              (index(lines, rf"^fp {y}: part 1 ") or 10**9) < (index(lines, rf"^fp {x}: results") or -1) or
              (index(lines, rf"^fp {x}: part 1 ") or 10**9) < (index(lines, rf"^fp {y}: results") or -1),
              "one ran after the other", lines, want="fp ")
    check("ch3: a program starts with clean float registers", "fp_clean: starts clean" in lines,
          "missing or FAILED", lines, want="fp_clean")
    outside_apps()
    counters_alone(CH)
    half_slice(CH)
    done()


def outside_apps():
    """An outside program in slot 0 runs; one whose image is too big for
    slot 1 and one whose .bss runs past slot 2 (it clears it, which would
    wipe slot 3) are refused with a message naming them, and the program in
    slot 3 still runs. The build knows the .bss from the ELF file only."""
    tmp = tempfile.mkdtemp(prefix="apps3-")
    try:
        outside = open(os.path.join(os.path.dirname(__file__), "..", "lib", "outside.c")).read()
        big = outside.replace("static char msg[]", "char pad[0x30000] = {1};\nstatic char msg[]")
        bss = outside.replace("static char msg[]", "char zeros[0x20000];\nstatic char msg[]").replace(
            "    long sum = 0;", "    for (int i = 0; i < 0x20000; i++)\n        zeros[i] = 0x55;\n    long sum = 0;")
        bss = bss.replace("sc(93, 17, 0, 0);", "sc(93, 18, 0, 0);")  # told apart by its exit code
        assert bss.count("zeros") == 2 and "sc(93, 18" in bss
        for name, text, base in (("a_outside", outside, 0x80400000), ("b_big", big, 0x80420000),
                                 ("c_bss", bss, 0x80440000), ("d_outside", outside, 0x80460000)):
            open(f"{tmp}/{name}.c", "w").write(text)
            os.makedirs(f"{tmp}/apps", exist_ok=True)
            code, out = sh(f"riscv64-unknown-elf-gcc -O1 -march=rv64gc -mabi=lp64d -mcmodel=medany "
                           f"-ffreestanding -nostdlib -I{LIB} -Wl,-Ttext={base:#x} -o {tmp}/apps/{name} {tmp}/{name}.c")
            check(f"ch3: outside program {name} compiles", code == 0, out, out.splitlines())
        code, lines = boot(CH, APPS=f"{tmp}/apps")
        for app in ("b_big", "c_bss"):
            check(f"ch3: {app}, larger than its slot, is refused with a message naming it",
                  any(re.match(rf"^\[kernel\] app {app} needs (\d+) bytes of memory \(.bss included\), "
                               r"more than its 131072-byte slot; skipped$", l) for l in lines),
                  "no refusal line", lines, want=re.compile(rf"^\[kernel\] app {app}"))
        check("ch3: outside programs in slots 0 and 3 both run, and nothing else does",
              sum(1 for l in lines if l == "outside: 5050") == 2 and
              sum(1 for l in lines if l == "[kernel] Application exited with code 17") == 2 and
              "[kernel] Application exited with code 18" not in lines,
              "not exactly twice", lines, want="outside: ")
        check("ch3: APPS run exits 0", code == 0, f"status {code}", lines)
    finally:
        shutil.rmtree(tmp)
        sh("make -s all", cwd=tree(CH))


main()
