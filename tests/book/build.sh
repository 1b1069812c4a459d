#!/bin/sh
# The book builds: `make book` succeeds and writes the HTML pages and book.pdf.
# Run from the top of the repository. Prints PASS/FAIL lines; exit 1 on failure.
out=${BOOK_OUT:-out/book}
log=$(mktemp)
if make -j2 book >"$log" 2>&1; then
    echo "PASS book-build"
else
    echo "FAIL book-build: make book failed; last lines:"; tail -15 "$log" | sed 's/^/    /'
    rm -f "$log"; exit 1
fi
rm -f "$log"
fail=0
for f in index.html identifiers.html chunks.html search.html search-index.js lunr.js search.js \
         contract.html solutions.html answers.html style.css lang.js book.pdf; do
    if [ -s "$out/$f" ]; then echo "PASS book-output $f"; else echo "FAIL book-output $f: missing or empty"; fail=1; fi
done
student=${BOOK_STUDENT:-out/book-student}
for f in index.html search.html search-index.js contract.html book.pdf; do
    if [ -s "$student/$f" ]; then echo "PASS book-student-output $f"
    else echo "FAIL book-student-output $f: missing or empty"; fail=1; fi
done
n=$(ls chapters/ch*.nw 2>/dev/null | wc -l)
i=1
while [ "$i" -le "$n" ]; do
    if [ -s "$out/ch$i.html" ]; then echo "PASS book-output ch$i.html"; else echo "FAIL book-output ch$i.html: missing"; fail=1; fi
    i=$((i + 1))
done
if [ -f "$out/src/book.log" ]; then
    summary=$(python3 tangle/texlog.py --overfull-max "${BOOK_OVERFULL_MAX:-25}" "$out/src/book.log" 2>&1)
    if [ $? -eq 0 ]; then echo "PASS book-texlog ($summary)"; else echo "FAIL book-texlog: $summary" | tr '\n' ' '; echo; fail=1; fi
fi
exit $fail
