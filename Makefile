# SPDX-License-Identifier: MIT
# hpfr: one non-recursive Makefile, out-of-tree build into $(O).
#   make            build build/hpfr (and the simulated-rig ALSA plugin)
#   make check      install missing Debian packages, build with -Werror, run every test
#   make check SAN=1   the same under AddressSanitizer + UBSan (into build-san/)
#   make bench      speed and memory figures, one "name value unit" per line
#   make demo       the whole pipeline on the simulated rig, into demo-out/
#   make valgrind-demo   make demo's pipeline with every hpfr run under valgrind memcheck (4-5 min)
#   make fuzz FUZZ_SECONDS=N   every libFuzzer harness for N seconds (tests/fuzz/README.md)
#   make install PREFIX=/usr/local

SAN ?= 0
ifeq ($(SAN),1)
O ?= build-san
else
O ?= build
endif
PREFIX ?= /usr/local
WERROR ?= 1

CC ?= cc
PKGS := fftw3 sndfile alsa samplerate gsl nlopt
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The hpfr binary links FFTW and GSL from their static archives when those are installed
# (Debian's -dev packages ship them): a run-once `hpfr analyze` of a short sweep then spends
# about 0.3 ms less loading shared libraries, a tenth of its fixed cost (`hpfr --version`:
# 1.46 against 1.72 ms here). Tests, the fault-injection build and the ALSA plugin link
# everything dynamically.
STATIC_NAMES := fftw3 gsl gslcblas
STATIC_DIR := $(shell pkg-config --variable=libdir fftw3 2>/dev/null)
STATIC_FOUND := $(foreach l,$(STATIC_NAMES),$(if $(wildcard $(STATIC_DIR)/lib$(l).a),$(l)))
ifeq ($(sort $(STATIC_FOUND)),$(sort $(STATIC_NAMES)))
HPFR_LIBS := -Wl,-Bstatic $(STATIC_NAMES:%=-l%) -Wl,-Bdynamic $(filter-out $(STATIC_NAMES:%=-l%),$(PKG_LIBS))
else
HPFR_LIBS := $(PKG_LIBS)
endif

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wdouble-promotion -Wvla
ifeq ($(WERROR),1)
WARN += -Werror
endif
# -fPIC/-DPIC everywhere: the dsp library is also linked into the ALSA plugin (alsa-simrig.md).
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -fPIC -DPIC $(WARN) $(CFLAGS) -I. -Idsp -Iformats -Icalib -Imeasure -Iplots -Icli $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) -pthread
ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ALL_LDFLAGS += -fsanitize=address,undefined
endif

