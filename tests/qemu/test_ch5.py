#!/usr/bin/env python3
"""Chapter 5 in QEMU: processes. The default INIT runs the chapter's
demonstrations (argv layout, a fork tree, waitpid's rules, an orphan,
failing execs, fork until the table and then memory run out) and every
program of chapters 2-4, reporting each exit code; the shell is fed a
script; an unknown INIT fails the build; malformed programs are refused.
Each process's lines are its own (it prints them), and each exit code is
reported by its parent, INIT: a kill is attributed by pid, not by
position in the output."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ANSI, CPU_SECONDS, ICOUNT, WALL_SECONDS, boot, c_course_apps, check, check_line, check_order, cut_point, done, sh, tree  # noqa: E402

CH = 5
EXITED = re.compile(r"^initproc: (\S+)(?: .*)? \(pid (\d+)\) exited with code (-?\d+)$")


def exits(lines):
    """{program: exit code} from INIT's reports."""
    return {m.group(1): int(m.group(3)) for l in lines if (m := EXITED.match(l))}


def counts(lines, when):
    """(free frames, free pids) from the kernel's line at boot or at the end."""
    rx = re.compile(rf"^\[kernel\] free frames {when}: (\d+), free pids: (\d+)$")
    return next((tuple(map(int, m.groups())) for l in lines if (m := rx.match(l))), None)


def run_input(text, tree_dir=None, **make_vars):
    """Boot with `text` on the console's input (held back until the kernel
    is up, by scripts/console.py). Returns (status, lines)."""
    d = tree_dir or tree(CH)
    args = " ".join(f"{k}={v}" for k, v in make_vars.items())
    code, out = sh(f"make -s all {args}", cwd=d)
    if code != 0:
        return code, out.splitlines()
    # A hang is caught by QEMU's CPU time (ulimit -t), which a loaded
    # machine does not change; the wall-clock limit is only a last guard.
    p = subprocess.run(f"ulimit -t {CPU_SECONDS}; make -s run {args} QEMU='qemu-system-riscv64 {ICOUNT}'",
                       shell=True, cwd=d, input=text, capture_output=True, text=True,
                       errors="replace", timeout=WALL_SECONDS)
    lines = [ANSI.sub("", l).rstrip("\r") for l in (p.stdout + p.stderr).splitlines()]
    return p.returncode, lines


