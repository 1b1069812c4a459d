#!/usr/bin/env python3
"""Write a snapshot: one chapter's kernel tree that stands on its own.

usage: snapshot.py --chapter N [--lab] [--out DIR] CHAPTER.nw...
       snapshot.py --all [--tar] [--out DIR] CHAPTER.nw...

A snapshot `DIR/chN/` (default DIR: out/snapshots) is chapter N's tree as a
person would have written it: no `#line`, no chunk names, `clang-format`
clean, with its own README (Chinese and English), `.clang-format`, a
`make test` (tests.mk) and that chapter's tests in tests/. With --lab it is
`DIR/chN-lab/`: each exercise of chapter N (every `<<stub: X>>` written in
chapter N) has its stub in place of the solution. Exercises of earlier
chapters keep their solutions: chapter N's lab starts where chapter N-1's
ended, and a stubbed exercise 2 (every `write` fails) would silence every
later test. A chapter without exercises gets a lab tree equal to the full
one, and its README says so. --all writes both variants of every chapter;
--tar also writes DIR/chN.tar.gz and DIR/chN-lab.tar.gz.

Errors are printed as `file:line: sentence` (from the tangler) or
`snapshot: sentence`, and the exit status is 1.
"""

import argparse
import gzip
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nwparse import Book, BookError, render_file  # noqa: E402

REPO = os.path.dirname(HERE)

# The checks of each chapter's tests that need that chapter's exercises:
# in its lab snapshot exactly these fail (tests/snapshot/test_snapshots.py
# verifies it). Keyed by chapter, then by exercise name (`stub: NAME`).
EXERCISE_CHECKS = {
    2: {"does the app own this buffer": [
        # Every write fails while user_owns is a stub, so every check that
        # needs a line printed by a program fails with it.
        "hello prints and exits 0",
        "power checks itself",
        "store_null is killed with SPEC's line",
        "sret is killed with SPEC's line",
        "csr is killed with SPEC's line",
        "illegal is killed with SPEC's line",
        "the store to 0 reports bad addr 0",
        "each program after a faulting one still runs",
        "write with a null buffer returns -1",
        "write with a kernel address returns -1",
        "write with a absurd length returns -1",
        "write with a past the stack top returns -1",
        "write with a bad fd returns -1",
        "a good write prints its bytes and returns the length",
        "an unknown syscall is logged and returns -1",
        "APPS=dir runs an outside program on ch2, in file-name order",
    ]},
    3: {"trace": [
        "ch3: trace yield count is 3",
        "ch3: trace trace count is 2",
        "ch3: trace get_time count is 0",
        "ch3: trace read own byte is 42",
        "ch3: trace write own byte is 0, now 7",
        "ch3: trace write count is 8",
    ]},
    4: {
        "mmap, munmap and sbrk": [
            "ch4 exercise mmap: two pages rw -> 0",
            "ch4 exercise mmap: zeroed -> 0",
            "ch4 exercise mmap: written and read back -> 79",
            "ch4 exercise mmap: overlapping a mapped page -> -1",
            "ch4 exercise mmap: munmap unaligned -> -1",
            "ch4 exercise mmap: munmap an unmapped page -> -1",
            "ch4 exercise mmap: munmap the stack -> -1",
            "ch4 exercise mmap: munmap the second page -> 0",
            "ch4 exercise mmap: first page still there -> 7",
            "ch4 exercise mmap: munmap it again -> -1",
            "ch4 exercise mmap: munmap the first page -> 0",
            "ch4 exercise mmap: mmap beyond user space -> -1",
            "ch4 exercise mmap: mmap absurd length -> -1",
            "ch4 exercise sbrk: break is page-aligned: 1",
            "ch4 exercise sbrk: new memory usable: 3",
            "ch4 exercise sbrk: break moved: 1",
            "ch4 exercise sbrk: shrink by 10000 -> 0",
            "ch4 exercise sbrk: below the start -> -1",
            "ch4 exercise sbrk: absurd growth -> -1",
            "ch4 exercise sbrk: break unchanged: 1",
            "ch4 exercise mmap: a store to a read-only mmap page is killed",
            "ch4 exercise mmap: an access after munmap is killed",
            "ch4 exercise pointers: a write across a page boundary prints whole",
        ],
        "get_time through the page table": [
            "ch4 exercise pointers: get_time into the stack -> 0",
            "ch4 exercise pointers: earlier program output 'sleep: get_time monotonic: yes'",
        ],
        "trace": [
            "ch4 exercise pointers: trace read own byte -> 5",
            "ch4 exercise pointers: trace write own byte -> 0",
            "ch4 exercise pointers: trace wrote the byte",
            "ch4 exercise pointers: earlier program output 'trace: yield count 3'",
            "ch4 exercise pointers: earlier program output 'trace: write count 8'",
        ],
    },
}

