#!/usr/bin/env python3
"""make test-repeat [N=20] [SUITES="tests/qemu/test_ch4.py ..."]: run every
QEMU suite N times in a row, each while another QEMU suite runs beside it
over and over as load, and report how many runs of each passed.

A test that fails by chance is a defect; this is how to find one. The QEMU
suites run their kernels under -icount (tests/lib/harness.py), so the load
must change nothing. The load suite is the next one in the list, chosen so
that the two never build in the same tree. Output of a failed run goes to
out/test-repeat/SUITE-RUN.log. Exits 1 if any run of any suite failed.
"""

import glob
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = os.path.join(ROOT, "out", "test-repeat")


def qemu_suites():
    found = sorted(glob.glob(os.path.join(ROOT, "tests", "qemu", "test_*")))
    found += [os.path.join(ROOT, "tests", d) for d in
              ("stress/test_stress.py", "bench/test_bench_repeatable.py", "snapshot/test_snapshots.py")]
    return [os.path.relpath(f, ROOT) for f in found if os.access(f, os.X_OK)]


def run(suite):
    """One run of a suite: (passed, seconds, FAIL lines, whole output)."""
    start = time.time()
    try:
        p = subprocess.run([os.path.join(ROOT, suite)], cwd=ROOT, capture_output=True, text=True,
                           errors="replace", timeout=3600)
        out, code = p.stdout + p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + "\nFAIL timeout: over 3600 s"
        code = 1
    fails = [l for l in out.splitlines() if l.startswith("FAIL ")]
    ok = code == 0 and not fails and re.search(r"^PASS ", out, re.M) is not None
    return ok, time.time() - start, fails, out


def save(suite, k, out):
    os.makedirs(LOGS, exist_ok=True)
    path = os.path.join(LOGS, f"{os.path.basename(suite)}-{k}.log")
    with open(path, "w", encoding="utf-8") as f:
        f.write(out)
    return os.path.relpath(path, ROOT)


class Load(threading.Thread):
    """Runs `suite` again and again until stopped; counts its runs."""

    def __init__(self, suite):
        super().__init__(daemon=True)
        self.suite, self.stop, self.runs, self.passed = suite, threading.Event(), 0, 0

    def run(self):
        while not self.stop.is_set():
            ok, _, _, out = run(self.suite)
            self.runs += 1
            self.passed += ok
            if not ok:
                save(self.suite, f"load{self.runs}", out)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    chosen = os.environ.get("SUITES", "").split()
    every = qemu_suites()
    suites = chosen or every
    print(f"test-repeat: {len(suites)} suites, {n} runs each, each beside another suite as load")
    results = []
    for s in suites:
        pool = [x for x in every if x != s]
        load = Load(pool[(every.index(s) if s in every else 0) % len(pool)])
        load.start()
        time.sleep(2)  # let the load get going
        passed, secs = 0, 0.0
        for k in range(1, n + 1):
            ok, t, fails, out = run(s)
            passed += ok
            secs += t
            note = "" if ok else f"  {len(fails)} FAIL lines, first: {fails[0] if fails else '(none)'}; " \
                                 f"output in {save(s, k, out)}"
            print(f"  {s} run {k}/{n}: {'pass' if ok else 'FAIL'} ({t:.0f} s){note}")
            sys.stdout.flush()
        load.stop.set()
        load.join()
        line = (f"{s}: {passed}/{n} runs passed ({secs / n:.0f} s a run), beside {load.suite} "
                f"({load.passed}/{load.runs} of its runs passed)")
        results.append((passed == n and load.passed == load.runs, line))
        print(line)
        sys.stdout.flush()
    print("== test-repeat")
    for _, line in results:
        print(line)
    bad = sum(1 for ok, _ in results if not ok)
    print(f"{len(results) - bad} suites passed every run, {bad} did not")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
