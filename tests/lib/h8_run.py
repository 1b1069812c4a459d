#!/usr/bin/env python3
"""Run the hostile chapter 8 programs (tests/lib/h8_*.c): build each with
the C-course-style runtime (crs8.h), put them all in one APPS directory,
and boot out/ch8 once per program named on the command line (default: all)
with INIT=<program>. Prints the program's lines, every [kernel] line after
INIT's start, and QEMU's status. Not a suite: a tool for finding bugs.
Usage: python3 tests/lib/h8_run.py [h8_name ...]"""

import glob
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import boot, sh  # noqa: E402

LIB = os.path.dirname(os.path.abspath(__file__))


def build(apps):
    for src in sorted(glob.glob(os.path.join(LIB, "h8_*.c"))):
        name = os.path.basename(src)[:-2]
        c, out = sh(f"riscv64-unknown-elf-gcc -O2 -Wall -Werror -march=rv64gc -mabi=lp64d "
                    f"-mcmodel=medany -ffreestanding -nostdlib -fno-builtin "
                    f"-T {LIB}/../bench/app.ld -Wl,--defsym=BASE=0x1000 -o {apps}/{name} {src}")
        if c:
            sys.exit(f"{name}: compile error\n{out}")


def main():
    apps = tempfile.mkdtemp(prefix="h8-apps-")
    build(apps)
    names = sys.argv[1:] or sorted(os.path.basename(p)[:-2] for p in glob.glob(os.path.join(LIB, "h8_*.c")))
    for name in names:
        code, lines = boot(8, tree_dir=os.environ.get('H8_TREE'), APPS=apps, INIT=name)
        print(f"===== {name}: make status {code}")
        start = next((i for i, l in enumerate(lines) if "before INIT" in l), 0)
        for l in lines[max(0, start - 3):]:
            if "Application exited with code" not in l:
                print("   ", l)
        tree = os.environ.get("H8_TREE") or os.path.join(LIB, "..", "..", "out", "ch8")
        c, out = sh(f"{tree}/build/mkfs {tree}/build/fs.img --check")
        print(f"    mkfs --check: status {c}: {out.strip()[:300]}")
        sys.stdout.flush()


main()
