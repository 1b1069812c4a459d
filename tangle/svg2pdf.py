#!/usr/bin/env python3
"""Convert hand-written SVG figures to PDF for the LaTeX book, with headless Chromium.

usage: svg2pdf.py IN.svg OUT.pdf [IN.svg OUT.pdf ...]

Debian 12 has no rsvg-convert or inkscape among the book's packages, so each
SVG is put on a page of exactly its own size and printed. All the figures go
in one run of Chromium (a page each: CSS named pages give each page its
figure's size), and poppler's pdfseparate cuts the result into one PDF per
figure: starting Chromium costs more than printing a figure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# A hang guard for the whole run, not a speed target: a machine under load
# may take minutes, and a slow run is not a wrong one.
TIMEOUT = 900


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


def page(figures):
    """One HTML page that prints figure k alone on page k, of its own size."""
    css, body = [], []
    for k, src in enumerate(figures):
        with open(src, encoding="utf-8") as f:
            w, hgt = size(f.read())
        css.append(f"@page f{k} {{ size: {w:.2f}px {hgt:.2f}px; margin: 0 }}\n"
                   f"#f{k} {{ page: f{k}; width: {w:.2f}px; height: {hgt:.2f}px }}")
        body.append(f'<img id="f{k}" src="file://{os.path.abspath(src)}">')
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; padding: 0 }} img {{ display: block; break-after: page }}
img:last-child {{ break-after: auto }}
{chr(10).join(css)}
</style></head><body>{"".join(body)}</body></html>"""


def pages(pdf):
    r = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True)
    m = re.search(r"^Pages:\s+(\d+)", r.stdout, re.M)
    return int(m.group(1)) if m else 0


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit("usage: svg2pdf.py IN.svg OUT.pdf [IN.svg OUT.pdf ...]")
    pairs = list(zip(args[0::2], args[1::2]))
    tmp = tempfile.mkdtemp(prefix="svg2pdf-")
    try:
        html, pdf = os.path.join(tmp, "figures.html"), os.path.join(tmp, "figures.pdf")
        with open(html, "w", encoding="utf-8") as f:
            f.write(page([src for src, _ in pairs]))
        cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", "--print-to-pdf-no-header",
               f"--print-to-pdf={pdf}", "file://" + html]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
        n = pages(pdf) if os.path.exists(pdf) else 0
        if r.returncode != 0 or n != len(pairs):
            sys.stderr.write(r.stderr)
            sys.stderr.write(f"svg2pdf: Chromium printed {n} pages for {len(pairs)} figures "
                             f"(status {r.returncode})\n")
            return 1
        for k, (src, dst) in enumerate(pairs, 1):
            r = subprocess.run(["pdfseparate", "-f", str(k), "-l", str(k), pdf, dst],
                               capture_output=True, text=True)
            if r.returncode != 0 or not os.path.exists(dst):
                sys.stderr.write(r.stderr + f"svg2pdf: could not convert {src}\n")
                return 1
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
