# Set-up and everyday commands. `make run` and `make test` are all a new
# machine needs: both create .venv at the repository root on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/twin run scenarios/pilot_2019.yaml

test: install
	$(BIN)/python -m pytest -n auto -q

test-fast: install
	$(BIN)/python -m pytest -n auto -q -m 'not slow'

lint: install
	$(BIN)/ruff check twin tui tests

bench: install
	$(BIN)/twin bench all

clean:
	rm -rf reports .pytest_cache
