#!/usr/bin/env python3
"""Snapshots (tangle/snapshot.py): `make snapshots` writes every chapter's
full and lab tree and a .tar.gz of each; every tree reads as hand-written
(no #line, no chunk names, clang-format clean, a comment atop each file, a
README in both languages, and tests/snapshot/lint.py finds no leftover of
the book's history); copied outside the repository, with noweb and
pandoc off PATH, `make test` in the lab tree fails exactly the checks of
that chapter's exercises; for the last chapter with exercises, `make grade
STUDENT=` grades the lab tree's files.

A full tree is proven the program of out/chN (tokens but for comments,
layout and #line; the book's test files unchanged), builds and passes its
chapter's host suites outside the repository (the last tree: every host
suite, and it boots with `make run`); its QEMU suites are not run again
here (tests/qemu runs them on out/chN, and tests/run.py checks that each
exercise check passes there, in a suite its checks chunk names). A lab
tree runs `make grade`: the suites that print its exercises' checks, which
must fail exactly those checks; this proves the copied test machinery
outside the repository. A lab tree's kernel differs from the full tree's
only where a stub is, so its other suites are not run again (GRADE_ALL=1
runs them all, as `make test` in the lab tree does). The last
chapter's lab tree is run through `make grade STUDENT=` on the same files.

SNAPSHOT_CHAPTERS="1 2 3" limits the chapters tested (default: all), for a
chapter that is still being written."""

import glob
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ANSI, CPU_SECONDS, QEMU, ROOT, WALL_SECONDS, check, done, sh  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "tangle"))
from nwparse import Book  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lint import lint  # noqa: E402

SOURCES = sorted((os.path.join("chapters", f) for f in os.listdir(os.path.join(ROOT, "chapters"))
                  if re.match(r"ch\d+-.*\.nw$", f)),
                 key=lambda f: int(re.search(r"ch(\d+)", f).group(1)))
OUT = os.path.join(ROOT, "out", "snapshots")
HIDDEN = {"noweb", "notangle", "noweave", "nountangle", "noroots", "nodefs", "noindex",
          "noroff", "cpif", "htmltoc", "sl2h", "nuweb2noweb", "pandoc"}


def chapters():
    env = os.environ.get("SNAPSHOT_CHAPTERS", "").replace(",", " ").split()
    return [int(c) for c in env] if env else list(range(1, len(SOURCES) + 1))


def shadow_path(tmp):
    """A PATH with every program of the real one but noweb's and pandoc."""
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            full = os.path.join(d, name)
            dst = os.path.join(bindir, name)
            if name in HIDDEN or name.startswith("pandoc") or os.path.exists(dst):
                continue
            if "noweb" in os.path.realpath(full):
                continue
            if os.path.isfile(full) and os.access(full, os.X_OK):
                os.symlink(full, dst)
    return bindir


def sources_of(tree):
    out = []
    for d, dirs, files in os.walk(tree):
        dirs[:] = sorted(x for x in dirs if x != "build")
        out += [os.path.relpath(os.path.join(d, f), tree) for f in sorted(files)]
    return out


def first_comment(text):
    lines = text.splitlines()
    if lines and lines[0].startswith("#!"):
        lines = lines[1:]
    return lines[0] if lines else ""


