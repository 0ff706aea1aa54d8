# mk/hardening.mk — sanitizers, valgrind, fuzzing and allocation-failure
# runs (docs/hardening.md). Everything is built under $(HARD)/, never in
# $(BUILD)/ or .venv, so it can run beside the normal build.
#
#   make sanitize        C tests + pytest suite under ASan + UBSan
#                        (PYTEST_ARGS="-k ..." narrows the pytest part)
#   make sanitize-quick  all C tests + the hardening and parity pytest files
#                        under ASan + UBSan (the CI form)
#   make valgrind        C tests under valgrind (VG_ARGS: test name filters)
#   make fuzz            every libFuzzer target FUZZ_SECONDS (60) s each
#                        (fuzz-c; FUZZ_TARGETS="parse ..." picks some),
#                        then the atheris binding target (fuzz-binding)
#                        (FUZZ_JOBS_ARGS / FUZZ_BINDING_ARGS: more
#                        libFuzzer flags, e.g. -runs=N)
#   make fuzz-quick      the same, FUZZ_QUICK_SECONDS (5) s each
#   make allocfail       fail the Nth core allocation, N = 1, 2, ...
#                        (ALLOCFAIL_ARGS: scenario filters)
#   make hardening-clean remove $(HARD)/

HARD ?= build-hardening
HCC ?= clang
HSAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
        -fno-omit-frame-pointer
