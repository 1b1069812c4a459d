// Language switch: 中文 / English / 双语; the colour theme (following the
// system's dark mode unless the reader chose, ?theme=dark|light sets it);
// heading permalinks; the page's contents following the reader's position.
// Language switch: 中文 / English / 双语. The choice lives in an attribute of
// <html> (data-lang), which style.css keys on, and in localStorage, so it
// carries across pages, offline, from file://. "?lang=en" in the URL sets it.
(function () {
  var KEY = "book-lang", MODES = ["zh", "en", "both"];
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(mode) {
    try { window.localStorage.setItem(KEY, mode); } catch (e) { /* private mode */ }
  }
  function apply(mode) {
    if (MODES.indexOf(mode) < 0) mode = "both";
    root.setAttribute("data-lang", mode);
    // bilingual figures: one language's rendering in a one-language mode
    var figs = document.querySelectorAll("img[data-langs]");
    for (var f = 0; f < figs.length; f++) {
      var img = figs[f], both = img.getAttribute("data-src-both") || img.getAttribute("src");
      img.setAttribute("data-src-both", both);
      img.setAttribute("src", mode === "both" ? both : both.replace(/\.svg$/, "." + mode + ".svg"));
    }
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++)
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-set-lang") === mode));
  }
  var TKEY = "book-theme";
  function applyTheme(t) {
    if (t !== "dark" && t !== "light") t = "auto";
    root.setAttribute("data-theme", t);
  }
  function storedTheme() {
    try { return window.localStorage.getItem(TKEY); } catch (e) { return null; }
  }
  var tq = /[?&]theme=(dark|light|auto)\b/.exec(window.location.search);
  if (tq) { try { window.localStorage.setItem(TKEY, tq[1]); } catch (e) { /* private mode */ } }
  applyTheme(tq ? tq[1] : storedTheme());
  function isDark() {
    var t = root.getAttribute("data-theme");
    if (t === "auto") return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
    return t === "dark";
  }

  // a permalink (#) after every heading with an id
  function permalinks() {
    var hs = document.querySelectorAll("main h1[id], main h2[id], main h3[id], main h4[id]");
    for (var i = 0; i < hs.length; i++) {
      var a = document.createElement("a");
      a.className = "permalink";
      a.href = "#" + hs[i].id;
      a.setAttribute("aria-label", "permalink");
      a.textContent = "#";
      hs[i].appendChild(a);
    }
  }

  // the page's contents: mark the heading the reader is in
  function followToc() {
    var toc = document.querySelector(".page-toc");
    if (!toc) return;
    var links = toc.querySelectorAll("a[href^='#']"), heads = [];
    for (var i = 0; i < links.length; i++) {
      var h = document.getElementById(decodeURIComponent(links[i].getAttribute("href").slice(1)));
      if (h) heads.push([h, links[i]]);
    }
    var current = null;
    function update() {
      var best = heads.length ? heads[0][1] : null;
      for (var j = 0; j < heads.length; j++)
        if (heads[j][0].getBoundingClientRect().top < 90) best = heads[j][1];
      if (best === current) return;
      if (current) current.classList.remove("current");
      if (best) {
        best.classList.add("current");
        var r = best.getBoundingClientRect(), tr = toc.getBoundingClientRect();
        if (r.top < tr.top || r.bottom > tr.bottom) toc.scrollTop += r.top - tr.top - tr.height / 3;
      }
      current = best;
    }
    window.addEventListener("scroll", update, { passive: true });
    update();
    // narrow screens: the contents is a menu, closed until opened; a choice closes it
    var menu = toc.querySelector("details");
    if (menu && window.matchMedia && window.matchMedia("(max-width: 72rem)").matches) {
      menu.open = false;
      toc.addEventListener("click", function (ev) { if (ev.target.closest("a")) menu.open = false; });
    }
  }

  var query = /[?&]lang=(zh|en|both)\b/.exec(window.location.search);
  if (query) store(query[1]);
  apply(query ? query[1] : stored());
  document.addEventListener("DOMContentLoaded", function () {
    apply(root.getAttribute("data-lang"));
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++)
      buttons[i].addEventListener("click", function (ev) {
        var mode = ev.currentTarget.getAttribute("data-set-lang");
        store(mode);
        apply(mode);
      });
    var tb = document.querySelectorAll("[data-toggle-theme]");
    for (var t = 0; t < tb.length; t++)
      tb[t].addEventListener("click", function () {
        var next = isDark() ? "light" : "dark";
        try { window.localStorage.setItem(TKEY, next); } catch (e) { /* private mode */ }
        applyTheme(next);
      });
    permalinks();
    followToc();
    // For the tests: "?selftest" records what is visible in <html data-visible>.
    if (/[?&]selftest\b/.test(window.location.search)) {
      var count = function (sel) {
        var n = 0, els = document.querySelectorAll("main " + sel);
        for (var j = 0; j < els.length; j++) if (els[j].getClientRects().length) n++;
        return n;
      };
      root.setAttribute("data-visible", "zh:" + count('[lang|="zh"]') + " en:" + count('[lang="en"]'));
      // the first bilingual figure's source in each mode, switched by the buttons
      // as a reader would, then back to the mode the page opened in
      var fig = document.querySelector("img[data-langs]"), btn = function (m) {
        return document.querySelector('[data-set-lang="' + m + '"]');
      };
      if (fig && btn("zh") && btn("en") && btn("both")) {
        var start = root.getAttribute("data-lang"), seen = [];
        ["zh", "en", "both", start].forEach(function (m) {
          btn(m).click();
          seen.push(m + "=" + fig.getAttribute("src"));
        });
        root.setAttribute("data-figsrc", seen.join(" "));
      }
      root.setAttribute("data-bg", getComputedStyle(document.body).backgroundColor);
    }
  });
})();
