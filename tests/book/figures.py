#!/usr/bin/env python3
"""Every figure has its labels in both languages, and each one-language
rendering holds only its language (book/CONVENTIONS.md, "Figures").

For each assets/*.svg (labels on <text>/<tspan> with lang) and each
assets/*.dot (labels as {中文|English} pairs), the renderings the book
uses are made here the way book/book.mk makes them (tangle/svglang.py,
tangle/dotlang.py | dot -Tsvg) and their <text> read:
- the source tags labels in both languages;
- the Chinese rendering has no English prose (tests/book/figwords.py says
  what is code: identifiers, numbers, quoted strings...), the English one
  no CJK character, and the bilingual one has both;
- neither one-language rendering keeps the space that set off a removed
  label before a bracket or punctuation, as "(调用号 )";
- in the built book (BOOK_OUT, default out/book) every figure has its
  X.zh.svg and X.en.svg, matching these renderings, and every <img> of a
  figure in the chapter pages carries data-langs, so book/lang.js swaps it.
A figure left with mixed labels fails the first two checks.
Prints PASS/FAIL lines; exits 1 on failure.
"""
import glob
import html
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, os.path.join(ROOT, "tangle")]
from figwords import cjk, english_words  # noqa: E402
import dotlang  # noqa: E402
import svglang  # noqa: E402

OUT = os.environ.get("BOOK_OUT", os.path.join(ROOT, "out", "book"))
TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)


def labels(svg):
    """The text of each <text> element, tags removed."""
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() for m in TEXT.finditer(svg)]


def renderings(path):
    """{"zh": svg, "en": svg, "both": svg} as the book makes them, and whether the source is tagged."""
    with open(path, encoding="utf-8") as f:
        src = f.read()
    if path.endswith(".svg"):
        tagged = (re.search(r'<(?:text|tspan)\b[^>]*\blang="zh', src) is not None
                  and re.search(r'<(?:text|tspan)\b[^>]*\blang="en"', src) is not None)
        return {lang: svglang.keep(src, lang) for lang in ("zh", "en", "both")}, tagged
    out = {}
    for lang in ("zh", "en", "both"):
        dot = dotlang.render(src, lang, path)
        r = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True)
        if r.returncode != 0:
            raise ValueError(f"dot failed: {r.stderr.strip()[:200]}")
        out[lang] = r.stdout
    return out, dotlang.has_pairs(src)


def check(path):
    """Problems of one figure, as strings."""
    try:
        rend, tagged = renderings(path)
    except ValueError as e:
        return [str(e)]
    problems = []
    if not tagged:
        problems.append("no labels tagged by language" +
                        (" ({中文|English} pairs)" if path.endswith(".dot") else ' (lang="zh-CN"/"en")'))
    for t in labels(rend["zh"]):
        if english_words(t):
            problems.append(f"Chinese rendering has English {english_words(t)} in {t!r}")
    for t in labels(rend["en"]):
        if cjk(t):
            problems.append(f"English rendering has Chinese in {t!r}")
    if path.endswith(".dot"):   # the bilingual source keeps both halves of every pair
        with open(path, encoding="utf-8") as f:
            src = f.read()
        whole = dotlang.render(src, "both", path)
        for m in dotlang.PAIR.finditer(src):
            if m.group(2).strip() not in whole or dotlang.render(m.group(0), "zh") not in whole:
                problems.append(f"bilingual source lost half of {m.group(0)!r}")
    both = labels(rend["both"])
    # removing a language must not leave the space that set it off
    stray = re.compile(r"\( | \)| [,;:](?:\s|$)")
    for lang in ("zh", "en"):
        for t in labels(rend[lang]):
            if stray.search(t) and not any(stray.search(b) for b in both):
                problems.append(f"{lang} rendering has a stray space in {t!r}")
    if not any(cjk(t) for t in both) or not any(english_words(t) for t in both):
        problems.append("bilingual rendering lacks one language")
    return problems


def built(name, path):
    """Problems of the figure's files in the built book."""
    problems = []
    for lang in ("zh", "en"):
        f = os.path.join(OUT, "assets", f"{name}.{lang}.svg")
        if not os.path.exists(f):
            problems.append(f"{os.path.relpath(f, ROOT)} missing")
            continue
        with open(f, encoding="utf-8") as g:
            got = labels(g.read())
        want = labels(renderings(path)[0][lang])
        if path.endswith(".svg") and got != want:
            problems.append(f"{os.path.relpath(f, ROOT)} is not svglang.py's rendering")
        if lang == "en" and any(cjk(t) for t in got):
            problems.append(f"{os.path.relpath(f, ROOT)} has Chinese")
        if lang == "zh" and any(english_words(t) for t in got):
            problems.append(f"{os.path.relpath(f, ROOT)} has English")
    return problems


def main():
    fail = 0
    figs = sorted(glob.glob(os.path.join(ROOT, "assets", "*.svg")) + glob.glob(os.path.join(ROOT, "assets", "*.dot")))
    if not figs:
        print("FAIL book-figures: no figures in assets/")
        return 1
    have_book = os.path.isdir(OUT)
    for path in figs:
        name = os.path.splitext(os.path.basename(path))[0]
        problems = check(path)
        if not problems and have_book:
            problems = built(name, path)
        if problems:
            fail = 1
            print(f"FAIL book-figure {os.path.basename(path)}: {problems[0]}"
                  + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
            for p in problems[1:6]:
                print(f"    {p}")
        else:
            print(f"PASS book-figure {os.path.basename(path)} (both languages tagged; zh and en renderings clean)")
    if not have_book:
        print(f"FAIL book-figures-built: no {OUT}")
        return 1
    # every figure in a chapter page is swapped by lang.js
    missing = []
    for page in sorted(glob.glob(os.path.join(OUT, "ch*.html"))):
        with open(page, encoding="utf-8") as f:
            for img in re.findall(r"<img\b[^>]*>", f.read()):
                src = re.search(r'src="(assets/[^"]+\.svg)"', img)
                if src and "data-langs" not in img:
                    missing.append(f"{os.path.basename(page)}: {src.group(1)}")
    if missing:
        fail = 1
        print(f"FAIL book-figures-swap: figures without data-langs: {', '.join(missing[:5])}")
    else:
        print("PASS book-figures-swap (every figure <img> in the chapters carries data-langs)")
    return fail


if __name__ == "__main__":
    sys.exit(main())
