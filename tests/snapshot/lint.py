#!/usr/bin/env python3
"""Does a snapshot read as hand-written C? Leftovers of the book's history.

usage: lint.py TREE...   (a snapshot directory, built with `make` first
                          for the symbol checks; prints one problem a line)

Problems, each as `path:line: sentence` or `kernel: sentence`:
  - a declaration (prototype or extern) that nothing defines;
  - a global kernel symbol that nothing references (from the objects' symbol
    tables and relocations; the linker script's names and ENTRY count);
  - a #define that no other line uses;
  - a phrase about the book's chapters beyond the file's header comment
    ("later chapters", "chapter 2's batch.c", "from chapter 4 on");
  - a definition directly after a closing `}` with no blank line between.

tests/snapshot/test_snapshots.py runs it on every snapshot."""

import glob
import os
import re
import subprocess
import sys

CROSS = os.environ.get("CROSS", "riscv64-unknown-elf-")
C_FILES = ("*.c", "*.h", "*.S")
# The header's section list, written by the snapshot tool (tangle/snapshot.py).
HEADER_REF = re.compile(r"^\W*Explained in section \d")
HISTORY = re.compile(r"\bchapters?\b|\blater\b.*\b(adds?|extends?|replaces?)\b|\breplace[sd] by\b",
                     re.I)
WORD = re.compile(r"[A-Za-z_]\w*")
# GCC may call these on its own (struct copies, zeroing loops): a freestanding
# kernel must define them even when no line of C calls them.
COMPILER_NEEDS = {"memset", "memcpy", "memmove", "memcmp"}


def sources(tree):
    out = []
    for d in ("kernel", "user", "scripts", "tools"):
        for dirpath, _, names in os.walk(os.path.join(tree, d)):
            out += [os.path.join(dirpath, n) for n in sorted(names)]
    if os.path.exists(os.path.join(tree, "Makefile")):
        out.append(os.path.join(tree, "Makefile"))
    return sorted(out)


def strip_comments(text):
    """C text with comments and string literals blanked, lines kept."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'//[^\n]*|/\*.*?\*/|"(\\.|[^"\\\n])*"|\'(\\.|[^\'\\\n])*\'', blank, text, flags=re.S)


def top_level_declarations(path):
    """(name, line) of each prototype or extern declaration at file scope."""
    text = strip_comments(open(path, encoding="utf-8").read())
    out, depth, start, stmt = [], 0, 1, ""
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        if ch == "{":
            depth += 1
            stmt = ""
        elif ch == "}":
            depth -= 1
            stmt = ""
        elif depth == 0:
            if not stmt.strip():
                start = line
            stmt += ch
            if ch == ";":
                s = " ".join(stmt.split())
                stmt = ""
                if s.startswith(("typedef", "#", "static", "_Static_assert")) or "=" in s:
                    continue
                m = re.match(r"^[\w\s\*]*?\b([A-Za-z_]\w*)\s*\(", s)  # a prototype
                if m and not re.match(r"^(struct|union|enum)\s+\w+\s*;", s):
                    out.append((m.group(1), start))
                elif s.startswith("extern"):
                    m = re.search(r"\b([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*;$", s)
                    if m:
                        out.append((m.group(1), start))
        if ch == "\n" and depth == 0 and stmt.lstrip().startswith("#"):
            stmt = ""  # a preprocessor line ends at its newline
    return out


def nm(path):
    out = subprocess.run([CROSS + "nm", path], capture_output=True, text=True).stdout
    return [l.split() for l in out.splitlines() if len(l.split()) == 3]


def test_words(tree):
    """Identifiers in the tree's C tests and host tools: a kernel function a
    unit test or mkfs calls, or a variable a host test defines, is used and
    defined."""
    words = set()
    for path in glob.glob(os.path.join(tree, "tests", "**", "*.[ch]"), recursive=True) + \
            glob.glob(os.path.join(tree, "tools", "*.[ch]")):
        words |= set(WORD.findall(open(path, encoding="utf-8", errors="replace").read()))
    return words


def defined_symbols(tree):
    """Symbols the linked kernel and programs define (the linker scripts'
    names included), and the kernel's globals with the object of each."""
    defined, kernel_globals = set(), {}
    for elf in [os.path.join(tree, "build", "kernel.elf")] + \
            glob.glob(os.path.join(tree, "build", "apps", "*.elf")):
        defined |= {name for _, kind, name in nm(elf) if kind not in "Uw"}
    # The host tools (mkfs) are linked by the host's compiler.
    for obj in glob.glob(os.path.join(tree, "build", "host", "**", "*.o"), recursive=True):
        out = subprocess.run(["nm", obj], capture_output=True, text=True).stdout
        defined |= {p[2] for p in (l.split() for l in out.splitlines())
                    if len(p) == 3 and p[1] not in "Uw"}
    for obj in glob.glob(os.path.join(tree, "build", "kernel", "*.o")):
        for _, kind, name in nm(obj):
            if kind.isupper() and kind not in "UW":
                kernel_globals[name] = os.path.relpath(obj, os.path.join(tree, "build"))
    return defined, kernel_globals


def referenced_symbols(tree, kernel_globals):
    """For each kernel object, the symbols it refers to that another object
    defines (relocations); and the names in the linker script."""
    refs = set()
    objs = glob.glob(os.path.join(tree, "build", "kernel", "*.o"))
    objs += [o for o in (os.path.join(tree, "build", "apps.o"),) if os.path.exists(o)]
    for obj in objs:
        rel = os.path.relpath(obj, os.path.join(tree, "build"))
        out = subprocess.run([CROSS + "objdump", "-r", obj], capture_output=True, text=True).stdout
        for l in out.splitlines():
            parts = l.split()
            if len(parts) >= 3 and re.fullmatch(r"[0-9a-f]+", parts[0]):
                name = re.split(r"[+-]0x", parts[2])[0]
                if kernel_globals.get(name) != rel:
                    refs.add(name)
    ld = os.path.join(tree, "kernel", "kernel.ld")
    if os.path.exists(ld):
        refs |= set(WORD.findall(strip_comments(open(ld).read())))
    return refs


