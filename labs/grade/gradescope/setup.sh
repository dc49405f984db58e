#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
# It installs the Debian/Ubuntu packages Ringside needs and builds ringgrade
# and the instructor kernel, so each submission later compiles only the
# student's files.
set -eu
cd /autograder/source/ringside
apt-get update -qq
scripts/deps kernel qemu host tools
make -s build/bin/ringgrade
make -s kernel initramfs
