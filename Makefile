# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-long lint schemas bench browser clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/custodiet demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The browser test needs Debian's chromium + chromium-driver; the script installs them when missing (as root)
# and says why when it cannot, and the test then fails in CI with that reason instead of skipping.
browser:
	-@sh scripts/install-browser.sh

test: $(STAMP) lint browser
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The long runs: fuzzing at full size (>= 100,000 inputs) and the other slow tests.
test-long: $(STAMP)
	$(BIN)/python -m pytest -q -m slow $(PYTEST_ARGS)

schemas: $(STAMP)
	$(BIN)/custodiet schemas --write

bench: $(STAMP)
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) build *.egg-info