def used_in_own_file(tree, name, obj):
    """Does the source of obj use name besides defining it? (A call the
    compiler inlined leaves no relocation behind.)"""
    src = os.path.join(tree, obj[:-len(".o")])
    if not os.path.exists(src):
        return False
    text = strip_comments(open(src, encoding="utf-8").read())
    if src.endswith(".S"):
        text = re.sub(r"(?m)^\s*\.globl\b.*$|^\s*" + re.escape(name) + r":", "", text)
        return re.search(r"\b" + re.escape(name) + r"\b", text) is not None
    return len(re.findall(r"\b" + re.escape(name) + r"\b", text)) >= 2


def symbol_problems(tree):
    problems = []
    if not os.path.exists(os.path.join(tree, "build", "kernel.elf")):
        return [f"{tree}: not built (run make first)"]
    defined, kernel_globals = defined_symbols(tree)
    tests = test_words(tree)
    for path in sources(tree):
        if path.endswith((".c", ".h")):
            for name, line in top_level_declarations(path):
                if name not in defined and name not in tests:
                    problems.append(f"{os.path.relpath(path, tree)}:{line}: {name} is declared "
                                    f"but nothing defines it")
    refs = referenced_symbols(tree, kernel_globals) | tests | COMPILER_NEEDS
    for name, obj in sorted(kernel_globals.items()):
        if name not in refs and not used_in_own_file(tree, name, obj):
            problems.append(f"kernel: {name} (in {obj}) is defined, but nothing references it")
    return problems


def text_problems(tree):
    problems = []
    files = sources(tree)
    texts = {p: open(p, encoding="utf-8", errors="replace").read() for p in files}
    code = {p: strip_comments(t) if p.endswith((".c", ".h", ".S", ".ld")) else t
            for p, t in texts.items()}
    words = {}
    for p, t in code.items():
        for k, line in enumerate(t.splitlines(), 1):
            for w in set(WORD.findall(line)):
                words.setdefault(w, []).append((p, k))
    macros = {}  # name -> (file, line number, text) of each #define
    for p, t in code.items():
        for k, line in enumerate(t.splitlines(), 1):
            m = re.match(r"^\s*#\s*define\s+([A-Za-z_]\w*)", line)
            if m:
                macros[m.group(1)] = (p, k, line)
    for p, t in texts.items():
        rel = os.path.relpath(p, tree)
        lines = t.splitlines()
        for k, line in enumerate(lines, 1):
            m = re.match(r"^\s*#\s*define\s+([A-Za-z_]\w*)", line)
            if m and p.endswith((".c", ".h", ".S")):
                uses = [w for w in words.get(m.group(1), []) if w != (p, k)]
                if not uses and not family_used(m.group(1), line, macros, words):
                    problems.append(f"{rel}:{k}: macro {m.group(1)} is defined but never used")
        # chapter history, outside the header comment (its first lines)
        header = 0
        for line in lines:
            if line.startswith("#!") or re.match(r"^\s*(//|#|/\*|\*)", line):
                header += 1
            else:
                break
        for k, line in enumerate(lines, 1):
            comment = re.search(r"(//|/\*|^\s*\*|#(?!\s*(include|define|if|ifn?def|endif|else|"
                                r"pragma|line|undef|error)\b)).*", line)
            if not comment or (k <= header and (k == 1 or HEADER_REF.search(line))):
                continue
            # "(chapter 2, section 2.6)" points into the book; it tells no history
            said = re.sub(r"\(chapter \d+, section [\d.]+\)", "", comment.group(0))
            if HISTORY.search(said):
                problems.append(f"{rel}:{k}: a phrase about the book's chapters: "
                                f"{line.strip()[:80]}")
        if p.endswith((".c", ".h")):
            for k in range(1, len(lines)):
                if re.match(r"^};?\s*$", lines[k - 1]) and lines[k].strip() and \
                        not lines[k].startswith(("#endif", "// clang-format")):
                    problems.append(f"{rel}:{k + 1}: no blank line after the `}}` above: "
                                    f"{lines[k].strip()[:60]}")
    return problems


def family(name, line):
    """A table of constants shares a prefix (EXC_, SSTATUS_); a set of
    wrappers shares the macro they expand to (errorf, warnf: logf)."""
    if "_" in name.strip("_"):
        return "prefix " + name.strip("_").split("_")[0]
    body = re.sub(r"^\s*#\s*define\s+\w+(\([^)]*\))?", "", line)
    m = WORD.search(body)
    return "body " + m.group(0) if m else None


def family_used(name, line, macros, words):
    """Is this an unused entry of a table of which some entry is used? A
    header may list the hardware's constants, or a set of log levels, whole."""
    key = family(name, line)
    if key is None:
        return False
    for other, (p, k, text) in macros.items():
        if other != name and family(other, text) == key and \
                any(w != (p, k) for w in words.get(other, [])):
            return True
    return False


def lint(tree, symbols=True):
    return text_problems(tree) + (symbol_problems(tree) if symbols else [])


if __name__ == "__main__":
    bad = 0
    for t in sys.argv[1:]:
        for p in lint(t):
            print(f"{os.path.basename(os.path.normpath(t))}/{p}")
            bad += 1
    sys.exit(1 if bad else 0)
