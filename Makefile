# qconnect_c — build, test, demo, bench.
# `make test` and `make demo` do all set-up on a fresh Debian 12 machine.

PYTHON ?= $(shell command -v /root/.pyenv/versions/3.11.7/bin/python3 2>/dev/null || command -v python3)
CC ?= cc
BUILD := build
CORE_SRC := $(sort $(wildcard csrc/*.c))
CORE_OBJ := $(patsubst csrc/%.c,$(BUILD)/core/%.o,$(CORE_SRC))
CORE_LIB := $(BUILD)/libqconnect_c_core.a
CTEST_SRC := $(sort $(wildcard tests/c/*.c))
CTEST_BIN := $(BUILD)/run_tests
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
QC_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -fPIC $(WARN) $(CFLAGS) $(EXTRA_CFLAGS)
LIBS := -lcurl -lcjson -lcrypto -lpthread -lm
DEB_PKGS := libcurl4-openssl-dev libcjson-dev libssl-dev pkg-config

.PHONY: all deps core ctest pytest test model vectors clean venv ext FORCE

all: core ext

deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

core: $(CORE_LIB)

$(BUILD)/core/%.o: csrc/%.c $(wildcard csrc/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(QC_CFLAGS) -Icsrc -c $< -o $@

# $(call list_file,FILE,LIST): FILE holds LIST and is rewritten only when
# LIST changes, i.e. when a source file is added or removed; what is built
# from every file of a directory depends on it, so it is rebuilt then too.
define list_file
$(1): FORCE
	@mkdir -p $$(dir $$@)
	@echo '$(2)' | cmp -s - $$@ 2>/dev/null || echo '$(2)' > $$@
endef
FORCE:
CORE_LIST := $(CORE_SRC) $(wildcard csrc/*.h)
SRC_LIST := $(CORE_LIST) $(CTEST_SRC) $(wildcard tests/c/*.h) $(wildcard fuzz/*.c fuzz/*.h)
$(eval $(call list_file,$(BUILD)/.corelist,$(CORE_LIST)))
$(eval $(call list_file,$(BUILD)/.srclist,$(SRC_LIST)))

$(CORE_LIB): $(CORE_OBJ) $(BUILD)/.corelist
	@rm -f $@
	ar rcs $@ $(CORE_OBJ)

# The C tests include csrc/ headers, and test_fuzz_replay.c compiles the
# fuzz targets' sources (fuzz/*.c) into itself.
$(CTEST_BIN): $(CTEST_SRC) $(wildcard tests/c/*.h) $(wildcard csrc/*.h) $(wildcard fuzz/*.c fuzz/*.h) $(CORE_LIB) $(BUILD)/.srclist
	$(CC) $(QC_CFLAGS) -Icsrc -Itests/c $(CTEST_SRC) $(CORE_LIB) $(LIBS) -o $@

# The public header must be enough for a C program: build the example.
EXAMPLE_BIN := $(BUILD)/start_import_job
$(EXAMPLE_BIN): examples/start_import_job.c csrc/qc.h $(CORE_LIB)
	$(CC) -std=c11 -Wall -Wextra -Werror -Icsrc $< $(CORE_LIB) $(LIBS) -o $@

ctest: $(CTEST_BIN) $(EXAMPLE_BIN)
	$(CTEST_BIN)

model:
	$(PYTHON) tools/gen_model.py
	$(PYTHON) tools/gen_endpoints.py

# Golden test data recorded from botocore (the tests check they are current).
vectors:
	$(PYTHON) tools/gen_request_vectors.py
	$(PYTHON) tools/gen_parse_vectors.py
	$(PYTHON) tools/gen_endpoint_vectors.py

clean:
	rm -rf $(BUILD) qconnect_c/*.so *.egg-info $(VENV)

# ---------------------------------------------------------------- Python
VENV := .venv
VPY := $(VENV)/bin/python

$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip

venv: $(VPY)

EXT_STAMP := $(BUILD)/.ext-stamp

$(EXT_STAMP): $(VPY) $(CORE_SRC) $(wildcard csrc/*.h) $(BUILD)/.corelist qconnect_c/_core.c setup.py pyproject.toml
	@mkdir -p $(BUILD)
	$(VPY) -m pip install -q -e '.[test]'
	@touch $@

ext: deps $(EXT_STAMP)

pytest: ext
	$(VPY) -m pytest -q -p no:cacheprovider tests

test: deps
	$(MAKE) core
	$(MAKE) ctest
	$(MAKE) pytest

# Each area adds its own targets in mk/<area>.mk.
-include $(sort $(wildcard mk/*.mk))