def static_checks(n, name, tree):
    files = sources_of(tree)
    tangled = [f for f in files if f.startswith(("kernel/", "user/", "scripts/", "tools/")) or f == "Makefile"]
    bad_line, bad_chunk, no_header, no_chapter = [], [], [], []
    for f in files:
        text = open(os.path.join(tree, f), encoding="utf-8", errors="replace").read()
        if re.search(r"^\s*#\s*line\b", text, re.M):
            bad_line.append(f)
        if f != "README.md" and not f.startswith("doc/") and (re.search(r"<<[^\s<>=][^<>\n]*>>", text) or
                                 re.search(r"^@( |$)|@<<", text, re.M)):
            bad_chunk.append(f)
    for f in tangled:
        head = first_comment(open(os.path.join(tree, f), encoding="utf-8").read())
        base = os.path.basename(f)
        if not re.match(r'^\s*(//|/\*|#|""")\s*' + re.escape(base) + r":", head):
            no_header.append(f"{f}: {head[:60]!r}")
        if not re.search(r"chapter|section", open(os.path.join(tree, f)).read(400)):
            no_chapter.append(f)
    check(f"snapshot {name}: no #line directive", not bad_line, ", ".join(bad_line))
    check(f"snapshot {name}: no noweb chunk names or escapes", not bad_chunk, ", ".join(bad_chunk))
    check(f"snapshot {name}: every tangled file opens with a comment that names it",
          not no_header, f"{len(no_header)} files", no_header)
    if no_chapter and not name.endswith("-lab"):
        print(f"NOTE snapshot {name}: {len(no_chapter)} files open with a comment that names no "
              f"chapter or section: {', '.join(os.path.basename(f) for f in no_chapter)}")
    csrc = [f for f in files if f.endswith((".c", ".h"))]
    code, out = sh("clang-format --dry-run -Werror " + " ".join(csrc), cwd=tree)
    check(f"snapshot {name}: clang-format --dry-run -Werror passes on {len(csrc)} C files",
          code == 0 and csrc, "clang-format reports changes", out.splitlines())
    check(f"snapshot {name}: has .clang-format, tests.mk and tests/run.py",
          all(os.path.exists(os.path.join(tree, x)) for x in (".clang-format", "tests.mk", "tests/run.py")),
          "missing")
    check(f"snapshot {name}: carries its chapter's QEMU suite tests/qemu/test_ch{n}.py",
          os.path.exists(os.path.join(tree, "tests", "qemu", f"test_ch{n}.py")), "missing")
    same = [x for x in ("LICENSE", "LICENSE-BOOK") if os.path.exists(os.path.join(tree, x)) and
            open(os.path.join(tree, x), "rb").read() == open(os.path.join(ROOT, x), "rb").read()]
    check(f"snapshot {name}: carries the licences LICENSE (code) and LICENSE-BOOK (text)",
          len(same) == 2, f"missing or different: {sorted({'LICENSE', 'LICENSE-BOOK'} - set(same))}")
    readme = open(os.path.join(tree, "README.md"), encoding="utf-8").read()
    chapter_file = os.path.basename(SOURCES[n - 1])
    check(f"snapshot {name}: README in Chinese and English, pointing at the chapter and the licences",
          re.search(r"[\u4e00-\u9fff]", readme) and f"Chapter {n}." in readme and
          readme.count("`LICENSE-BOOK`") == 2 and
          f"第 {n} 章" in readme and chapter_file in readme and "make test" in readme,
          "a language, the chapter, the licences or `make test` is missing")


def parse(out):
    lines = [l.strip() for l in out.splitlines()]
    passes = {l[5:] for l in lines if l.startswith("PASS ")}
    fails = [l[5:] for l in lines if l.startswith("FAIL ")]
    m = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    return passes, fails, m


def key(fail, names):
    """The check name of a FAIL line (names may themselves hold ': ')."""
    return max((x for x in names if fail.startswith(x + ":")), key=len, default=fail)


def make_test_checks(n, name, tree, path, expected, known=()):
    """`make grade` once in the copied tree: its suites must fail exactly
    the checks `expected`. Every QEMU suite runs under -icount,
    so a run is the same every time and one run decides. Returns the names
    of the checks that passed."""
    env = {"PATH": path, "PYTHONPATH": "", "TMPDIR": os.environ.get("TMPDIR", "/tmp")}
    # `make grade` runs the suites the exercises name (every suite, as
    # `make test` does, with GRADE_ALL=1) and keeps their output in
    # grade.log: one run gives both the checks and the score.
    code, out = sh("make -s grade", cwd=tree, timeout=3600, env=env)  # a hang guard only
    log = os.path.join(tree, "grade.log")
    out = open(log, encoding="utf-8").read() if os.path.exists(log) else out
    return judge_run(name, code, out, expected, known)


