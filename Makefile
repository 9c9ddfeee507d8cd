# make demo | make test | make lint | make clean   (Python 3.11 and make are all a fresh machine needs)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
# Fixed snapshot date and database for the tests; pytest compares that build with the Python reference.
TEST_AS_OF := 2026-10-31
TEST_DATABASE := target/test_warehouse.duckdb
SQL_PATHS := $(wildcard models macros tests analyses)
# sqlfluff's dbt templater compiles the project; it needs no warehouse file, so give it an in-memory one.
SQLFLUFF := MRR_DUCKDB_PATH=:memory: $(BIN)/sqlfluff

.PHONY: demo test lint install clean

demo: $(STAMP)
	$(BIN)/mrr build

test: $(STAMP)
	$(SQLFLUFF) lint $(SQL_PATHS)
	$(BIN)/ruff check scripts tests/python
	mkdir -p $(dir $(TEST_DATABASE))
	$(BIN)/mrr build --as-of $(TEST_AS_OF) --database $(TEST_DATABASE) --full-refresh
	MRR_DUCKDB_PATH=$(TEST_DATABASE) $(BIN)/dbt test --select test_type:unit --project-dir . --profiles-dir .
	MRR_TEST_DATABASE=$(TEST_DATABASE) MRR_TEST_AS_OF=$(TEST_AS_OF) $(BIN)/pytest -n auto --dist loadfile

lint: $(STAMP)
	$(SQLFLUFF) lint $(SQL_PATHS)
	$(BIN)/ruff check scripts tests/python

install: $(STAMP)

# Reinstalls only when the venv is new or the pins changed; otherwise make skips it.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -e .
	touch $@

# Leaves warehouse.duckdb (the published build) alone.
clean:
	rm -rf $(VENV) target logs dbt_packages .pytest_cache .ruff_cache scripts/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -maxdepth 2 -name '.*.duckdb.building-*' -type d -prune -exec rm -rf {} +