TESTS_MK = """\
# tests.mk: `make test` for this snapshot of chapter {n}: host unit tests
# and QEMU runs of the kernel; the last line reads "N passed, N failed".
PYTHON ?= python3

test: all
\t@$(PYTHON) tests/run.py

.PHONY: test
"""

INCLUDE_TESTS = "\n# `make test` (written by the book's snapshot tool).\n-include tests.mk\n"


class SnapshotError(Exception):
    pass


# ---------------------------------------------------------------- the book


def chapter_text(path):
    """Title, intro and sections of a chapter, per language, from its prose.

    Returns {"title": {lang: s}, "intro": {lang: s}, "sections": [(id, {lang: s})],
    "exercises": {lang: s}}; code chunks are skipped."""
    info = {"title": {}, "intro": {}, "sections": [], "exercises": {}}
    in_code = False
    where = None  # "intro", "exercises" or None
    lang, buf = None, []
    heading = re.compile(r"^(#{1,2}) \[(.*?)\]\{lang=zh-CN\} \[(.*?)\]\{lang=en\}\s*(\{#([^ }]*).*\})?\s*$")
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
            else:
                info["sections"].append((anchor, {"zh-CN": zh, "en": en}))
                where = "exercises" if anchor.endswith("-exercises") else None
            continue
        if lang is None:
            m = re.match(r"^::: \{lang=(zh-CN|en)\}\s*$", line)
            if m and where:
                lang, buf = m.group(1), []
            continue
        if line.strip() == ":::":
            target = info[where]
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


def exercise_places(book, files, defs, names):
    """For each exercise X: (number or None, file, function) of its code."""
    places = {}
    for x in names:
        where = [r for r in sorted(files) if uses_chunk(r, "solution: " + x, defs, set())]
        body = "\n".join("".join(i[1] for i in line if i[0] == "text")
                         for p in defs["solution: " + x] for line in p.body)
        code = "\n".join(l for l in body.splitlines() if not l.lstrip().startswith("//"))
        # the functions the exercise defines: a declarator at column 0, then "{"
        fns = re.findall(r"^[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*\n\{", code, re.M)
        if not fns:
            m = re.search(r"^\s*[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(", code, re.M)
            fns = [m.group(1)] if m else []
        stub = "\n".join("".join(i[1] for i in line if i[0] == "text")
                         for p in book.history("stub: " + x) for line in p.body)
        num = re.search(r"[Ee]xercise (\d+)", stub) or re.search(r"[Ee]xercise (\d+)", body)
        places[x] = (num.group(1) if num else None, where[0] if where else "?",
                     ", ".join(dict.fromkeys(fns)) or None)
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
    out = ["tests/run.py", "tests/lib/harness.py", "tests/lib/outside.c", "tests/lib/be32.h"]
    qemu = f"tests/qemu/test_ch{n}.py"
    if os.path.exists(os.path.join(REPO, qemu)):
        out.append(qemu)
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


