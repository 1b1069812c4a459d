#!/usr/bin/env python3
"""Chapter 6 in QEMU: files. The default INIT runs the chapter's file
programs (write and read back, cat, fd rules and shared offsets, a 200 KiB
file, bad input, the exercise's links), then chapters 2-5's programs; a full
disk and the largest file on a smaller disk; persistence across two boots
with FS=; exec of broken program files; an unknown INIT; and the C course's
chapter 6 tests in that course's conventions. Lines are attributed to the
program that prints them (each prints its own name), and exit codes come
from INIT's reports. After every boot the image passes `mkfs IMAGE --check`,
and the kernel's open files, inodes, frames, pids and heap are back to their
values at boot."""

import os
import re
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import c_course_apps, check, check_line, check_order, cut_point, done, leak_checks, run_tree, sh, tree  # noqa: E402

CH = 6
D = tree(CH)
IMG = os.path.join(D, "build", "fs.img")
MKFS = os.path.join(D, "build", "mkfs")
EXITED = re.compile(r"^initproc: (\S+)(?: .*)? \(pid (\d+)\) exited with code (-?\d+)$")
MAX_FILE = (27 + 128 + 128 * 128) * 512


def exits(lines):
    return {m.group(1): int(m.group(3)) for l in lines if (m := EXITED.match(l))}


def run(what, input_text=None, **make_vars):
    """harness.run_tree on out/ch6: (QEMU's exit status, lines); the image
    the run used must pass mkfs --check afterwards."""
    return run_tree(D, f"ch6: {what}", input_text or "", **make_vars)


