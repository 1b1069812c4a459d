#!/usr/bin/env python3
"""Write a snapshot: one chapter's kernel tree that stands on its own.

usage: snapshot.py --chapter N [--lab [--lab-all] [--exercises A,B]] [--out DIR] CHAPTER.nw...
       snapshot.py --all [--out DIR] CHAPTER.nw...
       snapshot.py --patch --chapter N [--reuse] [--out DIR] CHAPTER.nw...
       snapshot.py --git [--reuse] [--out DIR] CHAPTER.nw...

A snapshot `DIR/full/chN/` (default DIR: out/snapshots) is chapter N's tree
as a person would have written it: no `#line`, no chunk names,
`clang-format` clean, with its own README (Chinese and English),
`.clang-format`, `compile_commands.json`, a `make test` and a `make grade`
(tests.mk), that chapter's tests in tests/ and tests/grading.json (the
exercises, their points and checks, from the chapter's `<<checks: X>>`
chunks). With --lab it is `DIR/lab/chN-lab/`: each exercise of chapter N
(every `<<stub: X>>` written in chapter N) has its stub in place of the
solution, and doc/ holds the chapter's statement of the exercises (or the
chapter from the student edition, out/book-student/, when it exists).
Exercises of earlier chapters keep their solutions: chapter N's lab starts
where chapter N-1's ended. --lab-all stubs them too; --exercises stubs
only the exercises named (numbers such as 4b, or names). A chapter without
exercises gets a lab tree equal to the full one, and its README says so.
Every tree is also written as DIR/full/chN.tar.gz or DIR/lab/chN-lab.tar.gz;
--all writes both variants of every chapter. --patch writes
DIR/patches/chN-to-chM.patch, chapter N's tree to the next; --git writes
DIR/git, a commit per chapter and a chN-lab branch each.

Errors are printed as `file:line: sentence` (from the tangler) or
`snapshot: sentence`, and the exit status is 1.
"""

import argparse
import functools
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nwparse import Book, BookError, render_file  # noqa: E402

REPO = os.path.dirname(HERE)


TESTS_MK = """\
# tests.mk: `make test` for this snapshot of chapter {n}: host unit tests
# and QEMU runs of the kernel; the last line reads "N passed, N failed".
# `make grade` scores the exercises listed in tests/grading.json: one line
# per exercise, then "score: N/M"; the details go to grade.json.
PYTHON ?= python3

test: all
\t@$(PYTHON) tests/run.py

grade:
\t@$(PYTHON) tests/lib/grade.py $(if $(EXTRA_TESTS),--extra $(EXTRA_TESTS))

# compile_commands.json tells editors (clangd) how each file is compiled;
# its "directory" must be this tree's absolute path, put in on first use.
all: compile_commands.json
compile_commands.json: FORCE
\t@if [ -f $@ ] && ! grep -qF '"directory": "$(CURDIR)"' $@; then \\
\t    sed -i 's|"directory": "[^"]*"|"directory": "$(CURDIR)"|' $@; fi

.PHONY: test grade
"""

INCLUDE_TESTS = "\n# `make test` (written by the book's snapshot tool).\n-include tests.mk\n"


class SnapshotError(Exception):
    pass


# ---------------------------------------------------------------- the book


def chapter_text(path):
    """Title, intro and sections of a chapter, per language, from its prose.

    Returns {"title": {lang: s}, "intro": {lang: s}, "sections": [(id, {lang: s})],
    "exercises": {lang: s}, "statement": [({lang: title}, {lang: s})]} where
    the statement is every section titled "Exercise...", the exercises and
    questions section included; code chunks are skipped."""
    info = {"title": {}, "intro": {}, "sections": [], "exercises": {}, "statement": []}
    in_code = False
    solution = 0  # depth inside a ::: {.solution} or {.answers} div
    where = None  # "intro", "exercises", "statement" or None
    lang, buf = None, []
    heading = re.compile(r"^(#{1,3}) \[(.*?)\]\{lang=zh-CN\} \[(.*?)\]\{lang=en\}\s*(\{#([^ }]*).*\})?\s*$")
    for line in open(path, encoding="utf-8").read().splitlines():
        if in_code:
            if line == "@" or line.startswith("@ "):
                in_code = False
            continue
        if re.match(r"^<<.*>>=\s*$", line):
            in_code = True
            continue
        m = heading.match(line)
        if m:
            level, zh, en, anchor = m.group(1), m.group(2), m.group(3), m.group(5) or ""
            if level == "#":
                info["title"] = {"zh-CN": zh, "en": en}
                where = "intro"
            elif level == "###":
                # a subsection matters only as an exercise statement
                if en.startswith("Exercise"):
                    info["statement"].append(({"zh-CN": zh, "en": en}, {}))
                    where = "statement"
                elif where == "statement":
                    where = None
            else:
                info["sections"].append((anchor, {"zh-CN": zh, "en": en}))
                where = "exercises" if anchor.endswith(("-exercises", "-questions")) else None
                if level in ("##", "###") and en.startswith("Exercise"):
                    # the exercise statement: every section titled "Exercise..."
                    info["statement"].append(({"zh-CN": zh, "en": en}, {}))
                    where = where or "statement"
            continue
        if lang is None:
            # solutions and answers stay in the reader's book: skip those divs
            if re.match(r"^::: \{\.(solution|answers)\b", line) or (solution and line.startswith("::: ")):
                solution += 1
            elif solution and line.strip() == ":::":
                solution -= 1
            m = re.match(r"^::: \{lang=(zh-CN|en)\}\s*$", line)
            if m and where and not solution:
                lang, buf = m.group(1), []
            continue
        if line.strip() == ":::":
            targets = [info["statement"][-1][1]] if where in ("statement", "exercises") and \
                info["statement"] else []
            if where != "statement":
                targets.append(info[where])
            for target in targets:
                target[lang] = (target.get(lang, "") + "\n\n" + "\n".join(buf)).strip()
            lang = None
            continue
        buf.append(line)
    return info


