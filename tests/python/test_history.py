"""History across builds and idempotency (issue 5).

A build starts from a byte copy of the published warehouse, so the history model mrr_as_reported keeps what each
month's MRR was when first reported and marts.mrr_restatements lists what changed since; --full-refresh starts
from an empty file. Rebuilding the same inputs at the same as_of with --full-refresh gives the same marts, row for
row, whatever the file held before.

Real builds: the demo seeds at 2026-09-30, then the same seeds with a backdated cancellation
(warehouse_builds.CANCELLED_SUBSCRIPTION ended on CANCELLED_ON) at 2026-10-31 on the same file; then that file
rebuilt with --full-refresh from the inputs of the session's demo_warehouse, whose marts it must reproduce exactly.
"""

from __future__ import annotations

import shutil
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conformance import restatements_from_reports
from raw_folder import write_raw_folder
from raw_strategies import NO_REVENUE_YET
from warehouse_builds import (
    AS_OF,
    CANCELLED_SUBSCRIPTION,
    copy_seeds,
    copy_seeds_with_backdated_cancellation,
    mart_checksums,
    query,
    run_build,
    set_value,
)

from mrr_warehouse import build as build_module
from mrr_warehouse.build import build
from mrr_warehouse.errors import BuildError

FIRST_AS_OF = date(2026, 9, 30)
# CANCELLED_ON is in June: June to September, reported complete at 2026-09-30, lose the subscription.
# Its account's only revenue, open in the seeds.
SOLE_SUBSCRIPTION = "sub_009"
RESTATED_MONTHS = [date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]


def _account_of(data: Path, subscription_id: str) -> str:
    ((account,),) = query_csv(
        "select coalesce(customers.account_id, customers.customer_id) "
        "from read_csv($subscriptions, all_varchar = true) as subscriptions "
        "join read_csv($customers, all_varchar = true) as customers using (customer_id) "
        "where subscription_id = $id",
        {"subscriptions": str(data / "billing_subscriptions.csv"), "customers": str(data / "billing_customers.csv"),
         "id": subscription_id})
    return account


def query_csv(sql: str, params: dict[str, str]) -> list[tuple]:
    with closing(duckdb.connect()) as connection:
        return connection.execute(sql, params).fetchall()


def _monthly_mrr(database: Path, account_id: str) -> dict[date, Decimal]:
    return dict(query(database, "select month, mrr from marts.fct_mrr where account_id = ?", [account_id]))


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("history")
    reported = copy_seeds(root / "reported")
    restated = copy_seeds_with_backdated_cancellation(root / "restated")
    account = _account_of(restated, CANCELLED_SUBSCRIPTION)
    database = root / "warehouse" / "warehouse.duckdb"
    run_build(reported, FIRST_AS_OF, database)
    first_reported = _monthly_mrr(database, account)
    run_build(restated, AS_OF, database)
    return {"database": database, "account": account, "first_reported": first_reported,
            "current": _monthly_mrr(database, account)}


def test_a_backdated_cancellation_restates_exactly_the_months_reported_before_it(history):
    rows = query(history["database"], "select month, account_id, first_reported_mrr, first_reported_as_of, "
                                      "current_mrr, mrr_restated_by, restated_as_of, reported_versions "
                                      "from marts.mrr_restatements order by month")
    assert [(month, account) for month, account, *_ in rows] == [(month, history["account"])
                                                                 for month in RESTATED_MONTHS]
    for month, _, first, first_as_of, current, restated_by, restated_as_of, versions in rows:
        assert first == history["first_reported"][month] > current == history["current"].get(month, 0)
        assert restated_by == current - first
        assert (first_as_of, restated_as_of, versions) == (FIRST_AS_OF, AS_OF, 2)


def test_a_churn_row_withdrawn_by_a_later_build_is_no_restatement_of_its_month(tmp_path_factory):
    """Three builds on one file: the seeds; then SOLE_SUBSCRIPTION, its account's only revenue, ended in
    June (June churns to 0, July on have no row); then ended in May instead (May churns, June's churn row
    is withdrawn: still 0). Each build's figures are fct_mrr's right after it, absent counting as 0."""
    root = tmp_path_factory.mktemp("withdrawn")
    database = root / "warehouse" / "warehouse.duckdb"
    builds = [(copy_seeds(root / "seeds"), date(2026, 8, 31)),
              (_seeds_with(root / "june", SOLE_SUBSCRIPTION, "ended_at", "2026-06-10"), date(2026, 9, 30)),
              (_seeds_with(root / "may", SOLE_SUBSCRIPTION, "ended_at", "2026-05-10"), date(2026, 10, 31))]
    figures: list[tuple[date, dict[tuple[date, str], Decimal]]] = []
    for data, as_of in builds:
        run_build(data, as_of, database)
        figures.append((as_of, {(month, account): mrr for month, account, mrr in query(
            database, "select month, account_id, mrr from marts.fct_mrr where last_day(month) <= ?", [as_of])}))
    columns = ["first_reported_mrr", "first_reported_as_of", "current_mrr", "mrr_restated_by", "restated_as_of",
               "reported_versions"]
    restatements = {(month, account): dict(zip(columns, rest, strict=True)) for month, account, *rest in query(
        database, f"select month, account_id, {', '.join(columns)} from marts.mrr_restatements")}
    assert restatements == restatements_from_reports(figures)
    account = _account_of(root / "seeds", SOLE_SUBSCRIPTION)
    (_, seeds), (_, june), (_, may) = figures
    zero, june_churn = Decimal("0.00"), (date(2026, 6, 1), account)
    assert (june[june_churn], june_churn in may) == (zero, False)
    assert {key: tuple(row.values()) for key, row in restatements.items() if key[1] == account} == {
        (month, account): (seeds[(month, account)], date(2026, 8, 31), zero, -seeds[(month, account)], as_of, 2)
        for month, as_of in [(date(2026, 5, 1), date(2026, 10, 31)), (date(2026, 6, 1), date(2026, 9, 30)),
                             (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 8, 1), date(2026, 9, 30))]}


