#!/bin/sh
# Short, bounded libFuzzer passes over the kernel's parsers of untrusted
# input: tests/fuzz/fuzz.sh for 5 s on each target in a scratch directory.
#   fdt  chapter 1's device-tree reader, seeded with QEMU's device tree
#   elf  chapter 4's ELF checker, seeded with executables built from
#        tests/unit/ch4/tiny.c
#   elf6 the ELF checker of chapter 6 on, which judges a file from its
#        first bytes, with the same seeds
#   fs   chapter 6's disk layout code, seeded with images chapter 6's mkfs makes
# Prints PASS/FAIL lines; `make fuzz` runs the long version.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-short.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
fail=0

# short target "what it is seeded with"
short() {
    t=$1 seeds=$2
    FUZZ_DIR="$TMP" sh "$ROOT/tests/fuzz/fuzz.sh" 5 $t >"$TMP/$t.log" 2>&1
    code=$?
    name="fuzz_$t runs 5 s from $seeds without a crash"
    if [ $code -eq 2 ]; then
        echo "FAIL fuzz_$t builds with clang -fsanitize=fuzzer,address,undefined and gets its seeds"
        head -n 25 "$TMP/$t.log" | sed 's/^/     | /'
        fail=1
        return
    fi
    echo "PASS fuzz_$t builds with clang -fsanitize=fuzzer,address,undefined and gets its seeds"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$TMP/$t.log" | tail -n 1)
    if [ $code -ne 0 ]; then
        echo "FAIL $name (status $code)"
        report $t
        # Keep the crashing input where a person can find it.
        for f in "$TMP/$t"/crash-* "$TMP/$t"/timeout-* "$TMP/$t"/oom-* "$TMP/$t"/leak-*; do
            [ -f "$f" ] || continue
            mkdir -p "$ROOT/out/fuzz/$t" && cp "$f" "$ROOT/out/fuzz/$t/" &&
                echo "     | kept $ROOT/out/fuzz/$t/$(basename "$f"); replay it with tests/fuzz/fuzz.sh's fuzz_$t"
        done
        fail=1
    elif [ -z "$runs" ] || [ "$runs" -lt 1000 ]; then
        echo "FAIL $name: only ${runs:-no} inputs ran"
        report $t
        fail=1
    else
        echo "PASS $name ($runs inputs)"
    fi
}

# The sanitizer's report without libFuzzer's own stack frames.
report() {
    grep -E 'ERROR|runtime error|SUMMARY|#[0-9]+ 0x|^fuzz.sh|^/' "$TMP/$1.log" |
        grep -vE 'fuzzer::|libc_start|in _start|in main \(' | head -n 20 | sed 's/^/     | /'
}

short fdt "QEMU's device tree"
short elf "ELF files built from tiny.c"
short elf6 "ELF files built from tiny.c, seen through heads of several sizes"
short fs "disk images made by mkfs"
exit $fail
