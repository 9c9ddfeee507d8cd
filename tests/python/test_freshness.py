"""Stale inputs (issue 5): after loading, a warning (never an error) when the newest business date in the inputs
is more than --stale-after-days (default 45) days before as_of. Dates are read leniently; dates after as_of
and values that are not dates do not make an extract fresh.
"""

from __future__ import annotations

import logging
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from contract_files import write_required, write_table

from mrr_warehouse import build as build_module
from mrr_warehouse.cli import main
from mrr_warehouse.freshness import BUSINESS_DATES, DEFAULT_STALE_AFTER_DAYS, newest_business_date, warn_if_stale
from mrr_warehouse.inputs import load_inputs

AS_OF = date(2026, 10, 31)
OLD = "2025-01-01"


def _loaded(folder: Path, dates: dict[tuple[str, str], list[str]]) -> Path:
    """A database with the required tables loaded, each (table, column) holding the given values."""
    data = write_required(folder / "data")
    by_table: dict[str, list[dict[str, str]]] = {}
    for (table, column), values in dates.items():
        by_table.setdefault(table, []).extend({column: value} for value in values)
    for table, rows in by_table.items():
        write_table(data, table, rows)
    database = folder / "loaded.duckdb"
    load_inputs(data, database)
    return database


def _newest(database: Path) -> date | None:
    with closing(duckdb.connect(str(database), read_only=True)) as connection:
        return newest_business_date(connection, AS_OF)


def _stale_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.levelno == logging.WARNING and record.name == "mrr_warehouse.freshness"]


@pytest.mark.parametrize(("table", "column"), BUSINESS_DATES)
def test_each_business_date_column_can_be_the_newest(tmp_path, table, column):
    others = {(other_table, other_column): [OLD] for other_table, other_column in BUSINESS_DATES}
    database = _loaded(tmp_path, {**others, (table, column): [OLD, "2026-10-01"]})
    assert _newest(database) == date(2026, 10, 1)


def test_values_that_are_not_dates_and_dates_after_as_of_are_skipped(tmp_path):
    column = ("billing_invoices", "invoice_date")
    database = _loaded(tmp_path, {column: ["2026-09-01", "2026-02-30", "soon", "", "2026-11-01", "2062-09-01",
                                           "99999-01-01", "2026-10-15 10:30:00"]})
    assert _newest(database) == date(2026, 10, 15)


@pytest.mark.parametrize(("days_before", "warned"), [(DEFAULT_STALE_AFTER_DAYS, False),
                                                     (DEFAULT_STALE_AFTER_DAYS + 1, True)])
def test_warning_only_past_the_threshold(tmp_path, caplog, days_before, warned):
    newest = AS_OF - timedelta(days=days_before)
    database = _loaded(tmp_path, {("fx_rates", "rate_date"): [OLD, newest.isoformat()]})
    with caplog.at_level(logging.WARNING):
        warn_if_stale(database, AS_OF)
    messages = _stale_warnings(caplog)
    assert len(messages) == int(warned)
    if warned:
        assert f"newest business date is {newest}, {days_before} days before as_of {AS_OF}" in messages[0]


def test_inputs_without_any_business_date_are_warned_about(tmp_path, caplog):
    database = _loaded(tmp_path, {})
    with caplog.at_level(logging.WARNING):
        warn_if_stale(database, AS_OF)
    assert ["no business date on or before as_of" in message for message in _stale_warnings(caplog)] == [True]


def _stand_in_dbt(args: list[str], database: Path, settings: dict[str, str], manifest: object = None) -> None:
    """What `mrr build` reads after dbt: the bridge and which months were recomputed."""
    with closing(duckdb.connect(str(database))) as connection:
        connection.execute("create schema marts; create schema intermediate; "
                           "create table marts.mrr_bridge_monthly as select date '2026-10-01' as month; "
                           "create table marts.fct_mrr as select date '2026-10-01' as month; "
                           "create table intermediate.int_mrr_recompute_window as "
                           "select date '2026-10-01' as recompute_from_month; "
                           "create table intermediate.int_slice_recompute_window as "
                           "select date '2026-10-01' as recompute_from_month")


@pytest.mark.parametrize(("threshold", "warned"), [("60", True), ("400", False)])
def test_build_warns_about_stale_inputs_and_still_publishes(tmp_path, monkeypatch, capsys, threshold, warned):
    data = write_required(tmp_path / "data")
    write_table(data, "billing_subscriptions", [{"subscription_id": "S1", "created_at": "2026-01-01"}])
    database = tmp_path / "warehouse.duckdb"
    monkeypatch.setattr(build_module, "run_dbt", _stand_in_dbt)
    assert main(["build", "--data", str(data), "--database", str(database), "--as-of", AS_OF.isoformat(),
                 "--stale-after-days", threshold]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "look stale" in line]
    assert [line.startswith("mrr: warning: the inputs look stale: their newest business date is 2026-01-01, "
                            "303 days before as_of 2026-10-31") for line in warnings] == [True] * warned
    assert database.is_file()


def test_a_negative_threshold_is_a_usage_error(tmp_path, capsys):
    assert main(["build", "--data", str(tmp_path), "--database", str(tmp_path / "w.duckdb"),
                 "--stale-after-days", "-1"]) == 2
    assert capsys.readouterr().err.splitlines() == ["mrr: error: --stale-after-days must be 0 or more, got -1"]