def default_run():
    code, lines = boot(CH)
    got = exits(lines)
    check("ch5: QEMU exits with status 0", code == 0, f"status {code}", lines)
    check("ch5: INIT finishes its plan", "initproc: all steps done" in lines, "missing", lines,
          want="initproc: all steps done")
    check("ch5: the kernel reports INIT's exit code 0 (SPEC)",
          "[kernel] init exited with code 0" in lines, "missing", lines,
          want="[kernel] init exited with code")
    start, end = counts(lines, "before INIT"), counts(lines, "at the end")
    check("ch5: free frames and free pids at the end equal their values at boot",
          start is not None and start == end and start[1] >= 128,
          f"boot {start}, end {end}", lines, want="[kernel] free frames")

    # argv: "ch5_args a bb ccc"
    check_order("ch5: exec passes argc and argv", lines, [
        r'^args: argc = 4$', r'^args: argv\[0\] = "ch5_args"$', r'^args: argv\[1\] = "a"$',
        r'^args: argv\[2\] = "bb"$', r'^args: argv\[3\] = "ccc"$',
        r'^args: argv\[argc\] is NULL: yes$', r'^args: argv is 16-byte aligned: yes$'])
    check("ch5: ch5_args exits with argc (4)", got.get("ch5_args") == 4, f"got {got.get('ch5_args')}",
          lines, want="initproc: ch5_args")

    check("ch5: a fork tree of depth 4 counts 15 processes through exit codes",
          "fork_tree: 15 processes in a tree of depth 4" in lines, "missing", lines,
          want="fork_tree:")
    check("ch5: fork leaves the parent's pid alone", "fork_tree: getpid unchanged in the root: yes" in lines,
          "missing", lines, want="fork_tree: getpid")

    wait = [
        ("wait with no children", -1), ("waitpid for the child returns its pid", 1),
        ("its exit code", 42), ("waitpid for it again", -1), ("status NULL", 1),
        ("status pointing at code", -1), ("status at address 16", -1),
        ("the child is still there", 1), ("its exit code", 5), ("a pid that is not a child", -1),
        ("pid -2", -1), ("wait for any child", 1), ("wait for any child", 1),
        ("their codes add up to", 3)]
    check_order("ch5: waitpid: every rule in order", lines,
                [rf"^wait: {re.escape(w)} -> {v}$" for w, v in wait])
    check_order("ch5: waitpid blocks until the child exits, and returns its code -3", lines,
                [r"^wait: the slow child ends$", r"^wait: the parent wakes after it$",
                 r"^wait: exit code -3 comes back -> -3$"])

    # The grandchild and its parent run at once: their lines may come in any order.
    for line in ("orphan: child exited with code 3", "orphan: grandchild's parent is now pid 1"):
        check(f"ch5: orphan: '{line}'", line in lines, "missing", lines, want=line)
    check("ch5: INIT reaps the orphan with its exit code 9",
          any(re.match(r"^initproc: reaped orphan pid \d+, exit code 9$", l) for l in lines),
          "missing", lines, want="initproc: reaped orphan")

    bad = ["unknown name", "path at address 16", "argv at address 16", "argv\\[1\\] at address 16",
           "40 arguments, no NULL", "33 arguments", "one 2999-byte argument", "a 2999-byte path"]
    for b in bad:
        check(f"ch5: exec refuses: {b.replace(chr(92), '')}",
              any(re.match(rf"^exec_fail: {b} -> -1$", l) for l in lines), "missing", lines,
              want=re.compile(rf"^exec_fail: {b} ->"))
    for what, v in (("the caller goes on, its memory intact", 1),
                    ('"/ch5_args" runs, exit code', 2), ("argv NULL runs, exit code", 0),
                    ("32 arguments run, exit code", 32)):
        check(f"ch5: exec: {what} {v}", f"exec_fail: {what} -> {v}" in lines, "missing", lines,
              want=f"exec_fail: {what}")

    check_order("ch5: fork until the table is full, reap all, and fork works again", lines, [
        r"^fork_bomb: every zombie reaped with code 7: yes$",
        r"^fork_bomb: fork failed after 100 or more children$",
        r"^fork_bomb: every zombie reaped with code 7: yes$", r"^fork_bomb: fork works again: yes$"])
    check("ch5: fork fails cleanly when memory runs out (a chain of 4 MiB processes)",
          any(re.match(r"^fork_bomb: a chain of 4 MiB processes stopped at depth [1-9]\d*$", l)
              for l in lines) and got.get("ch5_fork_bomb") == 0, "missing", lines,
          want="fork_bomb: a chain")

    heap = [int(m.group(1)) for l in lines
            if (m := re.match(r"^\[kernel\] free heap bytes (?:before INIT|at the end): (\d+)$", l))]
    check("ch5: the kernel heap's free bytes at the end equal those at boot",
          len(heap) == 2 and heap[0] == heap[1], f"got {heap}", lines, want="free heap bytes")
    for line in ("fork_copy: the child sees its values",
                 "fork_copy: the child, after writing sees its values",
                 "fork_copy: the parent, after the child wrote sees its values"):
        check(f"ch5: fork copies stack, data, heap, mmap pages and floats: '{line}'",
              line in lines, "missing", lines, want=line)
    exercises(lines, got)
    earlier(lines, got)


