#!/usr/bin/env python3
"""Chapter 7 in QEMU: pipes, dup and the fd rules. Each of the chapter's pipe
programs runs as INIT in a boot of its own: 64 KiB each way between a parent
and its child (two pipes, checksums on both sides); the rules at a pipe's
ends (what read returns, the end of the file once the last writer is gone,
-1 without a reader, bad fd arrays); dup, the lowest free fd, fork copying
the fd table and exec keeping it, the 16-fd limit; a storm up to the 64-pipe
and 128-process limits; and the classic hang (a reader that keeps its own
write end), which now ends in the kernel's deadlock stop. Then the default
run with the earlier chapters' programs, and the C course's chapter 7 pipe
test in that course's conventions. Lines are attributed to the program
that prints them; after every clean run, the kernel's frames, pids, heap,
open files, inodes and pipes at the end equal their values at boot, and the
disk image passes `mkfs --check`."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import c_course_apps, check, check_line, done, leak_checks, run_tree, tree  # noqa: E402

CH = 7
D = tree(CH)
IMG = os.path.join(D, "build", "fs.img")
EXITED = re.compile(r"^initproc: (\S+)(?: .*)? \(pid (\d+)\) exited with code (-?\d+)$")


def exits(lines):
    return {m.group(1): int(m.group(3)) for l in lines if (m := EXITED.match(l))}


def run(what, input_text=None, **make_vars):
    """harness.run_tree on out/ch7: (QEMU's exit status, lines); the image
    the run used must pass mkfs --check afterwards."""
    return run_tree(D, f"ch7: {what}", input_text or "", **make_vars)


def leaks(what, lines):
    leak_checks(f"ch7: {what}", lines, ch=7)


def says(prog, what, value):
    return f"{prog}: {what} -> {value}"


def expect(what, lines, prog, pairs):
    for w, v in pairs:
        check_line(f"ch7: {what}: {w} -> {v}", lines, says(prog, w, v))


def as_init(prog):
    """Boot with prog as INIT; it must end with 0 and leave nothing behind."""
    code, lines = run(prog, INIT=prog)
    check(f"ch7: {prog} as INIT ends with exit code 0 (QEMU exits 0)", code == 0, f"status {code}", lines)
    leaks(prog, lines)
    return lines


def pipe_big():
    lines = as_init("ch7_pipe_big")
    for side, stream in (("child", "parent -> child"), ("parent", "child -> parent")):
        who = f"pipe_big {side}"
        expect(f"64 KiB {stream} in 512-byte writes", lines, who,
               [("bytes received before the end of the file", 65536), ("bytes out of place", 0),
                ("checksum of what arrived equals that of what was sent", 1),
                ("the last read (end of file)", 0), ("every 512-byte write went through", 1)])
    check_line("ch7: 64 KiB both ways: the child exits 0", lines,
               says("pipe_big parent", "the child's exit code", 0))


def pipe_ends():
    lines = as_init("ch7_pipe_ends")
    expect("one pipe", lines, "pipe_ends",
           [("pipe", 0), ("its fds (read end * 10 + write end)", 34), ("write 5 bytes", 5),
            ("read asks for 100, gets what is there", 5), ("the bytes are the ones written", 1),
            ("read of 0 bytes", 0), ("read from the write end", -1), ("write to the read end", -1),
            ("fstat of a pipe", -1), ("close the write end", 0),
            ("read when empty with no write end (end of file)", 0)])
    expect("no reader", lines, "pipe_ends",
           [("write with no read end", -1), ("a second write with no read end", -1)])
    check_line("ch7: a write of 2000 bytes into a 512-byte pipe waits for the reader and returns 2000",
               lines, says("pipe_ends child", "one write of 2000 bytes returns", 2000))
    expect("end of file after the last writer (the reader closed its own copy)", lines, "pipe_ends",
           [("bytes the parent read before the end of the file", 2000), ("bytes out of place", 0),
            ("the read that saw the end of the file", 0)])
    expect("bad fd arrays", lines, "pipe_ends",
           [("pipe into NULL", -1), ("pipe into address 16", -1), ("pipe into a kernel address", -1),
            ("pipe into the program's own code", -1), ("after them, a good pipe", 0),
            ("gets the lowest fds again (read * 10 + write)", 34)])


def dup_and_fds():
    lines = as_init("ch7_dup")
    expect("dup", lines, "dup",
           [("dup of fd 99", -1), ("dup of fd -1", -1), ("dup of fd 7, never opened", -1),
            ("open gives 3, dup of it gives 4 (fd * 10 + dup)", 34), ("dup of a closed fd", -1),
            ("the file holds abcdef: the two fds shared one offset", 1)])
    expect("lowest free fd", lines, "dup",
           [("after close(1), dup takes fd", 1), ("the file holds the line printed to fd 1", 1),
            ("after close(0), open takes fd", 0), ("and dup puts the console back at fd", 0)])
    check("ch7: fork copies the fd table and exec keeps it: hello's fd 1 was the pipe",
          says("dup", "the exec'd program's fd 1 led into the pipe: its greeting arrived", 1) in lines
          and says("dup", "its exit code", 0) in lines
          and "Hello, world from user mode!" not in lines, "missing", lines, want="dup: ")
    expect("16 fds per process", lines, "dup",
           [("pipes one process can hold with fds 0-2 open", 6), ("dup takes the last free fd", 15),
            ("dup with no free fd", -1), ("open with no free fd", -1), ("pipe with no free fd", -1),
            ("after closing them, a pipe gets fds (read * 10 + write)", 34)])


def storm():
    lines = as_init("ch7_pipe_storm")
    expect("storm", lines, "pipe_storm",
           [("pipes in use when pipe first gave -1", 64), ("one more pipe, in the parent", -1),
            ("processes alive when fork first gave -1 (children + 1)", 128), ("children reaped", 1),
            ("children that exited with a code other than 0", 0),
            ("after the storm, pipe works again", 0), ("and so does fork: the child's exit code", 7)])


def hang():
    """The reader keeps its own write end: its read never sees the end of
    the file, its parent waits for it, and nothing is left to run."""
    code, lines = run("the classic hang", INIT="ch7_pipe_hang")
    check("ch7: the hang: both processes got as far as the blocking calls",
          says("pipe_hang child", "bytes read; my own write end is still open", 2) in lines and
          says("pipe_hang parent", "wrote 2 bytes and closed both ends; waiting for the child", 1) in lines,
          "missing", lines, want="pipe_hang")
    check("ch7: the hang: neither the end of the file nor the child's end ever comes",
          not any("never printed" in l for l in lines), "a 'never printed' line was printed", lines,
          want="never printed")
    at = next((i for i, l in enumerate(lines) if l == "[kernel] deadlock: every process is blocked"), None)
    after = lines[at + 1:at + 3] if at is not None else []
    check("ch7: the hang ends in the deadlock stop, naming the parent in waitpid and the child in read",
          sorted(after) == ["[kernel]   pid 1 (ch7_pipe_hang) waits for a child to exit (waitpid)",
                            "[kernel]   pid 2 (ch7_pipe_hang) waits for bytes in a pipe (read)"],
          f"got {after}", lines, want="[kernel] ")
    check("ch7: after the deadlock stop QEMU exits with status 3", code == 3, f"status {code}", lines)


EARLIER_KILLED = ["ch2_02_store_null", "ch2_03_sret", "ch2_04_csr", "ch2_05_illegal", "ch2_08_counters",
                  "ch4_00_kernel_load", "ch4_01_kernel_store", "ch4_02_stack_overflow",
                  "ch4_07_mmap_readonly", "ch4_08_after_munmap"]
EARLIER_ZERO = ["ch2_00_hello", "ch2_07_bad_syscall", "ch2_09_fp_dirty", "ch2_10_fp_clean",
                "ch3_00_yield_a", "ch3_01_yield_b", "ch3_02_yield_c", "ch3_03_cpu_a", "ch3_04_cpu_b",
                "ch3_05_cpu_c", "ch3_06_sleep", "ch3_07_hog", "ch3_08_quick", "ch3_09_trace",
                "ch3_10_fp_a", "ch3_11_fp_b", "ch3_12_fp_c", "ch4_03_same_va_a", "ch4_04_same_va_b",
                "ch4_05_mmap", "ch4_06_sbrk", "ch4_09_cross_page", "ch4_10_pointers", "ch5_fork_tree",
                "ch5_fork_copy", "ch5_wait", "ch5_exec_fail", "ch5_fork_bomb", "ch5_spawn", "ch5_stride",
                "ch6_write_read", "ch6_files", "ch6_big", "ch6_bad", "ch6_links"]


def default_run():
    """The default INIT's plan: the earlier chapters' programs on this
    kernel, with the exit codes INIT reports and a few of their own lines."""
    code, lines = run("the default run")
    got = exits(lines)
    check("ch7: the default run: QEMU exits with status 0", code == 0, f"status {code}", lines)
    check_line("ch7: the default run: INIT finishes its plan", lines, "initproc: all steps done")
    leaks("the default run", lines)
    for name in EARLIER_KILLED:
        check(f"ch7: {name} is killed: INIT sees exit code -1", got.get(name) == -1,
              f"got {got.get(name)}", lines, want=f"initproc: {name}")
    for name in EARLIER_ZERO:
        check(f"ch7: {name} runs to its end (exit code 0)", got.get(name) == 0,
              f"got {got.get(name)}", lines, want=f"initproc: {name}")
    check("ch7: ch2_06_bad_write refuses all five bad calls (exit code 5)", got.get("ch2_06_bad_write") == 5,
          f"got {got.get('ch2_06_bad_write')}", lines, want="initproc: ch2_06_bad_write")
    for l in ("fork_tree: 15 processes in a tree of depth 4", "spawn: its exit code (argc) = 1",
              "trace: write count 8", "stride: shares within 30% of each other: yes",
              says("files", "after closing them all, open gets", 3),
              says("files", "opens until all 16 fds are taken: how many more succeed", 10),
              says("big", "bytes that differ", 0), says("write_read", "read 600 more", 500)):
        check_line(f"ch7: earlier program line '{l}'", lines, l)


C_COURSE = ("cc7_usertest", "cc7_pipetest", "cc6_file0", "cc6_file1", "cc6_file2", "cc6_filetest_simple",
            "cc6_cat", "cc5_exec", "cc5_args", "cc5_ppid")


def c_course_style():
    """The C course's chapter 7 pipe test (and its chapter 6 file tests), as
    our own programs in its conventions (tests/lib/crs7.h on crs6.h), linked
    at 0x1000 and passed with APPS=."""
    with c_course_apps("ch7 C-course style", C_COURSE) as apps:
        if not apps:
            return
        code, lines = run("C-course style", APPS=apps, INIT="cc7_usertest")
    check_line("ch7 C-course style: ch7b_pipetest: the child reads the parent's string", lines,
               "Read OK, child process exited!")
    check_line("ch7 C-course style: ch7b_pipetest: the parent reports last", lines, "pipetest passed!")
    check("ch7 C-course style: the child's line comes before the parent's",
          "Read OK, child process exited!" in lines and "pipetest passed!" in lines and
          lines.index("Read OK, child process exited!") < lines.index("pipetest passed!"),
          "wrong order", lines, want="pipe")
    for name in C_COURSE[1:8]:
        check_line(f"ch7 C-course style: {name} is run by fork and exec(name, NULL) and exits 0", lines,
                   f"cc7_usertest: {name} exited with 0")
    check("ch7 C-course style: the run ends with exit code 0", code == 0, f"status {code}", lines)
    leaks("C-course style", lines)


def main():
    pipe_big()
    pipe_ends()
    dup_and_fds()
    storm()
    hang()
    default_run()
    c_course_style()
    done()


if __name__ == "__main__":
    main()
