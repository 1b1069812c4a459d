#!/usr/bin/env python3
"""Run every test suite and end with one line `N passed, N failed`.

A suite is an executable file tests/*/test_* (or the names given on the
command line). It prints one line per check, `PASS name` or
`FAIL name: reason`, and may print context lines around a failure. A suite
that exits non-zero without printing any FAIL counts as one failure.
Suites run two at a time (the machine has two cores).
"""

import concurrent.futures
import glob
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# The longest suites start first, so the two workers finish together.
LONG_FIRST = ["tests/snapshot/", "tests/book/", "tests/bench/", "tests/stress/", "tests/lab/",
              "tests/qemu/"]


def order(suite):
    rank = [i for i, d in enumerate(LONG_FIRST) if suite.startswith(d)]
    return (rank[0] if rank else len(LONG_FIRST), suite)


def suites(args):
    if args:
        return args
    found = sorted(glob.glob(os.path.join(ROOT, "tests", "*", "test_*")))
    return sorted((os.path.relpath(f, ROOT) for f in found if os.access(f, os.X_OK)), key=order)


def run(suite):
    """Run one suite: (suite, output, exit status, wall seconds, CPU seconds).
    The CPU seconds are user + system time of the suite and every process
    under it (QEMU, compilers): on a shared machine they say what a suite
    costs better than the wall time does."""
    start = time.time()
    with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
        p = subprocess.Popen([os.path.join(ROOT, suite)], cwd=ROOT, stdout=o, stderr=e)
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.time() - start > 3600:
                p.kill()
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.2)
        p.returncode = code = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        o.seek(0)
        e.seek(0)
        out = (o.read() + e.read()).decode(errors="replace")
    if time.time() - start > 3600:
        out, code = out + "\nFAIL timeout: suite ran over 3600 s", 1
    return suite, out, code, time.time() - start, usage.ru_utime + usage.ru_stime


def main():
    passed = failed = 0
    jobs = int(os.environ.get("JOBS", "2"))
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for suite, out, code, secs, cpu in pool.map(run, suites(sys.argv[1:])):
            lines = out.splitlines()
            p = sum(1 for l in lines if l.startswith("PASS "))
            f = sum(1 for l in lines if l.startswith("FAIL "))
            if code != 0 and f == 0:
                lines.append(f"FAIL {suite}: exited with status {code} and no FAIL line")
                f = 1
            if p == 0 and f == 0:
                lines.append(f"FAIL {suite}: ran no check")
                f = 1
            passed, failed = passed + p, failed + f
            print(f"== {suite} ({p} passed, {f} failed, {secs:.1f} s, CPU {cpu:.1f} s)")
            for l in lines:
                if f or l.startswith(("PASS ", "FAIL ")):
                    print("   " + l)
            sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
