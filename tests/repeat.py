#!/usr/bin/env python3
"""make test-repeat [N=20] [SUITES="tests/qemu/test_ch4.py ..."]: run every
QEMU suite N times in a row, each while another QEMU suite runs beside it,
and report how many runs of each passed.

A test that fails by chance is a defect; this is how to find one. The QEMU
suites run their kernels under -icount (tests/lib/harness.py), so the load
must change nothing. Two workers share the machine's two cores: each claims
a group of suites, runs every suite of it N times, then claims the next
group; so each run has the other worker's runs beside it as load, and no
run is wasted on load alone. A group is the suites that build in the same
tree (tests/qemu/test_chN*.py build in out/chN; every other suite has
private trees and is a group of its own), so the two workers never build
in one tree at once. When no group is left, the idle worker keeps running
its last group's suites as load until the other one ends; those runs count
as load runs, and a failed one fails the report too. Output of a failed run
goes to out/test-repeat/SUITE-RUN.log. Exits 1 if any run failed.
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


def group(suite):
    """The tree a suite builds in: out/chN for tests/qemu/test_chN*.py."""
    m = re.match(r"tests/qemu/test_ch(\d+)", suite)
    return f"out/ch{m.group(1)}" if m else suite


def groups_of(suites):
    """[(tree, [suites])], the groups with the most work first."""
    groups = {}
    for s in suites:
        groups.setdefault(group(s), []).append(s)
    return sorted(groups.items(), key=lambda g: (weight(g), g[0]))


# The suites with the most work first, so the two workers end together.
HEAVY = ("tests/snapshot/", "tests/bench/", "tests/stress/", "tests/qemu/test_ch6", "tests/qemu/test_ch8")


def weight(g):
    return min((i for i, h in enumerate(HEAVY) if any(s.startswith(h) for s in g[1])), default=len(HEAVY))


class Worker(threading.Thread):
    """Claims groups from `todo` and runs each of their suites n times;
    then, while `others` are still busy, runs its last group as load."""

    def __init__(self, name, todo, lock, n, report):
        super().__init__(daemon=True)
        self.name_, self.todo, self.lock, self.n, self.report = name, todo, lock, n, report
        self.others, self.busy, self.load_runs, self.load_passed = [], True, 0, 0
        self.current = None  # the group it runs

    def claim(self):
        with self.lock:
            return self.todo.pop(0) if self.todo else None

    def run(self):
        last = None
        while (g := self.claim()) is not None:
            last = self.current = g
            for s in g[1]:
                self.report(s, [self.one(s, k) for k in range(1, self.n + 1)])
        self.busy = False
        # A worker that got no group (one group in all) takes a light other
        # group of QEMU suites as its load, so no run goes without one.
        if last is None:
            busy = {o.current[0] for o in self.others if o.current}
            last = next((g for g in reversed(groups_of(qemu_suites())) if g[0] not in busy), None)
        while last and any(o.busy for o in self.others):
            for s in last[1]:
                if not any(o.busy for o in self.others):
                    break
                ok, _, _, out = run(s)
                self.load_runs += 1
                self.load_passed += ok
                if not ok:
                    print(f"  [{self.name_}] {s} load run: FAIL; output in {save(s, f'load{self.load_runs}', out)}")
                    sys.stdout.flush()

    def one(self, s, k):
        ok, t, fails, out = run(s)
        note = "" if ok else f"  {len(fails)} FAIL lines, first: {fails[0] if fails else '(none)'}; " \
                             f"output in {save(s, k, out)}"
        print(f"  [{self.name_}] {s} run {k}/{self.n}: {'pass' if ok else 'FAIL'} ({t:.0f} s){note}")
        sys.stdout.flush()
        return ok, t


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    chosen = os.environ.get("SUITES", "").split()
    suites = chosen or qemu_suites()
    todo = groups_of(suites)
    print(f"test-repeat: {len(suites)} suites in {len(todo)} groups, {n} runs each, two workers, "
          f"each run beside the other worker's")
    sys.stdout.flush()
    results, lock = [], threading.Lock()

    def report(s, runs):
        passed = sum(ok for ok, _ in runs)
        line = f"{s}: {passed}/{n} runs passed ({sum(t for _, t in runs) / n:.0f} s a run)"
        with lock:
            results.append((passed == n, line))
        print(line)
        sys.stdout.flush()

    workers = [Worker(w, todo, lock, n, report) for w in ("a", "b")]
    for w in workers:
        w.others = [o for o in workers if o is not w]
    workers[0].start()
    time.sleep(2)
    workers[1].start()
    for w in workers:
        w.join()
    print("== test-repeat")
    for _, line in sorted(results, key=lambda r: r[1]):
        print(line)
    load_bad = 0
    for w in workers:
        if w.load_runs:
            print(f"worker {w.name_} as load at the end: {w.load_passed}/{w.load_runs} runs passed")
            load_bad += w.load_runs - w.load_passed
    bad = sum(1 for ok, _ in results if not ok)
    print(f"{len(results) - bad} suites passed every run, {bad} did not; "
          f"{load_bad} load runs failed")
    return 1 if bad or load_bad else 0


if __name__ == "__main__":
    sys.exit(main())