def judge_run(name, code, out, expected, known=()):
    """The checks on one run of a tree's suites (see make_test_checks)."""
    passes, fails, summary = parse(out)
    names = passes | set(known) | set(expected)
    failing = {key(f, names) for f in fails}
    lines = out.splitlines()
    if not expected:
        check(f"snapshot {name}: make test passes outside the repository, without noweb and pandoc",
              summary is not None and not failing and code == 0,
              f"status {code}; failing: {sorted(failing)}", lines, want="FAIL ")
        return passes
    check(f"snapshot {name}: the exercises' suites fail exactly the {len(expected)} exercise checks",
          summary is not None and failing == set(expected),
          f"unexpected failures {sorted(failing - set(expected))}, "
          f"unexpected passes {sorted(set(expected) - failing)}", lines, want="FAIL ")
    unclear = [l for l in fails if any(l.startswith(x + ":") for x in expected) and "needs exercise" not in l]
    check(f"snapshot {name}: each exercise failure names its exercise", not unclear, "", unclear)
    return passes


# What the compiler reads of C, assembly and linker scripts once comments
# and layout are gone: string and character literals, names, numbers and
# operators. A preprocessor directive ends at its line's end, so that end is
# a token too.
LITERAL = r'"(?:\\.|[^"\\\n])*"|' + r"'(?:\\.|[^'\\\n])*'"
COMMENT = re.compile(LITERAL + r"|//[^\n]*|/\*.*?\*/", re.S)
TOKEN = re.compile(LITERAL + r"|[A-Za-z_]\w*|\.?\d[\w.]*|->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|"
                   r"&&|\|\||[-+*/%&|^]=|##|\S")
# Files of a snapshot that out/chN does not have (the snapshot tool writes
# them), and files of out/chN that are the developer's (tangle/compdb.py).
SNAPSHOT_ONLY = ("README.md", "LICENSE", "LICENSE-BOOK", "tests.mk", "tests/", "doc/")
GENERATED = ("compile_commands.json",)


def program_text(path):
    """The part of a tangled file that makes the program. C, assembly and
    linker scripts: their tokens, without comments, layout and `#line`
    directives (which only move __FILE__ and __LINE__ from the .nw file to
    the C file). Other files (Makefile, scripts): their lines that are not
    comments, without trailing blanks."""
    lines = [l for l in open(path, encoding="utf-8").read().split("\n")
             if not re.match(r"\s*#\s*line\b", l)]
    if not path.endswith((".c", ".h", ".S", ".ld")):
        return [l.rstrip() for l in lines
                if l.strip() and (not l.lstrip().startswith("#") or l.startswith("#!"))]
    if path.endswith(".S"):  # in assembly, `# words` is a comment
        lines = [l for l in lines if not re.match(r"\s*#(\s|$)", l)]
    text = COMMENT.sub(lambda m: m.group(0) if m.group(0)[0] in "\"'" else " ", "\n".join(lines))
    out = []
    for line in text.replace("\\\n", " ").split("\n"):
        tokens = TOKEN.findall(line)
        out += tokens + (["(end of directive)"] if tokens[:1] == ["#"] else [])
    joined = []  # "a" "b" is "ab" to the compiler, and clang-format may split a literal
    for t in out:
        if t[:1] == '"' and joined and joined[-1][:1] == '"':
            joined[-1] = joined[-1][:-1] + t[1:]
        else:
            joined.append(t)
    return joined


