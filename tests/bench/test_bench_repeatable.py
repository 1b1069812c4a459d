#!/usr/bin/env python3
"""make bench is exact: a short bench (chapters 4 and 6, 1, 2 and 32 tasks;
chapter 6 runs chapter 5's process figures too, and its file figures leave
out the disk's waiting) run twice under -icount prints identical numbers;
every figure exists and is positive; the bench build lets U-mode read the
counters."""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from harness import check, done, tree  # noqa: E402

chs = [c for c in (4, 6) if os.path.isdir(tree(c))]
trees = os.environ.get("BENCH_TREES") or (os.path.dirname(tree(chs[-1])) if chs else "")


def bench(tmp, k):
    j = os.path.join(tmp, f"r{k}.json")
    p = subprocess.run([sys.executable, os.path.join(HERE, "bench.py"), "--quick", "--json", j,
                        "--trees", trees, "--work", os.path.join(tmp, f"w{k}"),
                        "--chapters", ",".join(map(str, chs))],
                       capture_output=True, text=True, errors="replace", timeout=1700)
    ok = check(f"bench run {k} succeeds", p.returncode == 0, p.stderr[-2000:],
               (p.stdout + p.stderr).splitlines())
    out = "\n".join(l for l in p.stdout.splitlines() if not l.startswith("wrote "))
    return (json.load(open(j)) if ok else None), out


if not chs:
    check("bench: chapter 4 or 6 tree present", False, "run make tangle")
else:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        (r1, o1), (r2, o2) = bench(tmp, 1), bench(tmp, 2)
        if r1 and r2:
            check("two bench runs give identical numbers", r1 == r2 and o1 == o2,
                  f"{r1} != {r2}", (o1 + o2).splitlines())
            want = ["null_syscall", "write_1byte", "yield_switch_2", "yield_switch_32",
                    "timer_interrupt", "boot_first_instr_128M", "boot_first_instr_1G",
                    "mmap_touch_munmap", "frame_pair", "kmalloc_pair"]
            for c in chs:
                r = r1["chapters"][str(c)]
                w = want + (["first_dispatch", "launch_2", "launch_32"] if c < 5 else
                            ["getpid", "fork_exit_wait_16k", "fork_exit_wait_1m",
                             "fork_exec_exit_wait"])
                w += ["write_64k_per_byte", "read_64k_per_byte", "open_close"] if c >= 6 else []
                bad = [k for k in w if not (isinstance(r.get(k), (int, float)) and r[k] > 0)]
                check(f"ch{c}: every bench figure exists and is positive", not bad,
                      f"missing or not positive: {bad}", o1.splitlines())
            check("the table is printed and results.json written",
                  "guest instructions" in o1 and os.path.exists(os.path.join(tmp, "r1.json")),
                  "", o1.splitlines())
    k = os.path.join(trees, f"ch{chs[-1]}", "kernel")
    src = "".join(open(os.path.join(k, f), errors="replace").read() for f in os.listdir(k)
                  if f.endswith((".c", ".S", ".h")))
    check("a BENCH build lets U-mode read the counters (scounteren)",
          "scounteren" in src and "BENCH" in src, "no '#ifdef BENCH ... scounteren' in the kernel")
done()
