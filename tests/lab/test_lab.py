#!/usr/bin/env python3
"""Labs for a course (tangle/snapshot.py, INSTRUCTOR.md), without booting:
no line of a solution of chapter n or later is in chapter n's lab tarball
(doc/ and README included); the exercise chunks give numbers, points and
checks; a single snapshot writes its own tarball, full and lab in separate
folders; EXERCISES= and LAB=all stub what they name and build; every tree
has doc/ (lab), LICENSE files and a compile_commands.json that lists the
kernel's sources; `make patch` and `make snapshots-git` agree (one commit
per chapter, chN-lab branches, `git diff ch3 ch4` is `make patch CH=3`).
The scores (lab below full marks, STUDENT= grading) are checked by
tests/snapshot, which runs every lab tree's tests."""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ROOT, check, done, sh  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "tangle"))
from nwparse import Book, render_file  # noqa: E402

SOURCES = sorted(glob.glob(os.path.join(ROOT, "chapters", "ch*.nw")),
                 key=lambda f: int(re.search(r"ch(\d+)", os.path.basename(f)).group(1)))
SNAP = [sys.executable, os.path.join(ROOT, "tangle", "snapshot.py")]


def snapshot(out, *args):
    p = subprocess.run(SNAP + ["--out", out, *args] + SOURCES, cwd=ROOT, capture_output=True,
                       text=True, timeout=900)
    return p.returncode, p.stdout + p.stderr


def solution_lines(book, n):
    """Lines that only a solution of chapter n or later holds: each such
    solution rendered in the full tree of its chapter, less every line of any
    stub and of that tree with the solutions left out. Short lines (`}`,
    `return 0;`) say nothing and are skipped."""
    last = len(book.chapters)
    # Lines of stubs, and of any chunk that is no solution (an earlier
    # chapter's plain code, which the book shows as an earlier version, may
    # hold the same line as a later solution), give nothing away.
    stubs = {norm(l) for p in book.pieces if not p.name.startswith("solution: ")
             for line in p.body for l in ["".join(i[1] for i in line if i[0] == "text")]}
    out = {}
    defs = book.definitions(n)
    files, _ = book.check_tree(n)
    for x in book.exercises(n):
        defs["solution: " + x] = []
    own = {norm(l) for root in files for l in render_file(root, defs, False).splitlines()}
    for k in range(n, last + 1):
        names = book.exercises(k)
        if not names:
            continue
        defs = book.definitions(k)
        files, _ = book.check_tree(k)
        bare = dict(defs)
        for x in names:
            bare["solution: " + x] = []
        common = {norm(l) for root in files for l in render_file(root, bare, False).splitlines()}
        common |= own  # chapter n's own code, outside any solution, may share a line
        for x in names:
            for l in render_file("solution: " + x, defs, False).splitlines():
                s = norm(l)
                if len(s) >= 16 and s not in stubs and s not in common:
                    out.setdefault(s, f"chapter {k}'s solution of {x!r}")
    return out


def norm(line):
    """A line's code without its trailing comment (a comment-only line stays
    whole): the same statement may carry different comments in two places."""
    code = line.split("//")[0].strip()
    return code if code else line.strip()


def tar_texts(path):
    with tarfile.open(path) as t:
        for m in t.getmembers():
            if m.isfile():
                data = t.extractfile(m).read()
                if b"\0" not in data[:4096]:
                    yield m.name, data.decode("utf-8", errors="replace")


def no_solution_checks(book, out):
    for n in range(1, len(book.chapters) + 1):
        tgz = os.path.join(out, "lab", f"ch{n}-lab.tar.gz")
        if not os.path.exists(tgz):
            check(f"ch{n}-lab.tar.gz exists", False, tgz)
            continue
        forbidden = solution_lines(book, n)
        found = []
        for name, text in tar_texts(tgz):
            for line in text.splitlines():
                s = line.strip()
                hits = [f for f in forbidden if f in s]
                found += [f"{name}: {h!r} ({forbidden[h]})" for h in hits]
        check(f"ch{n}-lab.tar.gz holds no line of a solution of chapter {n} or later "
              f"({len(forbidden)} solution lines searched)", not found, f"{len(found)} found", found)
        if n > 1 and book.exercises(n):
            check(f"chapter {n}'s solution search has lines to look for", len(forbidden) > 5,
                  f"only {len(forbidden)}")