def readme(n, lab, chapter_path, info, places, exercise_names, files, makefile):
    name = os.path.basename(chapter_path)
    title = info["title"]
    html = f"ch{n}.html"
    apps = "APPS=" in makefile
    has_user = any(f.startswith("user/") for f in files)
    has_scripts = any(f.startswith("scripts/") for f in files)
    secs = [(f"{n}.{i}", s) for i, (a, s) in enumerate(info["sections"], 1)]
    expected = [c for x in exercise_names for c in EXERCISE_CHECKS.get(n, {}).get(x, [])]

    def ex_text(lang):
        t = info["exercises"].get(lang, "")
        for x, place in places.items():
            t = re.sub(r"⟨solution:\s*" + r"\s+".join(map(re.escape, x.split())) + r"⟩",
                       where(place, lang), t)
        return plain_markdown(t)

    zh, en = [], []
    zh += [f"# {title['zh-CN']}", ""]
    if lab:
        zh += ["**练习版（lab）。**" + (
            " 本章没有编程练习，所以练习版与完整版相同。" if not exercise_names else
            " 本章每道练习的参考答案都换成了一个桩：桩里的 TODO 注释引用了练习题目，"
            "桩返回一个错误值。这棵树照样能编译、能启动；在你完成练习之前，`make test` "
            f"恰好有 {len(expected)} 项检查失败（列在 `tests/exercises.txt` 里，失败信息会指明是哪道练习），"
            "其余检查全部通过。前面各章的练习保留参考答案。"), ""]
        for x in exercise_names:
            zh.append(f"- {describe(x, places[x], 'zh-CN')}：在文件里搜索 `TODO`。")
        zh.append("")
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
           "make clean           # 删除 build/",
           "```", "",
           "## 目录", "",
           "| 路径 | 内容 |", "|---|---|",
           "| `kernel/` | 内核的 C 与汇编源码、链接脚本 |"]
    if has_user:
        zh.append("| `user/` | 用户库（`user/lib/`）与本书的用户程序（`user/apps/`） |")
    if has_scripts:
        zh.append("| `scripts/` | 构建用的脚本 |")
    zh += ["| `tests/` | 测试：`run.py` 运行全部测试，`qemu/` 在 QEMU 中启动内核并核对输出，`unit/` 主机单元测试 |",
           "| `build/` | 构建产物（`make clean` 删除），含 `kernel.asm` 与 `kernel.sym` |",
           "| `.clang-format` | C 代码的格式；`clang-format --dry-run -Werror` 检查 |", "",
           "## 本章各节", "", "| 节 | 标题 |", "|---|---|"]
    zh += [f"| {k} | {s['zh-CN']} |" for k, s in secs]
    if info["exercises"].get("zh-CN"):
        zh += ["", "## 练习与思考", "", ex_text("zh-CN")]
    zh += ["", "## 许可", "", "代码采用 MIT 许可证（`LICENSE`）；引自书中的文字采用 CC BY-SA 4.0（`LICENSE-BOOK`）。"]

    en += [f"# {title['en']}", ""]
    if lab:
        en += ["**Lab variant.**" + (
            " This chapter has no programming exercises, so the lab variant is the same as the full one."
            if not exercise_names else
            " The reference solution of each exercise of this chapter is replaced by a stub: its "
            "TODO comment quotes the exercise, and it returns an error. The tree still compiles and "
            f"boots; until you finish the exercises, `make test` fails exactly {len(expected)} checks "
            "(listed in `tests/exercises.txt`; each failure names its exercise) and passes all the others. "
            "Exercises of earlier chapters keep their reference solutions."), ""]
        for x in exercise_names:
            en.append(f"- {describe(x, places[x], 'en')}: search the file for `TODO`.")
        en.append("")
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
           "make clean           # remove build/",
           "```", "",
           "## Layout", "",
           "| path | contents |", "|---|---|",
           "| `kernel/` | the kernel's C and assembly sources, the linker script |"]
    if has_user:
        en.append("| `user/` | the user library (`user/lib/`) and the book's programs (`user/apps/`) |")
    if has_scripts:
        en.append("| `scripts/` | scripts used by the build |")
    en += ["| `tests/` | the tests: `run.py` runs them all, `qemu/` boots the kernel and checks its output, `unit/` host unit tests |",
           "| `build/` | build output (`make clean` removes it), with `kernel.asm` and `kernel.sym` |",
           "| `.clang-format` | the C style; check with `clang-format --dry-run -Werror` |", "",
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


def write_snapshot(book, sources, n, lab, out_dir):
    """Write out_dir/chN[-lab]/; return its path."""
    exercises = book.exercises(n) if lab else []
    files, defs = book.check_tree(n, set(exercises))
    name = f"ch{n}-lab" if lab else f"ch{n}"
    final = os.path.join(out_dir, name)
    tmp = os.path.join(out_dir, f".{name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    problems = []
    for root in sorted(files):
        text = render_file(root, defs, False)
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
    places = exercise_places(book, files, defs, book.exercises(n))
    if lab and exercises:
        lines = []
        for x in exercises:
            checks = EXERCISE_CHECKS.get(n, {}).get(x)
            if not checks:
                print(f"snapshot: warning: chapter {n}'s exercise <<stub: {x}>> has no checks in "
                      f"EXERCISE_CHECKS (tangle/snapshot.py); list the checks it makes fail.",
                      file=sys.stderr)
            hint = describe(x, places[x], "en") + ", a TODO in the lab tree"
            lines += [f"{c}\t{hint}\n" for c in checks or []]
        with open(os.path.join(tmp, "tests", "exercises.txt"), "w", encoding="utf-8") as f:
            f.write("".join(lines))

    sources_c = sorted(os.path.relpath(os.path.join(d, f), tmp)
                       for d, _, fs in os.walk(tmp) for f in fs if f.endswith((".c", ".h")))
    clang_format(tmp, sources_c)

    if "README.md" not in files:
        info = chapter_text(sources[n - 1])
        with open(os.path.join(tmp, "README.md"), "w", encoding="utf-8") as f:
            f.write(readme(n, lab, sources[n - 1], info, places, exercises, files, makefile))
    shutil.rmtree(final, ignore_errors=True)
    os.rename(tmp, final)
    return final


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapter", type=int)
    ap.add_argument("--lab", action="store_true", help="exercise stubs instead of solutions")
    ap.add_argument("--all", action="store_true", help="every chapter, full and lab")
    ap.add_argument("--tar", action="store_true", help="also write DIR/NAME.tar.gz")
    ap.add_argument("--out", default=os.path.join("out", "snapshots"))
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()
    try:
        book = Book(args.sources)
        last = len(book.chapters)
        if args.all:
            jobs = [(n, lab) for n in range(1, last + 1) for lab in (False, True)]
        else:
            n = args.chapter or last
            if not 1 <= n <= last:
                raise SnapshotError(f"snapshot: there is no chapter {n} (the book has 1..{last}).")
            jobs = [(n, args.lab)]
        os.makedirs(args.out, exist_ok=True)
        mtime = int(max(os.path.getmtime(s) for s in args.sources))
        status = 0
        for n, lab in jobs:
            try:  # with --all, one chapter that does not tangle stops only itself
                path = write_snapshot(book, args.sources, n, lab, args.out)
            except (BookError, SnapshotError) as e:
                if not args.all:
                    raise
                for p in getattr(e, "problems", [str(e)]):
                    print(p, file=sys.stderr)
                print(f"snapshot: chapter {n}{' (lab)' if lab else ''} not written", file=sys.stderr)
                status = 1
                continue
            print(f"snapshot: {path}")
            if args.tar:
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