def exercises(lines, got):
    """Exercise 5: spawn (5a) and stride scheduling with set_priority (5b)."""
    check("ch5 exercise spawn: a spawned child runs and is reaped with its exit code",
          all(l in lines for l in ("spawn: ch5_args -> a pid", "spawn: waitpid gets it: yes",
                                   "spawn: its exit code (argc) = 1")),
          "missing", lines, want="spawn: ")
    check("ch5 exercise spawn: unknown names and bad pointers are refused",
          "spawn: unknown name -> -1" in lines and "spawn: path at address 16 -> -1" in lines,
          "missing", lines, want="spawn: ")
    check("ch5 exercise spawn: spawn until the table is full, then everything is reaped",
          "spawn: until the table is full, then all reaped: yes" in lines, "missing", lines,
          want="spawn: until")
    check("ch5 exercise stride: set_priority accepts 2 and refuses 1, 0 and -10",
          "stride: set_priority(1) -> -1, set_priority(0) -> -1, set_priority(-10) -> -1" in lines
          and "stride: set_priority(2) -> 2" in lines, "missing", lines, want="stride: set_priority")
    check("ch5 exercise stride: shares proportional to priority within 30%",
          "stride: shares within 30% of each other: yes" in lines, "missing", lines,
          want="stride: shares")


def earlier(lines, got):
    """Chapters 2-4's programs, each started by INIT: their own lines, and
    the exit codes INIT reports for them (-1 for a kill, by pid)."""
    killed = ["ch2_02_store_null", "ch2_03_sret", "ch2_04_csr", "ch2_05_illegal", "ch2_08_counters",
              "ch4_00_kernel_load", "ch4_01_kernel_store", "ch4_02_stack_overflow",
              "ch4_07_mmap_readonly", "ch4_08_after_munmap"]
    for name in killed:
        check(f"ch5: {name} is killed: INIT sees exit code -1", got.get(name) == -1,
              f"got {got.get(name)}", lines, want=f"initproc: {name}")
    for name in ("ch2_00_hello", "ch2_07_bad_syscall", "ch2_09_fp_dirty", "ch2_10_fp_clean",
                 "ch3_10_fp_a", "ch3_11_fp_b", "ch3_12_fp_c", "ch5_fork_copy", "ch3_00_yield_a", "ch3_01_yield_b",
                 "ch3_02_yield_c", "ch3_03_cpu_a", "ch3_04_cpu_b", "ch3_05_cpu_c", "ch3_06_sleep",
                 "ch3_07_hog", "ch3_08_quick", "ch3_09_trace", "ch4_03_same_va_a",
                 "ch4_04_same_va_b", "ch4_05_mmap", "ch4_06_sbrk", "ch4_09_cross_page",
                 "ch4_10_pointers"):
        check(f"ch5: {name} runs to its end (exit code 0)", got.get(name) == 0,
              f"got {got.get(name)}", lines, want=f"initproc: {name}")
    for x in "ABC":
        check(f"ch5: yield {x} prints steps 0..4 in order",
              [l for l in lines if l.startswith(f"yield {x}: ")] == [f"yield {x}: step {i}" for i in range(5)],
              "wrong", lines, want=f"yield {x}: ")
    check("ch5: same_va A and B see their own data after yielding",
          "same_va A: after yielding, data = 1000" in lines and "same_va B: after yielding, data = 2000" in lines,
          "missing", lines, want="same_va")
    for pat in ("fp A: results as when run alone", "fp B: results as when run alone",
                "fp C: results as when run alone", "fp_clean: starts clean",
                "counters: rdtime works (time > 0)"):
        check(f"ch5: earlier program line '{pat}'", pat in lines, "missing", lines, want=pat)
    check("ch5: trace counts exactly (chapter 3's exercise, per process)",
          "trace: write count 8" in lines, "missing", lines, want="trace:")


