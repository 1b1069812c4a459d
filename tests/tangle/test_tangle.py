#!/usr/bin/env python3
"""The tangler on small fixture books (tests/tangle/fixtures/*.nw).

Checks the chunk rules of book/CONVENTIONS.md: [replace] and [extend] across
two chapters, indentation of uses, tabs, `@<<`, `--lines`, files rewritten
only when they change, exercises and `--lab`, and one fixture per error,
each reported as `file:line: sentence` at the line that holds the mistake.
Expected line numbers are found in the fixtures by a marker string, so the
fixtures can be edited freely.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import ROOT, check, done  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TANGLE = os.path.join(ROOT, "tangle", "nwtangle.py")
TWO = ["fixtures/two-ch1.nw", "fixtures/two-ch2.nw"]


def tangle(*args):
    """Run the tangler from tests/tangle, so messages name fixtures/x.nw."""
    p = subprocess.run(["python3", TANGLE, *args], cwd=HERE, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def fixture_lines(path):
    with open(os.path.join(HERE, path), encoding="utf-8") as f:
        return f.read().split("\n")


def line_of(path, marker, nth=1):
    """1-based number of the nth line of fixture `path` containing `marker`."""
    seen = 0
    for i, l in enumerate(fixture_lines(path)):
        if marker in l:
            seen += 1
            if seen == nth:
                return i + 1
    raise LookupError(f"{path} has no {nth}th line containing {marker!r}")


def read_tree(d):
    files = {}
    for top, _, names in os.walk(d):
        for n in names:
            p = os.path.join(top, n)
            with open(p, encoding="utf-8") as f:
                files[os.path.relpath(p, d)] = f.read()
    return files


def mtimes(d):
    return {rel: os.stat(os.path.join(d, rel)).st_mtime_ns for rel in read_tree(d)}


def line_directive_errors(text):
    """Follow the `#line` directives of `text` the way cpp does and compare
    every line with the .nw line it claims to come from. A `<<use>>` in the
    .nw line matches anything (a use in the middle of a line), and `@<<` is
    noweb's escape for `<<`. Returns a list of mismatches."""
    bad = []
    where = None
    cache = {}
    for out_line in text.split("\n")[:-1]:
        m = re.fullmatch(r'#line (\d+) "([^"]+)"', out_line)
        if m:
            where = [m.group(2), int(m.group(1))]
            continue
        if where is None:
            bad.append(f"{out_line!r} comes before any #line")
            continue
        path, n = where
        src = cache.setdefault(path, fixture_lines(path))
        want = src[n - 1].strip().replace("@<<", "<<") if 0 < n <= len(src) else None
        if want is None:
            bad.append(f"{out_line!r} claims {path}:{n}, past the end of the file")
        else:
            rx = ".*".join(re.escape(part) for part in re.split(r"<<[^<>]*>>", want))
            if not re.fullmatch(rx, out_line.strip()):
                bad.append(f"{out_line!r} claims {path}:{n}, which holds {want!r}")
        where[1] += 1
    return bad


def two_chapter_checks(tmp):
    out1, out2 = os.path.join(tmp, "ch1"), os.path.join(tmp, "ch2")
    code1, _, err1 = tangle("--chapter", "1", "--out", out1, *TWO)
    code2, _, err2 = tangle("--chapter", "2", "--out", out2, *TWO)
    check("the two-chapter fixture tangles chapter 1", code1 == 0, err1, err1.splitlines())
    check("chapter 2 tangles although its [replace] leaves chapter 1's <<bump x>> unused",
          code2 == 0, err2, err2.splitlines())
    if code1 or code2:
        return
    t1, t2 = read_tree(out1), read_tree(out2)
    base = {"Makefile", "kernel/kernel.ld", "kernel/main.c", "kernel/same.h"}
    check("chapter 1's tree holds exactly chapter 1's file roots", set(t1) == base, sorted(t1))
    check("chapter 2's tree adds the root chapter 2 introduces", set(t2) == base | {"kernel/new.c"},
          sorted(t2))
    m1, m2 = t1.get("kernel/main.c", "").split("\n"), t2.get("kernel/main.c", "").split("\n")

    check("chapter 1's tree has the original text of a chunk chapter 2 replaces",
          any("ORIGINAL-BODY" in l for l in m1) and not any("REPLACED" in l for l in m1),
          "", m1)
    check("chapter 2's tree has the [replace] text and none of the original",
          any("REPLACED-BODY" in l for l in m2) and any("REPLACED-LOOP" in l for l in m2)
          and not any("ORIGINAL-BODY" in l or "BUMP" in l for l in m2), "", m2)

    def includes(lines):
        return [re.search(r"INCLUDE-(\w)", l).group(1) for l in lines if "INCLUDE-" in l]
    check("[extend] appends in reading order within chapter 1", includes(m1) == ["A", "B"],
          f"includes come out as {includes(m1)}")
    check("[extend] in chapter 2 appends after chapter 1's pieces",
          includes(m2) == ["A", "B", "C"], f"includes come out as {includes(m2)}")

    want = ["    int x = 1; /* ORIGINAL-BODY */",
            "    int y = x << 2 | x >> 1; /* SHIFT-LINE */",
            "    if (x) {",
            "        x++; /* BUMP-1 */",
            "        x *= 2; /* BUMP-2 */",
            "    }",
            "    return v; // AFTER-BODY"]
    start = m1.index(want[0]) if want[0] in m1 else -1
    check("a use's indentation is put before every line it expands to, nested uses adding up",
          start >= 0 and m1[start:start + len(want)] == want, "expected:\n" + "\n".join(want), m1)
    check("the indentation applies to a [replace] body as well",
          "        x += 3; /* REPLACED-LOOP */" in m2 and "    while (x < 10)" in m2, "", m2)
    check("a use in the middle of a line keeps the text around it",
          "    int v = 42;" in m1, "no line '    int v = 42;'", m1)
    check("@<< in code comes out as a literal <<",
          any("x << 2 | x >> 1" in l for l in m1)
          and not any("@<<" in l for v in t1.values() for l in v.split("\n")), "", m1)

    mk = t1.get("Makefile", "").split("\n")
    check("tabs in a Makefile root are kept, in nested chunks too",
          "\techo TAB-RECIPE" in mk and "\trm -f TAB-NESTED" in mk, "recipe lines lost their tab",
          [repr(l) for l in mk])
    check("without --lines no file has a #line directive",
          not any("#line" in v for t in (t1, t2) for v in t.values()), "")


