// Full-text search of the book, offline: the lunr index (Debian's libjs-lunr)
// is built at `make book` time by book/search-build.js and loaded from
// search-index.js as a script, so search.html works from file:// without fetch.
// search.html?q=<words> lists the sections and code chunks that contain every
// word, with the text around the first match.
//
// Words: Latin letters, digits and _ make one token, lower-cased (a C
// identifier such as ms_mmap is one token, and also its parts ms, mmap).
// Chinese has no spaces: a run of Han characters is indexed as its single
// characters and its overlapping pairs (页表 -> 页, 表, 页表), and a query
// run of two or more characters must contain all its pairs.
(function (root) {
  "use strict";
  var WORD = /[a-z0-9_]+|[\u3400-\u9fff\uf900-\ufaff]+/g;
  function isHan(s) { return /^[\u3400-\u9fff\uf900-\ufaff]/.test(s); }
  // The lower-case words of text: runs of Han characters, or of [a-z0-9_].
  function words(text) { return String(text).toLowerCase().match(WORD) || []; }

  function tokens(text) {   // for the index
    var out = [];
    words(text).forEach(function (w) {
      if (isHan(w)) {
        for (var i = 0; i < w.length; i++) {
          out.push(w[i]);
          if (i + 1 < w.length) out.push(w.substr(i, 2));
        }
      } else {
        out.push(w);
        if (w.indexOf("_") >= 0)
          w.split("_").forEach(function (p) { if (p) out.push(p); });
      }
    });
    return out;
  }

  function queryTerms(text) {   // for a query: [{term, prefix}]
    var out = [];
    words(text).forEach(function (w) {
      if (isHan(w)) {
        if (w.length === 1) out.push({ term: w, prefix: false });
        for (var i = 0; i + 1 < w.length; i++) out.push({ term: w.substr(i, 2), prefix: false });
      } else {
        out.push({ term: w, prefix: w.length >= 3 });
      }
    });
    return out;
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { tokens: tokens, queryTerms: queryTerms };
    return;
  }

  function esc(s) {
    return s.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  // the text around the first place a query word occurs, the words marked
  function snippet(text, words) {
    var low = text.toLowerCase(), at = -1;
    for (var i = 0; i < words.length && at < 0; i++) at = low.indexOf(words[i]);
    if (at < 0) return esc(text.slice(0, 160));
    var from = Math.max(0, at - 60), to = Math.min(text.length, at + 100);
    var s = esc(text.slice(from, to));
    words.forEach(function (w) {
      if (!w) return;
      var re = new RegExp(esc(w).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
      s = s.replace(re, function (x) { return "<mark>" + x + "</mark>"; });
    });
    return (from > 0 ? "…" : "") + s + (to < text.length ? "…" : "");
  }

  function search(q) {
    var data = root.BOOK_SEARCH, lunr = root.lunr;
    var terms = queryTerms(q);
    if (!data || !lunr || !terms.length) return [];
    var idx = lunr.Index.load(data.index);
    var hits = idx.query(function (query) {
      terms.forEach(function (t) {
        query.term(t.term, { presence: lunr.Query.presence.REQUIRED, usePipeline: false,
                             wildcard: t.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE });
      });
    });
    return hits.map(function (r) { return data.docs[+r.ref]; });
  }

  function show() {
    var box = document.getElementById("search-results");
    if (!box) return;
    var m = /[?&]q=([^&#]*)/.exec(window.location.search);
    var q = m ? decodeURIComponent(m[1].replace(/\+/g, " ")) : "";
    var inputs = document.querySelectorAll("input[name=q]");
    for (var i = 0; i < inputs.length; i++) inputs[i].value = q;
    if (!q.trim()) {
      box.innerHTML = '<p><span lang="zh-CN">在上方输入要找的词。</span><span lang="en">Type words to find above.</span></p>';
      return;
    }
    var docs = search(q);
    var words = String(q).toLowerCase().split(/\s+/).filter(Boolean);
    var lang = document.documentElement.getAttribute("data-lang");
    var html = '<p class="search-count"><span class="ui" lang="zh-CN">找到 ' + docs.length + ' 处</span>' +
      '<span class="ui" lang="en">' + docs.length + (docs.length === 1 ? " result" : " results") + '</span></p>';
    if (docs.length) {
      html += '<ol class="search-results">';
      docs.slice(0, 100).forEach(function (d) {
        var zh = d.zh ? snippet(d.zh, words) : "", en = d.en ? snippet(d.en, words) : "";
        var page = d.u.split("#")[0];
        html += '<li><a href="' + esc(d.u) + '">' + esc(d.t || d.u) + '</a> <span class="search-page">' +
          esc(page) + '</span>';
        if (d.k === "chunk") html += '<pre class="search-snippet">' + zh + "</pre>";
        else {
          if (zh) html += '<p class="search-snippet" lang="zh-CN">' + zh + "</p>";
          if (en) html += '<p class="search-snippet" lang="en">' + en + "</p>";
        }
        html += "</li>";
      });
      html += "</ol>";
    }
    box.innerHTML = html;
    box.setAttribute("data-results", String(docs.length));
    box.setAttribute("data-lang-shown", lang || "");
  }
  root.bookSearch = search;
  document.addEventListener("DOMContentLoaded", show);
})(typeof window !== "undefined" ? window : this);
