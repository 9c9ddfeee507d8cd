"""Every mart names its key with a primary_key data test (unique and never null, in one query), and in
a rebuilt mart each key column is also not null by constraint: the database then refuses a null key as
the row is written, and the contract shows BI tools which columns they can join on. The reported history
is kept across builds and only a full refresh would give it a constraint; its primary_key test checks the
months each build writes, nulls included.
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
    """The columns that a primary_key data test names as the model's key."""
    keys = {
        column["name"]
        for column in model.get("columns", [])
        if "primary_key" in map(_test_name, column.get("data_tests", []))
    }
    for test in model.get("data_tests", []):
        if _test_name(test) == "primary_key":
            keys.update(test["primary_key"]["arguments"]["columns"])
    return keys


def not_null_by_constraint(column: dict) -> bool:
    return any(constraint.get("type") == "not_null" for constraint in column.get("constraints", []))


def key_columns_without_constraint(model: dict) -> list[str]:
    columns = {column["name"]: column for column in model.get("columns", [])}
    return sorted(name for name in key_columns(model) if not not_null_by_constraint(columns.get(name, {})))


REBUILT_MARTS = _contracted_models("marts")
CONTRACTED_MARTS = REBUILT_MARTS + _contracted_models("history")


def test_every_mart_is_found_with_its_key():
    names = {model["name"] for model in CONTRACTED_MARTS}
    assert {"fct_mrr", "fct_mrr_movements", "mrr_bridge_monthly_by_slice", "mrr_as_reported"} <= names
    assert all(key_columns(model) for model in CONTRACTED_MARTS), "a contracted mart without a primary_key test"


@pytest.mark.parametrize("model", REBUILT_MARTS, ids=lambda model: model["name"])
def test_key_columns_are_not_null_by_constraint(model):
    assert key_columns_without_constraint(model) == []


@pytest.mark.parametrize("model", REBUILT_MARTS, ids=lambda model: model["name"])
def test_marts_declare_not_null_as_a_constraint(model):
    tested = [column["name"] for column in model.get("columns", [])
              if "not_null" in map(_test_name, column.get("data_tests", []))]
    assert tested == []


def test_a_key_column_without_the_constraint_is_caught():
    model = {
        "name": "example",
        "data_tests": [{"primary_key": {"arguments": {"columns": ["month", "id"]}}}],
        "columns": [
            {"name": "month", "constraints": [{"type": "not_null"}]},
            {"name": "id", "data_tests": ["not_null"]},
            {"name": "code", "data_tests": ["primary_key"]},
            {"name": "other", "data_tests": [{"unique": {"config": {"where": "other > 0"}}}]},
        ],
    }
    assert key_columns_without_constraint(model) == ["code", "id"]
