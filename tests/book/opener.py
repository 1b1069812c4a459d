#!/usr/bin/env python3
"""Each chapter page opens with "本章的代码 / This chapter's code" (tangle/weave.py's
opener), in the HTML and in the PDF's LaTeX, and its file statuses are right:
chapter 3 removes kernel/batch.c and adds kernel/task.c; chapter 4 adds
kernel/vm.c and changes kernel/trap.S.
Prints PASS/FAIL lines; exits 1 on failure.
"""
import os
import re
import sys

OUT = os.environ.get("BOOK_OUT", "out/book")
EXPECT = {3: {"kernel/batch.c": "removed", "kernel/task.c": "new"},
          4: {"kernel/vm.c": "new", "kernel/trap.S": "changed"}}


def main():
    fail = 0
    try:
        with open(os.path.join(OUT, "src", "book.tex"), encoding="utf-8") as f:
            tex = f.read()
    except FileNotFoundError:
        tex = ""
    openers_tex = re.findall(r"\\begin\{nwopener\}(.*?)\\end\{nwopener\}", tex, re.S)
    n = 1
    while os.path.exists(os.path.join(OUT, f"ch{n}.html")):
        with open(os.path.join(OUT, f"ch{n}.html"), encoding="utf-8") as f:
            page = f.read()
        m = re.search(r'<aside class="opener">(.*?)</aside>', page, re.S)
        problems = []
        if not m:
            problems.append("no opener in the HTML")
        else:
            box = m.group(1)
            if "本章的代码" not in box or "This chapter\u2019s code" not in box:
                problems.append("opener lacks its bilingual title")
            status = dict(re.findall(r'data-path="([^"]+)" data-status="(\w+)"', box))
            for path, want in EXPECT.get(n, {}).items():
                if status.get(path) != want:
                    problems.append(f"HTML: {path} is {status.get(path)!r}, want {want!r}")
            if n - 1 < len(openers_tex):
                body = openers_tex[n - 1]
                for path, want in EXPECT.get(n, {}).items():
                    name = path.rsplit("/", 1)[1].replace("_", r"\_")
                    if not re.search(r"\\nwop%s\{\d+\}\{%s\}" % (want, re.escape(name)), body):
                        problems.append(f"LaTeX: no \\nwop{want} for {path}")
            else:
                problems.append("no nwopener in book.tex")
        if problems:
            print(f"FAIL book-opener ch{n}: " + "; ".join(problems))
            fail = 1
        else:
            print(f"PASS book-opener ch{n}")
        n += 1
    if n == 1:
        print("FAIL book-opener: no chapter pages")
        fail = 1
    return fail


if __name__ == "__main__":
    sys.exit(main())
