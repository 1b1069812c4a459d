#!/bin/sh
# The book suite: build it once, then check links, chunks, both languages
# and the browser, in that order (the checks read the built book).
cd "$(dirname "$0")/../.."
status=0
for t in tests/book/build.sh tests/book/links.py tests/book/chunks.py tests/book/opener.py \
         tests/book/bilingual.py tests/book/editions.py tests/book/figures.py tests/book/browser.py; do
    "$t" || status=1
done
exit $status