def same_program_checks(n, name, tree, path):
    """A full snapshot builds and passes its chapter's host tests on its
    own, without noweb and pandoc (the last one: every host suite); it is
    the program of out/chN (the tree tests/qemu/test_chN.py boots) but for
    comments, layout and #line, and it carries the book's test files
    unchanged. Then test_chN.py's result on out/chN is its result here:
    each QEMU run under -icount is a function of the program and the test.
    The last chapter's snapshot boots with `make run`; every lab tree runs
    its exercises' suites (`make grade`), which proves the copied test
    machinery (run.py, harness, grade.py) outside the repository."""
    env = {"PATH": path, "PYTHONPATH": "", "TMPDIR": os.environ.get("TMPDIR", "/tmp")}
    code, out = sh("make -s all", cwd=tree, env=env)
    check(f"snapshot {name}: plain make builds the kernel outside the repository, without noweb "
          f"and pandoc", code == 0, f"status {code}", out.splitlines())
    # The host suites: the last tree runs them all, on the last version of
    # each unit; an earlier tree runs only its own chapter's (on out/chN,
    # tests/unit runs each chapter's suite; the code is the same).
    last = n == max(chapters())
    host = sorted(os.path.relpath(f, tree) for f in glob.glob(os.path.join(tree, "tests", "*", "test_*"))
                  if os.access(f, os.X_OK) and not f.startswith(os.path.join(tree, "tests", "qemu", ""))
                  and (last or os.path.basename(f).startswith(f"test_ch{n}_")))
    if host:
        code, out = sh("python3 tests/run.py " + " ".join(host), cwd=tree, env=env, timeout=1800)
        passes, fails, summary = parse(out)
        check(f"snapshot {name}: its host test suites pass ({', '.join(host)})",
              summary is not None and not fails and code == 0 and passes,
              f"status {code}, {len(fails)} failed", out.splitlines(), want="FAIL ")
    dev = os.path.join(ROOT, "out", f"ch{n}")
    dev_files = [f for f in sources_of(dev) if f not in GENERATED]
    snap_files = [f for f in sources_of(tree)
                  if f not in GENERATED and not f.startswith(SNAPSHOT_ONLY) and f != ".clang-format"
                  or f == ".clang-format" and ".clang-format" in dev_files]
    differ = []
    for f in sorted(set(dev_files) | set(snap_files)):
        if f not in dev_files or f not in snap_files:
            differ.append(f"{f}: only in {'the snapshot' if f in snap_files else f'out/ch{n}'}")
            continue
        a, b = program_text(os.path.join(dev, f)), program_text(os.path.join(tree, f))
        if f == "Makefile" and b[-1:] == ["-include tests.mk"]:
            b = b[:-1]  # the snapshot's `make test` and `make grade`
        if a != b:
            k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            differ.append(f"{f}: out/ch{n} has {a[k:k + 6]}, the snapshot {b[k:k + 6]}")
    check(f"snapshot {name}: the same program as out/ch{n}: its {len(snap_files)} files differ "
          f"only in comments, layout and #line", not differ, f"{len(differ)} files differ", differ)
    tests = [f for f in sources_of(tree) if f.startswith("tests/")
             and f not in ("tests/grading.json", "tests/exercises.txt")]
    changed = [f for f in tests if not os.path.exists(os.path.join(ROOT, f)) or (
        program_text(os.path.join(tree, f)) != program_text(os.path.join(ROOT, f))
        if f.endswith((".c", ".h")) else  # clang-formatted, as the kernel is
        open(os.path.join(tree, f), "rb").read() != open(os.path.join(ROOT, f), "rb").read())]
    check(f"snapshot {name}: its {len(tests)} test files are the book's (C files but for layout), "
          f"tests/qemu/test_ch{n}.py among them",
          not changed and f"tests/qemu/test_ch{n}.py" in tests, f"changed or missing: {changed}")
    # The last tree's own `make run` (the default boot, every program of the
    # chapter) works outside the repository; an earlier chapter's lab tree
    # boots with the same Makefile in its `make grade`. Lines are not compared with
    # a boot of out/chN: the #line directives there change the strings
    # __FILE__ gives and the programs' debug information, which the kernel
    # image embeds, so the free-frame counts and where ticks fall differ.
    # What the programs do is test_chN.py's business, on the same program.
    if not last:
        return
    code, out = sh(f"ulimit -t {CPU_SECONDS}; make -s run QEMU='{QEMU}' </dev/null",
                   cwd=tree, env=env, timeout=WALL_SECONDS)
    lines = [ANSI.sub("", l).rstrip("\r") for l in out.splitlines()]
    check(f"snapshot {name}: make run boots it in QEMU and exits 0", code == 0 and lines,
          f"status {code}", lines)


