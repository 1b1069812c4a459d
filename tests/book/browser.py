#!/usr/bin/env python3
"""Headless Chromium: every HTML page loads from file:// with no console
messages (errors, failed loads); the language and theme switches change what
is visible; the search finds Chinese and English words and C identifiers
(and nothing for a nonsense word); every chapter page links to each of its
headings. Keeps screenshots in out/book/ for humans.
Prints PASS/FAIL lines; exit 1 on failure.

One Chromium process does all of it, driven over the DevTools protocol
through --remote-debugging-pipe (it reads NUL-terminated JSON commands on
fd 3 and writes NUL-terminated replies and events on fd 4), with the
standard library only. A check that wants a fresh profile (its own
localStorage) gets a fresh browser context (Target.createBrowserContext).
Every command and every wait has a time limit, so a hang fails the test
instead of blocking it; Chromium is killed at the end whatever happens.
"""
import base64
import fcntl
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60   # seconds for any one command or wait


class BrowserError(Exception):
    """Chromium failed to answer: a timeout, an error reply, or it is gone."""


class Chrome:
    """One headless Chromium, spoken to over --remote-debugging-pipe."""

    def __init__(self, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():   # in the child: its fd 3 reads our commands, its fd 4 writes to us
            hi_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 10)
            hi_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 10)
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)
        # close_fds=False: the fds Python opened are close-on-exec anyway
        # (PEP 446), and fds 3 and 4 must survive the exec
        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-pipe"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=fds, start_new_session=True)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = {}      # sessionId (None for the browser) -> [event, ...]
        self.replies = {}     # id -> reply
        self.broken = None    # why Chromium is no longer to be asked anything
        self.timeouts = 0

    def _read(self, deadline):
        """Read what Chromium wrote and sort it into replies and events."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([self.from_chrome], [], [], left)
        if not ready:
            raise TimeoutError
        data = os.read(self.from_chrome, 1 << 20)
        if not data:
            raise BrowserError("Chromium closed its pipe (exit status %s)" % self.proc.poll())
        self.buf += data
        *msgs, self.buf = self.buf.split(b"\0")
        for raw in msgs:
            msg = json.loads(raw)
            if "id" in msg:
                self.replies[msg["id"]] = msg
            else:
                self.events.setdefault(msg.get("sessionId"), []).append(msg)

    def _guard(self, what, fn):
        if self.broken:
            raise BrowserError(self.broken)
        try:
            return fn()
        except TimeoutError:
            # one hung page fails its own check; a browser that keeps
            # hanging fails the rest at once rather than 60 s each
            self.timeouts += 1
            if self.timeouts < 3:
                raise BrowserError("no answer to %s within %d s" % (what, TIMEOUT))
            self.broken = "no answer to %s within %d s, %d times" % (what, TIMEOUT, self.timeouts)
        except (BrowserError, OSError, ValueError) as e:
            self.broken = "%s: %s" % (what, e)
        raise BrowserError(self.broken)

    def send(self, method, params=None, session=None):
        """Run one command; return its result or raise BrowserError."""
        self.next_id += 1
        n = self.next_id
        msg = {"id": n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session

        def run():
            data = json.dumps(msg).encode() + b"\0"
            while data:
                data = data[os.write(self.to_chrome, data):]
            deadline = time.monotonic() + TIMEOUT
            while n not in self.replies:
                self._read(deadline)
            return self.replies.pop(n)
        reply = self._guard(method, run)
        if "error" in reply:
            raise BrowserError("%s: %s" % (method, reply["error"].get("message")))
        return reply.get("result", {})

    def wait_event(self, session, method, match=lambda params: True):
        """Wait for the session's event `method` whose params match; return them."""
        def run():
            deadline = time.monotonic() + TIMEOUT
            while True:
                for ev in self.events.get(session, []):
                    if ev["method"] == method and match(ev["params"]):
                        return ev["params"]
                self._read(deadline)
        return self._guard(method, run)

    def close(self):
        """Ask Chromium to quit, then kill its process group whatever happened."""
        try:
            if not self.broken:
                self.send("Browser.close")
                self.proc.wait(timeout=10)
        except (BrowserError, subprocess.TimeoutExpired):
            pass
        finally:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)   # the session start_new_session made
            except ProcessLookupError:
                pass
            self.proc.wait()
            os.close(self.to_chrome)
            os.close(self.from_chrome)


