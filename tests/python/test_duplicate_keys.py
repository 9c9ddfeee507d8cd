"""macros/duplicate_keys.sql, behind the unique_combination_of_columns data test: both implementations find every
repeated composite key (nulls included) with its row count, and nothing when the keys are distinct.

The DuckDB one groups 64-bit hashes first; a test on real data only ever shows that it passes, so these run it on
hand-written rows through `dbt show`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from warehouse_builds import show_inline

ROWS = "select * from (values {}) as keyed(account_id, month, product_id)"
DISTINCT = "('a', 1, 'p'), ('a', 2, 'p'), ('b', 1, 'p'), ('a', 1, 'q'), ('a', 1, null)"
REPEATED = "('a', 1, 'p'), ('a', 1, 'p'), ('b', 2, null), ('b', 2, null), ('b', 2, null), ('c', 1, 'p')"


def duplicate_keys(implementation: str, rows: str, tmp_path: Path) -> list[tuple]:
    inline = (f"{{{{ mrr_warehouse.{implementation}__duplicate_keys(\"{ROWS.format(rows)}\", "
              f"'account_id, month, product_id') }}}}")
    return sorted(row[:4] for row in show_inline(inline, tmp_path))


@pytest.mark.parametrize("implementation", ["default", "duckdb"])
def test_repeated_keys_are_listed_with_their_row_counts(implementation, tmp_path):
    assert duplicate_keys(implementation, REPEATED, tmp_path) == [("a", 1, "p", 2), ("b", 2, None, 3)]


@pytest.mark.parametrize("implementation", ["default", "duckdb"])
def test_distinct_keys_pass(implementation, tmp_path):
    assert duplicate_keys(implementation, DISTINCT, tmp_path) == []
