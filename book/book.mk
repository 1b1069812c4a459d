# The book: `make book` builds out/book/ (HTML pages + book.pdf) from book/,
# chapters/ and assets/. Included by the top Makefile, which defines
#   CHAPTERS := $(shell ls chapters/ch*.nw | sort -V)
# Route: noweb's markup (tangle/nwparse.py) -> tangle/weave.py (Pandoc
# Markdown with raw HTML/LaTeX chunks) -> pandoc -> HTML pages, and
# -> LaTeX -> xelatex (latexmk) -> book.pdf. See book/README.md.

BOOK_OUT      ?= out/book
BOOK_SRC      := $(BOOK_OUT)/src
BOOK_N        := $(words $(CHAPTERS))
BOOK_PAGES    := index identifiers chunks $(addprefix ch,$(shell seq 1 $(BOOK_N)))
BOOK_HTML     := $(addprefix $(BOOK_OUT)/,$(addsuffix .html,$(BOOK_PAGES)))
BOOK_FIGSRC   := $(wildcard assets/*.svg assets/*.dot)
BOOK_FIGNAMES := $(sort $(basename $(notdir $(BOOK_FIGSRC))))
BOOK_SVG      := $(addprefix $(BOOK_OUT)/assets/,$(addsuffix .svg,$(BOOK_FIGNAMES)))
BOOK_FIGPDF   := $(addprefix $(BOOK_SRC)/assets/,$(addsuffix .pdf,$(BOOK_FIGNAMES)))
BOOK_TOOLS    := tangle/weave.py tangle/highlight.py tangle/nwparse.py
# Overfull boxes tolerated in the PDF before the build fails (the count is printed).
BOOK_OVERFULL_MAX ?= 25
BOOK_PANDOC   := pandoc -f markdown+east_asian_line_breaks --wrap=none
BOOK_TESTS    := tests/book/build.sh tests/book/links.py tests/book/chunks.py tests/book/opener.py \
                 tests/book/bilingual.py tests/book/browser.sh

.PHONY: book book-html book-pdf book-test
book: book-html book-pdf
book-html: $(BOOK_HTML) $(BOOK_OUT)/style.css $(BOOK_OUT)/lang.js $(BOOK_SVG)
book-pdf: $(BOOK_OUT)/book.pdf

book-deps:
	@tangle/deps.sh book

# 1. weave: every page's Markdown at once (chunk numbers are book-wide facts)
$(BOOK_SRC)/.stamp: $(CHAPTERS) $(BOOK_TOOLS) book/front.md book/book.mk
	@mkdir -p $(BOOK_SRC)
	python3 tangle/weave.py --out $(BOOK_SRC) --front book/front.md $(CHAPTERS)
	@touch $@

# 2. HTML: pandoc once per page
$(BOOK_OUT)/%.html: $(BOOK_SRC)/.stamp book/template.html
	$(BOOK_PANDOC) -t html5 --mathml --template book/template.html \
	    --metadata-file $(BOOK_SRC)/$*.yaml $(BOOK_SRC)/$*.md -o $@

$(BOOK_OUT)/style.css: book/style.css
	@mkdir -p $(@D) && cp $< $@
$(BOOK_OUT)/lang.js: book/lang.js
	@mkdir -p $(@D) && cp $< $@

# figures: graphviz -> SVG (HTML) and PDF (LaTeX); hand-written SVG -> PDF via Chromium
$(BOOK_OUT)/assets/%.svg: assets/%.dot
	@mkdir -p $(@D) && dot -Tsvg $< -o $@
$(BOOK_OUT)/assets/%.svg: assets/%.svg
	@mkdir -p $(@D) && cp $< $@
$(BOOK_SRC)/assets/%.pdf: assets/%.dot
	@mkdir -p $(@D) && dot -Tpdf $< -o $@
$(BOOK_SRC)/assets/%.pdf: assets/%.svg tangle/svg2pdf.py
	@mkdir -p $(@D) && python3 tangle/svg2pdf.py $< $@

# 3. PDF: one pandoc run for the whole book, then xelatex through latexmk
$(BOOK_SRC)/book.tex: $(BOOK_SRC)/.stamp book/template.tex book/latex.lua $(BOOK_FIGPDF)
	$(BOOK_PANDOC) -t latex --no-highlight --top-level-division=chapter \
	    --template book/template.tex --lua-filter book/latex.lua $(BOOK_SRC)/book.md -o $@

$(BOOK_OUT)/book.pdf: $(BOOK_SRC)/book.tex book/preamble.tex $(BOOK_FIGPDF) tangle/texlog.py
	cp book/preamble.tex $(BOOK_SRC)/preamble.tex
	cd $(BOOK_SRC) && latexmk -xelatex -interaction=nonstopmode -halt-on-error -file-line-error \
	    book.tex >latexmk.out 2>&1 || { rm -f book.fdb_latexmk; grep -A3 -E '^(!|.*:[0-9]+:)' book.log | head -40; \
	    echo "book: xelatex failed; see $(BOOK_SRC)/book.log" >&2; exit 1; }
	python3 tangle/texlog.py --overfull-max $(BOOK_OVERFULL_MAX) $(BOOK_SRC)/book.log
	cp $(BOOK_SRC)/book.pdf $@

book-test: book
	@fail=0; for t in $(BOOK_TESTS); do ./$$t || fail=1; done; exit $$fail

book-clean:
	rm -rf $(BOOK_OUT)
