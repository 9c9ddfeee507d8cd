"""The hand-made companies of edge_companies.py, built end to end (conftest.py's edge_company), each at the
as_of its cases are about.

The marts agree with the Python reference row for row (fct_mrr, fct_mrr_movements, rejected rows), and the
cases worked out by hand have their figures: half cents rounded away from zero once per account, every billing
interval, discounts and windows ending on a snapshot day, movements of a month in which rates and seats both
moved, amounts just under 10 billion a period, and exactly the bad rows (with their cascades) rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import duckdb
import pytest
from conformance import MART_REPORTS
from reference_mrr import compute

# (account, month) -> MRR in fct_mrr; None: no row (neither active nor its churn month).
HAND_COMPUTED_MRR = {
    "intervals_rounding_and_discounts": {
        ("A_week1", "2025-06"): "43.33", ("A_week3", "2025-06"): "0.01", ("A_week4", "2025-06"): "13.03",
        ("A_week_tie", "2025-06"): "0.07", ("A_day1", "2025-06"): "30.42", ("A_day2_tie", "2025-06"): "1.83",
        ("A_day6", "2025-06"): "0.10", ("A_month2_tie", "2025-06"): "0.01", ("A_month6", "2025-06"): "100.00",
        ("A_year3_tie", "2025-06"): "1.01", ("A_annual_tie", "2025-06"): "0.01", ("A_round0", "2025-06"): None,
        ("A_6dp", "2025-06"): "100.00", ("A_null_qty", "2025-06"): "100.00",
        ("A_two_halves", "2025-06"): "0.01", ("A_line_vs_acct", "2025-06"): "20.01",
        ("A_pct_amt_rows", "2025-02"): "100.00", ("A_pct_amt_rows", "2025-04"): "65.00",
        ("A_pct_amt_rows", "2025-05"): "75.00", ("A_amt_exceeds", "2025-06"): "100.00",
        ("A_amt_sum", "2025-03"): "0.00", ("A_amt_sum", "2025-04"): None, ("A_amt_sum", "2025-05"): "40.00",
        ("A_disc_to_1st", "2025-02"): "50.00", ("A_disc_to_1st", "2025-03"): "100.00",
        ("A_disc_from_last", "2025-03"): "50.00", ("A_disc_from_last", "2025-04"): "100.00",
        ("A_disc_asof", "2025-06"): "100.00", ("A_disc_asof", "2025-07"): "90.00",
        ("A_amt_year", "2025-06"): "50.00", ("A_amt_day", "2025-06"): "15.21", ("A_amt_quarter", "2025-06"): "90.00",
        ("A_pct_multi", "2025-06"): "36.00", ("A_pct_4dp", "2025-06"): "66.67", ("A_disc_empty", "2025-06"): "100.00",
        ("A_pct100_amt", "2025-06"): None, ("A_disc_before_sub", "2025-01"): "90.00",
        ("A_disc_before_sub", "2025-02"): "100.00",
        ("A_item_before_create", "2025-02"): None, ("A_item_before_create", "2025-03"): "100.00",
        ("A_trial_after_end", "2025-04"): None, ("A_trial_after_end", "2025-05"): None,
        ("A_trial_end_1st", "2025-02"): None, ("A_trial_end_1st", "2025-03"): "100.00",
        ("A_trial_end_last", "2025-02"): "100.00",
        ("A_end_1st", "2025-03"): "100.00", ("A_end_1st", "2025-04"): "0.00", ("A_end_last", "2025-04"): "0.00",
        ("A_end_asof", "2025-06"): "100.00", ("A_end_asof", "2025-07"): "0.00", ("A_start_asof", "2025-07"): "100.00",
        ("A_early", "2024-12"): "100.00", ("A_canceled_status", "2025-07"): "100.00",
        ("A_plan_seat", "2025-02"): "200.00", ("A_plan_seat", "2025-03"): "750.00",
        ("A_plan_change_1st", "2025-03"): "100.00", ("A_plan_change_1st", "2025-04"): "200.00",
        ("A_free_plus", "2025-06"): "5.00", ("A_free_only", "2025-06"): None,
        ("A_seats_to_0", "2025-03"): "300.00", ("A_seats_to_0", "2025-04"): "0.00",
        ("A_churn_react", "2025-03"): "0.00", ("A_churn_react", "2025-04"): "200.00",
        ("A_churn_react", "2025-05"): "0.00", ("A_churn_react", "2025-06"): "300.00",
    },
    "currencies_and_contracts": {
        ("B_multi_cust", "2025-01"): "330.00", ("B_multi_cust", "2025-05"): "470.00",
        ("B_multi_cust", "2025-06"): "475.00", ("B_new_currency", "2025-05"): "160.00",
        ("B_drop_currency", "2025-02"): "150.03", ("B_drop_currency", "2025-05"): "100.00",
        ("B_fx_tie", "2025-02"): "10.01", ("B_fx_tie", "2025-03"): "10.00", ("B_fx_tie", "2025-06"): "12.50",
        ("B_contract_and_sub", "2025-01"): "100.00", ("B_contract_and_sub", "2025-02"): "200.05",
        ("B_contract_sub_halves", "2025-06"): "0.01", ("B_contract_tie", "2025-06"): "0.01",
        ("B_gbp_late_rate", "2025-01"): "130.00", ("B_gbp_late_rate", "2025-06"): "125.00",
        ("B_sek_gap", "2025-03"): "100.00", ("B_sek_gap", "2025-04"): "90.00",
        ("B_cad_future", "2025-06"): "70.00",
        ("B_nok_fx_churn", "2025-03"): "0.00", ("B_nok_fx_churn", "2025-04"): None,
        ("B_nok_fx_churn", "2025-05"): "0.01",
        ("B_contract_semi_eur", "2025-01"): "100.00", ("B_contract_semi_eur", "2025-06"): "125.00",
        ("B_contract_end_1st", "2025-02"): "150.00", ("B_contract_end_1st", "2025-04"): "50.00",
        ("B_contract_end_1st", "2025-05"): "0.00", ("B_contract_end_asof", "2025-06"): "100.00",
        ("B_contract_start_after_asof", "2025-06"): None,
        ("B_eur_disc_contract", "2025-01"): "90.00", ("B_eur_annual_amt", "2025-01"): "90.00",
        ("B_fx_and_seat", "2025-05"): "240.00", ("B_fx_and_contraction", "2025-05"): "120.00",
        ("B_cust_no_acct", "2025-02"): "100.00", ("B_cust_no_acct", "2025-03"): "230.00",
        ("B_dkk_case", "2025-06"): "15.00", ("B_status_case", "2025-06"): "100.00", ("B_float_id", "2025-06"): "100.00",
        ("B_parts_exact", "2025-06"): "108.28", ("B_fx_half", "2025-05"): "180.22", ("B_fx_half", "2025-06"): "180.23",
        ("B_fx_large_tie", "2025-05"): "30069973.18", ("B_fx_large_tie", "2025-06"): "50906422.63",
        ("B_fx_large_tie_down", "2025-05"): "50906422.63", ("B_fx_large_tie_down", "2025-06"): "30069973.18",
    },
    "dates_and_large_amounts": {
        ("C_leap_from", "2024-02"): "100.00", ("C_leap_to", "2024-01"): "100.00", ("C_leap_to", "2024-02"): "0.00",
        ("C_end_mar1", "2024-02"): "100.00", ("C_end_mar1", "2024-03"): "0.00", ("C_start_mar1", "2024-03"): "100.00",
        ("C_big_seats", "2024-03"): "9999899000.01", ("C_big_year_tie", "2024-03"): "100000000.01",
        ("C_big_week_tie", "2024-03"): "9100000005.01", ("C_big_sum", "2024-03"): "27000000000.00",
        ("C_big_pct", "2024-03"): "6000003000.00", ("C_over_limit", "2024-03"): None,
        ("C_exp_notation", "2024-03"): "15.00", ("C_micro_seats", "2024-03"): "10.00",
        ("C_micro_round0", "2024-03"): None, ("C_ic_2dot0", "2024-03"): "50.00",
        ("C_pct_round", "2024-01"): "100.00", ("C_pct_round", "2024-02"): "0.00",
        ("C_early", "2023-11"): "100.00", ("C_early", "2023-12"): "0.00",
        ("C_no_snapshot", "2024-01"): None, ("C_trial_eq_end", "2024-02"): None,
        ("C_tie_100k", "2024-03"): "100000.29", ("C_tie_top", "2024-03"): "99960978.66",
        ("C_driver_tie", "2024-01"): "99960978.66", ("C_driver_tie", "2024-02"): "299921956.31",
        ("C_driver_plan_tie", "2024-02"): "299960976.66",
    },
    "bad_rows_and_cascades": {
        **{(account_id, "2025-06"): "100.00" for account_id in (
            "X_unknown_plan", "X_item_window", "X_item_negative_qty", "X_item_bad_qty", "X_item_bad_date",
            "X_plan_no_rate", "X_plan_bad_amount", "X_plan_bad_interval", "X_pct_over", "X_pct_under",
            "X_amount_negative", "X_discount_window", "X_discount_bad_number", "X_item_copy", "X_subscription_copy",
            "X_subscription_conflict", "X_contracts")},
        ("X_gbp", "2025-03"): "125.00", ("X_gbp", "2025-06"): "125.00",
        ("nope", "2025-06"): None, ("c_nope", "2025-06"): None,
    },
}

# (account, month) -> {movement type: signed change}, every movement of that account-month.
HAND_COMPUTED_MOVEMENTS = {
    "intervals_rounding_and_discounts": {
        ("A_amt_sum", "2025-03"): {"churn": "-100.00"}, ("A_amt_sum", "2025-05"): {"reactivation": "40.00"},
        ("A_disc_from_last", "2025-03"): {"contraction": "-50.00"},
        ("A_churn_react", "2025-04"): {"reactivation": "200.00"}, ("A_churn_react", "2025-05"): {"churn": "-200.00"},
        ("A_plan_seat", "2025-03"): {"expansion": "550.00"},
    },
    "currencies_and_contracts": {
        ("B_multi_cust", "2025-05"): {"expansion": "100.00", "fx": "40.00"},
        ("B_new_currency", "2025-05"): {"expansion": "50.00", "fx": "10.00"},
        ("B_drop_currency", "2025-05"): {"contraction": "-50.00"},
        ("B_fx_and_seat", "2025-05"): {"expansion": "100.00", "fx": "40.00"},
        ("B_fx_and_contraction", "2025-05"): {"contraction": "-200.00", "fx": "20.00"},
        ("B_fx_tie", "2025-02"): {"fx": "0.01"}, ("B_fx_tie", "2025-03"): {"fx": "-0.01"},
        ("B_nok_fx_churn", "2025-03"): {"churn": "-0.01"}, ("B_nok_fx_churn", "2025-05"): {"reactivation": "0.01"},
        ("B_gbp_late_rate", "2025-06"): {"fx": "-5.00"}, ("B_sek_gap", "2025-04"): {"fx": "-10.00"},
        ("B_contract_end_1st", "2025-04"): {"contraction": "-100.00"},
        ("B_fx_half", "2025-06"): {"fx": "0.01"}, ("B_fx_large_tie", "2025-06"): {"fx": "20836449.45"},
        ("B_fx_large_tie_down", "2025-06"): {"fx": "-20836449.45"},
    },
    "dates_and_large_amounts": {
        ("C_leap_from", "2024-02"): {"new": "100.00"}, ("C_leap_to", "2024-02"): {"churn": "-100.00"},
        ("C_start_mar1", "2024-03"): {"new": "100.00"}, ("C_pct_round", "2024-02"): {"churn": "-100.00"},
        ("C_driver_tie", "2024-02"): {"expansion": "199960977.65"},
    },
    "bad_rows_and_cascades": {
        ("X_gbp", "2025-03"): None, ("X_subscription_conflict", "2025-02"): None,
    },
}

HAND_COMPUTED_REJECTED = {
    "intervals_rounding_and_discounts": set(),
    "currencies_and_contracts": set(),
    "dates_and_large_amounts": {("billing_subscription_items", "i_C_over_limit")},
    "bad_rows_and_cascades": {
        *(("billing_subscription_items", f"i_{account_id}_bad") for account_id in (
            "X_unknown_plan", "X_item_window", "X_item_negative_qty", "X_item_bad_qty", "X_item_bad_date",
            "X_plan_no_rate", "X_plan_bad_amount", "X_plan_bad_interval")),
        ("billing_subscription_items", "i_X_subscription_conflict_child"),
        ("billing_subscription_items", "i_X_orphan"), ("billing_subscription_items", "i_X_unknown_customer"),
        ("billing_plans", "bad_amount"), ("billing_plans", "fortnight"),
        *(("billing_discounts", f"d_{account_id}") for account_id in (
            "X_pct_over", "X_pct_under", "X_amount_negative", "X_discount_window", "X_discount_bad_number",
            "X_unknown_subscription", "X_subscription_conflict_child", "X_orphan")),
        ("billing_subscriptions", "s_X_subscription_conflict_2"), ("billing_subscriptions", "s_X_orphan"),
        ("billing_subscriptions", "s_X_unknown_customer"), ("billing_customers", "c_X_orphan"),
        *(("crm_contracts", f"k_X_contracts_{problem}") for problem in ("negative", "frequency", "status", "window")),
        ("crm_contracts", "k_X_unknown_account"), ("fx_rates", "2025-03-01|GBP"),
        ("billing_invoice_lines", "il_X_unknown_invoice"), ("billing_invoice_lines", "il_X_negative_fee"),
    },
}


@pytest.fixture(scope="module")
def reference(edge_company) -> dict:
    return compute(edge_company.data, edge_company.as_of)


@pytest.fixture
def warehouse(edge_company) -> Iterator[duckdb.DuckDBPyConnection]:
    with closing(duckdb.connect(str(edge_company.database), read_only=True)) as connection:
        yield connection


@pytest.mark.parametrize("report_of", MART_REPORTS, ids=lambda report_of: report_of.__name__)
def test_every_mart_matches_the_reference(warehouse, reference, report_of):
    report = report_of(warehouse, reference)
    assert not report, report


def test_mrr_of_each_case_is_what_the_rules_make_of_it(edge_company, warehouse):
    expected = HAND_COMPUTED_MRR[edge_company.name]
    rows = warehouse.execute("select account_id, strftime(month, '%Y-%m'), cast(mrr as varchar) from marts.fct_mrr "
                             "where account_id in (select unnest(?))", [sorted({key[0] for key in expected})])
    actual = {(account_id, month): mrr for account_id, month, mrr in rows.fetchall()}
    assert {key: actual.get(key) for key in expected} == expected


def test_movements_of_each_case_are_what_rule_8_makes_of_them(edge_company, warehouse):
    expected = HAND_COMPUTED_MOVEMENTS[edge_company.name]
    rows = warehouse.execute("select account_id, strftime(month, '%Y-%m'), movement_type, cast(mrr_change as varchar) "
                             "from marts.fct_mrr_movements").fetchall()
    actual: dict[tuple[str, str], dict[str, str]] = {}
    for account_id, month, movement_type, change in rows:
        actual.setdefault((account_id, month), {})[movement_type] = change
    assert {key: actual.get(key) for key in expected} == expected


def test_only_the_rows_made_bad_are_rejected(edge_company, warehouse):
    rejected = warehouse.execute("select source_table, source_key from marts.rejected_rows").fetchall()
    assert set(rejected) == HAND_COMPUTED_REJECTED[edge_company.name]
