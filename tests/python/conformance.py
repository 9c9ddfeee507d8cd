"""A built warehouse against the Python reference (reference_mrr.py), row for row, as readable reports.

Each report is empty when the marts agree with the reference, else it lists the first mismatches:

    reference = compute(data_dir, as_of)
    report = mrr_report(connection, reference)
    assert not report, report
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb

SHOWN = 25


def mrr_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """marts.fct_mrr against the reference's MRR per month and account (rules 1 to 7)."""
    rows = warehouse.execute("select month, account_id, mrr from marts.fct_mrr").fetchall()
    return _describe("fct_mrr", reference["mrr"], *_keyed(rows, 2))


def movements_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """marts.fct_mrr_movements against the reference's movements per month, account and type (rule 8)."""
    rows = warehouse.execute(
        "select month, account_id, movement_type, mrr_change from marts.fct_mrr_movements").fetchall()
    return _describe("fct_mrr_movements", reference["movements"], *_keyed(rows, 3))


def rejected_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """The (table, key) pairs of marts.rejected_rows against the reference's (rule 9)."""
    rows = warehouse.execute("select distinct source_table, source_key from marts.rejected_rows").fetchall()
    actual = {(table, key or "") for table, key in rows}
    expected = reference["rejected"]
    lines = []
    for label, keys in (("rejected by the reference only", expected - actual),
                        ("rejected by the warehouse only", actual - expected)):
        if keys:
            lines.append(f"{label} ({len(keys)}): " + ", ".join(f"{t}:{k}" for t, k in sorted(keys)[:SHOWN]))
    return "\n".join(lines)


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
            lines.append(f"    {label:<58} {want or '-'!s:>12} {got or '-'!s:>12}")
    return "\n".join(lines)
