"""Personal data (billing emails and names) never reaches the marts schema, not even inside a
rejected row: staging keeps only salted hashes, and rejected_rows masks those columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from warehouse_builds import AS_OF, append_rows, copy_seeds, mart_tables, query, run_build

EMAIL_LIKE = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
REJECTED_EMAIL = "orphan.customer@example.org"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company plus a billing customer that is rejected (unknown account), email and all."""
    root = tmp_path_factory.mktemp("personal-data")
    data = copy_seeds(root / "data")
    append_rows(data, "billing_customers", [{
        "customer_id": "cus_orphan", "account_id": "no_such_account", "customer_name": "Orphan Person",
        "email": REJECTED_EMAIL, "currency": "USD", "created_at": "2025-01-15"}])
    return run_build(data, AS_OF, root / "warehouse" / "warehouse.duckdb", full_refresh=True)


def _text_columns(database: Path, table: str) -> list[str]:
    rows = query(database, "select column_name from information_schema.columns "
                           "where table_schema = 'marts' and table_name = ? and data_type = 'VARCHAR'", [table])
    return [row[0] for row in rows]


def test_no_mart_text_column_holds_an_email_address(warehouse: Path):
    found = []
    for table in mart_tables(warehouse):
        for column in _text_columns(warehouse, table):
            hits = query(warehouse, f'select count(*) from marts."{table}" where regexp_matches("{column}", ?)',
                         [EMAIL_LIKE])[0][0]
            if hits:
                found.append(f"marts.{table}.{column}: {hits} rows")
    assert found == []


def test_the_rejected_customer_is_still_accounted_for_without_its_email(warehouse: Path):
    rows = query(warehouse, "select reason, raw_row from marts.rejected_rows where source_key = 'cus_orphan'")
    assert len(rows) == 1
    reason, raw_row = rows[0]
    assert "no_such_account" in reason
    assert REJECTED_EMAIL not in raw_row and "Orphan Person" not in raw_row
    assert "email=<personal data>" in raw_row
