"""Small helpers shared by the test suites: checks, builds and QEMU boots."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# In the book, chapter n's tree is out/chn. A snapshot (tangle/snapshot.py)
# is one chapter's tree with its tests inside it: there the tree is ROOT and
# the book (chapters/) is absent, so tests of the tangling pipeline skip.
BOOK = os.path.isdir(os.path.join(ROOT, "chapters"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")
failures = 0


def exercise_checks():
    """A lab snapshot lists, in tests/exercises.txt, the checks that fail
    until its exercises are done: `check name<TAB>which exercise`."""
    try:
        with open(os.path.join(ROOT, "tests", "exercises.txt"), encoding="utf-8") as f:
            return dict(l.rstrip("\n").split("\t", 1) for l in f if "\t" in l)
    except FileNotFoundError:
        return {}


EXERCISES = exercise_checks()


def check(name, ok, detail="", context=None, expected=None, printed=None):
    """Print PASS/FAIL for one check; on failure show detail and context.
    `expected` (the line the check wanted) and `printed` (what the kernel
    printed in its place, or None) are shown on lines of their own, which
    the grader (tests/lib/grade.py) reads."""
    global failures
    if ok:
        print(f"PASS {name}")
    else:
        failures += 1
        if name in EXERCISES:
            detail = f"needs {EXERCISES[name]}; {detail}"
        print(f"FAIL {name}: {detail}")
        if expected is not None:
            print(f"     expected: {expected}")
            shown = "(no such line)" if printed is None else printed or "(an empty line)"
            print(f"     printed:  {shown}")
        if context:
            for line in context[-25:]:
                print(f"     | {line}")
    sys.stdout.flush()
    return ok


def nearest(lines, want):
    """The printed line that stands where `want` should: the first one that
    agrees with `want` but for its last word (the value), else None."""
    label = want.rsplit(" ", 1)[0] + " " if " " in want else want
    if ": " not in label or label.endswith(": ") and label.count(": ") == 1:
        return None  # nothing beyond the program's name to go by
    return next((l for l in lines if l.startswith(label)), None)


def check_line(name, lines, want, detail="different or missing"):
    """Check that the exact line `want` was printed; on failure show the
    line printed in its place."""
    ok = want in lines
    return check(name, ok, detail, lines, expected=want, printed=None if ok else nearest(lines, want))


def done():
    sys.exit(1 if failures else 0)


def sh(cmd, cwd=ROOT, timeout=600, env=None):
    """Run a shell command; return (status, combined output)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    try:
        p = subprocess.run(cmd, shell=True, cwd=cwd, capture_output=True, text=True,
                           errors="replace", timeout=timeout, env=e)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as ex:
        out = ex.stdout.decode(errors="replace") if isinstance(ex.stdout, bytes) else (ex.stdout or "")
        return 124, out + f"\n[test harness] timed out after {timeout} s"


def tree(ch):
    return os.path.join(ROOT, "out", f"ch{ch}") if BOOK else ROOT


def boot(ch, timeout=120, tree_dir=None, **make_vars):
    """Build and boot chapter ch's kernel with `make run`; QEMU must exit by
    itself. Returns (exit status, output lines without colour codes)."""
    d = tree_dir or tree(ch)
    args = " ".join(f"{k}={v}" for k, v in make_vars.items())
    code, out = sh(f"make -s all {args} && make -s run {args}", cwd=d, timeout=timeout)
    lines = [ANSI.sub("", l).rstrip("\r") for l in out.splitlines()]
    return code, lines


def reproduce(ch, **make_vars):
    args = " ".join(f"{k}={v}" for k, v in make_vars.items())
    return f"(reproduce: make run{f' CH={ch}' if BOOK else ''} {args})"


def in_order(lines, wanted):
    """Check that each regex in `wanted` matches a line, in order. Returns
    (True, None) or (False, index of the first pattern not found)."""
    i = 0
    for k, pat in enumerate(wanted):
        rx = re.compile(pat)
        while i < len(lines) and not rx.search(lines[i]):
            i += 1
        if i == len(lines):
            return False, k
        i += 1
    return True, None
