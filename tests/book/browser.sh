#!/bin/sh
# Headless Chromium: every HTML page loads from file:// with no console
# messages (errors, failed loads), and the language switch changes what is
# visible. Keeps screenshots in out/book/ for humans.
# Prints PASS/FAIL lines; exit 1 on failure.
out=${BOOK_OUT:-out/book}
abs=$(cd "$out" 2>/dev/null && pwd) || { echo "FAIL book-browser: no $out"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chrome() {
    # $1 = profile dir, rest = extra arguments
    prof=$1; shift
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$prof" "$@"
}
fail=0
for page in "$abs"/*.html; do
    name=$(basename "$page")
    chrome "$tmp/p-$name" --enable-logging=stderr --v=0 --dump-dom "file://$page" \
        >"$tmp/dom" 2>"$tmp/err"
    msgs=$(grep -E ':CONSOLE[:(]|Uncaught|ERR_FILE_NOT_FOUND|Not allowed to load' "$tmp/err")
    if [ ! -s "$tmp/dom" ]; then
        echo "FAIL book-browser $name: Chromium produced no DOM"; fail=1
    elif [ -n "$msgs" ]; then
        echo "FAIL book-browser $name: console: $(echo "$msgs" | head -3 | tr '\n' ' ')"; fail=1
    else
        echo "PASS book-browser $name (no console messages)"
    fi
done

# The language switch: ?lang=X sets the mode; ?selftest makes lang.js record
# how many zh / en elements are visible in <html data-visible="zh:N en:M">.
page="$abs/ch1.html"
[ -f "$page" ] || page="$abs/index.html"
visible() {
    chrome "$tmp/lang-$1" --dump-dom "file://$page?lang=$1&selftest" 2>/dev/null |
        sed -n 's/.*data-visible="\([^"]*\)".*/\1/p' | head -1
}
zh=$(visible zh); en=$(visible en); both=$(visible both)
case "$zh" in
    zh:[1-9]*" en:0") echo "PASS book-lang-switch zh ($zh)" ;;
    *) echo "FAIL book-lang-switch zh: visible '$zh', want Chinese only"; fail=1 ;;
esac
case "$en" in
    "zh:0 en:"[1-9]*) echo "PASS book-lang-switch en ($en)" ;;
    *) echo "FAIL book-lang-switch en: visible '$en', want English only"; fail=1 ;;
esac
case "$both" in
    zh:[1-9]*" en:"[1-9]*) echo "PASS book-lang-switch both ($both)" ;;
    *) echo "FAIL book-lang-switch both: visible '$both', want both"; fail=1 ;;
esac
# remembered across pages: choose English on one page, open another without ?lang
other="$abs/index.html"
chrome "$tmp/remember" --dump-dom "file://$page?lang=en" >/dev/null 2>&1
mode=$(chrome "$tmp/remember" --dump-dom "file://$other?selftest" 2>/dev/null |
    sed -n 's/.*<html[^>]*data-lang="\([^"]*\)".*/\1/p' | head -1)
if [ "$mode" = en ]; then echo "PASS book-lang-remembered (localStorage)"
else echo "FAIL book-lang-remembered: index.html opened in mode '$mode' after choosing en"; fail=1; fi

# screenshots for humans, and proof that the modes look different
for m in zh en both; do
    chrome "$tmp/shot-$m" --hide-scrollbars --window-size=1100,1500 \
        --screenshot="$abs/screenshot-$m.png" "file://$page?lang=$m" >/dev/null 2>&1
done
if [ -s "$abs/screenshot-zh.png" ] && [ -s "$abs/screenshot-en.png" ] &&
   ! cmp -s "$abs/screenshot-zh.png" "$abs/screenshot-en.png"; then
    echo "PASS book-lang-screenshots (out/book/screenshot-{zh,en,both}.png differ)"
else
    echo "FAIL book-lang-screenshots: screenshots missing or identical"; fail=1
fi
exit $fail
