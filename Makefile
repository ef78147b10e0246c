# Two commands do everything on a fresh machine: `make repro` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup repro test test-fast lint bench validate validate-quotes report-check chromium xelatex

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

# pyflakes and pycodestyle errors ([tool.ruff] in pyproject.toml); make test runs it first
lint: setup
	$(BIN)/ruff check .

# the browser check needs Chromium and the LaTeX check XeLaTeX: installed when they can be, skipped (with the
# reason) when they cannot
test: setup lint
	-@$(MAKE) --no-print-directory chromium
	-@$(MAKE) --no-print-directory xelatex
	. $(BIN)/activate && python -m pytest

test-fast: setup
	. $(BIN)/activate && python -m pytest -m "not integration and not browser"

# reports/bench.json and bench.md; BENCH_ARGS="--sizes 1000,2000,5000" for a quicker picture (bench/README.md)
bench: setup
	. $(BIN)/activate && python -m bench.run $(BENCH_ARGS)

# reports/validation_heldout.json: the model against LDA on VNTC articles outside the sample
validate: setup
	. $(BIN)/activate && python -m pipeline.validation score
	. $(BIN)/activate && python -m bench.validate_heldout $(VALIDATE_ARGS)

# reports/validation_quotes.json: speaker attribution against the hand-coded quotes (data/validation/)
validate-quotes: setup
	. $(BIN)/activate && python -m pipeline.speech.validation

# Debian's chromium and chromium-driver for the browser check, installed only when missing
chromium:
	@if command -v chromium >/dev/null 2>&1 && test -x /usr/bin/chromedriver; then \
		echo "chromium and chromedriver present"; \
	else \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi

# XeLaTeX (Vietnamese diacritics need XeLaTeX or LuaLaTeX), booktabs, tabularx, rotating and DejaVu fonts, for
# the test that compiles reports/tables/*.tex; installed only when missing
xelatex:
	@if command -v xelatex >/dev/null 2>&1 && kpsewhich booktabs.sty >/dev/null 2>&1 && fc-list | grep -q "DejaVu Sans"; then \
		echo "xelatex, booktabs and DejaVu Sans present"; \
	else \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends texlive-xetex \
			texlive-latex-recommended fonts-dejavu-core; \
	fi

# opens reports/report.html in headless Chromium: every image loads; keeps reports/report_screenshot.png
report-check: setup chromium
	test -f reports/report.html || (. $(BIN)/activate && dvc repro)
	. $(BIN)/activate && python -m pytest tests/test_report_browser.py -v
