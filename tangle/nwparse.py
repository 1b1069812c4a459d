"""Read noweb sources through noweb's own front end and resolve chunks.

noweb's `markup` (from Debian's noweb package) turns each .nw file into
its pipeline representation; this module reads that representation and
adds the book's own rule for evolving code across chapters:

    <<name>>=            defines a new chunk (an error if it exists already)
    <<name [extend]>>=   appends to an existing chunk
    <<name [replace]>>=  replaces an existing chunk from here on

Chapter N's tree sees the definitions of chapters 1..N in reading order.
Every problem is reported as `file:line: sentence` (see BookError).
"""

import re
import subprocess

MARKUP = "/usr/lib/noweb/markup"
MODIFIERS = ("extend", "replace", "delete")
FILE_TOP_DIRS = ("kernel/", "user/", "tests/", "scripts/", "tools/")
FILE_TOP_NAMES = ("Makefile", "README.md", ".clang-format")


class BookError(Exception):
    """A list of `file:line: sentence` problems found in the sources."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


def split_name(raw):
    """Split '<<name [replace]>>' into ('name', 'replace')."""
    m = re.fullmatch(r"(.*?)\s*\[(\w+)\]\s*", raw)
    if m:
        return m.group(1).strip(), m.group(2)
    return raw.strip(), None


def looks_like_file(name):
    return "/" in name or re.search(r"\.[A-Za-z]{1,4}$", name) or name in FILE_TOP_NAMES


def maps_to_file(name):
    """A root names a file when it is a relative path in the tree's layout."""
    if name in FILE_TOP_NAMES:
        return True
    if not name.startswith(FILE_TOP_DIRS):
        return False
    parts = name.split("/")
    return all(p and p not in (".", "..") and re.fullmatch(r"[\w.+-]+", p) for p in parts)


class Piece:
    """One definition: `<<name>>=` up to the end of that code chunk."""

    def __init__(self, name, mode, path, line, chapter, number):
        self.name, self.mode = name, mode
        self.path, self.line, self.chapter = path, line, chapter
        self.number = number  # code-chunk number within its file (markup's)
        self.body = []  # list of lines; each line is a list of items
        self.uses = []  # (name, line) for checks

    def where(self):
        return f"{self.path}:{self.line}"


class Chapter:
    def __init__(self, path, index):
        self.path, self.index = path, index
        self.blocks = []  # ('docs', [lines]) or ('code', Piece) in order


def run_markup(path):
    out = subprocess.run([MARKUP, "-t", path], capture_output=True, text=True)
    if out.returncode != 0:
        raise BookError([f"{path}:1: noweb's markup could not read this file: {out.stderr.strip()}"])
    return out.stdout.splitlines()


def parse_chapter(path, index):
    """Parse one .nw file into docs blocks and code pieces."""
    ch = Chapter(path, index)
    line = 1
    piece = None
    docs = None
    cur = []  # items of the current line
    for rec in run_markup(path):
        kw, _, arg = rec.partition(" ")
        if kw == "@begin":
            cur = []
            if arg.startswith("code"):
                piece = Piece(None, None, path, line, index, int(arg.split()[1]))
            else:
                docs = []
        elif kw == "@defn":
            piece.name, piece.mode = split_name(arg)
            piece.line = line
        elif kw == "@end":
            if piece is not None:
                if cur:
                    piece.body.append(cur)
                ch.blocks.append(("code", piece))
                piece = None
            else:
                if cur:
                    docs.append(cur)
                ch.blocks.append(("docs", docs))
                docs = None
            cur = []
        elif kw == "@nl":
            if piece is not None:
                if line != piece.line:  # skip the newline ending `<<name>>=`
                    piece.body.append(cur)
            elif docs is not None:
                docs.append(cur)
            cur = []
            line += 1
        elif kw == "@text":
            cur.append(("text", arg))
        elif kw == "@use":
            name, mode = split_name(arg)
            cur.append(("use", arg, line))
            if piece is not None:
                piece.uses.append((arg, line))
        elif kw in ("@quote", "@endquote"):
            cur.append((kw[1:], ""))
    return ch


