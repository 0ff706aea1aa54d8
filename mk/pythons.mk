# mk/pythons.mk — `make test-pythons`: build the extension and run the whole
# pytest suite on every supported CPython the machine has, one version after
# another, each in its own virtualenv under $(PYV_ROOT) (outside the tree).
#
#   make test-pythons                               every version below
#   make test-pythons PYV_VERSIONS="3.12 3.13"      some of them
#   make test-pythons PYV_PYTEST_ARGS="tests/test_parity.py"   part of the suite
#
# The supported versions are those of pyproject.toml (requires-python, the
# classifiers), as boto3/botocore $(PYV_BOTO) require. An interpreter is
# looked up as $(PYENV_ROOT)/versions/X.Y.*/bin/python3 (newest patch
# release), then as pythonX.Y on PATH; a version the machine does not have
# is reported SKIPPED (not installed), never as passed. The target fails
# when a build fails or prints a compiler warning, or when a suite fails.
# Slow (minutes per version): not part of `make test` nor .ci/run.

PYV_VERSIONS ?= 3.10 3.11 3.12 3.13 3.14
PYENV_ROOT ?= /root/.pyenv
PYV_BOTO := 1.43.11
PYV_ROOT ?= /tmp/qconnect_c-pythons$(subst /,-,$(CURDIR))
PYV_PYTEST_ARGS ?= tests

.PHONY: test-pythons

test-pythons: SHELL := /bin/bash
test-pythons: deps
	@set -u; ok=""; bad=""; skipped=""; mkdir -p "$(PYV_ROOT)"; \
	for v in $(PYV_VERSIONS); do \
	  py=$$(ls -d $(PYENV_ROOT)/versions/$$v.[0-9]*/bin/python3 2>/dev/null \
	        | grep -E "/versions/$$v\.[0-9]+/bin/" | sort -V | tail -n1); \
	  [ -n "$$py" ] || py=$$(command -v python$$v 2>/dev/null || true); \
	  if [ -z "$$py" ] || [ "$$($$py -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" != "$$v" ]; then \
	    echo "== Python $$v: SKIPPED, not installed (no $(PYENV_ROOT)/versions/$$v.*/bin/python3, no python$$v on PATH)"; \
	    skipped="$$skipped $$v"; continue; fi; \
	  full=$$($$py -c 'import platform; print(platform.python_version())'); \
	  env="$(PYV_ROOT)/py$$v"; log="$$env/build.log"; \
	  echo "== Python $$full ($$py), virtualenv $$env"; \
	  if [ "$$($$env/bin/python -c 'import platform; print(platform.python_version())' 2>/dev/null)" != "$$full" ]; then \
	    rm -rf "$$env" && $$py -m venv "$$env" \
	    && "$$env/bin/python" -m pip install -q --upgrade pip \
	    || { echo "== Python $$full: FAILED to create $$env"; bad="$$bad $$full(venv)"; continue; }; fi; \
	  if ! nice -n 10 "$$env/bin/python" -m pip install -v -e '.[test]' \
	         boto3==$(PYV_BOTO) botocore==$(PYV_BOTO) >"$$log" 2>&1; then \
	    tail -n 15 "$$log" | cut -c1-300; echo "== Python $$full: build FAILED (log: $$log)"; \
	    bad="$$bad $$full(build)"; continue; fi; \
	  if ! grep -q 'qconnect_c/_core\.c' "$$log"; then \
	    echo "== Python $$full: the extension was not compiled (log: $$log)"; \
	    bad="$$bad $$full(build)"; continue; fi; \
	  if grep -E ': (warning|error): ' "$$log"; then \
	    echo "== Python $$full: compiler warnings (log: $$log)"; \
	    bad="$$bad $$full(warnings)"; continue; fi; \
	  echo "   built without compiler warnings; pytest $(PYV_PYTEST_ARGS)"; \
	  nice -n 10 "$$env/bin/python" -m pytest -q -p no:cacheprovider $(PYV_PYTEST_ARGS) \
	    2>&1 | tee "$$env/pytest.log"; rc=$${PIPESTATUS[0]}; \
	  res=$$(grep -E '^(=+ )?[0-9]+ (passed|failed|error)' "$$env/pytest.log" | tail -n1 | tr -d '='); \
	  if [ "$$rc" = 0 ]; then ok="$$ok $$full"; echo "== Python $$full: OK:$$res"; \
	  else bad="$$bad $$full(tests)"; echo "== Python $$full: FAILED:$$res"; fi; \
	done; \
	echo "== test-pythons: passed:$${ok:- none}; failed:$${bad:- none}; skipped (not installed):$${skipped:- none}"; \
	[ -z "$$bad" ] && [ -n "$$ok" ]
