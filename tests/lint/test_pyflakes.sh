#!/bin/sh
# Dead code in our Python tools and tests: pyflakes (Debian's pyflakes3)
# reports unused imports and locals, undefined names and the like.
cd "$(dirname "$0")/../.."
if ! command -v pyflakes3 >/dev/null; then
    echo "FAIL pyflakes: pyflakes3 is missing (make deps-test installs it)"
    exit 1
fi
status=0
files=$(find tangle tests book -name '*.py' -not -path '*/fixtures/*' | sort)
for f in $files; do
    if out=$(pyflakes3 "$f" 2>&1); then
        echo "PASS pyflakes $f"
    else
        echo "FAIL pyflakes $f: $(echo "$out" | wc -l) problems"
        echo "$out" | sed 's/^/     | /'
        status=1
    fi
done
exit $status