def tree_checks(book, out):
    licenses = sorted(os.path.basename(f) for f in glob.glob(os.path.join(ROOT, "LICENSE*")))
    for n in range(1, len(book.chapters) + 1):
        for variant, name in (("full", f"ch{n}"), ("lab", f"ch{n}-lab")):
            tree = os.path.join(out, variant, name)
            check(f"{variant}/{name} and {variant}/{name}.tar.gz are written",
                  os.path.isdir(tree) and os.path.exists(tree + ".tar.gz"), "missing")
            if not os.path.isdir(tree):
                continue
            try:
                db = json.load(open(os.path.join(tree, "compile_commands.json")))
            except (OSError, ValueError):
                db = []
            kernel_c = sorted(os.path.relpath(f, tree) for f in glob.glob(os.path.join(tree, "kernel", "*.c")))
            listed = {e.get("file") for e in db}
            check(f"{name} ({variant}): compile_commands.json lists every kernel/*.c with its flags",
                  kernel_c and all(c in listed for c in kernel_c) and
                  all("-Ikernel" in e["arguments"] or not e["file"].startswith("kernel/") for e in db),
                  f"missing {[c for c in kernel_c if c not in listed]}")
            check(f"{name} ({variant}): the LICENSE files of the repository are in it ({', '.join(licenses) or 'none yet'})",
                  all(os.path.exists(os.path.join(tree, l)) for l in licenses), "missing")
            grading = json.load(open(os.path.join(tree, "tests", "grading.json")))
            readme = open(os.path.join(tree, "README.md"), encoding="utf-8").read()
            exercises = grading["exercises"]
            if variant == "lab" and exercises:
                doc = os.path.join(tree, "doc")
                docs = "".join(open(f, encoding="utf-8", errors="replace").read()
                               for f in glob.glob(os.path.join(doc, "*")) if os.path.isfile(f))
                nums = [e["number"] for e in exercises]
                check(f"{name}: doc/ states exercise {', '.join(nums)} in both languages",
                      all(f"xercise {x}" in docs and f"练习 {x}" in docs for x in nums), "missing")
                check(f"{name}: README says what to implement, where, and how to run, test and grade",
                      "## Your task" in readme and "## 你的任务" in readme and "make grade" in readme and
                      "make test" in readme and "make run" in readme and
                      all(f"Exercise {x} (" in readme for x in nums) and
                      all(p["file"] in readme for e in exercises for p in e["parts"]),
                      "a part is missing")
            if exercises:
                check(f"{name}: README has the chapter's exercises section",
                      "## Exercises and questions" in readme and "## 练习与思考" in readme, "missing")
                check(f"{name}: the README's editor section says how compile_commands.json is used",
                      "compile_commands.json" in readme and "clangd" in readme, "missing")


def numbering_checks(book):
    table = {n: book.exercise_checks(n) for n in range(1, len(book.chapters) + 1)}
    ch4 = {e["name"]: e["number"] for e in table.get(4, [])}
    check("chapter 4's trace is exercise 4a there (the number comes from chapter 4)",
          ch4.get("trace") == "4a", f"got {ch4.get('trace')}")
    check("chapter 4's lab stubs the memory-set side of mmap/munmap/sbrk, in exercise 4b",
          any(n == "4b" for x, n in ch4.items() if "memory set" in x), f"{ch4}")
    for n, ex in table.items():
        for e in ex:
            check(f"chapter {n}, exercise {e['number']} ({e['name']}): declares its points and checks",
                  e["head"] and (e["checks"] and e["points"] > 0 or not e["checks"] and not e["points"]),
                  e["where"])


def option_checks(tmp):
    # EXERCISES=4a: only exercise 4a's parts are stubs; the memory set keeps its solution.
    code, out = snapshot(os.path.join(tmp, "ex"), "--chapter", "4", "--lab", "--exercises", "4a")
    tree = os.path.join(tmp, "ex", "lab", "ch4-lab")
    ok = code == 0 and os.path.exists(tree + ".tar.gz")
    if ok:
        g = json.load(open(os.path.join(tree, "tests", "grading.json")))
        syscall = open(os.path.join(tree, "kernel", "syscall.c")).read()
        space = open(os.path.join(tree, "kernel", "space.c")).read()
        ok = [e["number"] for e in g["exercises"]] == ["4a"] and "any_mapped" in space and \
            "TODO: fill a struct timeval" in syscall and "TODO: implement the three calls" not in syscall
    check("EXERCISES=4a stubs exercise 4a only, grades only it, and writes its tarball", ok, out,
          out.splitlines())
    if ok:
        c, o = sh("make -s all", cwd=tree, timeout=300)
        check("the EXERCISES=4a lab tree builds", c == 0, o, o.splitlines())
    code, out = snapshot(os.path.join(tmp, "bad"), "--chapter", "4", "--lab", "--exercises", "9z")
    check("EXERCISES= naming no exercise of the chapter is refused with a message",
          code == 1 and "no exercise '9z'" in out, out)
    # LAB=all on chapter 3: chapter 2's user_owns becomes a stub too, graded by ch3's tests.
    code, out = snapshot(os.path.join(tmp, "all"), "--chapter", "3", "--lab", "--lab-all")
    tree = os.path.join(tmp, "all", "lab", "ch3-lab")
    ok = code == 0
    if ok:
        g = json.load(open(os.path.join(tree, "tests", "grading.json")))
        syscall = open(os.path.join(tree, "kernel", "syscall.c")).read()
        ok = sorted(e["number"] for e in g["exercises"]) == ["2", "3"] and \
            "Exercise 2" in syscall and "TODO: return 1 only when" in syscall and \
            all(c.startswith("ch3: ") for e in g["exercises"] for c in e["checks"])
    check("LAB=all on chapter 3 stubs chapter 2's exercise too, graded with chapter 3's checks",
          ok, out, out.splitlines())
    if ok:
        c, o = sh("make -s all", cwd=tree, timeout=300)
        check("the LAB=all lab tree builds", c == 0, o, o.splitlines())


