#!/usr/bin/env python3
"""make bench: exact guest-instruction costs of each chapter kernel's paths.

QEMU runs with -icount shift=0,sleep=off,align=off: one instruction is one
nanosecond of virtual time, so rdinstret and rdtime are deterministic and
every figure is the same from run to run. The programs are outside programs
(tests/bench/*.c, their own _start and ecalls) that read instret in user
mode; the kernel is built with BENCH=1 LOG=off (diagnostics compiled out, the
fixed [kernel] lines kept; U-mode counter access through
scounteren; the chapter 4 kernel also times frame and heap pairs at
shutdown). Prints one table and writes out/bench/results.json.

Chapters 2-4 run every program of the APPS dir and end with "All
applications completed!". Chapter 5 on, the kernel starts one program, INIT
(make INIT=name), and ends with "[kernel] init exited with code 0": each
bench program is run as INIT, named "bench". There the yield rows come from
one program that forks k-1 copies of itself (all of them yield in turn, the
parent measures; honest figures for k processes in the ready queue), and the
launch rows are left out: the kernel loads no programs at boot any more
(fork and exec have rows of their own, from proc.c, which execs exit0.c).

usage: bench.py [--quick] [--json PATH] [--trees DIR] [--chapters 2,3,4,5]
  --quick    fewer task counts (the repeatability test)
  --trees    where the chapter trees chN/ are (default out/)
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
QEMU = "qemu-system-riscv64"
ICOUNT = "shift=0,sleep=off,align=off"
BIOS = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
CC = ("riscv64-unknown-elf-gcc -O2 -march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding "
      "-nostdlib -fno-builtin -fno-tree-loop-distribute-patterns -fno-pie -Wall -Werror "
      "-DCOUNTERS")  # BENCH=1 kernels let U-mode read instret
TASKS = (1, 2, 8, 16, 32)
# A hung QEMU is stopped by its CPU time, which load does not change; the
# wall-clock limit only catches one that idles.
HANG_GUARD = "ulimit -t 300; timeout 1800"

# Targets, per chapter: figure -> the most it may cost. Chapter 4: issue 9;
# chapter 5: issue 12.
TARGETS = {
    4: {
        "null_syscall": 150,
        "yield_switch_2": 250,
        "boot_first_instr_128M": 12_300_000,
        "boot_first_instr_1G": 12_300_000,
        "boot_kernel_share_128M": 400_000,
        "boot_kernel_share_1G": 400_000,
    },
    5: {
        "getpid": 180,
        "fork_exit_wait_16k": 40_000,
        "fork_exit_wait_1m": 1_500_000,
        "fork_exec_exit_wait": 100_000,
    },
    6: {
        "write_64k_per_byte": 10,
        "read_64k_per_byte": 4,
    },
    7: {
        "pipe_64k_per_byte": 6,
    },
    8: {
        "mutex_pair_blocking": 420,
        "getpid": 190,
        "thread_create_exit_wait": 15_000,
    },
}
# Issue 12's reference figures (same QEMU 7.2 and OpenSBI 1.1): the C
# course's chapter 5 kernel and xv6-riscv.
REFERENCE5 = {
    "getpid": (353, 1_130),
    "fork_exit_wait_16k": (371_088, 518_935),
    "fork_exit_wait_1m": (12_000_989, 12_238_227),
    "fork_exec_exit_wait": (511_809, 1_574_813),
}
# Issue 13's: the C course's chapter 6 kernel and xv6-riscv (with its log).
REFERENCE6 = {
    "write_64k_per_byte": (17.05, 2_305),
    "read_64k_per_byte": (7.47, 208.6),
}
# Issue 14's: the C course's chapter 7 kernel and xv6-riscv.
REFERENCE7 = {
    "pipe_64k_per_byte": (13.96, 683.2),
}
# Issue 15's: the C course's chapter 8 kernel (no xv6 figure: it has no threads).
REFERENCE8 = {
    "getpid": (408, None),
    "thread_create_exit_wait": (65_677, None),
    "mutex_pair_blocking": (985, None),
}


def sh(cmd, cwd=ROOT, timeout=1800):
    p = subprocess.run(cmd, shell=True, cwd=cwd, capture_output=True, text=True,
                       errors="replace", timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"`{cmd}` failed ({p.returncode}):\n{p.stdout}{p.stderr}")
    return p.stdout + p.stderr


def app_base(ch, slot):
    return 0x80400000 + slot * 0x20000 if ch <= 3 else 0x10000


def compile_app(ch, src, out, slot, defines=""):
    sh(f"{CC} -DCH={ch} {defines} -T {HERE}/app.ld -Wl,--defsym=BASE={app_base(ch, slot):#x} "
       f"-o {out} {HERE}/{src}")


class Tree:
    """A private copy of chapter ch's tree, built with BENCH=1."""

    def __init__(self, ch, src, work):
        self.ch, self.dir = ch, os.path.join(work, f"ch{ch}")
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        shutil.copytree(src, self.dir, ignore=shutil.ignore_patterns("build"))

    def run(self, appdir, mem="128M", init=None):
        """Chapters 2-4: run every program of appdir. Chapter 5 on: run
        program `init` of appdir as INIT, which must exit with 0."""
        # Chapter 6 on, the programs live on a disk image built from appdir.
        disk = " build/fs.img" if self.ch >= 6 else ""
        sh(f"make -s all{disk} BENCH=1 LOG=off APPS={appdir}" + (f" INIT={init}" if init else ""),
           cwd=self.dir)
        cmd = (f"{HANG_GUARD} {QEMU} -machine virt -nographic -bios {BIOS} -m {mem} "
               f"-kernel build/kernel.elf -icount {ICOUNT}")
        if self.ch >= 6:
            cmd += (" -global virtio-mmio.force-legacy=false -drive file=build/fs.img,if=none,"
                    "format=raw,id=x0 -device virtio-blk-device,drive=x0")
        p = subprocess.run(cmd, shell=True, cwd=self.dir, capture_output=True, text=True,
                           errors="replace")
        out = p.stdout + p.stderr
        done = (re.search(r"^\[kernel\] init exited with code 0\s*$", out, re.M) if init
                else "All applications completed!" in out)
        if p.returncode != 0 or not done:
            raise RuntimeError(f"ch{self.ch} run failed ({p.returncode}):\n{out[-3000:]}")
        return out


