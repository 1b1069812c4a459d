#!/usr/bin/env python3
"""One language's (or the bilingual) source of a graphviz figure.

usage: dotlang.py zh|en|both IN.dot [OUT.dot]     (OUT defaults to stdout)

Graphviz cannot tag text with a language, so a bilingual .dot figure writes
each label that differs between the languages as a pair {中文|English}:

    pa [label="pa_t\\n{物理地址|physical address}"];
    power [label="{加电\\n|power-on}"];

    zh    keeps the Chinese half:  "pa_t\\n物理地址"
    en    keeps the English half:  "pa_t\\nphysical address"
    both  keeps both, joined by a space ("物理地址 physical address"), or by
          the line break the Chinese half ends with (\\n, or <BR/> in an
          HTML-like label), which the one-language sources drop.

Text outside the pairs (identifiers, numbers, code) appears in every source.
A pair's Chinese half must contain Chinese and its English half must not;
a pair that breaks this rule is an error, so a slip cannot pass silently.
The book renders the bilingual source into X.svg (and the PDF), and the
one-language sources into X.zh.svg and X.en.svg, which book/lang.js swaps in
(book/book.mk; book/CONVENTIONS.md, "Figures").
"""
import re
import sys

PAIR = re.compile(r"\{([^{}|\n]*)\|([^{}|\n]*)\}")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
BREAK = re.compile(r"(\\n|<BR\s*/?>)$", re.I)


def has_pairs(text):
    return any(CJK.search(m.group(1)) for m in PAIR.finditer(text))


def render(text, lang, where="figure"):
    def one(m):
        zh, en = m.group(1), m.group(2)
        if not CJK.search(zh) or CJK.search(en):
            raise ValueError(f"{where}: {m.group(0)!r} is not a {{中文|English}} pair")
        brk = BREAK.search(zh)
        zh_text = zh[:brk.start()] if brk else zh
        if lang == "zh":
            return zh_text.rstrip()
        if lang == "en":
            return en.strip()
        return zh + en.strip() if brk else zh.rstrip() + " " + en.strip()
    return PAIR.sub(one, text)


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ("zh", "en", "both"):
        sys.exit(__doc__)
    lang, src = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        text = f.read()
    try:
        out = render(text, lang, src)
    except ValueError as e:
        sys.exit(f"dotlang: {e}")
    if len(sys.argv) == 4:
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            f.write(out)
    else:
        sys.stdout.write(out)


if __name__ == "__main__":
    main()
