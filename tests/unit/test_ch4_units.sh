#!/bin/sh
# Host unit tests for chapter 4's memory pieces, compiled from the tangled
# sources (out/ch4/kernel) with -DHOST_TEST under AddressSanitizer and
# UndefinedBehaviorSanitizer: the buddy heap, the frame allocator, SV39 page
# tables over simulated RAM, the ELF checker on images riscv64-unknown-elf-gcc
# builds from tests/unit/ch4/tiny.c, and the address types (mixing vpn_t and
# ppn_t must not compile). The tests and their scaffolding are in
# tests/unit/ch4/.
cd "$(dirname "$0")/../.." || exit 1
# In the book the tree is out/ch4; in a snapshot (no chapters/) it is here.
T=.
if [ -d chapters ]; then
    T=out/ch4
    [ -f $T/kernel/vm.c ] || make -s tangle >/dev/null ||
        { echo "FAIL ch4-units: make tangle failed"; exit 1; }
fi
K=$T/kernel
D=tests/unit/ch4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ch4-units.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -DHOST_TEST -I$D -I$K"
fail=0

# Build the five tests, two at a time (the machine has two cores).
build() { # name, sources...
    name=$1
    shift
    gcc $CFLAGS -o "$tmp/$name" "$D/$name.c" $D/host.c "$@" >"$tmp/$name.err" 2>&1
    echo $? >"$tmp/$name.rc"
}
build test_addr &
build test_heap $K/heap.c &
wait
build test_frame $K/frame.c $K/heap.c &
build test_vm $K/vm.c $K/frame.c $K/heap.c &
wait
# Chapter 6 reads programs from files and changes elf_check's interface
# (the header bytes at hand and the file's size apart): these ELF tests are
# chapter 4's and 5's, and a chapter 6 snapshot tests its ELF checks by
# booting broken program files (tests/qemu/test_ch6.py).
ELF_TESTS=test_elf
grep -q 'elf_check(const void \*img, uint64 size' $K/elf.h || ELF_TESTS=
[ -n "$ELF_TESTS" ] && build test_elf $K/elf.c

# Real executables from tiny.c: the toolchain's default link, rv64gc with
# the double-float ABI, -N (one RWX segment), and the book's user.ld at
# 0x10000 are accepted; -Ttext=0x1000 puts the ELF headers into a segment
# at vaddr 0, which elf_check must refuse.
UCC="riscv64-unknown-elf-gcc -nostdlib -static -ffreestanding -O1 -march=rv64imac -mabi=lp64"
elfs=""
elf() { # accept|reject, name, extra flags...
    want=$1 name=$2
    shift 2
    if $UCC "$@" -o "$tmp/$name" $D/tiny.c >>"$tmp/tiny.err" 2>&1; then
        elfs="$elfs $want:$tmp/$name"
    else
        elf_fail=1
    fi
}
elf_fail=0
elf accept tiny.elf
elf accept tiny_gc.elf -march=rv64gc -mabi=lp64d
elf accept tiny_n.elf -Wl,-N -Wl,--no-warn-rwx-segments
elf accept tiny_book.elf -T $T/user/user.ld -Wl,--defsym=BASE_ADDRESS=0x10000
elf reject tiny_low.elf -Wl,-Ttext=0x1000
if [ $elf_fail = 0 ]; then
    echo "PASS riscv64-unknown-elf-gcc builds tiny.c five ways for the ELF tests"
else
    echo "FAIL riscv64-unknown-elf-gcc builds tiny.c five ways for the ELF tests"
    sed 's/^/     | /' "$tmp/tiny.err" | head -n 20
    fail=1
fi

for t in test_addr test_heap test_frame test_vm $ELF_TESTS; do
    if [ "$(cat "$tmp/$t.rc")" != 0 ]; then
        echo "FAIL $t: does not compile against $K"
        sed 's/^/     | /' "$tmp/$t.err" | head -n 30
        fail=1
        continue
    fi
    args=""
    [ $t = test_elf ] && args=$elfs
    # shellcheck disable=SC2086
    "$tmp/$t" $args >"$tmp/$t.out" 2>&1
    code=$?
    cat "$tmp/$t.out"
    if [ $code -ne 0 ]; then
        fail=1
        grep -q '^FAIL ' "$tmp/$t.out" ||
            echo "FAIL $t: stopped with status $code (a sanitizer report or a crash, above)"
    fi
done

# addr_mix_error.c passes a vpn_t where a ppn_t is expected. It must not
# compile, with one error, on the line marked MIX; with -DMIX_FIXED (the
# conversion written out) it must compile, so the mix is the only fault.
MIXFLAGS="-std=gnu11 -Wall -Wextra -Werror -DHOST_TEST -I$K -fsyntax-only"
mixline=$(grep -n 'MIX:' $D/addr_mix_error.c | cut -d: -f1)
if ! gcc $MIXFLAGS -DMIX_FIXED $D/addr_mix_error.c >"$tmp/mix.err" 2>&1; then
    echo "FAIL addr_mix_error.c compiles once the conversion is written out"
    sed 's/^/     | /' "$tmp/mix.err"
    fail=1
elif gcc $MIXFLAGS $D/addr_mix_error.c >"$tmp/mix.err" 2>&1; then
    echo "FAIL mixing vpn_t and ppn_t is a compile error: addr_mix_error.c compiled"
    fail=1
elif [ "$(grep -c 'error:' "$tmp/mix.err")" = 1 ] &&
     grep -q "addr_mix_error.c:$mixline:.*error: incompatible type for argument 1" "$tmp/mix.err"; then
    echo "PASS mixing vpn_t and ppn_t is a compile error (and the only one in addr_mix_error.c)"
else
    echo "FAIL mixing vpn_t and ppn_t is a compile error: addr_mix_error.c failed otherwise"
    sed 's/^/     | /' "$tmp/mix.err" | head -n 20
    fail=1
fi
exit $fail