def parse(out):
    vals = {}
    for m in re.finditer(r"^bench: (\w+) (\d+)\s*$", out, re.M):
        vals[m.group(1)] = int(m.group(2))
    for m in re.finditer(r"^\[bench\] (\d+) ([\w/ ]+?) pairs: (\d+) instructions\s*$", out, re.M):
        vals[re.split(r"[ /]", m.group(2))[0] + "_pair_x100"] = int(m.group(3)) * 100 // int(m.group(1))
    return vals


def sbi_entry(work, mem):
    elf = os.path.join(work, "sbi_probe.elf")
    if not os.path.exists(elf):
        sh(f"{CC} -T {HERE}/app.ld -Wl,--defsym=BASE=0x80200000 -o {elf} {HERE}/sbi_probe.c")
    out = sh(f"{HANG_GUARD} {QEMU} -machine virt -nographic -bios {BIOS} -m {mem} -kernel {elf} "
             f"-icount {ICOUNT}")
    return parse(out)["sbi_entry"]


def apps(work, name):
    d = os.path.join(work, "apps", name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    return d


def run_one(t, work, src, name, mem="128M", defines=""):
    """Run the single program src on tree t: the only app, named name
    (chapters 2-4), or INIT (chapter 5 on), always named "bench": INIT is a
    compiler flag, and one name for all keeps the kernel from being rebuilt
    for each program."""
    d = apps(work, f"ch{t.ch}-{name}")
    init = "bench" if t.ch >= 5 else None
    compile_app(t.ch, src, f"{d}/{init or name}", 0, defines)
    return parse(t.run(d, mem=mem, init=init))


def bench_chapter(ch, src, work, tasks, sbi):
    t = Tree(ch, src, work)
    r = {}
    # Single-task figures.
    v = run_one(t, work, "sys.c", "a_sys")
    for k in ("null_syscall", "getpid", "write_1byte", "mmap_touch_munmap", "timer_interrupt",
              "frame_pair_x100", "kmalloc_pair_x100"):
        if k in v:
            r[k.replace("_x100", "")] = v[k] / 100 if k.endswith("_x100") else v[k]
    # Boot: reset to the first user instruction, and the kernel's share of it.
    for mem in ("128M", "1G"):
        v = run_one(t, work, "boot.c", "a_boot", mem=mem)
        r[f"boot_first_instr_{mem}"] = v["first_instr"]
        r[f"boot_kernel_share_{mem}"] = v["first_instr"] - sbi[mem]
    if ch < 3:
        return r
    if ch >= 5:
        # Yield between one program and its k-1 forked copies.
        for k in tasks:
            v = run_one(t, work, "yield.c", f"yield{k}", defines=f"-DIDX=0 -DNT={k}")
            r[f"yield_switch_{k}" if k > 1 else "yield_alone"] = v["yield_x100"] / 100
        # fork, exec, exit and waitpid: proc.c is INIT and execs exit0.
        d = apps(work, f"ch{ch}-proc")
        compile_app(ch, "proc.c", f"{d}/bench", 0)
        compile_app(ch, "exit0.c", f"{d}/exit0", 0)
        v = parse(t.run(d, init="bench"))
        for k in ("fork_exit_wait_16k", "fork_exec_exit_wait", "fork_exit_wait_1m"):
            r[k] = v[k]
        if ch >= 6:
            # The file calls; the disk's waiting is left out (fs.c).
            v = run_one(t, work, "fs.c", "a_fs")
            r["write_64k_per_byte"] = v["write_64k_per_byte_x100"] / 100
            r["read_64k_per_byte"] = v["read_64k_per_byte_x100"] / 100
            r["open_close"] = v["open_close"]
        if ch >= 7:
            # 64 KiB from one process to another through a pipe (pipe.c).
            v = run_one(t, work, "pipe.c", "a_pipe")
            r["pipe_64k_per_byte"] = v["pipe_64k_per_byte_x100"] / 100
            # A signal sent to oneself, handled, and returned from (signal.c).
            v = run_one(t, work, "signal.c", "a_signal")
            r["signal_round_trip"] = v["signal_round_trip"]
            r["signal_kill_ignored"] = v["signal_kill_ignored"]
        if ch >= 8:
            # Uncontended mutex and semaphore pairs (sync.c).
            v = run_one(t, work, "sync.c", "a_sync")
            for k in ("mutex_pair_blocking", "mutex_pair_yielding", "sem_pair"):
                r[k] = v[k]
            # thread_create + the thread's exit + waittid (thread.c).
            v = run_one(t, work, "thread.c", "a_thread")
            r["thread_create_exit_wait"] = v["thread_create_exit_wait"]
        return r
    # Yield between k tasks; launch cost as the task count grows.
    first = {}
    for k in tasks:
        d = apps(work, f"ch{ch}-yield{k}")
        for i in range(k):
            compile_app(ch, "yield.c", f"{d}/y{i:02d}", i, f"-DIDX={i} -DNT={k}")
        v = parse(t.run(d))
        r[f"yield_switch_{k}" if k > 1 else "yield_alone"] = v["yield_x100"] / 100
        first[k] = v["y0_first_instr"]
        if k == 2:
            r["first_dispatch"] = v["y1_first_instr"] - v["y0_before_yield"]
    for k in tasks:
        if k > 1:
            r[f"launch_{k}"] = (first[k] - first[1]) // (k - 1) + r["first_dispatch"]
    return r


ROWS = [
    ("null_syscall", "null syscall round trip U->S->U (trace, bad request)"),
    ("getpid", "getpid round trip"),
    ("write_1byte", "write of 1 byte"),
    ("yield_alone", "yield, only task (no switch)"),
    ("yield_switch_2", "yield: one full switch, 2 tasks"),
    ("yield_switch_8", "yield: one full switch, 8 tasks"),
    ("yield_switch_16", "yield: one full switch, 16 tasks"),
    ("yield_switch_32", "yield: one full switch, 32 tasks"),
    ("timer_interrupt", "timer-interrupt path (no switch)"),
    ("boot_first_instr_128M", "reset -> first user instruction, -m 128M"),
    ("boot_kernel_share_128M", "  of which the kernel's (after OpenSBI), 128M"),
    ("boot_first_instr_1G", "reset -> first user instruction, -m 1G"),
    ("boot_kernel_share_1G", "  of which the kernel's (after OpenSBI), 1G"),
    ("first_dispatch", "first dispatch: yield -> new task's first instr"),
    ("launch_2", "app launch (load + first dispatch), 2 tasks"),
    ("launch_8", "app launch per app, 8 tasks"),
    ("launch_16", "app launch per app, 16 tasks"),
    ("launch_32", "app launch per app, 32 tasks"),
    ("mmap_touch_munmap", "mmap + touch + munmap of one page"),
    ("frame_pair", "frame alloc/free pair (kernel)"),
    ("kmalloc_pair", "kmalloc(64)/kfree pair (kernel)"),
    ("fork_exit_wait_16k", "fork + exit + waitpid, 16 KiB process"),
    ("fork_exit_wait_1m", "  the same after touching 1 MiB of heap"),
    ("fork_exec_exit_wait", "fork + exec + exit + waitpid"),
    ("write_64k_per_byte", "new 64 KiB file, 512-byte writes, per byte"),
    ("read_64k_per_byte", "read it back, 512-byte reads, per byte"),
    ("open_close", "open + close of an existing file"),
    ("pipe_64k_per_byte", "64 KiB through a pipe, 512-byte writes/reads, per byte"),
    ("signal_round_trip", "signal to oneself: kill + handler + sigreturn"),
    ("signal_kill_ignored", "  kill alone (an ignored signal)"),
    ("mutex_pair_blocking", "mutex_lock + mutex_unlock, blocking, uncontended"),
    ("mutex_pair_yielding", "  the same, yielding (\"spinning\") mutex"),
    ("sem_pair", "semaphore_down + semaphore_up, uncontended"),
    ("thread_create_exit_wait", "thread_create + exit + waittid"),
]


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.2f}"
    return f"{int(v):,}"


