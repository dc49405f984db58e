# The newcomer's path: the guided tour's captures, its test, and the
# fresh-machine check. Included by the top-level Makefile.
#
## make tour-captures              regenerate docs/tour-captures/ and the captures in docs/tour.md
## make fresh-check                clone HEAD into a temp dir and run README's two commands there

TOUR_DIR := docs/tour-captures
TOUR_RINGDB  = $(or $(RINGDB),$(BIN)/ringdb)
TOUR_KERNEL  = $(or $(KERNEL),$(BUILD)/kernel.elf)
TOUR_INITRD  = $(or $(INITRAMFS),$(BUILD)/initramfs.cpio)

# Every capture is ringdb's batch output for docs/tour-captures/NAME.ringdb,
# run against this tree's kernel: nothing in the tour is typed by hand.
tour-captures: $(TOUR_RINGDB) $(TOUR_KERNEL) $(TOUR_INITRD)
	$(TOUR_DIR)/capture $(TOUR_RINGDB) $(TOUR_KERNEL) $(TOUR_INITRD) $(TOUR_DIR)
	$(TOUR_DIR)/splice

# A stale tour fails make test: the captures are made again in a scratch
# folder and compared with the committed ones (addresses and line numbers
# normalised), and docs/tour.md must show the committed ones.
TEST_SUITES += tour
test-tour: $(TOUR_RINGDB) $(TOUR_KERNEL) $(TOUR_INITRD)
	@dir=$$(mktemp -d $${TMPDIR:-/tmp}/ringside-tour.XXXXXX); \
	$(TOUR_DIR)/capture $(TOUR_RINGDB) $(TOUR_KERNEL) $(TOUR_INITRD) $$dir; \
	$(TOUR_DIR)/check $$dir; status=$$?; rm -rf $$dir; exit $$status

# Not part of make test (it runs make test itself, in a clone).
fresh-check:
	@scripts/fresh-check

.PHONY: tour-captures test-tour fresh-check

# README.md's make-targets table names only targets the Makefiles define,
# and its set-up block is the two commands fresh-check runs.
TEST_SUITES += readme
test-readme:
	@pass=0; fail=0; \
	known=$$($(MAKE) --no-print-directory -qp 2>/dev/null | sed -n 's/^\([A-Za-z0-9_./-]\{1,\}\):\([^=].*\)\{0,1\}$$/\1/p' | sort -u); \
	for t in $$(grep -o '^| `make [a-z_./-]*[a-z]' README.md | sed 's/^| `make //' | sort -u); do \
	  if printf '%s\n' "$$known" | grep -qxF "$$t"; then pass=$$((pass+1)); echo "ok README: make $$t"; \
	  else fail=$$((fail+1)); echo "not ok README names make $$t, which no Makefile defines: fix the table in README.md"; fi; \
	done; \
	setup=$$(awk '/^## Set up/{s=1;next} s&&/^## /{exit} s&&/^```sh$$/{b=1;next} b&&/^```$$/{exit} b{sub(/[ \t]*#.*/,"");if($$0!="")print}' README.md); \
	if [ "$$(printf '%s\n' "$$setup" | wc -l)" = 2 ] && printf '%s\n' "$$setup" | head -1 | grep -q '^make debug' \
	   && printf '%s\n' "$$setup" | tail -1 | grep -q '^make test'; then pass=$$((pass+1)); echo "ok README: the set-up is make debug, then make test"; \
	else fail=$$((fail+1)); echo "not ok README: '## Set up' must hold one sh block of two commands, make debug ... then make test"; fi; \
	echo "$$pass passed, $$fail failed"; [ $$fail = 0 ]
.PHONY: test-readme
