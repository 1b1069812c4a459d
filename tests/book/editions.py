#!/usr/bin/env python3
"""The two editions and the weave's own checks.

- The student edition (out/book-student) holds no solution line: every line
  of every <<solution: X>>= chunk in chapters/*.nw that no other chunk also
  has (a stub repeats a function's signature) is searched for in its HTML
  pages, its search index and its PDF's text; none may be there.
- The reader's edition (out/book) has each solution line in its Solutions
  appendix, and none in the chapter pages (solutions never sit under their
  exercise); the student edition has no Solutions or Answers page.
- Figures are numbered: each caption on a chapter page starts "图 N.k" /
  "Figure N.k", and no empty [](#fig:x) reference is left.
- The weave refuses an exercise section (class .exercise) that lacks its
  contract, files or check command, and accepts one that has them.
Prints PASS/FAIL lines; exit 1 on failure.
"""
import glob
import html
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tangle"))
from nwparse import Book  # noqa: E402

READER = os.environ.get("BOOK_OUT", "out/book")
STUDENT = os.environ.get("BOOK_STUDENT", "out/book-student")


def squash(s):
    return re.sub(r"\s+", "", s)


def page_text(path):
    with open(path, encoding="utf-8") as f:
        t = f.read()
    return squash(html.unescape(re.sub(r"<[^>]+>", "", t)))


def chapters():
    return sorted(glob.glob(os.path.join(ROOT, "chapters", "ch*.nw")),
                  key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p)])


def solution_lines(book):
    """{line: piece} for the lines only solution chunks have."""
    def text(p):
        return ["".join(i[1] for i in items if i[0] == "text").strip() for items in p.body]
    others = set()
    for p in book.pieces:
        if not p.name.startswith("solution: "):
            others.update(squash(t) for t in text(p))
    out = {}
    for p in book.pieces:
        if p.name.startswith("solution: "):
            for t in text(p):
                if len(squash(t)) >= 12 and squash(t) not in others:
                    out[squash(t)] = p
    return out


def pdf_text(path):
    try:
        return squash(subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True,
                                     text=True, check=True).stdout)
    except (OSError, subprocess.CalledProcessError):
        return None


def check_editions():
    fail = 0
    book = Book(chapters())
    lines = solution_lines(book)
    if not lines:
        print("PASS book-editions (no exercises)")
        return 0
    # the student edition
    found = []
    pages = sorted(glob.glob(os.path.join(STUDENT, "*.html")))
    if not pages:
        print(f"FAIL book-student-edition: no pages in {STUDENT}")
        return 1
    texts = {os.path.basename(p): page_text(p) for p in pages}
    idx = os.path.join(STUDENT, "search-index.js")
    if os.path.exists(idx):
        with open(idx, encoding="utf-8") as f:
            texts["search-index.js"] = squash(f.read().encode().decode("unicode_escape", "ignore"))
    pdf = pdf_text(os.path.join(STUDENT, "book.pdf"))
    if pdf is None:
        print(f"FAIL book-student-pdf: no text from {STUDENT}/book.pdf")
        fail = 1
    else:
        texts["book.pdf"] = pdf
    for line, p in lines.items():
        for name, t in texts.items():
            if line in t:
                found.append(f"{name}: {line[:50]!r} ({p.where()})")
    for name in ("solutions.html", "answers.html"):
        if os.path.exists(os.path.join(STUDENT, name)):
            found.append(f"{name} exists")
    if found:
        print("FAIL book-student-edition: solution code in the student edition: " + "; ".join(found[:5]))
        fail = 1
    else:
        print(f"PASS book-student-edition ({len(lines)} solution lines, none in {len(texts)} files)")
    # the reader's edition: in the appendix, not in the chapters
    sol = os.path.join(READER, "solutions.html")
    if not os.path.exists(sol):
        print(f"FAIL book-reader-solutions: no {sol}")
        return 1
    st = page_text(sol)
    missing = [l for l in lines if l not in st]
    under = [f"ch{n}.html: {l[:40]!r}" for n in range(1, len(book.chapters) + 1)
             for l in lines if l in page_text(os.path.join(READER, f"ch{n}.html"))]
    if missing or under:
        print("FAIL book-reader-solutions: " + "; ".join(
            [f"not in solutions.html: {l[:40]!r}" for l in missing[:3]] + under[:3]))
        fail = 1
    else:
        print(f"PASS book-reader-solutions (all {len(lines)} lines in the appendix, none under an exercise)")
    return fail


