#!/usr/bin/env python3
"""Stress and fuzz, bounded in time: a syscall fuzzer (fixed seed, 12,000
calls) on chapters 3 and 4, the app after it still runs; mmap until -1 and
free everything, three times, with frames balanced and the apps around it
unaffected, and a hostile mmap program that cannot exhaust kernel memory
(chapter 4); 32 concurrent apps all complete, and one long
write lets others run between its 4096-byte pieces (chapters 3 and 4).
Runs on private copies of out/chN, so it does not race other suites."""

import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from harness import ANSI, CPU_SECONDS, QEMU, WALL_SECONDS, check, done, sh, tree  # noqa: E402

CC = ("riscv64-unknown-elf-gcc -O2 -march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding "
      "-nostdlib -fno-builtin -fno-tree-loop-distribute-patterns -fno-pie -Wall -Werror")
LD = os.path.join(HERE, "..", "bench", "app.ld")
PANIC = re.compile(r"panic|kernel_trap")


def build(ch, tmp, run, apps):
    """apps: [(file name, source, defines)], in slot order."""
    d = os.path.join(tmp, f"ch{ch}-{run}")
    os.makedirs(d)
    for slot, (name, src, defs) in enumerate(apps):
        base = 0x80400000 + slot * 0x20000 if ch <= 3 else 0x10000
        code, out = sh(f"{CC} -DCH={ch} {defs} -T {LD} -Wl,--defsym=BASE={base:#x} "
                       f"-o {d}/{name} {HERE}/{src}")
        if code:
            raise RuntimeError(out)
    return d


def boot(ch, tmp, appdir, mem="128M"):
    """Boot a private copy of chapter ch's tree, QEMU under -icount like
    every QEMU suite (harness.QEMU); (status, lines)."""
    t = os.path.join(tmp, f"tree{ch}")
    code, out = sh(f"ulimit -t {CPU_SECONDS}; make -s all APPS={appdir} >/dev/null && "
                   f"make -s run APPS={appdir} MEM={mem} QEMU='{QEMU}'", cwd=t, timeout=WALL_SECONDS)
    return code, [ANSI.sub("", l).rstrip("\r") for l in out.splitlines()]


def clean_end(name, code, lines):
    check(f"{name}: QEMU exits 0", code == 0, f"status {code}", lines)
    check(f"{name}: no kernel panic", not any(PANIC.search(l) for l in lines),
          "a panic line", lines, want=PANIC)
    check(f"{name}: all applications complete",
          "[kernel] All applications completed!" in lines, "no such line", lines,
          want="All applications completed!")


def fuzz(ch, tmp):
    d = build(ch, tmp, "fuzz", [("a_fuzz", "fuzz.c", ""), ("b_after", "worker.c", "-DIDX=1")])
    code, lines = boot(ch, tmp, d)
    name = f"ch{ch} syscall fuzzer"
    clean_end(name, code, lines)
    check(f"{name}: 12000 calls made, exit 0",
          "fuzz: done 12000 calls" in lines and "[kernel] Application exited with code 0" in lines,
          "fuzzer did not finish", lines, want="fuzz: ")
    check(f"{name}: the app after it still runs", "worker 01: ok" in lines and
          "[kernel] Application exited with code 1" in lines, "no 'worker 01: ok'", lines,
          want="worker 01")


def exhaust(ch, tmp):
    d = build(ch, tmp, "exhaust", [("a_worker", "worker.c", "-DIDX=2"),
                                   ("b_exhaust", "exhaust.c", ""),
                                   ("c_worker", "worker.c", "-DIDX=3")])
    code, lines = boot(ch, tmp, d)
    name = f"ch{ch} mmap exhaustion x3"
    clean_end(name, code, lines)
    rounds = [re.match(r"^exhaust: round (\d) pages (\d+) (\w+)$", l) for l in lines]
    rounds = [m for m in rounds if m]
    check(f"{name}: three rounds, each mapped pages until -1, then unmapped them all",
          len(rounds) == 3 and all(m.group(3) == "ok" and int(m.group(2)) > 1000 for m in rounds),
          f"rounds: {[m.group(0) for m in rounds]}", lines, want="exhaust: ")
    check(f"{name}: every round got the same number of pages",
          len({m.group(2) for m in rounds}) == 1, f"{[m.group(2) for m in rounds]}", lines,
          want="exhaust: round")
    before = [re.match(r"^\[kernel\] free frames before the first app: (\d+)$", l) for l in lines]
    after = [re.match(r"^\[kernel\] free frames after the last app: (\d+)$", l) for l in lines]
    before, after = [m.group(1) for m in before if m], [m.group(1) for m in after if m]
    check(f"{name}: free frames after the last app = before the first",
          len(before) == 1 and before == after, f"before {before}, after {after}", lines,
          want="[kernel] free frames")
    check(f"{name}: the apps around it are not affected",
          "worker 02: ok" in lines and "worker 03: ok" in lines, "a worker failed", lines, want="worker 0")


