# The book: `make book` builds two editions, each as HTML pages + book.pdf:
#   out/book/          the reader's edition: exercise solutions gathered in a
#                      "Solutions" appendix (folded in HTML), answers to the
#                      chapters' questions in an "Answers" appendix;
#   out/book-student/  the student edition: no solution code at all (each
#                      exercise shows its stub), no answers.
# Included by the top Makefile, which defines
#   CHAPTERS := $(shell ls chapters/ch*.nw | sort -V)
# Route: noweb's markup (tangle/nwparse.py) -> tangle/weave.py (Pandoc
# Markdown with raw HTML/LaTeX chunks) -> pandoc -> HTML pages, and
# -> LaTeX -> xelatex (latexmk) -> book.pdf. Search: tangle/searchdocs.py
# reads the HTML pages, book/search-build.js (node + Debian's libjs-lunr)
# writes the index into search-index.js. See book/README.md.

BOOK_OUT      ?= out/book
BOOK_STUDENT  ?= out/book-student
BOOK_N        := $(words $(CHAPTERS))
BOOK_WRITTEN  := $(patsubst book/appendix-%.md,%,$(wildcard book/appendix-*.md))
# pages of each edition (contract, glossary: book/appendix-*.md)
BOOK_COMMON   := index identifiers chunks search $(addprefix ch,$(shell seq 1 $(BOOK_N))) $(BOOK_WRITTEN)
BOOK_PAGES_reader  := $(BOOK_COMMON) solutions answers
BOOK_PAGES_student := $(BOOK_COMMON)
BOOK_FIGSRC   := $(wildcard assets/*.svg assets/*.dot)
BOOK_FIGNAMES := $(sort $(basename $(notdir $(BOOK_FIGSRC))))
BOOK_SVGNAMES := $(sort $(basename $(notdir $(wildcard assets/*.svg))))
# figures with labels in both languages (<text lang="en"> in an .svg, {中文|English}
# pairs in a .dot; book/CONVENTIONS.md, "Figures"): one rendering per language too
BOOK_LANGFIGS := $(basename $(notdir $(shell grep -l -E '<(text|tspan)[^>]*lang="en"' assets/*.svg 2>/dev/null) \
                                     $(shell grep -l -E '\{[^{}|]*\|[^{}|]*\}' assets/*.dot 2>/dev/null)))
BOOK_TOOLS    := tangle/weave.py tangle/highlight.py tangle/nwparse.py tangle/dotlang.py
BOOK_STATIC   := style.css lang.js search.js
LUNR_JS       := /usr/share/javascript/lunr/lunr.min.js
# Overfull boxes tolerated in the PDF before the build fails (the count is printed).
BOOK_OVERFULL_MAX ?= 25
BOOK_PANDOC   := pandoc -f markdown+east_asian_line_breaks --wrap=none
BOOK_TESTS    := tests/book/build.sh tests/book/links.py tests/book/chunks.py tests/book/opener.py \
                 tests/book/bilingual.py tests/book/editions.py tests/book/figures.py tests/book/browser.py

.PHONY: book book-html book-pdf book-test book-deps book-clean
book: book-html book-pdf
book-deps:
	@tangle/deps.sh book

# $(1) = output directory, $(2) = edition (reader or student)
define BOOK_EDITION
$(1)/src/.stamp: $(CHAPTERS) $(BOOK_TOOLS) $(BOOK_FIGSRC) book/front.md book/book.mk $(wildcard book/appendix-*.md)
	@mkdir -p $(1)/src
	python3 tangle/weave.py --edition $(2) --out $(1)/src --front book/front.md $(CHAPTERS)
	@touch $$@

$(1)/%.html: $(1)/src/.stamp book/template.html
	$(BOOK_PANDOC) -t html5 --mathml --toc --toc-depth=3 --template book/template.html \
	    --metadata-file $(1)/src/$$*.yaml $(1)/src/$$*.md -o $$@

$(1)/%.css: book/%.css
	@mkdir -p $$(@D) && cp $$< $$@
$(1)/%.js: book/%.js
	@mkdir -p $$(@D) && cp $$< $$@
$(1)/lunr.js: $(LUNR_JS)
	@mkdir -p $$(@D) && cp $$< $$@
$(1)/search-index.js: $(addprefix $(1)/,$(addsuffix .html,$(BOOK_PAGES_$(2)))) tangle/searchdocs.py book/search-build.js book/search.js
	python3 tangle/searchdocs.py $(1) | node book/search-build.js > $$@.tmp && mv $$@.tmp $$@

# figures: X.svg (bilingual: HTML's bilingual mode and, as PDF, the book.pdf),
# X.zh.svg and X.en.svg (one-language modes, swapped in by book/lang.js)
$(1)/assets/%.zh.svg: assets/%.svg tangle/svglang.py
	@mkdir -p $$(@D) && python3 tangle/svglang.py zh $$< $$@
$(1)/assets/%.en.svg: assets/%.svg tangle/svglang.py
	@mkdir -p $$(@D) && python3 tangle/svglang.py en $$< $$@
$(1)/assets/%.zh.svg: assets/%.dot tangle/dotlang.py
	@mkdir -p $$(@D) && python3 tangle/dotlang.py zh $$< $$@.dot && dot -Tsvg $$@.dot -o $$@ && rm $$@.dot
$(1)/assets/%.en.svg: assets/%.dot tangle/dotlang.py
	@mkdir -p $$(@D) && python3 tangle/dotlang.py en $$< $$@.dot && dot -Tsvg $$@.dot -o $$@ && rm $$@.dot
$(1)/assets/%.svg: assets/%.dot tangle/dotlang.py
	@mkdir -p $$(@D) && python3 tangle/dotlang.py both $$< $$@.dot && dot -Tsvg $$@.dot -o $$@ && rm $$@.dot
$(1)/assets/%.svg: assets/%.svg tangle/svglang.py
	@mkdir -p $$(@D) && python3 tangle/svglang.py both $$< $$@
# The figures' PDFs are the same in both editions: the reader's edition
# makes them, the student's copies them. The SVG figures are printed in one
# run of Chromium (svg2pdf.py), which costs less than one run per figure.
ifeq ($(2),reader)
$(1)/src/assets/%.pdf: assets/%.dot tangle/dotlang.py
	@mkdir -p $$(@D) && python3 tangle/dotlang.py both $$< $$@.dot && dot -Tpdf $$@.dot -o $$@ && rm $$@.dot
$(addprefix $(1)/src/assets/,$(addsuffix .pdf,$(BOOK_SVGNAMES))) &: \
		$(addprefix $(1)/assets/,$(addsuffix .svg,$(BOOK_SVGNAMES))) tangle/svg2pdf.py
	@mkdir -p $(1)/src/assets && python3 tangle/svg2pdf.py \
	    $(foreach f,$(BOOK_SVGNAMES),$(1)/assets/$(f).svg $(1)/src/assets/$(f).pdf)
else
$(1)/src/assets/%.pdf: $(BOOK_OUT)/src/assets/%.pdf
	@mkdir -p $$(@D) && cp $$< $$@
endif

$(1)/src/book.tex: $(1)/src/.stamp book/template.tex book/latex.lua $(addprefix $(1)/src/assets/,$(addsuffix .pdf,$(BOOK_FIGNAMES)))
	$(BOOK_PANDOC) -t latex --no-highlight --top-level-division=chapter \
	    --template book/template.tex --lua-filter book/latex.lua $(1)/src/book.md -o $$@

$(1)/book.pdf: $(1)/src/book.tex book/preamble.tex tangle/texlog.py
	cp book/preamble.tex $(1)/src/preamble.tex
	cd $(1)/src && latexmk -xelatex -interaction=nonstopmode -halt-on-error -file-line-error \
	    book.tex >latexmk.out 2>&1 || { rm -f book.fdb_latexmk; grep -A3 -E '^(!|.*:[0-9]+:)' book.log | head -40; \
	    echo "book: xelatex failed; see $(1)/src/book.log" >&2; exit 1; }
	python3 tangle/texlog.py --overfull-max $(BOOK_OVERFULL_MAX) $(1)/src/book.log
	cp $(1)/src/book.pdf $$@

book-html: $(addprefix $(1)/,$(addsuffix .html,$(BOOK_PAGES_$(2))) $(BOOK_STATIC) lunr.js search-index.js) \
           $(addprefix $(1)/assets/,$(addsuffix .svg,$(BOOK_FIGNAMES))) \
           $(foreach f,$(BOOK_LANGFIGS),$(1)/assets/$(f).zh.svg $(1)/assets/$(f).en.svg)
book-pdf: $(1)/book.pdf
endef

$(eval $(call BOOK_EDITION,$(BOOK_OUT),reader))
$(eval $(call BOOK_EDITION,$(BOOK_STUDENT),student))

book-test: book
	@fail=0; for t in $(BOOK_TESTS); do ./$$t || fail=1; done; exit $$fail

book-clean:
	rm -rf $(BOOK_OUT) $(BOOK_STUDENT)
