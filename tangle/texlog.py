#!/usr/bin/env python3
"""Check a xelatex log for the book: fail on errors, missing glyphs, undefined refs.

usage: texlog.py [--overfull-max N] book.log
Prints one summary line; exits 1 when the log shows `!` errors, `Missing
character`, undefined references or citations, or more than N overfull boxes.
"""
import argparse
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--overfull-max", type=int, default=25)
    ap.add_argument("log")
    a = ap.parse_args()
    with open(a.log, encoding="utf-8", errors="replace") as f:
        log = f.read()
    problems = []
    errors = [l for l in log.splitlines() if l.startswith("!") or re.match(r"^\S+\.tex:\d+: ", l)]
    if errors:
        problems.append(f"{len(errors)} TeX error(s): {errors[0]}")
    missing = re.findall(r"Missing character: There is no (.+?) in font ([^!\n]+)", log)
    if missing:
        uniq = sorted(set(missing))
        problems.append(f"{len(missing)} missing character(s), e.g. "
                        + "; ".join(f"{c} in {font}" for c, font in uniq[:5]))
    undef = re.findall(r"(?:Reference|Citation|Hyper reference) [`']([^']+)' on page \d+ undefined", log)
    undef += re.findall(r"pdfTeX warning \(dest\): name\{([^}]+)\} has been referenced but does not exist", log)
    if undef or "There were undefined references" in log:
        problems.append(f"undefined reference(s): {', '.join(sorted(set(undef))[:8]) or '(see log)'}")
    overfull = len(re.findall(r"^Overfull \\[hv]box", log, re.M))
    underfull = len(re.findall(r"^Underfull \\[hv]box", log, re.M))
    if overfull > a.overfull_max:
        problems.append(f"{overfull} overfull boxes (at most {a.overfull_max} allowed)")
    pages = re.search(r"Output written on .*?\((\d+) pages?", log)
    print(f"book.pdf: {pages.group(1) if pages else '?'} pages, {overfull} overfull and "
          f"{underfull} underfull boxes, {len(missing)} missing characters, {len(set(undef))} undefined references")
    for p in problems:
        print(f"book: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
