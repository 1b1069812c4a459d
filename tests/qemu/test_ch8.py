#!/usr/bin/env python3
"""Chapter 8 in QEMU: threads. ch8_threads and ch8_thread_exit each run as
INIT in a boot of their own: threads share memory, exit codes come back
through waittid, tids count 1, 2, 3... and are reused only after waittid,
16 threads fit and a 17th gets -1, waittid refuses the caller and unknown
tids; the main thread's exit ends siblings that run, read a pipe, wait in
waittid or are zombies; a fault in any thread, a bad entry or a return
from the entry function kill the process with SPEC's fault line; SIGKILL
reaches a process whose threads all block; exec and fork from a thread.
Then the default run (the earlier chapters' programs on this kernel, with
chapter 7's signal checks on their lines), and the C course's chapter 8
thread test with its chapter 5-7 tests, in that course's conventions.
After every run the kernel's frames, pids, heap, files, inodes, pipes,
threads and kernel stacks at the end equal their values at boot. All runs
use a private copy of out/ch8 (other suites use out/ch8 at the same time)."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (c_course_apps, check, check_line, done, init_exits, leak_checks,  # noqa: E402
                     private_tree, run_tree, says, sh)

CH = 8
D = None  # the private tree, set by main()
FAULT = re.compile(r"^\[kernel\] PageFault in application, bad addr = 0x[0-9a-f]{16}, "
                   r"bad instruction = 0x[0-9a-f]{16}, kernel killed it\.$")


def as_init(prog):
    """Boot with prog as INIT; it must end with 0 and leave nothing behind."""
    code, lines = run_tree(D, f"ch8: {prog}", INIT=prog)
    check(f"ch8: {prog} as INIT ends with exit code 0 (QEMU exits 0)", code == 0, f"status {code}",
          lines)
    leak_checks(f"ch8: {prog}", lines)
    return lines


def expect(what, lines, prog, pairs):
    for w, v in pairs:
        check_line(f"ch8: {what}: {w} -> {v}", lines, says(prog, w, v))


def threads():
    lines = as_init("ch8_threads")
    expect("three threads", lines, "threads",
           [("the tids of three new threads (as 100a + 10b + c)", 123), ("waittid(1)", 11),
            ("waittid(2)", 12), ("waittid(3)", 13),
            ("each thread's gettid, stored where main reads it (100a + 10b + c)", 123),
            ("thread 1's stack minus thread 2's (8 KiB + a guard page)", 12288),
            ("main's gettid", 0)])
    expect("waittid's refusals", lines, "threads",
           [("waittid on itself", -1), ("waittid(7), no such thread", -1), ("waittid(-1)", -1),
            ("waittid(1) again, reaped already", -1)])
    expect("tid reuse", lines, "threads",
           [("waittid of tid 1, the first worker", 11),
            ("after reaping tid 1 of {1, 2}, the next thread's tid", 1),
            ("waittid of tid 2, the second worker", 12), ("waittid of the new tid 1, the third worker", 13)])
    expect("16 threads per process", lines, "threads",
           [("15 more threads got tids 1..15 in order", 15), ("a 17th thread", -1),
            ("the 15 spinners' exit codes, summed", 15), ("once all are reaped, a new thread's tid", 1)])
    expect("f registers and the page table", lines, "threads",
           [("two threads counting in f registers from 100 and 200 (sum of exit codes)", 380),
            ("of two overlapping mmaps in two threads, the ones that succeed", 1)])


def thread_exit():
    lines = as_init("ch8_thread_exit")
    expect("the main thread's exit", lines, "thread_exit",
           [("main exits while siblings run, read, wait and are zombies: exit code", 42)])
    expect("a dying thread kills its process", lines, "thread_exit",
           [("a fault in thread 1: exit code", -1), ("thread entry at an unmapped address: exit code", -1),
            ("thread entry in the kernel's half: exit code", -1),
            ("thread entry in data, not code: exit code", -1),
            ("returning from the entry function: exit code", -1)])
    faults = [l for l in lines if FAULT.match(l)]
    check("ch8: each of the five dying threads' processes gets SPEC's fault line",
          len(faults) == 5, f"{len(faults)} fault lines", lines, want="[kernel] PageFault")
    expect("signals, exec and fork with threads", lines, "thread_exit",
           [("SIGKILL to a process whose threads all block: exit code", -9),
            ("exec from a thread: 50 + the exec'd program's gettid, tid of its new thread", 50),
            ("fork from thread 1: the child's 60 + gettid + its copy of memory", 61)])


def default_run():
    """The default INIT's plan: chapter 8's programs, then the earlier
    chapters' on this kernel, with chapter 7's signal checks on their lines."""
    import test_ch7
    import test_ch7_signals
    code, lines = run_tree(D, "ch8: the default run")
    got = init_exits(lines)
    check("ch8: the default run: QEMU exits with status 0", code == 0, f"status {code}", lines)
    check_line("ch8: the default run: INIT finishes its plan", lines, "initproc: all steps done")
    leak_checks("ch8: the default run", lines)
    expect("the default run: a user-level thread library", lines, "uthread",
           [("workers ran strictly in turn 1 2 3 1 2 3 ...", 1),
            ("sums computed on three interleaved stacks are right", 1)])
    expect("the default run: a race", lines, "race",
           [("threads that ended with exit code 0", 4), ("the counter is at most that", 1)])
    expect("the default run: locks in user space", lines, "spinlock",
           [("counter under the amoswap lock", 2000), ("counter added with lr.w/sc.w", 2000),
            ("counter added with __atomic_fetch_add", 2000)])
    zero = ["ch8_uthread", "ch8_race", "ch8_spinlock", "ch8_threads", "ch8_thread_exit", "ch7_pipe_big", "ch7_pipe_ends", "ch7_dup", "ch7_pipe_storm",
            "ch7_sig_handler", "ch7_sig_mask", "ch7_sig_kill", "ch7_sig_regs", "ch7_sig_bad"]
    for name in zero + test_ch7.EARLIER_ZERO:
        check(f"ch8: the default run: {name} runs to its end (exit code 0)", got.get(name) == 0,
              f"got {got.get(name)}", lines, want=f"initproc: {name}")
    for name in test_ch7.EARLIER_KILLED:
        check(f"ch8: the default run: {name} is killed: INIT sees exit code -1", got.get(name) == -1,
              f"got {got.get(name)}", lines, want=f"initproc: {name}")
    check("ch8: the default run: ch2_06_bad_write refuses all five bad calls (exit code 5)",
          got.get("ch2_06_bad_write") == 5, f"got {got.get('ch2_06_bad_write')}", lines,
          want="initproc: ch2_06_bad_write")
    # Chapter 7's signal checks, on the lines of the same programs run here
    # (their names get "ch8: " in front while they run).
    test_ch7_signals.check = lambda name, *a, **k: check("ch8: " + name, *a, **k)
    test_ch7_signals.check_line = lambda name, *a, **k: check_line("ch8: " + name, *a, **k)
    try:
        for part in (test_ch7_signals.handler, test_ch7_signals.masks, test_ch7_signals.registers,
                     test_ch7_signals.between_processes, test_ch7_signals.bad_input):
            part(lines)
    finally:
        test_ch7_signals.check, test_ch7_signals.check_line = check, check_line


def interrupted_calls():
    """Chapter 7's test of a handler ending a blocked read, waitpid and
    write (tests/lib/sig_intr.c), in a boot of its own on this kernel."""
    import test_ch7_signals
    test_ch7_signals.interrupted_calls(D, "ch8: ch7 signals", ch=8)


C_COURSE = ("cc8_usertest", "cc8_threads", "cc7_pipetest", "cc6_file0", "cc6_file1", "cc6_file2",
            "cc6_filetest_simple", "cc6_cat", "cc5_exec", "cc5_args", "cc5_usertest", "cc5_exit0",
            "cc5_exit1", "cc5_ppid", "cc5_forkmany", "cc5_spawn")


def c_course_style():
    """The C course's chapter 8 thread test, then its chapter 5-7 tests, as
    our own programs in its conventions (tests/lib/crs8.h on crs7.h ...),
    linked at 0x1000 and passed with APPS=; cc8_usertest is INIT."""
    with c_course_apps("ch8 C-course style", C_COURSE) as apps:
        if not apps:
            return
        code, lines = run_tree(D, "ch8 C-course style", APPS=apps, INIT="cc8_usertest")
    text = "\n".join(lines)
    for tid in (1, 2, 3):
        check(f"ch8 C-course style: ch8b_threads: waittid({tid}) returns the thread's exit code {tid}",
              f"thread {tid} exited with code {tid}\n" in text + "\n", "missing", lines,
              want=f"thread {tid} exited")
    check_line("ch8 C-course style: ch8b_threads: the main thread reports last", lines,
               "threads test passed!")
    start, end = "cc8_usertest: running cc8_threads", "threads test passed!"
    block = text[text.find(start) + len(start):text.find(end)] if start in text and end in text else ""
    block = re.sub(r"\[kernel\] Application exited with code \d+\n|thread \d exited with code \d\n", "",
                   block)
    counts = {c: block.count(c) for c in "abc"}
    check("ch8 C-course style: ch8b_threads: each thread printed its letter 1000 times, nothing else "
          "mixed in", counts == {"a": 1000, "b": 1000, "c": 1000} and not block.replace("\n", "").strip("abc"),
          f"counts {counts}", lines, want="threads test")
    for name in C_COURSE[1:9]:
        check_line(f"ch8 C-course style: {name} is run by fork and exec(name, NULL) and exits 0", lines,
                   f"cc8_usertest: {name} exited with 0")
    ok = [l for l in lines if re.match(r"^cc5_usertest: cc5_\w+ exited with -?\d+ \(want -?\d+\): ok$", l)]
    check("ch8 C-course style: cc5_usertest's six tests all end as they must", len(ok) == 6,
          f"{len(ok)} of 6", lines, want="cc5_usertest:")
    check_line("ch8 C-course style: cc5_usertest exits 0", lines, "cc8_usertest: cc5_usertest exited with 0")
    check("ch8 C-course style: the run ends with exit code 0", code == 0, f"status {code}", lines)
    leak_checks("ch8 C-course style", lines)


FIXES = ("fx8_usertest", "h8_forkexec", "h8_race_close2", "h8_sig", "h8_hexit", "h8_guard")


def regressions():
    """Programs that once found a bug in this kernel (tests/lib/h8_*.c), in
    one boot: fx8_usertest is INIT and runs each in turn, printing
    "fx8_usertest: NAME exited with CODE" once NAME has ended. Each program's
    own lines start with its name; its exit code counts its failed checks."""
    with c_course_apps("ch8 regressions", FIXES) as apps:
        if not apps:
            return
        code, lines = run_tree(D, "ch8 regressions", APPS=apps, INIT="fx8_usertest")
    for name, what in (("h8_forkexec", "a child forked from thread 3 creates 15 threads, tids 1..15"),
                       ("h8_race_close2", "closing an fd during another thread's long write"),
                       ("h8_sig", "sigreturn by a thread not in the handler is -1"),
                       ("h8_hexit", "a thread exiting inside the handler leaves the next signal handled"),
                       ("h8_guard", "mmap over a live thread's guard page is -1")):
        check_line(f"ch8 regressions: {name}: {what} (exit code 0)", lines,
                   f"fx8_usertest: {name} exited with 0")
    check_line("ch8 regressions: h8_forkexec: the child's tids 1..15", lines,
               "h8_forkexec: fork from tid 3: child's result (wrong things): ok (got 0, want 0)")
    pat = re.compile(r"^h8_race_close2: writer's write returned 524288; h8victim has 524288 bytes, "
                     r"h8other has 0 bytes \(want 0\)$")
    check("ch8 regressions: h8_race_close2: the whole write reaches the closed fd's file, none the new one",
          any(pat.match(l) for l in lines), "missing", lines, want="h8_race_close2:")
    check_line("ch8 regressions: h8_sig: sigreturn by the other thread", lines,
               "h8_sig: sigreturn by the thread not in the handler: -1 (ok)")
    check_line("ch8 regressions: h8_hexit: the next signal is handled", lines,
               "h8_hexit: after a thread exits inside the handler, the next signal is handled: ok (got 0, want 0)")
    check_line("ch8 regressions: h8_guard: mmap of a live thread's guard page", lines,
               "h8_guard: mmap over live thread 1's guard page: ok (got -1, want -1)")
    check("ch8 regressions: the run ends with exit code 0", code == 0, f"status {code}", lines)
    leak_checks("ch8 regressions", lines)
    # QEMU clears the LR reservation on every trap by itself, so no program
    # can see a stale one; check the kernel's own dummy SC in __restore.
    c, out = sh(f"riscv64-unknown-elf-objdump -d {D}/build/kernel.elf")
    body = re.search(r"<__restore>:\n(.*?\bsret\b)", out, re.S)
    check("ch8 regressions: __restore does a store-conditional before sret (voids LR reservations)",
          c == 0 and body is not None and re.search(r"\bsc\.[dw]\b", body.group(1)) is not None,
          "no sc.d/sc.w between __restore and its sret", out.splitlines()[:5])


def main():
    global D
    with private_tree(CH, "ch8-threads-") as D:
        regressions()
        threads()
        thread_exit()
        default_run()
        interrupted_calls()
        c_course_style()
    done()


if __name__ == "__main__":
    main()
