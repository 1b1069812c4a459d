#!/usr/bin/env python3
"""Grade this tree's exercises: `make grade [EXTRA_TESTS=dir]`.

usage: grade.py [--extra DIR] [--json FILE]

tests/grading.json (written by the book's snapshot tool from the checks
chunks of the chapter) lists each exercise with its points
and the checks that test it, and the suites that print those checks.
This script builds the kernel, runs those suites and the suites test_*
of DIR (GRADE_ALL=1 runs every suite, tests/*/test_*, as `make test`
does), and prints one line per exercise with its points, each failed
check with the line it expected and what the kernel printed there, and
last `score: N/M`. An exercise's points are spread over its checks: k of
n checks passed give floor(points * k / n). grade.json (or FILE) gets every graded check's
result, and grade.log (FILE with .log) the suites' whole output.

Hidden tests (DIR): executable files test_* that print `PASS name` /
`FAIL name: reason` lines (they may `from harness import check`, found on
PYTHONPATH), and DIR/exercises.txt with lines `NUMBER<TAB>check name` that
add those checks to exercise NUMBER. The exit status is 0 when grading ran,
whatever the score; 1 if it could not run at all.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(extra):
    with open(os.path.join(ROOT, "tests", "grading.json"), encoding="utf-8") as f:
        grading = json.load(f)
    if extra:
        path = os.path.join(extra, "exercises.txt")
        if os.path.exists(path):
            for line in open(path, encoding="utf-8"):
                if "\t" not in line:
                    continue
                number, name = line.rstrip("\n").split("\t", 1)
                ex = next((e for e in grading["exercises"] if e["number"] == number), None)
                if ex is None:
                    sys.exit(f"grade: {path}: there is no exercise {number} in this chapter")
                if name not in ex["checks"]:
                    ex["checks"].append(name)
    return grading


def suites(grading, extra):
    """The suites that print the exercises' checks (each exercise names them
    in grading.json), or every suite when GRADE_ALL=1, as `make test` runs;
    then DIR's suites."""
    named = sorted({os.path.join(ROOT, t) for e in grading["exercises"] for t in e.get("suites", [])})
    if os.environ.get("GRADE_ALL") == "1" or not named:
        found = sorted(glob.glob(os.path.join(ROOT, "tests", "*", "test_*")))
    else:
        found = named
    if extra:
        found += sorted(glob.glob(os.path.join(os.path.abspath(extra), "test_*")))
    return [f for f in found if os.access(f, os.X_OK)]


def parse(out):
    """[(passed, text after PASS/FAIL, [expected/printed lines])] from the
    suites' output, in order."""
    results = []
    for raw in out.splitlines():
        line = raw.strip()
        if line.startswith(("PASS ", "FAIL ")):
            results.append((line.startswith("PASS "), line[5:], []))
        elif results and not results[-1][0] and line.startswith(("expected: ", "printed:")):
            results[-1][2].append(line)
    return results


def result_of(name, results):
    """(passed, detail lines) of check `name`, or None if it did not run. A
    FAIL line is `FAIL name: reason`, and names may hold ': ' themselves."""
    for passed, text, extra in results:
        if passed and text == name:
            return True, []
        if not passed and (text == name or text.startswith(name + ": ")):
            reason = re.sub(r"^needs exercise .*?, a TODO in the lab tree; ?", "", text[len(name) + 2:])
            return False, ([reason] if reason else []) + extra
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extra", help="a folder of hidden test suites")
    ap.add_argument("--json", default=os.path.join(ROOT, "grade.json"))
    args = ap.parse_args()
    grading = load(args.extra)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "tests", "lib"))
    build = subprocess.run(["make", "-s", "all"], cwd=ROOT, capture_output=True, text=True,
                           errors="replace", env=env)
    if build.returncode != 0:
        out, results = build.stdout + build.stderr, []
        print("grade: the kernel does not build; every check fails:")
        for l in out.splitlines()[-15:]:
            print(f"     | {l}")
    else:
        p = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "run.py")] + suites(grading, args.extra),
                           cwd=ROOT, capture_output=True, text=True, errors="replace", env=env)
        out = p.stdout + p.stderr
        results = parse(out)
    with open(os.path.splitext(args.json)[0] + ".log", "w", encoding="utf-8") as f:
        f.write(out)  # the suites' whole output
    score = total = 0
    report = []
    graded = set()
    for ex in grading["exercises"]:
        checks = []
        for name in ex["checks"]:
            graded.add(name)
            r = result_of(name, results)
            passed = bool(r and r[0])
            detail = (r[1] if r else ["not run (the check did not print PASS or FAIL)"])
            checks.append({"name": name, "passed": passed, "detail": [] if passed else detail})
        k, n = sum(c["passed"] for c in checks), len(checks)
        got = ex["points"] * k // n if n else 0
        score, total = score + got, total + ex["points"]
        where = "; ".join(f"{p.get('functions') or '?'} in {p.get('file', '?')}" for p in ex["parts"])
        print(f"exercise {ex['number']}: {got}/{ex['points']} points ({k} of {n} checks)   {where}")
        for c in checks:
            if not c["passed"]:
                print(f"    failed check: {c['name']}")
                for d in c["detail"]:
                    print(f"         {d}")
        report.append({"number": ex["number"], "points": ex["points"], "score": got,
                       "parts": ex["parts"], "checks": checks})
    others = [(ok, text) for ok, text, _ in results
              if not any(text == g or text.startswith(g + ": ") for g in graded)]
    failed = [text for ok, text in others if not ok]
    print(f"other checks (not graded): {len(others) - len(failed)} passed, {len(failed)} failed"
          + (": " + "; ".join(failed[:5]) + (" ..." if len(failed) > 5 else "") if failed else ""))
    print(f"score: {score}/{total}")
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump({"chapter": grading["chapter"], "score": score,
                   "max": total, "exercises": report,
                   "other_checks": {"passed": len(others) - len(failed), "failed": failed}},
                  f, indent=1, ensure_ascii=False)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
