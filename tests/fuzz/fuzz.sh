#!/bin/sh
# Fuzz chapter 1's device-tree reader (fdt_parse) with libFuzzer.
#
#   tests/fuzz/fuzz.sh [seconds]        default 600; run from anywhere
#
# Builds tests/fuzz/fuzz_fdt.c with out/ch1/kernel/fdt.c under clang's
# fuzzer, ASan and UBSan, seeds the corpus with device trees dumped by QEMU
# (-m 128M and 1G) and one compiled by dtc, and runs for the given time.
# Work files go to $FUZZ_DIR (default out/fuzz/fdt): the corpus there grows
# from run to run, and a crash is saved as $FUZZ_DIR/crash-* . Replay one with
#   $FUZZ_DIR/fuzz_fdt $FUZZ_DIR/crash-...
# Exit status: 0 no crash, 1 a crash was found, 2 the build or the seeds failed.
set -u
SECONDS_TO_RUN=${1:-600}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${FUZZ_DIR:-$ROOT/out/fuzz/fdt}
case $DIR in /*) ;; *) DIR=$(pwd)/$DIR ;; esac
cd "$ROOT" || exit 2
K=out/ch1/kernel
CLANG=${CLANG:-clang}
mkdir -p "$DIR/corpus" "$DIR/seeds" || exit 2

if [ ! -f $K/fdt.c ]; then
    make -s tangle >/dev/null || { echo "fuzz.sh: make tangle failed" >&2; exit 2; }
fi

if ! $CLANG -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 \
    -Wall -Werror -I$K -o "$DIR/fuzz_fdt" tests/fuzz/fuzz_fdt.c $K/fdt.c >"$DIR/build.log" 2>&1; then
    echo "fuzz.sh: building fuzz_fdt failed:" >&2
    cat "$DIR/build.log" >&2
    exit 2
fi

# Seeds. QEMU pads its dump to 1 MiB; keep the totalsize bytes the header names.
for m in 128M 1G; do
    raw="$DIR/virt-$m.raw"
    if ! qemu-system-riscv64 -machine virt,dumpdtb="$raw" -m $m -nographic \
        >"$DIR/qemu.log" 2>&1 </dev/null; then
        echo "fuzz.sh: qemu-system-riscv64 could not dump a device tree:" >&2
        cat "$DIR/qemu.log" >&2
        exit 2
    fi
    # shellcheck disable=SC2046
    set -- $(od -An -tu1 -j4 -N4 "$raw")
    head -c $(($1 << 24 | $2 << 16 | $3 << 8 | $4)) "$raw" >"$DIR/seeds/virt-$m.dtb"
    rm -f "$raw"
done
dtc -q -I dts -O dtb -o "$DIR/seeds/tiny.dtb" - <<'EOF' || exit 2
/dts-v1/;
/ {
    #address-cells = <1>;
    #size-cells = <1>;
    cpus { timebase-frequency = <1000000>; };
    memory@80000000 { device_type = "memory"; reg = <0x80000000 0x4000000>; };
    test@100000 { compatible = "sifive,test0"; reg = <0x100000 0x1000>; };
};
EOF

# Tokens and names the parser looks for.
cat >"$DIR/fdt.dict" <<'EOF'
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
EOF

echo "fuzz.sh: fuzzing fdt_parse for $SECONDS_TO_RUN s in $DIR"
"$DIR/fuzz_fdt" -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -dict="$DIR/fdt.dict" -artifact_prefix="$DIR/" -print_final_stats=1 \
    "$DIR/corpus" "$DIR/seeds"
code=$?
if [ $code -ne 0 ]; then
    for f in "$DIR"/crash-* "$DIR"/leak-* "$DIR"/timeout-* "$DIR"/oom-*; do
        [ -f "$f" ] && echo "fuzz.sh: fuzz_fdt stopped with status $code; input saved as $f" >&2
    done
    exit 1
fi
exit 0
