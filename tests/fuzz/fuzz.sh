#!/bin/sh
# Fuzz the kernel's parsers of untrusted input with libFuzzer:
#   fdt  chapter 1's device-tree reader (fdt_parse, out/ch1/kernel/fdt.c)
#   elf  chapter 4's ELF checker (elf_check, elf_next_load, out/ch4/kernel/elf.c)
#   elf6 the ELF checker of chapter 6 on, which judges a file from its first
#        bytes (out/ch6/kernel/elf.c)
#   fs   chapter 6's disk layout (fs_mount, inodes, the directory: out/ch6/kernel/fs.c
#        over the block cache, bcache.c) on random disk images
#
#   tests/fuzz/fuzz.sh [seconds] [fdt|elf|elf6|fs]...   default 600 s, every target
#
# Each target runs for the given time, one after the other. A target is
# built from tests/fuzz/fuzz_<target>.c under clang's fuzzer, ASan and
# UBSan. fdt's corpus is seeded with device trees dumped by QEMU (-m 128M
# and 1G) and one compiled by dtc; elf's and elf6's with executables that
# riscv64-unknown-elf-gcc builds from tests/unit/ch4/tiny.c; fs's with images
# that chapter 6's mkfs (built here with cc) makes.
# Work files go to $FUZZ_DIR/<target> (FUZZ_DIR defaults to out/fuzz): the
# corpus there grows from run to run, and a crash is saved as
# $FUZZ_DIR/<target>/crash-* . Replay one with
#   $FUZZ_DIR/<target>/fuzz_<target> $FUZZ_DIR/<target>/crash-...
# Exit status: 0 no crash, 1 a crash was found, 2 a build or the seeds
# failed (2 wins over 1 when targets differ).
set -u
SECONDS_TO_RUN=${1:-600}
[ $# -gt 0 ] && shift
TARGETS=${*:-fdt elf elf6 fs}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BASE=${FUZZ_DIR:-$ROOT/out/fuzz}
case $BASE in /*) ;; *) BASE=$(pwd)/$BASE ;; esac
cd "$ROOT" || exit 2
CLANG=${CLANG:-clang}
CFLAGS="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 -Wall -Werror"

if [ ! -f out/ch1/kernel/fdt.c ] || [ ! -f out/ch4/kernel/elf.c ] || [ ! -f out/ch6/kernel/fs.c ]; then
    make -s tangle >/dev/null || { echo "fuzz.sh: make tangle failed" >&2; exit 2; }
fi

# build target kernel-file extra-flags...: tests/fuzz/fuzz_<target>.c with
# the kernel's file (and its folder's headers) into $DIR.
build() {
    t=$1 k=$2
    shift 2
    # shellcheck disable=SC2086
    if ! $CLANG $CFLAGS "$@" -I"$(dirname "$k")" -o "$DIR/fuzz_$t" tests/fuzz/fuzz_$t.c "$k" \
        >"$DIR/build.log" 2>&1; then
        echo "fuzz.sh: building fuzz_$t failed:" >&2
        cat "$DIR/build.log" >&2
        return 1
    fi
}

seeds_fdt() {
    # QEMU pads its dump to 1 MiB; keep the totalsize bytes the header names.
    for m in 128M 1G; do
        raw="$DIR/virt-$m.raw"
        if ! qemu-system-riscv64 -machine virt,dumpdtb="$raw" -m $m -nographic \
            >"$DIR/qemu.log" 2>&1 </dev/null; then
            echo "fuzz.sh: qemu-system-riscv64 could not dump a device tree:" >&2
            cat "$DIR/qemu.log" >&2
            return 1
        fi
        # shellcheck disable=SC2046
        set -- $(od -An -tu1 -j4 -N4 "$raw")
        head -c $(($1 << 24 | $2 << 16 | $3 << 8 | $4)) "$raw" >"$DIR/seeds/virt-$m.dtb"
        rm -f "$raw"
    done
    dtc -q -I dts -O dtb -o "$DIR/seeds/tiny.dtb" - <<'DTS' || return 1
/dts-v1/;
/ {
    #address-cells = <1>;
    #size-cells = <1>;
    cpus { timebase-frequency = <1000000>; };
    memory@80000000 { device_type = "memory"; reg = <0x80000000 0x4000000>; };
    test@100000 { compatible = "sifive,test0"; reg = <0x100000 0x1000>; };
};
DTS
    # Tokens and names the parser looks for.
    cat >"$DIR/fuzz.dict" <<'DICT'
magic="\xd0\x0d\xfe\xed"
begin_node="\x00\x00\x00\x01"
end_node="\x00\x00\x00\x02"
prop="\x00\x00\x00\x03"
nop="\x00\x00\x00\x04"
end="\x00\x00\x00\x09"
max32="\xff\xff\xff\xff"
address_cells="#address-cells\x00"
size_cells="#size-cells\x00"
device_type="device_type\x00"
memory="memory\x00"
compatible="compatible\x00"
test0="sifive,test0\x00"
timebase="timebase-frequency\x00"
reg="reg\x00"
DICT
}

seeds_elf() {
    # The ways tests/unit/test_ch4_units.sh links tiny.c (the last one is
    # refused: its headers land in a segment at vaddr 0), and a bare header.
    ucc="riscv64-unknown-elf-gcc -nostdlib -static -ffreestanding -O1 -march=rv64imac -mabi=lp64"
    src=tests/unit/ch4/tiny.c
    { $ucc -o "$DIR/seeds/tiny.elf" $src &&
        $ucc -march=rv64gc -mabi=lp64d -o "$DIR/seeds/tiny_gc.elf" $src &&
        $ucc -Wl,-N -Wl,--no-warn-rwx-segments -o "$DIR/seeds/tiny_n.elf" $src &&
        $ucc -T out/ch4/user/user.ld -Wl,--defsym=BASE_ADDRESS=0x10000 \
            -o "$DIR/seeds/tiny_book.elf" $src &&
        $ucc -Wl,-Ttext=0x1000 -o "$DIR/seeds/tiny_low.elf" $src; } >"$DIR/seeds.log" 2>&1 || {
        echo "fuzz.sh: riscv64-unknown-elf-gcc could not build the seeds:" >&2
        cat "$DIR/seeds.log" >&2
        return 1
    }
    head -c 64 "$DIR/seeds/tiny.elf" >"$DIR/seeds/header_only"
    # Magic, class, encoding, version; ET_EXEC, EM_RISCV, the program header
    # size; PT_LOAD and the flags; the bounds the checker cares about.
    cat >"$DIR/fuzz.dict" <<'DICT'
magic="\x7fELF"
ident="\x7fELF\x02\x01\x01"
et_exec="\x02\x00"
em_riscv="\xf3\x00"
phentsize="\x38\x00"
pt_load="\x01\x00\x00\x00"
pt_riscv_attributes="\x03\x00\x00\x70"
pf_rx="\x05\x00\x00\x00"
pf_rw="\x06\x00\x00\x00"
pf_w="\x02\x00\x00\x00"
page="\x00\x10\x00\x00\x00\x00\x00\x00"
va_low_end="\x00\x00\x00\x00\x40\x00\x00\x00"
max64="\xff\xff\xff\xff\xff\xff\xff\xff"
DICT
}

seeds_elf6() { seeds_elf; }

seeds_fs() {
    # Images from chapter 6's own mkfs: empty, two small files, and a file
    # deep enough for the double-indirect block (in 128 KiB).
    k=out/ch6
    mkfs=$DIR/mkfs
    cc -std=gnu11 -O1 -I$k/kernel -I$k/tools -o "$mkfs" $k/tools/*.c $k/kernel/fs.c \
        $k/kernel/bcache.c >"$DIR/seeds.log" 2>&1 || {
        echo "fuzz.sh: cc could not build mkfs for the seeds:" >&2
        cat "$DIR/seeds.log" >&2
        return 1
    }
    printf 'hello, disk\n' >"$DIR/hello"
    head -c 1500 /dev/zero | tr '\0' 'a' >"$DIR/a.elf"
    head -c 90000 /dev/zero | tr '\0' 'b' >"$DIR/deep"
    { "$mkfs" "$DIR/seeds/empty.img" --size 16K &&
        "$mkfs" "$DIR/seeds/two.img" --size 16K "$DIR/hello" "$DIR/a.elf" &&
        "$mkfs" "$DIR/seeds/deep.img" --size 128K --inodes 8 "$DIR/hello" "$DIR/deep"; } \
        >>"$DIR/seeds.log" 2>&1 || {
        echo "fuzz.sh: mkfs could not make the seed images:" >&2
        cat "$DIR/seeds.log" >&2
        return 1
    }
    # The magic, the types, a name, numbers at the edges.
    cat >"$DIR/fuzz.dict" <<'DICT'
magic="BOOK"
t_file="\x01\x00"
t_dir="\x02\x00"
nlink1="\x01\x00"
name="hello\x00"
max32="\xff\xff\xff\xff"
block7="\x07\x00\x00\x00"
max_size="\x00\x36\x81\x00"
DICT
}

status=0
for t in $TARGETS; do
    DIR=$BASE/$t
    MAXLEN=16384
    case $t in
    fdt) K=out/ch1/kernel/fdt.c FLAGS= ;;
    elf) K=out/ch4/kernel/elf.c FLAGS=-DHOST_TEST ;;
    elf6) K=out/ch6/kernel/elf.c FLAGS=-DHOST_TEST ;;
    fs) K=out/ch6/kernel/fs.c FLAGS=out/ch6/kernel/bcache.c MAXLEN=131072 ;;
    *) echo "fuzz.sh: unknown target $t (fdt, elf, elf6 or fs)" >&2; exit 2 ;;
    esac
    mkdir -p "$DIR/corpus" "$DIR/seeds" || exit 2
    # shellcheck disable=SC2086
    if ! build $t $K $FLAGS || ! seeds_$t; then
        status=2
        continue
    fi
    echo "fuzz.sh: fuzzing $t for $SECONDS_TO_RUN s in $DIR"
    "$DIR/fuzz_$t" -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=2048 \
        -max_len=$MAXLEN -dict="$DIR/fuzz.dict" -artifact_prefix="$DIR/" -print_final_stats=1 \
        "$DIR/corpus" "$DIR/seeds"
    code=$?
    if [ $code -ne 0 ]; then
        for f in "$DIR"/crash-* "$DIR"/leak-* "$DIR"/timeout-* "$DIR"/oom-*; do
            [ -f "$f" ] && echo "fuzz.sh: fuzz_$t stopped with status $code; input saved as $f" >&2
        done
        [ $status = 0 ] && status=1
    fi
done
exit $status
