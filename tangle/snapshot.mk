# tangle/snapshot.mk: chapter trees that stand alone, for students; the top
# Makefile includes it. See tangle/snapshot.py and INSTRUCTOR.md.
#   make snapshot [CH=n]               out/snapshots/full/chN/ and chN.tar.gz
#   make snapshot CH=n LAB=1           out/snapshots/lab/chN-lab/ and chN-lab.tar.gz, exercises stubbed
#        ... LAB=all                   also stubs earlier chapters' exercises still in the tree
#        ... LAB=1 EXERCISES=4a,4b     stubs only the exercises named (numbers or chunk names)
#   make snapshots                     both variants of every chapter, with tarballs
#        ... STUDENT_BOOK=1            lab trees also get the student edition in doc/
#   make patch CH=n                    out/snapshots/patches/chN-to-chN+1.patch
#   make snapshots-git                 out/snapshots/git: a commit per chapter, a chN-lab branch each
#   make grade CH=n STUDENT=dir [EXTRA_TESTS=dir]   grade a student's tree with the book's own tests

# Lab trees always carry the exercise statements in doc/; with STUDENT_BOOK=1
# they also carry the student edition, built first by `make book`. (Only on
# request: a book being rebuilt beside a snapshot must not leak into it.)
SNAPSHOT := $(PYTHON) tangle/snapshot.py \
	$(if $(STUDENT_BOOK),--student-book out/book-student)
SNAPSHOT_DEPS := deps $(if $(STUDENT_BOOK),book)
SNAPSHOT_LAB = $(if $(filter all,$(LAB)),--lab --lab-all,$(if $(filter-out 0 no,$(LAB)),--lab)) \
	$(if $(EXERCISES),--lab --exercises $(EXERCISES))

snapshot: $(SNAPSHOT_DEPS)
	@$(SNAPSHOT) --chapter $(CH) $(SNAPSHOT_LAB) $(CHAPTERS)

snapshots: $(SNAPSHOT_DEPS)
	@$(SNAPSHOT) --all $(CHAPTERS)

patch: deps
	@$(SNAPSHOT) --patch --chapter $(CH) $(CHAPTERS)

snapshots-git: deps
	@$(SNAPSHOT) --git $(CHAPTERS)

grade: deps
	@$(if $(STUDENT),,echo "make grade needs STUDENT=dir (a student's chapter-$(CH) tree)"; exit 2)
	@$(PYTHON) tangle/grade_student.py --chapter $(CH) --student $(STUDENT) \
	    $(if $(EXTRA_TESTS),--extra $(EXTRA_TESTS)) $(SNAPSHOT_LAB) $(CHAPTERS)

.PHONY: snapshot snapshots patch snapshots-git grade
