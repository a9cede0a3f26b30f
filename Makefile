# catscale: two set-up commands.  `make run` = main job on the flagship example,
# `make test` = the whole test suite.  Both create .venv on first use (wheels only).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --only-binary=:all: --disable-pip-version-check -q
EXAMPLE ?= examples/co_oxidation_pt111.yaml
OUT ?= out

.PHONY: run test venv lint bench clean

$(BIN)/activate:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e ".[test]"
	touch $@

venv: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/catscale run $(EXAMPLE) --out $(OUT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

lint: $(VENV)/.installed-test
	$(BIN)/ruff check catscale tests benchmarks

bench: $(VENV)/.installed-test
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b --quick; done

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