def messages(events):
    """What the old script grepped Chromium's log for (console messages,
    Uncaught exceptions, failed and refused loads), one line each."""
    out = []
    for ev in events:
        p = ev["params"]
        if ev["method"] == "Runtime.consoleAPICalled":
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            out.append("CONSOLE %s: %s" % (p.get("type"), args))
        elif ev["method"] == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("%s %s (%s:%s)" % (d.get("text", ""), d.get("exception", {}).get("description", ""),
                                           d.get("url", ""), d.get("lineNumber", "")))
        elif ev["method"] == "Log.entryAdded":
            e = p.get("entry", {})
            # --v=0 before logged console messages from info up: not Chromium's
            # own verbose hints (e.g. "[DOM] Input elements should have ...")
            if e.get("level") != "verbose":
                out.append("CONSOLE %s %s: %s (%s)" % (e.get("source"), e.get("level"),
                                                        e.get("text"), e.get("url", "")))
    return [" ".join(line.split()) for line in out]   # one line each


class Book:
    def __init__(self, chrome):
        self.chrome = chrome

    def context(self):
        """A fresh profile: its own localStorage."""
        return self.chrome.send("Target.createBrowserContext")["browserContextId"]

    def load(self, url, ctx, setup=(), shot=None):
        """Open file://url in a new tab of browser context ctx, after the
        (method, params) commands in setup; wait for its load event. Returns
        dom (the serialized DOM, '' if none), attrs (<html>'s data-visible,
        data-figsrc, data-bg, data-lang), msgs (console messages, exceptions,
        failed loads) and err (why Chromium did not answer, or None).
        shot = file name: save a PNG screenshot of the viewport there."""
        r = {"dom": "", "attrs": {}, "msgs": [], "err": None}
        c = self.chrome
        try:
            tid = c.send("Target.createTarget", {"url": "about:blank", "browserContextId": ctx})["targetId"]
            sid = c.send("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
            try:
                for method in ("Page.enable", "Runtime.enable", "Log.enable"):
                    c.send(method, session=sid)
                c.send("Page.setLifecycleEventsEnabled", {"enabled": True}, sid)
                for method, params in setup:
                    c.send(method, params, sid)
                c.events[sid] = []   # only what the page itself brings
                nav = c.send("Page.navigate", {"url": "file://" + url}, sid)
                if nav.get("errorText"):
                    r["msgs"].append("navigation: " + nav["errorText"])
                else:   # the load event (Page.loadEventFired) of this document, not about:blank's
                    c.wait_event(sid, "Page.lifecycleEvent", lambda p: p.get("name") == "load"
                                 and p.get("loaderId") == nav.get("loaderId"))
                js = ("(() => { const h = document.documentElement; if (!h) return {dom: ''};"
                      " const a = {}; for (const k of ['data-visible', 'data-figsrc', 'data-bg', 'data-lang'])"
                      " if (h.hasAttribute(k)) a[k] = h.getAttribute(k);"
                      " return {dom: h.outerHTML, attrs: a}; })()")
                res = c.send("Runtime.evaluate", {"expression": js, "returnByValue": True}, sid)
                if "exceptionDetails" in res:
                    raise BrowserError("reading the DOM: " + res["exceptionDetails"].get("text", ""))
                val = res["result"]["value"]
                r["dom"], r["attrs"] = val.get("dom", ""), val.get("attrs", {})
                if shot:
                    png = c.send("Page.captureScreenshot", {"format": "png"}, sid)["data"]
                    with open(shot, "wb") as f:
                        f.write(base64.b64decode(png))
                r["msgs"] += messages(c.events.pop(sid, []))
            finally:
                try:
                    c.send("Target.closeTarget", {"targetId": tid})
                except BrowserError:
                    pass
        except BrowserError as e:
            r["err"] = str(e)
        return r

    def attr(self, url, ctx, name, setup=()):
        r = self.load(url, ctx, setup)
        return r["attrs"].get(name, ""), r["err"]


def why(err):
    return " (%s)" % err if err else ""


def main():
    out = os.environ.get("BOOK_OUT", "out/book")
    if not os.path.isdir(out):
        print("FAIL book-browser: no %s" % out)
        return 1
    abs_out = os.path.realpath(out)
    tmp = tempfile.mkdtemp()
    chrome = None
    try:
        try:
            chrome = Chrome(os.path.join(tmp, "profile"))
        except OSError as e:
            print("FAIL book-browser: cannot start chromium: %s" % e)
            return 1
        return checks(Book(chrome), abs_out)
    finally:
        if chrome:
            chrome.close()
        shutil.rmtree(tmp, ignore_errors=True)


def checks(b, abs_out):
    fail = 0

    def say(ok, line):
        nonlocal fail
        if not ok:
            fail = 1
        print(("PASS " if ok else "FAIL ") + line, flush=True)

    def fresh():   # a fresh profile; None if Chromium no longer answers
        try:
            return b.context()
        except BrowserError:
            return None

    doms = {}
    for name in sorted(os.listdir(abs_out)):
        if not name.endswith(".html"):
            continue
        r = b.load(os.path.join(abs_out, name), fresh())
        doms[name] = r["dom"]   # kept for the headings check below
        if not r["dom"]:
            say(False, "book-browser %s: Chromium produced no DOM%s" % (name, why(r["err"])))
        elif r["msgs"]:
            say(False, "book-browser %s: console: %s" % (name, " ".join(r["msgs"][:3])))
        else:
            say(True, "book-browser %s (no console messages)" % name)

    # The language switch: ?lang=X sets the mode; ?selftest makes lang.js record
    # how many zh / en elements are visible in <html data-visible="zh:N en:M">.
    page = os.path.join(abs_out, "ch1.html")
    if not os.path.isfile(page):
        page = os.path.join(abs_out, "index.html")
    lang_ctx = {}
    want = {"zh": (r"zh:[1-9].* en:0", "Chinese only"), "en": (r"zh:0 en:[1-9].*", "English only"),
            "both": (r"zh:[1-9].* en:[1-9].*", "both")}
    for m in ("zh", "en", "both"):
        lang_ctx[m] = fresh()
        vis, err = b.attr(page + "?lang=%s&selftest" % m, lang_ctx[m], "data-visible")
        if re.fullmatch(want[m][0], vis):
            say(True, "book-lang-switch %s (%s)" % (m, vis))
        else:
            say(False, "book-lang-switch %s: visible '%s', want %s%s" % (m, vis, want[m][1], why(err)))

    # figures: the language buttons swap a figure's rendering (x.zh.svg, x.en.svg,
    # x.svg for both; book/lang.js) and back, and each rendering is there (file://)
    figsrc, err = b.attr(page + "?lang=both&selftest", fresh(), "data-figsrc")
    pairs = figsrc.split()
    figok = len(pairs) == 4
    srcs = []
    for pair in pairs:
        m, _, src = pair.partition("=")
        srcs.append(src)
        if (m == "zh" and src.endswith(".zh.svg")) or (m == "en" and src.endswith(".en.svg")):
            pass
        elif m == "both" and (src.endswith(".zh.svg") or src.endswith(".en.svg")):
            figok = False
        elif m == "both" and src.endswith(".svg"):
            pass
        else:
            figok = False
        f = abs_out + "/" + src
        if not (os.path.isfile(f) and os.path.getsize(f) > 0):
            figok = False
    # zh, en and both differ; the last (back to the opening mode, both) is both's again
    if figok and srcs[0] != srcs[1] and srcs[1] != srcs[2] and srcs[2] == srcs[3]:
        say(True, "book-lang-figures (%s)" % figsrc)
    else:
        say(False, "book-lang-figures: the first figure's sources by mode: '%s'%s" % (figsrc, why(err)))

    # remembered across pages: choose English on one page, open another without ?lang
    other = os.path.join(abs_out, "index.html")
    remember = fresh()
    b.load(page + "?lang=en", remember)
    mode, err = b.attr(other + "?selftest", remember, "data-lang")
    if mode == "en":
        say(True, "book-lang-remembered (localStorage)")
    else:
        say(False, "book-lang-remembered: index.html opened in mode '%s' after choosing en%s" % (mode, why(err)))

    # search from file://: search.html?q=... lists links into the right chapters
    search_ctx = fresh()   # one profile for all the searches, as before

    def search(q):   # the result links into the book's pages
        r = b.load(os.path.join(abs_out, "search.html") + "?q=" + q, search_ctx)
        links = []
        for piece in r["dom"].split("<"):
            m = re.match(r'a href="([^"]*)"', piece.split("\n")[0])
            if m and re.match(r"[a-z0-9-]+\.html#", m.group(1)):
                links.append(m.group(1))
        return links, r["err"]

    def check_search(label, q, want):
        links, err = search(q)
        if any(link.startswith(want + "#") for link in links):
            say(True, "book-search %s (%d results, %s among them)" % (label, len(links), want))
        else:
            say(False, "book-search %s: search.html?q=%s lists no link into %s (got: %s)%s"
                % (label, q, want, " ".join(links[:3]), why(err)))
    if os.path.isfile(os.path.join(abs_out, "search.html")):
        check_search("Chinese 页表", "%E9%A1%B5%E8%A1%A8", "ch4.html")
        check_search("English trampoline", "trampoline", "ch4.html")
        check_search("identifier ms_mmap", "ms_mmap", "ch4.html")
        none, err = search("qzxjvwpk")
        if not none and not err:
            say(True, "book-search nonsense (no results)")
        else:
            say(False, "book-search nonsense: qzxjvwpk lists %s%s" % (" ".join(none[:2]), why(err)))
    else:
        say(False, "book-search: no search.html")

    # every chapter page links to each of its own headings (contents and permalinks)
    for name in sorted(n for n in doms if re.fullmatch(r"ch[0-9].*\.html", n)):
        dom = doms[name]
        missing = []
        for tag in re.findall(r'<h[1-4][^>\n]* id="[^"\n]*"', dom):
            hid = re.search(r'.* id="([^"]*)"', tag).group(1)
            if not ('class="permalink" href="#%s"' % hid in dom and 'href="#%s"' % hid in dom):
                missing.append(hid)
        toc = sum(1 for line in dom.split("\n") if 'class="page-toc"' in line)
        if not missing and toc >= 1:
            say(True, "book-headings %s (contents and a permalink for every heading)" % name)
        else:
            say(False, "book-headings %s: no link to %s (contents: %d)" % (name, " ".join(missing[:3]), toc))

    # the theme switch: ?theme=dark and ?theme=light paint different backgrounds
    dark, err_d = b.attr(page + "?theme=dark&selftest", fresh(), "data-bg")
    # the lang-switch runs above had no theme chosen and a light system setting
    light, err_l = b.attr(page + "?lang=both&theme=light&selftest", lang_ctx["both"], "data-bg")
    if dark and light and dark != light:
        say(True, "book-dark-mode (light %s, dark %s)" % (light, dark))
    else:
        say(False, "book-dark-mode: background light '%s', dark '%s'%s" % (light, dark, why(err_d or err_l)))
    # the system's dark setting is followed when the reader has not chosen.
    # (The old script started Chromium with --force-dark-mode
    # --blink-settings=preferredColorScheme=0; here the page's session
    # emulates the media feature prefers-color-scheme: dark, which is what
    # lang.js's matchMedia and style.css's @media see.)
    sys_bg, err = b.attr(page + "?theme=auto&selftest", fresh(), "data-bg", setup=[
        ("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})])
    # (browser.sh passed when both were empty; an empty one fails here)
    if sys_bg and sys_bg == dark:
        say(True, "book-dark-mode-system (follows prefers-color-scheme)")
    else:
        say(False, "book-dark-mode-system: with the system in dark mode the background is '%s', want '%s'%s"
            % (sys_bg, dark, why(err)))

    # screenshots for humans, and proof that the modes look different
    # (a viewport of the old --window-size, scrollbars hidden as --hide-scrollbars did)
    def shot(name, query, width, height):
        path = os.path.join(abs_out, "screenshot-%s.png" % name)
        if os.path.exists(path):
            os.remove(path)   # no stale picture passes for a new one
        b.load(page + query, fresh(), shot=path, setup=[
            ("Emulation.setDeviceMetricsOverride",
             {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}),
            ("Emulation.setScrollbarsHidden", {"hidden": True})])
        return path
    shots = {m: shot(m, "?lang=" + m, 1100, 1500) for m in ("zh", "en", "both")}
    shot("dark", "?lang=both&theme=dark", 1400, 1000)
    shot("narrow", "?lang=zh&theme=light", 480, 900)

    def data(p):
        try:
            with open(p, "rb") as f:
                return f.read()
        except OSError:
            return b""
    zh_png, en_png = data(shots["zh"]), data(shots["en"])
    if zh_png and en_png and zh_png != en_png:
        say(True, "book-lang-screenshots (out/book/screenshot-{zh,en,both}.png differ)")
    else:
        say(False, "book-lang-screenshots: screenshots missing or identical")
    return fail


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))   # still kill Chromium
    sys.exit(main())
