#!/bin/sh
# Host unit tests for chapter 2: the user library's printf and the user
# buffer check, under AddressSanitizer and UndefinedBehaviorSanitizer.
cd "$(dirname "$0")/../.."
# In the book the tree is out/ch2; in a snapshot (no chapters/) it is here.
T=.
if [ -d chapters ]; then
    T=out/ch2
    [ -d $T ] || make -s tangle >/dev/null || { echo "FAIL user-lib: make tangle failed"; exit 1; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CFLAGS="-std=gnu11 -g -O1 -fno-builtin -Wall -Werror -fsanitize=address,undefined -fno-sanitize-recover=all"
if ! gcc $CFLAGS -I$T/kernel -I$T/user/lib -Dprintf=user_printf -Dwrite=user_write \
        -c $T/user/lib/printf.c -o "$tmp/printf.o" 2>"$tmp/err" ||
   ! gcc $CFLAGS -I$T/kernel -c $T/kernel/format.c -o "$tmp/format.o" 2>>"$tmp/err" ||
   ! gcc $CFLAGS -I$T/kernel tests/unit/test_user_printf.c "$tmp/printf.o" "$tmp/format.o" \
        -o "$tmp/t" 2>>"$tmp/err"; then
    echo "FAIL user-lib: does not compile on the host"
    sed 's/^/     | /' "$tmp/err"
    exit 1
fi
"$tmp/t"