def plain_markdown(text):
    """The book's Pandoc Markdown, as plain Markdown for a README."""
    text = re.sub(r"\[\[(.+?)\]\]", r"`\1`", text)
    text = re.sub(r"\[([^\]]*)\]\{lang=[^}]*\}", r"\1", text)
    return text


def exercise_places(book, files, defs, names, numbers):
    """For each exercise part X: (number, file, functions) of its code; the
    number is the one its `<<checks: X>>` chunk declares in this chapter."""
    places = {}
    for x in names:
        where = [r for r in sorted(files) if uses_chunk(r, "solution: " + x, defs, set())]
        body = "\n".join(render_file("solution: " + x, defs, False).splitlines())
        code = "\n".join(l for l in body.splitlines() if not l.lstrip().startswith("//"))
        # the functions the exercise defines: a declarator at column 0, then "{"
        fns = re.findall(r"^[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*\n\{", code, re.M)
        if not fns:
            m = re.search(r"^\s*[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(", code, re.M)
            fns = [m.group(1)] if m else []
        fns = [f for f in fns if not re.search(r"^static [^\n]*\b" + f + r"\(", code, re.M)] or fns
        places[x] = (numbers.get(x), where[0] if where else "?", ", ".join(dict.fromkeys(fns)) or None)
    return places


def uses_chunk(name, target, defs, seen):
    if name == target:
        return True
    if name in seen or name not in defs:
        return False
    seen.add(name)
    return any(uses_chunk(u, target, defs, seen) for p in defs[name] for u, _ in p.uses)


def where(place, lang):
    num, path, fn = place
    if not fn:
        return f"`{path}`"
    fn = "`, `".join(fn.split(", "))
    return f"`{path}` 中的 `{fn}`" if lang == "zh-CN" else f"`{fn}` in `{path}`"


def describe(x, place, lang):
    num, what = place[0], where(place, lang)
    if lang == "zh-CN":
        return f"练习 {num}（{what}）" if num else f"练习“{x}”（{what}）"
    return f"exercise {num} ({what})" if num else f"the exercise \"{x}\" ({what})"


# ---------------------------------------------------------------- the tree


def test_files(n):
    """The repository's test files that belong in chapter n's snapshot."""
    # tests/lib: the harness, the grader and the helpers and programs the
    # chapter suites share (every file of it, so that a new helper comes along).
    out = ["tests/run.py"] + sorted(
        f"tests/lib/{f}" for f in os.listdir(os.path.join(REPO, "tests", "lib"))
        if os.path.isfile(os.path.join(REPO, "tests", "lib", f)) and not f.endswith(".pyc"))
    for f in list(out):  # headers those files include from other test folders
        text = open(os.path.join(REPO, f), encoding="utf-8", errors="replace").read()
        out += [os.path.normpath(os.path.join(os.path.dirname(f), h))
                for h in re.findall(r'^#include "(\.\./[^"]+)"', text, re.M) +
                re.findall(r"\{HERE\}/(\.\./[\w./]+)", text)]
    out = list(dict.fromkeys(out))
    # The chapter's QEMU suites: test_chN.py and any test_chN_*.py beside it.
    qdir = os.path.join(REPO, "tests", "qemu")
    out += sorted(f"tests/qemu/{f}" for f in os.listdir(qdir)
                  if f == f"test_ch{n}.py" or (f.startswith(f"test_ch{n}_") and f.endswith(".py")))
    # ... and the earlier chapters' suites they import (chapter 8 reuses
    # chapter 7's checks on its own run).
    for f in list(out):
        if f.startswith("tests/qemu/"):
            text = open(os.path.join(REPO, f), encoding="utf-8").read()
            out += [f"tests/qemu/{m}.py" for m in re.findall(r"^\s*import (test_ch\w+)$", text, re.M)
                    if f"tests/qemu/{m}.py" not in out]
    if n >= 3:  # outside programs run alone: counters, the half-slice rule
        out += ["tests/lib/slice.py", "tests/lib/slice_a.c", "tests/lib/slice_b.c",
                "tests/lib/counters.c", "tests/bench/rt.h", "tests/bench/app.ld"]
    for k in range(1, n + 1):
        unit = f"tests/unit/test_ch{k}_units.sh"
        if os.path.exists(os.path.join(REPO, unit)):
            out.append(unit)
            text = open(os.path.join(REPO, unit), encoding="utf-8").read()
            out += sorted(set(re.findall(r"tests/unit/\w+\.c", text)))
            # A chapter's tests may keep their files in tests/unit/chK/.
            d = f"tests/unit/ch{k}"
            if os.path.isdir(os.path.join(REPO, d)):
                out += sorted(f"{d}/{f}" for f in os.listdir(os.path.join(REPO, d)))
    return [f for i, f in enumerate(out) if f not in out[:i]]