def line_directive_checks(tmp):
    outs = {}
    for ch in (1, 2):
        d = os.path.join(tmp, f"lines{ch}")
        code, _, err = tangle("--chapter", str(ch), "--lines", "--out", d, *TWO)
        if not check(f"--lines tangles chapter {ch} of the fixture", code == 0, err, err.splitlines()):
            return
        outs[ch] = read_tree(d)
    for ch, t in outs.items():
        for name in ("kernel/main.c", "kernel/same.h"):
            text = t[name]
            bad = line_directive_errors(text)
            check(f"--lines: every line of chapter {ch}'s {name} maps to its .nw line",
                  "#line" in text and not bad, "; ".join(bad[:3]) or "no #line at all",
                  text.split("\n"))
        for name in ("Makefile", "kernel/kernel.ld"):
            check(f"--lines: no #line in chapter {ch}'s {name}", "#line" not in t[name], "",
                  t[name].split("\n"))

    def directive_before(text, marker):
        lines = text.split("\n")
        i = next(k for k, l in enumerate(lines) if marker in l)
        return lines[i - 1]
    m2 = outs[2]["kernel/main.c"]
    for marker, path in (("INCLUDE-A", TWO[0]), ("INCLUDE-C", TWO[1]), ("REPLACED-BODY", TWO[1]),
                         ("AFTER-BODY", TWO[0])):
        want = f'#line {line_of(path, marker)} "{path}"'
        got = directive_before(m2, marker)
        check(f"--lines: the line holding {marker} is preceded by {want}", got == want, f"got {got!r}")


def rewrite_checks(tmp):
    d = os.path.join(tmp, "incr")
    tangle("--chapter", "1", "--lines", "--out", d, *TWO)
    old = 1_000_000_000 * 10**9  # 2001-09-09, well before now
    for rel in read_tree(d):
        os.utime(os.path.join(d, rel), ns=(old, old))
    code, _, err = tangle("--chapter", "1", "--lines", "--out", d, *TWO)
    after = mtimes(d)
    check("re-tangling an unchanged chapter leaves every file's mtime alone",
          code == 0 and all(v == old for v in after.values()), err or str(after))
    code, _, err = tangle("--chapter", "2", "--lines", "--out", d, *TWO)
    after = mtimes(d)
    check("tangling chapter 2 over chapter 1 rewrites only the file that changed",
          code == 0 and after.get("kernel/main.c", old) != old and "kernel/new.c" in after
          and all(after.get(k) == old for k in ("Makefile", "kernel/kernel.ld", "kernel/same.h")),
          err or str(after))
    code, out, err = tangle("--check", *TWO)
    check("--check accepts the two-chapter fixture", code == 0 and not out and not err, err)


