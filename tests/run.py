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
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A hang guard on each suite's wall time (a loaded machine is slow, not wrong).
LIMIT = 3600


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


LIVE = set()  # the session ids of the suites running


def stop(session):
    """Kill every process of a suite's session (its process groups too)."""
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and os.getsid(int(d)) == session:
                os.kill(int(d), signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def run(suite):
    """Run one suite: (suite, output, exit status, wall seconds, CPU seconds).
    The CPU seconds are user + system time of the suite and every process
    under it (QEMU, compilers): on a shared machine they say what a suite
    costs better than the wall time does."""
    start = time.time()
    with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
        # Its own session, so that a suite over the limit is stopped with
        # everything it started (make, QEMU, Chromium), not only its first
        # process.
        p = subprocess.Popen([os.path.join(ROOT, suite)], cwd=ROOT, stdout=o, stderr=e,
                             start_new_session=True)
        LIVE.add(p.pid)
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.time() - start > LIMIT:
                stop(p.pid)
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.2)
        stop(p.pid)  # anything the suite left running
        LIVE.discard(p.pid)
        p.returncode = code = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        o.seek(0)
        e.seek(0)
        out = (o.read() + e.read()).decode(errors="replace")
    if time.time() - start > LIMIT:
        out, code = out + f"\nFAIL timeout: suite ran over {LIMIT} s", 1
    return suite, out, code, time.time() - start, usage.ru_utime + usage.ru_stime


def report(suite, out, code, secs, cpu, passes):
    """Print one suite's result; return (passed, failed). Adds the names of
    the checks that passed to passes[suite]."""
    lines = out.splitlines()
    passes[suite] = {l[5:] for l in lines if l.startswith("PASS ")}
    p = sum(1 for l in lines if l.startswith("PASS "))
    f = sum(1 for l in lines if l.startswith("FAIL "))
    if code != 0 and f == 0:
        lines.append(f"FAIL {suite}: exited with status {code} and no FAIL line")
        f = 1
    if p == 0 and f == 0:
        lines.append(f"FAIL {suite}: ran no check")
        f = 1
    print(f"== {suite} ({p} passed, {f} failed, {secs:.1f} s, CPU {cpu:.1f} s)")
    for l in lines:
        if f or l.startswith(("PASS ", "FAIL ")):
            print("   " + l)
    sys.stdout.flush()
    return p, f


def exercise_checks(passes):
    """In the book, when every suite ran: each check of chapter n's
    exercises (the checks its lab snapshot must fail, tangle/snapshot.py)
    passed on out/chN in a suite that its checks chunk names (the
    suites `make grade` runs): each is a real check that the book's
    solution passes. (tests/snapshot proves each chapter's full snapshot the same
    program as out/chN, instead of running these suites in it again.)
    Returns (passed, failed)."""
    sys.path.insert(0, os.path.join(ROOT, "tangle"))
    from nwparse import Book
    from snapshot import choose
    sources = sorted(glob.glob(os.path.join(ROOT, "chapters", "ch*.nw")),
                     key=lambda f: int(re.search(r"ch(\d+)", os.path.basename(f)).group(1)))
    book = Book(sources)
    lines = []
    for n in range(1, len(sources) + 1):
        table = choose(book, n, True)[0]
        expected = [c for e in table for c in e["checks"]]
        # each check in a suite its exercise names (`make grade` runs only those)
        missing = [c for e in table for c in e["checks"]
                   if not any(c in passes.get(t, ()) for t in e["suites"])]
        if expected:
            name = (f"ch{n}: each of the {len(expected)} checks of the chapter's exercises passed "
                    f"in a suite its checks chunk names")
            lines.append(f"FAIL {name}: {len(missing)} did not pass: {missing[:5]}" if missing
                         else f"PASS {name}")
    print("== the exercises' checks (tests/run.py)")
    for l in lines:
        print("   " + l)
    f = sum(l.startswith("FAIL ") for l in lines)
    return len(lines) - f, f


def main():
    passed = failed = cpu_total = 0
    passes = {}
    jobs = int(os.environ.get("JOBS", "2"))
    # Ctrl-C or a kill stops the suites too (they run in sessions of their own).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        try:
            for result in pool.map(run, suites(sys.argv[1:])):
                p, f = report(*result, passes)
                passed, failed, cpu_total = passed + p, failed + f, cpu_total + result[4]
        except KeyboardInterrupt:
            for session in list(LIVE):
                stop(session)
            raise
    if not sys.argv[1:] and os.path.isdir(os.path.join(ROOT, "chapters")):
        p, f = exercise_checks(passes)
        passed, failed = passed + p, failed + f
    print(f"(CPU time of all suites: {cpu_total:.0f} s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
