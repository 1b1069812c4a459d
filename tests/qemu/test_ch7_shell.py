#!/usr/bin/env python3
"""Chapter 7 in QEMU: the shell's redirection and pipelines (exercise 7).

The book's shell is INIT, on an image that holds it, cat, wc and grep, and
two data files the test writes: `f` (text whose counts the test computes
itself) and `long` (longer than anything wc prints). A script on the
console runs, among others, `cat f | wc > out` and then `cat out`; `wc < f
> long`, which must empty `long` first; grep in a 3-command pipeline;
`< file`; a pipeline of 8 commands; a missing program in a pipeline;
malformed lines, each answered by the shell, which goes on; files that
cannot be opened.

Lines are attributed by the shell's echo: the shell echoes each command
after its prompt `$ `, so the output of a command is the lines between its
echo and the next prompt ([kernel] lines left out). Every expected line is
computed here from the bytes the test put in the image, or is a line the
shell or a program prints, never one the kernel prints for itself. After
the run, the kernel's end-of-run figures (frames, pids, heap, open files,
inodes, pipes) must equal those at boot. The suite works on a private copy
of the chapter's tree, so it can run beside the other chapter 7 suites."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ANSI, CPU_SECONDS, QEMU, check, done, leak_checks, sh, tree  # noqa: E402

CH = 7
PROGRAMS = ("sh", "cat", "wc", "grep")


def text_of_f():
    """About 3 KB of lines (more than a pipe holds at once), some holding
    "needle", with runs of spaces and tabs; the last line has no newline."""
    words = ["alpha", "beta", "needle", "gamma", "delta", "needles", "epsilon", "zeta"]
    lines = []
    for i in range(90):
        w = [words[(i * 7 + k * 3) % len(words)] for k in range(1 + i % 5)]
        sep = "  " if i % 4 == 0 else "\t" if i % 4 == 1 else " "
        lines.append(sep.join(w) + (" " if i % 6 == 0 else ""))
    return "\n".join(lines) + "\nthe last line, without a newline: needle"


def counts(text):
    """What wc prints for text: lines, words, bytes (ASCII text)."""
    return f"{text.count(chr(10))} {len(text.split())} {len(text.encode())}"


F = text_of_f()
LONG = "x" * 70 + "\n"
LONG = LONG * 40
NEEDLE = [l + "\n" for l in F.split("\n") if "needle" in l]  # grep adds the last '\n'

# (command, what the check is called, the lines it must print; None: checked apart)
SCRIPT = [
    ("cat f | wc > out", None, []),
    ("cat out", "cat f | wc > out, then cat out, prints f's lines, words and bytes", [counts(F)]),
    ("wc < f > long", None, []),
    ("cat long", "wc < f > long, then cat long, prints f's lines, words and bytes", [counts(F)]),
    ("wc long", "> empties a longer file before writing", [f"1 3 {len(counts(F)) + 1} long"]),
    ("grep needle < f", "< file gives grep its input", [l.rstrip("\n") for l in NEEDLE]),
    ("cat f | grep needle | wc", "grep in a pipeline of 3 commands", [counts("".join(NEEDLE))]),
    ("cat f|cat|cat|cat|cat|cat|cat|wc", "a pipeline of 8 commands", [counts(F)]),
    ("cat f | nosuch | wc", None, None),
    ("cat f |", "syntax: | with nothing after it", ["sh: missing command after |"]),
    ("| wc", "syntax: | with nothing before it", ["sh: missing command before |"]),
    ("cat f >", "syntax: > without a file", ["sh: > needs a file name"]),
    ("wc <", "syntax: < without a file", ["sh: < needs a file name"]),
    ("> out", "syntax: > without a command", ["sh: missing command before < or >"]),
    ("wc > a > b", "syntax: two > in one command", ["sh: two > in one command"]),
    ("cat f | wc < f", "syntax: < in a later command", ["sh: < only in a pipeline's first command"]),
    ("cat f > a | wc", "syntax: > before a |", ["sh: > only in a pipeline's last command"]),
    (" ".join(["wc"] + ["f"] * 16), "syntax: 17 words in one command",
     ["sh: too many words in one command (at most 16)"]),
    ("|".join(["cat f"] + ["cat"] * 8), "syntax: 9 commands in one pipeline",
     ["sh: too many commands in one pipeline (at most 8)"]),
    ("wc f", "after the malformed lines the shell still runs commands", [counts(F) + " f"]),
    ("wc < nosuch", "< of a missing file: the shell says so, the command fails",
     ["sh: cannot open nosuch", "sh: wc exited with code 1"]),
    ("grep needle nosuch", "grep of a missing file says so",
     ["grep: cannot read nosuch", "sh: grep exited with code 2"]),
    ("exit", None, ["sh: bye"]),
]


def blocks(lines):
    """[(command echoed after a prompt, the lines up to the next prompt)],
    without the kernel's own lines."""
    out = []
    for l in lines:
        if l.startswith("$ "):
            out.append((l[2:], []))
        elif out and not l.startswith("[kernel]"):
            out[-1][1].append(l)
    return out