def check_source(root, text):
    """Problems that would show the book behind a file."""
    problems = []
    for k, line in enumerate(text.splitlines(), 1):
        if line.startswith("#line "):
            problems.append(f"snapshot: {root}:{k}: a #line directive")
        if re.search(r"<<[^\s<>=][^<>]*>>", line) or line.rstrip().endswith(">>="):
            problems.append(f"snapshot: {root}:{k}: a noweb chunk name: {line.strip()}")
        if re.match(r"^@( |$)", line) or "@<<" in line or "@@" == line.strip():
            problems.append(f"snapshot: {root}:{k}: a noweb escape: {line.strip()}")
    return problems


def readme(n, lab, chapter_path, info, places, table, files, makefile):
    name = os.path.basename(chapter_path)
    title = info["title"]
    html = f"ch{n}.html"
    apps = "APPS=" in makefile
    has_user = any(f.startswith("user/") for f in files)
    has_scripts = any(f.startswith("scripts/") for f in files)
    has_tools = any(f.startswith("tools/") for f in files)
    secs = [(f"{n}.{i}", s) for i, (a, s) in enumerate(info["sections"], 1)]
    expected = [c for e in table for c in e["checks"]]
    total = sum(e["points"] for e in table)

    def ex_text(lang):
        t = info["exercises"].get(lang, "")
        for x, place in places.items():
            t = re.sub(r"⟨solution:\s*" + r"\s+".join(map(re.escape, x.split())) + r"⟩",
                       where(place, lang), t)
        return plain_markdown(t)

    def task(lang):
        """What to implement, where, and how it is graded."""
        zh = lang == "zh-CN"
        out = []
        for e in table:
            by_file = {}  # parts in one file are named together
            for p in e["parts"]:
                num, path, fns = places[p["name"]]
                by_file.setdefault(path, []).extend((fns or "").split(", "))
            spots = ("；" if zh else "; ").join(
                where((None, path, ", ".join(f for f in fns if f) or None), lang)
                for path, fns in by_file.items())
            out.append(f"- 练习 {e['number']}（{e['points']} 分，{len(e['checks'])} 项检查）：{spots}"
                       if zh else
                       f"- Exercise {e['number']} ({e['points']} points, {len(e['checks'])} checks): {spots}")
        return out

    zh, en = [], []
    zh += [f"# {title['zh-CN']}", ""]
    if lab:
        zh += ["**练习版（lab）。**" + (
            " 本章没有编程练习，所以练习版与完整版相同。" if not table else
            " 下面这些练习的参考答案换成了桩：桩的注释写明了要求，函数先返回一个错误值。"
            "这棵树照样能编译、能启动；在你完成练习之前，`make test` "
            f"恰好有 {len(expected)} 项检查失败（列在 `tests/exercises.txt` 里，失败信息会指明是哪道练习），"
            "其余检查全部通过。"), ""]
        if table:
            zh += ["## 你的任务", "",
                   "题目的完整陈述在 `doc/` 里（本章的学生版，或本章的练习题目）；"
                   "要改的函数在下面列出的文件里，搜索 `TODO` 即可找到：", ""] + task("zh-CN") + [
                   "", "```sh",
                   "make run             # 构建并在 QEMU 中运行，看看你的内核打印了什么",
                   "make test            # 全部测试；最后一行是 “N passed, N failed”",
                   "make grade           # 只给练习打分：每道练习一行，最后一行是 “score: N/M”",
                   "```", "",
                   f"**评分。** 满分 {total} 分。每道练习的分数按它的检查平均分配：通过 k 项（共 n 项）"
                   "得 ⌊分值 × k / n⌋ 分，全部通过才得满分。`make grade` 把每项检查的结果写进 `grade.json`；"
                   "失败的检查会给出期望的那一行和内核在那里实际打印的内容。"
                   "教师用书附带的原始测试与程序评分（你的 `tests/` 和用户程序不参与），所以请只改 `kernel/`。", ""]
    zh += [f"这是《{BOOK_TITLE_ZH}》第 {n} 章的内核快照：第 1 到 {n} 章的全部代码，"
           "可以离开书单独构建、运行和测试。代码的讲解在书里："
           f"第 {n} 章（书稿 `chapters/{name}`，HTML 版的 `{html}`）；"
           "每个文件开头的注释写明了讲解它的章节。", "",
           "## 本章内容", "", plain_markdown(info["intro"].get("zh-CN", "")), "",
           "## 构建与运行", "",
           "需要（Debian 12 的软件包）：`gcc-riscv64-unknown-elf`、`binutils-riscv64-unknown-elf`、"
           "`qemu-system-misc`、`opensbi`、`make`；测试另需 `python3`、`gcc`、`device-tree-compiler`。", "",
           "```sh",
           "make run             # 构建并在 QEMU 中启动；QEMU 会自己退出",
           "make run MEM=256M LOG=debug   # 内存大小；日志级别 error|warn|info|debug|trace|off",
           ] + (["make run APPS=dir     # 运行 dir 里的 ELF 程序（按文件名顺序），代替本章的程序"] if apps else []) + [
           "make debug           # QEMU 停在第一条指令，GDB 端口 :1234",
           "make test            # 本章的测试；最后一行是 “N passed, N failed”",
           ] + (["make grade           # 给本章的练习打分；最后一行是 “score: N/M”"] if table and not lab else []) + [
           "make clean           # 删除 build/",
           "```", "",
           "## 目录", "",
           "| 路径 | 内容 |", "|---|---|",
           "| `kernel/` | 内核的 C 与汇编源码、链接脚本 |"]
    if has_user:
        zh.append("| `user/` | 用户库（`user/lib/`）与本书的用户程序（`user/apps/`） |")
    if has_scripts:
        zh.append("| `scripts/` | 构建用的脚本 |")
    if has_tools:
        zh.append("| `tools/` | 在宿主机上运行的工具（`mkfs`：制作、列出、检查磁盘映像） |")
    zh += ["| `tests/` | 测试：`run.py` 运行全部测试，`qemu/` 在 QEMU 中启动内核并核对输出，`unit/` 主机单元测试 |",
           "| `build/` | 构建产物（`make clean` 删除），含 `kernel.asm` 与 `kernel.sym` |",
           "| `.clang-format` | C 代码的格式；`clang-format --dry-run -Werror` 检查 |",
           "| `compile_commands.json` | 每个源文件的编译命令，供编辑器使用（见下） |", "",
           "## 编辑器", "",
           "`compile_commands.json` 记录了每个文件的真实编译选项，clangd 据此理解代码（跳转到定义、"
           "补全、报错）。VS Code 装 clangd 扩展，Vim/Neovim、Emacs 用各自的 LSP 客户端启动 `clangd`，"
           "打开这个目录即可；CLion 直接把它作为编译数据库打开。这个文件里的 `directory` 必须是本目录的"
           "绝对路径：解压后第一次运行 `make`（或 `make compile_commands.json`）会自动填上。", "",
           "## 本章各节", "", "| 节 | 标题 |", "|---|---|"]
    zh += [f"| {k} | {s['zh-CN']} |" for k, s in secs]
    if info["exercises"].get("zh-CN"):
        zh += ["", "## 练习与思考", "", ex_text("zh-CN")]
    zh += ["", "## 许可", "", "代码采用 MIT 许可证（`LICENSE`）；引自书中的文字采用 CC BY-SA 4.0（`LICENSE-BOOK`）。"]

    en += [f"# {title['en']}", ""]
    if lab:
        en += ["**Lab variant.**" + (
            " This chapter has no programming exercises, so the lab variant is the same as the full one."
            if not table else
            " The reference solutions of the exercises below are replaced by stubs: each stub's "
            "comment states what to do, and the function returns an error until you do it. The tree "
            f"still compiles and boots; until you finish the exercises, `make test` fails exactly "
            f"{len(expected)} checks (listed in `tests/exercises.txt`; each failure names its exercise) "
            "and passes all the others."), ""]
        if table:
            en += ["## Your task", "",
                   "The full statement is in `doc/` (this chapter of the student edition, or the "
                   "chapter's exercise statement). The functions to write are in the files below; "
                   "search them for `TODO`:", ""] + task("en") + [
                   "", "```sh",
                   "make run             # build and boot in QEMU, and see what your kernel prints",
                   "make test            # every test; the last line reads \"N passed, N failed\"",
                   "make grade           # grade the exercises: one line each, then \"score: N/M\"",
                   "```", "",
                   f"**Grading.** The exercises are worth {total} points. An exercise's points are "
                   "spread over its checks: passing k of its n checks gives ⌊points × k / n⌋, and all "
                   "of them the full points. `make grade` writes every check's result to `grade.json`; "
                   "a failed check shows the line it expected and what the kernel printed there. Your "
                   "instructor grades with the book's own pristine tests and programs (your `tests/` and "
                   "user programs are not used), so change only `kernel/`.", ""]
    en += [f"This is the kernel of chapter {n} of *{BOOK_TITLE_EN}*: the code of chapters 1 to "
           f"{n}, which builds, runs and tests on its own, without the book. The book explains it: "
           f"chapter {n} (the source `chapters/{name}`; `{html}` in the HTML book). The comment "
           "at the top of each file names the section that explains it.", "",
           "## This chapter", "", plain_markdown(info["intro"].get("en", "")), "",
           "## Building and running", "",
           "Needs (Debian 12 packages): `gcc-riscv64-unknown-elf`, `binutils-riscv64-unknown-elf`, "
           "`qemu-system-misc`, `opensbi`, `make`; the tests also need `python3`, `gcc` and "
           "`device-tree-compiler`.", "",
           "```sh",
           "make run             # build, then boot in QEMU; QEMU exits by itself",
           "make run MEM=256M LOG=debug   # memory size; log level error|warn|info|debug|trace|off",
           ] + (["make run APPS=dir     # run the ELF programs in dir (in file-name order) instead"] if apps else []) + [
           "make debug           # QEMU halted at its first instruction, GDB stub on :1234",
           "make test            # this chapter's tests; the last line reads \"N passed, N failed\"",
           ] + (["make grade           # score this chapter's exercises; the last line reads \"score: N/M\""] if table and not lab else []) + [
           "make clean           # remove build/",
           "```", "",
           "## Layout", "",
           "| path | contents |", "|---|---|",
           "| `kernel/` | the kernel's C and assembly sources, the linker script |"]
    if has_user:
        en.append("| `user/` | the user library (`user/lib/`) and the book's programs (`user/apps/`) |")
    if has_scripts:
        en.append("| `scripts/` | scripts used by the build |")
    if has_tools:
        en.append("| `tools/` | tools that run on the host (`mkfs`: make, list and check disk images) |")
    en += ["| `tests/` | the tests: `run.py` runs them all, `qemu/` boots the kernel and checks its output, `unit/` host unit tests |",
           "| `build/` | build output (`make clean` removes it), with `kernel.asm` and `kernel.sym` |",
           "| `.clang-format` | the C style; check with `clang-format --dry-run -Werror` |",
           "| `compile_commands.json` | each source file's compile command, for editors (below) |", "",
           "## Editors", "",
           "`compile_commands.json` holds every file's real compiler flags, from which clangd "
           "understands the code (go to definition, completion, errors). In VS Code install the "
           "clangd extension; in Vim/Neovim or Emacs start `clangd` from your LSP client; then "
           "open this folder. CLion opens the file as a compilation database. Its `directory` "
           "must be this folder's absolute path: the first `make` after unpacking (or `make "
           "compile_commands.json`) fills it in.", "",
           "## Sections of this chapter", "", "| section | title |", "|---|---|"]
    en += [f"| {k} | {s['en']} |" for k, s in secs]
    if info["exercises"].get("en"):
        en += ["", "## Exercises and questions", "", ex_text("en")]
    en += ["", "## Licence", "", "The code is under the MIT License (`LICENSE`); the text quoted from "
           "the book is under CC BY-SA 4.0 (`LICENSE-BOOK`)."]

    head = [f"<!-- README.md: chapter {n} of the book as a tree of its own "
            f"({'lab variant, ' if lab else ''}written by the book's snapshot tool). -->", ""]
    return "\n".join(head + zh + ["", "---", ""] + en) + "\n"


