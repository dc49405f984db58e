# Host tools (ringdb, ringgrade, generators): C11, warnings are errors.
# SANITIZE=1 builds them with ASan/UBSan into build/asan/ so the two builds
# never mix objects; the normal build puts objects in build/host/ and
# binaries in build/bin/.
HOST_CC      ?= cc
HOST_CFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g
HOST_LDFLAGS :=
ifeq ($(SANITIZE),1)
  HOST_OUT     := $(BUILD)/asan
  override BIN := $(BUILD)/asan/bin
  HOST_CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  HOST_LDFLAGS += -fsanitize=address,undefined
else
  HOST_OUT     := $(BUILD)/host
  override BIN := $(BUILD)/bin
endif
HOST_TOOLS :=