def table(res, chs):
    w = max(len(d) for _, d in ROWS)
    head = f"{'guest instructions':{w}}" + "".join(f"{'ch' + str(c):>13}" for c in chs)
    head += f"{'target':>20}"
    lines = [head, "-" * len(head)]
    for key, desc in ROWS:
        cells = [res.get(str(c), {}).get(key) for c in chs]
        if all(x is None for x in cells):
            continue
        tgt = next((f"ch{c} <= {fmt(t[key])}" for c, t in TARGETS.items() if key in t), "")
        row = f"{desc:{w}}" + "".join(f"{fmt(x):>13}" for x in cells)
        row += f"{tgt:>20}"
        lines.append(row)
    return "\n".join(lines)


def verdicts(ch, r):
    """The issues' targets on chapter ch's kernel: (figure, ok, text)."""
    out = []
    for key, lim in TARGETS.get(ch, {}).items():
        v = r.get(key)
        if v is not None:
            refs = {5: REFERENCE5, 6: REFERENCE6, 7: REFERENCE7, 8: REFERENCE8}.get(ch, {})
            ref = (f"; C course {fmt(refs[key][0])}" + (f", xv6 {fmt(refs[key][1])}"
                   if refs[key][1] is not None else "") if key in refs else "")
            out.append((key, v <= lim, f"ch{ch} {key} = {fmt(v)} (target <= {fmt(lim)}{ref})"))
    y2, y32 = r.get("yield_switch_2"), r.get("yield_switch_32")
    if ch == 4 and y2 and y32:
        out.append(("yield_switch_32", abs(y32 - y2) <= 0.1 * y2,
                    f"ch4 yield_switch_32 = {fmt(y32)} (target within 10% of {fmt(y2)})"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", default=os.path.join(ROOT, "out", "bench", "results.json"))
    ap.add_argument("--trees", default=os.path.join(ROOT, "out"))
    ap.add_argument("--work", default=os.path.join(ROOT, "out", "bench", "work"))
    ap.add_argument("--chapters", default="")
    a = ap.parse_args()
    a.work, a.trees = os.path.abspath(a.work), os.path.abspath(a.trees)
    chs = [int(c) for c in a.chapters.split(",") if c] or sorted(
        int(n[2:]) for n in os.listdir(a.trees)
        if re.fullmatch(r"ch\d+", n) and int(n[2:]) >= 2)
    tasks = (1, 2, 32) if a.quick else TASKS
    os.makedirs(a.work, exist_ok=True)
    sbi = {m: sbi_entry(a.work, m) for m in ("128M", "1G")}
    res = {}
    for ch in chs:
        res[str(ch)] = bench_chapter(ch, os.path.join(a.trees, f"ch{ch}"), a.work, tasks, sbi)
        res[str(ch)]["opensbi_128M"], res[str(ch)]["opensbi_1G"] = sbi["128M"], sbi["1G"]
    qv = sh(f"{QEMU} --version").splitlines()[0]
    print(f"make bench: {qv}, -icount {ICOUNT}; user-loop figures include the loop "
          f"(about 7 instructions); OpenSBI alone: {fmt(sbi['128M'])} (128M), {fmt(sbi['1G'])} (1G)")
    print(table(res, chs))
    for ch in chs:
        for _, ok, text in verdicts(ch, res[str(ch)]):
            print(("target met:     " if ok else "TARGET NOT MET: ") + text)
    os.makedirs(os.path.dirname(a.json), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump({"qemu": qv, "icount": ICOUNT, "chapters": res}, f, indent=1, sort_keys=True)
    print(f"wrote {os.path.relpath(a.json, ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        print(f"bench: {e}", file=sys.stderr)
        sys.exit(1)
