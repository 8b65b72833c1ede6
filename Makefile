# Migran Aman: `make run` starts the bot, `make test` runs every test. Both install into .venv.
#
# Installs come from the lock files, every package pinned with its hashes:
#   requirements/runtime.txt  what the bot needs to run (make run, make install)
#   requirements/dev.txt      the same pins plus the test and tool packages (test, check, bench, soak)
# `make lock` refreshes both from pyproject.toml (see "Dependencies and the lock file" in README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev run test soak bench check lock clean

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

# After an install from a lock file: every requirement in pyproject.toml (and those of the extras
# named as arguments) is met by what is installed; otherwise the lock is older than pyproject.toml.
define LOCK_CHECK
import sys
from importlib.metadata import PackageNotFoundError, requires, version
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
extras = [""] + sys.argv[1:]
unmet = []
for line in requires("migran-aman") or []:
    req = Requirement(line)
    if req.marker and not any(req.marker.evaluate({"extra": e}) for e in extras):
        continue
    try:
        have = version(req.name)
    except PackageNotFoundError:
        unmet.append(f"  {req}: not installed")
        continue
    if not req.specifier.contains(have, prereleases=True):
        unmet.append(f"  {req}: {have} installed")
if unmet:
    sys.exit("pyproject.toml asks for what the lock files do not give:\n" + "\n".join(unmet)
             + "\nrun `make lock` to refresh requirements/*.txt, then try again")
endef
export LOCK_CHECK

# The lock pins pip itself (sqlite-utils depends on it), so the venv's pip is replaced by the
# locked one. `--no-deps -e .`: the project only, its dependencies are all in the lock.
$(RUNTIME_STAMP): $(RUNTIME_LOCK) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(RUNTIME_LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -c "$$LOCK_CHECK"
	touch $@

# dev.txt holds every pin of runtime.txt, so a dev install is a runtime install too.
$(DEV_STAMP): $(DEV_LOCK) $(RUNTIME_LOCK) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -c "$$LOCK_CHECK" dev
	touch $(RUNTIME_STAMP) $@

run: install
	$(PY) -m bot run

test: install-dev
	$(PY) -m pytest -q

# slow fault tests: repeated kill -9 under load, and the property/fuzz tests with more examples
soak: install-dev
	SOAK=1 HYPOTHESIS_EXAMPLES=2000 $(PY) -m pytest -q -s --timeout=3600 tests/test_soak.py \
		tests/test_properties.py tests/test_fuzz.py

bench: install-dev
	$(PY) bench/bench.py

# lint and format, the import contracts (.importlinter), types (mypy over bot/), the content
check: install-dev
	$(PY) -m ruff check bot tests bench
	$(PY) -m ruff format --check bot tests bench
	$(VENV)/bin/lint-imports .importlinter
	$(PY) -m mypy
	$(PY) -m bot check-content

# Refreshes requirements/runtime.txt and requirements/dev.txt from pyproject.toml with pip-tools,
# installed into a throwaway venv. Pins that pyproject.toml still allows are kept; UPGRADE=1 moves
# every package to the newest version allowed. The lock is for CPython 3.11 on Linux x86_64 (what
# CI runs), resolved from PyPI alone: this machine's pip configuration (extra indexes, wheel
# folders, constraints) is ignored, and no index address is written into the files.
PIP_TOOLS := pip-tools==7.6.2
LOCK_ENV := env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_FIND_LINKS -u PIP_NO_INDEX \
	-u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links $(if $(filter 1 yes true,$(UPGRADE)),--upgrade)
lock:
	@$(PYTHON) -c 'import platform, sys; sys.exit(None if sys.version_info[:2] == (3, 11) \
		and sys.platform == "linux" and platform.machine() == "x86_64" else \
		"make lock: the lock files are for CPython 3.11 on Linux x86_64; this is " \
		+ platform.python_version() + " on " + sys.platform + " " + platform.machine())'
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	$(LOCK_ENV) "$$tmp/venv/bin/pip" install --quiet $(PIP_TOOLS); \
	mkdir -p requirements; \
	echo "pip-compile -> $(RUNTIME_LOCK)"; \
	$(LOCK_ENV) "$$tmp/venv/bin/pip-compile" $(LOCK_FLAGS) \
		--output-file $(RUNTIME_LOCK) pyproject.toml; \
	echo "pip-compile --extra dev -> $(DEV_LOCK)"; \
	$(LOCK_ENV) "$$tmp/venv/bin/pip-compile" $(LOCK_FLAGS) --extra dev \
		--constraint $(RUNTIME_LOCK) --output-file $(DEV_LOCK) pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