def book_titles():
    try:
        first = open(os.path.join(REPO, "README.md"), encoding="utf-8").readline()
        zh, en = first.lstrip("# ").strip().split(" · ", 1)
        return zh, en
    except (OSError, ValueError):
        return "从零写一个 RISC-V 内核", "An OS from scratch on RISC-V"


BOOK_TITLE_ZH, BOOK_TITLE_EN = book_titles()


def clang_format(root, paths):
    exe = shutil.which("clang-format")
    if not exe:
        raise SnapshotError("snapshot: clang-format is missing; install it with "
                            "`apt-get install clang-format` (make deps-test installs it).")
    if paths:
        p = subprocess.run([exe, "-i", "--style=file"] + paths, cwd=root,
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SnapshotError(f"snapshot: clang-format failed: {p.stderr.strip()}")


@functools.lru_cache(maxsize=None)
def section_lines(path):
    """The line numbers of the section headings (`## `) of a chapter file,
    in order; code chunks are skipped. (Kept: every file of every tree
    asks.)"""
    out, in_code = [], False
    for k, line in enumerate(open(path, encoding="utf-8").read().splitlines(), 1):
        if in_code:
            in_code = not (line == "@" or line.startswith("@ "))
        elif re.match(r"^<<.*>>=\s*$", line):
            in_code = True
        elif line.startswith("## "):
            out.append(k)
    return out


def file_sections(root, defs, book):
    """The sections ("N.M") whose chunks make up file `root`: first the one
    that writes the root, then the others in book order."""
    headings = {ch.path: section_lines(ch.path) for ch in book.chapters}
    found, seen = set(), set()

    def visit(name):
        if name in seen or name not in defs:
            return
        seen.add(name)
        for p in defs[name]:
            m = sum(1 for h in headings[p.path] if h < p.line)
            found.add((p.chapter, m))
            for u, _ in p.uses:
                visit(u)

    visit(root)
    p0 = defs[root][0]
    own = (p0.chapter, sum(1 for h in headings[p0.path] if h < p0.line))
    return [f"{c}.{m}" for c, m in [own] + sorted(found - {own}) if m > 0]


def spelled(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def add_book_reference(text, sections):
    """Text with a line after its header's first paragraph that says which
    sections of the book explain the file (generated, so it cannot go stale)."""
    if not sections:
        return text
    first, rest = sections[0], sections[1:]
    words = f"Explained in section {first}"
    if rest:
        words += f"; more in section{'s' if len(rest) > 1 else ''} {spelled(rest)}"
    words += "."
    lines = text.split("\n")
    k = 1 if lines and lines[0].startswith("#!") else 0
    head = lines[k] if k < len(lines) else ""
    lead = next((l for l in ("//", "/*", "#") if head.startswith(l)), None)
    if lead is None:
        return text
    cont = {"//": "//", "#": "#", "/*": " *"}[lead]
    end = k  # the last line of the first paragraph
    while not lines[end].rstrip().endswith("*/") and end + 1 < len(lines) and \
            lines[end + 1].startswith(cont) and lines[end + 1][len(cont):].strip() and \
            not (lead == "#" and lines[end + 1].startswith("#include")):
        end += 1
    new = [cont + " " + w for w in textwrap.wrap(words, 80 - len(cont) - 1)]
    if lines[end].rstrip().endswith("*/"):  # close the comment after the new line
        lines[end] = lines[end].rstrip()[:-2].rstrip()
        if lead == "/*" and end == k:
            new = [" *" + l[len(cont):] for l in new]
        new[-1] += " */"
    return "\n".join(lines[:end + 1] + new + lines[end + 1:])


def choose(book, n, lab, select=None, lab_all=False):
    """The exercises chapter n's tree is graded on, and the parts stubbed.

    By default, the exercises whose stub chapter n writes; `lab_all` adds
    those of earlier chapters still in the tree; `select` (numbers such as
    "4b", or part names) keeps only the exercises named. Returns (table,
    stubbed part names); table is a list of {number, points, checks, parts}."""
    in_force = book.exercise_checks(n)
    own = set(book.exercises(n))
    # LAB=all: an earlier chapter's exercise joins only if this chapter
    # redeclares its checks in its own tests' names (<<checks: X [replace]>>).
    parts = [e for e in in_force if e["name"] in own or (lab_all and e["chapter"] == n)]
    if select:
        wanted = set()
        for token in select:
            hits = {e["number"] for e in in_force if token in (e["number"], e["name"])}
            if not hits:
                known = ", ".join(dict.fromkeys(e["number"] for e in in_force)) or "none"
                raise SnapshotError(f"snapshot: chapter {n} has no exercise {token!r} "
                                    f"(its exercises: {known}).")
            wanted |= hits
        parts = [e for e in in_force if e["number"] in wanted]
    for e in parts:
        if e["chapter"] != n and e["checks"]:
            raise SnapshotError(f"snapshot: {e['where']}: exercise {e['number']}'s checks name chapter "
                                f"{e['chapter']}'s tests; for chapter {n}'s tree, declare "
                                f"<<checks: {e['name']} [replace]>>= in chapter {n}.")
    table = []
    for e in parts:
        ex = next((t for t in table if t["number"] == e["number"]), None)
        if ex is None:
            ex = {"number": e["number"], "points": 0, "checks": [], "suites": [], "parts": []}
            table.append(ex)
        ex["points"] += e["points"]
        ex["checks"] += [c for c in e["checks"] if c not in ex["checks"]]
        ex["suites"] += [t for t in e["suites"] if t not in ex["suites"]]
        ex["parts"].append({"name": e["name"]})
    for ex in table:
        if not ex["checks"] or not ex["points"]:
            raise SnapshotError(f"snapshot: chapter {n}'s exercise {ex['number']} declares no checks "
                                f"or no points in its <<checks: ...>> chunks.")
    return table, [e["name"] for e in parts] if lab else []


STUDENT_BOOK = None  # --student-book: where make snapshot found the student edition


def write_doc(tmp, n, info, places, student_book=None):
    """doc/: the chapter's exercise statement in full (exercises.md), and
    the chapter in the student edition when `student_book` (a built
    out/book-student/) is given. Tests never pass it, so what they check
    does not depend on whether or when the book was built."""
    doc = os.path.join(tmp, "doc")
    os.makedirs(doc)
    page = os.path.join(student_book or "", f"ch{n}.html")
    if student_book and os.path.exists(page):
        for f in [f"ch{n}.html", f"ch{n}.pdf", "book.pdf", "style.css", "lang.js"]:
            if os.path.exists(os.path.join(student_book, f)):
                shutil.copy2(os.path.join(student_book, f), os.path.join(doc, f))
        if os.path.isdir(os.path.join(student_book, "assets")):
            shutil.copytree(os.path.join(student_book, "assets"), os.path.join(doc, "assets"))
    out = [f"<!-- doc/exercises.md: the exercises of chapter {n}, as the book states them "
           "(written by the book's snapshot tool). -->", ""]
    for lang in ("zh-CN", "en"):
        out += [f"# {info['title'][lang]}", ""]
        for sec_title, text in info["statement"]:
            body = text.get(lang, "")
            for x, place in places.items():
                body = re.sub(r"⟨solution:\s*" + r"\s+".join(map(re.escape, x.split())) + r"⟩",
                              where(place, lang), body)
            out += [f"## {sec_title[lang]}", "", plain_markdown(body), ""]
        if lang == "zh-CN":
            out += ["---", ""]
    with open(os.path.join(doc, "exercises.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(out).rstrip() + "\n")


def write_snapshot(book, sources, n, lab, out_dir, select=None, lab_all=False):
    """Write out_dir/full/chN/ or out_dir/lab/chN-lab/; return its path."""
    table, stubbed = choose(book, n, lab, select, lab_all)
    files, defs = book.check_tree(n, set(stubbed))
    name = f"ch{n}-lab" if lab else f"ch{n}"
    out_dir = os.path.join(out_dir, "lab" if lab else "full")
    os.makedirs(out_dir, exist_ok=True)
    final = os.path.join(out_dir, name)
    tmp = os.path.join(out_dir, f".{name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    problems = []
    for root in sorted(files):
        text = add_book_reference(render_file(root, defs, False),
                                  file_sections(root, defs, book))
        problems += check_source(root, text)
        path = os.path.join(tmp, root)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    if problems:
        shutil.rmtree(tmp)
        raise SnapshotError("\n".join(problems))

    makefile_path = os.path.join(tmp, "Makefile")
    makefile = open(makefile_path, encoding="utf-8").read()
    if not re.search(r"^-?include\s+tests\.mk\s*$", makefile, re.M):
        with open(makefile_path, "a", encoding="utf-8") as f:
            f.write(INCLUDE_TESTS)
    with open(os.path.join(tmp, "tests.mk"), "w", encoding="utf-8") as f:
        f.write(TESTS_MK.format(n=n))

    for rel in ["LICENSE", "LICENSE-BOOK"] + test_files(n):  # the licences: code, and text
        dst = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(REPO, rel), dst)
        if re.fullmatch(r"tests/qemu/test_ch\d+(_\w+)?\.py", rel) and \
                not re.fullmatch(rf"tests/qemu/test_ch{n}(_\w+)?\.py", rel):
            os.chmod(dst, 0o644)  # an earlier chapter's suite, imported for its checks: not run here
    numbers = {e["name"]: e["number"] for e in book.exercise_checks(n)}
    places = exercise_places(book, files, defs, list(numbers), numbers)
    for ex in table:
        for part in ex["parts"]:
            _, part["file"], part["functions"] = places[part["name"]]
    with open(os.path.join(tmp, "tests", "grading.json"), "w", encoding="utf-8") as f:
        json.dump({"chapter": n, "exercises": table},
                  f, indent=1, ensure_ascii=False)
        f.write("\n")
    if lab and table:
        lines = []
        for ex in table:
            spots = "; ".join(where(places[p["name"]], "en") for p in ex["parts"])
            lines += [f"{c}\texercise {ex['number']} ({spots}), a TODO in the lab tree\n"
                      for c in ex["checks"]]
        with open(os.path.join(tmp, "tests", "exercises.txt"), "w", encoding="utf-8") as f:
            f.write("".join(lines))

    sources_c = sorted(os.path.relpath(os.path.join(d, f), tmp)
                       for d, _, fs in os.walk(tmp) for f in fs if f.endswith((".c", ".h")))
    clang_format(tmp, sources_c)
    compile_commands(tmp)

    info = chapter_text(sources[n - 1])
    if lab and table:
        write_doc(tmp, n, info, places, STUDENT_BOOK)
    if "README.md" not in files:
        with open(os.path.join(tmp, "README.md"), "w", encoding="utf-8") as f:
            f.write(readme(n, lab, sources[n - 1], info, places, table, files, makefile))
    shutil.rmtree(final, ignore_errors=True)
    os.rename(tmp, final)
    return final


def compile_commands(tree):
    """compile_commands.json with "directory": "." (tests.mk puts in the
    tree's path on the first make), see tangle/compdb.py."""
    p = subprocess.run([sys.executable, os.path.join(HERE, "compdb.py"), "--directory", ".", tree],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SnapshotError(p.stderr.strip() or "snapshot: compile_commands.json not written")


def write_tar(path, mtime):
    """path.tar.gz holding path/ as its top folder; the same bytes every time."""
    base = os.path.dirname(path)
    name = os.path.basename(path)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entries = [name]
        for d, dirs, fs in os.walk(path):
            dirs.sort()
            entries += [os.path.relpath(os.path.join(d, x), base) for x in dirs + sorted(fs)]
        for rel in sorted(entries):
            full = os.path.join(base, rel)
            info = tar.gettarinfo(full, rel)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = mtime
            if info.isdir() or os.access(full, os.X_OK):
                info.mode = 0o755
            else:
                info.mode = 0o644
            if info.isfile():
                with open(full, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    with open(path + ".tar.gz", "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as gz:
            gz.write(buf.getvalue())
    return path + ".tar.gz"


def git(cwd, *args, env=None):
    e = dict(os.environ, GIT_AUTHOR_NAME="book", GIT_AUTHOR_EMAIL="book@localhost",
             GIT_COMMITTER_NAME="book", GIT_COMMITTER_EMAIL="book@localhost",
             GIT_AUTHOR_DATE="2000-01-01T00:00:00Z", GIT_COMMITTER_DATE="2000-01-01T00:00:00Z",
             GIT_CONFIG_NOSYSTEM="1", HOME=cwd)
    p = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=e)
    if p.returncode != 0:
        raise SnapshotError(f"snapshot: git {' '.join(args)} failed: {p.stderr.strip()}")
    return p.stdout


def commit_tree(repo, tree, message):
    """Make the work tree of `repo` equal to `tree`, and commit it."""
    for f in os.listdir(repo):
        if f != ".git":
            full = os.path.join(repo, f)
            shutil.rmtree(full) if os.path.isdir(full) else os.remove(full)
    for f in os.listdir(tree):
        if f in ("build", "grade.json", "grade.log"):  # output of a make run in the tree
            continue
        src, dst = os.path.join(tree, f), os.path.join(repo, f)
        shutil.copytree(src, dst) if os.path.isdir(src) else shutil.copy2(src, dst)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def tree_of(book, sources, n, lab, out_dir, reuse):
    """Chapter n's tree, written afresh unless `reuse` and already there."""
    path = os.path.join(out_dir, "lab" if lab else "full", f"ch{n}-lab" if lab else f"ch{n}")
    if reuse and os.path.isdir(path):
        return path
    return write_snapshot(book, sources, n, lab, out_dir)


def write_git(book, sources, out_dir, reuse=False):
    """out_dir/git: a git repository with one commit per chapter (tags chN on
    branch main) and a branch chN-lab per chapter, whose one commit on top of
    chapter N-1 holds chapter N's lab tree."""
    last = len(book.chapters)
    trees = {}
    for n in range(1, last + 1):
        trees[n] = tree_of(book, sources, n, False, out_dir, reuse)
        trees[(n, "lab")] = tree_of(book, sources, n, True, out_dir, reuse)
    repo = os.path.join(out_dir, "git")
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    for n in range(1, last + 1):
        commit_tree(repo, trees[n], f"Chapter {n}: {chapter_text(sources[n - 1])['title']['en']}")
        git(repo, "tag", f"ch{n}")
    for n in range(1, last + 1):
        if n == 1:
            git(repo, "checkout", "-q", "--orphan", "ch1-lab")
        else:
            git(repo, "checkout", "-q", "-b", f"ch{n}-lab", f"ch{n - 1}")
        commit_tree(repo, trees[(n, "lab")], f"Chapter {n}, lab: the exercises are stubs")
    git(repo, "checkout", "-q", "main")
    return repo


def write_patch(book, sources, n, out_dir, reuse=False):
    """out_dir/patches/chN-to-chM.patch: what changes from chapter n's tree to
    chapter n+1's, as `git diff chN chM` shows it in the git export."""
    if not 1 <= n < len(book.chapters):
        raise SnapshotError(f"snapshot: no patch from chapter {n}: the book has chapters "
                            f"1..{len(book.chapters)}, and a patch goes to the next one.")
    a = tree_of(book, sources, n, False, out_dir, reuse)
    b = tree_of(book, sources, n + 1, False, out_dir, reuse)
    tmp = os.path.join(out_dir, ".patch.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        git(tmp, "init", "-q")
        commit_tree(tmp, a, f"ch{n}")
        commit_tree(tmp, b, f"ch{n + 1}")
        text = git(tmp, "diff", "HEAD~1", "HEAD")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(out_dir, "patches"), exist_ok=True)
    path = os.path.join(out_dir, "patches", f"ch{n}-to-ch{n + 1}.patch")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapter", type=int)
    ap.add_argument("--student-book", help="a built student edition to put in lab trees' doc/")
    ap.add_argument("--lab", action="store_true", help="exercise stubs instead of solutions")
    ap.add_argument("--lab-all", action="store_true",
                    help="with --lab: stub earlier chapters' exercises too")
    ap.add_argument("--exercises", help="with --lab: stub only these exercises (numbers or names, "
                    "comma-separated)")
    ap.add_argument("--all", action="store_true", help="every chapter, full and lab")
    ap.add_argument("--tar", action="store_true", help="(always on) write DIR/VARIANT/NAME.tar.gz")
    ap.add_argument("--patch", action="store_true", help="the patch from chapter N to N+1")
    ap.add_argument("--git", action="store_true", help="a git repository of every chapter")
    ap.add_argument("--reuse", action="store_true",
                    help="with --git or --patch: use the trees already in DIR (make snapshots)")
    ap.add_argument("--out", default=os.path.join("out", "snapshots"))
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()
    global STUDENT_BOOK
    STUDENT_BOOK = args.student_book
    try:
        book = Book(args.sources)
        last = len(book.chapters)
        os.makedirs(args.out, exist_ok=True)
        if args.git:
            print(f"snapshot: {write_git(book, args.sources, args.out, args.reuse)}")
            return 0
        if args.patch:
            print(f"snapshot: {write_patch(book, args.sources, args.chapter or last - 1, args.out, args.reuse)}")
            return 0
        select = [x.strip() for x in args.exercises.split(",") if x.strip()] if args.exercises else None
        if args.all:
            jobs = [(n, lab) for n in range(1, last + 1) for lab in (False, True)]
        else:
            n = args.chapter or last
            if not 1 <= n <= last:
                raise SnapshotError(f"snapshot: there is no chapter {n} (the book has 1..{last}).")
            jobs = [(n, args.lab or args.lab_all or bool(select))]
        mtime = int(max(os.path.getmtime(s) for s in args.sources))
        status = 0
        for n, lab in jobs:
            try:  # with --all, one chapter that does not tangle stops only itself
                path = write_snapshot(book, args.sources, n, lab, args.out,
                                      select if not args.all else None, args.lab_all and not args.all)
            except (BookError, SnapshotError) as e:
                if not args.all:
                    raise
                for p in getattr(e, "problems", [str(e)]):
                    print(p, file=sys.stderr)
                print(f"snapshot: chapter {n}{' (lab)' if lab else ''} not written", file=sys.stderr)
                status = 1
                continue
            print(f"snapshot: {path}")
            print(f"snapshot: {write_tar(path, mtime)}")
        return status
    except BookError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        return 1
    except SnapshotError as e:
        print(e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
