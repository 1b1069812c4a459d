#!/usr/bin/env python3
"""Chapter 8 in QEMU: synchronization. ch8_sync_run, as INIT, runs the
chapter's synchronization programs one after another: 8 adder threads
under a mutex of each kind (none lost; without one, the loss is printed), the
unlock rule, bad ids and the limits, 15 threads fighting over a blocking
mutex while the main thread exits; a bounded buffer with three semaphores;
a barrier from a mutex and a condition variable, a lost signal and Mesa
semantics; the dining philosophers; and deadlock detection (exercise 8),
which must return -0xdead exactly where a wait could never end. Then the C
course's chapter 8 synchronization tests, as our own programs in its
conventions (tests/lib/crs8sync.h), under cc8_synctest. Each program
prints its own verdicts; nothing here matches a line the kernel prints on
its own behalf as a pass. After each run, frames, pids, heap, open files
and pipes are back to their values at boot. The suite works on a private
copy of the chapter 8 tree, since other suites build it with other
settings at the same time."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (c_course_apps, check, check_line, done, leak_checks, private_tree, run_tree,  # noqa: E402
                     says, tree)

CH = 8
D = tree(CH)
RAN = re.compile(r"^sync_run: (\S+) exited with code (-?\d+)$")
CC_RAN = re.compile(r"^cc8_synctest: (\S+) exited with (-?\d+)$")
DEAD = -0xdead


def expect(name, lines, prog, pairs):
    for what, v in pairs:
        check_line(f"ch8 sync: {name}: {what} -> {v}", lines, says(prog, what, v))


def mutexes(lines):
    expect("mutex", lines, "mutex", (
        ("yielding mutex: updates lost of 1600", 0), ("blocking mutex: updates lost of 1600", 0),
        ("lock a fresh blocking mutex", 0), ("unlock by a thread that does not hold it", -1),
        ("unlock by the holder", 0), ("unlock of a free mutex", -1), ("mutex_create(2)", -1),
        ("mutex_lock(-1)", -1), ("mutex_lock of an id not made yet", -1), ("mutex_unlock(1000)", -1),
        ("mutexes one process can make", 32),
        ("15 threads on a blocking mutex, main exits: the process's exit code", 7),
        ("SIGUSR1 to a process whose threads all wait: 100 x calls failed + handler runs", 1),
        ("SIGKILL to a process whose threads all wait: exit code", -9)))


def semaphores(lines):
    expect("semaphores", lines, "sem", (
        ("semaphore ids in creation order (empty, full, mutex, gun)", 1),
        ("threads that failed", 0), ("items consumed (3 producers x 200)", 600),
        ("items missing, doubled or out of order", 0), ("the buffer over- or underflowed", 0),
        ("bad ids, a negative count and the limit of 32: calls not refused", 0)))


def condvars(lines):
    expect("condvar", lines, "condvar", (
        ("barrier: threads that failed", 0), ("barrier: rounds completed by all 5", 20),
        ("barrier: times a thread passed before all had arrived", 0),
        ("a signal nobody waited for is lost: times the later wait returned", 1),
        ("Mesa: the condition was false again, so the wait returned", 2),
        ("bad ids, an unheld mutex and the limit of 32: calls not refused", 0)))


def philosophers(lines):
    expect("philosophers", lines, "phil", (
        ("philosophers that failed to take a fork", 0), ("meals eaten (5 philosophers, 30 each)", 150),
        ("times a neighbour was eating too", 0)))


def deadlock(lines):
    expect("deadlock", lines, "deadlock", (
        ("enable_deadlock_detect: 2 and -1 refused, 1 and 0 accepted", 1),
        ("detection off: a wait for a held mutex blocks, then mutex_lock returns", 0),
        ("safe cases (3 threads on 2 units, a gate): requests refused", 0)))
    self_lines = [says("deadlock", f"{k}: lock a mutex one holds", DEAD) for k in ("yielding", "blocking")]
    check("ch8 sync: deadlock: locking a mutex one holds gets -0xdead (blocking and yielding)",
          all(l in lines for l in self_lines), "missing", lines, want=self_lines)
    ab = [says("deadlock", "AB-BA: second locks refused with -0xdead", 1),
          says("deadlock", "AB-BA: second locks granted", 1)]
    check("ch8 sync: deadlock: AB-BA: exactly one of the two second locks gets -0xdead",
          all(l in lines for l in ab), "missing", lines, want=ab)
    three = says("deadlock", "a cycle of three semaphores: downs refused with -0xdead", 1)
    check("ch8 sync: deadlock: a cycle of three semaphores: exactly one down gets -0xdead",
          three in lines, "missing", lines, want=three)
    mixed = [says("deadlock", "a mutex-semaphore cycle: the first request", 0),
             says("deadlock", "a mutex-semaphore cycle: the second request", DEAD)]
    check("ch8 sync: deadlock: a mutex-semaphore cycle: the second request gets -0xdead",
          all(l in lines for l in mixed), "missing", lines, want=mixed)
    order = says("deadlock", "ordering: a down on a semaphore no thread holds a unit of", DEAD)
    check("ch8 sync: deadlock: ordering: a down on a semaphore no thread holds a unit of gets -0xdead",
          order in lines, "missing", lines, want=order)


def book_programs():
    code, lines = run_tree(D, "ch8 sync: the book's programs", INIT="ch8_sync_run")
    got = {m.group(1): int(m.group(2)) for l in lines if (m := RAN.match(l))}
    for name in ("ch8_mutex", "ch8_sem", "ch8_condvar", "ch8_phil", "ch8_deadlock"):
        check(f"ch8 sync: {name} exits 0 (all its checks hold)", got.get(name) == 0,
              f"got {got.get(name)}", lines, want=f"sync_run: {name}")
    mutexes(lines)
    semaphores(lines)
    condvars(lines)
    philosophers(lines)
    deadlock(lines)
    check_line("ch8 sync: ch8_sync_run reaches its end", lines, "sync_run: all done")
    check("ch8 sync: the run ends with QEMU's status 0", code == 0, f"status {code}", lines)
    leak_checks("ch8 sync: the book's programs", lines)


CC = ("cc8_synctest", "cc8_mut_race", "cc8_spin_mut_race", "cc8_mpsc_sem", "cc8_condvar",
      "cc8_phi_din", "cc8_mut1_deadlock", "cc8_sem1_deadlock", "cc8_sem2_deadlock")


def c_course_style():
    """The C course's chapter 8 synchronization tests as our own programs in
    its conventions, linked at 0x1000 and passed with APPS=."""
    with c_course_apps("ch8 sync C-course style", CC) as apps:
        if not apps:
            return
        code, lines = run_tree(D, "ch8 sync: C-course style", APPS=apps, INIT="cc8_synctest")
    ran = {m.group(1).rstrip("\0"): int(m.group(2)) for l in lines if (m := CC_RAN.match(l))}
    oks = {"cc8_mut_race": ("ch8b_mut_race", "race adder blocking mutex passed!"),
           "cc8_spin_mut_race": ("ch8b_spin_mut_race", "race adder spinning mutex passed!"),
           "cc8_mpsc_sem": ("ch8b_mpsc_sem", "mpsc_sem passed!"),
           "cc8_condvar": ("ch8b_test_condvar", "test_condvar passed!"),
           "cc8_phi_din": ("ch8b_mut_phi_din", "philosopher dining problem with mutex passed!"),
           "cc8_mut1_deadlock": ("ch8_mut1_deadlock", "deadlock test mutex 1 OK!"),
           "cc8_sem1_deadlock": ("ch8_sem1_deadlock", "deadlock test semaphore 1 OK!"),
           "cc8_sem2_deadlock": ("ch8_sem2_deadlock", "deadlock test semaphore 2 OK!")}
    for name, (course, ok) in oks.items():
        check(f"ch8 sync: C-course style: {course} passes", ok in lines and ran.get(name) == 0,
              f"exit code {ran.get(name)}", lines, want=[ok, f"cc8_synctest: {name}"])
    details(lines)
    check("ch8 sync: C-course style: the run ends with exit code 0", code == 0, f"status {code}", lines)
    leak_checks("ch8 sync: C-course style", lines)


def details(lines):
    """What the C course's programs print besides their verdicts."""
    codes = [int(m.group(1)) for l in lines if (m := re.match(r"^thread (\d+) return with code -?\d+$", l))]
    check("ch8 sync: C-course style: ch8b_mut_race prints an exit code for each of tids 1-15",
          sorted(codes) == list(range(1, 16)), f"tids {codes}", lines, want="return with code")
    text = "\n".join(lines)
    for p in range(4):
        check(f"ch8 sync: C-course style: ch8b_mpsc_sem: producer {p} starts and finishes",
              f"producer {p} started task" in text and f"producer {p} finished task" in text,
              "missing", lines, want=f"producer {p}")
    a, b = text.find("consumer started task"), text.find("consumer finished task")
    rest = re.sub(r"producer \d (?:started|finished) task", " ", text[a + 21:b] if 0 <= a < b else "")
    digits = re.findall(r"(?<!\S)([0-3])(?= )", rest)
    counts = [digits.count(str(p)) for p in range(4)]
    check("ch8 sync: C-course style: ch8b_mpsc_sem: the consumer prints 100 items of each producer",
          counts == [100] * 4, f"counts {counts}", lines, want="consumer")
    order = [l for l in lines if l in ("First changed A --> 1", "A is 1, Second can work now")]
    check("ch8 sync: C-course style: ch8b_test_condvar: Second works only after First changed A",
          order == ["First changed A --> 1", "A is 1, Second can work now"], f"{order}", lines,
          want="A is")
    rows = [l for l in lines if re.match(r"^#[0-4]:[-x ]*$", l)]
    check("ch8 sync: C-course style: ch8b_mut_phi_din prints a timeline row for each philosopher",
          len(rows) == 5, f"{len(rows)} rows", lines, want="#")


def main():
    """On a private copy of the tree: the runner runs two suites at once, and
    other chapter 8 suites build out/ch8 with other settings (INIT=, APPS=)."""
    global D
    with private_tree(CH, "ch8-sync-") as D:
        book_programs()
        c_course_style()
    done()


if __name__ == "__main__":
    main()
