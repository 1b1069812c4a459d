#!/usr/bin/env python3
"""The search documents of one edition of the HTML book, as JSON on stdout.

usage: searchdocs.py OUTDIR     (reads OUTDIR/pages.txt's pages, OUTDIR/*.html)

One document per heading (h1-h4 with an id: the text up to the next
heading, code chunks left out) and one per code chunk (div.chunk: its name
and code). Each is {"u": "page.html#id", "t": title, "zh": Chinese text,
"en": English text}; text outside a language span counts for both.
book/search-build.js tokenizes them and builds the lunr index.
"""
import json
import os
import re
import sys
from html.parser import HTMLParser

SKIP = {"script", "style", "header", "footer", "nav", "details"}   # details: old versions, diffs


class Pages(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.docs = []
        self.cur = None          # the open document
        self.stack = []          # (tag, lang, role)
        self.heading = None      # the open heading's document
        self.chunk_depth = None
        self.saved = None        # the section doc interrupted by a chunk

    def lang(self):
        for _, lang, _ in reversed(self.stack):
            if lang:
                return lang
        return None

    def skipping(self):
        return any(role == "skip" for _, _, role in self.stack)

    def new(self, ident, kind):
        doc = {"u": f"{self.page}#{ident}", "k": kind, "t": "", "zh": "", "en": ""}
        self.docs.append(doc)
        return doc

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        role = None
        if tag in SKIP or "chunk-foot" in cls or "chunk-loc" in cls or "secnum" in cls \
                or "permalink" in cls or "page-toc" in cls:
            role = "skip"
        lang = a.get("lang")
        lang = "zh" if lang and lang.startswith("zh") else ("en" if lang == "en" else None)
        if tag == "main":
            role = "main"
        if "chunk-name" in cls:
            role = "title"
        if re.fullmatch(r"h[1-4]", tag) and a.get("id") and not self.skipping():
            self.cur = self.new(a["id"], "sec")
            self.heading = tag
        if tag == "div" and "chunk" in cls and a.get("id") and not self.skipping():
            self.saved = self.cur
            self.cur = self.new(a["id"], "chunk")
            self.cur["t"] = a["id"][1:] + " "
            self.chunk_depth = len(self.stack)
        if tag not in ("br", "img", "hr", "meta", "link", "input"):
            self.stack.append((tag, lang, role))

    def handle_endtag(self, tag):
        if not any(t == tag for t, _, _ in self.stack):
            return   # a stray end tag
        while self.stack:
            t, _, _ = self.stack.pop()
            if t == tag:
                break
        if tag == self.heading:
            self.heading = None
        if self.chunk_depth is not None and len(self.stack) == self.chunk_depth and tag == "div":
            self.chunk_depth = None
            self.cur = self.saved

    def handle_data(self, data):
        if self.cur is None or self.skipping() or not any(r == "main" for _, _, r in self.stack):
            return
        if self.heading or any(r == "title" for _, _, r in self.stack):
            self.cur["t"] += data
            return
        lang = self.lang()
        text = data
        if lang in (None, "zh"):
            self.cur["zh"] += text
        if lang in (None, "en"):
            self.cur["en"] += text


def main():
    out = sys.argv[1]
    with open(os.path.join(out, "src", "pages.txt"), encoding="utf-8") as f:
        pages = [p.strip() for p in f if p.strip() and p.strip() != "search"]
    docs = []
    for page in pages:
        path = os.path.join(out, page + ".html")
        p = Pages(page + ".html")
        with open(path, encoding="utf-8") as f:
            p.feed(f.read())
        for d in p.docs:
            for k in ("t", "zh", "en"):
                d[k] = re.sub(r"\s+", " ", d[k]).strip()
            if d["k"] == "chunk" and d["zh"] == d["en"]:
                d["en"] = ""   # code is the same in both languages
            if d["t"] or d["zh"] or d["en"]:
                docs.append(d)
    json.dump(docs, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
