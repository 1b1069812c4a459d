#!/bin/sh
# Host unit tests for chapter 1: vformat (format.c) and fdt_parse (fdt.c),
# compiled straight from the tangled tree out/ch1/kernel with ASan and UBSan.
# The device trees come from QEMU (-m 128M, 256M, 1G) and from dtc.
# Prints PASS/FAIL lines; exits 1 if any check fails.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
# In the book the tree is out/ch1; in a snapshot (no chapters/) it is ROOT.
if [ -d chapters ]; then K=out/ch1/kernel; else K=kernel; fi
CC=${CC:-gcc}
CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1 -Wall -Werror -I$K"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1
failed=0

fail() {
    echo "FAIL $1"
    shift
    for line in "$@"; do echo "     | $line"; done
    failed=1
}

# Print the first lines of a file (a compiler's or a sanitizer's report) as
# context under a FAIL line.
context() {
    head -n 25 "$1" | sed 's/^/     | /'
}

if [ -d chapters ] && { [ ! -f $K/format.c ] || [ ! -f $K/fdt.c ]; }; then
    make -s tangle >/dev/null 2>&1 || { fail "make tangle (needed for $K)"; exit 1; }
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ch1-units.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# run NAME BINARY ARGS...: the binary prints its own PASS/FAIL lines; a crash
# or non-zero exit without a FAIL line still counts as a failure.
run() {
    name=$1
    shift
    "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    code=$?
    cat "$TMP/$name.out"
    if [ $code -ne 0 ]; then
        failed=1
        if grep -q '^FAIL ' "$TMP/$name.out"; then
            :
        elif grep -qE 'Sanitizer|runtime error:' "$TMP/$name.err"; then
            echo "FAIL $name was stopped by a sanitizer (report below)"
        else
            echo "FAIL $name exited with status $code"
        fi
        context "$TMP/$name.err"
    fi
}

build() {
    name=$1
    shift
    if $CC $CFLAGS -o "$TMP/$name" "$@" >"$TMP/$name.cc" 2>&1; then
        echo "PASS $name compiles with -Wall -Werror and the sanitizers"
        return 0
    fi
    echo "FAIL $name does not compile"
    context "$TMP/$name.cc"
    failed=1
    return 1
}

if build test_format tests/unit/test_format.c $K/format.c; then
    run test_format "$TMP/test_format"
fi

# Device trees: QEMU's own, at three memory sizes, and two written for dtc.
for m in 128M 256M 1G; do
    if ! qemu-system-riscv64 -machine virt,dumpdtb="$TMP/virt-$m.dtb" -m $m -nographic \
        >"$TMP/qemu-$m.log" 2>&1 </dev/null; then
        fail "qemu-system-riscv64 -machine virt,dumpdtb=... -m $m" "$(tail -n 3 "$TMP/qemu-$m.log")"
    fi
done

cat >"$TMP/dtc-cells1.dts" <<'EOF'
/dts-v1/;
/ {
    #address-cells = <1>;
    #size-cells = <1>;
    compatible = "book,tiny";
    cpus {
        #address-cells = <1>;
        #size-cells = <0>;
        cpu@0 {
            device_type = "cpu";
            reg = <0>;
            timebase-frequency = <1000000>;
        };
    };
    memory@80000000 {
        device_type = "memory";
        reg = <0x80000000 0x4000000>;
    };
    soc {
        #address-cells = <1>;
        #size-cells = <1>;
        ranges;
        test@100000 {
            compatible = "sifive,test1", "sifive,test0", "syscon";
            reg = <0x100000 0x1000>;
        };
    };
};
EOF
cat >"$TMP/dtc-bits64.dts" <<'EOF'
/dts-v1/;
/ {
    #address-cells = <2>;
    #size-cells = <1>;
    cpus {
        #address-cells = <1>;
        #size-cells = <0>;
        timebase-frequency = /bits/ 64 <0x100000000>;
    };
    memory@80000000 {
        device_type = "memory";
        reg = <0x0 0x80000000 0x20000000>;
    };
};
EOF
for d in dtc-cells1 dtc-bits64; do
    if ! dtc -q -I dts -O dtb -o "$TMP/$d.dtb" "$TMP/$d.dts" 2>"$TMP/$d.log"; then
        fail "dtc compiles $d.dts" "$(tail -n 3 "$TMP/$d.log")"
    fi
done

if build test_fdt tests/unit/test_fdt.c $K/fdt.c; then
    run test_fdt "$TMP/test_fdt" "$TMP"
fi

exit $failed
