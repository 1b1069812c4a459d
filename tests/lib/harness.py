"""Small helpers shared by the test suites: checks, builds and QEMU boots."""

import contextlib
import difflib
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# In the book, chapter n's tree is out/chn. A snapshot (tangle/snapshot.py)
# is one chapter's tree with its tests inside it: there the tree is ROOT and
# the book (chapters/) is absent, so tests of the tangling pipeline skip.
BOOK = os.path.isdir(os.path.join(ROOT, "chapters"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")
failures = 0


def exercise_checks():
    """A lab snapshot lists, in tests/exercises.txt, the checks that fail
    until its exercises are done: `check name<TAB>which exercise`."""
    try:
        with open(os.path.join(ROOT, "tests", "exercises.txt"), encoding="utf-8") as f:
            return dict(l.rstrip("\n").split("\t", 1) for l in f if "\t" in l)
    except FileNotFoundError:
        return {}


EXERCISES = exercise_checks()


def check(name, ok, detail="", context=None, want=None, at=None, expected=None, printed=None):
    """Print PASS/FAIL for one check. On failure print detail, then the part
    of `context` (the kernel's output lines) that matters: the lines that
    match `want`, or where a line like it would have been; the lines at the
    indexes `at`; or, with neither, the last lines. See excerpt().
    `expected` (the line the check wanted) and `printed` (what the kernel
    printed in its place, or None) are shown on lines of their own, which
    the grader (tests/lib/grade.py) reads."""
    global failures
    if ok:
        print(f"PASS {name}")
    else:
        failures += 1
        if name in EXERCISES:
            detail = f"needs {EXERCISES[name]}; {detail}"
        print(f"FAIL {name}: {detail}")
        if expected is not None:
            print(f"     expected: {expected}")
            shown = "(no such line)" if printed is None else printed or "(an empty line)"
            print(f"     printed:  {shown}")
        if context:
            for line in excerpt(context, want, at):
                print(f"     {line}")
    sys.stdout.flush()
    return ok


def nearest(lines, want):
    """The printed line that stands where `want` should: the first one that
    agrees with `want` but for its last word (the value), else None."""
    label = want.rsplit(" ", 1)[0] + " " if " " in want else want
    if ": " not in label or label.endswith(": ") and label.count(": ") == 1:
        return None  # nothing beyond the program's name to go by
    return next((l for l in lines if l.startswith(label)), None)


def check_line(name, lines, want, detail="different or missing"):
    """Check that the exact line `want` was printed; on failure show the
    line printed in its place."""
    ok = want in lines
    return check(name, ok, detail, lines, want=want, expected=want,
                 printed=None if ok else nearest(lines, want))


def _as_list(x):
    return [] if x is None else list(x) if isinstance(x, (list, tuple, set)) else [x]


def _matches(pat, line):
    return pat.search(line) is not None if isinstance(pat, re.Pattern) else pat in line


def _literal(pat):
    """The plain text of a pattern, for likeness: a regex loses its syntax."""
    if not isinstance(pat, re.Pattern):
        return pat
    out, src, i = [], pat.pattern, 0
    while i < len(src):
        c = src[i]
        if c == "\\" and i + 1 < len(src):
            out.append("" if src[i + 1] in "dDsSwWbB" else src[i + 1])
            i += 2
        elif c == "[":  # a character class stands for one character
            i = src.find("]", i + 2) + 1 or len(src)
        else:
            out.append("" if c in "()^$*+?{}|" else c)
            i += 1
    return "".join(out)


def excerpt(lines, want=None, at=None, around=2, most=60, tail=25):
    """The lines of `lines` that a failure report should show, numbered:
      - `want` (a string, found as a substring, or a compiled regex; or a
        list of them): every line that matches, or, for one that matches
        nothing, the two lines most like it: where the expected line would
        have been;
      - `at` (an index or a list): those lines, e.g. the last line a sequence
        matched, after which the next one was expected;
      - neither, or nothing found: the last `tail` lines.
    Each line comes with `around` neighbours; gaps are marked `...`."""
    lines = list(lines)
    picks = [i for i in _as_list(at) if i is not None and 0 <= i < len(lines)]
    notes = []
    for pat in _as_list(want):
        hit = [i for i, l in enumerate(lines) if _matches(pat, l)]
        if hit:
            picks += hit
            continue
        text = _literal(pat)
        score = [(difflib.SequenceMatcher(None, text, l).ratio(), i) for i, l in enumerate(lines)]
        near = sorted((s for s in score if s[0] >= 0.5), reverse=True)[:2]
        shown = pat.pattern if isinstance(pat, re.Pattern) else pat
        notes.append(f"(no line {'matches /' + shown + '/' if isinstance(pat, re.Pattern) else 'has ' + repr(shown)}"
                     f"{'; the most similar lines:' if near else '; no similar line'})")
        picks += [i for _, i in near]
    if not picks:
        start = max(0, len(lines) - tail)
        return notes + [f"{k + 1:5} | {lines[k]}" for k in range(start, len(lines))]
    show = sorted({k for i in picks for k in range(i - around, i + around + 1) if 0 <= k < len(lines)})
    out, prev = list(notes), None
    for k in show[:most]:
        if prev is not None and k != prev + 1:
            out.append("  ... |")
        mark = ">" if k in picks else " "
        out.append(f"{k + 1:5}{mark}| {lines[k]}")
        prev = k
    if len(show) > most:
        out.append(f"  ... | ({len(show) - most} more lines)")
    return out


def done():
    sys.exit(1 if failures else 0)


def log_cost(cmd, start):
    """With COST_LOG=file set, append each command's wall and CPU seconds
    (its children's user + system time) to that file: where a suite's time
    goes."""
    if os.environ.get("COST_LOG"):
        end = os.times()
        cpu = end.children_user + end.children_system - start.children_user - start.children_system
        with open(os.environ["COST_LOG"], "a") as f:
            f.write(f"{end.elapsed - start.elapsed:7.1f} {cpu:7.1f} {sys.argv[0]} {cmd[:150]}\n")


def sh(cmd, cwd=ROOT, timeout=1800, env=None):
    """Run a shell command; return (status, combined output)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    # In a process group of its own: on a timeout every process it started
    # (make, QEMU) is stopped, not only the shell, whose children would
    # otherwise hold the output pipe open. (The same session: tests/run.py
    # stops a suite's whole session.) A group that is not the terminal's
    # must not read it (it would be stopped): from a terminal, stdin is
    # /dev/null.
    p = subprocess.Popen(cmd, shell=True, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL if os.isatty(0) else None,
                         text=True, errors="replace", env=e, process_group=0)
    start = os.times()
    try:
        out, err = p.communicate(timeout=timeout)
        log_cost(cmd, start)
        return p.returncode, out + err
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return 124, (out or "") + (err or "") + f"\n[test harness] timed out after {timeout} s"


def tree(ch):
    return os.path.join(ROOT, "out", f"ch{ch}") if BOOK else ROOT


# QEMU counts instructions instead of following the host's clock: one
# instruction is 2^3 ns of virtual time (a 125 MHz hart), and an idle hart
# jumps to its next timer deadline. What the kernel sees of time (ticks,
# preemption points, sleeps) then depends only on the code, not on the
# host's load, so every run prints the same lines in the same order.
ICOUNT = "-icount shift=3,sleep=off,align=off"
QEMU = f"{os.environ.get('QEMU', 'qemu-system-riscv64')} {ICOUNT}"
# A kernel that hangs is stopped by the CPU time its QEMU used (ulimit -t),
# which load does not change; a run needs a few seconds of it. The limit on
# wall-clock time only catches a hang that idles, and is far away.
CPU_SECONDS = 300
WALL_SECONDS = 1800


def boot(ch, timeout=WALL_SECONDS, tree_dir=None, **make_vars):
    """Build and boot chapter ch's kernel with `make run`, QEMU under ICOUNT;
    QEMU must exit by itself. Returns (exit status, output lines without
    colour codes)."""
    d = tree_dir or tree(ch)
    args = " ".join(f"{k}={v}" for k, v in make_vars.items())
    code, out = sh(f"ulimit -t {CPU_SECONDS}; make -s all {args} && make -s run {args} QEMU='{QEMU}'",
                   cwd=d, timeout=timeout)
    lines = [ANSI.sub("", l).rstrip("\r") for l in out.splitlines()]
    return code, lines


def in_order(lines, wanted):
    """Check that each regex in `wanted` matches a line, in order. Returns
    (True, None) or (False, index of the first pattern not found)."""
    ok, k, _ = _in_order(lines, wanted)
    return ok, k


def _in_order(lines, wanted):
    i, last = 0, None
    for k, pat in enumerate(wanted):
        rx = re.compile(pat)
        while i < len(lines) and not rx.search(lines[i]):
            i += 1
        if i == len(lines):
            return False, k, last
        last = i
        i += 1
    return True, None, None


def check_order(name, lines, wanted):
    """A check that the regexes `wanted` match lines in this order. A failure
    names the first one missing and shows where it was expected: after the
    line the one before it matched, and any line it matches out of order."""
    ok, k, last = _in_order(lines, wanted)
    if ok:
        return check(name, True)
    if last is None:
        printed = "(no line of the output matches it)"
    else:
        printed = f"after /{wanted[k - 1]}/: " + \
            (repr(lines[last + 1]) if last + 1 < len(lines) else "(the end of the output)")
    return check(name, False, f"missing, or out of order: /{wanted[k]}/", lines,
                 want=re.compile(wanted[k]), at=last,
                 expected=f"a line matching /{wanted[k]}/", printed=printed)


# ---- Booting a chapter's tree as INIT runs it (chapters 5 on) ----
# Shared by the suites of chapter 8 on; earlier suites keep their own copies.

INIT_EXITED = re.compile(r"^initproc: (\S+)(?: .*)? \(pid (\d+)\) exited with code (-?\d+)$")
MAKE_ERROR = re.compile(r"^make(?:\[\d+\])?: \*\*\* \[Makefile:\d+: run\] Error (\d+)$")


def says(prog, what, value):
    """The line a program's say(prog, what, value) prints."""
    return f"{prog}: {what} -> {value}"


def init_exits(lines):
    """{program: exit code} from the default INIT's 'exited with code' lines."""
    return {m.group(1): int(m.group(3)) for l in lines if (m := INIT_EXITED.match(l))}


@contextlib.contextmanager
def private_tree(ch, prefix):
    """A copy of chapter ch's tree (without its build) in a new temporary
    directory, for a suite that builds with its own APPS=/INIT= while another
    suite uses out/chN. Yields the tree; removed when the block ends."""
    work = tempfile.mkdtemp(prefix=prefix)
    d = os.path.join(work, f"ch{ch}")
    try:
        shutil.copytree(tree(ch), d, ignore=shutil.ignore_patterns("build"))
        yield d
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_tree(d, name, input_text="", **make_vars):
    """make all, then make run in tree d with make_vars, QEMU under icount
    and limited CPU time, the console fed input_text. The disk image the run
    used must pass mkfs --check afterwards (a check named `name`). Returns
    (QEMU's own exit status, or make's when the build failed; lines)."""
    args = " ".join(f"{k}={v}" for k, v in make_vars.items())
    code, out = sh(f"make -s all {args}", cwd=d)
    if code != 0:
        return code, out.splitlines()
    p = subprocess.run(f"ulimit -t {CPU_SECONDS}; make -s run {args} QEMU='{QEMU}'", shell=True,
                       cwd=d, input=input_text, capture_output=True, text=True, errors="replace",
                       timeout=WALL_SECONDS)
    lines = [ANSI.sub("", l).rstrip("\r") for l in (p.stdout + p.stderr).splitlines()]
    image = make_vars.get("FS", os.path.join(d, "build", "fs.img"))
    c, o = sh(f"{os.path.join(d, 'build', 'mkfs')} {image} --check")
    check(f"{name}: the image passes mkfs --check afterwards", c == 0, o.strip(), o.splitlines())
    status = 0 if p.returncode == 0 else \
        next((int(m.group(1)) for l in lines if (m := MAKE_ERROR.match(l))), None)
    return status, lines


def leak_checks(name, lines, ch=8):
    """The kernel's counts at the end against those at boot: free frames,
    pids and heap bytes equal; no open file or in-memory inode left (from
    chapter 6 on), nor pipe (chapter 7 on), nor thread and kernel stack
    (chapter 8 on): each from the chapter on whose kernel counts it."""
    def grab(rx):
        return [tuple(map(int, m.groups())) for l in lines if (m := re.match(rx, l))]
    fr = grab(r"^\[kernel\] free frames (?:before INIT|at the end): (\d+), free pids: (\d+)$")
    hp = grab(r"^\[kernel\] free heap bytes (?:before INIT|at the end): (\d+)$")
    of = grab(r"^\[kernel\] open files at the end: (\d+), inodes in memory: (\d+)$")
    pp = grab(r"^\[kernel\] pipes in use at the end: (\d+)$")
    th = grab(r"^\[kernel\] threads (?:before INIT|at the end): (\d+), kernel stacks mapped: (\d+)$")
    check(f"{name}: frames, pids and heap bytes at the end equal their values at boot",
          len(fr) == 2 and fr[0] == fr[1] and len(hp) == 2 and hp[0] == hp[1],
          f"frames/pids {fr}, heap {hp}", lines, want="[kernel] free")
    if ch >= 7:
        check(f"{name}: no open file, in-memory inode or pipe is left at the end",
              of == [(0, 0)] and pp == [(0,)], f"files/inodes {of}, pipes {pp}", lines, want="[kernel] ")
    else:
        check(f"{name}: no open file and no in-memory inode is left at the end", of == [(0, 0)],
              f"got {of}", lines, want="[kernel] open files")
    if ch >= 8:
        check(f"{name}: no thread and no kernel stack is left at the end (none at boot either)",
              th == [(0, 0), (0, 0)], f"threads/kernel stacks {th}", lines, want="[kernel] threads")


def compile_c_course(names, apps):
    """Build tests/lib/NAME.c for each name as the C course builds its tests
    (its runtime crsN.h, linked at 0x1000) into directory apps, for APPS=.
    Returns the compiler's complaints ('' if none)."""
    lib = os.path.join(ROOT, "tests", "lib")
    errors = ""
    for name in names:
        c, out = sh(f"riscv64-unknown-elf-gcc -O2 -Wall -Werror -march=rv64gc -mabi=lp64d "
                    f"-mcmodel=medany -ffreestanding -nostdlib -fno-builtin "
                    f"-T {lib}/../bench/app.ld -Wl,--defsym=BASE=0x1000 "
                    f"-o {apps}/{name} {lib}/{name}.c")
        errors += out if c else ""
    return errors


@contextlib.contextmanager
def c_course_apps(label, names):
    """A fresh directory of the C-course-style programs `names` (built by
    compile_c_course), for APPS=, removed when the block ends. Yields its
    path, or None if a program did not compile; the check "LABEL: the
    programs compile with their runtime" says which."""
    tmp = tempfile.mkdtemp(prefix="ccourse-")
    try:
        apps = os.path.join(tmp, "apps")
        os.makedirs(apps)
        errors = compile_c_course(names, apps)
        check(f"{label}: the programs compile with their runtime", not errors, "compile errors",
              errors.splitlines())
        yield None if errors else apps
    finally:
        shutil.rmtree(tmp)


def cut_point(elf):
    """An offset in the middle of the first PT_LOAD segment's file bytes."""
    phoff, = struct.unpack_from("<Q", elf, 32)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    for i in range(phnum):
        ptype, _, offset, _, _, filesz = struct.unpack_from("<IIQQQQ", elf, phoff + i * phentsize)
        if ptype == 1 and filesz > 0:
            return offset + filesz // 2
    raise ValueError("no PT_LOAD with file bytes")
