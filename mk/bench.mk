# bench.mk — `make bench`: qconnect_c against botocore and a raw-libcurl
# floor (bench/run.py; results in bench/results.json, method and findings
# in docs/performance.md). `make bench-quick` is the ~20 s smoke run.

BENCH_DIR := $(BUILD)/bench
BENCH_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Wshadow \
	-Wstrict-prototypes
BENCH_TOOLS := $(BENCH_DIR)/floor $(BENCH_DIR)/spawnstat

.PHONY: bench bench-quick bench-tools bench-deps

# nginx serves the end-to-end runs (run.py also installs it when missing);
# valgrind gives the per-call profile.
bench-deps:
	@missing=""; \
	if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
	  missing="$$missing nginx-light"; fi; \
	command -v valgrind >/dev/null 2>&1 || missing="$$missing valgrind"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install \
	    -y -qq --no-install-recommends $$missing >/dev/null; fi

$(BENCH_DIR)/floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< -lcurl -lpthread -o $@

$(BENCH_DIR)/spawnstat: bench/spawnstat.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< -o $@

bench-tools: $(BENCH_TOOLS)

bench: ext bench-deps bench-tools
	$(VPY) bench/run.py

bench-quick: ext bench-deps bench-tools
	$(VPY) bench/run.py --quick
