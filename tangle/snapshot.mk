# tangle/snapshot.mk: chapter trees that stand alone, for students; the top
# Makefile includes it. See tangle/snapshot.py.
#   make snapshot [CH=n] [LAB=1]   out/snapshots/chN/ (LAB=1: chN-lab/, exercises stubbed)
#   make snapshots                 both variants of every chapter, and a .tar.gz of each

SNAPSHOT := $(PYTHON) tangle/snapshot.py

snapshot: deps
	@$(SNAPSHOT) --chapter $(CH) $(if $(filter-out 0 no,$(LAB)),--lab) $(CHAPTERS)

snapshots: deps
	@$(SNAPSHOT) --all --tar $(CHAPTERS)

.PHONY: snapshot snapshots