DSP_SRC := $(wildcard dsp/*.c)
IO_SRC := $(wildcard formats/*.c calib/*.c plots/*.c measure/*.c)
CLI_SRC := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)

DSP_OBJ := $(DSP_SRC:%.c=$(O)/%.o)
# The built-in EQ target curves (data/targets/*.csv) are compiled in as strings.
TARGET_CSV := $(wildcard data/targets/*.csv)
GEN_TARGETS := $(O)/gen/targets_data.c
IO_OBJ := $(IO_SRC:%.c=$(O)/%.o) $(O)/gen/targets_data.o
CLI_OBJ := $(CLI_SRC:%.c=$(O)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(O)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(O)/tests/tools/%)

LIBDSP := $(O)/libhpdsp.a
LIBIO := $(O)/libhpio.a
HPFR := $(O)/hpfr

.PHONY: all check _check bench _bench demo _demo valgrind-demo _valgrind-demo deps install clean \
	headers nmcheck
all: $(HPFR)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(GEN_TARGETS): $(TARGET_CSV) scripts/embed-targets.sh
	@mkdir -p $(@D)
	sh scripts/embed-targets.sh $@ $(TARGET_CSV)

$(O)/gen/targets_data.o: $(GEN_TARGETS)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBDSP): $(DSP_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBIO): $(IO_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(HPFR): $(CLI_OBJ) $(LIBIO) $(LIBDSP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIBIO) $(LIBDSP) $(HPFR_LIBS) -lm

$(O)/tests/%: tests/%.c $(LIBIO) $(LIBDSP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests -o $@ $< $(LIBIO) $(LIBDSP) $(PKG_LIBS) -lm

# The long-run test drives `hpfr measure` in-process, so it links every CLI object but main.o.
CLI_LIB_OBJ := $(filter-out $(O)/cli/main.o,$(CLI_OBJ))
$(O)/tests/test_longrun: tests/test_longrun.c $(CLI_LIB_OBJ) $(LIBIO) $(LIBDSP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests -o $@ $< $(CLI_LIB_OBJ) $(LIBIO) $(LIBDSP) $(PKG_LIBS) -lm

$(O)/tests/tools/%: tests/tools/%.c $(LIBIO) $(LIBDSP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests -o $@ $< $(LIBIO) $(LIBDSP) $(PKG_LIBS) -lm

# hpfr with allocation failures injected into its own code (tests/failalloc.c, run by
# tests/cli/alloc_fail.sh). Only our objects' calls are wrapped; the leak check at exit
# comes from LeakSanitizer, or from AddressSanitizer's under SAN=1.
FAILALLOC := $(O)/tests/hpfr-failalloc
FAILALLOC_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup,--wrap=posix_memalign
ifneq ($(SAN),1)
FAILALLOC_WRAP += -fsanitize=leak
endif
$(FAILALLOC): $(CLI_OBJ) $(O)/tests/failalloc.o $(LIBIO) $(LIBDSP)
	$(CC) $(ALL_LDFLAGS) $(FAILALLOC_WRAP) -o $@ $(CLI_OBJ) $(O)/tests/failalloc.o $(LIBIO) $(LIBDSP) $(PKG_LIBS) -lm

# Bench programs (bench/run.sh): one binary per bench/*.c.
BENCH_BIN := $(patsubst bench/%.c,$(O)/bench/%,$(wildcard bench/*.c))
$(O)/bench/%: bench/%.c $(LIBIO) $(LIBDSP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests -o $@ $< $(LIBIO) $(LIBDSP) $(PKG_LIBS) -lm
-include $(BENCH_BIN:=.d)

deps:
	@sh scripts/deps.sh

# Each public header must compile on its own, pedantically.
HEADERS := $(wildcard dsp/*.h formats/*.h calib/*.h measure/*.h plots/*.h)
headers:
	@mkdir -p $(O)/hdr
	@for h in $(HEADERS); do \
	  printf '#include "%s"\n' $$h > $(O)/hdr/one.c; \
	  $(CC) -std=c11 -D_DEFAULT_SOURCE -pedantic -Wall -Wextra -Werror -I. -Idsp -Iformats -Icalib -Imeasure -Iplots $(PKG_CFLAGS) \
	    -fsyntax-only $(O)/hdr/one.c || { echo "header $$h does not stand alone"; exit 1; }; \
	done

# The dsp library does no I/O: no ALSA, stdio or exit (STYLE.md).
nmcheck: $(LIBDSP)
	@if nm -u $(LIBDSP) | grep -E ' (snd_|printf|fprintf|puts|fopen|exit)' ; then \
	  echo "libhpdsp.a must not use I/O or exit"; exit 1; fi

check: deps
	@$(MAKE) --no-print-directory _check

_check: all $(TEST_BIN) $(TOOL_BIN) $(FAILALLOC) headers nmcheck
	@HPFR=$(HPFR) O=$(O) sh tests/run.sh $(TEST_BIN) $(wildcard tests/cli/*.sh)

bench: deps
	@$(MAKE) --no-print-directory _bench

_bench: all $(TOOL_BIN) $(BENCH_BIN)
	@HPFR=$(HPFR) O=$(O) sh bench/run.sh
	@HPFR=$(HPFR) O=$(O) sh bench/measure.sh

demo: deps
	@$(MAKE) --no-print-directory _demo

_demo: all
	@HPFR=$(HPFR) O=$(O) sh scripts/demo.sh

valgrind-demo: deps
	@$(MAKE) --no-print-directory _valgrind-demo

_valgrind-demo: all
	@HPFR=$(HPFR) sh scripts/valgrind-demo.sh

# The simulated rig goes with it: the plugin under lib/hpfr and a config naming that path under
# share/hpfr, where hpfr looks for it (../share/hpfr next to its bin directory).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/hpfr $(DESTDIR)$(PREFIX)/share/hpfr
	install -m 755 $(HPFR) $(DESTDIR)$(PREFIX)/bin/hpfr
	install -m 644 $(SIMRIG_SO) $(DESTDIR)$(PREFIX)/lib/hpfr/
	sed 's|"$(abspath $(SIMRIG_SO))"|"$(PREFIX)/lib/hpfr/$(notdir $(SIMRIG_SO))"|' $(SIMRIG_CONF) \
	  > $(DESTDIR)$(PREFIX)/share/hpfr/hpfr-alsa.conf
	install -d $(DESTDIR)$(PREFIX)/share/hpfr/targets
	install -m 644 $(TARGET_CSV) data/targets/SOURCES.md data/targets/LICENSE-AutoEq.txt \
	  $(DESTDIR)$(PREFIX)/share/hpfr/targets

clean:
	rm -rf build build-san demo-out

-include measure/simrig/simrig.mk
include tests/fuzz/fuzz.mk
-include $(DSP_OBJ:.o=.d) $(IO_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TOOL_BIN:=.d)
