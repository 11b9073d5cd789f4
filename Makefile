# Two entry points (see README): `make run` answers a question, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
Q ?= ¿Puede una RTX 4060 correr Llama 2 7B?

.PHONY: setup run test lint site clean

$(BIN)/vrambot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	@touch $@

setup: $(BIN)/vrambot

run: setup
	$(BIN)/vrambot ask "$(Q)"

test: setup
	$(BIN)/ruff check knowledge bot tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q

site: setup
	$(BIN)/vrambot site build

clean:
	rm -rf $(VENV) build
