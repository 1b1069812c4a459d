#!/bin/sh
# Headless Chromium: every HTML page loads from file:// with no console
# messages (errors, failed loads); the language and theme switches change what
# is visible; the search finds Chinese and English words and C identifiers
# (and nothing for a nonsense word); every chapter page links to each of its
# headings. Keeps screenshots in out/book/ for humans.
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
    cp "$tmp/dom" "$tmp/dom-$name"   # kept for the headings check below
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
# figures: the language buttons swap a figure's rendering (x.zh.svg, x.en.svg,
# x.svg for both; book/lang.js) and back, and each rendering is there (file://)
figsrc=$(chrome "$tmp/fig" --dump-dom "file://$page?lang=both&selftest" 2>/dev/null |
    sed -n 's/.*data-figsrc="\([^"]*\)".*/\1/p' | head -1)
figok=1
set -- $figsrc
[ $# -eq 4 ] || figok=0
for pair in "$@"; do
    m=${pair%%=*}; src=${pair#*=}
    case "$m:$src" in
        zh:*.zh.svg|en:*.en.svg) ;;
        both:*.zh.svg|both:*.en.svg) figok=0 ;;
        both:*.svg) ;;
        *) figok=0 ;;
    esac
    [ -s "$abs/$src" ] || figok=0
done
# zh, en and both differ; the last (back to the opening mode, both) is both's again
if [ $figok = 1 ] && [ "${1#*=}" != "${2#*=}" ] && [ "${2#*=}" != "${3#*=}" ] && [ "${3#*=}" = "${4#*=}" ]; then
    echo "PASS book-lang-figures ($figsrc)"
else
    echo "FAIL book-lang-figures: the first figure's sources by mode: '$figsrc'"; fail=1
fi
# remembered across pages: choose English on one page, open another without ?lang
other="$abs/index.html"
chrome "$tmp/remember" --dump-dom "file://$page?lang=en" >/dev/null 2>&1
mode=$(chrome "$tmp/remember" --dump-dom "file://$other?selftest" 2>/dev/null |
    sed -n 's/.*<html[^>]*data-lang="\([^"]*\)".*/\1/p' | head -1)
if [ "$mode" = en ]; then echo "PASS book-lang-remembered (localStorage)"
else echo "FAIL book-lang-remembered: index.html opened in mode '$mode' after choosing en"; fail=1; fi

# search from file://: search.html?q=... lists links into the right chapters
search() {   # $1 = words (URL-encoded); prints the result links, one a line
    chrome "$tmp/search" --dump-dom "file://$abs/search.html?q=$1" 2>/dev/null |
        tr '<' '\n' | sed -n 's/^a href="\([^"]*\)".*/\1/p' | grep -E '^[a-z0-9-]+\.html#' 
}
check_search() {   # $1 = label, $2 = query, $3 = page the results must include
    links=$(search "$2")
    if echo "$links" | grep -q "^$3#"; then
        echo "PASS book-search $1 ($(echo "$links" | wc -l) results, $3 among them)"
    else
        echo "FAIL book-search $1: search.html?q=$2 lists no link into $3 (got: $(echo "$links" | head -3 | tr '\n' ' '))"; fail=1
    fi
}
if [ -f "$abs/search.html" ]; then
    check_search "Chinese 页表" "%E9%A1%B5%E8%A1%A8" ch4.html
    check_search "English trampoline" "trampoline" ch4.html
    check_search "identifier ms_mmap" "ms_mmap" ch4.html
    none=$(search "qzxjvwpk")
    if [ -z "$none" ]; then echo "PASS book-search nonsense (no results)"
    else echo "FAIL book-search nonsense: qzxjvwpk lists $(echo "$none" | head -2 | tr '\n' ' ')"; fail=1; fi
else
    echo "FAIL book-search: no search.html"; fail=1
fi

# every chapter page links to each of its own headings (contents and permalinks)
for f in "$abs"/ch[0-9]*.html; do
    name=$(basename "$f")
    dom=$(cat "$tmp/dom-$name")
    missing=$(echo "$dom" | grep -ao '<h[1-4][^>]* id="[^"]*"' | sed 's/.* id="\([^"]*\)"/\1/' | while read -r id; do
        echo "$dom" | grep -qF "class=\"permalink\" href=\"#$id\"" && echo "$dom" | grep -qF "href=\"#$id\"" || echo "$id"; done)
    toc=$(echo "$dom" | grep -c 'class="page-toc"')
    if [ -z "$missing" ] && [ "$toc" -ge 1 ]; then echo "PASS book-headings $name (contents and a permalink for every heading)"
    else echo "FAIL book-headings $name: no link to $(echo "$missing" | head -3 | tr '\n' ' ') (contents: $toc)"; fail=1; fi
done

# the theme switch: ?theme=dark and ?theme=light paint different backgrounds
bg() {
    chrome "$tmp/theme-$1" --dump-dom "file://$page?theme=$1&selftest" 2>/dev/null |
        sed -n 's/.*data-bg="\([^"]*\)".*/\1/p' | head -1
}
dark=$(bg dark)
# the lang-switch runs above had no theme chosen and a light system setting
light=$(chrome "$tmp/lang-both" --dump-dom "file://$page?lang=both&theme=light&selftest" 2>/dev/null |
    sed -n 's/.*data-bg="\([^"]*\)".*/\1/p' | head -1)
if [ -n "$dark" ] && [ -n "$light" ] && [ "$dark" != "$light" ]; then
    echo "PASS book-dark-mode (light $light, dark $dark)"
else
    echo "FAIL book-dark-mode: background light '$light', dark '$dark'"; fail=1
fi
# the system's dark setting is followed when the reader has not chosen
sys=$(chrome "$tmp/theme-sys" --force-dark-mode --blink-settings=preferredColorScheme=0 \
      --dump-dom "file://$page?theme=auto&selftest" 2>/dev/null | sed -n 's/.*data-bg="\([^"]*\)".*/\1/p' | head -1)
if [ "$sys" = "$dark" ]; then echo "PASS book-dark-mode-system (follows prefers-color-scheme)"
else echo "FAIL book-dark-mode-system: with the system in dark mode the background is '$sys', want '$dark'"; fail=1; fi

# screenshots for humans, and proof that the modes look different
for m in zh en both; do
    chrome "$tmp/shot-$m" --hide-scrollbars --window-size=1100,1500 \
        --screenshot="$abs/screenshot-$m.png" "file://$page?lang=$m" >/dev/null 2>&1
done
chrome "$tmp/shot-dark" --hide-scrollbars --window-size=1400,1000 \
    --screenshot="$abs/screenshot-dark.png" "file://$page?lang=both&theme=dark" >/dev/null 2>&1
chrome "$tmp/shot-narrow" --hide-scrollbars --window-size=480,900 \
    --screenshot="$abs/screenshot-narrow.png" "file://$page?lang=zh&theme=light" >/dev/null 2>&1
if [ -s "$abs/screenshot-zh.png" ] && [ -s "$abs/screenshot-en.png" ] &&
   ! cmp -s "$abs/screenshot-zh.png" "$abs/screenshot-en.png"; then
    echo "PASS book-lang-screenshots (out/book/screenshot-{zh,en,both}.png differ)"
else
    echo "FAIL book-lang-screenshots: screenshots missing or identical"; fail=1
fi
exit $fail
