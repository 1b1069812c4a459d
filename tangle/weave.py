#!/usr/bin/env python3
"""Weave the book: noweb's front end (markup, via nwparse) -> Pandoc Markdown.

usage: weave.py --out DIR CHAPTER.nw...

Writes, into DIR:
  chN.md, chN.yaml   one page per chapter (Markdown + page metadata)
  index.md           the table of contents (with book/front.md in front)
  chunks.md          the chunk index
  identifiers.md     the identifier index (Universal Ctags over a #line tangle)
  book.md            front matter, chapters and indexes for the PDF (one file)
  anchors.txt        every anchor the book defines, "page#id" per line

Prose passes through as Pandoc Markdown. Code chunks become raw
```{=html} and ```{=latex} blocks written here, so that chunk numbers,
anchors and cross-references are the same in both outputs. Chunk number
N.k is the k-th code chunk of chapter N.
"""

import argparse
import difflib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dotlang  # noqa: E402
from nwparse import Book, BookError, maps_to_file, render_file  # noqa: E402
from highlight import highlight_lines, language_of  # noqa: E402

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
FIGURE = re.compile(r"!\[.*\]\([^()\s]+\)\{#(fig:[^\s}]+)[^}]*\}")
FIGREF = re.compile(r"\[\]\(#(fig:[^)\s]+)\)")
SECREF = re.compile(r"\[\]\(#(sec:[^)\s]+)\)")
HEADING_ID = re.compile(r"\{([^{}]*#[^{}\s]+[^{}]*)\}\s*$")
LANG_SPAN = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\{lang=([\w-]+)\}")


# ---------------------------------------------------------------- escaping

def h(s):
    return html.escape(s, quote=True)


_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
        "#": r"\#", "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%",
        "~": r"\textasciitilde{}", "<": r"\textless{}", ">": r"\textgreater{}",
        "\t": "\\ " * 8, "|": r"\textbar{}", '"': r"\textquotedbl{}",
        "-": "-{}", "'": r"\textquotesingle{}", "`": r"\textasciigrave{}"}


def tex(s):
    return "".join(_TEX.get(c, c) for c in s)


def tex_code(s):
    """Escape code text for LaTeX: spaces are kept, one column each."""
    return "".join("\\ " if c == " " else _TEX.get(c, c) for c in s)


def fence_for(text, ch="`", least=3):
    runs = [len(m) for m in re.findall(re.escape(ch) + "+", text)]
    return ch * max([least] + [r + 1 for r in runs])


def raw_block(fmt, text):
    f = fence_for(text)
    return f"{f}{{={fmt}}}\n{text}\n{f}\n"