class Book:
    """All chapters, in order, with the chunk rules checked."""

    def __init__(self, paths):
        self.chapters = [parse_chapter(p, i + 1) for i, p in enumerate(paths)]
        self.pieces = [b for ch in self.chapters for k, b in ch.blocks if k == "code"]
        self.check_definitions()

    def check_definitions(self):
        problems = []
        first = {}
        for p in self.pieces:
            if p.mode is not None and p.mode not in MODIFIERS:
                problems.append(f"{p.where()}: unknown marker [{p.mode}] on <<{p.name}>>; "
                                f"a definition may carry [extend] or [replace], nothing else.")
                continue
            if p.mode is None:
                if p.name in first:
                    problems.append(
                        f"{p.where()}: chunk <<{p.name}>> is already defined at "
                        f"{first[p.name].where()}; write <<{p.name} [extend]>>= to add to it "
                        f"or <<{p.name} [replace]>>= to replace it.")
                else:
                    first[p.name] = p
            elif p.mode == "delete" and (p.body and any(any(i[1].strip() for i in l if i[0] == "text") for l in p.body)):
                problems.append(f"{p.where()}: <<{p.name} [delete]>>= must be empty: it removes "
                                f"the file from this chapter's tree on.")
            elif p.name not in first:
                problems.append(
                    f"{p.where()}: <<{p.name} [{p.mode}]>>= has no earlier definition of "
                    f"<<{p.name}>> to {p.mode}; check the spelling, or drop [{p.mode}].")
        for p in self.pieces:
            for use, line in p.uses:
                name, mode = split_name(use)
                if mode is not None:
                    problems.append(f"{p.path}:{line}: a use may not carry [{mode}]: "
                                    f"write <<{name}>>.")
        if problems:
            raise BookError(problems)

    def definitions(self, upto, lab=False):
        """Map chunk name -> list of pieces in force in chapter `upto`'s tree.

        An exercise is a pair `solution: X` / `stub: X`. The full tree keeps
        the solution; the lab tree (`lab`) puts the stub in its place. `lab`
        may also be a set of exercise names X: only those get their stubs.
        """
        defs = {}
        for p in self.pieces:
            if p.chapter > upto:
                break
            if p.mode == "delete":
                defs.pop(p.name, None)  # a file root that this chapter removes
            elif p.mode == "replace" or p.name not in defs:
                defs[p.name] = [p]
            else:
                defs[p.name].append(p)
        for name in [n for n in defs if n.startswith("stub: ")]:
            stub = defs.pop(name)
            exercise = name[len("stub: "):]
            if lab is True or (lab and not isinstance(lab, bool) and exercise in lab):
                defs["solution: " + exercise] = stub
        return defs

    def exercises(self, chapter):
        """The exercises X whose `stub: X` is written (or rewritten) in `chapter`."""
        return sorted({p.name[len("stub: "):] for p in self.pieces
                       if p.chapter == chapter and p.name.startswith("stub: ")})

    def history(self, name):
        """Every piece ever written for `name`, in reading order."""
        return [p for p in self.pieces if p.name == name]

    def roots(self, upto, lab=False):
        defs = self.definitions(upto, lab)
        used = {u for ps in defs.values() for p in ps for u, _ in p.uses}
        return sorted(n for n in defs if n not in used), defs, used

    def check_tree(self, upto, lab=False):
        """Check chapter `upto`'s tree; return {file root: pieces} on success."""
        problems = []
        roots, defs, used = self.roots(upto, lab)
        for p in self.pieces:
            if p.chapter <= upto and p.name.startswith("solution: ") and p.mode is None:
                if not any(q.name == "stub: " + p.name[10:] for q in self.pieces):
                    problems.append(f"{p.where()}: exercise <<{p.name}>> has no "
                                    f"<<stub: {p.name[10:]}>> for the lab tree.")
        for ps in defs.values():
            for p in ps:
                for u, line in p.uses:
                    if u not in defs:
                        later = [q for q in self.history(u)]
                        hint = (f" (it is first defined later, at {later[0].where()})"
                                if later else "")
                        problems.append(f"{p.path}:{line}: chunk <<{u}>> is used here but "
                                        f"never defined{hint}.")
        problems += self.check_exercise_checks(upto, defs)
        # A chunk that only another tree uses is not unused: in a lab tree, a
        # replaced solution's helper; in the full tree, a part of a stub.
        other_used = {u for tree in (False, True) for ps in self.definitions(upto, tree).values()
                      for p in ps for u, _ in p.uses}
        files = {}
        for name in roots:
            if name.startswith("checks: "):
                continue  # an exercise's checks and points, read by the snapshot tool
            p0 = defs[name][0]
            # Only complain in the chapter that introduced the chunk, so that a
            # later replacement may legitimately drop a helper chunk.
            if not maps_to_file(name):
                if name in other_used:
                    continue
                if any(p.chapter == upto for p in self.history(name)[:1]):
                    if looks_like_file(name):
                        problems.append(
                            f"{p0.where()}: root <<{name}>> maps to no file: a file root must "
                            f"be a relative path under {', '.join(FILE_TOP_DIRS)} "
                            f"or one of {', '.join(FILE_TOP_NAMES)}.")
                    else:
                        problems.append(f"{p0.where()}: chunk <<{name}>> is defined but never "
                                        f"used; use it in another chunk or delete it.")
                continue
            files[name] = defs[name]
        self.find_cycles(defs, problems)
        if problems:
            raise BookError(problems)
        return files, defs

    def exercise_checks(self, upto):
        """The exercises in force in chapter `upto`'s tree, from their
        `<<checks: X>>` chunks (see book/CONVENTIONS.md): a list of dicts
        {name, number, points, checks, chapter, where}, one per stub X whose
        solution the tree uses, in reading order of the checks chunks."""
        defs = self.definitions(upto)
        roots, _, _ = self.roots(upto)
        reach = set()
        stack = [r for r in roots if maps_to_file(r)]
        while stack:
            n = stack.pop()
            if n in reach or n not in defs:
                continue
            reach.add(n)
            stack += [u for p in defs[n] for u, _ in p.uses]
        out = []
        for name, ps in defs.items():
            if not name.startswith("checks: ") or "solution: " + name[8:] not in reach:
                continue
            lines = ["".join(i[1] for i in l if i[0] == "text").strip() for p in ps for l in p.body]
            lines = [l for l in lines if l]
            m = re.fullmatch(r"exercise (\d+[a-z]?)(?:, (\d+) points?)?(?:, in ((?:tests/\S+ ?)+))?",
                             lines[0] if lines else "")
            out.append({"name": name[8:], "number": m and m.group(1),
                        "points": int(m.group(2)) if m and m.group(2) else 0,
                        "suites": m.group(3).split() if m and m.group(3) else [],
                        "checks": lines[1:], "chapter": ps[-1].chapter,
                        "where": ps[-1].where(), "head": bool(m)})
        out.sort(key=lambda e: self.pieces.index(defs["checks: " + e["name"]][-1]))
        return out

    def check_exercise_checks(self, upto, defs):
        """Every exercise in chapter `upto`'s tree declares its checks."""
        problems = []
        declared = {e["name"]: e for e in self.exercise_checks(upto)}
        used = {u for ps in defs.values() for q in ps for u, _ in q.uses}
        for x in sorted(n[10:] for n in used if n.startswith("solution: ")):
            stubs = self.history("stub: " + x)
            if x not in declared:
                if stubs:
                    problems.append(f"{stubs[0].where()}: exercise <<stub: {x}>> has no "
                                    f"<<checks: {x}>>= chunk naming its number, points and checks.")
                continue
            e = declared[x]
            if not e["head"]:
                problems.append(f"{e['where']}: <<checks: {x}>> must open with "
                                f"`exercise N, P points, in SUITE` (or `exercise N` for a part "
                                f"graded by another part's checks).")
            elif e["checks"] and not e["points"]:
                problems.append(f"{e['where']}: <<checks: {x}>> lists checks but no points.")
            elif e["checks"] and not e["suites"]:
                problems.append(f"{e['where']}: <<checks: {x}>> must name the suites that print "
                                f"its checks: `exercise N, P points, in tests/qemu/test_chN.py`.")
        return problems

    def find_cycles(self, defs, problems):
        state = {}

        def visit(name, stack):
            if state.get(name) == 1:
                p = defs[name][0]
                problems.append(f"{p.where()}: chunk <<{name}>> uses itself through "
                                f"{' -> '.join(stack + [name])}.")
                return
            if state.get(name) == 2 or name not in defs:
                return
            state[name] = 1
            for p in defs[name]:
                for u, _ in p.uses:
                    visit(u, stack + [name])
            state[name] = 2

        for name in defs:
            visit(name, [])


