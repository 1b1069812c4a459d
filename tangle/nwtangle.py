#!/usr/bin/env python3
"""Tangle the book: write chapter N's complete source tree.

usage: nwtangle.py --chapter N --out DIR [--lines] CHAPTER.nw...
       nwtangle.py --check CHAPTER.nw...      (lint every chapter's tree)

The chapters are given in book order; chapter N's tree is chapters 1..N.
With --lines, C and assembly files carry `#line` directives that point
into the .nw sources, so gcc errors and gdb land in the book. Files are
rewritten only when their text changes, so make stays incremental.
Errors are printed as `file:line: sentence`, and the exit status is 1.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nwparse import Book, BookError, render_file  # noqa: E402


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return False
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return True


def remove_stale(out, roots):
    """Delete files of an earlier tangle that this tree no longer has (a
    chapter may [delete] a file). Only the tree's own folders are touched."""
    from nwparse import FILE_TOP_DIRS
    for top in FILE_TOP_DIRS:
        for dirpath, _, names in os.walk(os.path.join(out, top)):
            for n in names:
                rel = os.path.relpath(os.path.join(dirpath, n), out)
                if rel not in roots:
                    os.remove(os.path.join(out, rel))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapter", type=int)
    ap.add_argument("--out")
    ap.add_argument("--lines", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--lab", action="store_true", help="exercise stubs instead of solutions")
    ap.add_argument("--list", action="store_true", help="print the files of the tree")
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()
    try:
        book = Book(args.sources)
        if args.check:
            problems = []
            for n in range(1, len(book.chapters) + 1):
                try:
                    book.check_tree(n)
                    book.check_tree(n, lab=True)
                except BookError as e:
                    problems += [p for p in e.problems if p not in problems]
            if problems:
                raise BookError(problems)
            return 0
        n = args.chapter or len(book.chapters)
        files, defs = book.check_tree(n, args.lab)
        if args.list:
            print("\n".join(sorted(files)))
            return 0
        for root in sorted(files):
            text = render_file(root, defs, args.lines)
            write_if_changed(os.path.join(args.out, root), text)
        remove_stale(args.out, set(files))
        return 0
    except BookError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
