# SPDX-License-Identifier: GPL-2.0-or-later
#
# Forward the usual targets to meson/ninja in build/, as QEMU's Makefile
# does.  Run ./configure first.

BUILD_DIR := build
MESON_TEST := meson test -C $(BUILD_DIR) --print-errorlogs

.PHONY: all check check-unit check-qtest bench bench-icount fuzz clean distclean
.PHONY: help

# Seconds "make fuzz" runs each fuzz target for.
FUZZ_TIME ?= 60

ifeq ($(wildcard $(BUILD_DIR)/build.ninja),)
all check check-unit check-qtest bench bench-icount fuzz clean:
	@echo "Please call configure before running make" >&2
	@exit 1
else
all:
	ninja -C $(BUILD_DIR)

check: all
	$(MESON_TEST)

check-unit: all
	$(MESON_TEST) --suite unit

check-qtest: all
	$(MESON_TEST) --suite qtest

bench: all
	meson test -C $(BUILD_DIR) --benchmark --no-suite icount --verbose

bench-icount: all
	meson test -C $(BUILD_DIR) --benchmark --suite icount --verbose

# The fuzz targets (docs/devel/fuzzing.md), FUZZ_TIME seconds each.
fuzz: all
	@grep -q '^#define CONFIG_FUZZ' $(BUILD_DIR)/config-host.h || \
	    { echo "Please run ./configure --enable-fuzzing" >&2; exit 1; }
	$(MESON_TEST) --suite fuzz \
	    --test-args='-runs=-1 -max_total_time=$(FUZZ_TIME)'

clean:
	ninja -C $(BUILD_DIR) clean
endif

distclean:
	rm -rf $(BUILD_DIR)

help:
	@echo "make            build everything in $(BUILD_DIR)/"
	@echo "make check      run all tests (meson test)"
	@echo "make check-unit run the unit suite"
	@echo "make check-qtest run the qtest suite"
	@echo "make bench      run the benchmarks"
	@echo "make bench-icount count their instructions (valgrind)"
	@echo "make fuzz       run each fuzz target FUZZ_TIME s (--enable-fuzzing)"
	@echo "make clean      remove build products"
	@echo "make distclean  remove $(BUILD_DIR)/"
