# The README's two set-up commands are `make serve` and `make test`; the rest helps development.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(shell cat pyproject.toml | sha1sum | cut -c1-12)
# Serving needs the package alone; the tests and lint add their extras (a superset, so it serves too).
SERVE_INSTALLED := $(VENV)/.installed-serve-$(STAMP)
TEST_INSTALLED := $(VENV)/.installed-test-$(STAMP)

.PHONY: serve test fuzz lint mutation bench bench-weaklink bench-soak bench-crash clean

$(SERVE_INSTALLED): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	rm -f $(VENV)/.installed-serve-*
	touch $@

$(TEST_INSTALLED): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,lint]'
	rm -f $(VENV)/.installed-*
	touch $@ $(SERVE_INSTALLED)

serve: $(SERVE_INSTALLED)
	scripts/install-system-deps
	$(VENV)/bin/cunneng serve

test: $(TEST_INSTALLED)
	scripts/install-system-deps --test
	scripts/netns-run $(VENV)/bin/pytest $(PYTEST_ARGS)

# Longer Schemathesis and WebSocket passes than `make test`'s, with a fresh seed (tests/test_*_fuzz.py).
fuzz: $(TEST_INSTALLED)
	CUNNENG_FUZZ_EXAMPLES=$${CUNNENG_FUZZ_EXAMPLES:-50} CUNNENG_FUZZ_SEED=$${CUNNENG_FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d " ")} \
		scripts/netns-run $(VENV)/bin/pytest -p no:cacheprovider tests/test_api_fuzz.py tests/test_ws_fuzz.py

bench: $(TEST_INSTALLED)
	scripts/netns-run $(PY) -m bench

bench-weaklink: $(TEST_INSTALLED)
	scripts/netns-run $(PY) -m bench.weaklink

bench-soak: $(TEST_INSTALLED)
	scripts/netns-run $(PY) -m bench.soak

bench-crash: $(TEST_INSTALLED)
	scripts/netns-run $(PY) -m bench.crash_loss

lint: $(TEST_INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy signaling village_client approver_console eseal recordings watermark protocol

# Mutation testing of the modules that decide (docs/mutation.md); MUTATION_TARGETS=authz chain … for some.
mutation: $(TEST_INSTALLED)
	scripts/install-system-deps --test
	$(PY) scripts/mutation $(MUTATION_TARGETS)

clean:
	rm -rf $(VENV) build *.egg-info