def git_checks(book, tmp):
    out = os.path.join(tmp, "snap")  # the trees of snapshot.py --all
    code, text = snapshot(out, "--git", "--reuse")
    repo = os.path.join(out, "git")
    check("make snapshots-git writes a git repository", code == 0 and os.path.isdir(repo), text,
          text.splitlines())
    if code != 0:
        return
    last = len(book.chapters)
    _, count = sh("git rev-list --count main", cwd=repo)
    check(f"the git export has one commit per chapter ({last}) on main", count.strip() == str(last), count)
    _, branches = sh("git branch --format='%(refname:short)'", cwd=repo)
    want = {f"ch{n}-lab" for n in range(1, last + 1)}
    check("the git export has a chN-lab branch for every chapter", want <= set(branches.split()),
          branches)
    _, tags = sh("git tag", cwd=repo)
    check("the git export tags every chapter chN", {f"ch{n}" for n in range(1, last + 1)} <= set(tags.split()),
          tags)
    _, diff_lab = sh(f"git diff --stat ch{last} ch{last}-lab", cwd=repo)
    # A stub may sit in the kernel or in a user program (chapter 7's shell).
    check(f"ch{last}-lab differs from ch{last} (its stubs)", re.search(r"\b(kernel|user)/", diff_lab),
          diff_lab)
    _, same = sh(f"git diff --stat ch{last - 1} ch{last}-lab~1", cwd=repo)
    check(f"ch{last}-lab sits on top of chapter {last - 1}", same.strip() == "", same)
    for n in range(1, last):
        code, text = snapshot(out, "--patch", "--reuse", "--chapter", str(n))
        patch = os.path.join(out, "patches", f"ch{n}-to-ch{n + 1}.patch")
        p = subprocess.run(["git", "diff", f"ch{n}", f"ch{n + 1}"], cwd=repo, capture_output=True,
                           text=True)
        ok = code == 0 and os.path.exists(patch) and p.returncode == 0 and \
            open(patch, encoding="utf-8").read() == p.stdout and p.stdout
        check(f"git diff ch{n} ch{n + 1} equals make patch CH={n}", ok, text)
    # The patch carries chapter n's tree to chapter n+1's.
    work = os.path.join(tmp, "apply")
    shutil.copytree(os.path.join(out, "full", "ch3"), work)
    c, o = sh(f"git apply --whitespace=nowarn {os.path.join(out, 'patches', 'ch3-to-ch4.patch')}", cwd=work)
    c2, o2 = sh(f"diff -r {work} {os.path.join(out, 'full', 'ch4')}")
    check("make patch CH=3 applied to chapter 3's tree gives chapter 4's", c == 0 and c2 == 0, o + o2,
          (o + o2).splitlines())


def tangled_checks(book):
    for n in range(1, len(book.chapters) + 1):
        path = os.path.join(ROOT, "out", f"ch{n}", "compile_commands.json")
        try:
            db = json.load(open(path))
        except (OSError, ValueError):
            db = []
        check(f"out/ch{n} (make tangle) has a compile_commands.json with an absolute directory",
              db and all(os.path.isabs(e["directory"]) for e in db), path)


def main():
    book = Book(SOURCES)
    numbering_checks(book)
    tmp = tempfile.mkdtemp(prefix="lab-test-")
    try:
        out = os.path.join(tmp, "snap")
        code, text = snapshot(out, "--all")
        check("snapshot.py --all writes every chapter's full and lab trees", code == 0, text,
              text.splitlines())
        tree_checks(book, out)
        no_solution_checks(book, out)
        code, text = snapshot(os.path.join(tmp, "one"), "--chapter", "1")
        check("a single snapshot (make snapshot CH=1) writes its tarball in full/",
              code == 0 and os.path.exists(os.path.join(tmp, "one", "full", "ch1.tar.gz")) and
              not os.path.exists(os.path.join(tmp, "one", "lab")), text)
        option_checks(tmp)
        git_checks(book, tmp)
        tangled_checks(book)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    done()


main()
