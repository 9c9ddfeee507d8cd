"""Models and singular data tests stay portable: DuckDB-only SQL lives in adapter.dispatch macros.

The same models are to run on PostgreSQL and Spark, where a port should be a few macro overrides.
Each pattern below is SQL that one of those engines refuses or reads differently. (test_postgres_port.py
builds the project on PostgreSQL; these catch the same mistakes without a server, and some for Spark.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
SQL_FILES = sorted([*(PROJECT / "models").rglob("*.sql"), *(PROJECT / "tests").glob("*.sql")])

ENGINE_SPECIFIC = {
    # Spark needs a length for varchar; dbt.type_string() gives each engine its text type.
    "a cast to an engine's own type name (use dbt.type_string() or a macro)":
        r"\bas\s+(varchar|text|string|double|float8|hugeint|ubigint|uinteger)\b(?!\s*\()",
    "the :: cast shorthand": r"::",
    "try_cast": r"\btry_cast\s*\(",
    "group by all": r"\bgroup\s+by\s+all\b",
    "qualify": r"\bqualify\b",
    "DuckDB list functions": r"\blist_\w+\s*\(",
    "a lambda": r"->",
    "DuckDB's hash() (dbt.hash() is portable)": r"(?<!\.)\bhash\s*\(",
    "regular expression functions": r"\bregexp_\w+\s*\(",
    "select * exclude/replace": r"\*\s*(exclude|replace)\s*\(",
    # Postgres rounds only numerics to a number of places, and the ratios are doubles.
    "round() to places (round_ratio() rounds a double to places on every engine)":
        r"\bround\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*,\s*[0-9]+\s*\)",
    # Postgres's intervals have no quarters.
    "dbt.dateadd by quarters or by a period named in a variable (add_periods)": r"dateadd\(\s*('quarter'|period\b)",
}


def _violations(sql: str) -> list[str]:
    """The kinds of ENGINE_SPECIFIC SQL that the code uses outside its comments (which may name anything)."""
    code = re.sub(r"--[^\n]*", "", re.sub(r"\{#.*?#\}", "", sql, flags=re.DOTALL))
    return [name for name, pattern in ENGINE_SPECIFIC.items() if re.search(pattern, code, flags=re.IGNORECASE)]


def test_every_pattern_catches_the_sql_it_names():
    examples = {
        "cast(x as varchar)": 1, "cast(x as double)": 1, "x::date": 1, "try_cast(x as date)": 1,
        "select a, sum(b) from t group by all": 1, "select * from t qualify row_number() over () = 1": 1,
        "list_sum(xs)": 1, "list_transform(xs, x -> x + 1)": 2, "hash(a, b)": 1, "{{ dbt.hash('a') }}": 0,
        "regexp_full_match(a, 'x')": 1, "select * exclude (a) from t": 1,
        "cast(x as {{ dbt.type_string() }})": 0, "cast(x as decimal(18, 2))": 0, "cast(1 as bigint)": 0,
        "-- cast(x as varchar) in a comment": 0, "{# try_cast in a Jinja comment #}": 0,
        "round(sum(x), 6)": 1, "round(cast(x as {{ type_ratio() }}) * 100, 6)": 1, "round(x)": 0,
        "{{ round_ratio('x', 6) }}": 0, "{{ dbt.dateadd('quarter', 1, 'm') }}": 1,
        "{{ dbt.dateadd(period, -1, 'm') }}": 1, "{{ dbt.dateadd('month', 3, 'm') }}": 0,
    }
    for sql, expected in examples.items():
        assert len(_violations(sql)) == expected, sql


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda path: path.name)
def test_model_or_data_test_has_no_engine_specific_sql(path):
    assert _violations(path.read_text()) == []


YAML_FILES = sorted((PROJECT / "models").rglob("*.yml"))
# Contract types DuckDB and Postgres spell alike (dbt turns `string` into each engine's text type); a ratio is
# a double, which Postgres spells float8, so its YAML names the type by target.
PORTABLE_DATA_TYPE = r"date|boolean|integer|bigint|string|decimal\(\d+, ?\d+\)"
RATIO_DATA_TYPE = "{{ 'float8' if target.type == 'postgres' else 'double' }}"


def _models(path: Path) -> list[dict]:
    return (yaml.safe_load(path.read_text()) or {}).get("models", [])


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: path.name)
def test_contract_types_are_spelled_alike_on_duckdb_and_postgres(path):
    data_types = {column["data_type"] for model in _models(path) for column in model.get("columns", [])
                  if "data_type" in column}
    assert {kind for kind in data_types
            if not re.fullmatch(PORTABLE_DATA_TYPE, kind) and kind != RATIO_DATA_TYPE} == set()


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: path.name)
def test_unit_test_names_fit_a_postgres_identifier(path):
    # dbt names a unit test's relations after the test, and Postgres refuses names over 63 characters.
    unit_tests = (yaml.safe_load(path.read_text()) or {}).get("unit_tests", [])
    assert [test["name"] for test in unit_tests if len(test["name"]) > 63] == []
