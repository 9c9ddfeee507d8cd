"""Each staging model says, next to its raw columns, which of them it reads through a normalisation (`read_as`),
so that rows differing only in how such a value is written collapse as exact duplicates. These tests hold that
list to what the model's SQL does, and the raw columns to the sources YAML.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mrr_warehouse.contract import load_contract

STAGING = Path(__file__).resolve().parents[2] / "models" / "staging"
MODELS = sorted(path for path in STAGING.glob("stg_*.sql") if path.stem != "stg_raw__row_counts")

# How the SQL reads a column -> the reading `read_as` must give it.
READINGS = {
    "id": re.compile(r"clean_id\('(\w+)'\)"),
    "enumeration": re.compile(r"\blower\((\w+)\)"),
    "currency": re.compile(r"\bupper\((\w+)\)"),
}


def declared_list(sql: str, name: str) -> list[str]:
    block = re.search(r"set " + name + r" = \[(.*?)\]", sql, re.S)
    return re.findall(r"'(\w+)'", block.group(1)) if block else []


def declared_readings(sql: str) -> dict[str, str]:
    block = re.search(r"set read_as = \{(.*?)\}", sql, re.S)
    return dict(re.findall(r"'(\w+)': '(\w+)'", block.group(1))) if block else {}


def readings_in_sql(sql: str, raw_columns: list[str]) -> dict[str, str]:
    body = sql.split("typed as (", 1)[1]
    return {column: reading for reading, pattern in READINGS.items() for column in pattern.findall(body)
            if column in raw_columns}


@pytest.mark.parametrize("path", MODELS, ids=lambda path: path.stem)
def test_read_as_names_every_column_the_model_normalises(path):
    sql = path.read_text()
    raw_columns = declared_list(sql, "raw_columns")
    assert declared_readings(sql) == readings_in_sql(sql, raw_columns)


@pytest.mark.parametrize("path", MODELS, ids=lambda path: path.stem)
def test_raw_columns_are_the_source_tables_columns_in_order(path):
    sql = path.read_text()
    table = re.search(r"source\('\w+', '(\w+)'\)", sql).group(1)
    assert declared_list(sql, "raw_columns") == list(load_contract().table(table).columns)


def test_a_reading_left_out_of_read_as_is_caught():
    sql = "{%- set raw_columns = ['plan_id', 'currency'] -%}\n{%- set read_as = {'plan_id': 'id'} -%}\n" \
          "typed as (select {{ clean_id('plan_id') }} as plan_id, upper(currency) as currency"
    raw_columns = declared_list(sql, "raw_columns")
    assert declared_readings(sql) == {"plan_id": "id"}
    assert readings_in_sql(sql, raw_columns) == {"plan_id": "id", "currency": "currency"}
