"""Every column of a mart's key is declared not null, not only unique.

`unique` and `unique_combination_of_columns` let a null key through (`unique` skips nulls, and a
combination with a null in it is as unique as any other), and a BI tool joining on that key drops the row
without a word. In a mart with an enforced
contract the not-null rule is a constraint, checked by the database on every row written. The reported
history keeps not_null data tests, as its table outlives builds and only a full refresh would give it a
constraint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

PROJECT = Path(__file__).resolve().parents[2]


def _contracted_models(folder: str) -> list[dict]:
    properties_files = sorted((PROJECT / "models" / folder).rglob("_*__models.yml"))
    return [
        model
        for properties_file in properties_files
        for model in yaml.safe_load(properties_file.read_text()).get("models", [])
        if model.get("config", {}).get("contract", {}).get("enforced")
    ]


def _test_name(test: str | dict) -> str:
    return test if isinstance(test, str) else next(iter(test))


def key_columns(model: dict) -> set[str]:
    """The columns that a unique or unique_combination_of_columns data test names as the model's key."""
    keys = {
        column["name"]
        for column in model.get("columns", [])
        if "unique" in map(_test_name, column.get("data_tests", []))
    }
    for test in model.get("data_tests", []):
        if _test_name(test) == "unique_combination_of_columns":
            keys.update(test["unique_combination_of_columns"]["arguments"]["combination_of_columns"])
    return keys


def declared_not_null(column: dict) -> bool:
    constrained = any(constraint.get("type") == "not_null" for constraint in column.get("constraints", []))
    return constrained or "not_null" in map(_test_name, column.get("data_tests", []))


def columns_missing_not_null(model: dict) -> list[str]:
    columns = {column["name"]: column for column in model.get("columns", [])}
    return sorted(name for name in key_columns(model) if not declared_not_null(columns.get(name, {})))


REBUILT_MARTS = _contracted_models("marts")
CONTRACTED_MARTS = REBUILT_MARTS + _contracted_models("history")


def test_every_mart_is_found_with_its_key():
    names = {model["name"] for model in CONTRACTED_MARTS}
    assert {"fct_mrr", "fct_mrr_movements", "mrr_bridge_monthly_by_slice", "mrr_as_reported"} <= names
    assert all(key_columns(model) for model in CONTRACTED_MARTS), "a contracted mart without a key test"


@pytest.mark.parametrize("model", CONTRACTED_MARTS, ids=lambda model: model["name"])
def test_key_columns_are_declared_not_null(model):
    assert columns_missing_not_null(model) == []


@pytest.mark.parametrize("model", REBUILT_MARTS, ids=lambda model: model["name"])
def test_marts_declare_not_null_as_a_constraint(model):
    tested = [column["name"] for column in model.get("columns", [])
              if "not_null" in map(_test_name, column.get("data_tests", []))]
    assert tested == []


def test_a_key_column_without_not_null_is_caught():
    model = {
        "name": "example",
        "data_tests": [{"unique_combination_of_columns": {"arguments": {"combination_of_columns": ["month", "id"]}}}],
        "columns": [
            {"name": "month", "constraints": [{"type": "not_null"}]},
            {"name": "id", "data_tests": ["unique"]},
            {"name": "other", "data_tests": [{"unique": {"config": {"where": "other > 0"}}}, "not_null"]},
        ],
    }
    assert columns_missing_not_null(model) == ["id"]