def shell():
    script = "ch5_args one  two\nnope\nch5_arx\x7fgs x\n\nexit\n"
    code, lines = run_input(script, INIT="sh")
    check("ch5 shell: QEMU exits with status 0 after 'exit'", code == 0, f"status {code}", lines)
    check_order("ch5 shell: runs a program by name with its arguments", lines, [
        r"^\$ ch5_args one  two$", r"^args: argc = 3$", r'^args: argv\[2\] = "two"$',
        r"^sh: ch5_args exited with code 3$"])
    check("ch5 shell: an unknown program gets a message, and the shell goes on",
          "sh: cannot run nope" in lines, "missing", lines, want="nope")
    check_order("ch5 shell: backspace erases the last character", lines,
                [r"^args: argc = 2$", r'^args: argv\[1\] = "x"$'])
    check("ch5 shell: 'exit' ends it", "sh: bye" in lines, "missing", lines, want="sh: bye")
    code, lines = run_input("ch5_args q\n\x04", INIT="sh")
    check("ch5 shell: Ctrl-D on an empty line ends it", code == 0 and "sh: bye" in lines,
          f"status {code}", lines, want="sh: bye")


def unknown_init():
    code, out = sh("make -s all INIT=no_such_program", cwd=tree(CH))
    check("ch5: an unknown INIT fails the build with a clear message",
          code != 0 and "INIT=no_such_program names no program" in out, f"status {code}",
          out.splitlines(), want="INIT=")


def malformed():
    """An APPS directory with a file that is no ELF and a cut-off ELF; the
    shell tries to run both, then a good program."""
    apps = os.path.join(tree(CH), "build", "apps")
    tmp = tempfile.mkdtemp(prefix="ch5-apps-")
    try:
        for name in ("sh", "ch5_args"):
            shutil.copy(os.path.join(apps, f"{name}.elf"), os.path.join(tmp, name))
        with open(os.path.join(tmp, "garbage"), "wb") as f:
            f.write(b"this is not an ELF file\n" * 40)
        with open(os.path.join(apps, "ch5_args.elf"), "rb") as f:
            elf = f.read()
        with open(os.path.join(tmp, "cut"), "wb") as f:
            f.write(elf[:cut_point(elf)])
        code, lines = run_input("garbage\ncut\nch5_args fine\nexit\n", APPS=tmp, INIT="sh")
    finally:
        shutil.rmtree(tmp)
    check("ch5: exec of a file that is no ELF fails; the shell goes on",
          "sh: cannot run garbage" in lines, "missing", lines, want="garbage")
    check("ch5: exec of a cut-off ELF fails; the shell goes on", "sh: cannot run cut" in lines,
          "missing", lines, want="cut")
    check("ch5: after both, a good program runs and the run ends cleanly",
          'args: argv[1] = "fine"' in lines and code == 0, f"status {code}", lines, want="fine")


# Our own program, built the same way: a child that never used the f
# registers, run while its parent's values are live in them, finds zeros.
FP_PAIR = ("fp_fork",)
C_COURSE = ("cc5_usertest", "cc5_exit0", "cc5_exit1", "cc5_ppid", "cc5_args", "cc5_exec",
            "cc5_forkmany", "cc5_spawn")


