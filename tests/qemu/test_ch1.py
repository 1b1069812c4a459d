#!/usr/bin/env python3
"""Chapter 1 in QEMU: greeting, section layout, memory size, exit status,
a deliberate panic with its backtrace (exercise 1), and compile errors
reported at book lines."""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import BOOK, ROOT, boot, check, done, sh, tree  # noqa: E402

T = tree(1)


def symbols():
    code, out = sh("riscv64-unknown-elf-nm build/kernel.elf", cwd=T)
    return {parts[2]: int(parts[0], 16) for parts in (l.split() for l in out.splitlines())
            if len(parts) == 3}


def layout_checks(lines):
    syms = symbols()
    for sec, lo, hi in ((".text", "stext", "etext"), (".rodata", "srodata", "erodata"),
                        (".data", "sdata", "edata"), (".bss", "sbss", "ebss")):
        rx = re.compile(r"\[ INFO\] " + re.escape(sec) + r"\s+\[0x([0-9a-f]+), 0x([0-9a-f]+)\)")
        m = next((rx.search(l) for l in lines if rx.search(l)), None)
        ok = m is not None and int(m.group(1), 16) == syms.get(lo) and \
            int(m.group(2), 16) == syms.get(hi)
        check(f"ch1 prints {sec} as the ELF's [{lo}, {hi})", ok,
              f"printed {m.group(0) if m else 'nothing'}; nm says "
              f"{syms.get(lo, 0):#x}..{syms.get(hi, 0):#x}", lines, want=rx)
        if m:
            a, b = int(m.group(1), 16), int(m.group(2), 16)
            check(f"ch1 {sec} is page-aligned and above 0x80200000",
                  a % 4096 == 0 and b % 4096 == 0 and a >= 0x80200000 and a <= b,
                  m.group(0))


def memory_check(mem, mib):
    code, lines = boot(1, MEM=mem)
    rx = re.compile(r"memory: 0x([0-9a-f]+)\.\.0x([0-9a-f]+) \((\d+) MiB\), timebase (\d+) Hz")
    m = next((rx.search(l) for l in lines if rx.search(l)), None)
    ok = m is not None and int(m.group(2), 16) - int(m.group(1), 16) == mib << 20 \
        and int(m.group(3)) == mib
    check(f"ch1 reports {mib} MiB for -m {mem}", ok, "memory line wrong or missing", lines, want=rx)
    check(f"ch1 reports QEMU's 10 MHz timebase (-m {mem})", m is not None and m.group(4) == "10000000",
          "timebase wrong or missing", lines, want=rx)
    check(f"ch1 exits with status 0 (-m {mem})", code == 0, f"status {code}", lines)
    return lines


def functions_at(addr):
    """The text symbols holding addr, by nm's table of build/kernel.elf (a
    list: _entry shares its address with the linker script's stext)."""
    code, out = sh("riscv64-unknown-elf-nm -n build/kernel.elf", cwd=T)
    best, names = -1, []
    for parts in (l.split() for l in out.splitlines()):
        if len(parts) == 3 and parts[1] in "Tt" and int(parts[0], 16) <= addr:
            a = int(parts[0], 16)
            names = names + [parts[2]] if a == best else [parts[2]]
            best = a
    return names


def backtrace_checks(lines):
    """Exercise 1: after the panic line, `[kernel] backtrace:` and one return
    address per frame. Each must lie in .text; looked up (minus 4, the call
    itself) they must run panic_at, ..., kmain, ..., _entry."""
    syms = symbols()
    i = next((k for k, l in enumerate(lines) if l.startswith("[kernel] backtrace:")), None)
    addrs = []
    if i is not None:
        for l in lines[i + 1:]:
            m = re.match(r"^  0x([0-9a-f]{16})$", l)
            if not m:
                break
            addrs.append(int(m.group(1), 16))
    in_text = bool(addrs) and all(syms.get("stext", 1) <= a < syms.get("etext", 0) for a in addrs)
    check("ch1 exercise backtrace: a panic prints return addresses inside .text", in_text,
          f"addresses {[hex(a) for a in addrs]}", lines)
    names = [functions_at(a - 4) for a in addrs]
    ok = len(names) >= 3 and "panic_at" in names[0] and "_entry" in names[-1] and \
        any("kmain" in n for n in names)
    check("ch1 exercise backtrace: the chain runs from panic_at through kmain to _entry", ok,
          f"functions {names}", lines)


def panic_check():
    sh("make -s clean", cwd=T)
    code, lines = boot(1, PANIC_TEST=1)
    backtrace_checks(lines)
    sh("make -s clean", cwd=T)
    rx = re.compile(r"^\[kernel\] panic: (\S+\.(nw|c)):(\d+): kmain: a deliberate panic")
    check("a PANIC_TEST build prints '[kernel] panic: file:line: message'",
          any(rx.search(l) for l in lines), "no panic line of SPEC's shape", lines, want=rx)
    check("a PANIC_TEST build makes QEMU exit non-zero", code not in (0, 124), f"status {code}", lines)


def compile_error_check():
    """Break one line of a chunk in a copy of the book; gcc must blame that
    line of the .nw file."""
    tmp = tempfile.mkdtemp(prefix="nwline-")
    try:
        src = os.path.join(ROOT, "chapters", "ch1-boot.nw")
        text = open(src, encoding="utf-8").read().splitlines()
        idx = next(i for i, l in enumerate(text) if "has_srst = sbi_probe(SBI_EXT_SRST);" in l)
        text[idx] = text[idx].replace("SBI_EXT_SRST", "SBI_EXT_SRST +* 1")
        os.makedirs(os.path.join(tmp, "chapters"))
        with open(os.path.join(tmp, "chapters", "ch1-boot.nw"), "w", encoding="utf-8") as f:
            f.write("\n".join(text) + "\n")
        code, out = sh(f"python3 {ROOT}/tangle/nwtangle.py --chapter 1 --lines --out out/ch1 "
                       f"chapters/ch1-boot.nw && make -C out/ch1 all", cwd=tmp)
        want = f"chapters/ch1-boot.nw:{idx + 1}:"
        check("a compile error in a chunk is reported at its chapters/*.nw line",
              code != 0 and want in out, f"expected '{want}' in gcc's output",
              out.splitlines(), want=[want, "error"])
    finally:
        shutil.rmtree(tmp)


def main():
    lines = memory_check("128M", 128)
    ok = any(re.match(r"^\[kernel\] Hello, world!", l) for l in lines)
    check("ch1 greets on the console", ok, "no greeting line", lines, want="Hello, world!")
    layout_checks(lines)
    memory_check("256M", 256)
    code, lines = boot(1, LOG="off")
    check("LOG=off silences the section lines but not the fixed lines",
          not any("[ INFO]" in l for l in lines) and any(l.startswith("[kernel] Hello") for l in lines),
          "INFO lines still printed, or fixed lines gone", lines,
          want=["[ INFO]", "[kernel] Hello"])
    sh("make -s clean", cwd=T)
    panic_check()
    if BOOK:  # a snapshot has no chapters/*.nw to point at
        compile_error_check()
    done()


main()
