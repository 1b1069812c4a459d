// Build the book's search index: JSON documents from tangle/searchdocs.py on
// stdin -> "window.BOOK_SEARCH = {index, docs};" on stdout, a script that
// search.html loads (so the search works from file://).
// lunr comes from Debian's libjs-lunr; the tokenizer is book/search.js's, so
// the index and the queries split text the same way. lunr's own pipeline
// (English stemmer, stop words, trimmer) is switched off: it would drop Han
// characters and cut identifiers.
"use strict";
const fs = require("fs");
const path = require("path");
const lunr = require("/usr/share/javascript/lunr/lunr.js");
const { tokens } = require(path.join(__dirname, "search.js"));

const docs = JSON.parse(fs.readFileSync(0, "utf8"));
const index = lunr(function () {
  this.pipeline.reset();
  this.searchPipeline.reset();
  this.ref("i");
  this.field("t", { boost: 5 });
  this.field("b");
  docs.forEach((d, i) => {
    this.add({ i: String(i), t: tokens(d.t).join(" "), b: tokens(d.zh + " " + d.en).join(" ") });
  });
});
const shown = docs.map((d) => ({ u: d.u, k: d.k, t: d.t, zh: d.zh, en: d.en }));
process.stdout.write("window.BOOK_SEARCH = " + JSON.stringify({ index: index.toJSON(), docs: shown }) + ";\n");
