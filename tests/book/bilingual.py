#!/usr/bin/env python3
"""Each chapter has both Chinese and English prose, in the PDF and in the HTML.

For every chapter, pdftotext's text of that chapter's pages (found by the
running head or title "第 N 章") must contain the opening words of the
chapter's first Chinese passage and of its first English passage, and
the HTML page must hold both lang="zh-CN" and lang="en" prose.
Prints PASS/FAIL lines; exits 1 on failure.
"""
import os
import re
import subprocess
import sys

OUT = os.environ.get("BOOK_OUT", "out/book")
CJK = re.compile(r"[\u4e00-\u9fff]")


def norm(s):
    return re.sub(r"\s+", "", s)


def first_passage(md, lang):
    """Plain opening words of the first ::: {lang=...} div in a chapter's Markdown."""
    m = re.search(r"^::: *\{lang=%s\}\s*\n(.*?)^:::" % re.escape(lang), md, re.S | re.M)
    if not m:
        return None
    text = m.group(1)
    text = re.sub(r"`[^`]*`\{=(?:html|latex)\}", "", text)   # raw inlines
    text = re.sub(r"`[^`]*`", "", text)                       # inline code
    text = re.sub(r"[*_\[\]{}#]|\(http[^)]*\)", "", text)
    if lang == "en":
        words = [w for w in re.findall(r"[A-Za-z]+", text) if len(w) > 2][:5]
        return words
    runs = CJK.findall(text)
    return runs[:8]


def main():
    pdf = os.path.join(OUT, "book.pdf")
    try:
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"FAIL book-bilingual: pdftotext {pdf}: {e}")
        return 1
    pages = text.split("\f")
    bychapter = {}
    for page in pages:
        head = page.strip().splitlines()[:3]
        for line in head:
            m = re.match(r"\s*第\s*(\d+)\s*章", line)
            if m:
                bychapter.setdefault(int(m.group(1)), []).append(page)
                break
    fail = 0
    n = 1
    while os.path.exists(os.path.join(OUT, "src", f"ch{n}.md")):
        with open(os.path.join(OUT, "src", f"ch{n}.md"), encoding="utf-8") as f:
            md = f.read()
        body = "".join(bychapter.get(n, []))
        problems = []
        if not body:
            problems.append("no pages found for this chapter in book.pdf")
        zh, en = first_passage(md, "zh-CN"), first_passage(md, "en")
        if not zh:
            problems.append("no Chinese passage in the source")
        elif "".join(zh) not in "".join(CJK.findall(body)):
            problems.append(f"Chinese prose {''.join(zh)!r} not found in the PDF")
        if not en:
            problems.append("no English passage in the source")
        else:
            flat = " ".join(re.findall(r"[A-Za-z]+", body))
            if " ".join(en) not in " ".join(w for w in flat.split() if len(w) > 2):
                problems.append(f"English prose {' '.join(en)!r} not found in the PDF")
        try:
            with open(os.path.join(OUT, f"ch{n}.html"), encoding="utf-8") as f:
                page = f.read()
            if '<div lang="zh-CN">' not in page or '<div lang="en">' not in page:
                problems.append("HTML page lacks a zh-CN or an en passage")
        except FileNotFoundError:
            problems.append("no HTML page")
        if problems:
            fail = 1
            print(f"FAIL book-bilingual ch{n}: " + "; ".join(problems))
        else:
            print(f"PASS book-bilingual ch{n}")
        n += 1
    if n == 1:
        print("PASS book-bilingual (no chapters yet)")
    return fail


if __name__ == "__main__":
    sys.exit(main())
