#!/bin/sh
# Host unit tests for chapter 6's disk layout, compiled from the tangled
# sources (out/ch6: kernel/fs.c, kernel/bcache.c and mkfs's tools/*.c) under
# AddressSanitizer and UndefinedBehaviorSanitizer: tests/unit/ch6/test_fs.c
# drives the layout code on image files through mkfs's own block device,
# and the mkfs command line is run on images it makes and on damaged ones.
cd "$(dirname "$0")/../.." || exit 1
# In the book the tree is out/ch6; in a snapshot (no chapters/) it is here.
T=.
if [ -d chapters ]; then
    T=out/ch6
    [ -f $T/kernel/fs.c ] || make -s tangle >/dev/null ||
        { echo "FAIL ch6-units: make tangle failed"; exit 1; }
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ch6-units.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -I$T/kernel -I$T/tools"
LAYOUT="$T/kernel/fs.c $T/kernel/bcache.c $T/tools/image.c $T/tools/fsck.c"
fail=0

# build name sources...: report a compile failure as a FAIL line.
build() {
    name=$1
    shift
    if gcc $CFLAGS -o "$tmp/$name" "$@" >"$tmp/$name.err" 2>&1; then
        return 0
    fi
    echo "FAIL $name: does not compile against $T"
    sed 's/^/     | /' "$tmp/$name.err" | head -n 30
    fail=1
    return 1
}

# shellcheck disable=SC2086
if build test_fs tests/unit/ch6/test_fs.c $LAYOUT; then
    "$tmp/test_fs" "$tmp/test.img" >"$tmp/test_fs.out" 2>&1
    code=$?
    cat "$tmp/test_fs.out"
    if [ $code -ne 0 ]; then
        fail=1
        grep -q '^FAIL ' "$tmp/test_fs.out" ||
            echo "FAIL test_fs: stopped with status $code (a sanitizer report or a crash, above)"
    fi
fi

# expect status name command...: the command exits with that status.
expect() {
    want=$1 name=$2
    shift 2
    "$@" >"$tmp/cmd.out" 2>&1
    got=$?
    if [ "$got" = "$want" ]; then
        echo "PASS $name"
    else
        echo "FAIL $name: exit status $got, not $want"
        sed 's/^/     | /' "$tmp/cmd.out" | head -n 10
        fail=1
    fi
}

# shellcheck disable=SC2086
build mkfs $T/tools/mkfs.c $LAYOUT || exit 1
M=$tmp/mkfs
head -c 100000 /dev/urandom >"$tmp/big.elf"
printf 'hello\n' >"$tmp/hello"
long=$tmp/abcdefghijklmnopqrstuvwxyz01.elf
cp "$tmp/hello" "$long"
expect 0 "mkfs makes a 16 MiB image from two files" $M "$tmp/a.img" --size 16M "$tmp/big.elf" "$tmp/hello"
expect 0 "mkfs --check finds the new image consistent" $M "$tmp/a.img" --check
if $M "$tmp/a.img" --ls >"$tmp/ls" 2>&1 && grep -q ' 100000 big$' "$tmp/ls" &&
    grep -q ' 6 hello$' "$tmp/ls" && [ "$(wc -l <"$tmp/ls")" = 2 ]; then
    echo "PASS mkfs --ls lists big (without .elf) and hello with their sizes"
else
    echo "FAIL mkfs --ls lists big (without .elf) and hello with their sizes"
    sed 's/^/     | /' "$tmp/ls"
    fail=1
fi
expect 0 "mkfs --extract copies a file out" $M "$tmp/a.img" --extract big "$tmp/big.out"
expect 0 "the extracted file equals the original" cmp "$tmp/big.out" "$tmp/big.elf"
expect 1 "mkfs --extract of a missing name fails" $M "$tmp/a.img" --extract nothing "$tmp/x"
expect 1 "mkfs refuses a 28-byte name" $M "$tmp/b.img" --size 1M "$long"
expect 1 "mkfs refuses two files with the same name" $M "$tmp/b.img" --size 1M "$tmp/hello" "$tmp/hello"
expect 1 "mkfs refuses files that do not fit" $M "$tmp/b.img" --size 64K "$tmp/big.elf"
expect 2 "mkfs refuses an unknown option" $M "$tmp/b.img" --frobnicate 3
# Damage the image: bit 0 of the data bitmap's second byte (block 274 is
# marked used, but no file has it); the check must say so and fail.
cp "$tmp/a.img" "$tmp/c.img"
printf '\001' | dd of="$tmp/c.img" bs=1 seek=$((258 * 512 + 100)) conv=notrunc 2>/dev/null
if $M "$tmp/c.img" --check >"$tmp/check" 2>&1; then
    echo "FAIL mkfs --check fails on a data bitmap bit that no file uses: it passed"
    fail=1
elif grep -q '^check: block 1066: marked used in the data bitmap, but no inode uses it$' "$tmp/check"; then
    echo "PASS mkfs --check fails on a data bitmap bit that no file uses, naming the block"
else
    echo "FAIL mkfs --check fails on a data bitmap bit that no file uses, naming the block"
    sed 's/^/     | /' "$tmp/check" | head
    fail=1
fi
# A bad magic number: every command refuses the image with the reason.
cp "$tmp/a.img" "$tmp/d.img"
printf 'XXXX' | dd of="$tmp/d.img" bs=1 conv=notrunc 2>/dev/null
expect 1 "mkfs --ls refuses an image with a bad magic number" $M "$tmp/d.img" --ls
if grep -q 'bad magic number' "$tmp/cmd.out"; then
    echo "PASS the refusal says: bad magic number"
else
    echo "FAIL the refusal says: bad magic number"
    fail=1
fi
exit $fail
