#!/bin/sh
# Host unit tests for chapter 2: the user library's printf and the user
# buffer check, under AddressSanitizer and UndefinedBehaviorSanitizer.
cd "$(dirname "$0")/../.."
[ -d out/ch2 ] || make -s tangle >/dev/null || { echo "FAIL user-lib: make tangle failed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CFLAGS="-std=gnu11 -g -O1 -Wall -Werror -fsanitize=address,undefined -fno-sanitize-recover=all"
if ! gcc $CFLAGS -Iout/ch2/kernel -Iout/ch2/user/lib -Dprintf=user_printf -Dwrite=user_write \
        -c out/ch2/user/lib/printf.c -o "$tmp/printf.o" 2>"$tmp/err" ||
   ! gcc $CFLAGS -Iout/ch2/kernel -c out/ch2/kernel/format.c -o "$tmp/format.o" 2>>"$tmp/err" ||
   ! gcc $CFLAGS -Iout/ch2/kernel tests/unit/test_user_printf.c "$tmp/printf.o" "$tmp/format.o" \
        -o "$tmp/t" 2>>"$tmp/err"; then
    echo "FAIL user-lib: does not compile on the host"
    sed 's/^/     | /' "$tmp/err"
    exit 1
fi
"$tmp/t"
