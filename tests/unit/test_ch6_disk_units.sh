#!/bin/sh
# Host unit tests for chapter 6's disk pieces, compiled from the tangled tree
# (out/ch6/kernel) under AddressSanitizer and UndefinedBehaviorSanitizer:
#   test_bcache      the block cache over a counting block device in memory
#   test_fdt_virtio  the virtio-mmio slots the device-tree reader collects,
#                    from QEMU's tree and from trees dtc compiles
# The tests are in tests/unit/ch6/. Prints PASS/FAIL lines; exits 1 on failure.
cd "$(dirname "$0")/../.." || exit 1
# In the book the tree is out/ch6; in a snapshot (no chapters/) it is here.
T=.
if [ -d chapters ]; then
    T=out/ch6
    [ -f $T/kernel/bcache.c ] || make -s tangle >/dev/null ||
        { echo "FAIL ch6-disk-units: make tangle failed"; exit 1; }
fi
K=$T/kernel
D=tests/unit/ch6
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ch6-disk-units.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
CFLAGS="-std=gnu11 -Wall -Werror -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -I$K"
fail=0

build() { # name, sources...
    name=$1
    shift
    if gcc $CFLAGS -o "$tmp/$name" "$D/$name.c" "$@" >"$tmp/$name.err" 2>&1; then
        echo "PASS $name compiles with -Wall -Werror and the sanitizers"
    else
        echo "FAIL $name does not compile"
        sed 's/^/     | /' "$tmp/$name.err" | head -20
        fail=1
    fi
}
build test_bcache $K/bcache.c
build test_fdt_virtio $K/fdt.c

[ -x "$tmp/test_bcache" ] && { "$tmp/test_bcache" || fail=1; }

# QEMU's virt machine: eight slots, listed from 0x10008000 down.
if [ -x "$tmp/test_fdt_virtio" ]; then
    if qemu-system-riscv64 -machine virt,dumpdtb="$tmp/virt.raw" -m 128M -nographic \
        >"$tmp/qemu.log" 2>&1 </dev/null; then
        "$tmp/test_fdt_virtio" "$tmp/virt.raw" 8 10008000 10007000 10006000 10005000 \
            10004000 10003000 10002000 10001000 || fail=1
    else
        echo "FAIL qemu-system-riscv64 dumps a device tree"
        fail=1
    fi
    # dtc trees: name, number of slots wanted, addresses, then the nodes.
    tree() {
        name=$1 want=$2 addrs=$3 nodes=$4
        printf '/dts-v1/;\n/ {\n #address-cells = <2>;\n #size-cells = <2>;\n cpus { timebase-frequency = <10000000>; };\n memory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x8000000>; };\n%b};\n' \
            "$nodes" >"$tmp/$name.dts"
        if dtc -q -I dts -O dtb -o "$tmp/$name.dtb" "$tmp/$name.dts" 2>"$tmp/$name.log"; then
            # shellcheck disable=SC2086
            "$tmp/test_fdt_virtio" "$tmp/$name.dtb" "$want" $addrs || fail=1
        else
            echo "FAIL dtc compiles $name.dts"
            fail=1
        fi
    }
    v() { printf ' virtio_mmio@%x { compatible = %s; reg = <0x0 0x%x 0x0 0x1000>; };\n' "$1" "$2" "$1"; }
    tree none 0 "" ""
    tree second-name 1 "20000000" "$(v 0x20000000 '"acme,blk", "virtio,mmio"')"
    tree unaligned 1 "30000000" "$(v 0x30000000 '"virtio,mmio"')$(v 0x30000800 '"virtio,mmio"')"
    tree not-virtio 0 "" "$(v 0x40000000 '"virtio,pci"')"
    nine=""
    for i in 1 2 3 4 5 6 7 8 9; do nine="$nine$(v $((0x50000000 + i * 0x1000)) '"virtio,mmio"')"; done
    tree nine 8 "50001000 50002000 50003000 50004000 50005000 50006000 50007000 50008000" "$nine"
fi
exit $fail
