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

# Generated documentation must match its sources.
docs/syscalls.md: os/kernel/syscalls/syscall_64.tbl os/kernel/syscalls/syscall_32.tbl scripts/gen-syscall-doc
	scripts/gen-syscall-doc > $@

TEST_SUITES += docs
test-docs:
	@pass=0; fail=0; \
	if scripts/gen-syscall-doc | cmp -s - docs/syscalls.md; then pass=$$((pass+1)); echo "ok docs/syscalls.md is current"; \
	else fail=$$((fail+1)); echo "not ok docs/syscalls.md is stale: run make docs/syscalls.md"; fi; \
	stale=$$(git grep -n -E '\bv4\.[0-9]|Linux v4' -- README.md docs os solutions labs debugger scripts 2>/dev/null); \
	if [ -z "$$stale" ]; then pass=$$((pass+1)); echo "ok no 'v4.x' version claims (the seed is Linux 4.3; see docs/architecture.md)"; \
	else fail=$$((fail+1)); echo "not ok stale 'v4.x' claims (write the exact Linux version, as docs/architecture.md lists them):"; echo "$$stale"; fi; \
	if grep -q 'Linux 4.3' README.md && grep -q '^## Which Linux, exactly' docs/architecture.md; then pass=$$((pass+1)); echo "ok README names Linux 4.3 and docs/architecture.md cites the versions"; \
	else fail=$$((fail+1)); echo "not ok README must name Linux 4.3 and docs/architecture.md keep its 'Which Linux, exactly' table"; fi; \
	for f in README.md docs/boot.md docs/syscalls.md docs/architecture.md; do \
	  if [ -s $$f ]; then pass=$$((pass+1)); else fail=$$((fail+1)); echo "not ok $$f missing"; fi; done; \
	echo "$$pass passed, $$fail failed"; [ $$fail = 0 ]
.PHONY: test-docs

# scripts/gen-syscalls: the /ptregs rows (the calls the SYSCALL entry must
# save the whole pt_regs for) and its refusals of malformed rows.
TEST_SUITES += syscall-lists
test-syscall-lists:
	@scripts/test-gen-syscalls
.PHONY: test-syscall-lists

# The user-space tools, checked by their console output in QEMU.
TEST_SUITES += tools
test-tools: deps-qemu $(KERNEL) $(INITRAMFS)
	@scripts/test-tools.sh
.PHONY: test-tools
