#!/usr/bin/env python3
"""Every chunk of every chapter appears in the book: in its chapter's HTML page
(anchor cN.k, its code text) and in the LaTeX of the PDF.

Reads the chapters with tangle/nwparse.py, as the weave does.
Prints PASS/FAIL lines; exits 1 on failure.
"""
import glob
import html
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tangle"))
from nwparse import Book  # noqa: E402

OUT = os.environ.get("BOOK_OUT", "out/book")


def visible_text(page):
    text = re.sub(r"<[^>]+>", "", page)
    return html.unescape(text)


def main():
    chapters = sorted(glob.glob("chapters/ch*.nw"), key=lambda p: [int(x) if x.isdigit() else x
                                                                   for x in re.split(r"(\d+)", p)])
    if not chapters:
        print("PASS book-chunks (no chapters yet)")
        return 0
    book = Book(chapters)
    try:
        with open(os.path.join(OUT, "src", "book.tex"), encoding="utf-8") as f:
            tex = f.read()
    except FileNotFoundError:
        tex = None
    fail = 0
    for ch in book.chapters:
        try:
            with open(os.path.join(OUT, f"ch{ch.index}.html"), encoding="utf-8") as f:
                page = f.read()
        except FileNotFoundError:
            print(f"FAIL book-chunks ch{ch.index}: no ch{ch.index}.html")
            fail = 1
            continue
        # the reader's edition keeps exercise solutions in its Solutions appendix
        sol = os.path.join(OUT, "solutions.html")
        if os.path.exists(sol):
            with open(sol, encoding="utf-8") as f:
                page += f.read()
        text = visible_text(page)
        missing = []
        k = 0
        for kind, p in ch.blocks:
            if kind != "code":
                continue
            k += 1
            anchor = f"c{ch.index}.{k}"
            if f'id="{anchor}"' not in page:
                missing.append(f"{p.where()} <<{p.name}>> (no anchor {anchor})")
                continue
            for items in p.body:
                line = "".join(i[1] for i in items if i[0] == "text").strip()
                if len(line) > 3 and line not in text:
                    missing.append(f"{p.where()} <<{p.name}>>: line {line[:40]!r} not shown")
                    break
            if tex is not None and "\\begin{nwchunk}{%s}" % anchor not in tex:
                missing.append(f"{p.where()} <<{p.name}>> missing from the PDF's LaTeX")
        if missing:
            fail = 1
            print(f"FAIL book-chunks ch{ch.index}: " + "; ".join(missing[:5]))
        else:
            print(f"PASS book-chunks ch{ch.index} ({k} chunks)")
    return fail


if __name__ == "__main__":
    sys.exit(main())
