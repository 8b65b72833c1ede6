# Migran Aman: `make run` starts the bot, `make test` runs every test. Both install into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test soak bench check clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(PY) -m bot run

test: install
	$(PY) -m pytest -q

# slow fault tests: repeated kill -9 under load, and the property/fuzz tests with more examples
soak: install
	SOAK=1 HYPOTHESIS_EXAMPLES=2000 $(PY) -m pytest -q -s tests/test_soak.py \
		tests/test_properties.py tests/test_fuzz.py

bench: install
	$(PY) bench/bench.py

check: install
	$(PY) -m ruff check bot tests bench
	$(PY) -m ruff format --check bot tests bench
	$(PY) -m bot check-content

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
