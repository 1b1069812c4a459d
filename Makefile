# The book's top-level Makefile: tangle chapters into kernel trees, build,
# run, test and weave. See README.md.
#
#   make run [CH=n] [APPS=dir] [MEM=128M] [LOG=info]   boot chapter n (default: last)
#            [CONSOLE=dbcn|legacy]                   console path without probing (tests)
#            [INIT=name]                             the first process (chapter 5 on)
#            [FS=image]                              chapter 6 on: boot this disk image, keep what runs write
#   make shell                                      chapter 5 on: the book's shell as INIT
#   make test                                       every test; ends "N passed, N failed"
#   make test-repeat [N=20]                         every QEMU suite N times beside another (load)
#   make debug CH=n                                 QEMU halted, GDB attached
#   make book                                       HTML and PDF in out/book/
#   make tangle                                     out/chN/ for every chapter
#   make clean

CHAPTERS := $(shell ls chapters/ch*.nw | sort -V)
LAST := $(words $(CHAPTERS))
CH ?= $(LAST)
PYTHON ?= python3
TANGLE := $(PYTHON) tangle/nwtangle.py
# Pass only what the user set, so each chapter's own defaults apply.
KERNEL_VARS := $(foreach v,MEM LOG PANIC_TEST CONSOLE INIT,$(if $($(v)),$(v)=$($(v)))) \
	$(if $(APPS),APPS=$(abspath $(APPS))) $(if $(FS),FS=$(abspath $(FS)))

.PHONY: all deps deps-test tangle check run shell debug build test test-repeat clean FORCE

all: build

deps:
	@sh tangle/deps.sh kernel

deps-test:
	@sh tangle/deps.sh test

# Chapter n's tree is chapters 1..n; developer trees carry #line directives
# that point into chapters/*.nw. Files are rewritten only when they change.
# Each tree gets a compile_commands.json for editors (tangle/compdb.py).
tangle: deps
	@$(TANGLE) --check $(CHAPTERS)
	@for n in $$(seq 1 $(LAST)); do \
	    $(TANGLE) --chapter $$n --lines --out out/ch$$n $(CHAPTERS) || exit 1; \
	    $(PYTHON) tangle/compdb.py out/ch$$n || exit 1; \
	done

build: tangle
	@$(MAKE) -s -C out/ch$(CH) all $(KERNEL_VARS)

run: tangle
	@$(MAKE) -s -C out/ch$(CH) run $(KERNEL_VARS)

# Type commands to the book's shell (chapter 5 on); Ctrl-D or `exit` ends it.
shell: tangle
	@$(MAKE) -s -C out/ch$(CH) run $(KERNEL_VARS) INIT=sh

# The #line directives name chapters/*.nw; GDB looks for them beside the tree.
debug: tangle
	@ln -sfn ../../chapters out/ch$(CH)/chapters
	@$(MAKE) -s -C out/ch$(CH) debug $(KERNEL_VARS)

test: deps-test tangle
	@$(PYTHON) tests/run.py $(TESTS)

# Every QEMU suite N times in a row, each run beside another suite's, with
# each suite's pass count (about an hour at N=20; CI does not run it).
N ?= 20
test-repeat: deps-test tangle
	@$(PYTHON) tests/repeat.py $(N)

-include book/book.mk

clean:
	rm -rf out

# Longer libFuzzer runs, FUZZ_SECONDS each, on the device-tree reader, the
# two ELF checkers (chapter 4's and chapter 6's) and the disk layout code
# (make test runs 5 s of each).
FUZZ_SECONDS ?= 60
fuzz: deps-test tangle
	@sh tests/fuzz/fuzz.sh $(FUZZ_SECONDS)

.PHONY: fuzz

-include tangle/snapshot.mk

-include tests/bench/bench.mk
