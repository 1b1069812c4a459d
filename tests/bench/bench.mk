# bench.mk: `make bench` (included by the top Makefile). Exact guest-instruction
# costs under QEMU -icount of each chapter kernel, built with BENCH=1; prints
# one table and writes out/bench/results.json. See tests/bench/bench.py.
.PHONY: bench
bench: tangle
	@$(PYTHON) tests/bench/bench.py