def lab_checks(tmp):
    full, lab = os.path.join(tmp, "full"), os.path.join(tmp, "lab")
    c1, _, e1 = tangle("--out", full, "fixtures/lab.nw")
    c2, _, e2 = tangle("--lab", "--out", lab, "fixtures/lab.nw")
    f = read_tree(full).get("kernel/lab.c", "") if c1 == 0 else ""
    l = read_tree(lab).get("kernel/lab.c", "") if c2 == 0 else ""
    check("the full tree uses <<solution: X>>, not the stub",
          "    return a + b; /* SOLUTION-TEXT */" in f.split("\n") and "STUB-TEXT" not in f,
          e1, f.split("\n"))
    check("--lab puts <<stub: X>> in place of <<solution: X>>",
          any(x.startswith("    return 0; /* STUB-TEXT") for x in l.split("\n"))
          and "SOLUTION-TEXT" not in l, e2, l.split("\n"))
    code, _, err = tangle("--check", "fixtures/lab.nw")
    check("--check accepts an exercise with both solution and stub", code == 0, err)


def error_cases():
    """(name, sources, chapter, (fixture, marker, nth), phrase)."""
    dup_first = line_of("fixtures/err-duplicate.nw", "<<a.c: body>>=", 1)
    later_def = line_of("fixtures/err-later-ch2.nw", "<<from the future>>=")
    one = lambda n: [f"fixtures/{n}.nw"]  # noqa: E731
    return [
        ("undefined chunk", one("err-undefined"), 1, ("<<nope>>", 1),
         "chunk <<nope>> is used here but never defined"),
        ("chunk defined but never used", one("err-unused"), 1, ("<<orphan helper>>=", 1),
         "is defined but never used"),
        ("root src/../x.c", one("err-nofile-dotdot"), 1, ("<<src/../x.c>>=", 1), "maps to no file"),
        ("root kernel/../x.c", one("err-nofile-kernel-dotdot"), 1, ("<<kernel/../x.c>>=", 1),
         "maps to no file"),
        ("root foo/bar.c outside the tree", one("err-nofile-outside"), 1, ("<<foo/bar.c>>=", 1),
         "maps to no file"),
        ("[replace] of a missing chunk", one("err-replace-missing"), 1, ("[replace]>>=", 1),
         "has no earlier definition of <<a.c: bdoy>> to replace"),
        ("[extend] of a missing chunk", one("err-extend-missing"), 1, ("[extend]>>=", 1),
         "has no earlier definition of <<a.c: bdoy>> to extend"),
        ("second plain definition", one("err-duplicate"), 1, ("<<a.c: body>>=", 2),
         f"is already defined at fixtures/err-duplicate.nw:{dup_first}"),
        ("unknown marker", one("err-marker"), 1, ("[frobnicate]", 1), "unknown marker [frobnicate]"),
        ("a << shift read as a use", one("err-shift"), 1, ("x = a << 3 | b >> 1;", 1),
         "is used here but never defined"),
        ("a chunk that uses itself", one("err-self"), 1, ("<<loop>>=", 1), "uses itself"),
        ("two chunks that use each other", one("err-cycle"), 1, ("<<ping>>=", 1),
         "uses itself through kernel/a.c -> ping -> pong -> ping"),
        ("solution without stub", one("err-solution-nostub"), 1,
         ("<<solution: add two numbers>>=", 1), "has no <<stub: add two numbers>>"),
        ("exercise without its checks", one("err-nochecks"), 1,
         ("<<stub: add two numbers>>=", 1), "has no <<checks: add two numbers>>= chunk"),
        ("use of a chunk a later chapter defines",
         ["fixtures/err-later-ch1.nw", "fixtures/err-later-ch2.nw"], 1, ("<<from the future>>", 1),
         f"first defined later, at fixtures/err-later-ch2.nw:{later_def}"),
    ]


def error_checks(tmp):
    for k, (name, sources, chapter, (marker, nth), phrase) in enumerate(error_cases()):
        where = f"{sources[0]}:{line_of(sources[0], marker, nth)}: "
        out = os.path.join(tmp, f"err{k}")
        code, _, err = tangle("--chapter", str(chapter), "--lines", "--out", out, *sources)
        lines = err.splitlines()
        check(f"error, {name}: status 1 and one message '{where}...{phrase}...'",
              code == 1 and len(lines) == 1 and lines[0].startswith(where) and phrase in lines[0],
              f"status {code}", lines)
        check(f"error, {name}: nothing is written", not os.path.exists(out), f"{out} exists")
        code, _, err = tangle("--check", *sources)
        check(f"error, {name}: --check reports it too",
              code == 1 and any(l.startswith(where) and phrase in l for l in err.splitlines()),
              f"status {code}", err.splitlines())


def main():
    tmp = tempfile.mkdtemp(prefix="tangle-test-")
    try:
        two_chapter_checks(tmp)
        line_directive_checks(tmp)
        rewrite_checks(tmp)
        lab_checks(tmp)
        error_checks(tmp)
    finally:
        shutil.rmtree(tmp)
    done()


main()
