#!/usr/bin/env python3
"""Write compile_commands.json for a kernel tree, so that editors (clangd,
VS Code's C/C++ extension, CLion, Emacs, Vim) see the kernel's own flags.

usage: compdb.py [--directory DIR] TREE

The commands come from the tree's Makefile itself (`make -n -B all`, a
dry run that compiles nothing), so they always match the build. Each entry
gives `directory` as the tree's absolute path (clangd needs an absolute
one), or DIR: a snapshot writes "." and its tests.mk puts in the real path
the first time `make` runs where the tree was unpacked. One change is made
for clang-based editors: clang 14 rejects the `_zicsr_zifencei` spelling
of `-march` that gcc 12 requires, and its base ISA already includes both,
so they are left out of the editor's copy of the flags.
"""

import json
import os
import shlex
import subprocess
import sys


def commands(tree):
    p = subprocess.run(["make", "-s", "-B", "-n", "all", "BUILD=build"], cwd=tree,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"compdb: make -n failed in {tree}: {p.stderr.strip()[-300:]}")
    out, seen = [], set()
    for line in p.stdout.splitlines():
        try:
            args = shlex.split(line)
        except ValueError:
            continue
        # The cross gcc for the kernel and programs, the host's cc for tools/.
        if not args or not args[0].endswith("cc") or "-c" not in args:
            continue
        src = [a for a in args if a.endswith((".c", ".S")) and not a.startswith("-")]
        if len(src) != 1 or src[0] in seen:
            continue  # a kernel file the host tools also compile keeps the kernel's flags
        seen.add(src[0])
        args = [a.replace("_zicsr", "").replace("_zifencei", "") if a.startswith("-march=") else a
                for a in args]
        out.append((src[0], args))
    return out


def main():
    args = sys.argv[1:]
    directory = None
    if args[:1] == ["--directory"] and len(args) == 3:
        directory, args = args[1], args[2:]
    if len(args) != 1:
        raise SystemExit(__doc__.strip().splitlines()[2])
    tree = os.path.abspath(args[0])
    entries = [{"directory": directory or tree, "file": src, "arguments": args}
               for src, args in commands(tree)]
    if not entries:
        raise SystemExit(f"compdb: no compile commands found in {tree}")
    text = json.dumps(entries, indent=1) + "\n"
    path = os.path.join(tree, "compile_commands.json")
    try:
        if open(path, encoding="utf-8").read() == text:
            return
    except FileNotFoundError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
