"""The built warehouse agrees with the independent Python reference (reference_mrr.py), row for row.

Runs against the DuckDB file named by MRR_TEST_DATABASE (default: warehouse.duckdb at the project
root) once it holds the `marts` schema, else skips. The reference reads the raw files the warehouse
was built from: MRR_TEST_DATA_DIR (default: seeds/) at MRR_TEST_AS_OF (default: 2026-10-31), so
build with the same as_of, e.g. `mrr build --as-of 2026-10-31`. The database is opened read-only.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from reference_mrr import compute

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATABASE = Path(os.environ.get("MRR_TEST_DATABASE") or PROJECT_ROOT / "warehouse.duckdb")
DATA_DIR = Path(os.environ.get("MRR_TEST_DATA_DIR") or PROJECT_ROOT / "seeds")
AS_OF = date.fromisoformat(os.environ.get("MRR_TEST_AS_OF") or "2026-10-31")
REPORTING_CURRENCY = os.environ.get("MRR_TEST_REPORTING_CURRENCY") or "USD"
SHOWN = 25


@pytest.fixture(scope="module")
def warehouse():
    duckdb = pytest.importorskip("duckdb")
    if not DATABASE.exists():
        pytest.skip(f"no warehouse at {DATABASE} (set MRR_TEST_DATABASE or run `mrr build`)")
    connection = duckdb.connect(str(DATABASE), read_only=True)
    has_marts = connection.execute(
        "select count(*) from information_schema.schemata where schema_name = 'marts'").fetchone()[0]
    if not has_marts:
        connection.close()
        pytest.skip(f"{DATABASE} has no marts schema yet")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def reference():
    return compute(DATA_DIR, AS_OF, REPORTING_CURRENCY)


def _as_date(value) -> date:
    return value if type(value) is date else value.date()


def _keyed(rows, width: int) -> tuple[dict, list]:
    """(key -> value) from rows whose last column is the value; also the keys seen twice."""
    keyed, repeated = {}, []
    for row in rows:
        key = (_as_date(row[0]), *row[1:width])
        if key in keyed:
            repeated.append(key)
        keyed[key] = Decimal(row[width]).quantize(Decimal("0.01"))
    return keyed, repeated


def _describe(name: str, expected: dict, actual: dict, repeated: list) -> str:
    lines = [f"{name}: {len(repeated)} duplicated keys in the warehouse: {repeated[:SHOWN]}"] if repeated else []
    mismatches = [
        (key, expected.get(key), actual.get(key))
        for key in sorted(expected.keys() | actual.keys(), key=lambda k: tuple(map(str, k)))
        if expected.get(key) != actual.get(key)
    ]
    if mismatches:
        lines.append(f"{name}: {len(mismatches)} mismatches (reference vs warehouse), first {SHOWN}:")
        lines.append(f"    {'key':<58} {'reference':>12} {'warehouse':>12}")
        for key, want, got in mismatches[:SHOWN]:
            label = " | ".join(str(part) for part in key)
            lines.append(f"    {label:<58} {str(want or '-'):>12} {str(got or '-'):>12}")
    return "\n".join(lines)


def test_fct_mrr_matches_reference_rules_1_to_7(warehouse, reference):
    rows = warehouse.execute("select month, account_id, mrr from marts.fct_mrr").fetchall()
    actual, repeated = _keyed(rows, 2)
    report = _describe("fct_mrr", reference["mrr"], actual, repeated)
    print(report)
    assert not report, report


def test_fct_mrr_movements_match_reference_rule_8(warehouse, reference):
    rows = warehouse.execute(
        "select month, account_id, movement_type, mrr_change from marts.fct_mrr_movements").fetchall()
    actual, repeated = _keyed(rows, 3)
    report = _describe("fct_mrr_movements", reference["movements"], actual, repeated)
    print(report)
    assert not report, report


def test_rejected_rows_match_reference_rule_9(warehouse, reference):
    rows = warehouse.execute("select distinct source_table, source_key from marts.rejected_rows").fetchall()
    actual = {(table, key or "") for table, key in rows}
    expected = reference["rejected"]
    lines = []
    for label, keys in (("rejected by the reference only", expected - actual),
                        ("rejected by the warehouse only", actual - expected)):
        if keys:
            lines.append(f"{label} ({len(keys)}): " + ", ".join(f"{t}:{k}" for t, k in sorted(keys)[:SHOWN]))
    report = "\n".join(lines)
    print(report)
    assert not report, report
