#!/usr/bin/env python3
"""Chapter 2 in QEMU: the book's programs in order, each kill message, the
program after each faulting one still runs, bad writes return -1, unknown
syscalls, exit codes; an outside program through APPS=; a kernel trap."""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import BOOK, ROOT, boot, check, check_line, check_order, done, sh, tree  # noqa: E402

CH = int(os.environ.get("TEST_CH", "2"))
KILL_PF = r"^\[kernel\] PageFault in application, bad addr = 0x[0-9a-f]+, bad instruction = 0x[0-9a-f]+, kernel killed it\.$"
KILL_II = r"^\[kernel\] IllegalInstruction in application, kernel killed it\.$"


# The folder of outside.c and the ecall.h it includes.
LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib")


def seq(name, lines, wanted):
    check_order(name, lines, wanted)


def book_apps():
    code, lines = boot(CH)
    check(f"ch{CH} book apps: QEMU exits with status 0", code == 0, f"status {code}", lines)
    seq("hello prints and exits 0", lines,
        [r"^Hello, world from user mode!$", r"^\[kernel\] Application exited with code 0$"])
    seq("power checks itself", lines,
        [r"^power: 3\^100000 mod 998244353 = 296595689$", r"^power: all checks passed$",
         r"^\[kernel\] Application exited with code 0$"])
    for app, kill in (("store_null", KILL_PF), ("sret", KILL_II), ("csr", KILL_II),
                      ("illegal", KILL_II)):
        seq(f"{app} is killed with SPEC's line", lines,
            [rf"^{app}: ", kill])
        check(f"{app} does not survive its bad instruction",
              not any(l.startswith(f"{app}: FAILED") for l in lines), "it printed FAILED", lines,
              want=f"{app}: ")
    seq("the store to 0 reports bad addr 0", lines,
        [r"^store_null: ", r"bad addr = 0x0000000000000000,"])
    # After each faulting program, the next one still runs.
    seq("each program after a faulting one still runs", lines,
        [r"^store_null: ", KILL_PF, r"^sret: ", KILL_II, r"^csr: ", KILL_II,
         r"^illegal: ", KILL_II, r"^bad_write: "])
    for what in ("null buffer", "kernel address", "absurd length", "past the stack top", "bad fd"):
        check_line(f"write with a {what} returns -1", lines, f"bad_write: {what} -> -1", "not -1")
    seq("a good write prints its bytes and returns the length", lines,
        [r"^on the stack$", r"^bad_write: good write -> 13$",
         r"^\[kernel\] Application exited with code 5$"])
    seq("an unknown syscall is logged and returns -1", lines,
        [r"^\[kernel\] unsupported syscall 9999$", r"^bad_syscall: syscall 9999 -> -1$"])
    seq("a 64-bit syscall number is logged whole and is not taken for write (64)", lines,
        [r"^bad_syscall: syscall 9999 -> -1$", r"^\[kernel\] unsupported syscall 4294967360$",
         r"^bad_syscall: syscall 4294967360 -> -1$", r"^\[kernel\] Application exited with code 0$"])
    check("the 64-bit syscall number does not reach write", not any("wrong!" in l for l in lines),
          "'wrong!' was printed", lines, want="wrong!")
    # Counters: time is readable, cycle is not (chapter 2 runs one program
    # at a time, so the kill line after counters' own lines is its own).
    seq("U-mode reads time but is killed reading cycle", lines,
        [r"^counters: rdtime works", r"^counters: reading cycle in U-mode$", KILL_II, r"^fp_dirty: "])
    check("counters does not survive rdcycle", not any(l.startswith("counters: FAILED") for l in lines),
          "it printed FAILED", lines)
    # Floating point: each program starts with zero f registers and fcsr,
    # even right after one that set them all (fp_clean judges itself).
    seq("a program starts with clean float registers after one that dirtied them", lines,
        [r"^fp_dirty: f0-f31 and fcsr set$", r"^fp_clean: 0 of f0-f31 non-zero, fcsr 0x0+$",
         r"^fp_clean: starts clean$"])
    check("the run ends with 'All applications completed!'",
          any(l == "[kernel] All applications completed!" for l in lines[-3:]),
          "not among the last lines", lines, want="All applications completed!")


# An outside program: no book library, its own _start and ecalls.
OUTSIDE = open(os.path.join(os.path.dirname(__file__), "..", "lib", "outside.c")).read()


def outside_app():
    tmp = tempfile.mkdtemp(prefix="apps-")
    try:
        src = os.path.join(tmp, "outside.c")
        open(src, "w").write(OUTSIDE)
        appdir = os.path.join(tmp, "apps")
        os.makedirs(appdir)
        code, out = sh(f"riscv64-unknown-elf-gcc -O1 -march=rv64gc -mabi=lp64d -mcmodel=medany "
                       f"-ffreestanding -nostdlib -I{LIB} -Wl,-Ttext=0x80400000 -o {appdir}/a_outside {src}")
        check("an outside program compiles", code == 0, out, out.splitlines())
        shutil.copy(os.path.join(tree(CH), "build", "apps", "ch2_00_hello.elf"),
                    os.path.join(appdir, "b_hello"))
        code, lines = boot(CH, APPS=appdir)
        seq(f"APPS=dir runs an outside program on ch{CH}, in file-name order", lines,
            [r"^outside: 5050$", r"^\[kernel\] Application exited with code 17$",
             r"^Hello, world from user mode!$", r"^\[kernel\] All applications completed!$"])
        check("APPS=dir embeds nothing else", not any(l.startswith("power:") for l in lines),
              "a book program ran", lines, want="power:")
        check("APPS=dir run exits 0", code == 0, f"status {code}", lines)
    finally:
        shutil.rmtree(tmp)
        sh("make -s all", cwd=tree(CH))


def kernel_trap():
    """A fault inside the kernel must panic with scause, stval and sepc."""
    tmp = tempfile.mkdtemp(prefix="ktrap-")
    try:
        shutil.copytree(os.path.join(ROOT, "chapters"), os.path.join(tmp, "chapters"))
        p = os.path.join(tmp, "chapters", "ch2-batch.nw")
        s = open(p, encoding="utf-8").read()
        anchor = "kprintf(\"[kernel] %d applications embedded\\n\", app_num());\ntrap_from_kernel_on();\n"
        assert anchor in s, "anchor for the kernel-trap test moved"
        s = s.replace(anchor, anchor + "asm volatile(\"li t0, 8\\n sd zero, 0(t0)\"); // test: fault in S-mode\n")
        open(p, "w", encoding="utf-8").write(s)
        chs = " ".join(sorted(f"chapters/{f}" for f in os.listdir(os.path.join(tmp, "chapters"))))
        code, out = sh(f"python3 {ROOT}/tangle/nwtangle.py --chapter 2 --out t {chs}", cwd=tmp)
        code, lines = boot(2, tree_dir=os.path.join(tmp, "t"))
        check("a fault inside the kernel panics with scause, stval and sepc",
              any(re.search(r"^\[kernel\] panic: \S+:\d+: kernel_trap: .*scause 0x0+7 stval 0x0+8 sepc 0x", l)
                  for l in lines), "no such panic line", lines,
              want=re.compile(r"panic|scause"))
        check("a kernel panic exits QEMU non-zero", code not in (0, 124), f"status {code}", lines)
    finally:
        shutil.rmtree(tmp)


book_apps()
outside_app()
if CH == 2 and BOOK:  # the kernel-trap test edits a copy of the book
    kernel_trap()
done()