def grade_of(tree):
    """(score, max) from the tree's grade.json, or None."""
    return grade_of_json(os.path.join(tree, "grade.json"))


def grade_of_json(path):
    try:
        g = json.load(open(path))
        return g["score"], g["max"]
    except (OSError, ValueError, KeyError):
        return None


def student_grade(n, lab, tree, path, expected, tmp):
    """`make grade CH=n STUDENT=dir` on the lab tree with its tests/ deleted:
    it grades the book's pristine chapter-n lab tree with the student's
    kernel/ in place, which here is the lab tree itself, file for file. So
    this one run is also the lab tree's own run (make_test_checks): it must
    fail exactly the exercise checks. Returns its (score, max)."""
    student = os.path.join(tmp, f"student{n}")
    shutil.copytree(tree, student, ignore=shutil.ignore_patterns("build", "grade.*"))
    shutil.rmtree(os.path.join(student, "tests"))
    env = {"PATH": path, "PYTHONPATH": "", "TMPDIR": os.environ.get("TMPDIR", "/tmp")}
    code, out = sh(f"make -s grade CH={n} STUDENT={student}", timeout=3600, env=env)
    graded = os.path.join(ROOT, "out", "grade", f"ch{n}-student{n}")
    original = os.path.join(OUT, "lab", lab)
    # (compile_commands.json names the folder it was written for)
    skip = lambda f: f.startswith("grade.") or "__pycache__" in f or f in GENERATED  # noqa: E731
    a, b = [f for f in sources_of(graded) if not skip(f)], [f for f in sources_of(original) if not skip(f)]
    differ = sorted(set(a) ^ set(b)) + [f for f in a if f in b and open(os.path.join(graded, f), "rb").read()
                                        != open(os.path.join(original, f), "rb").read()]
    check(f"snapshot {lab}: make grade CH={n} STUDENT= (its tests/ deleted) grades the same files as {lab}",
          a and not differ, f"differ: {differ[:10]}")
    log = os.path.join(ROOT, "out", "grade", f"ch{n}-student{n}.grade.log")
    run = open(log, encoding="utf-8").read() if os.path.exists(log) else ""
    judge_run(lab, code, run, expected)
    got = grade_of_json(os.path.join(ROOT, "out", "grade", f"ch{n}-student{n}.grade.json"))
    m = re.findall(r"^score: (\d+)/(\d+)$", out, re.M)
    check(f"snapshot {lab}: make grade CH={n} STUDENT= prints the score it writes in grade.json, {got}",
          code == 0 and got and m and (int(m[-1][0]), int(m[-1][1])) == got,
          f"status {code}, printed {m[-1:]}", out.splitlines())
    shutil.rmtree(student, ignore_errors=True)
    return got


def tarball_checks(n, name):
    tgz = os.path.join(OUT, "lab" if name.endswith("-lab") else "full", name + ".tar.gz")
    ok = os.path.exists(tgz)
    if ok:
        with tarfile.open(tgz) as t:
            members = {m.name: m for m in t.getmembers()}
        run = members.get(f"{name}/tests/run.py")
        ok = f"{name}/Makefile" in members and f"{name}/README.md" in members and \
            f"{name}/LICENSE" in members and f"{name}/LICENSE-BOOK" in members and \
            run is not None and run.mode & 0o111 and \
            all(m.name == name or m.name.startswith(name + "/") for m in members.values()) and \
            not any("/build/" in m for m in members)
    check(f"snapshot {name}.tar.gz holds {name}/ with the licences, an executable tests/run.py and no build/",
          ok, "missing or wrong")


