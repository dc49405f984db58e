# make test: every suite of the project, one closing line.
#
# Each part of the project appends a name to TEST_SUITES and defines the
# target test-NAME. That target prints what it likes and ends with a line
# "N passed, N failed" (its own counts); scripts/run-tests adds them up.
# A suite that ends without such a line counts as one failure.

test: deps-test
	@scripts/run-tests $(TEST_SUITES)

deps-test:
	@scripts/deps kernel qemu host test

sanitize: deps-test
	@$(MAKE) --no-print-directory SANITIZE=1 test-host

# Host unit tests only (what `make sanitize` runs under ASan/UBSan).
test-host:
	@scripts/run-tests $(HOST_TEST_SUITES)

.PHONY: test deps-test sanitize test-host
