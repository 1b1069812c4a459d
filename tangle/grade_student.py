#!/usr/bin/env python3
"""Grade a student's chapter tree with the book's own pristine tests.

usage: grade_student.py --chapter N --student DIR [--extra DIR] [--lab-all]
                        [--exercises A,B] CHAPTER.nw...

`make grade CH=n STUDENT=dir [EXTRA_TESTS=dir]` runs this. It writes chapter
N's lab snapshot afresh (out/grade/pristine/), copies it to
out/grade/chN-NAME/ and puts the student's kernel/ in place of its kernel/:
everything else (tests, the user programs they run, the Makefile, scripts)
is the book's, so a student's tests/ is never used and may be missing. Then
it runs the tree's grader (tests/lib/grade.py), which prints one line per
exercise and `score: N/M`, and writes grade.json beside the graded tree.
LAB=all and EXERCISES= must match the snapshot the student was given.
"""

import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nwparse import Book, BookError  # noqa: E402
from snapshot import REPO, SnapshotError, write_snapshot  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapter", type=int, required=True)
    ap.add_argument("--student", required=True)
    ap.add_argument("--extra")
    ap.add_argument("--lab", action="store_true", help="(implied)")
    ap.add_argument("--lab-all", action="store_true")
    ap.add_argument("--exercises")
    ap.add_argument("--out", default=os.path.join(REPO, "out", "grade"))
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()
    student = os.path.abspath(args.student)
    if not os.path.isdir(os.path.join(student, "kernel")):
        print(f"grade: {student} has no kernel/ folder: give the student's chapter tree "
              f"(the folder that holds kernel/, user/ and Makefile).", file=sys.stderr)
        return 2
    try:
        book = Book(args.sources)
        select = [x.strip() for x in args.exercises.split(",")] if args.exercises else None
        pristine = write_snapshot(book, args.sources, args.chapter, True,
                                  os.path.join(args.out, "pristine"), select, args.lab_all)
    except BookError as e:
        print("\n".join(e.problems), file=sys.stderr)
        return 1
    except SnapshotError as e:
        print(e, file=sys.stderr)
        return 1
    name = os.path.basename(student.rstrip("/")) or "student"
    work = os.path.join(args.out, f"ch{args.chapter}-{name}")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(pristine, work)
    shutil.rmtree(os.path.join(work, "kernel"))
    shutil.copytree(os.path.join(student, "kernel"), os.path.join(work, "kernel"),
                    ignore=shutil.ignore_patterns("*.o", "*.d"))
    print(f"grade: {student}/kernel with the book's chapter {args.chapter} tests, in {work}")
    sys.stdout.flush()
    cmd = [sys.executable, os.path.join(work, "tests", "lib", "grade.py"),
           "--json", os.path.join(args.out, f"ch{args.chapter}-{name}.grade.json")]
    if args.extra:
        cmd += ["--extra", os.path.abspath(args.extra)]
    return subprocess.run(cmd, cwd=work).returncode


if __name__ == "__main__":
    sys.exit(main())
