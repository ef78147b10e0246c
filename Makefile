# Two commands do everything on a fresh machine: `make repro` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup repro test test-fast bench report-check clean-outputs

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and exact: any looser requirement pulls GBs of CUDA packages
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

repro: setup
	. $(BIN)/activate && dvc repro

test: setup
	. $(BIN)/activate && python -m pytest

test-fast: setup
	. $(BIN)/activate && python -m pytest -m "not integration"

bench: setup
	. $(BIN)/activate && python -m bench.run $(BENCH_ARGS)

report-check: setup
	. $(BIN)/activate && python -m pytest tests/test_report_browser.py -v
