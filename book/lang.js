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
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++)
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-set-lang") === mode));
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
    // For the tests: "?selftest" records what is visible in <html data-visible>.
    if (/[?&]selftest\b/.test(window.location.search)) {
      var count = function (sel) {
        var n = 0, els = document.querySelectorAll("main " + sel);
        for (var j = 0; j < els.length; j++) if (els[j].getClientRects().length) n++;
        return n;
      };
      root.setAttribute("data-visible", "zh:" + count('[lang|="zh"]') + " en:" + count('[lang="en"]'));
    }
  });
})();