def main():
    code, out = sh("make -s snapshots")
    if chapters() == list(range(1, len(SOURCES) + 1)):
        check("make snapshots writes every chapter's trees and tarballs", code == 0,
              f"status {code}", out.splitlines())
    elif code != 0:  # SNAPSHOT_CHAPTERS leaves out a chapter that may not tangle yet
        print(f"NOTE make snapshots exited with status {code}: "
              + " / ".join(l for l in out.splitlines() if "snapshot:" not in l)[:300])
    book = Book([os.path.join(ROOT, s) for s in SOURCES])
    tmp = tempfile.mkdtemp(prefix="snapshot-test-")
    try:
        check("the snapshot test directory is outside the repository",
              not os.path.realpath(tmp).startswith(os.path.realpath(ROOT) + os.sep), tmp)
        path = shadow_path(tmp)
        c, o = sh("command -v noweb || command -v notangle || command -v pandoc || "
                  "command -v noweave", env={"PATH": path})
        check("noweb and pandoc are off the PATH of the snapshot runs", c != 0, o, o.splitlines())
        for n in chapters():
            exercises = book.exercises(n)
            full, lab = f"ch{n}", f"ch{n}-lab"
            try:
                grading = json.load(open(os.path.join(OUT, "lab", lab, "tests", "grading.json")))
            except (OSError, ValueError):
                grading = {"exercises": []}
            declared = [p["name"] for e in grading["exercises"] for p in e["parts"]]
            check(f"chapter {n}: every exercise declares its checks (<<checks: X>>)",
                  sorted(declared) == sorted(exercises), f"stubs {exercises}, declared {declared}")
            expected = [c for e in grading["exercises"] for c in e["checks"]]
            full_marks = sum(e["points"] for e in grading["exercises"])
            trees = {}
            for name in (full, lab):
                src = os.path.join(OUT, "lab" if name == lab else "full", name)
                if not os.path.isdir(src):
                    check(f"snapshot {name} exists", False, f"{src} is missing")
                    continue
                static_checks(n, name, src)
                tarball_checks(n, name)
                trees[name] = os.path.join(tmp, name)
                shutil.copytree(src, trees[name], symlinks=True)
            if full in trees:
                same_program_checks(n, full, trees[full], path)
                problems = lint(trees[full])
                check(f"snapshot {full}: reads as hand-written: every declaration defined, every "
                      f"definition and macro used, no chapter history, blank lines between "
                      f"definitions", not problems, f"{len(problems)} problems", problems)
            if lab in trees and full in trees:
                if not exercises:
                    f_dir, l_dir = os.path.join(OUT, "full", full), os.path.join(OUT, "lab", lab)
                    same = [f for f in sources_of(f_dir) if f != "README.md"]
                    differ = [f for f in same
                              if open(os.path.join(f_dir, f), "rb").read() !=
                              open(os.path.join(l_dir, f), "rb").read()]
                    check(f"snapshot {lab}: chapter {n} has no exercises, so it equals {full} "
                          f"but for its README", not differ and
                          sorted(same + ["README.md"]) == sorted(sources_of(l_dir)),
                          f"differ: {differ}")
                    continue
                # stubs may leave a solution's helpers unused: text checks only
                problems = lint(trees[lab], symbols=False)
                check(f"snapshot {lab}: no chapter history, no unused macro, blank lines "
                      f"between definitions", not problems, f"{len(problems)} problems", problems)
                todo, _ = sh("grep -rlq TODO kernel user", cwd=trees[lab])
                check(f"snapshot {lab}: the stubs carry TODO comments", todo == 0, "no TODO found")
                # The STUDENT= path is the same for every chapter: the last
                # chapter with exercises proves it, and its run is the lab
                # tree's run (it grades the same files).
                if n == max(c for c in chapters() if book.exercises(c)):
                    score = student_grade(n, lab, trees[lab], path, expected, tmp)
                else:
                    make_test_checks(n, lab, trees[lab], path, expected)
                    score = grade_of(trees[lab])
                check(f"snapshot {lab}: make grade scores below full marks",
                      score is not None and score[0] < score[1] == full_marks, f"score {score}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    done()


main()
