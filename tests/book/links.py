#!/usr/bin/env python3
"""Every internal link and anchor in the book's HTML resolves; nothing loads from the network.

Checks every href/src in out/book/*.html: the file exists, and a #fragment
names an id in that file. Prints PASS/FAIL lines; exits 1 on failure.
"""
import glob
import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

OUT = os.environ.get("BOOK_OUT", "out/book")


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.refs = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) is not None:
                self.refs.append((tag, key, a[key]))


def main():
    pages = {}
    files = sorted(glob.glob(os.path.join(OUT, "*.html")))
    if not files:
        print(f"FAIL book-links: no HTML in {OUT}")
        return 1
    for f in files:
        p = Page()
        with open(f, encoding="utf-8") as fh:
            p.feed(fh.read())
        pages[os.path.basename(f)] = p
    fail = 0
    for name, p in pages.items():
        bad, count = [], 0
        for tag, key, ref in p.refs:
            u = urlsplit(ref)
            if u.scheme in ("http", "https") or ref.startswith("//"):
                if tag != "a":
                    bad.append(f"<{tag} {key}={ref}> loads from the network")
                continue
            if u.scheme in ("mailto",):
                continue
            count += 1
            target = unquote(u.path) or name
            path = os.path.normpath(os.path.join(OUT, target))
            if not os.path.exists(path):
                bad.append(f"{ref}: no file {target}")
                continue
            if u.fragment:
                tp = pages.get(os.path.basename(target)) if target.endswith(".html") else None
                if tp is None or unquote(u.fragment) not in tp.ids:
                    bad.append(f"{ref}: no anchor #{u.fragment} in {target}")
        if bad:
            fail = 1
            print(f"FAIL book-links {name}: {len(bad)} broken of {count}: " + "; ".join(bad[:5]))
        else:
            print(f"PASS book-links {name} ({count} links)")
    return fail


if __name__ == "__main__":
    sys.exit(main())