def check_figures():
    fail = 0
    for n in range(1, len(chapters()) + 1):
        with open(os.path.join(READER, f"ch{n}.html"), encoding="utf-8") as f:
            page = f.read()
        caps = re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", page, re.S)
        bad = [c for c in caps if not re.search(r"图 %d\.\d+.*Figure %d\.\d+" % (n, n), c, re.S)]
        left = re.findall(r'href="#fig:[^"]*">\s*</a>', page)
        if bad or left:
            print(f"FAIL book-figures ch{n}: {len(bad)} captions without 图/Figure {n}.k, "
                  f"{len(left)} empty figure references")
            fail = 1
        else:
            print(f"PASS book-figures ch{n} ({len(caps)} numbered figures)")
    return fail


EXERCISE = """\
# [测试]{lang=zh-CN} [Test]{lang=en} {#ch-test}

## [练习：示例]{lang=zh-CN} [Exercise: example]{lang=en} {#sec:example .exercise}

::: {lang=zh-CN}
%s
:::

::: {lang=en}
%s
:::

<<Makefile>>=
all:
@
"""
ZH_OK = "**契约。** 返回 0。\n\n**要改的文件。** `kernel/x.c`。\n\n**检查命令。** `make test`"
EN_OK = "**Contract.** Returns 0.\n\n**Files to change.** `kernel/x.c`.\n\n**Check.** `make test`"


def check_exercise_rule():
    fail = 0
    cases = [("complete", ZH_OK, EN_OK, 0),
             ("no English check", ZH_OK, EN_OK.replace("**Check.** `make test`", ""), 1),
             ("no Chinese contract", ZH_OK.replace("**契约。**", ""), EN_OK, 1),
             ("check without make", ZH_OK, EN_OK.replace("`make test`", "run the tests"), 1)]
    with tempfile.TemporaryDirectory() as d:
        for name, zh, en, want in cases:
            src = os.path.join(d, "ch1-test.nw")
            with open(src, "w", encoding="utf-8") as f:
                f.write(EXERCISE % (zh, en))
            r = subprocess.run([sys.executable, os.path.join(ROOT, "tangle", "weave.py"), "--out",
                                os.path.join(d, "out"), "--pages", d, src], capture_output=True, text=True)
            got = 0 if r.returncode == 0 else 1
            if got != want or (want and "exercise section" not in r.stderr):
                print(f"FAIL book-exercise-rule {name}: weave exit {r.returncode}, want "
                      f"{'failure' if want else 'success'}: {r.stderr.strip()[:200]}")
                fail = 1
            else:
                print(f"PASS book-exercise-rule {name}")
    return fail


def check_svglang():
    """A bilingual figure's one-language renderings keep only that language's labels."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><text x="1" lang="zh-CN">页表</text>'
           '<text x="1" lang="en">page <tspan>table</tspan></text><rect width="1"/></svg>')
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "f.svg")
        with open(src, "w", encoding="utf-8") as f:
            f.write(svg)
        got = {}
        for lang in ("zh", "en"):
            subprocess.run([sys.executable, os.path.join(ROOT, "tangle", "svglang.py"), lang, src,
                            os.path.join(d, f"f.{lang}.svg")], check=True)
            with open(os.path.join(d, f"f.{lang}.svg"), encoding="utf-8") as f:
                got[lang] = f.read()
    ok = ("页表" in got["zh"] and "page" not in got["zh"] and "<rect" in got["zh"]
          and "page" in got["en"] and "页表" not in got["en"] and "<rect" in got["en"])
    print("PASS book-figure-languages (svglang keeps one language's labels)" if ok else
          f"FAIL book-figure-languages: zh {got['zh']!r}, en {got['en']!r}")
    return 0 if ok else 1


def main():
    os.chdir(ROOT)
    return check_editions() | check_figures() | check_exercise_rule() | check_svglang()


if __name__ == "__main__":
    sys.exit(main())
