# SPDX-License-Identifier: MIT
# libFuzzer harnesses (tests/fuzz/README.md), included by the Makefile:
#   make fuzz FUZZ_SECONDS=N   build every tests/fuzz/fuzz_*.c and run each for N seconds
#   make fuzz FUZZ_RUNS=N      ... each for N executions instead
# The library sources are compiled again with clang for coverage and sanitizers into
# $(O)/fuzz/; clang's -Wdouble-promotion also flags glibc's float NAN macro, so it is left out.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR := $(O)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -fPIC $(filter-out -Wdouble-promotion,$(WARN)) -O1 -g \
  -include tests/fuzz/clang_compat.h -I. -Idsp -Iformats -Icalib -Imeasure -Iplots -Icli \
  $(PKG_CFLAGS) -MMD -MP $(FUZZ_SAN)
# cli/util.c: hp_cli_fail, which cli/eq_input.c (included by fuzz_session.c) calls.
FUZZ_LIB_SRC := $(DSP_SRC) $(IO_SRC) cli/util.c
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/gen/targets_data.o
FUZZ_LIB := $(FUZZ_DIR)/libhpfuzz.a
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: fuzz _fuzz fuzz-build
$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/gen/targets_data.o: $(GEN_TARGETS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(PKG_LIBS) -lm -pthread

fuzz-build: $(FUZZ_BIN)

fuzz: deps
	@$(MAKE) --no-print-directory _fuzz

_fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) O=$(O) sh tests/fuzz/run.sh $(FUZZ_BIN)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BIN:=.d)
