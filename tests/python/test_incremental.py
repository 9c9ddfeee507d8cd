"""An incremental build for one new month gives exactly the marts of a --full-refresh build (issue 6).

On a generated company (10,000 accounts, 24 months + the new month), where the new load also carries a backdated
cancellation: one subscription's ended_at moves into month M-3. Build A: --full-refresh at the end of month M, then
an incremental build at the end of M+1 on the same database with the changed extract. Build B: --full-refresh at
the end of M+1 on the changed extract. The marts must be the same rows. This guards the incremental models: a
model that only recomputed the new month would keep the cancelled subscription's MRR in M-3..M. The incremental
build's marts are also compared with the independent reference (reference_mrr.py, conformance.py).
"""

from __future__ import annotations

import shutil
from contextlib import closing
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conformance import MART_REPORTS, history_report
from reference_mrr import compute

from mrr_warehouse.bench import as_of_dates
from mrr_warehouse.build import build
from mrr_warehouse.generate import generate
from mrr_warehouse.project import project_root

ACCOUNTS, MONTHS, SEED = 10_000, 24, 6
END_MONTH = date(2025, 12, 1)  # month M + 1, the new month
MONTH_M = date(2025, 11, 1)
CANCELLED_ON = date(2025, 8, 15)  # in month M - 3, so the subscription no longer counts from M - 3 on
# Every mart but the restatement history, which rightly differs: build A reported twice, build B once.
COMPARED_MARTS = sorted(path.stem for path in (project_root() / "models" / "marts").rglob("*.sql")
                        if path.stem != "mrr_restatements")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("incremental")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(folder / "dbt-target"))  # leave the project's target/ alone
        patch.setenv("DBT_LOG_PATH", str(folder / "dbt-logs"))
        return _build_both_ways(folder)


def _build_both_ways(folder: Path) -> dict[str, object]:
    original, changed = folder / "original", folder / "changed"
    generate(ACCOUNTS, MONTHS + 1, SEED, "parquet", original, end_month=END_MONTH)
    subscription_id, account_id = _cancellable_subscription(original)
    _write_with_backdated_cancellation(original, changed, subscription_id)
    month_m_as_of, new_month_as_of = as_of_dates(END_MONTH)
    incremental, full_refresh = folder / "a" / "warehouse.duckdb", folder / "b" / "warehouse.duckdb"
    incremental.parent.mkdir()
    full_refresh.parent.mkdir()
    build(original, month_m_as_of, incremental, full_refresh=True)
    before = _account_mrr(incremental, account_id)
    build(changed, new_month_as_of, incremental, full_refresh=False)
    build(changed, new_month_as_of, full_refresh, full_refresh=True)
    return {"incremental": incremental, "full_refresh": full_refresh, "account_id": account_id,
            "mrr_before_cancellation": before, "original": original, "original_as_of": month_m_as_of,
            "changed": changed, "as_of": new_month_as_of}


def _cancellable_subscription(data: Path) -> tuple[str, str]:
    """The first subscription billing since before M-6 with no end, no discount and an open item (+ its account)."""
    with closing(duckdb.connect()) as connection:
        row = connection.execute(
            """
            select subscriptions.subscription_id, coalesce(customers.account_id, customers.customer_id)
            from read_parquet($subscriptions) as subscriptions
            inner join read_parquet($customers) as customers
                on subscriptions.customer_id = customers.customer_id
            where subscriptions.ended_at is null
                and greatest(subscriptions.created_at, subscriptions.trial_end) < date '2025-05-01'
                and subscriptions.subscription_id in (
                    select subscription_id from read_parquet($items) where valid_to is null and quantity > 0
                )
                and subscriptions.subscription_id not in (select subscription_id from read_parquet($discounts))
            order by subscriptions.subscription_id
            limit 1
            """,
            {"subscriptions": str(data / "billing_subscriptions.parquet"),
             "customers": str(data / "billing_customers.parquet"),
             "items": str(data / "billing_subscription_items.parquet"),
             "discounts": str(data / "billing_discounts.parquet")},
        ).fetchone()
    assert row is not None, "the generated company has no subscription to cancel"
    return row[0], row[1]


