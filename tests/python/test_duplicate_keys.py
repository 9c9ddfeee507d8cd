"""macros/duplicate_keys.sql, behind the unique_combination_of_columns data test: both implementations find every
repeated composite key (nulls included) with its row count, and nothing when the keys are distinct.

The DuckDB one groups 64-bit hashes first; a test on real data only ever shows that it passes, so these run it on
hand-written rows through `dbt show`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner
from warehouse_builds import dbt_environment

from mrr_warehouse.build import DATABASE_ENV, environment
from mrr_warehouse.project import project_root

ROWS = "select * from (values {}) as keyed(account_id, month, product_id)"
DISTINCT = "('a', 1, 'p'), ('a', 2, 'p'), ('b', 1, 'p'), ('a', 1, 'q'), ('a', 1, null)"
REPEATED = "('a', 1, 'p'), ('a', 1, 'p'), ('b', 2, null), ('b', 2, null), ('b', 2, null), ('c', 1, 'p')"


def duplicate_keys(implementation: str, rows: str, tmp_path: Path) -> list[tuple]:
    inline = (f"{{{{ mrr_warehouse.{implementation}__duplicate_keys(\"{ROWS.format(rows)}\", "
              f"'account_id, month, product_id') }}}}")
    root = str(project_root())
    settings = {**dbt_environment(tmp_path), DATABASE_ENV: str(tmp_path / "empty.duckdb")}
    with environment(settings):
        result = dbtRunner().invoke(["show", "--inline", inline, "--project-dir", root, "--profiles-dir", root,
                                     "--limit", "-1", "--quiet"])
    assert result.success, result.exception
    table = result.result.results[0].agate_table
    return sorted((row[0], row[1], row[2], row[3]) for row in table.rows)


@pytest.mark.parametrize("implementation", ["default", "duckdb"])
def test_repeated_keys_are_listed_with_their_row_counts(implementation, tmp_path):
    assert duplicate_keys(implementation, REPEATED, tmp_path) == [("a", 1, "p", 2), ("b", 2, None, 3)]


@pytest.mark.parametrize("implementation", ["default", "duckdb"])
def test_distinct_keys_pass(implementation, tmp_path):
    assert duplicate_keys(implementation, DISTINCT, tmp_path) == []
