#!/usr/bin/env python3
"""Chapter 7 in QEMU: signals. ch7_sig_run, as INIT, runs the signal
programs one after another: a handler that runs and returns through
sigreturn, masks and the order of delivery, every register put back by
sigreturn, signals between processes (default actions and exit codes,
SIGKILL to blocked and stopped children, SIGSTOP/SIGCONT, SIGCHLD, faults,
fork and exec), and bad input; then tests/lib/sig_intr.c, where a handler
ends a blocked read, waitpid and write. Each program prints its own
verdicts and INIT reports each exit code; nothing here matches a line the
kernel prints on its own behalf. After the run, frames, pids, heap, open files (and
pipes, once the kernel has them) are back to their values at boot."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import c_course_apps, check, check_line, done, leak_checks, private_tree, run_tree, says, tree  # noqa: E402

CH = 7
D = tree(CH)
RAN = re.compile(r"^sig_run: (\S+) exited with code (-?\d+)$")
PROGRAMS = ("ch7_sig_handler", "ch7_sig_mask", "ch7_sig_regs", "ch7_sig_kill", "ch7_sig_bad")


def expect(name, lines, prog, pairs):
    for what, v in pairs:
        check_line(f"ch7 signals: {name}: {what} -> {v}", lines, says(prog, what, v))


def handler(lines):
    expect("a handler", lines, "sig_handler", (
        ("sigaction(SIGUSR1, handler, &old)", 0), ("the old action was SIG_DFL with mask 0", 1),
        ("kill(getpid(), SIGUSR1) returns, after the handler", 0), ("times the handler ran", 1),
        ("signo the handler got", 10),
        ("mask in the handler: its own signal and act.mask (SIGUSR1|SIGUSR2)", 1),
        ("mask after sigreturn", 0), ("sigaction(SIGUSR1, NULL, &now) reads the handler back", 1),
        ("a second SIGUSR1 runs it again: times", 2), ("sigreturn with no handler running", -1)))
    check_line("ch7 signals: after the handler the program runs on to its last line", lines,
               "sig_handler: done, the program ran on to its last line")


def masks(lines):
    expect("masks", lines, "sig_mask", (
        ("sigprocmask(SIGUSR1) returns the old mask", 0),
        ("while SIGUSR1 is blocked, times its handler ran", 0),
        ("sigprocmask(0) returns the old mask (1 << SIGUSR1)", 1024),
        ("after unblocking, times the handler ran", 1),
        ("both unblocked at once: SIGUSR1's handler ran first (order 1a2)", 1),
        ("SIGUSR2 sent inside SIGUSR1's handler waits for its sigreturn (order 1a2)", 1),
        ("a pending signal set to SIG_IGN is dropped: handler runs", 0),
        ("kill(self, SIGTERM) with SIGTERM ignored, and still alive", 0),
        ("sigprocmask keeps SIGKILL and SIGSTOP (and bit 0) out of the mask", 1)))


def registers(lines):
    expect("registers", lines, "sig_regs", (
        ("no floats used yet: f0-f31 and fcsr are 0 after a handler that set them", 1),
        ("the handler ran, with a0 = SIGUSR1", 10),
        ("registers of x1-x31, f0-f31 and fcsr that differ after sigreturn", 0)))
    bad = [l for l in lines if re.match(r"^sig_regs: [xf]\d+ is ", l)]
    check("ch7 signals: registers: no register is reported different", not bad, f"{bad[:4]}", lines,
          want="sig_regs:")


def between_processes(lines):
    expect("default actions", lines, "sig_kill", (
        ("SIGTERM, default action: exit code", -15), ("SIGUSR1, default action: exit code", -10),
        ("SIGKILL with every signal blocked: exit code", -9),
        ("SIGTERM ignored: the child runs on to exit code", 3),
        ("SIGURG and SIGCHLD are ignored by default: exit code", 4)))
    expect("faults", lines, "sig_kill", (
        ("a store to address 0: exit code", -1), ("the same with SIGSEGV blocked: exit code", -1),
        ("the same with SIGSEGV ignored: exit code", -1),
        ("the same with a SIGSEGV handler that exits 70 + signo", 81)))
    expect("blocked children", lines, "sig_kill", (
        ("SIGKILL to a child blocked in waitpid: exit code", -9),
        ("SIGKILL to a child waiting for the console: exit code", -9),
        ("SIGTERM to a child that only yields: exit code", -15),
        ("SIGKILL to a child blocked reading an empty pipe: exit code", -9),
        ("SIGKILL to a child blocked writing a full pipe: exit code", -9)))
    n = lines.count(says("sig_kill", "waitpid returns the child's pid", 1))
    check("ch7 signals: blocked children: the parent's waitpid returns each killed child's pid",
          n == 5, f"{n} of 5", lines, want="sig_kill: waitpid")
    expect("stop and continue", lines, "sig_kill", (
        ("stopped child handles SIGUSR1 only after SIGCONT (exit 10, not 11)", 10),
        ("SIGKILL to a stopped child: exit code", -9)))
    expect("SIGCHLD", lines, "sig_kill", (
        ("SIGCHLD arrived; kill of the zombie child", -1), ("waitpid then reaps it", 1),
        ("kill of the reaped pid", -1), ("waitpid while SIGCHLD is caught still returns the pid", 1),
        ("and the handler ran (signo)", 17)))
    expect("fork and exec", lines, "sig_kill", (
        ("child: mask inherited (10) + handler inherited (1)", 11),
        ("the parent's pending SIGUSR2 reaches the parent", 12),
        ("after exec, SIGUSR1 stays ignored and SIGUSR2's handler is gone: exit code", -12)))
    expect("fork and exec", lines, "sig_probe", (
        ("the mask survived exec (1 << SIGTERM)", 1), ("SIGUSR2's handler was reset to SIG_DFL", 1),
        ("kill(self, SIGUSR1), still ignored", 0)))
    check("ch7 signals: fork and exec: the probe dies of SIGUSR2 before its last line",
          "sig_probe: not reached" not in lines, "it printed its last line", lines, want="sig_probe")


def bad_input(lines):
    for s in (0, -1, 32, 100):
        check_line(f"ch7 signals: bad input: signal {s} gets -1 from kill and sigaction", lines,
                   f"sig_bad: signal {s}: kill -> -1, sigaction -> -1")
    refused = ["kill with signal 2^32 + 10", "kill of pid 0", "kill of pid -1",
               "kill of a pid no process has", "sigaction for SIGKILL", "sigaction for SIGSTOP",
               "sigaction reading SIGKILL's action", "sigreturn with no handler running",
               "sigaction with act at address 16", "sigaction with act at a kernel address",
               "sigaction with old in the program's code", "sigaction with old at address 16"]
    for what in refused:
        check_line(f"ch7 signals: bad input gets -1: {what}", lines, says("sig_bad", what, -1))
    expect("bad input", lines, "sig_bad", (
        ("after the refusals SIGUSR1 is still SIG_DFL", 1), ("sigaction with both pointers NULL", 0),
        ("handler at address 16: exit code", -11), ("handler at an odd address: exit code", -11),
        ("handler on the stack (not executable): exit code", -11),
        ("handler at a kernel address: exit code", -11),
        ("handler that returns instead of calling sigreturn: exit code", -1)))


def checks():
    code, lines = run_tree(D, "ch7 signals: the signal programs", INIT="ch7_sig_run")
    got = {m.group(1): int(m.group(2)) for l in lines if (m := RAN.match(l))}
    check("ch7 signals: QEMU exits with status 0", code == 0, f"status {code}", lines)
    check_line("ch7 signals: INIT runs every program", lines, "sig_run: all done")
    for name in PROGRAMS:
        check(f"ch7 signals: {name} runs to its end (exit code 0)", got.get(name) == 0,
              f"got {got.get(name)}", lines, want=f"sig_run: {name}")
    leak_checks("ch7 signals: the signal programs", lines, ch=7)
    handler(lines)
    masks(lines)
    registers(lines)
    between_processes(lines)
    bad_input(lines)


INTERRUPTED = (
    ("blocked pipe read: returns -1", 1), ("blocked pipe read: the handler ran once", 1),
    ("blocked pipe read: the next read gets the byte written later", 1),
    ("blocked waitpid: returns -1", -1), ("blocked waitpid: the handler ran once", 1),
    ("blocked waitpid: the next waitpid reaps the child", 1), ("blocked waitpid: with its exit code", 9),
    ("blocked pipe write: returns the bytes it moved, fewer than asked", 1),
    ("blocked pipe write: the handler ran once", 1))


def interrupted_calls(d, who="ch7 signals", ch=7):
    """tests/lib/sig_intr.c as INIT in tree d (test_ch8.py runs it on
    chapter 8's kernel too): a handled SIGUSR1 ends a blocked pipe read,
    waitpid and pipe write; each returns -1 (or the bytes it moved) and the
    process runs on. If a signal came before its call blocked, the call
    would not end with -1 (or would wait for ever, until the CPU limit):
    the check fails, it never passes by chance."""
    with c_course_apps(f"{who}: interrupted calls", ("sig_intr",)) as apps:
        if not apps:
            return
        code, lines = run_tree(d, f"{who}: interrupted calls", APPS=apps, INIT="sig_intr")
    for what, v in INTERRUPTED:
        check_line(f"{who}: a handler ends a blocked call: {what} -> {v}", lines, says("sig_intr", what, v))
    check_line(f"{who}: sig_intr runs to its end", lines, "sig_intr: done, 0 wrong")
    check(f"{who}: interrupted calls: QEMU exits with status 0", code == 0, f"status {code}", lines)
    leak_checks(f"{who}: interrupted calls", lines, ch=ch)


def main():
    """On a private copy of the tree: the runner runs two suites at once, and
    test_ch7.py builds out/ch7 with other settings (INIT=) at the same time."""
    global D
    with private_tree(CH, "ch7-signals-") as D:
        checks()
        interrupted_calls(D)
    done()


if __name__ == "__main__":
    main()