def boot(d, apps, script):
    """Boot the private tree d with the shell as INIT and script on the console."""
    p = subprocess.run(f"ulimit -t {CPU_SECONDS}; make -s run APPS={apps} INIT=sh QEMU='{QEMU}'",
                       shell=True, cwd=d, input=script, capture_output=True, text=True,
                       errors="replace", timeout=1800)
    return p.returncode, [ANSI.sub("", l).rstrip("\r") for l in (p.stdout + p.stderr).splitlines()]


def main():
    work = tempfile.mkdtemp(prefix="ch7-shell-")
    try:
        d = os.path.join(work, "ch7")
        shutil.copytree(tree(CH), d, ignore=shutil.ignore_patterns("build"))
        code, out = sh("make -s all", cwd=d)
        check("ch7 shell: the tree builds", code == 0, "make all failed", out.splitlines())
        if code != 0:
            return
        apps = os.path.join(work, "apps")
        os.makedirs(apps)
        for n in PROGRAMS:
            shutil.copy(os.path.join(d, "build", "apps", f"{n}.elf"), os.path.join(apps, n))
        for name, text in (("f", F), ("long", LONG)):
            with open(os.path.join(apps, name), "w") as fh:
                fh.write(text)
        code, lines = boot(d, apps, "".join(c + "\n" for c, _, _ in SCRIPT))
    finally:
        shutil.rmtree(work)
    got = blocks(lines)
    check("ch7 shell: the shell reads every command of the script, in order",
          [c for c, _ in got] == [c for c, _, _ in SCRIPT], f"echoed {[c for c, _ in got]}", lines)
    by_index = dict(enumerate(b for _, b in got)) if len(got) == len(SCRIPT) else {}
    silent = []  # commands before this one that must have printed nothing
    for i, (cmd, name, want) in enumerate(SCRIPT):
        if name is None:
            if want == []:
                silent.append(i)
            continue
        body = by_index.get(i)
        noise = {SCRIPT[k][0]: by_index.get(k) for k in silent if by_index.get(k) != []}
        check(f"ch7 shell: {name}", body == want and not noise,
              f"`{cmd}` printed {body and body[:6]}, wanted {want[:6]}" +
              (f"; these printed what they should not: {noise}" if noise else ""), lines, want=cmd)
        silent = []
    missing(by_index.get(next(i for i, (c, _, _) in enumerate(SCRIPT) if "nosuch |" in c)))
    check("ch7 shell: QEMU exits with status 0 after the shell's exit", code == 0, f"status {code}", lines)
    leak_checks("ch7 shell", lines, ch=7)


def missing(body):
    """`cat f | nosuch | wc`: the child for nosuch says it cannot run it and
    exits 127; wc, whose only writer is gone, reads end of file at once;
    cat may or may not see its write fail, so its report is not checked."""
    body = body or []
    check("ch7 shell: a missing program in a pipeline: the shell says so and reports code 127",
          "sh: cannot run nosuch" in body and "sh: nosuch exited with code 127" in body,
          f"printed {body}", body)
    rest = [l for l in body if l not in ("sh: cannot run nosuch", "sh: nosuch exited with code 127",
                                           "sh: cat exited with code 1")]
    check("ch7 shell: a missing program in a pipeline: the next command reads end of file (0 0 0)",
          rest == ["0 0 0"], f"other lines {rest}", body)


if __name__ == "__main__":
    main()
    done()
