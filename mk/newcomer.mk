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
