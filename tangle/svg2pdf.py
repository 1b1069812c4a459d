#!/usr/bin/env python3
"""Convert a hand-written SVG figure to PDF for the LaTeX book, with headless Chromium.

usage: svg2pdf.py IN.svg OUT.pdf

Debian 12 has no rsvg-convert or inkscape among the book's packages, so the
SVG is put on a page of exactly its own size and printed.
"""
import os
import re
import subprocess
import sys
import tempfile


def size(svg):
    head = re.search(r"<svg\b[^>]*>", svg, re.S).group(0)
    def attr(name):
        m = re.search(r'\b%s="([\d.]+)(px|pt)?"' % name, head)
        if not m:
            return None
        v = float(m.group(1))
        return v * 4 / 3 if m.group(2) == "pt" else v
    w, hgt = attr("width"), attr("height")
    if w is None or hgt is None:
        vb = re.search(r'viewBox="[\d.-]+[ ,]+[\d.-]+[ ,]+([\d.]+)[ ,]+([\d.]+)"', head)
        w, hgt = (float(vb.group(1)), float(vb.group(2))) if vb else (600.0, 400.0)
    return w, hgt


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        svg = f.read()
    w, hgt = size(svg)
    tmp = tempfile.mkdtemp(prefix="svg2pdf-")
    page = os.path.join(tmp, "page.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page {{ size: {w:.2f}px {hgt:.2f}px; margin: 0 }}
html, body {{ margin: 0; padding: 0 }} img {{ display: block; width: {w:.2f}px; height: {hgt:.2f}px }}
</style></head><body><img src="file://{os.path.abspath(src)}"></body></html>""")
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", "--print-to-pdf-no-header",
           f"--print-to-pdf={os.path.abspath(dst)}", "file://" + page]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0 or not os.path.exists(dst):
        sys.stderr.write(r.stderr)
        sys.stderr.write(f"svg2pdf: could not convert {src}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
