# deplete - forecasts when a military force will be used up.
#   make            build bin/deplete
#   make run        install missing packages (if it can), build, run the default scenario
#   make test       build and run the test suite (Criterion)
#   make sanitize   the test suite under AddressSanitizer + UBSan
#   make coverage   line coverage of src/ (gcov)
#   make bench      benchmarks (bench/README.md)
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
PKGS    := gsl yaml-0.1

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

CC      ?= gcc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -fopenmp \
             -Iinclude $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS = -fopenmp $(LDFLAGS) $(EXTRA_LDFLAGS)
LIBS    = $(PKG_LIBS) -lm

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

SRC      := $(wildcard src/*.c src/dist/*.c src/sample/*.c)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o
TEST_SRC := $(wildcard tests/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

.PHONY: all run test check-deps deps sanitize coverage bench install clean

all: bin/deplete

bin/deplete: $(MAIN_OBJ) $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DDP_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DDP_SOURCE_DIR='"$(CURDIR)"' -MMD -MP -c -o $@ $<

$(BUILD)/deplete: $(MAIN_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/run-tests: $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

# Installs missing Debian packages when it can, else says what to run.
deps:
	@sh .ci/deps

run: deps
	@$(MAKE) --no-print-directory all
	./bin/deplete run scenarios/kursk-2025.yaml

test: bin/deplete $(BUILD)/tests/run-tests
	@$(BUILD)/tests/run-tests $(TEST_ARGS)

sanitize:
	@$(MAKE) --no-print-directory BUILD=build-san OPT=-O1 \
	    EXTRA_CFLAGS='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    EXTRA_LDFLAGS='-fsanitize=address,undefined' \
	    build-san/tests/run-tests build-san/deplete
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	    DEPLETE_BIN=$(CURDIR)/build-san/deplete build-san/tests/run-tests $(TEST_ARGS)

# The end-to-end tests run an instrumented binary too, so main, cli, csv and
# report count.
coverage:
	@rm -rf build-cov
	@$(MAKE) --no-print-directory BUILD=build-cov OPT=-O0 \
	    EXTRA_CFLAGS='--coverage' EXTRA_LDFLAGS='--coverage' \
	    build-cov/tests/run-tests build-cov/deplete
	DEPLETE_BIN=$(CURDIR)/build-cov/deplete build-cov/tests/run-tests $(TEST_ARGS) >/dev/null
	@sh tests/coverage.sh build-cov

bench: bin/deplete
	@sh .ci/deps time python3-numpy python3-yaml
	@sh bench/run.sh

install: bin/deplete
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 bin/deplete $(DESTDIR)$(PREFIX)/bin/deplete

clean:
	rm -rf $(BUILD) build-san build-cov bin out

-include $(SRC:%.c=$(BUILD)/%.d) $(TEST_SRC:%.c=$(BUILD)/%.d)
