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
from conformance import MART_REPORTS
from reference_mrr import compute

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATABASE = Path(os.environ.get("MRR_TEST_DATABASE") or PROJECT_ROOT / "warehouse.duckdb")
DATA_DIR = Path(os.environ.get("MRR_TEST_DATA_DIR") or PROJECT_ROOT / "seeds")
AS_OF = date.fromisoformat(os.environ.get("MRR_TEST_AS_OF") or "2026-10-31")
REPORTING_CURRENCY = os.environ.get("MRR_TEST_REPORTING_CURRENCY") or "USD"


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


@pytest.mark.parametrize("report_of", MART_REPORTS, ids=lambda report_of: report_of.__name__)
def test_every_mart_matches_the_reference(warehouse, reference, report_of):
    """fct_mrr (rules 1-7), the movements (rule 8), the rejected rows and row accounting (rule 9), then the marts
    worked out from them (issue 4): each report's docstring in conformance.py says what it compares."""
    report = report_of(warehouse, reference)
    print(report)
    assert not report, report


# ------------------------------------------------------------------------------ the seeds themselves


def _sources_contract() -> dict[str, list[str]]:
    yaml = pytest.importorskip("yaml")
    columns = {}
    for name in ("_crm__sources.yml", "_billing__sources.yml"):
        document = yaml.safe_load((PROJECT_ROOT / "models" / "staging" / name).read_text())
        for source in document["sources"]:
            for table in source["tables"]:
                columns[table["name"]] = [column["name"] for column in table["columns"]]
    return columns


def test_reference_contract_is_the_sources_yaml():
    from reference_mrr import CONTRACT

    assert {table: list(spec[0]) for table, spec in CONTRACT.items()} == _sources_contract()


def test_seed_files_have_the_contract_header_in_order():
    import csv

    for table, columns in _sources_contract().items():
        with (PROJECT_ROOT / "seeds" / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == columns, table


def test_demo_company_shows_every_rule():
    """The bundled demo keeps at least one example of each rule, and exactly the intended bad rows."""
    result = compute(PROJECT_ROOT / "seeds", date(2026, 10, 31))
    mrr, movements = result["mrr"], result["movements"]
    kinds = {kind for (_month, _account, kind) in movements}
    assert kinds == {"new", "expansion", "contraction", "churn", "reactivation", "fx"}
    assert result["rejected"] == {
        ("billing_subscription_items", "si_035"),  # plan in JPY, no rate
        ("billing_subscription_items", "si_047"),  # unknown plan
        ("billing_subscription_items", "si_049"),  # valid_to <= valid_from
        ("billing_subscription_items", "si_051"),  # negative quantity
        ("billing_subscription_items", "si_059"),  # 2025-02-30
        ("billing_discounts", "di_010"),           # percent_off 150
        ("billing_subscriptions", "sub_036"),      # same key, different values
        ("billing_subscription_items", "si_053"),  # cascade from sub_036
        ("billing_discounts", "di_011"),           # cascade from sub_036
    }
    month = date(2026, 10, 1)
    assert mrr[(month, "A005")] == Decimal("427.63")   # quarterly + daily plan, 427.625 rounded once
    assert mrr[(month, "A022")] == Decimal("14.93")    # 19.90 x 75% = 14.925
    assert mrr[(month, "A026")] == Decimal("510.00")   # exact duplicate item counted once
    assert mrr[(date(2024, 1, 1), "A002")] == Decimal("482.83")  # EUR before its first rate
    assert mrr[(month, "cus_indie_01")] == Decimal("99.00")      # customer without CRM account
    assert (date(2025, 6, 1), "A008", "churn") in movements
    assert (date(2025, 11, 1), "A008", "reactivation") in movements
    assert (date(2024, 11, 1), "A010", "contraction") in movements  # second, overlapping percent discount
    assert not any(account == "A007" for (_m, account) in mrr)        # trial that never converted
    assert not any(account == "A012" and m < date(2024, 10, 1) for (m, account) in mrr)  # 100% discount