def _seeds_with(folder: Path, subscription_id: str, column: str, value: str) -> Path:
    data = copy_seeds(folder)
    set_value(data, "billing_subscriptions", subscription_id, column, value)
    return data


def test_rebuilding_the_same_as_of_after_a_correction_replaces_its_report_instead_of_restating_it(
        tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("same_as_of")
    database = root / "warehouse" / "warehouse.duckdb"
    run_build(copy_seeds(root / "reported"), AS_OF, database)
    run_build(copy_seeds_with_backdated_cancellation(root / "corrected"), AS_OF, database)
    assert query(database, "select count(*) from marts.mrr_restatements") == [(0,)]
    assert query(database, "select count(*), count(superseded_as_of), min(reported_as_of), max(reported_as_of) "
                           "from history.mrr_as_reported") == query(
        database, "select count(*), 0, ?::date, ?::date from marts.fct_mrr where last_day(month) <= ?",
        [AS_OF, AS_OF, AS_OF])


@pytest.fixture(scope="module")
def rebuilt(history, demo_warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The history warehouse rebuilt with --full-refresh from demo_warehouse's inputs at its as_of."""
    database = tmp_path_factory.mktemp("rebuilt") / "warehouse" / "warehouse.duckdb"
    database.parent.mkdir()
    shutil.copyfile(history["database"], database)
    run_build(demo_warehouse.data, AS_OF, database, full_refresh=True)
    return database


def test_full_refresh_starts_from_an_empty_file_so_nothing_is_restated(rebuilt):
    assert query(rebuilt, "select count(*) from marts.mrr_restatements") == [(0,)]
    assert query(rebuilt, "select distinct reported_as_of from history.mrr_as_reported") == [(AS_OF,)]


def test_rebuilding_the_same_inputs_gives_identical_marts(rebuilt, demo_warehouse):
    expected = mart_checksums(demo_warehouse.database)
    assert "fct_mrr" in expected
    assert expected["fct_mrr"][0] > 0
    actual = mart_checksums(rebuilt)
    assert [table for table in expected if actual.get(table) != expected[table]] == []
    assert actual.keys() == expected.keys()


# ---------------------------------------------------------------------------------------------------
# How the staged file starts (dbt replaced by a stand-in that records what it was given)
# ---------------------------------------------------------------------------------------------------


def _tables(database: Path) -> set[str]:
    rows = query(database, "select table_schema || '.' || table_name from information_schema.tables "
                           "where table_catalog = current_database()")
    return {row[0] for row in rows}


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A published warehouse with some history (main.history) and a raw table no longer in the contract."""
    target = tmp_path / "out" / "warehouse.duckdb"
    target.parent.mkdir()
    with closing(duckdb.connect(str(target))) as connection:
        connection.execute("create table history as select 42 as answer; create schema raw; "
                           "create table raw.obsolete as select 1 as x")
    return target


@pytest.fixture
def stand_in_dbt(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    seen: list[set[str]] = []
    monkeypatch.setattr(build_module, "run_dbt",
                        lambda args, database, settings, manifest=None: seen.append(_tables(database)))
    return seen


@pytest.mark.parametrize("full_refresh", [False, True])
def test_dbt_gets_the_published_file_with_a_new_raw_schema_or_with_full_refresh_an_empty_one(
        published, stand_in_dbt, data_dir, full_refresh):
    with closing(duckdb.connect(str(published), read_only=True)):  # a reader: the build must only read the file
        build(data_dir, AS_OF, published, full_refresh)
    (given,) = stand_in_dbt
    assert ("main.history" in given) is not full_refresh
    assert "raw.obsolete" not in given
    assert "raw.billing_plans" in given
    assert query(published, "select plan_id from raw.billing_plans") == [("P1",)]


def test_a_published_file_that_is_not_a_duckdb_database_needs_full_refresh(published, stand_in_dbt, data_dir):
    published.write_text("account_id,mrr\n")
    with pytest.raises(BuildError, match=r"not a DuckDB database this build can start from.*use --full-refresh"):
        build(data_dir, AS_OF, published)
    assert published.read_text() == "account_id,mrr\n"
    build(data_dir, AS_OF, published, full_refresh=True)
    assert query(published, "select plan_id from raw.billing_plans") == [("P1",)]


def test_an_earlier_as_of_than_the_published_history_needs_full_refresh(history, tmp_path: Path):
    database = tmp_path / "warehouse.duckdb"
    shutil.copyfile(history["database"], database)
    before = database.read_bytes()
    with pytest.raises(BuildError, match="earlier than the published warehouse's 2026-10-31"):
        run_build(history_inputs(tmp_path), FIRST_AS_OF, database)
    assert database.read_bytes() == before


def test_a_build_with_nothing_to_report_still_dates_the_history(tmp_path: Path):
    """Its as_of is the history's latest though it wrote no version."""
    data = write_raw_folder(tmp_path / "data", NO_REVENUE_YET)
    database = tmp_path / "warehouse" / "warehouse.duckdb"
    run_build(data, AS_OF, database)
    assert query(database, "select count(*) from history.mrr_as_reported") == [(0,)]
    with pytest.raises(BuildError, match="earlier than the published warehouse's 2026-10-31"):
        run_build(data, FIRST_AS_OF, database)


def history_inputs(root: Path) -> Path:
    return copy_seeds(root / "inputs")
