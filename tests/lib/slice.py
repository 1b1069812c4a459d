"""Checks shared by the chapter 3 and 4 suites that run outside programs alone
(APPS=dir): the half-slice rule under -icount, and the counters U-mode may
read. Each check reads lines the programs print themselves."""

import os
import re
import shutil
import tempfile

from harness import ANSI, CPU_SECONDS, QEMU, WALL_SECONDS, check, sh, tree

HERE = os.path.dirname(os.path.abspath(__file__))
CC = ("riscv64-unknown-elf-gcc -O2 -march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding "
      "-nostdlib -fno-builtin -fno-pie -Wall -Werror")
# One guest instruction is one nanosecond: rdtime and get_time are exact.
ICOUNT_QEMU = "qemu-system-riscv64 -icount shift=0,sleep=off,align=off"


def run_alone(ch, appdir, qemu=QEMU):
    """Boot chapter ch's tree with only the programs in appdir, QEMU under
    -icount (harness.QEMU unless told); (status, lines). A hang is stopped
    by QEMU's CPU time, as in harness.boot."""
    code, out = sh(f"ulimit -t {CPU_SECONDS}; make -s all APPS={appdir} && make -s run APPS={appdir} "
                   f"QEMU='{qemu}'", cwd=tree(ch), timeout=WALL_SECONDS)
    return code, [ANSI.sub("", l).rstrip("\r") for l in out.splitlines()]


def half_slice(ch):
    """slice_a yields with about 1 ms of a fresh slice left; slice_b, dispatched
    then, must still run at least half a 10 ms slice before a tick preempts
    it (SPEC). Deterministic: QEMU runs with -icount."""
    tmp = tempfile.mkdtemp(prefix=f"slice{ch}-")
    try:
        for slot, name in enumerate(("a", "b")):
            base = 0x80400000 + slot * 0x20000 if ch <= 3 else 0x10000
            code, out = sh(f"{CC} -T {HERE}/../bench/app.ld -Wl,--defsym=BASE={base:#x} "
                           f"-o {tmp}/{name}_slice {HERE}/slice_{name}.c")
            check(f"ch{ch}: slice_{name} compiles", code == 0, out, out.splitlines())
        code, lines = run_alone(ch, tmp, ICOUNT_QEMU)
        m = next((re.match(r"^slice_a: yielded (\d+) us after a tick$", l) for l in lines
                  if l.startswith("slice_a: yielded")), None)
        check(f"ch{ch}: slice_a yields with less than half a slice left (9 ms into it)",
              m is not None and 8000 <= int(m.group(1)) < 10000, m.group(0) if m else "no line", lines)
        check(f"ch{ch}: a task dispatched after a yield runs at least half a slice (slice_b's verdict)",
              "slice_b: each dispatch ran at least half a slice" in lines,
              next((l for l in lines if l.startswith("slice_b: ")), "no slice_b line"), lines)
        check(f"ch{ch}: half-slice run exits 0", code == 0, f"status {code}", lines)
    finally:
        shutil.rmtree(tmp)
        sh("make -s all", cwd=tree(ch))


def counters_alone(ch):
    """An outside program alone reads time (it says so itself), then cycle,
    or in a second run instret: each is an illegal instruction in U-mode."""
    for which, counter in enumerate(("cycle", "instret")):
        tmp = tempfile.mkdtemp(prefix=f"counters{ch}-")
        try:
            base = 0x80400000 if ch <= 3 else 0x10000
            code, out = sh(f"{CC} -DWHICH={which} -T {HERE}/../bench/app.ld "
                           f"-Wl,--defsym=BASE={base:#x} -o {tmp}/counters_{counter} {HERE}/counters.c")
            check(f"ch{ch}: the counters program compiles", code == 0, out, out.splitlines())
            code, lines = run_alone(ch, tmp)
            i = next((k for k, l in enumerate(lines) if l == "counters: rdtime works"), None)
            check(f"ch{ch}: U-mode may read time (the program prints after rdtime)",
                  i is not None, "no such line", lines)
            check(f"ch{ch}: reading {counter} in U-mode is killed as an illegal instruction",
                  i is not None and f"counters: reading {counter}" in lines[i:] and
                  "[kernel] IllegalInstruction in application, kernel killed it." in lines[i:] and
                  not any(l.startswith("counters: FAILED") for l in lines), "not killed", lines)
            check(f"ch{ch}: counters run exits 0", code == 0, f"status {code}", lines)
        finally:
            shutil.rmtree(tmp)
    sh("make -s all", cwd=tree(ch))
