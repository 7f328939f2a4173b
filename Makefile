# The README's two set-up commands are `make serve` and `make test`; the rest helps development.
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: serve test lint bench bench-weaklink clean

$(INSTALLED): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,lint]'
	rm -f $(VENV)/.installed-*
	touch $@

serve: $(INSTALLED)
	scripts/install-system-deps
	$(VENV)/bin/cunneng serve

test: $(INSTALLED)
	scripts/install-system-deps --test
	scripts/netns-run $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(INSTALLED)
	scripts/netns-run $(PY) -m bench

bench-weaklink: $(INSTALLED)
	scripts/netns-run $(PY) -m bench.weaklink

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy signaling village_client approver_console recordings watermark

clean:
	rm -rf $(VENV) build *.egg-info