def raw_inline(fmt, text):
    f = fence_for(text, least=1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{f}{pad}{text}{pad}{f}{{={fmt}}}"


def md_code(text):
    f = fence_for(text, least=1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{f}{pad}{text}{pad}{f}"


def name_parts(name):
    """Split a chunk name at [[code]] quotes: [(is_code, text)]."""
    parts = []
    for i, s in enumerate(re.split(r"\[\[(.*?)\]\]", name)):
        if s:
            parts.append((i % 2 == 1, s))
    return parts


def name_html(name):
    return "".join(f"<code>{h(s)}</code>" if code else h(s) for code, s in name_parts(name))


def name_tex(name):
    return "".join(r"\texttt{%s}" % tex(s) if code else tex(s) for code, s in name_parts(name))


def heading_text(md):
    """Plain text of a heading's Markdown: {'zh-CN': ..., 'en': ..., None: all}."""
    out = {}
    for text, lang in LANG_SPAN.findall(md):
        out[lang] = text
    out[None] = " / ".join(out.values()) if out else md
    return out


# ---------------------------------------------------------------- the model

class Section:
    def __init__(self, chapter, level, number, ident, md):
        self.chapter, self.level, self.number, self.id, self.md = chapter, level, number, ident, md

    def page(self):
        return f"ch{self.chapter}.html"


def bilingual_svg(src):
    """Does the figure carry its labels in both languages: text with lang in
    assets/x.svg, or {中文|English} pairs in assets/x.dot (tangle/dotlang.py)?"""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", src)
    dot = os.path.splitext(path)[0] + ".dot"
    try:
        if not os.path.exists(path) and os.path.exists(dot):
            with open(dot, encoding="utf-8") as f:
                return dotlang.has_pairs(f.read())
        with open(path, encoding="utf-8") as f:
            return re.search(r'<(?:text|tspan)\b[^>]*\blang="en"', f.read()) is not None
    except OSError:
        return False


def page_file(page):
    """The file of a page: a chapter number, or a name such as "chunks"."""
    return f"ch{page}.html" if isinstance(page, int) else f"{page}.html"


class Weaver:
    def __init__(self, paths, edition="reader"):
        self.book = Book(paths)
        self.edition = edition
        self.paths = paths
        self.nch = len(self.book.chapters)
        self.label = {}       # piece -> "N.k"
        self.anchor = {}      # piece -> "cN.k"
        self.section = {}     # piece -> Section
        self.sections = []    # all sections in order
        self.sec_by_id = {}
        self.sec_by_num = {}
        self.chapter_sec = {}
        self.number_pieces()
        self.defs = {n: self.book.definitions(n) for n in range(1, self.nch + 1)}
        self.defs_lab = {n: self.book.definitions(n, lab=True) for n in range(1, self.nch + 1)}
        self.compute_users()
        self.compute_files()
        # Exercise solutions: the reader's edition moves them to the Solutions
        # appendix; the student edition leaves them out (each stub stays).
        self.solution = self.solution_pieces()
        self.moved = set(self.solution) if edition == "reader" else set()
        self.hidden = set(self.solution) if edition == "student" else set()
        self.figures = {}     # "fig:x" -> (chapter, k)
        self.number_figures()
        self.appendix = {"solutions": {}, "answers": {}}   # filled by chapter_md
        self.id_page = {s.id: s.page() for s in self.sections}
        self.id_page.update({f: f"ch{n}.html" for f, (n, _) in self.figures.items()})
        self.id_page.update({a: f"{a}.html" for a in APPENDICES})

    def solution_pieces(self):
        """Pieces only the full tree has: `solution: X` and what only they use."""
        out = []
        for p in self.book.pieces:
            if p.mode == "delete":
                continue
            defs = self.defs[p.chapter]
            if p.name.startswith("solution: "):
                out.append(p)
                continue
            if p.name.startswith("stub: "):
                continue
            roots = [n for n in defs if maps_to_file(n)]
            plain = set()
            stack = list(roots)
            while stack:
                n = stack.pop()
                if n in plain or n.startswith("solution: "):
                    continue
                plain.add(n)
                for q in defs.get(n, []):
                    stack.extend(u for u, _ in q.uses)
            if p.name not in plain and any(self.reaches(defs, r, p.name) for r in roots):
                out.append(p)
        return out

    def number_figures(self):
        """Figures are numbered per chapter in reading order: N.k."""
        for ch in self.book.chapters:
            k = 0
            for kind, block in ch.blocks:
                if kind == "code":
                    continue
                for items in block:
                    line = "".join(i[1] for i in items if i[0] == "text")
                    for m in FIGURE.finditer(line):
                        k += 1
                        self.figures[m.group(1)] = (ch.index, k)

    def piece_page(self, p):
        return "solutions.html" if p in self.moved else f"ch{p.chapter}.html"

    def href_piece(self, p, page):
        a = self.anchor[p]
        return f"#{a}" if page_file(page) == self.piece_page(p) else f"{self.piece_page(p)}#{a}"

    # -- numbering: chunks and sections
    def number_pieces(self):
        for ch in self.book.chapters:
            k = 0
            counters = [0] * 7
            cur = None
            for kind, block in ch.blocks:
                if kind == "code":
                    k += 1
                    self.label[block] = f"{ch.index}.{k}"
                    self.anchor[block] = f"c{ch.index}.{k}"
                    self.section[block] = cur or self.chapter_sec.get(ch.index)
                    continue
                in_fence = False
                for items in block:
                    line = "".join(i[1] for i in items if i[0] == "text")
                    if line.lstrip().startswith(("```", "~~~")):
                        in_fence = not in_fence
                    if in_fence or any(i[0] == "quote" for i in items):
                        continue
                    m = HEADING.match(line)
                    if not m:
                        continue
                    level = len(m.group(1))
                    if level == 1:
                        number = str(ch.index)
                    else:
                        counters[level] += 1
                        for j in range(level + 1, 7):
                            counters[j] = 0
                        number = ".".join([str(ch.index)] + [str(counters[j]) for j in range(2, level + 1)])
                    title = m.group(2)
                    mid = HEADING_ID.search(title)
                    ident = None
                    if mid:
                        im = re.search(r"#([^\s}]+)", mid.group(1))
                        ident = im.group(1)
                        title = title[:mid.start()].rstrip()
                    if ident is None:
                        ident = "sec-" + number.replace(".", "-")
                    if level == 1:  # the number is generated: drop "第 1 章" / "Chapter 1."
                        title = re.sub(r"\[\s*第\s*[\d一二三四五六七八九十]+\s*章[\s\u3000:：]*", "[", title)
                        title = re.sub(r"\[\s*Chapter\s+\d+\s*[.:]?\s*", "[", title)
                    sec = Section(ch.index, level, number, ident, title)
                    sec.line_items = items
                    self.sections.append(sec)
                    self.sec_by_id[ident] = sec
                    self.sec_by_num[number] = sec
                    if level == 1:
                        self.chapter_sec[ch.index] = sec
                    cur = sec if level > 1 else cur
                    if level == 1:
                        cur = None
        for p, s in list(self.section.items()):
            if s is None:
                self.section[p] = self.chapter_sec.get(p.chapter)

    # -- who uses which piece
    def compute_users(self):
        """users[piece] = pieces whose code uses the version `piece` belongs to."""
        self.users = {p: [] for p in self.book.pieces}
        for n in range(1, self.nch + 1):
            for defs in (self.defs[n], self.defs_lab[n]):
                for ps in defs.values():
                    for q in ps:
                        for u, _ in q.uses:
                            for p in defs.get(u, []):
                                if q not in self.users[p]:
                                    self.users[p].append(q)
        order = {p: i for i, p in enumerate(self.book.pieces)}
        for p in self.users:
            self.users[p].sort(key=order.get)

    def target(self, name, chapter):
        """The piece a use of `name` in `chapter` links to (first of its version)."""
        trees = (self.defs, self.defs_lab) if self.edition != "student" else (self.defs_lab, self.defs)
        for defs in trees:
            if name in defs.get(chapter, {}) and defs[chapter][name][0] not in self.hidden:
                return defs[chapter][name][0]
        hist = [q for q in self.book.history(name) if q not in self.hidden]
        if not hist and name.startswith("solution: "):
            hist = self.book.history("stub: " + name[len("solution: "):])
        return hist[0] if hist else None

    # -- which file each piece lands in
    def compute_files(self):
        self.files = {p: [] for p in self.book.pieces}
        for p in self.book.pieces:
            found = []
            for defs in (self.defs[p.chapter], self.defs_lab[p.chapter]):
                for root in defs:
                    if maps_to_file(root) and root not in found and self.reaches(defs, root, p.name):
                        found.append(root)
            if not found:  # replaced later in its own chapter: use every edge seen so far
                graph = {}
                for q in self.book.pieces:
                    if q.chapter > p.chapter:
                        break
                    graph.setdefault(q.name, []).append(q)
                for root in graph:
                    if maps_to_file(root) and self.reaches(graph, root, p.name):
                        found.append(root)
            self.files[p] = sorted(found)

    @staticmethod
    def reaches(defs, root, name):
        seen, stack = set(), [root]
        while stack:
            n = stack.pop()
            if n == name or (name.startswith("stub: ") and n == "solution: " + name[6:]):
                return True
            if n in seen:
                continue
            seen.add(n)
            for q in defs.get(n, []):
                stack.extend(u for u, _ in q.uses)
        return False

    def lang(self, p):
        fs = self.files[p]
        return language_of(fs[0]) if fs else "text"

    # -- history of a name
    def history(self, p):
        hist = [q for q in self.book.history(p.name) if q not in self.hidden or q is p]
        i = hist.index(p)
        return hist[:i], hist[i + 1:]

    def old_version(self, p):
        """For a [replace] piece: the pieces in force just before it."""
        before, _ = self.history(p)
        version = []
        for q in before:
            if q.mode == "replace":
                version = [q]
            else:
                version.append(q)
        return version

    def sec_ref(self, sec, page):
        """(html, latex) of a link to a section: §N.k."""
        if sec is None:
            return "", ""
        href = f"#{sec.id}" if page_file(page) == sec.page() else f"{sec.page()}#{sec.id}"
        return (f'<a class="secref" href="{h(href)}">§{sec.number}</a>',
                r"\S\ref{%s}" % sec.id)

    def chunk_ref(self, p, page, with_name=True):
        """(html, latex) of a link to piece p: ⟨name N.k⟩ or N.k."""
        a, lab = self.anchor[p], self.label[p]
        href = self.href_piece(p, page)
        if with_name:
            return (f'<a class="chunkref" href="{h(href)}">⟨{name_html(p.name)}&#8239;'
                    f'<span class="num">{lab}</span>⟩</a>',
                    r"\nwref{%s}{%s}{%s}" % (a, name_tex(p.name), lab))
        return (f'<a class="chunknum" href="{h(href)}">{lab}</a>',
                r"\nwnum{%s}{%s}" % (a, lab))


# ---------------------------------------------------------------- identifiers

class Identifiers:
    """C and assembly definitions found by Universal Ctags over #line tangles."""

    KINDS = {"function": "function", "macro": "macro", "typedef": "type", "struct": "struct",
             "union": "union", "enum": "enum", "enumerator": "enumerator", "variable": "variable",
             "label": "label", "symbol": "symbol", "define": "macro", "externvar": None,
             "member": None, "prototype": None, "local": None, "parameter": None, "header": None,
             "section": None, "inputSection": None, "version": None}

    def __init__(self, weaver, workdir):
        self.w = weaver
        self.defs = {}    # name -> [(piece, kind)]
        self.linemaps = {}
        self.enclosing = {}   # piece -> the function its code sits inside
        self.run_ctags(workdir)

    def run_ctags(self, workdir):
        book = self.w.book
        lab = self.w.edition == "student"   # its identifiers come from the lab trees
        for n in range(1, self.w.nch + 1):
            try:
                files, defs = book.check_tree(n, lab)
            except BookError:
                files, defs = {}, book.definitions(n, lab)
            for root in files:
                if language_of(root) not in ("c", "asm", "ld"):
                    continue
                path = os.path.join(workdir, f"ch{n}", root)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(render_file(root, defs, True))
        if not os.path.isdir(workdir) or not os.listdir(workdir):
            return
        try:
            # --line-directives=yes would map tags back to the .nw sources, but
            # Universal Ctags 5.9 (Debian 12) ignores it; we map lines ourselves.
            out = subprocess.run(["ctags", "-R", "--line-directives=yes", "--output-format=json",
                                  "--fields=+nKle", "--languages=C,Asm,LdScript",
                                  "--langmap=C:+.h", "--langmap=Asm:+.S", "-o", "-", "."],
                                 cwd=workdir, capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"weave: ctags failed: {e}", file=sys.stderr)
            return
        where = {}
        for p in book.pieces:
            where.setdefault(os.path.normpath(p.path), []).append(p)
        seen = set()
        for rec in out.splitlines():
            try:
                t = json.loads(rec)
            except ValueError:
                continue
            if t.get("kind") == "function" and t.get("end") and t["path"].endswith(".c"):
                self.find_enclosed(workdir, t, where)
            kind = self.KINDS.get(t.get("kind"), None)
            if kind is None or t.get("scope"):
                continue
            name, path, line = t["name"], t["path"], t.get("line", 0)
            if not path.endswith(".nw"):
                path, line = self.nw_line(os.path.join(workdir, path), line)
            path = os.path.normpath(path)
            if kind == "label" and (name.startswith(".") or name[0].isdigit()):
                continue
            if name.startswith("__anon"):  # ctags' names for unnamed structs
                continue
            piece = None
            for p in where.get(path, []):
                if p.line < line <= p.line + len(p.body):
                    piece = p
                    break
            if piece is None or (name, piece) in seen:
                continue
            seen.add((name, piece))
            self.defs.setdefault(name, []).append((piece, kind))
        order = {p: i for i, p in enumerate(book.pieces)}
        for name in self.defs:
            self.defs[name].sort(key=lambda pk: order[pk[0]])

    def find_enclosed(self, workdir, t, where):
        """Pieces of the chapter's own tree whose lines sit inside function t
        but do not start it: their location label names the function."""
        chapter = int(t["path"].split("/", 1)[0][2:]) if t["path"].startswith("ch") else None
        path = os.path.join(workdir, t["path"])
        starts, inside = set(), []
        for line in range(t["line"], t["end"] + 1):
            nw, nl = self.nw_line(path, line)
            for p in where.get(os.path.normpath(nw), []):
                if p.line < nl <= p.line + len(p.body):
                    if line == t["line"]:
                        starts.add(p)
                    else:
                        inside.append(p)
                    break
        for p in inside:
            if p not in starts and p.chapter == chapter and p not in self.enclosing:
                self.enclosing[p] = t["name"]

    def nw_line(self, path, line):
        """Map a line of a #line tangle back to (.nw file, line)."""
        if path not in self.linemaps:
            m, cur = [None], None
            with open(path, encoding="utf-8") as f:
                for i, text in enumerate(f, 1):
                    d = re.match(r'#line (\d+) "([^"]+)"', text)
                    if d:
                        cur = (d.group(2), int(d.group(1)), i)
                        m.append(None)
                    else:
                        m.append((cur[0], cur[1] + i - cur[2] - 1) if cur else None)
            self.linemaps[path] = m
        m = self.linemaps[path]
        return m[line] if 0 < line < len(m) and m[line] else (path, 0)

    def link_target(self, name, piece):
        """The definition a use of `name` in `piece` refers to: the latest one so far."""
        ds = self.defs.get(name)
        if not ds:
            return None
        order = self.w.book.pieces.index
        best = None
        pi = order(piece)
        for p, _ in ds:
            if order(p) <= pi or best is None:
                if best is None or order(p) <= pi:
                    best = p
        return best


# ---------------------------------------------------------------- code rendering

CLASS_TEX = {"k": "nwK", "t": "nwT", "c": "nwC", "s": "nwS", "n": "nwN", "p": "nwP",
             "l": "nwL", "d": "nwD", "r": "nwR", "m": "nwM", "v": "nwV"}


class ChunkRenderer:
    def __init__(self, weaver, idents):
        self.w = weaver
        self.idents = idents
        self.ident_uses = {}   # name -> [pieces]

    def lines(self, p, lang):
        """Lines as lists of ('tok', cls, text) / ('use', name) items."""
        body = list(p.body)
        while body and all(it[0] == "text" and not it[1].strip() for it in body[0]):
            body.pop(0)   # leading blank lines are not shown
        return highlight_lines(lang, body)

    def code_html(self, p, page, record=True):
        out = []
        lang = self.w.lang(p)
        for line in self.lines(p, lang):
            s = ""
            for it in line:
                if it[0] == "use":
                    t = self.w.target(it[1], p.chapter)
                    if t is None:
                        s += f'<span class="use">⟨{name_html(it[1])}⟩</span>'
                    else:
                        s += self.w.chunk_ref(t, page)[0]
                    continue
                _, cls, text = it
                if cls in ("i", "t") and self.idents and text in self.idents.defs:
                    t = self.idents.link_target(text, p)
                    if record:
                        self.ident_uses.setdefault(text, [])
                        if p not in self.ident_uses[text]:
                            self.ident_uses[text].append(p)
                    if t is not None and t is not p:
                        href = self.w.href_piece(t, page)
                        s += f'<a class="ident {cls}" href="{h(href)}">{h(text)}</a>'
                        continue
                    s += f'<span class="{cls}">{h(text)}</span>'
                    continue
                if cls in ("o", "i"):
                    s += h(text)
                else:
                    s += f'<span class="{cls}">{h(text)}</span>'
            out.append(s)
        return "\n".join(out)

    def code_tex(self, p):
        out = []
        lang = self.w.lang(p)
        for line in self.lines(p, lang):
            s = ""
            col = 0
            lead = True
            for it in line:
                if it[0] == "use":
                    t = self.w.target(it[1], p.chapter)
                    if t is None:
                        s += r"$\langle${%s}$\rangle$" % name_tex(it[1])
                    else:
                        s += self.w.chunk_ref(t, p.chapter)[1]
                    lead = False
                    continue
                _, cls, text = it
                text = text.expandtabs(8) if "\t" in text else text
                if lead:
                    stripped = text.lstrip(" ")
                    col += len(text) - len(stripped)
                    text = stripped
                    if not text:
                        continue
                    lead = False
                body = tex_code(text)
                if cls in CLASS_TEX:
                    s += "\\%s{%s}" % (CLASS_TEX[cls], body)
                else:
                    s += body
            out.append(r"\nwline{%d}{%s}" % (col, s))
        return "\n".join(out)

    def plain_lines(self, p):
        out = []
        for items in p.body:
            out.append("".join(it[1] if it[0] == "text" else f"<<{it[1]}>>" for it in items))
        return out

    def diff_line(self, line, p, page):
        """A line of the diff as HTML: <<name>> uses become ⟨name⟩ links, as in the code."""
        out = []
        for i, part in enumerate(re.split(r"<<(.+?)>>", line)):
            if i % 2 == 0:
                out.append(h(part))
                continue
            t = self.w.target(part, p.chapter)
            out.append(self.w.chunk_ref(t, page)[0] if t is not None
                       else f'<span class="use">⟨{name_html(part)}⟩</span>')
        return "".join(out)

    # -- the whole chunk: one model, two renderers
    def model(self, p, page):
        """What a chunk shows, for both renderers: where it lands, where it
        came from (extends / replaces), what follows it, its earlier version."""
        w = self.w
        before, after = w.history(p)
        m = {"p": p, "page": page, "anchor": w.anchor[p], "label": w.label[p],
             "mark": {"extend": "+≡", "replace": "≡"}.get(p.mode, "≡"),
             "shown": [f for f in w.files[p] if f != p.name],
             "function": self.idents.enclosing.get(p) if self.idents else None,
             "is_root": p.name in w.files[p],   # the chunk's name already says the file
             "extends": None, "replaces": None, "old": [], "empty_next": None,
             "users": [q for q in w.users[p] if q is not p and q not in w.hidden],
             "replaced_in": None, "extended_in": []}
        if p.mode == "extend" and before:
            m["extends"] = ([q for q in before if q.mode != "extend"][-1:] or before[:1])[0]
        if p.mode == "replace" and before:
            m["old"] = w.old_version(p)
            m["replaces"] = m["old"][0]
        m["empty"] = not any(it[0] != "text" or it[1].strip() for items in p.body for it in items)
        if m["empty"]:
            later = [q for q in after if q.mode != "replace"][:1] or after[:1]
            m["empty_next"] = later[0] if later else None
        for q in after:
            if q.mode == "replace":
                m["replaced_in"] = q
                break
            m["extended_in"].append(q)
        return m

    def empty_note(self, m, page, k):
        """What an empty chunk says instead of code, (Chinese, English): where
        it is filled in, if anywhere. k = 0 gives the references as HTML,
        k = 1 as LaTeX."""
        q, w = m["empty_next"], self.w
        if q is None:
            return "（此处为空）", "(empty here)"
        sref, ref = w.sec_ref(w.section[q], page)[k], w.chunk_ref(q, page, with_name=False)[k]
        return (f"（此处为空，在 {sref}（{ref}）中{'扩充' if q.mode == 'extend' else '给出'}）",
                f"(empty here; {'extended' if q.mode == 'extend' else 'filled in'} in {sref}, {ref})")

    def render(self, p, page):
        m = self.model(p, page)
        return raw_block("html", self.render_html(m)) + "\n" + raw_block("latex", self.render_tex(m))

    def render_html(self, m):
        w, p, page = self.w, m["p"], m["page"]
        a = m["anchor"]
        loc_html = " ".join(f'<span class="file">{h(f)}</span>' for f in m["shown"]) or \
            ("" if m["is_root"] else '<span class="file">(no file)</span>')
        if m["function"] and len(m["shown"]) == 1:   # "kernel/vm.c, in walk()"
            fn = h(m["function"])
            loc_html += (f'<span class="ui infn" lang="zh-CN">，<code>{fn}()</code> 中</span>'
                         f'<span class="ui infn" lang="en">, in <code>{fn}()</code></span>')
        notes = []
        if m["extends"]:
            ref, sref = w.chunk_ref(m["extends"], page)[0], w.sec_ref(w.section[m["extends"]], page)[0]
            notes.append(f'<span class="ui" lang="zh-CN">续写 {ref}（{sref}）</span>'
                         f'<span class="ui" lang="en">adds to {ref} ({sref})</span>')
        if m["replaces"]:
            ref, sref = w.chunk_ref(m["replaces"], page)[0], w.sec_ref(w.section[m["replaces"]], page)[0]
            notes.append(f'<span class="ui" lang="zh-CN">取代 {sref} 的 {ref}</span>'
                         f'<span class="ui" lang="en">replaces {ref} from {sref}</span>')
        head = (f'<div class="chunk-head"><a class="chunk-num" href="#{a}">{m["label"]}</a> '
                f'<span class="chunk-name">⟨{name_html(p.name)}⟩</span>'
                f'<span class="defmark">{h(m["mark"])}</span></div>')
        loc = ""
        if loc_html or notes:
            loc = (f'<div class="chunk-loc">{loc_html}'
                   + ((' <span class="sep">·</span> ' if loc_html else "") + " ".join(notes) if notes else "")
                   + "</div>")
        code = self.code_html(p, page)
        body = f'<pre class="code lang-{w.lang(p)}"><code>{code}</code></pre>'
        if not code.strip():
            zh, en = self.empty_note(m, page, 0)
            body = (f'<div class="chunk-empty"><span lang="zh-CN">{zh}</span> '
                    f'<span lang="en">{en}</span></div>')
        old_html = ""
        if m["old"]:
            olds = "".join(
                f'<div class="old-piece">{w.chunk_ref(q, page)[0]}'
                f'<pre class="code lang-{w.lang(q)}"><code>{self.code_html(q, page, False)}</code></pre></div>'
                for q in m["old"])
            a_lines = [line for q in m["old"] for line in self.plain_lines(q)]
            diff = list(difflib.unified_diff(a_lines, self.plain_lines(p), lineterm="", n=2))[2:]
            dl = [f'<span class="{ {"+": "add", "-": "del", "@": "hunk"}.get(l[:1], "ctx") }">'
                  f'{self.diff_line(l, p, page)}</span>' for l in diff]
            old_html = ('<details class="old-version"><summary>'
                        '<span class="ui" lang="zh-CN">旧版本与差异</span>'
                        '<span class="ui" lang="en">Earlier version and diff</span></summary>'
                        f'{olds}<pre class="diff"><code>' + "".join(dl) + '</code></pre></details>')
        foot = []
        if m["users"]:
            foot.append('<span class="ui" lang="zh-CN">用于</span><span class="ui" lang="en">Used in</span> '
                        + ", ".join(w.chunk_ref(q, page, with_name=False)[0] for q in m["users"]))
        if m["replaced_in"]:
            q = m["replaced_in"]
            sref, ref = w.sec_ref(w.section[q], page)[0], w.chunk_ref(q, page, with_name=False)[0]
            foot.append(f'<span class="ui" lang="zh-CN">在 {sref} 被取代（{ref}）</span>'
                        f'<span class="ui" lang="en">replaced in {sref} ({ref})</span>')
        if m["extended_in"]:
            foot.append('<span class="ui" lang="zh-CN">续写于</span><span class="ui" lang="en">Extended in</span> '
                        + ", ".join(w.chunk_ref(q, page, with_name=False)[0] for q in m["extended_in"]))
        foot_html = ('<div class="chunk-foot">' + '<span class="sep"> · </span>'.join(foot) + "</div>"
                     if foot else "")
        kind = f" {p.mode}" if p.mode else ""
        return (f'<div class="chunk{kind}" id="{a}">\n{loc}\n{head}\n{body}\n'
                f'{old_html}{foot_html}\n</div>')

    def render_tex(self, m):
        w, p = self.w, m["p"]
        page = p.chapter
        loc = ", ".join(r"\texttt{%s}" % tex(f) for f in m["shown"])
        if m["function"] and len(m["shown"]) == 1:
            loc += r", in \texttt{%s()}" % tex(m["function"])
        notes = []
        if m["extends"]:
            notes.append(r"\nwadds{%s}{%s}" % (w.chunk_ref(m["extends"], page)[1],
                                               w.sec_ref(w.section[m["extends"]], page)[1]))
        if m["replaces"]:
            notes.append(r"\nwreplaces{%s}{%s}" % (w.chunk_ref(m["replaces"], page)[1],
                                                   w.sec_ref(w.section[m["replaces"]], page)[1]))
        if m["empty"]:
            code = r"\nwempty{%s}{%s}" % self.empty_note(m, page, 1)
        else:
            code = self.code_tex(p)
        foot = []
        if m["users"]:
            foot.append(r"\nwusedin{%s}" % ", ".join(w.chunk_ref(q, page, with_name=False)[1]
                                                     for q in m["users"]))
        if m["replaced_in"]:
            q = m["replaced_in"]
            foot.append(r"\nwreplacedin{%s}{%s}" % (w.sec_ref(w.section[q], page)[1],
                                                    w.chunk_ref(q, page, with_name=False)[1]))
        if m["extended_in"]:
            foot.append(r"\nwextendedin{%s}" % ", ".join(w.chunk_ref(q, page, with_name=False)[1]
                                                         for q in m["extended_in"]))
        return (r"\begin{nwchunk}{%s}{%s}{%s}{%s}{%s}{%s}" % (
            m["anchor"], m["label"], name_tex(p.name), tex(m["mark"]).replace("≡", r"\nweq{}"),
            loc, " ".join(notes)) + "\n" + code + "\n"
            + r"\nwfoot{%s}" % r"\nwsep{}".join(foot) + "\n" + r"\end{nwchunk}")


# ---------------------------------------------------------------- prose

class ProseRenderer:
    def __init__(self, weaver):
        self.w = weaver
        self.names = {p.name for p in weaver.book.pieces}
        self.chapter = 1      # the chapter being woven (chunk names resolve in its tree)
        self.problems = []    # file:line: sentence, for the weave to report

    def figure_ref(self, m, page, lang):
        """[](#fig:x) -> 图 N.k / Figure N.k, linked; both words outside a language div."""
        ident = m.group(1)
        if ident not in self.w.figures:
            self.problems.append(f"chapter {self.chapter}: [](#{ident}) names no figure "
                                 f"(figures are ![caption](assets/x.svg){{#fig:x}})")
            return m.group(0)
        n, k = self.w.figures[ident]
        href = f"#{ident}" if page_file(page) == f"ch{n}.html" else f"ch{n}.html#{ident}"
        if lang == "zh":
            words_h, words_t = f"图&nbsp;{n}.{k}", r"图~\ref{%s}" % ident
        elif lang == "en":
            words_h, words_t = f"Figure&nbsp;{n}.{k}", r"Figure~\ref{%s}" % ident
        else:
            words_h = (f'<span lang="zh-CN">图&nbsp;{n}.{k}</span>'
                       f'<span lang="en">Figure&nbsp;{n}.{k}</span>')
            words_t = r"图/Figure~\ref{%s}" % ident
        return (raw_inline("html", f'<a class="figref" href="{h(href)}">{words_h}</a>')
                + raw_inline("latex", words_t))

    def caption(self, line, lang_of_page=None):
        """A figure's line: its caption gets 图 N.k / Figure N.k (HTML only:
        LaTeX numbers its figures itself, with the same numbers)."""
        m = FIGURE.search(line)
        if not m:
            return line
        n, k = self.w.figures[m.group(1)]
        zh = raw_inline("html", f'<span class="fignum">图 {n}.{k}</span>') + "　"
        en = raw_inline("html", f'<span class="fignum">Figure {n}.{k}.</span>') + " "
        head, tail = line[:m.start()], line[m.start():]
        src = re.search(r"\]\(([^()\s]+\.svg)\)\{#", tail)
        if src and bilingual_svg(src.group(1)):   # lang.js swaps in x.zh.svg / x.en.svg
            tail = tail.replace("{#%s" % m.group(1), '{#%s data-langs="zh en"' % m.group(1), 1)
        new = re.sub(r"\[(\s*)((?:[^\[\]]|\[[^\]]*\])*)\]\{lang=(zh[\w-]*|en)\}",
                     lambda x: f"[{x.group(1)}{zh if x.group(3).startswith('zh') else en}{x.group(2)}]{{lang={x.group(3)}}}",
                     tail, count=2)
        if new == tail:  # a caption in one language only
            new = "![" + raw_inline("html", f'<span class="fignum">图 {n}.{k} / Figure {n}.{k}.</span>') + " " + tail[2:]
        return head + new

    def line(self, items, page, lang=None):
        out = ""
        quoting = None
        for it in items:
            if it[0] == "quote":
                quoting = ""
            elif it[0] == "endquote":
                out += md_code(quoting or "")
                quoting = None
            elif it[0] == "use":
                if quoting is not None:
                    quoting += f"<<{it[1]}>>"
                else:
                    out += self.chunk_mention(it[1], page)
            elif quoting is not None:
                quoting += it[1]
            else:
                out += self.text(zh_quotes(it[1]) if lang == "zh" else it[1], page, lang)
        if quoting is not None:
            out += md_code(quoting)
        return out

    def text(self, s, page, lang=None):
        # ⟨chunk name⟩ in prose links to the chunk; §N.k links to the section
        def chunk(m):
            # "⟨name⟩ in §2.3" or "§2.3 中的 ⟨name⟩": the version in that section
            near = (re.match(r"\s*(?:in|of|from|（|\()\s*§(\d+(?:\.\d+)*)", s[m.end():])
                    or re.search(r"§(\d+(?:\.\d+)*)\s*(?:中的|里的|的)?\s*$", s[:m.start()]))
            return self.chunk_mention(m.group(1), page, m.group(0), near.group(1) if near else None)

        def sec(m):
            sec = self.w.sec_by_num.get(m.group(1))
            if sec is None:
                return m.group(0)
            href = f"#{sec.id}" if page_file(page) == sec.page() else f"{sec.page()}#{sec.id}"
            return (raw_inline("html", f'<a class="secref" href="{h(href)}">§{sec.number}</a>')
                    + raw_inline("latex", r"\S\ref{%s}" % sec.id))
        def sec_by_id(m, page):
            # [](#sec:x) -> §N.M, linked
            sec = self.w.sec_by_id.get(m.group(1))
            if sec is None:
                self.problems.append(f"chapter {self.chapter}: [](#{m.group(1)}) names no section")
                return m.group(0)
            href = f"#{sec.id}" if page_file(page) == sec.page() else f"{sec.page()}#{sec.id}"
            return (raw_inline("html", f'<a class="secref" href="{h(href)}">§{sec.number}</a>')
                    + raw_inline("latex", r"\S\ref{%s}" % sec.id))
        s = re.sub(r"⟨([^⟨⟩]+)⟩", chunk, s)
        s = re.sub(r"§(\d+(?:\.\d+)*)(?![\d])", sec, s)
        s = FIGREF.sub(lambda m: self.figure_ref(m, page, lang), s)
        s = SECREF.sub(lambda m: sec_by_id(m, page), s)

        def fragment(m):
            # [text](#id) to an id on another page: point at that page
            where = self.w.id_page.get(m.group(1))
            if where is None or where == page_file(page):
                return m.group(0)
            return f"]({where}#{m.group(1)})"
        s = re.sub(r"\]\(#([^)\s]+)\)", fragment, s)
        return s

    def chunk_mention(self, name, page, fallback=None, secnum=None):
        if name not in self.names:
            return fallback if fallback is not None else f"⟨{name}⟩"
        t = self.w.target(name, self.chapter) or self.w.book.history(name)[0]
        if secnum:
            inside = [p for p in self.w.book.history(name) if p not in self.w.hidden
                      and self.w.section[p] and (self.w.section[p].number + ".").startswith(secnum + ".")]
            t = inside[0] if inside else t
        href = self.w.href_piece(t, page)
        return (raw_inline("html", f'<a class="chunkref" href="{h(href)}">⟨{name_html(name)}⟩</a>')
                + raw_inline("latex", r"\nwmention{%s}{%s}" % (self.w.anchor[t], name_tex(name))))



# ---------------------------------------------------------------- chapter opener

OPENER_DIRS = ("kernel/", "user/", "scripts/", "tools/")
OPENER_FILES = ("Makefile", ".clang-format")
OPENER_COLLAPSE = 3   # more unchanged files than this in a directory: one summary line
STATUS = {  # status -> (zh, en); LaTeX: \nwop<status>{depth}{name}{lines}
    "new": ("新增", "new"),
    "changed": ("修改", "changed"),
    "removed": ("删除", "removed"),
    "unchanged": ("未变", "unchanged"),
}


def opener_files(book, nch):
    """{chapter: [(path, status, lines, old_lines)]}: each chapter's tree against
    the one before it, from the tangler's own rendering (no #line directives)."""
    out, prev = {}, {}
    for n in range(1, nch + 1):
        files, defs = book.check_tree(n)
        cur = {r: render_file(r, defs, False) for r in files
               if r.startswith(OPENER_DIRS) or r in OPENER_FILES}
        rows = []
        for r in set(cur) | set(prev):
            text, old = cur.get(r), prev.get(r)
            st = ("new" if old is None else "removed" if text is None
                  else "changed" if text != old else "unchanged")
            nl = lambda t: t.count("\n") if t is not None else None  # noqa: E731
            rows.append((r, st, nl(text), nl(old)))
        out[n] = rows
        prev = cur
    return out


def opener_tree(rows):
    """[(depth, kind, payload)] in display order: directories first (kernel/,
    scripts/, user/...), then top-level files; kind is "dir", "file" or "more"."""
    tree = {}
    for row in rows:
        node = tree
        parts = row[0].split("/")
        for d in parts[:-1]:
            node = node.setdefault(d + "/", {})
        node[parts[-1]] = row
    lines = []

    def walk(node, depth):
        dirs = sorted(k for k in node if isinstance(node[k], dict))
        files = sorted((k for k in node if not isinstance(node[k], dict)),
                       key=lambda k: (k.lower().lstrip("."), k))
        for d in dirs:
            lines.append((depth, "dir", d))
            walk(node[d], depth + 1)
        same = [node[f] for f in files if node[f][1] == "unchanged"]
        for f in files:
            if node[f][1] != "unchanged" or len(same) <= OPENER_COLLAPSE:
                lines.append((depth, "file", (f, node[f])))
        if len(same) > OPENER_COLLAPSE:
            lines.append((depth, "more", same))
    walk(tree, 0)
    return lines


def opener(rows):
    """The chapter opener: (html, latex)."""
    counts = {st: sum(1 for r in rows if r[1] == st) for st in STATUS}
    total = sum(r[2] for r in rows if r[2] is not None)

    def lines_html(row):
        _, st, n, old = row
        if st == "changed":
            return f'<span class="loc">{old} → {n}</span>'
        return f'<span class="loc">{n if n is not None else old}</span>'

    def badge(st):
        zh, en = STATUS[st]
        return (f'<span class="badge {st}"><span class="ui" lang="zh-CN">{zh}</span>'
                f'<span class="ui" lang="en">{en}</span></span>')

    summary = " · ".join(
        f'<span class="sum {st}"><span class="ui" lang="zh-CN">{STATUS[st][0]} {counts[st]}</span>'
        f'<span class="ui" lang="en">{counts[st]} {STATUS[st][1]}</span></span>'
        for st in STATUS if counts[st])
    items, tex_lines = [], []
    for depth, kind, x in opener_tree(rows):
        pad = f' style="--depth:{depth}"'
        if kind == "dir":
            items.append(f'<li class="dir"{pad}>{h(x)}</li>')
            tex_lines.append(r"\nwopdir{%d}{%s}" % (depth, tex(x)))
        elif kind == "file":
            name, row = x
            items.append(f'<li class="file {row[1]}" data-path="{h(row[0])}" data-status="{row[1]}"{pad}>'
                         f'<code>{h(name)}</code>{badge(row[1]) if row[1] != "unchanged" else ""}'
                         f'{lines_html(row)}</li>')
            n = row[2] if row[2] is not None else row[3]
            tex_lines.append(r"\nwop%s{%d}{%s}{%s}" % (
                row[1], depth, tex(name), f"{row[3]}\\,$\\to$\\,{row[2]}" if row[1] == "changed" else n))
        else:
            n = sum(r[2] for r in x)
            same = "".join(f'<li class="file unchanged" data-path="{h(r[0])}" data-status="unchanged">'
                           f'<code>{h(r[0].rsplit("/", 1)[-1])}</code>{lines_html(r)}</li>' for r in x)
            items.append(f'<li class="more"{pad}><details><summary>'
                         f'<span class="ui" lang="zh-CN">另有 {len(x)} 个文件未变</span>'
                         f'<span class="ui" lang="en">{len(x)} more files unchanged</span>'
                         f'<span class="loc">{n}</span></summary><ul>{same}</ul></details></li>')
            tex_lines.append(r"\nwopmore{%d}{%d}{%d}" % (depth, len(x), n))
    html_block = (
        '<aside class="opener">\n<div class="opener-head">'
        '<span lang="zh-CN">本章的代码</span><span lang="en">This chapter\u2019s code</span></div>\n'
        f'<div class="opener-sum">{summary} · <span class="ui" lang="zh-CN">共 {total} 行</span><span class="ui" lang="en">{total} lines</span></div>\n'
        '<ul class="tree">\n' + "\n".join(items) + "\n</ul>\n</aside>")
    tex_block = (r"\begin{nwopener}{%s}{%d}" % (
        r"\nwopsep{}".join(r"\nwopcount{%s}{%d}" % (st, counts[st]) for st in STATUS if counts[st]),
        total) + "\n" + "\n".join(tex_lines) + "\n" + r"\end{nwopener}")
    return raw_block("html", html_block) + "\n" + raw_block("latex", tex_block)


# ---------------------------------------------------------------- pages

def zh_quotes(s):
    """Straight double quotes in Chinese prose become “…” (pandoc's smart
    quotes take a quote after a CJK character for a closing one). Code spans,
    attributes and raw inlines are left alone."""
    parts = re.split(r"(`+[^`]*`+(?:\{[^}]*\})?|\{[^}]*\}|<[^>]*>)", s)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r'"([^"]*)"', "“\\1”", parts[i])
    return "".join(parts)


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def yaml_str(s):
    return json.dumps(s, ensure_ascii=False)


def secnum_html(sec):
    return raw_inline("html", f'<span class="secnum">{sec.number}</span> ')


MOVED_DIVS = ("answers", "solution")
# the appendices: page (and id) -> (zh title, en title); contract and glossary
# come from book/, solutions and answers from the chapters (reader's edition)
APPENDICES = {"contract": ("内核的契约", "The kernel's contract"),
              "solutions": ("练习解答", "Solutions"),
              "answers": ("思考题答案", "Answers"),
              "glossary": ("术语表", "Glossary")}   # prose divs the weave moves to an appendix


def chapter_md(w, ch, chunks, prose, opener_md=""):
    """A chapter's Markdown; `opener_md` goes after the chapter's opening prose
    (before its first section heading or code chunk).

    Solutions (`solution: X` chunks and `::: {.solution}` prose) go to
    w.appendix["solutions"][chapter] in the reader's edition and are left
    out of the student edition; `::: {.answers}` goes to
    w.appendix["answers"][chapter] (reader's edition only)."""
    page = ch.index
    prose.chapter = ch.index
    out = []
    stack = []           # open fenced divs: "zh", "en", "answers", "solution" or ""
    prose_tail = False   # the last line out is a line of prose
    sink = out           # where lines go: the page, or an appendix buffer
    cur_sec = w.chapter_sec.get(page)
    sol = w.appendix["solutions"].setdefault(page, [])
    ans = w.appendix["answers"].setdefault(page, [])

    def cur_lang():
        for d in reversed(stack):
            if d in ("zh", "en"):
                return d
        return None

    def moved():
        return next((d for d in stack if d in MOVED_DIVS), None)

    def place_opener():
        nonlocal opener_md
        if opener_md and not stack:  # never inside a div
            out.append("\n" + opener_md + "\n")
            opener_md = ""
    for kind, block in ch.blocks:
        prose_tail = False
        if kind == "code":
            if block in w.hidden:
                continue
            if block in w.moved:
                sol.append((w.section[block], "\n" + chunks.render(block, "solutions") + "\n"))
                out.append("\n" + moved_note(w, block, page) + "\n")
                continue
            place_opener()
            out.append("\n" + chunks.render(block, page) + "\n")
            continue
        in_fence = False
        for items in block:
            line = "".join(i[1] for i in items if i[0] == "text")
            where = moved()
            tgt_page = {"answers": "answers", "solution": "solutions"}.get(where, page)
            sink = out if where is None else []
            prose_tail_was, prose_tail = prose_tail, False
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
                sink.append(line + "\n")
            elif in_fence:
                sink.append(line + "\n")
            elif re.match(r"^:::+\s*$", line) and stack:
                d = stack.pop()
                if d not in MOVED_DIVS:
                    sink.append(line + "\n")
            elif re.match(r"^:::+\s*(\{[^}]*\}|[\w-]+)\s*$", line):
                attrs = line.strip(": ")
                lm = re.search(r"lang=\"?([\w-]+)", attrs)
                cm = re.search(r"\.(answers|solution)\b", attrs)
                if cm:
                    stack.append(cm.group(1))
                else:
                    stack.append(("zh" if lm.group(1).startswith("zh") else lm.group(1)) if lm else "")
                    sink.append(line + "\n")
            else:
                m = HEADING.match(line) if not any(i[0] == "quote" for i in items) else None
                if m:
                    if len(m.group(1)) > 1:
                        place_opener()
                    sec = next(s for s in w.sections if s.line_items is items)
                    cur_sec = sec
                    attrs = f"#{sec.id}"
                    mid = HEADING_ID.search(m.group(2))
                    if mid:
                        attrs = mid.group(1)
                    sink.append(f"\n{m.group(1)} {secnum_html(sec)}{prose.text(sec.md, tgt_page)} {{{attrs}}}\n")
                else:
                    text = prose.line(items, tgt_page, cur_lang())
                    if FIGURE.search(text):
                        text = prose.caption(text)
                    # pandoc's east_asian_line_breaks takes U+2014 for a narrow character and
                    # turns the line break next to "——" into a space: join the lines here
                    prev = sink[-1] if sink else ""
                    if (text.strip() and prev.strip() and prev.endswith("\n") and prose_tail_was
                            and (prev.rstrip("\n").endswith("——") or text.lstrip().startswith("——"))):
                        sink[-1] = prev.rstrip("\n") + text.lstrip() + "\n"
                    else:
                        sink.append(text + "\n")
                    prose_tail = True
            if where == "answers":
                ans.append((None, "".join(sink)))
            elif where == "solution" and w.edition == "reader":
                sol.append((cur_sec, "".join(sink)))
            continue
    place_opener()
    return "".join(out)


def moved_note(w, p, page):
    """In place of a solution chunk: where the reader's edition keeps it."""
    ref = w.chunk_ref(p, page)
    html_note = (f'<div class="chunk-moved">{ref[0]} <span lang="zh-CN">的参考解答在附录'
                 f'<a href="solutions.html">“练习解答”</a>里。</span>'
                 f'<span lang="en">: the solution is in the <a href="solutions.html">Solutions</a>'
                 f' appendix.</span></div>')
    tex_note = (r"\par\noindent{\small %s\quad 参考解答见附录“练习解答” / "
                r"the solution is in the Solutions appendix.\par}" % ref[1])
    return raw_block("html", html_note) + "\n" + raw_block("latex", tex_note)


def toc_md(w):
    out = []
    for sec in w.sections:
        if sec.level > 3:
            continue
        indent = "    " * (sec.level - 1)
        href = sec.page() + ("" if sec.level == 1 else f"#{sec.id}")
        out.append(f"{indent}- [{sec.number} {sec.md}]({href})")
    return "\n".join(out) + "\n"


def chunk_index(w, page="chunks"):
    """(html, latex) of the chunk index."""
    by_name = {}
    for p in w.book.pieces:
        if p not in w.hidden:
            by_name.setdefault(p.name, []).append(p)
    rows_h, rows_t = [], []
    for name in sorted(by_name, key=lambda n: (n.lower().lstrip("._"), n)):
        ps = by_name[name]
        refs = []
        for p in ps:
            r = w.chunk_ref(p, page, with_name=False)
            tag = {"extend": "+", "replace": "↻"}.get(p.mode, "")
            refs.append((tag + r[0], (tag.replace("↻", r"\nwrepl{}")) + r[1]))
        users = []
        for p in ps:
            for q in w.users[p]:
                if q not in users and q not in ps and q not in w.hidden:
                    users.append(q)
        ur = [w.chunk_ref(q, page, with_name=False) for q in users]
        files = sorted({f for p in ps for f in w.files[p]})
        rows_h.append(
            f'<li><span class="chunk-name">⟨{name_html(name)}⟩</span> '
            f'<span class="ui" lang="zh-CN">定义</span><span class="ui" lang="en">defined</span> '
            + ", ".join(r[0] for r in refs)
            + ("; <span class=\"ui\" lang=\"zh-CN\">用于</span><span class=\"ui\" lang=\"en\">used in</span> "
               + ", ".join(r[0] for r in ur) if ur else "")
            + (" <span class=\"idx-file\">" + ", ".join(h(f) for f in files) + "</span>" if files else "")
            + "</li>")
        rows_t.append(r"\nwidxentry{$\langle${%s}$\rangle$}{%s}{%s}" % (
            name_tex(name), ", ".join(r[1] for r in refs), ", ".join(r[1] for r in ur)))
    return ('<ul class="index chunk-index">\n' + "\n".join(rows_h) + "\n</ul>",
            "\\begin{nwindex}\n" + "\n".join(rows_t) + "\n\\end{nwindex}")


KIND_ZH = {"function": "函数", "macro": "宏", "type": "类型", "struct": "结构体", "union": "联合体",
           "enum": "枚举", "enumerator": "枚举值", "variable": "变量", "label": "标号", "symbol": "符号"}


def ident_index(w, idents, uses, page="identifiers"):
    rows_h, rows_t = [], []
    for name in sorted(idents.defs, key=lambda n: (n.lower().lstrip("_."), n)):
        ds = idents.defs[name]
        def_pieces = [p for p, _ in ds]
        kinds = sorted({k for _, k in ds})
        refs = [w.chunk_ref(p, page, with_name=False) for p in def_pieces]
        us = [q for q in uses.get(name, []) if q not in def_pieces]
        order = {p: i for i, p in enumerate(w.book.pieces)}
        us.sort(key=order.get)
        ur = [w.chunk_ref(q, page, with_name=False) for q in us]
        anchor = "id-" + re.sub(r"[^\w.-]", "_", name)
        rows_h.append(
            f'<li id="{h(anchor)}"><code>{h(name)}</code> <span class="kind">'
            f'<span class="ui" lang="zh-CN">{h("、".join(KIND_ZH.get(k, k) for k in kinds))}</span>'
            f'<span class="ui" lang="en">{h(", ".join(kinds))}</span></span> '
            f'<span class="ui" lang="zh-CN">定义</span><span class="ui" lang="en">defined</span> '
            + ", ".join(r[0] for r in refs)
            + ("; <span class=\"ui\" lang=\"zh-CN\">用于</span><span class=\"ui\" lang=\"en\">used in</span> "
               + ", ".join(r[0] for r in ur) if ur else "") + "</li>")
        rows_t.append(r"\nwidxentry{\texttt{%s}}{%s}{%s}" % (
            tex(name), ", ".join(r[1] for r in refs), ", ".join(r[1] for r in ur)))
    return ('<ul class="index ident-index">\n' + "\n".join(rows_h) + "\n</ul>",
            "\\begin{nwindex}\n" + "\n".join(rows_t) + "\n\\end{nwindex}")


EXERCISE_LABELS = {"zh": ("**契约。**", "**要改的文件。**", "**检查命令。**"),
                   "en": ("**Contract.**", "**Files to change.**", "**Check.**")}
EXERCISE_CHECK = {"zh": re.compile(r"\*\*检查命令。\*\*[^`]{0,80}`make\b"),
                  "en": re.compile(r"\*\*Check\.\*\*[^`]{0,80}`make\b")}


def check_exercises(w):
    """An exercise section (a heading with the class .exercise) states its
    contract, the files to change and the command that checks the work, in
    both languages. Returns a list of problems."""
    problems = []
    for ch in w.book.chapters:
        found = []   # [(section, level, {"zh": text, "en": text})]
        stack = []
        for kind, block in ch.blocks:
            if kind == "code":
                continue
            in_fence = False
            for items in block:
                line = "".join(i[1] if i[0] == "text" else "`" if i[0] in ("quote", "endquote")
                               else f"<<{i[1]}>>" for i in items)
                if line.lstrip().startswith(("```", "~~~")):
                    in_fence = not in_fence
                if in_fence:
                    continue
                if re.match(r"^:::+\s*$", line) and stack:
                    stack.pop()
                    continue
                dm = re.match(r"^:::+\s*(\{[^}]*\}|[\w-]+)\s*$", line)
                if dm:
                    lm = re.search(r"lang=\"?([\w-]+)", dm.group(1))
                    stack.append(("zh" if lm.group(1).startswith("zh") else lm.group(1)) if lm else "")
                    continue
                m = HEADING.match(line) if not any(i[0] == "quote" for i in items) else None
                if m:
                    level = len(m.group(1))
                    if found and found[-1][1] is not None and level <= found[-1][1]:
                        found[-1] = (found[-1][0], None, found[-1][2])   # closed
                    mid = HEADING_ID.search(m.group(2))
                    if mid and re.search(r"(^|\s)\.exercise\b", mid.group(1)):
                        sec = next(s for s in w.sections if s.line_items is items)
                        found.append((sec, level, {"zh": "", "en": ""}))
                    continue
                if found and found[-1][1] is not None:
                    lang = next((d for d in reversed(stack) if d in ("zh", "en")), None)
                    if lang:
                        found[-1][2][lang] += line + "\n"
        for sec, _, text in found:
            for lang in ("zh", "en"):
                missing = [lab for lab in EXERCISE_LABELS[lang] if lab not in text[lang]]
                if not missing and not EXERCISE_CHECK[lang].search(text[lang]):
                    missing = [f"{EXERCISE_LABELS[lang][2]} followed by a `make ...` command"]
                if missing:
                    problems.append(f"{ch.path}: exercise section §{sec.number} ({{#{sec.id}}}) lacks, "
                                    f"in its {'zh-CN' if lang == 'zh' else 'en'} text: "
                                    + ", ".join(missing))
    return problems


def book_page(prose, path, page):
    """A page written in book/ (the contract, the glossary): Pandoc Markdown
    with both languages; § and figure references are resolved as in chapters."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out, in_fence, lang = [], False, None
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence:
            dm = re.match(r"^:::+\s*(\{[^}]*lang=([\w-]+)[^}]*\})?\s*$", line)
            if dm:
                lang = ("zh" if dm.group(2).startswith("zh") else "en") if dm.group(1) else None
            elif not line.startswith("#"):
                line = prose.text(line, page, lang)
        out.append(line)
    return "\n".join(out)


def appendix_md(w, name):
    """The Solutions or Answers appendix: what chapter_md moved, chapter by chapter."""
    zh, en = APPENDICES[name]
    out = [f"# [{zh}]{{lang=zh-CN}} [{en}]{{lang=en}} {{#{name} .unnumbered}}\n"]
    if name == "solutions":
        out.append("::: {lang=zh-CN}\n每道练习的参考解答，按章排列。先自己做，再打开看。\n:::\n\n"
                   "::: {lang=en}\nThe reference solution of each exercise, chapter by chapter. "
                   "Try the exercise first, then open its solution.\n:::\n")
    else:
        out.append("::: {lang=zh-CN}\n各章末尾“思考”问题的答案，按章排列。\n:::\n\n"
                   "::: {lang=en}\nAnswers to the questions at the end of each chapter.\n:::\n")
    for n in range(1, w.nch + 1):
        items = w.appendix[name].get(n) or []
        if not items:
            continue
        title = w.chapter_sec.get(n)
        t = heading_text(title.md) if title else {}
        out.append(f"\n## [第 {n} 章　{t.get('zh-CN', '')}]{{lang=zh-CN}} "
                   f"[Chapter {n}: {t.get('en', '')}]{{lang=en}} {{#{name}-ch{n} .unnumbered}}\n")
        if name == "answers":
            out.extend(text for _, text in items)
            continue
        opened, last = False, None
        for sec, text in items:
            if not opened or sec is not last:
                if opened:
                    out.append(raw_block("html", "</details>"))
                ref = w.sec_ref(sec, "solutions") if sec else ("", "")
                st = heading_text(sec.md) if sec else {}
                out.append(raw_block("html", f'<details class="solution"><summary>{ref[0]} '
                                     f'<span lang="zh-CN">{h(st.get("zh-CN", ""))}</span>'
                                     f'<span lang="en">{h(st.get("en", ""))}</span></summary>'))
                if sec:
                    out.append(raw_block("latex", r"\subsection*{%s / %s (\S\ref{%s})}" % (
                        tex(st.get("zh-CN", "")), tex(st.get("en", "")), sec.id)))
                opened, last = True, sec
            out.append(text)
        if opened:
            out.append(raw_block("html", "</details>"))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--front", default=None, help="Markdown for the front of the book")
    ap.add_argument("--edition", choices=("reader", "student"), default="reader",
                    help="reader: solutions in an appendix; student: no solution at all")
    ap.add_argument("--pages", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "book"),
                    help="directory of the written appendices (appendix-contract.md, glossary.md)")
    ap.add_argument("sources", nargs="*")
    args = ap.parse_args()
    try:
        w = Weaver(args.sources, args.edition)
    except BookError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        return 1
    problems = check_exercises(w)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print("weave: an exercise section (class .exercise) must state its contract, files and check "
              "in both languages; see book/CONVENTIONS.md", file=sys.stderr)
        return 1
    # ids of the written appendices, so that chapters can link to them
    for name in APPENDICES:
        path = os.path.join(args.pages, f"appendix-{name}.md")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for ident in re.findall(r"\{#([^\s}]+)", f.read()):
                    w.id_page[ident] = f"{name}.html"
    out = args.out
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="weave-")
    try:
        idents = Identifiers(w, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    chunks = ChunkRenderer(w, idents)
    prose = ProseRenderer(w)
    try:
        trees = opener_files(w.book, w.nch)
    except BookError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        return 1
    pages = []
    for ch in w.book.chapters:
        pages.append(chapter_md(w, ch, chunks, prose, opener(trees[ch.index])))
    # the appendices, in book order
    appendices = []
    for name in APPENDICES:
        if name in ("solutions", "answers"):
            if w.edition != "reader":
                continue
            appendices.append((name, appendix_md(w, name)))
        else:
            path = os.path.join(args.pages, f"appendix-{name}.md")
            if os.path.exists(path):
                prose.chapter = w.nch
                appendices.append((name, book_page(prose, path, name)))
    if prose.problems:
        for p in prose.problems:
            print(p, file=sys.stderr)
        return 1
    titles = {n: w.chapter_sec.get(n) for n in range(1, w.nch + 1)}

    def title_of(n):
        sec = titles.get(n)
        return heading_text(sec.md) if sec else {None: f"Chapter {n}", "en": f"Chapter {n}"}

    def app_title(name):
        zh, en = APPENDICES[name]
        return f"[{zh}]{{lang=zh-CN}}[{en}]{{lang=en}}"

    order = [f"ch{n}" for n in range(1, w.nch + 1)] + [name for name, _ in appendices]
    label = {f"ch{n}": (str(n) + " " + titles[n].md if titles.get(n) else str(n))
             for n in range(1, w.nch + 1)}
    label.update({name: app_title(name) for name, _ in appendices})
    texts = dict(zip(order, pages + [t for _, t in appendices]))
    for i, name in enumerate(order):
        if name.startswith("ch"):
            n = int(name[2:])
            meta = [f"pagetitle: {yaml_str(str(n) + ' ' + title_of(n)[None])}", f"chapter: {n}"]
        else:
            meta = [f"pagetitle: {yaml_str(' / '.join(APPENDICES[name]))}", "appendix: true"]
        if i > 0:
            meta.append(f"prev-href: {order[i - 1]}.html")
            meta.append(f"prev-title: {yaml_str(label[order[i - 1]])}")
        if i + 1 < len(order):
            meta.append(f"next-href: {order[i + 1]}.html")
            meta.append(f"next-title: {yaml_str(label[order[i + 1]])}")
        meta.append(f"edition: {w.edition}")
        meta.append("sidebar: true")   # the page's own contents beside it
        write(os.path.join(out, f"{name}.md"), texts[name])
        write(os.path.join(out, f"{name}.yaml"), "\n".join(meta) + "\n")

    front = ""
    if args.front and os.path.exists(args.front):
        with open(args.front, encoding="utf-8") as f:
            front = f.read()
    toc = toc_md(w)
    apps = "".join(f"- [{app_title(name)}]({name}.html)\n" for name, _ in appendices)
    write(os.path.join(out, "index.md"),
          front + "\n\n## [目录]{lang=zh-CN} [Contents]{lang=en} {#contents .unnumbered}\n\n" + toc
          + apps
          + "\n- [[标识符索引]{lang=zh-CN} [Identifier index]{lang=en}](identifiers.html)\n"
          + "- [[代码块索引]{lang=zh-CN} [Chunk index]{lang=en}](chunks.html)\n")
    write(os.path.join(out, "index.yaml"),
          "pagetitle: \"操作系统：从零写一个 RISC-V 内核 / An OS from scratch on RISC-V\"\n"
          + "home: true\n" + f"edition: {w.edition}\n"
          + (f"next-href: ch1.html\nnext-title: {yaml_str('1 ' + titles[1].md)}\n" if titles.get(1) else ""))
    ci_html, ci_tex = chunk_index(w)
    ii_html, ii_tex = ident_index(w, idents, chunks.ident_uses)
    back = ""   # the header's 目录/Contents link already leads back (no second 目录)
    write(os.path.join(out, "chunks.md"),
          "# [代码块索引]{lang=zh-CN} [Chunk index]{lang=en} {#chunk-index .unnumbered}\n\n"
          + raw_block("html", ci_html))
    write(os.path.join(out, "chunks.yaml"), "pagetitle: \"代码块索引 / Chunk index\"\n" + back)
    write(os.path.join(out, "identifiers.md"),
          "# [标识符索引]{lang=zh-CN} [Identifier index]{lang=en} {#ident-index .unnumbered}\n\n"
          + raw_block("html", ii_html))
    write(os.path.join(out, "identifiers.yaml"),
          "pagetitle: \"标识符索引 / Identifier index\"\n" + back)
    write(os.path.join(out, "search.md"),
          "# [搜索]{lang=zh-CN} [Search]{lang=en} {#search .unnumbered}\n\n"
          + raw_block("html", '<div id="search-results" aria-live="polite"></div>'))
    write(os.path.join(out, "search.yaml"), "pagetitle: \"搜索 / Search\"\nsearch-page: true\n" + back)
    # the PDF: one Markdown file
    pdf = [raw_block("latex", r"\frontmatter"), front, raw_block("latex", r"\tableofcontents\mainmatter")]
    pdf += pages
    if appendices:
        pdf.append(raw_block("latex", r"\appendix"))
        pdf += [t for _, t in appendices]
    pdf.append(raw_block("latex", "\\backmatter\n\\chapter{标识符索引 / Identifier index}\\label{ident-index}\n"
                         + ii_tex + "\n\\chapter{代码块索引 / Chunk index}\\label{chunk-index}\n" + ci_tex))
    write(os.path.join(out, "book.md"), "\n\n".join(pdf))
    # anchors, for tests: every chunk shown must appear
    anchors = [f"{w.piece_page(p)}#{w.anchor[p]}" for p in w.book.pieces if p not in w.hidden]
    write(os.path.join(out, "chunks.txt"), "\n".join(anchors) + "\n")
    write(os.path.join(out, "pages.txt"), "\n".join(["index", "identifiers", "chunks", "search"] + order) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
