#!/bin/sh
# A short, bounded libFuzzer pass over chapter 1's device-tree reader:
# tests/fuzz/fuzz.sh for 15 s in a scratch directory, seeded with QEMU's
# device tree. Prints PASS/FAIL lines; `make fuzz` runs the long version.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-fdt.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

FUZZ_DIR="$TMP" sh "$ROOT/tests/fuzz/fuzz.sh" 15 >"$TMP/log" 2>&1
code=$?

# The sanitizer's report without libFuzzer's own stack frames.
report() {
    grep -E 'ERROR|runtime error|SUMMARY|#[0-9]+ 0x|^fuzz.sh|^/' "$TMP/log" |
        grep -vE 'fuzzer::|libc_start|in _start|in main \(' | head -n 20 | sed 's/^/     | /'
}

if [ $code -eq 2 ]; then
    echo "FAIL fuzz_fdt builds with clang -fsanitize=fuzzer,address,undefined and gets its seeds"
    head -n 25 "$TMP/log" | sed 's/^/     | /'
    exit 1
fi
echo "PASS fuzz_fdt builds with clang -fsanitize=fuzzer,address,undefined and gets its seeds"
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$TMP/log" | tail -n 1)
if [ $code -ne 0 ]; then
    echo "FAIL fuzz_fdt runs 15 s from QEMU's device tree without a crash (status $code)"
    report
    # Keep the crashing input where a person can find it.
    for f in "$TMP"/crash-* "$TMP"/timeout-* "$TMP"/oom-* "$TMP"/leak-*; do
        [ -f "$f" ] || continue
        mkdir -p "$ROOT/out/fuzz/fdt" && cp "$f" "$ROOT/out/fuzz/fdt/" &&
            echo "     | kept $ROOT/out/fuzz/fdt/$(basename "$f"); replay it with tests/fuzz/fuzz.sh's fuzz_fdt"
    done
    exit 1
fi
if [ -z "$runs" ] || [ "$runs" -lt 1000 ]; then
    echo "FAIL fuzz_fdt runs 15 s from QEMU's device tree without a crash: only ${runs:-no} inputs ran"
    report
    exit 1
fi
echo "PASS fuzz_fdt runs 15 s from QEMU's device tree without a crash ($runs inputs)"
exit 0