def free_data_blocks(image):
    """Free blocks of the data area, counted on the host from the image's
    superblock and data bitmap."""
    with open(image, "rb") as f:
        img = f.read()
    _, _, ibb, ib, dbb, nd = struct.unpack_from("<6I", img, 0)
    start = (1 + ibb + ib) * 512
    bits = img[start:start + dbb * 512]
    used = sum(((bits[i // 8] >> (i % 8)) & 1) for i in range(nd))
    return nd - used


def leaks(what, lines):
    leak_checks(f"ch6: {what}", lines, ch=6)


def says(prog, what, value):
    return f"{prog}: {what} -> {value}"


def default_run():
    code, lines = run("the default run")
    got = exits(lines)
    check("ch6: QEMU exits with status 0", code == 0, f"status {code}", lines)
    check_line("ch6: INIT (read from the disk) finishes its plan", lines, "initproc: all steps done")
    leaks("the default run", lines)
    for name in ("ch6_write_read", "ch6_files", "ch6_big", "ch6_bad", "ch6_links"):
        check(f"ch6: {name} runs to its end (exit code 0)", got.get(name) == 0,
              f"got {got.get(name)}", lines, want=f"initproc: {name}")
    write_read(lines)
    cat(lines)
    files(lines)
    bad(lines)
    exercise(lines)
    earlier(lines, got)


def write_read(lines):
    for what, v in (("open a new file for writing: fd", 3), ("write 1500 bytes", 1500),
                    ("read from the write-only fd", -1), ("open it again for reading: fd", 3),
                    ("read 1000", 1000), ("read 600 more", 500), ("read at the end", 0),
                    ("the bytes read back are the bytes written", 1),
                    ("write to the read-only fd", -1), ("close it again", -1)):
        check_line(f"ch6: write_read: {what} -> {v}", lines, says("write_read", what, v))


def cat(lines):
    """ch6_cat prints ch6_notes: 30 lines of 49 letters, and nothing else,
    between INIT's report on ch6_write_read and its report on ch6_cat."""
    start = next((i for i, l in enumerate(lines) if re.match(r"^initproc: ch6_write_read ", l)), None)
    end = next((i for i, l in enumerate(lines) if re.match(r"^initproc: ch6_cat ch6_notes .* code 0$", l)), None)
    body = [l for l in lines[start + 1:end] if not l.startswith("[kernel]")] if start and end else None
    want = ["".join(chr(ord("a") + (i % 50) % 26) for i in range(49))] * 30
    check("ch6: cat prints the file write_read wrote, line for line", body == want,
          f"got {body and body[:3]}...", lines, want="initproc: ch6_cat")


def files(lines):
    for what, v in (("three opens give fds 3, 4, 5 (3 * 100 + 4 * 10 + 5)", 345),
                    ("after closing 4, the next open gets", 4),
                    ("opens until all 16 fds are taken: how many more succeed", 10),
                    ("one more open", -1), ("after closing them all, open gets", 3),
                    ('two opens read at offsets of their own ("0123" "01" "456")', 1),
                    ("O_TRUNC empties the file: a read then gets", 0),
                    ("open of a missing file without O_CREATE", -1),
                    ("parent and child write through one offset after fork", 1),
                    ("fd 2 is the console: write", 19), ("write to fd 0", -1), ("read from fd 1", -1)):
        check_line(f"ch6: files: {what} -> {v}", lines, says("files", what, v))
    check_line("ch6: files: fd 2 prints on the console", lines, "files: fd 2 prints")
    for what, v in (("bytes written", 204800), ("bytes read back", 204800), ("bytes that differ", 0)):
        check_line(f"ch6: a 200 KiB file through the double-indirect block: {what} {v}", lines,
                   says("big", what, v))


def bad(lines):
    refused = ["open with flags 3 (both access bits)", "open with flags 0x800", "open with flags -1",
               "open of a NULL path", "open of a path at address 16",
               "open of a path at a kernel address", "open of an empty name",
               'open of the name "/"', "open of a 28-byte name",
               "the 28-byte name was not cut to 27: opening it still fails", "read into NULL",
               "read into a kernel address", "read into the program's own code",
               "write from a kernel address", "write of an absurd length", "read from fd 16",
               "read from fd -1", "write to fd 9, never opened", "close of fd 99",
               "close of fd 3, already closed", "fstat of fd 99"]
    for what in refused:
        check_line(f"ch6: bad input gets -1: {what}", lines, says("bad", what, -1))
    check_line("ch6: a 27-byte name works", lines, says("bad", "open of a 27-byte name works", 1))
    check_line("ch6: failed reads leave the offset alone: a good read gets 8", lines,
               says("bad", "after all that, a good read still gets", 8))


def exercise(lines):
    L = "links"
    check("ch6 exercise: fstat gives the inode number, mode FILE and nlink",
          says(L, "fstat of a new file: mode FILE, nlink", 1) in lines and
          says(L, "nlink after the link", 2) in lines and
          says(L, "both names have one inode number", 1) in lines, "missing", lines, want="links: ")
    check("ch6 exercise: link gives a second name; both read the same bytes",
          says(L, "link links_a to links_b", 0) in lines and
          says(L, "links_b reads the bytes written through links_a", 1) in lines,
          "missing", lines, want="links: link")
    check("ch6 exercise: linking to an existing name, to itself, or from a missing one is refused",
          all(says(L, w, -1) in lines for w in ("link to a name that exists", "link a name to itself",
                                                 "link from a missing name")),
          "missing", lines, want="links: link")
    check("ch6 exercise: unlink removes the name; the file is freed and its blocks come back",
          says(L, "unlink links_a", 0) in lines and says(L, "open links_a after the unlink", -1) in lines
          and says(L, "nlink of links_b now", 1) in lines and
          says(L, "unlink of a missing name", -1) in lines, "missing", lines, want="links: unlink")
    check("ch6 exercise: a file unlinked while open stays readable until close",
          says(L, "unlink links_b while it is open", 0) in lines and
          says(L, "open links_b after the unlink", -1) in lines and
          says(L, "the open fd still reads all 3000 bytes, as written", 1) in lines,
          "missing", lines, want="links: ")


def earlier(lines, got):
    """Chapters 2-5's programs, read from the disk now: their exit codes as
    INIT reports them, and a few of their own lines."""
    killed = ["ch2_02_store_null", "ch2_03_sret", "ch2_04_csr", "ch2_05_illegal", "ch2_08_counters",
              "ch4_00_kernel_load", "ch4_01_kernel_store", "ch4_02_stack_overflow",
              "ch4_07_mmap_readonly", "ch4_08_after_munmap"]
    zero = ["ch2_00_hello", "ch2_07_bad_syscall", "ch2_09_fp_dirty",
            "ch2_10_fp_clean", "ch3_00_yield_a", "ch3_01_yield_b", "ch3_02_yield_c", "ch3_03_cpu_a",
            "ch3_04_cpu_b", "ch3_05_cpu_c", "ch3_06_sleep", "ch3_07_hog", "ch3_08_quick",
            "ch3_09_trace", "ch3_10_fp_a", "ch3_11_fp_b", "ch3_12_fp_c", "ch4_03_same_va_a",
            "ch4_04_same_va_b", "ch4_05_mmap", "ch4_06_sbrk", "ch4_09_cross_page", "ch4_10_pointers",
            "ch5_fork_tree", "ch5_fork_copy", "ch5_wait", "ch5_exec_fail", "ch5_fork_bomb",
            "ch5_spawn", "ch5_stride"]
    for name in killed:
        check(f"ch6: {name} is killed: INIT sees exit code -1", got.get(name) == -1,
              f"got {got.get(name)}", lines, want=f"initproc: {name}")
    for name in zero:
        check(f"ch6: {name} runs to its end (exit code 0)", got.get(name) == 0,
              f"got {got.get(name)}", lines, want=f"initproc: {name}")
    check("ch6: ch2_06_bad_write: write refuses all five bad calls (exit code 5)",
          got.get("ch2_06_bad_write") == 5, f"got {got.get('ch2_06_bad_write')}", lines,
          want="initproc: ch2_06_bad_write")
    check("ch6: ch5_args gets its arguments from exec of a file (exit code 4)",
          got.get("ch5_args") == 4 and 'args: argv[3] = "ccc"' in lines, f"got {got.get('ch5_args')}",
          lines, want="args:")
    for l in ("fork_tree: 15 processes in a tree of depth 4", "spawn: its exit code (argc) = 1",
              "exec_fail: unknown name -> -1", "bad_write: bad fd -> -1", "trace: write count 8",
              "stride: shares within 30% of each other: yes"):
        check_line(f"ch6: earlier program line '{l}'", lines, l)


def apps_dir(names, extra=None):
    """A temporary APPS directory holding the named programs of the book."""
    tmp = tempfile.mkdtemp(prefix="ch6-apps-")
    for n in names:
        shutil.copy(os.path.join(D, "build", "apps", f"{n}.elf"), os.path.join(tmp, n))
    for n, data in (extra or {}).items():
        with open(os.path.join(tmp, n), "wb") as f:
            f.write(data)
    return tmp


def full_disk():
    tmp = apps_dir(["ch6_full"])
    try:
        code, lines = run("a full disk", APPS=tmp, INIT="ch6_full", FS_SIZE="10M")
    finally:
        shutil.rmtree(tmp)
    F = "full"
    check_line(f"ch6: a file stops at the largest size, {MAX_FILE} bytes", lines,
               says(F, "full_a stops at the largest file size, bytes", MAX_FILE))
    check_line("ch6: a write past the largest size gets -1", lines, says(F, "one more write to full_a", -1))
    check_line("ch6: a full disk: the write that fills it keeps what fitted", lines,
               says(F, "full_b got bytes until the disk was full (more than 0)", 1))
    check_line("ch6: a write on a full disk gets -1", lines, says(F, "a write on the full disk", -1))
    check_line("ch6: every byte a write counted is in the file", lines,
               says(F, "reading full_b gets as many bytes as the writes counted", 1))
    check_line("ch6: a full disk harms no other file", lines, says(F, "full_keep reads back unchanged", 1))
    check("ch6 exercise: unlinking the big files gives their space back",
          says(F, "unlink full_a", 0) in lines and says(F, "a new 64 KiB file fits again", 1) in lines,
          "missing", lines, want="full: ")
    leaks("a full disk", lines)


def persistence():
    sh("make -s all && make -s build/fs.img", cwd=D)
    tmp = tempfile.mkdtemp(prefix="ch6-fs-")
    img = os.path.join(tmp, "disk.img")
    try:
        shutil.copy(IMG, img)
        code1, l1 = run("persistence, first boot", FS=img, INIT="ch6_persist_write")
        c, listing = sh(f"{MKFS} {img} --ls")
        code2, l2 = run("persistence, second boot", FS=img, INIT="ch6_persist_read")
    finally:
        shutil.rmtree(tmp)
    check("ch6: persistence: the first boot writes two files and exits 0",
          code1 == 0 and says("persist_write", "write 5000 bytes to persist_data", 5000) in l1,
          f"status {code1}", l1, want="persist_write")
    check("ch6: persistence: the image holds the files after the first boot (mkfs --ls)",
          re.search(r"\b5000 persist_data$", listing, re.M) and re.search(r"\b23 persist_note$", listing, re.M),
          "missing", listing.splitlines())
    for what, v in (("persist_data: bytes read", 5000), ("persist_data: bytes that differ", 0),
                    ("persist_note: bytes read", 23)):
        check_line(f"ch6: persistence: the second boot reads back {what} {v}", l2,
                   says("persist_read", what, v))
    check_line("ch6: persistence: the note left by the first boot", l2,
               "persist_read: persist_note says: left by the first boot")
    check("ch6: persistence: the second boot exits 0", code2 == 0, f"status {code2}", l2)


def shell_and_broken():
    """The shell reads its commands from fd 0 (the console file) and runs
    programs from the disk; a file that is no ELF and a cut ELF are refused."""
    with open(os.path.join(D, "build", "apps", "ch5_args.elf"), "rb") as f:
        elf = f.read()
    tmp = apps_dir(["sh", "ch5_args", "ch6_cat"],
                   {"garbage": b"this is not an ELF file\n" * 40, "cut": elf[:cut_point(elf)]})
    try:
        code, lines = run("the shell", "garbage\ncut\nch6_cat nothing_here\nch5_args fine\nexit\n",
                          APPS=tmp, INIT="sh")
    finally:
        shutil.rmtree(tmp)
    check("ch6: exec of a file that is no ELF fails; the shell goes on",
          "sh: cannot run garbage" in lines, "missing", lines, want="garbage")
    check("ch6: exec of a cut-off ELF file fails; the shell goes on", "sh: cannot run cut" in lines,
          "missing", lines, want="cut")
    check_line("ch6: cat of a missing file says so", lines, "cat: cannot open nothing_here")
    check("ch6: after that, a program runs from the disk and the run ends cleanly",
          'args: argv[1] = "fine"' in lines and code == 0, f"status {code}", lines, want="fine")
    leaks("the shell", lines)


def unknown_init():
    code, out = sh("make -s run INIT=no_such_program", cwd=D)
    check("ch6: an unknown INIT stops make run before the image is packed",
          code != 0 and "INIT=no_such_program names no program" in out, f"status {code}",
          out.splitlines(), want="INIT=")


C_COURSE = ("cc6_usertest", "cc6_file0", "cc6_file1", "cc6_file2", "cc6_file3", "cc6_filetest_simple",
            "cc6_cat", "cc5_exec", "cc5_args", "cc5_ppid")


def c_course_style():
    """The C course's chapter 6 tests, as our own programs in its conventions
    (tests/lib/crs6.h on crs5.h), linked at 0x1000 and passed with APPS=."""
    with c_course_apps("ch6 C-course style", C_COURSE) as apps:
        if not apps:
            return
        code, lines = run("C-course style", APPS=apps, INIT="cc6_usertest")
        # ch6_file3 alone on a fresh image: the free blocks come back.
        sh(f"make -s build/fs.img APPS={apps} INIT=cc6_file3", cwd=D)
        before = free_data_blocks(IMG)
        img = os.path.join(os.path.dirname(apps), "file3.img")
        shutil.copy(IMG, img)
        code3, l3 = run("C-course style, cc6_file3 alone", APPS=apps, INIT="cc6_file3", FS=img)
        after = free_data_blocks(img)
    for name in C_COURSE[1:8]:
        check_line(f"ch6 C-course style: {name} is run by fork and exec(name, NULL) and exits 0", lines,
                   f"cc6_usertest: {name} exited with 0")
    check_line("ch6 C-course style: ch6_file0: write, then read back the same bytes", lines,
               "cc6_file0: wrote 13, read back 13, the same bytes: yes")
    check_line("ch6 C-course style: ch6_file1: fstat of a new file gives mode FILE and nlink 1", lines,
               "cc6_file1: fstat -> 0, mode FILE: yes, nlink = 1")
    check_line("ch6 C-course style: ch6_file2: three links make nlink 4, unlinking the original leaves 3, "
               "reading through a link works, unlinking two more leaves 1", lines,
               "cc6_file2: links -> 0, nlink 4, one inode: yes, unlink -> 0, nlink 3, "
               "read through a link: yes, nlink 1")
    check_line("ch6 C-course style: ch6_file3: ten 147 KB files written and unlinked", lines,
               "cc6_file3: 10 files of 145000 bytes written and unlinked, failures: 0, gone: yes")
    check_line("ch6 C-course style: filetest_simple reads back what it wrote", lines,
               "cc6_filetest_simple: read back 14 bytes, as written: yes")
    check_order("ch6 C-course style: cat prints filea", lines,
                [r"^cc6_usertest: cc6_filetest_simple exited with 0$", r"^Hello, world!$",
                 r"^cc6_usertest: cc6_cat exited with 0$"])
    check("ch6 C-course style: exec from the disk with argv NULL and with arguments (cc5_exec)",
          any(re.match(r"^cc5_exec: argv of 3: child \d+, exit code 43$", l) for l in lines) and
          "cc5_exec: an unknown name -> -1, and the caller goes on" in lines, "missing", lines,
          want="cc5_exec:")
    check("ch6 C-course style: ch6_file3: ten files of 147 KB created and unlinked leave the free "
          "block count as it was", code3 == 0 and before == after and
          "cc6_file3: 10 files of 145000 bytes written and unlinked, failures: 0, gone: yes" in l3,
          f"status {code3}, free data blocks {before} before, {after} after", l3, want="cc6_file3")
    leaks("C-course style", lines)


def main():
    default_run()
    full_disk()
    persistence()
    shell_and_broken()
    unknown_init()
    c_course_style()
    done()


if __name__ == "__main__":
    main()
