#!/usr/bin/env python3
"""One language's rendering of a bilingual SVG figure.

usage: svglang.py zh|en|both IN.svg OUT.svg

A figure carries its labels in both languages: <text lang="zh-CN">…</text>
beside <text lang="en">…</text>, or the same on <tspan> inside one <text>
(book/CONVENTIONS.md, "Figures"). Text without lang (numbers, identifiers)
belongs to both. The book shows the full SVG in bilingual mode and in the
PDF; in Chinese-only or English-only mode the HTML swaps in the rendering
this script writes (book/lang.js does the swap), where:

- the other language's <text> and <tspan> elements are removed, with the
  space that separated a removed <tspan> from its neighbour;
- a label that only one language needs (say the Chinese for a box that the
  bilingual figure labels in English alone) is a <text lang=".."
  data-only="true"> at the same place as its counterpart: it appears in
  its language's rendering and never in the bilingual one ("both");
- a stack of lines (consecutive <text> elements with lang, the same x and
  text-anchor, a line apart) that held both languages keeps its centre:
  the lines left are moved together to the middle of the stack, so a label
  written Chinese above English does not leave a gap. In a stack with
  a line marked data-top="true" (say, one beside a key swatch) the lines
  left move up to the top instead; data-only lines never move.
"""
import re
import sys

TEXT = re.compile(r'<text\b([^>]*)>(.*?)</text>', re.S)
ATTR = lambda name: re.compile(r'\b%s="([^"]*)"' % name)
X, Y, ANCHOR, LANG = ATTR("x"), ATTR("y"), ATTR("text-anchor"), ATTR("(?:xml:)?lang")
ONLY = re.compile(r'[ \t]*<text\b[^>]*\bdata-only="true"[^>]*>.*?</text>\n?', re.S)
LINE_GAP = 40     # lines further apart than this are not one stack


def mine(lang, tag_lang):
    return tag_lang.startswith(lang)


def strip_tspans(body, lang):
    """Remove the other language's <tspan>s with the space that set each off:
    a space stays only between two words, never after an opening bracket,
    before a closing one or punctuation, or at either end. (Spaces that
    set off a <tspan> that stays are left alone.)"""
    other = re.compile(r'([ \t]*)<tspan\b[^>]*\blang="(?!%s)[\w-]+"[^>]*>.*?</tspan>([ \t]*)' % lang, re.S)
    while m := other.search(body):
        before, after = body[:m.start()], body[m.end():]
        spaced = (m.group(1) or m.group(2)) and before.rstrip()[-1:] not in ("", "(", "[", "{") \
            and not re.match(r"\s*([)\]};:]|[,.](\s|$)|$)", after)
        body = before + (" " if spaced else "") + after
    return body.strip()


def stacks(texts):
    """Runs of consecutive <text lang> elements forming one stack of lines."""
    run = []
    for t in texts:
        prev = run[-1] if run else None
        if (t["lang"] and not t["alone"] and prev and prev["end"] == t["start"] and t["x"] == prev["x"]
                and t["anchor"] == prev["anchor"] and t["y"] is not None and prev["y"] is not None
                and 0 < t["y"] - prev["y"] <= LINE_GAP):
            run.append(t)
            continue
        if len(run) > 1:
            yield run
        run = [t] if t["lang"] and not t["alone"] else []
    if len(run) > 1:
        yield run


def keep(svg, lang):
    if lang == "both":
        return ONLY.sub("", svg)
    texts = []
    for m in TEXT.finditer(svg):
        attrs = m.group(1)
        y = Y.search(attrs)
        texts.append({"m": m, "lang": (LANG.search(attrs) or [None, None])[1],
                      "alone": "data-only=" in attrs, "top": "data-top=" in attrs,
                      "x": (X.search(attrs) or [None, None])[1],
                      "anchor": (ANCHOR.search(attrs) or [None, "start"])[1],
                      "y": float(y.group(1)) if y else None,
                      "start": m.start(), "end": m.end(), "dy": 0.0})
    # between two texts of a stack only white space may stand
    for t, nxt in zip(texts, texts[1:]):
        if svg[t["end"]:nxt["start"]].strip() == "":
            t["end"] = nxt["start"]
    for run in stacks(texts):
        langs = {t["lang"][:2] for t in run}
        kept = [t for t in run if mine(lang, t["lang"])]
        if len(langs) < 2 or not kept:
            continue
        if any(t["top"] for t in run):
            shift = run[0]["y"] - kept[0]["y"]
        else:
            shift = (run[0]["y"] + run[-1]["y"]) / 2 - (kept[0]["y"] + kept[-1]["y"]) / 2
        for t in kept:
            t["dy"] = shift
    out, pos = [], 0
    for t in texts:
        m = t["m"]
        out.append(svg[pos:m.start()])
        pos = m.end()
        if t["lang"] and not mine(lang, t["lang"]):
            continue
        attrs = m.group(1)
        if t["dy"]:
            attrs = Y.sub('y="%g"' % (t["y"] + t["dy"]), attrs, count=1)
        out.append(f"<text{attrs}>{strip_tspans(m.group(2), lang)}</text>")
    out.append(svg[pos:])
    return "".join(out)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("zh", "en", "both"):
        sys.exit(__doc__)
    lang, src, dst = sys.argv[1:4]
    with open(src, encoding="utf-8") as f:
        svg = f.read()
    with open(dst, "w", encoding="utf-8") as f:
        f.write(keep(svg, lang))


if __name__ == "__main__":
    main()