def wants_line_directives(path):
    return path.endswith((".c", ".h", ".S"))


def seam_needs_blank(out, items):
    """C: a chunk that starts right after one ending in a closing brace
    gets a blank line, as a person would leave between two definitions."""
    last = next((l for l in reversed(out) if not l.startswith("#line ")), None)
    first = "".join(i[1] for i in items if i[0] == "text").strip()
    has_use = any(i[0] == "use" for i in items)
    return last in ("}", "};") and (first or has_use) and not first.startswith("#endif")


def expand(name, defs, line_dirs, out, indent="", first_prefix=None, seams=False):
    """Append the lines of chunk `name` to `out` (a list of strings).

    `indent` goes in front of every line but the first, which gets
    `first_prefix` (the text before the use on the using line). `#line`
    directives are written only around whole-line uses, where they cannot
    split a C expression.
    """
    if first_prefix is None:
        first_prefix = indent
    at_start = True
    resume = False
    for p in defs[name]:
        for n, items in enumerate(p.body):
            src_line = p.line + n + 1
            if seams and n == 0 and not indent and seam_needs_blank(out, items):
                out.append("")
            if line_dirs and (n == 0 or resume):
                out.append(f'#line {src_line} "{p.path}"')
            resume = False
            prefix = first_prefix if at_start else indent
            at_start = False
            uses = [i for i in items if i[0] == "use"]
            if not uses:
                out.append(prefix + "".join(i[1] for i in items))
                continue
            text = prefix
            for k, item in enumerate(items):
                if item[0] != "use":
                    text += item[1]
                    continue
                rest = items[k + 1:]
                whole = text.strip() == "" and all(i[0] == "text" and not i[1].strip() for i in rest)
                if text.strip() == "":
                    inner_indent = text
                else:
                    inner_indent = " " * len(text)
                before = len(out)
                expand(item[1], defs, line_dirs and whole, out, inner_indent, text, seams)
                if len(out) == before:
                    out.append(text)
                text = None
                if whole:
                    resume = True
                    break
                # text after the use continues the used chunk's last line
                tail = "".join(i[1] for i in rest if i[0] == "text")
                out[-1] += tail
                if len(out) - before > 1:
                    resume = True  # the next line needs a fresh #line
                if any(i[0] == "use" for i in rest):
                    raise BookError([f"{p.path}:{src_line}: two chunk uses on one line are not supported; "
                                     f"put each use on its own line."])
                break


def render_file(root, defs, line_dirs):
    out = []
    expand(root, defs, line_dirs and wants_line_directives(root), out,
           seams=root.endswith((".c", ".h")))
    return "\n".join(line.rstrip() for line in out) + "\n"
