# Two entry points for a fresh machine with Python 3.11+ and pip:
#   make run   -> sets up .venv and starts the Streamlit app on the built-in example
#   make test  -> sets up .venv (with test tools) and runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test test-walkthrough setup bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/ccplan app

test: setup
	$(BIN)/python -m pytest -q -n 2

test-walkthrough: setup
	$(BIN)/python -m pytest -q -m walkthrough

bench: setup
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python benchmarks/sim_throughput.py

clean:
	rm -rf $(VENV)
