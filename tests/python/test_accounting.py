"""Row accounting (issue 5): `mrr check` proves raw = accepted + rejected + collapsed duplicates per source table,
against its own count of raw.<table>; `mrr build --strict` turns any rejected row into a failed, unpublished build.

`mrr check` reads the session's demo_warehouse (conftest.py); unbalanced warehouses are copies of it with one
number changed. The --strict build replaces dbt by a stand-in that writes marts.source_row_accounting.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import duckdb
import pytest
from warehouse_builds import CONTRACT, count_rows, query

from mrr_warehouse import build as build_module
from mrr_warehouse.build import build, refuse_rejected_rows
from mrr_warehouse.cli import main
from mrr_warehouse.errors import BuildError

# ---------------------------------------------------------------------------------------------------
# mrr check
# ---------------------------------------------------------------------------------------------------


def _printed_rows(out: str) -> dict[str, list[str]]:
    lines = out.splitlines()
    assert lines[0].split() == ["source_table", "raw_rows", "loaded_rows", "accepted_rows", "rejected_rows",
                                "collapsed_duplicate_rows", "is_balanced"]
    return {line.split()[0]: line.split()[1:] for line in lines[2:] if line.split()[0] in CONTRACT.names}


def test_check_prints_every_table_balanced_with_raw_rows_equal_to_the_rows_in_the_files(demo_warehouse, capsys):
    with closing(duckdb.connect(str(demo_warehouse.database), read_only=True)):  # check must open it read-only
        assert main(["check", "--database", str(demo_warehouse.database)]) == 0
    printed = _printed_rows(capsys.readouterr().out)
    assert sorted(printed) == sorted(CONTRACT.names)
    for table, (raw, loaded, accepted, rejected, collapsed, balanced) in printed.items():
        written = count_rows(demo_warehouse.data, table)
        assert int(raw.replace(",", "")) == int(loaded.replace(",", "")) == written, table
        assert int(accepted) + int(rejected) + int(collapsed) == written, table
        assert balanced == "true", table
    assert sum(int(row[3]) for row in printed.values()) > 0  # the demo has rejected rows: they are counted


@pytest.mark.parametrize(("tampering", "expected"), [
    ("delete from raw.billing_plans where _row_number = 1",
     "billing_plans: marts.source_row_accounting counts {billing_plans} raw rows but raw.billing_plans holds "
     "{billing_plans_less_1}"),
    ("update marts.source_row_accounting set accepted_rows = accepted_rows + 1 where source_table = 'fx_rates'",
     "fx_rates: {fx_rates} raw rows but {fx_rates_plus_1} accepted + 0 rejected + 0 collapsed duplicates "
     "= {fx_rates_plus_1}"),
    ("update marts.source_row_accounting set is_balanced = false where source_table = 'kpi_goals'",
     "kpi_goals: {kpi_goals} raw rows but {kpi_goals} accepted + 0 rejected + 0 collapsed duplicates = {kpi_goals}"),
    ("drop table raw.crm_churn_reasons", "crm_churn_reasons: no table raw.crm_churn_reasons in the warehouse"),
    ("delete from marts.source_row_accounting where source_table = 'crm_contracts'",
     "crm_contracts: no row in marts.source_row_accounting"),
], ids=["raw-count-differs", "arithmetic-off", "mart-says-unbalanced", "raw-table-missing", "table-unaccounted"])
def test_check_fails_naming_the_table_that_does_not_balance(
        demo_warehouse, demo_warehouse_copy, capsys, tampering, expected):
    rows = {table: count_rows(demo_warehouse.data, table) for table in CONTRACT.names}
    counts = {**rows, **{f"{table}_plus_1": count + 1 for table, count in rows.items()},
              **{f"{table}_less_1": count - 1 for table, count in rows.items()}}
    with closing(duckdb.connect(str(demo_warehouse_copy))) as connection:
        connection.execute(tampering)
    assert main(["check", "--database", str(demo_warehouse_copy)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"mrr: error: {expected.format(**counts)}"]
    assert "source_table" in captured.out  # the table is printed before the verdict


def test_check_without_a_warehouse_exits_2(tmp_path, capsys):
    assert main(["check", "--database", str(tmp_path / "missing.duckdb")]) == 2
    assert "run `mrr build` first" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------
# mrr build --strict
# ---------------------------------------------------------------------------------------------------


def test_strict_names_every_table_with_rejected_rows_and_their_counts(demo_warehouse):
    rejected = query(demo_warehouse.database, "select source_table, rejected_rows from marts.source_row_accounting "
                                              "where rejected_rows > 0 order by source_table")
    assert rejected, "the demo company has rejected rows"
    with pytest.raises(BuildError) as raised:
        refuse_rejected_rows(demo_warehouse.database)
    message = str(raised.value)
    assert message.startswith(f"--strict: {sum(count for _, count in rejected)} rejected rows (")
    assert ", ".join(f"{table} {count}" for table, count in rejected) in message
    assert "\n" not in message


class AccountingDbt:
    """Stands in for run_dbt: writes a marts.source_row_accounting with the given rejected rows per table."""

    def __init__(self, rejected: dict[str, int]) -> None:
        self.rejected = rejected

    def __call__(self, args: list[str], database: Path, settings: dict[str, str], manifest: object = None) -> None:
        rows = [(table.name, self.rejected.get(table.name, 0)) for table in CONTRACT.tables]
        with closing(duckdb.connect(str(database))) as connection:
            connection.execute("create schema if not exists marts; create or replace table marts.source_row_accounting "
                               "(source_table varchar, raw_rows bigint, accepted_rows bigint, rejected_rows bigint, "
                               "collapsed_duplicate_rows bigint, is_balanced boolean)")
            connection.executemany("insert into marts.source_row_accounting values (?, ?, 0, ?, 0, true)",
                                   [(name, count, count) for name, count in rows])




def test_strict_build_with_rejected_rows_fails_and_publishes_nothing(monkeypatch, capsys, data_dir, published):
    monkeypatch.setattr(build_module, "run_dbt", AccountingDbt({"billing_plans": 1, "crm_accounts": 3}))
    before = published.read_bytes()
    assert main(["build", "--strict", "--data", str(data_dir), "--database", str(published)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("mrr: error: ")]
    assert errors == ["mrr: error: --strict: 4 rejected rows (billing_plans 1, crm_accounts 3); "
                      "see marts.rejected_rows; nothing was published"]
    assert published.read_bytes() == before
    assert [path.name for path in published.parent.iterdir()] == [published.name]


def test_strict_build_without_rejected_rows_publishes(monkeypatch, data_dir, published):
    monkeypatch.setattr(build_module, "run_dbt", AccountingDbt({}))
    build(data_dir, None, published, strict=True)
    assert query(published, "select sum(rejected_rows) from marts.source_row_accounting") == [(0,)]


def test_without_strict_rejected_rows_do_not_fail_the_build(monkeypatch, data_dir, published):
    monkeypatch.setattr(build_module, "run_dbt", AccountingDbt({"billing_plans": 1}))
    build(data_dir, None, published)
    assert query(published, "select sum(rejected_rows) from marts.source_row_accounting") == [(1,)]
