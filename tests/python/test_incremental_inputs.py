"""Each kind of input change reaches back exactly as far as it must (issue 6), on the demo company.

One full build at AS_OF is the published warehouse. Per scenario the seeds change, an incremental build on a
copy of it must recompute from the expected month (int_mrr_recompute_window; the slices from
int_slice_recompute_window) and give the marts of a --full-refresh build on the changed seeds.
test_incremental.py does the same for a new month on 10,000 generated accounts; here every other kind of
input: rates, discounts (one counting in no month yet), plan prices, a line's start, an account's attributes,
nothing at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from warehouse_builds import AS_OF, append_rows, copy_seeds, mart_checksums, query, run_build, set_value, show_inline

from mrr_warehouse.report import recomputed_months

NO_MONTH = date(2026, 11, 1)  # the month after AS_OF: nothing to recompute


def _change_a_rate(data: Path) -> None:
    _set_row(data, "fx_rates", ("rate_date", "2025-05-01"), ("currency", "EUR"), "rate_to_reporting", "1.0700")


def _change_a_discount(data: Path) -> None:
    set_value(data, "billing_discounts", "di_003", "percent_off", "15")


def _add_a_discount_from_after_as_of(data: Path) -> None:
    # sub_005b's drivers of 2024-09 have a rounding cent, which a discount of the subscription in any month
    # once sent to price_change: a build keeping that month then differed from a full refresh.
    append_rows(data, "billing_discounts", [{"discount_id": "di_later", "subscription_id": "sub_005b",
                                             "percent_off": "10", "valid_from": "2027-01-01"}])


def _change_a_plan_price(data: Path) -> None:
    set_value(data, "billing_plans", "plan_pro_m_usd", "unit_amount", "109.00")


def _start_an_item_later(data: Path) -> None:
    before = set_value(data, "billing_subscription_items", "si_014", "valid_from", "2024-05-20")
    assert before["valid_from"] == "2024-02-12"


def _change_a_segment(data: Path) -> None:
    before = set_value(data, "crm_accounts", "A029", "segment", "mid_market")
    assert before["segment"] == "enterprise"


def _change_nothing(data: Path) -> None:
    pass


def _set_row(data: Path, table: str, *match_and_change: tuple[str, str] | str) -> None:
    """Set one column of the single row matching every (column, value) pair: (pairs..., column, value)."""
    *pairs, column, value = match_and_change
    path = data / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    hits = [index for index, line in enumerate(lines[1:], start=1)
            if all(line.split(",")[header.index(key)] == wanted for key, wanted in pairs)]
    assert len(hits) == 1, f"{table}: {len(hits)} rows match {pairs}"
    fields = lines[hits[0]].split(",")
    fields[header.index(column)] = value
    lines[hits[0]] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# scenario: (change, first month the month models recompute, first month the slices recompute)
SCENARIOS: dict[str, tuple[Callable[[Path], None], Callable[[Path], date], Callable[[Path], date] | None]] = {
    # A rate counts from its month; the next month's fx effect uses it as "last month's rate".
    "rate": (_change_a_rate, lambda published: date(2025, 5, 1), None),
    # A discount counts over its window, from its first month.
    "discount": (_change_a_discount, lambda published: date(2024, 3, 1), None),
    # A discount that counts in no month yet changes no month.
    "discount after as_of": (_add_a_discount_from_after_as_of, lambda published: NO_MONTH, None),
    # A plan price changes every line on the plan: from the first month any of them counts in.
    "plan price": (_change_a_plan_price, lambda published: _first_month_of_plan(published, "plan_pro_m_usd"), None),
    # A line that starts later changes nothing but its run of months: from the month it used to start in.
    "item start": (_start_an_item_later, lambda published: _first_month_of_line(published, "si_014"), None),
    # An account's segment places all its months (A029 is active from 2025-04): only the slices change.
    "account segment": (_change_a_segment, lambda published: NO_MONTH, lambda published: date(2025, 4, 1)),
    "nothing": (_change_nothing, lambda published: NO_MONTH, None),
}


def _first_month_of_plan(published: Path, plan_id: str) -> date:
    rows = query(published, "select min(month) from intermediate.int_revenue_line_months where plan_id = ?", [plan_id])
    return rows[0][0]


def _first_month_of_line(published: Path, line_id: str) -> date:
    query_text = "select first_counted_month from intermediate.int_revenue_lines where line_id = ?"
    return query(published, query_text, [line_id])[0][0]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incremental-inputs")
    data = copy_seeds(root / "seeds")
    return run_build(data, AS_OF, root / "published" / "warehouse.duckdb", full_refresh=True)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_changed_input_recomputes_from_its_first_month_and_matches_a_full_refresh(published, tmp_path, scenario):
    change, expected_first_month, expected_first_slice_month = SCENARIOS[scenario]
    data = copy_seeds(tmp_path / "changed")
    change(data)
    incremental = tmp_path / "incremental" / "warehouse.duckdb"
    incremental.parent.mkdir()
    shutil.copyfile(published, incremental)
    run_build(data, AS_OF, incremental)
    # Unchanged inputs: the published warehouse is their full refresh.
    full_refresh = (published if scenario == "nothing"
                    else run_build(data, AS_OF, tmp_path / "full" / "warehouse.duckdb", full_refresh=True))

    first_month = expected_first_month(published)
    window = query(incremental, "select recompute_from_month from intermediate.int_mrr_recompute_window")
    assert window == [(first_month,)]
    slice_window = query(incremental, "select recompute_from_month from intermediate.int_slice_recompute_window")
    assert slice_window == [((expected_first_slice_month or expected_first_month)(published),)]
    [(first_reported_month,)] = query(incremental, "select min(month) from marts.fct_mrr")
    assert recomputed_months(incremental) == (
        "account attributes changed: the slices recomputed the months from 2025-04 on, the other month models "
        "kept every month" if scenario == "account segment"
        else "no input changed: every month was kept" if first_month == NO_MONTH
        else "every month was computed" if first_month <= first_reported_month
        else f"months from {first_month:%Y-%m} on were recomputed, earlier ones kept")
    assert recomputed_months(full_refresh) == "every month was computed"
    restatements = "mrr_restatements"  # rightly differs: the incremental warehouse reported twice
    assert ({k: v for k, v in mart_checksums(incremental).items() if k != restatements}
            == {k: v for k, v in mart_checksums(full_refresh).items() if k != restatements})


def test_the_code_fingerprint_covers_the_views_month_models_read(tmp_path):
    """A changed view between the fingerprinted data and a stored month (the line months, the product split...)
    changes stored months as surely as a changed incremental model; tables there are fingerprinted as data."""
    [(listed,)] = show_inline("select '{{ month_models_code_nodes() | join(\",\") }}'", tmp_path)
    models = {unique_id.rsplit(".", 1)[1] for unique_id in listed.split(",")}
    assert {"fct_mrr", "int_account_mrr_monthly", "int_revenue_line_months", "int_account_product_mrr_monthly",
            "int_account_product_mrr_changes",
            "int_account_primary_plan_monthly"} <= models
    assert not models & {"int_revenue_lines", "stg_billing__subscription_items", "dim_accounts"}