def _write_with_backdated_cancellation(original: Path, changed: Path, subscription_id: str) -> None:
    shutil.copytree(original, changed)
    target = changed / "billing_subscriptions.parquet"
    target.unlink()
    with closing(duckdb.connect()) as connection:
        connection.execute(
            f"""
            copy (
                select * replace (
                    case when subscription_id = $id then date '{CANCELLED_ON}' else canceled_at end as canceled_at,
                    case when subscription_id = $id then date '{CANCELLED_ON}' else ended_at end as ended_at,
                    case when subscription_id = $id then 'canceled' else status end as status
                )
                from read_parquet($source)
            ) to '{target}' (format parquet)
            """,
            {"id": subscription_id, "source": str(original / "billing_subscriptions.parquet")},
        )


def _account_mrr(warehouse: Path, account_id: str) -> dict[date, object]:
    with closing(duckdb.connect(str(warehouse), read_only=True)) as connection:
        rows = connection.execute("select month, mrr from marts.fct_mrr where account_id = ?", [account_id]).fetchall()
    return dict(rows)


def test_the_incremental_build_recomputed_from_the_cancelled_month_only(builds):
    """Without this the equality below would also hold for a build that recomputes every month."""
    with closing(duckdb.connect(str(builds["incremental"]), read_only=True)) as connection:
        window = connection.execute("select recompute_from_month from intermediate.int_mrr_recompute_window").fetchall()
        first_month = connection.execute("select min(month) from marts.fct_mrr").fetchone()[0]
    assert window == [(date(2025, 8, 1),)]
    assert first_month < date(2025, 8, 1)


def test_the_backdated_cancellation_changes_months_m_minus_3_to_m(builds):
    """Without this the equality below would prove nothing: the change must reach back into closed months."""
    before = builds["mrr_before_cancellation"]
    after = _account_mrr(builds["full_refresh"], builds["account_id"])
    for month in (date(2025, 8, 1), date(2025, 9, 1), date(2025, 10, 1), MONTH_M):
        assert after.get(month, 0) < before[month], month
    assert after[date(2025, 7, 1)] == before[date(2025, 7, 1)]


@pytest.mark.parametrize("mart", COMPARED_MARTS)
def test_incremental_build_equals_full_refresh(builds, mart):
    with closing(duckdb.connect()) as connection:
        connection.execute("attach ? as incremental (read_only)", [str(builds["incremental"])])
        connection.execute("attach ? as full_refresh (read_only)", [str(builds["full_refresh"])])
        incremental, full_refresh = f"incremental.marts.{mart}", f"full_refresh.marts.{mart}"
        only_incremental = connection.execute(
            f"select * from {incremental} except all select * from {full_refresh} order by all limit 5").fetchall()
        only_full_refresh = connection.execute(
            f"select * from {full_refresh} except all select * from {incremental} order by all limit 5").fetchall()
    assert (only_incremental, only_full_refresh) == ([], [])


@pytest.fixture(scope="module")
def reference(builds) -> dict:
    return compute(builds["changed"], builds["as_of"])


@pytest.mark.parametrize("report_of", MART_REPORTS, ids=lambda report_of: report_of.__name__)
def test_the_incremental_build_matches_the_reference(builds, reference, report_of):
    with closing(duckdb.connect(str(builds["incremental"]), read_only=True)) as connection:
        report = report_of(connection, reference)
    assert not report, report


def test_the_reported_history_matches_both_builds_references(builds, reference):
    """What each build reported, what the later one superseded (the cancelled months) and the restatements."""
    with closing(duckdb.connect(str(builds["incremental"]), read_only=True)) as connection:
        report = history_report(connection, compute(builds["original"], builds["original_as_of"]), reference)
    assert not report, report
