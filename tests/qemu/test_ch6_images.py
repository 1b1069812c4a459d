#!/usr/bin/env python3
"""Chapter 6 in QEMU: damaged disk images (SPEC: a malformed image never
crashes the kernel; it refuses to mount with a [kernel] line and a non-zero
exit, or the call that meets the bad structure returns -1).

The image holds the book's shell and two small programs. Each case damages
one structure of a fresh copy, written on the host from the layout in
kernel/fs.h: the superblock's magic, its sizes, a program's inode, its
directory entry (the last one), the data bitmap. The shell (INIT) then runs the
damaged program and a healthy one from a script: the damaged one must fail
(the shell says it cannot run it, a line the shell prints, not the kernel),
the healthy one must still print its own line, and the run must end with
QEMU's status 0 and no panic. The suite works on a private copy of the
chapter's tree, so it can run beside test_ch6.py."""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import ANSI, QEMU, CPU_SECONDS, check, done, sh, tree  # noqa: E402

BSIZE = 512
INODE = 128
HELLO = "Hello, world from user mode!"  # what ch2_00_hello prints
ARGS = 'args: argv[1] = "fine"'         # what ch5_args prints for `ch5_args fine`


def superblock(img):
    _magic, n, ibb, ib, dbb, nd = struct.unpack_from("<6I", img, 0)
    return n, ibb, ib, dbb, nd


def inode_at(img, inum):
    _, ibb, _, _, _ = superblock(img)
    return (1 + ibb) * BSIZE + inum * INODE


def root_entries(img):
    """(offset, name, inum) of every used entry of the root directory,
    inode 0, reading its direct blocks only (enough for this image)."""
    off = inode_at(img, 0)
    size = struct.unpack_from("<I", img, off)[0]
    direct = struct.unpack_from("<27I", img, off + 8)
    out = []
    for i in range((size + BSIZE - 1) // BSIZE):
        base = direct[i] * BSIZE
        for e in range(BSIZE // 32):
            at = base + e * 32
            if i * BSIZE + e * 32 >= size:
                break
            name = img[at:at + 28].split(b"\0")[0].decode()
            if name:
                out.append((at, name, struct.unpack_from("<I", img, at + 28)[0]))
    return out


def entry(img, name):
    return next(e for e in root_entries(img) if e[1] == name)


def bad_magic(img):
    struct.pack_into("<I", img, 0, 0x12345678)


def too_many_blocks(img):
    struct.pack_into("<I", img, 4, 0x7fffffff)  # more blocks than the disk holds


def bad_block_number(img):
    _, _, inum = entry(img, "ch2_00_hello")
    struct.pack_into("<I", img, inode_at(img, inum) + 8, 0xfffffff0)  # direct[0]


def bad_size(img):
    _, _, inum = entry(img, "ch2_00_hello")
    struct.pack_into("<I", img, inode_at(img, inum), 0xffffffff)  # past the largest file


def bad_inode_number(img):
    at, _, _ = entry(img, "ch2_00_hello")
    struct.pack_into("<I", img, at + 28, 0x00ffffff)


def name_without_nul(img):
    at, _, _ = entry(img, "ch2_00_hello")
    img[at:at + 28] = b"x" * 28


def free_inode(img):
    _, _, inum = entry(img, "ch2_00_hello")
    struct.pack_into("<H", img, inode_at(img, inum) + 4, 0)  # type T_FREE


def full_bitmap(img):
    _, ibb, ib, dbb, _ = superblock(img)
    start = (1 + ibb + ib) * BSIZE
    img[start:start + dbb * BSIZE] = b"\xff" * (dbb * BSIZE)


REFUSED = [("a bad magic number", bad_magic), ("a superblock claiming more blocks than the disk",
                                               too_many_blocks)]
DAMAGED = [("a block number past the disk in a program's inode", bad_block_number),
           ("a file size past the largest file", bad_size),
           ("a directory entry naming an inode out of range", bad_inode_number),
           ("a directory entry whose name has no NUL", name_without_nul),
           ("a directory entry naming a free inode", free_inode)]


def boot(d, image, script):
    p = subprocess.run(f"ulimit -t {CPU_SECONDS}; make -s run INIT=sh FS={image} QEMU='{QEMU}'",
                       shell=True, cwd=d, input=script, capture_output=True, text=True,
                       errors="replace", timeout=1800)
    return p.returncode, [ANSI.sub("", l).rstrip("\r") for l in (p.stdout + p.stderr).splitlines()]


def panicked(lines):
    return [l for l in lines if re.search(r"panic", l, re.I)]


def main():
    work = tempfile.mkdtemp(prefix="ch6-images-")
    try:
        d = os.path.join(work, "ch6")
        shutil.copytree(tree(6), d, ignore=shutil.ignore_patterns("build"))
        code, out = sh("make -s all build/fs.img INIT=sh", cwd=d)
        apps = os.path.join(work, "apps")
        os.makedirs(apps)
        for n in ("sh", "ch2_00_hello", "ch5_args"):
            shutil.copy(os.path.join(d, "build", "apps", f"{n}.elf"), os.path.join(apps, n))
        # The damaged program's entry comes last, after the healthy one's.
        c2, o2 = sh(f"build/mkfs {work}/clean.img --size 16M {apps}/sh {apps}/ch5_args "
                    f"{apps}/ch2_00_hello", cwd=d)
        if not check("ch6 images: the tree builds and mkfs packs the image", code == 0 and c2 == 0,
                     f"status {code}/{c2}", (out + o2).splitlines()):
            return
        clean = bytearray(open(f"{work}/clean.img", "rb").read())
        script = "ch2_00_hello\nch5_args fine\nexit\n"
        code, lines = boot(d, f"{work}/clean.img", script)
        check("ch6 images: the undamaged image runs both programs",
              code == 0 and HELLO in lines and ARGS in lines, f"status {code}", lines)
        for what, damage in REFUSED:
            img = bytearray(clean)
            damage(img)
            path = f"{work}/bad.img"
            open(path, "wb").write(img)
            code, lines = boot(d, path, script)
            said = [l for l in lines if l.startswith("[kernel]") and re.search(r"mount|file system",
                                                                                l, re.I)]
            check(f"ch6 images: {what}: the kernel refuses to mount, says so and exits non-zero",
                  code != 0 and said and not panicked(lines) and HELLO not in lines,
                  f"status {code}, refusal {said}, panic {panicked(lines)}", lines)
        for what, damage in DAMAGED:
            img = bytearray(clean)
            damage(img)
            path = f"{work}/bad.img"
            open(path, "wb").write(img)
            code, lines = boot(d, path, script)
            check(f"ch6 images: {what}: that program cannot run, the other one runs, no panic",
                  code == 0 and HELLO not in lines and "sh: cannot run ch2_00_hello" in lines
                  and ARGS in lines and not panicked(lines),
                  f"status {code}, panic {panicked(lines)}", lines)
        img = bytearray(clean)
        full_bitmap(img)
        path = f"{work}/bad.img"
        open(path, "wb").write(img)
        code, lines = boot(d, path, "ch2_00_hello\nch5_args fine\nexit\n")
        check("ch6 images: a data bitmap marking every block used: programs still run, no panic",
              code == 0 and HELLO in lines and ARGS in lines and not panicked(lines),
              f"status {code}", lines)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    done()


main()
