# The two commands of the README: `make demo` and `make test`. Both set up everything
# they need on a fresh machine and are fast the second time.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COURSE := content/intro-to-rnns
OUT := _build
# The install step re-runs only when pyproject.toml changes.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
JOBS ?= 2

.PHONY: demo test lint typecheck tools venv bench golden screenshots clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

tools:
	@bash scripts/install-tools.sh

demo: venv
	$(BIN)/lessonkit check $(COURSE)
	$(BIN)/lessonkit build $(COURSE) --format all --out $(OUT)
	@echo
	@echo "Open the site:   $(OUT)/site/index.html  (works from file://, no server needed)"
	@echo "Take the quiz:   $(BIN)/lessonkit quiz $(COURSE)"
	@echo "LMS packages:    $(OUT)/*.zip, $(OUT)/*.imscc, $(OUT)/*-moodle.xml, $(OUT)/*-gift.txt"

lint: venv
	$(BIN)/ruff check .

typecheck: venv
	$(BIN)/mypy engine renderers importers cli learner

test: venv tools lint typecheck
	CI=$${CI:-} $(BIN)/python -m pytest -q -n $(JOBS) --dist loadgroup

# Rewrite the golden snapshots of every format (tests/golden/) from a fresh build of the
# completeness course, after an intended change to an output; review `git diff tests/golden`.
golden: venv tools
	$(BIN)/python -m pytest -q -n 0 tests/golden --update-snapshots

# Take the README's screenshots again (docs/screenshots/) from the sample course; the normal
# test run takes them too, looks at them and checks the committed ones still fit.
screenshots: venv tools
	$(BIN)/python -m pytest -q -n 0 tests/renderers/site/test_screenshots.py \
		tests/learner/test_term_screenshot.py --update-screenshots

# `make bench BENCH_5000=1` adds the 5000-chapter real-content course (minutes more).
bench: venv tools
	BENCH_5000=$(BENCH_5000) $(BIN)/python benchmarks/run.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
