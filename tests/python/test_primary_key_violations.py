"""macros/primary_keys.sql, behind the primary_key data test: both implementations list every key that
repeats or has a null part, with its row count, and nothing when the keys are distinct and whole.

The DuckDB one groups 64-bit hashes first; a test on real data only ever shows that it passes, so these run it on
hand-written rows through `dbt show`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from warehouse_builds import show_inline

ROWS = "select * from (values {}) as keyed(account_id, month, product_id)"
DISTINCT = "('a', 1, 'p'), ('a', 2, 'p'), ('b', 1, 'p'), ('a', 1, 'q')"
REPEATED = "('a', 1, 'p'), ('a', 1, 'p'), ('b', 2, 'q'), ('b', 2, 'q'), ('b', 2, 'q'), ('c', 1, 'p')"
NULL_PARTS = "('a', 1, 'p'), ('a', 1, null), (null, 2, 'p'), (null, 2, 'p'), ('c', 1, 'p')"


def violations(implementation: str, rows: str, tmp_path: Path) -> list[tuple]:
    inline = (f"{{{{ mrr_warehouse.{implementation}__primary_key_violations(\"{ROWS.format(rows)}\", "
              f"['account_id', 'month', 'product_id']) }}}}")
    return sorted((row[:4] for row in show_inline(inline, tmp_path)), key=str)


@pytest.mark.parametrize("implementation", ["default", "duckdb"])
def test_repeated_keys_are_listed_with_their_row_counts(implementation, tmp_path):
    assert violations(implementation, REPEATED, tmp_path) == [("a", 1, "p", 2), ("b", 2, "q", 3)]


@pytest.mark.parametrize("implementation", ["default", "duckdb"])
def test_keys_with_a_null_part_are_listed_even_once(implementation, tmp_path):
    assert violations(implementation, NULL_PARTS, tmp_path) == [("a", 1, None, 1), (None, 2, "p", 2)]


@pytest.mark.parametrize("implementation", ["default", "duckdb"])
def test_distinct_whole_keys_pass(implementation, tmp_path):
    assert violations(implementation, DISTINCT, tmp_path) == []
