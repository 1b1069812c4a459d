#!/usr/bin/env python3
"""One language's rendering of a bilingual SVG figure.

usage: svglang.py zh|en IN.svg OUT.svg

A figure may carry its labels in both languages: <text lang="zh-CN">…</text>
beside <text lang="en">…</text> (or the same on <tspan>). The book shows the
full SVG in bilingual mode and in the PDF; in Chinese-only or English-only
mode the HTML swaps in the rendering this script writes, where the other
language's text elements are removed (book/lang.js does the swap).
"""
import re
import sys

ELEMENT = re.compile(r'<(text|tspan)\b[^>]*\b(?:xml:)?lang="([\w-]+)"[^>]*?(?:/>|>.*?</\1>)', re.S)


def keep(svg, lang):
    def drop(m):
        other = not m.group(2).startswith(lang)
        return "" if other else m.group(0)
    return ELEMENT.sub(drop, svg)


def main():
    lang, src, dst = sys.argv[1:4]
    with open(src, encoding="utf-8") as f:
        svg = f.read()
    with open(dst, "w", encoding="utf-8") as f:
        f.write(keep(svg, lang))


if __name__ == "__main__":
    main()