def c_course_style():
    """Programs built as the C course (uCore-Tutorial-Test) builds its chapter
    5 tests: our own runtime tests/lib/crs5.h with that course's conventions
    (_start tail-calls __start_main(argc, argv) straight from a0/a1, raw
    ecalls with its numbers, int exit codes, wait without a retry loop,
    names written with an explicit "\0"), linked at 0x1000, passed with
    APPS=dir; cc5_usertest is INIT and runs the others in turn."""
    # (the next boot's `make all` rebuilds the tree as it needs)
    with c_course_apps("ch5 C-course style", C_COURSE + FP_PAIR) as apps:
        if not apps:
            return
        code, lines = boot(CH, APPS=apps, INIT="cc5_usertest")
        fp_code, fp_lines = boot(CH, APPS=apps, INIT="fp_fork")
    check_line("ch5 C-course style: INIT gets argc 1 and argv {its name, NULL} in a0/a1", lines,
               'cc5_usertest: argc = 1, argv[0] = "cc5_usertest", argv[1] is NULL: yes')
    for name, want in (("cc5_exit0", "66778"), ("cc5_exit1", "-233"), ("cc5_exec", "0"),
                       ("cc5_forkmany", "0")):
        check_line(f"ch5 C-course style: {name} is run by fork and exec(name, NULL), "
                   f"waitpid gets its exit code {want}", lines,
                   f"cc5_usertest: {name} exited with {want} (want {want}): ok")
    check("ch5 C-course style: cc5_ppid's exit code (its getppid()) is its parent's pid",
          any(re.match(r"^cc5_usertest: cc5_ppid exited with (\d+) \(want \1\): ok$", l) for l in lines),
          "missing", lines, want="cc5_usertest: cc5_ppid")

    # Each exec'd cc5_args tags its lines with its pid; cc5_exec names the
    # child it forked, so each list of lines belongs to one exec.
    for what, argv, status in (("argv NULL", [], 40), ("argv -> NULL", [], 40),
                               ("argv of 3", ["cc5_args", "one", "two words"], 43)):
        m = next((m for l in lines
                  if (m := re.match(rf"^cc5_exec: {re.escape(what)}: child (\d+), exit code (-?\d+)$", l))),
                 None)
        check(f"ch5 C-course style: exec with {what}: the parent's waitpid gets 40 + argc = {status}",
              m is not None and int(m.group(2)) == status, "missing or wrong", lines,
              want=f"cc5_exec: {what}:")
        if m:
            pid = m.group(1)
            own = [l for l in lines if l.startswith(f"cc5_args[{pid}]: ")]
            want = [f"cc5_args[{pid}]: argc = {len(argv)}"] + \
                [f'cc5_args[{pid}]: argv[{i}] = "{a}"' for i, a in enumerate(argv)] + \
                [f"cc5_args[{pid}]: argv[argc] is NULL: yes"]
            check(f"ch5 C-course style: exec with {what}: main gets argc {len(argv)} and its argv",
                  own == want, f"got {own}", lines, want=f"cc5_args[{pid}]")
    check_line("ch5 C-course style: a program run by fork and exec exits with getppid(), its parent's pid",
               lines, "cc5_exec: cc5_ppid's exit code is my pid: yes")
    check_line("ch5 C-course style: exec of an unknown name returns -1 and the caller goes on",
               lines, "cc5_exec: an unknown name -> -1, and the caller goes on")
    check_order("ch5 C-course style: 60 children at once, each code reaped by wait with its pid", lines, [
        r"^cc5_forkmany: wait with no child -> -1$", r"^cc5_forkmany: forked 60 children$",
        r"^cc5_forkmany: reaped 60, with the code of the child whose pid wait returned: 60$",
        r"^cc5_forkmany: one more wait -> -1$"])
    check_order("ch5 C-course style: spawn: wait, then waitpid out of order, gets 66778, -233 "
                "and the parent's pid", lines, [
                    r"^cc5_spawn: wait -> its pid, exit code 66778$",
                    r"^cc5_spawn: waitpid\(second\) -> its pid, exit code -233$",
                    r"^cc5_spawn: waitpid\(first\) -> its pid, exit code 66778$",
                    r"^cc5_spawn: waitpid\(third\) -> its pid, exit code is my pid: yes$",
                    r"^cc5_usertest: cc5_spawn exited with 0 \(want 0\): ok$"])
    fresh_fp(fp_code, fp_lines)


def fresh_fp(code, lines):
    """A child that never used the f registers finds zeros although its
    parent's values were live in them when it was dispatched (the parent is
    switched out in waitpid, so the scheduler must know whose values the
    registers hold); the parent gets its own values back afterwards."""
    check_line("ch5: a child dispatched while its parent's f registers are live finds zeros",
               lines, "fp_fork: the child saw 0 non-zero float registers (want 0)")
    check_line("ch5: the parent's f registers and fcsr are its own again after the child ran",
               lines, "fp_fork: the parent's float registers after the child: its own")
    check("ch5: that run ends with INIT's exit code 0", code == 0, f"status {code}", lines)


def main():
    default_run()
    shell()
    unknown_init()
    malformed()
    c_course_style()
    done()


if __name__ == "__main__":
    main()