def long_write(ch, tmp):
    """One 96 KiB write beside a program that never yields: each 4096-byte
    piece comes out unbroken and in order, and the other program runs
    between pieces (SPEC). The write takes 98,304 console calls, far more
    than one 10 ms slice, so a tick always falls due during it."""
    d = build(ch, tmp, "longwrite", [("a_longwrite", "longwrite.c", ""), ("b_ticker", "ticker.c", "")])
    code, lines = boot(ch, tmp, d)
    name = f"ch{ch} one long write"
    clean_end(name, code, lines)
    want = [f"longwrite: piece {p:02d} line {l:02d} ".ljust(63, ".") for p in range(24) for l in range(64)]
    at = [i for i, l in enumerate(lines) if l.startswith("longwrite: piece")]
    got = [lines[i] for i in at]
    check(f"{name}: every line of the write, whole and in order", got == want,
          f"{len(got)} lines, first difference at {next((k for k, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))}",
          got[:3] + lines[-5:])
    pieces_whole = len(at) == len(want) and all(at[p * 64 + 63] - at[p * 64] == 63 for p in range(24))
    check(f"{name}: each 4096-byte piece is printed unbroken", pieces_whole,
          "another line inside a piece", lines)
    between = [l for l in lines[at[0]:at[-1]] if l.startswith("ticker: tick")] if at else []
    check(f"{name}: the other program runs between pieces", len(between) > 0,
          "no ticker line while the write went on", lines)
    check(f"{name}: write returns the whole length", "longwrite: returned 98304" in lines, "missing", lines)
    check(f"{name}: the program beside it finishes", "ticker: tick 39" in lines, "missing", lines)


def hostile(ch, tmp):
    """A program that tries to exhaust kernel memory (SPEC): 20,000 one-page
    mmaps all succeed, a valid munmap of a middle page succeeds then and at
    frame exhaustion, the program beside it maps while the hostile one holds
    its mappings, and frames and heap are back at their boot values."""
    d = build(ch, tmp, "hostile", [("a_hostile", "hostile.c", ""), ("b_mapper", "mapper.c", "")])
    code, lines = boot(ch, tmp, d)
    name = f"ch{ch} hostile mmap"
    clean_end(name, code, lines)
    for line in ("hostile: one-page mmaps 20000", "hostile: munmap of a middle page -> 0",
                 "hostile: munmap of a middle page at exhaustion -> 0",
                 "hostile: released everything -> 0"):
        check(f"{name}: '{line}'", line in lines, "missing", lines)
    idx = {k: next((i for i, l in enumerate(lines) if l.startswith(k)), None)
           for k in ("hostile: holding", "hostile: releasing", "hostile: exhausted", "mapper: mmap of two pages -> -1")}
    held = [l for l in lines[(idx["hostile: holding"] or 0):(idx["hostile: releasing"] or 0)]
            if l == "mapper: mmap of two pages -> 0, munmap -> 0"]
    check(f"{name}: another program maps while 20,000 mappings are held", len(held) > 0,
          f"indices {idx}", lines)
    check(f"{name}: its every try succeeds until memory runs out",
          not any(l.startswith("mapper: mmap of two pages -> 0, munmap -> -") for l in lines) and
          None not in idx.values() and idx["mapper: mmap of two pages -> -1"] > idx["hostile: exhausted"],
          f"indices {idx}", lines)
    for what in ("frames", "heap bytes"):
        before = [l.split(": ")[-1] for l in lines if l.startswith(f"[kernel] free {what} before the first app: ")]
        after = [l.split(": ")[-1] for l in lines if l.startswith(f"[kernel] free {what} after the last app: ")]
        check(f"{name}: free {what} after the last app = before the first",
              len(before) == 1 and before == after, f"before {before}, after {after}", lines)


def many(ch, tmp, n=32):
    d = build(ch, tmp, "many", [(f"w{i:02d}", "worker.c", f"-DIDX={i}") for i in range(n)])
    code, lines = boot(ch, tmp, d)
    name = f"ch{ch} {n} concurrent apps"
    clean_end(name, code, lines)
    oks = {l for l in lines if re.match(r"^worker \d\d: ok$", l)}
    codes = [l for l in lines if re.match(r"^\[kernel\] Application exited with code \d+$", l)]
    check(f"{name}: all {n} complete with their own exit code",
          len(oks) == n and sorted(int(c.split()[-1]) for c in codes) == list(range(n)),
          f"{len(oks)} ok lines, {len(codes)} exits", lines)


def main():
    tmp = tempfile.mkdtemp(prefix="stress-")
    try:
        chs = [c for c in (3, 4) if os.path.isdir(tree(c))]
        for c in chs:
            shutil.copytree(tree(c), os.path.join(tmp, f"tree{c}"),
                            ignore=shutil.ignore_patterns("build"))
            code, out = sh("make -s all", cwd=os.path.join(tmp, f"tree{c}"))
            check(f"ch{c} private tree builds", code == 0, out, out.splitlines())
        jobs = [(fuzz, c) for c in chs] + [(many, c) for c in chs] + [(long_write, c) for c in chs] + \
               [(exhaust, c) for c in chs if c >= 4] + [(hostile, c) for c in chs if c >= 4]
        # One kernel tree cannot build two app sets at once: one job per tree at a time.
        for fn, c in jobs:
            try:
                fn(c, tmp)
            except RuntimeError as e:
                check(f"ch{c} {fn.__name__}: apps build", False, str(e))
    finally:
        shutil.rmtree(tmp)
    done()


main()