HCFLAGS := -std=c11 -D_DEFAULT_SOURCE -fPIC $(WARN) -O1 -g
ASAN_RT = $(shell $(HCC) -print-file-name=libclang_rt.asan-x86_64.so)
# LeakSanitizer on for C; UBSan stops at the first report.
HASAN_OPTS := detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
HUBSAN_OPTS := print_stacktrace=1:halt_on_error=1
HCORE_H := $(wildcard csrc/*.h)
# The lines a sanitizer or valgrind prints when it finds something.
HREPORT_RE := ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer|ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]

.PHONY: sanitize sanitize-c sanitize-py sanitize-quick sanitize-py-quick \
        valgrind fuzz fuzz-c fuzz-quick fuzz-build fuzz-binding allocfail \
        hardening-deps valgrind-deps hardening-clean
# The recipes below use pipefail.
sanitize sanitize-c sanitize-py sanitize-quick sanitize-py-quick valgrind \
fuzz fuzz-c fuzz-quick fuzz-binding allocfail: SHELL := /bin/bash

# Debian 12 packages, installed when missing (as `make deps` does): clang
# with its sanitizer and libFuzzer runtimes for every target here, valgrind
# for `make valgrind` only.
HARD_DEB_PKGS := clang libclang-rt-14-dev
VG_DEB_PKGS := valgrind
# $(call deb_install,PACKAGES): apt-get installs those not installed.
define deb_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
endef
hardening-deps: deps
	$(call deb_install,$(HARD_DEB_PKGS))
valgrind-deps: deps
	$(call deb_install,$(VG_DEB_PKGS))

# ------------------------------------------------------- ASan + UBSan (C)
HASAN_OBJ := $(patsubst csrc/%.c,$(HARD)/asan/core/%.o,$(CORE_SRC))
HASAN_LIB := $(HARD)/asan/libqconnect_c_core.a
HASAN_TESTS := $(HARD)/asan/run_tests
HALLOCFAIL := $(HARD)/asan/allocfail
HWRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=free

$(HARD)/asan/core/%.o: csrc/%.c $(HCORE_H)
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(HSAN) -Icsrc -c $< -o $@

# The lists of source files (list_file in the Makefile): what is built
# from every file of a directory is rebuilt when one is added or removed.
$(eval $(call list_file,$(HARD)/.corelist,$(CORE_LIST)))
$(eval $(call list_file,$(HARD)/.srclist,$(SRC_LIST)))

$(HASAN_LIB): $(HASAN_OBJ) $(HARD)/.corelist
	@rm -f $@
	ar rcs $@ $(HASAN_OBJ)

$(HASAN_TESTS): $(CTEST_SRC) $(wildcard tests/c/*.h) $(HCORE_H) $(wildcard fuzz/*.c fuzz/*.h) $(HASAN_LIB) $(HARD)/.srclist
	$(HCC) $(HCFLAGS) $(HSAN) -Icsrc -Itests/c $(CTEST_SRC) $(HASAN_LIB) $(LIBS) -o $@

# The C tests, then every allocation-failure run (whole calls, the first
# client of a process) and the key-wiping check (tests/allocfail, as
# `make allocfail`).
sanitize-c: $(HASAN_TESTS) $(HALLOCFAIL)
	@echo "== C tests under ASan + UBSan (leak detection on)"
	@set -o pipefail; \
	ASAN_OPTIONS=$(HASAN_OPTS) UBSAN_OPTIONS=$(HUBSAN_OPTS) \
	  $(HASAN_TESTS) 2>&1 | tee $(HARD)/asan/ctest.log | grep -v '^ok  '; \
	rc=$$?; \
	ASAN_OPTIONS=$(HASAN_OPTS) UBSAN_OPTIONS=$(HUBSAN_OPTS) \
	  $(HALLOCFAIL) 2>&1 | tee -a $(HARD)/asan/ctest.log || rc=1; \
	if grep -Eq '$(HREPORT_RE)' $(HARD)/asan/ctest.log; then \
	  echo "sanitizer reports in $(HARD)/asan/ctest.log"; exit 1; fi; \
	exit $$rc

# --------------------------------------------- ASan + UBSan (extension)
# The extension is built from a copy of the package sources (the normal
# editable build and its objects are left alone) into its own venv; the
# pytest suite then runs with the clang ASan runtime preloaded.
# PYTHONMALLOC=malloc lets ASan see every Python object too.
HVENV := $(HARD)/venv-asan
HVPY := $(HVENV)/bin/python
HPYSRC := $(HARD)/pysrc
HEXT_STAMP := $(HARD)/.ext-asan-stamp
HPY_ASAN_OPTS := detect_leaks=0:abort_on_error=0:allocator_may_return_null=1:detect_stack_use_after_return=0
HPY_ENV = LD_PRELOAD=$(ASAN_RT) ASAN_OPTIONS=$(HPY_ASAN_OPTS) \
          UBSAN_OPTIONS=$(HUBSAN_OPTS) PYTHONMALLOC=malloc
# Tests left out of the short (CI) form: the slow ones.
PYTEST_QUICK ?= tests/test_leaks.py tests/test_bad_input.py tests/test_secrets.py tests/test_exceptions.py tests/test_parity.py

$(HVPY):
	$(PYTHON) -m venv $(HVENV)
	$(HVPY) -m pip install -q --upgrade pip
	$(HVPY) -m pip install -q 'setuptools>=77' wheel

$(HEXT_STAMP): $(HVPY) $(CORE_SRC) $(HCORE_H) $(HARD)/.corelist qconnect_c/_core.c $(wildcard qconnect_c/*.py qconnect_c/local/*.py) setup.py pyproject.toml
	@rm -rf $(HPYSRC) && mkdir -p $(HPYSRC)
	cp -r csrc setup.py pyproject.toml $(HPYSRC)/
	@[ ! -f README.md ] || cp README.md $(HPYSRC)/
	tar -C . --exclude='*.so' --exclude=__pycache__ -cf - qconnect_c | tar -C $(HPYSRC) -xf -
	cd $(HPYSRC) && CC=$(HCC) LDSHARED="$(HCC) -shared" QC_SANITIZE=1 \
	  CFLAGS="-fno-sanitize-recover=all -O1" \
	  $(abspath $(HVPY)) -m pip install -q --no-build-isolation --force-reinstall '.[test]'
	@touch $@

sanitize-py: $(HEXT_STAMP)
	@echo "== pytest suite with the ASan + UBSan extension ($(ASAN_RT))"
	@set -o pipefail; \
	$(HPY_ENV) $(HVENV)/bin/pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests 2>&1 | tee $(HARD)/pytest-asan.log | tail -n 15; \
	rc=$$?; \
	if grep -Eq '$(HREPORT_RE)' $(HARD)/pytest-asan.log; then \
	  echo "sanitizer reports in $(HARD)/pytest-asan.log"; exit 1; fi; \
	exit $$rc

sanitize: hardening-deps
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory sanitize-c && \
	$(MAKE) --no-print-directory sanitize-py; rc=$$?; \
	echo "sanitize: $$(( $$(date +%s) - start )) s"; exit $$rc

# The CI form: all C tests, the hardening + parity pytest files.
sanitize-quick: hardening-deps
	$(MAKE) --no-print-directory sanitize-c
	$(MAKE) --no-print-directory sanitize-py-quick

sanitize-py-quick: $(HEXT_STAMP)
	@set -o pipefail; \
	$(HPY_ENV) $(HVENV)/bin/pytest -q -p no:cacheprovider $(PYTEST_QUICK) 2>&1 | tee $(HARD)/pytest-asan-quick.log | tail -n 15; \
	rc=$$?; \
	if grep -Eq '$(HREPORT_RE)' $(HARD)/pytest-asan-quick.log; then \
	  echo "sanitizer reports in $(HARD)/pytest-asan-quick.log"; exit 1; fi; \
	exit $$rc

# ----------------------------------------------------------------- valgrind
HVG_OBJ := $(patsubst csrc/%.c,$(HARD)/vg/core/%.o,$(CORE_SRC))
HVG_LIB := $(HARD)/vg/libqconnect_c_core.a
HVG_TESTS := $(HARD)/vg/run_tests
HVG_FLAGS := --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible --track-origins=yes --quiet

$(HARD)/vg/core/%.o: csrc/%.c $(HCORE_H)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_DEFAULT_SOURCE -fPIC $(WARN) -O1 -g -Icsrc -c $< -o $@

$(HVG_LIB): $(HVG_OBJ) $(HARD)/.corelist
	@rm -f $@
	ar rcs $@ $(HVG_OBJ)

$(HVG_TESTS): $(CTEST_SRC) $(wildcard tests/c/*.h) $(HCORE_H) $(wildcard fuzz/*.c fuzz/*.h) $(HVG_LIB) $(HARD)/.srclist
	$(CC) -std=c11 -D_DEFAULT_SOURCE -fPIC $(WARN) -O1 -g -Icsrc -Itests/c $(CTEST_SRC) $(HVG_LIB) $(LIBS) -o $@

# The runner forks one child per test; valgrind follows forks, checks each
# child's leaks when it exits and makes its exit status 1 on any error.
# Tests bound by wall-clock time stretch their durations (backoffs,
# deadlines and the bounds on them) by QC_TEST_TIME_SCALE.
VG_TIME_SCALE ?= 10
valgrind: valgrind-deps $(HVG_TESTS)
	@echo "== C tests under valgrind"
	@start=$$(date +%s); set -o pipefail; \
	QC_TEST_TIME_SCALE=$(VG_TIME_SCALE) valgrind $(HVG_FLAGS) $(HVG_TESTS) $(VG_ARGS) 2>&1 | tee $(HARD)/vg/valgrind.log | grep -v '^ok  '; \
	rc=$$?; \
	echo "valgrind: $$(( $$(date +%s) - start )) s"; \
	if grep -Eq '$(HREPORT_RE)|^==[0-9]+== [A-Z]' $(HARD)/vg/valgrind.log; then \
	  echo "valgrind reports in $(HARD)/vg/valgrind.log"; exit 1; fi; \
	exit $$rc

# ------------------------------------------------------------------ fuzzing
# libFuzzer targets fuzz/fuzz_<name>.c over a core built with coverage
# instrumentation + ASan + UBSan. Each run starts from the committed seeds
# (fuzz/corpus/<name>/, replayed first) and grows a scratch corpus in
# $(HARD)/fuzz/corpus/<name>/; crashes land in $(HARD)/fuzz/crashes/.
FUZZ_TARGETS := parse error headers curl_headers http1 sigv4 endpoint value
FUZZ_SECONDS ?= 60
FUZZ_QUICK_SECONDS ?= 5
FUZZ_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HFUZZ_OBJ := $(patsubst csrc/%.c,$(HARD)/fuzz/core/%.o,$(CORE_SRC))
HFUZZ_LIB := $(HARD)/fuzz/libqconnect_c_core.a
HFUZZ_BINS := $(addprefix $(HARD)/fuzz/fuzz_,$(FUZZ_TARGETS))
FUZZ_MAX_LEN_parse := 16384
FUZZ_MAX_LEN_error := 16384
FUZZ_MAX_LEN_value := 4096
FUZZ_MAX_LEN_headers := 8192
FUZZ_MAX_LEN_curl_headers := 16384
FUZZ_MAX_LEN_http1 := 16384
FUZZ_MAX_LEN_sigv4 := 4096
FUZZ_MAX_LEN_endpoint := 600

$(HARD)/fuzz/core/%.o: csrc/%.c $(HCORE_H)
	@mkdir -p $(dir $@)
	$(HCC) $(HCFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -Icsrc -c $< -o $@

$(HFUZZ_LIB): $(HFUZZ_OBJ) $(HARD)/.corelist
	@rm -f $@
	ar rcs $@ $(HFUZZ_OBJ)

$(HARD)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(HFUZZ_LIB) $(HCORE_H) csrc/transport_curl.c
	$(HCC) $(HCFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -Icsrc -Ifuzz $< $(HFUZZ_LIB) $(LIBS) -o $@

fuzz-build: hardening-deps $(HFUZZ_BINS)

# $(call fuzz_run,seconds): each target in turn; the executions reached are
# appended to $(HARD)/fuzz/runs.log ("name execs seconds crashes").
define fuzz_run
	@mkdir -p $(HARD)/fuzz/crashes
	@fail=0; $(foreach x,$(FUZZ_TARGETS),ml_$(x)=$(FUZZ_MAX_LEN_$(x));) \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(HARD)/fuzz/corpus/$$t; \
	  log=$(HARD)/fuzz/$$t.log; \
	  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=$(HUBSAN_OPTS) \
	  $(HARD)/fuzz/fuzz_$$t -max_total_time=$(1) -print_final_stats=1 \
	    -max_len=$$(eval echo \$$ml_$$t) \
	    -artifact_prefix=$(HARD)/fuzz/crashes/$$t- -timeout=10 -rss_limit_mb=4096 \
	    $(FUZZ_JOBS_ARGS) $(HARD)/fuzz/corpus/$$t fuzz/corpus/$$t > $$log 2>&1; rc=$$?; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log | tail -n1); \
	  secs=$$(sed -n 's/^stat::.*total_time: *//p' $$log | tail -n1); \
	  echo "$$t $${execs:-0} $(1) $$rc" >> $(HARD)/fuzz/runs.log; \
	  printf '%-14s %12s executions  %s\n' $$t "$${execs:-0}" "$$( [ $$rc = 0 ] && echo ok || echo "FAILED (see $$log)")"; \
	  [ $$rc = 0 ] || fail=1; \
	done; exit $$fail
endef

# The binding under atheris: the extension built with ASan, UBSan and
# libFuzzer coverage (in place, in its own copy of the sources), run with
# one preloaded library holding the ASan runtime and libFuzzer (the clang
# archives, less ASan's preinit object), which atheris_no_libfuzzer uses.
HPYFUZZ := $(HARD)/pyfuzz
HPYFUZZ_STAMP := $(HARD)/.pyfuzz-stamp
HATHERIS_STAMP := $(HARD)/.atheris-stamp
HASAN_FUZZER_SO := $(HARD)/asan_with_fuzzer.so
FUZZ_BINDING_SECONDS ?= $(FUZZ_SECONDS)

$(HATHERIS_STAMP): $(HVPY)
	$(HVPY) -m pip install -q atheris
	@touch $@

$(HASAN_FUZZER_SO):
	@rm -rf $(HARD)/awf && mkdir -p $(HARD)/awf/asan $(HARD)/awf/fuzzer
	cd $(HARD)/awf/asan && ar x $$($(HCC) -print-file-name=libclang_rt.asan-x86_64.a) && rm -f asan_preinit.cpp.o
	cd $(HARD)/awf/fuzzer && ar x $$($(HCC) -print-file-name=libclang_rt.fuzzer_no_main-x86_64.a)
	$(HCC) -shared -o $@ $(HARD)/awf/asan/*.o $(HARD)/awf/fuzzer/*.o -lstdc++ -lpthread -ldl -lm -lrt
	@rm -rf $(HARD)/awf

$(HPYFUZZ_STAMP): $(HVPY) $(CORE_SRC) $(HCORE_H) $(HARD)/.corelist qconnect_c/_core.c $(wildcard qconnect_c/*.py qconnect_c/local/*.py) setup.py pyproject.toml
	@rm -rf $(HPYFUZZ) && mkdir -p $(HPYFUZZ)
	cp -r csrc setup.py pyproject.toml $(HPYFUZZ)/
	tar -C . --exclude='*.so' --exclude=__pycache__ -cf - qconnect_c | tar -C $(HPYFUZZ) -xf -
	cd $(HPYFUZZ) && CC=$(HCC) LDSHARED="$(HCC) -shared" QC_SANITIZE=1 \
	  CFLAGS="-fno-sanitize-recover=all -fsanitize=fuzzer-no-link" \
	  $(abspath $(HVPY)) setup.py -q build_ext --inplace > build.log 2>&1 || { cat build.log; exit 1; }
	@touch $@

fuzz-binding: $(HATHERIS_STAMP) $(HASAN_FUZZER_SO) $(HPYFUZZ_STAMP)
	@mkdir -p $(HARD)/fuzz/corpus/binding $(HARD)/fuzz/crashes
	@log=$(HARD)/fuzz/binding.log; \
	PYTHONPATH=$(HPYFUZZ) LD_PRELOAD=$(abspath $(HASAN_FUZZER_SO)) \
	ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=$(HUBSAN_OPTS) \
	PYTHONMALLOC=malloc $(HVPY) fuzz/fuzz_binding.py -max_total_time=$(FUZZ_BINDING_SECONDS) \
	  -print_final_stats=1 -timeout=30 -rss_limit_mb=4096 \
	  -artifact_prefix=$(HARD)/fuzz/crashes/binding- $(FUZZ_BINDING_ARGS) \
	  $(HARD)/fuzz/corpus/binding fuzz/corpus/binding > $$log 2>&1; rc=$$?; \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log | tail -n1); \
	echo "binding $${execs:-0} $(FUZZ_BINDING_SECONDS) $$rc" >> $(HARD)/fuzz/runs.log; \
	printf '%-14s %12s executions  %s\n' binding "$${execs:-0}" "$$( [ $$rc = 0 ] && echo ok || echo "FAILED (see $$log)")"; \
	exit $$rc

fuzz-c: fuzz-build
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz: fuzz-c
	$(MAKE) --no-print-directory fuzz-binding FUZZ_BINDING_SECONDS=$(FUZZ_SECONDS)

fuzz-quick: fuzz-build
	$(call fuzz_run,$(FUZZ_QUICK_SECONDS))
	$(MAKE) --no-print-directory fuzz-binding FUZZ_BINDING_SECONDS=$(FUZZ_QUICK_SECONDS)

# ------------------------------------------------------ allocation failure
# tests/allocfail/allocfail.c over the ASan + UBSan core, every core
# allocation routed through its wrappers (link-time --wrap).

$(HALLOCFAIL): tests/allocfail/allocfail.c $(HASAN_LIB) $(HCORE_H)
	$(HCC) $(HCFLAGS) $(HSAN) -Icsrc $< $(HASAN_LIB) $(HWRAP) $(LIBS) -o $@

allocfail: hardening-deps $(HALLOCFAIL)
	@echo "== allocation failure: every core allocation of a start_import_job call"
	@start=$$(date +%s); \
	ASAN_OPTIONS=$(HASAN_OPTS) UBSAN_OPTIONS=$(HUBSAN_OPTS) $(HALLOCFAIL) $(ALLOCFAIL_ARGS); rc=$$?; \
	echo "allocfail: $$(( $$(date +%s) - start )) s"; exit $$rc

hardening-clean:
	rm -rf $(HARD)
