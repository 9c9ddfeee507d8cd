"""Hand-computed cases for the reference implementation itself (reference_mrr.py), one rule each.

The reference is what the warehouse is compared with, so it gets its own small, exact examples.
Rule numbers are those of the README's MRR rules.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from raw_folder import account, contract, customer, discount, item, plan, rate, subscription, write_raw_folder
from reference_mrr import CONTRACT, compute, round_cents

# ------------------------------------------------------------------------------ helpers


def one_subscription(plans: list[dict], items: list[dict], created: str = "2024-01-01", **extra) -> dict:
    """A1 <- C1 <- S1 with the given plans and items, plus any further tables."""
    tables = {
        "crm_accounts": [account("A1")],
        "billing_customers": [customer("C1", "A1")],
        "billing_plans": plans,
        "billing_subscriptions": [subscription("S1", "C1", created)],
        "billing_subscription_items": items,
    }
    for table, rows in extra.items():
        tables[table] = tables.get(table, []) + rows
    return tables


def run(tmp_path: Path, tables: dict, as_of: str = "2024-06-30", reporting_currency: str = "USD") -> dict:
    return compute(write_raw_folder(tmp_path / "raw", tables), date.fromisoformat(as_of), reporting_currency)


def series(result: dict, account_id: str = "A1") -> dict[str, str]:
    """'YYYY-MM' -> MRR as text, for one account."""
    return {month.strftime("%Y-%m"): str(value) for (month, acc), value in sorted(result["mrr"].items())
            if acc == account_id}


def moves(result: dict, account_id: str = "A1") -> list[tuple[str, str, str]]:
    return [(month.strftime("%Y-%m"), kind, str(value))
            for (month, acc, kind), value in sorted(result["movements"].items()) if acc == account_id]


def months(first: str, last: str, value: str) -> dict[str, str]:
    y, m = map(int, first.split("-"))
    out = {}
    while f"{y:04d}-{m:02d}" <= last:
        out[f"{y:04d}-{m:02d}"] = value
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# ------------------------------------------------------------------------------ rule 3: monthly factors


def test_quarterly_plan_is_a_third_of_its_price_per_month(tmp_path):
    result = run(tmp_path, one_subscription([plan("P", "1000", "month", "3")], [item("I", "S1", "P")]),
                 as_of="2024-03-31")
    assert series(result) == months("2024-01", "2024-03", "333.33")


def test_weekly_plan_is_52_weeks_over_12_months(tmp_path):
    result = run(tmp_path, one_subscription([plan("P", "25", "week")], [item("I", "S1", "P", "3")]),
                 as_of="2024-01-31")
    assert series(result) == {"2024-01": "325.00"}  # 25 x 3 x 52 / 12


def test_daily_plan_is_365_days_over_12_months(tmp_path):
    result = run(tmp_path, one_subscription([plan("P", "1.20", "day")], [item("I", "S1", "P")]), as_of="2024-01-31")
    assert series(result) == {"2024-01": "36.50"}


def test_annual_plan_is_a_twelfth_times_quantity(tmp_path):
    result = run(tmp_path, one_subscription([plan("P", "1068", "year")], [item("I", "S1", "P", "5")]),
                 as_of="2024-01-31")
    assert series(result) == {"2024-01": "445.00"}


def test_two_year_plan_divides_by_interval_count(tmp_path):
    result = run(tmp_path, one_subscription([plan("P", "2400", "year", "2")], [item("I", "S1", "P")]),
                 as_of="2024-01-31")
    assert series(result) == {"2024-01": "100.00"}


def test_empty_quantity_and_interval_count_mean_one(tmp_path):
    result = run(tmp_path, one_subscription([plan("P", "49", "month", "")], [item("I", "S1", "P", "")]),
                 as_of="2024-01-31")
    assert series(result) == {"2024-01": "49.00"}


# ------------------------------------------------------------------------------ rule 5: CRM contracts


def test_quarterly_contract_of_1000_is_333_33_a_month_within_its_window(tmp_path):
    tables = {"crm_accounts": [account("A1")],
              "crm_contracts": [contract("K1", "A1", "2024-01-01", "2024-04-01", "quarterly", "1000.00")]}
    result = run(tmp_path, tables, as_of="2024-05-31")
    assert series(result) == {**months("2024-01", "2024-03", "333.33"), "2024-04": "0.00"}


@pytest.mark.parametrize(("frequency", "expected"), [("monthly", "1200.00"), ("semiannual", "200.00"),
                                                      ("annual", "100.00")])
def test_contract_is_amount_per_period_over_its_months(tmp_path, frequency, expected):
    tables = {"crm_accounts": [account("A1")],
              "crm_contracts": [contract("K1", "A1", "2024-01-01", "", frequency, "1200")]}
    assert series(run(tmp_path, tables, as_of="2024-01-31")) == {"2024-01": expected}


def test_draft_contracts_never_count_and_cancelled_ones_count_in_their_window(tmp_path):
    tables = {"crm_accounts": [account("A1")],
              "crm_contracts": [contract("K1", "A1", "2024-01-01", "", amount="500", status="draft"),
                                contract("K2", "A1", "2024-01-01", "2024-03-01", amount="300", status="cancelled")]}
    assert series(run(tmp_path, tables, as_of="2024-03-31")) == {"2024-01": "300.00", "2024-02": "300.00",
                                                                 "2024-03": "0.00"}


# ------------------------------------------------------------------------------ rules 2-3: windows


def test_line_counts_when_the_month_snapshot_is_inside_its_window(tmp_path):
    # Seats 10 -> 15 on 15 Feb: February is measured on the 29th, so it shows 15 seats; the
    # closed item (valid_to = 15 Feb) no longer counts in February.
    tables = one_subscription([plan("P", "10")], [item("I1", "S1", "P", "10", "", "2024-02-15"),
                                                  item("I2", "S1", "P", "15", "2024-02-15", "")])
    assert series(run(tmp_path, tables, as_of="2024-03-31")) == {"2024-01": "100.00", "2024-02": "150.00",
                                                                 "2024-03": "150.00"}


def test_last_month_is_measured_on_as_of(tmp_path):
    tables = one_subscription([plan("P", "10")], [item("I1", "S1", "P", "1", "", "2024-03-20"),
                                                  item("I2", "S1", "P", "2", "2024-03-20", "")])
    # as_of 15 March: the seat change of the 20th is not visible yet.
    assert series(run(tmp_path, tables, as_of="2024-03-15")) == months("2024-01", "2024-03", "10.00")


def test_trial_months_do_not_count(tmp_path):
    tables = one_subscription([plan("P", "49")], [item("I", "S1", "P")])
    tables["billing_subscriptions"] = [subscription("S1", "C1", "2024-01-10", trial_end="2024-02-10")]
    result = run(tmp_path, tables, as_of="2024-03-31")
    assert series(result) == {"2024-02": "49.00", "2024-03": "49.00"}
    assert moves(result) == [("2024-02", "new", "49.00")]


def test_trial_that_never_converts_never_counts(tmp_path):
    tables = one_subscription([plan("P", "49")], [item("I", "S1", "P")])
    tables["billing_subscriptions"] = [subscription("S1", "C1", "2024-01-25", trial_end="2024-02-08",
                                                    ended="2024-02-05", canceled="2024-02-01")]
    result = run(tmp_path, tables, as_of="2024-03-31")
    assert result["mrr"] == {}
    assert result["movements"] == {}
    assert result["rejected"] == set()


def test_canceled_at_does_not_end_mrr_but_ended_at_does(tmp_path):
    tables = one_subscription([plan("P", "99")], [item("I", "S1", "P")])
    tables["billing_subscriptions"] = [subscription("S1", "C1", "2024-01-01", canceled="2024-01-20",
                                                    ended="2024-03-10")]
    assert series(run(tmp_path, tables, as_of="2024-04-30")) == {"2024-01": "99.00", "2024-02": "99.00",
                                                                 "2024-03": "0.00"}


def test_item_before_the_subscription_start_is_cut_to_it(tmp_path):
    tables = one_subscription([plan("P", "99")], [item("I", "S1", "P", "1", "2023-06-01", "")], created="2024-02-10")
    assert series(run(tmp_path, tables, as_of="2024-02-29")) == {"2024-02": "99.00"}


# ------------------------------------------------------------------------------ rule 4: discounts


def test_percent_off_applies_before_amount_off(tmp_path):
    tables = one_subscription([plan("P", "99")], [item("I", "S1", "P", "3")],
                              billing_discounts=[discount("D", "S1", "10", "20")])
    assert series(run(tmp_path, tables, as_of="2024-01-31")) == {"2024-01": "247.30"}  # 297 x 0.9 - 20


def test_overlapping_percent_discounts_multiply(tmp_path):
    tables = one_subscription([plan("P", "1000")], [item("I", "S1", "P")],
                              billing_discounts=[discount("D1", "S1", "20", "", "2024-01-01", "2024-04-01"),
                                                 discount("D2", "S1", "10", "", "2024-02-01", "2024-03-01")])
    assert series(run(tmp_path, tables, as_of="2024-04-30")) == {"2024-01": "800.00", "2024-02": "720.00",
                                                                 "2024-03": "800.00", "2024-04": "1000.00"}


def test_amount_off_is_per_billing_period_of_the_subscription(tmp_path):
    tables = one_subscription([plan("P", "1200", "year")], [item("I", "S1", "P")],
                              billing_discounts=[discount("D", "S1", "", "120")])
    assert series(run(tmp_path, tables, as_of="2024-01-31")) == {"2024-01": "90.00"}  # 100 - 120 / 12


def test_subscription_mrr_never_goes_below_zero(tmp_path):
    tables = one_subscription([plan("P", "50"), plan("Q", "100")], [item("I", "S1", "P")],
                              billing_subscriptions=[subscription("S2", "C1", "2024-01-01")],
                              billing_subscription_items=[item("J", "S2", "Q")],
                              billing_discounts=[discount("D", "S1", "", "80")])
    assert series(run(tmp_path, tables, as_of="2024-01-31")) == {"2024-01": "100.00"}  # not 70


def test_full_discount_empties_the_month_and_the_return_is_a_reactivation(tmp_path):
    tables = one_subscription([plan("P", "100")], [item("I", "S1", "P")],
                              billing_discounts=[discount("D", "S1", "100", "", "2024-02-01", "2024-04-01")])
    result = run(tmp_path, tables, as_of="2024-04-30")
    assert series(result) == {"2024-01": "100.00", "2024-02": "0.00", "2024-04": "100.00"}
    assert moves(result) == [("2024-01", "new", "100.00"), ("2024-02", "churn", "-100.00"),
                             ("2024-04", "reactivation", "100.00")]


# ------------------------------------------------------------------------------ rules 6-7: currency and rounding


def test_rate_is_latest_on_or_before_snapshot_else_the_first(tmp_path):
    tables = one_subscription([plan("P", "100", currency="EUR")], [item("I", "S1", "P")],
                              fx_rates=[rate("2024-02-15", "EUR", "1.10"), rate("2024-04-01", "EUR", "1.20"),
                                        rate("2024-05-31", "EUR", "1.30"), rate("2024-06-01", "EUR", "9.99")])
    # Jan is before the first rate (uses it); May is measured on the 31st, the day of a new rate.
    assert series(run(tmp_path, tables, as_of="2024-05-31")) == {
        **months("2024-01", "2024-03", "110.00"), "2024-04": "120.00", "2024-05": "130.00"}


def test_reporting_currency_is_always_one_and_its_fx_rows_are_ignored(tmp_path):
    tables = one_subscription([plan("P", "100")], [item("I", "S1", "P")], fx_rates=[rate("2024-01-01", "USD", "2")])
    assert series(run(tmp_path, tables, as_of="2024-01-31")) == {"2024-01": "100.00"}


def test_reporting_currency_is_a_parameter(tmp_path):
    tables = one_subscription([plan("P", "100", currency="USD")], [item("I", "S1", "P")],
                              fx_rates=[rate("2024-01-01", "USD", "0.50")])
    assert series(run(tmp_path, tables, as_of="2024-01-31", reporting_currency="EUR")) == {"2024-01": "50.00"}


def test_account_mrr_is_summed_exactly_then_rounded_half_away_from_zero(tmp_path):
    # 1000 / 3 + 3.10 x 365 / 12 = 333.333... + 94.291666... = 427.625 exactly -> 427.63
    # (rounding each line first would give 333.33 + 94.29 = 427.62).
    tables = one_subscription([plan("Q", "1000", "month", "3"), plan("D", "3.10", "day")],
                              [item("I1", "S1", "Q"), item("I2", "S1", "D")])
    assert series(run(tmp_path, tables, as_of="2024-01-31")) == {"2024-01": "427.63"}


def test_several_currencies_are_converted_summed_and_rounded_once(tmp_path):
    # USD 120.06 / 12 = 10.005 and EUR 10 x 1.0005 = 10.005: 20.01, not 10.01 + 10.01.
    tables = one_subscription([plan("U", "120.06", "year"), plan("E", "10", currency="EUR")],
                              [item("I1", "S1", "U"), item("I2", "S1", "E")],
                              fx_rates=[rate("2024-01-01", "EUR", "1.0005")])
    assert series(run(tmp_path, tables, as_of="2024-01-31")) == {"2024-01": "20.01"}


def test_half_cent_after_a_discount_rounds_up(tmp_path):
    tables = one_subscription([plan("P", "19.90")], [item("I", "S1", "P")],
                              billing_discounts=[discount("D", "S1", "25")])
    assert series(run(tmp_path, tables, as_of="2024-01-31")) == {"2024-01": "14.93"}  # 14.925


def test_round_cents_is_half_away_from_zero():
    from fractions import Fraction

    assert [round_cents(Fraction(v)) for v in ("0.005", "-0.005", "0.0049999", "2.675", "-2.675")] == [
        Decimal("0.01"), Decimal("-0.01"), Decimal("0.00"), Decimal("2.68"), Decimal("-2.68")]


# ------------------------------------------------------------------------------ rule 8: movements


def test_fx_swing_is_not_expansion(tmp_path):
    tables = one_subscription([plan("P", "100", currency="EUR")], [item("I1", "S1", "P", "1", "", "2024-03-10"),
                                                                   item("I2", "S1", "P", "2", "2024-03-10", "")],
                              fx_rates=[rate("2024-01-01", "EUR", "1.10"), rate("2024-02-01", "EUR", "1.20"),
                                        rate("2024-03-01", "EUR", "1.25")])
    result = run(tmp_path, tables, as_of="2024-03-31")
    assert series(result) == {"2024-01": "110.00", "2024-02": "120.00", "2024-03": "250.00"}
    assert moves(result) == [
        ("2024-01", "new", "110.00"),
        ("2024-02", "fx", "10.00"),           # 100 x (1.20 - 1.10), no business change
        ("2024-03", "expansion", "120.00"),   # 250 - 120 - fx
        ("2024-03", "fx", "10.00"),           # 200 (this month's local MRR) x (1.25 - 1.20)
    ]


def test_seat_decrease_is_a_negative_contraction(tmp_path):
    tables = one_subscription([plan("P", "10")], [item("I1", "S1", "P", "10", "", "2024-02-01"),
                                                  item("I2", "S1", "P", "6", "2024-02-01", "")])
    assert moves(run(tmp_path, tables, as_of="2024-02-29")) == [("2024-01", "new", "100.00"),
                                                                ("2024-02", "contraction", "-40.00")]


def test_churn_month_is_kept_with_zero_and_a_return_is_a_reactivation(tmp_path):
    tables = one_subscription([plan("P", "49"), plan("Q", "99")], [item("I", "S1", "P")],
                              billing_subscriptions=[subscription("S2", "C1", "2024-05-03")],
                              billing_subscription_items=[item("J", "S2", "Q")])
    tables["billing_subscriptions"][0]["ended_at"] = "2024-03-20"
    result = run(tmp_path, tables, as_of="2024-06-30")
    assert series(result) == {"2024-01": "49.00", "2024-02": "49.00", "2024-03": "0.00", "2024-05": "99.00",
                              "2024-06": "99.00"}
    assert moves(result) == [("2024-01", "new", "49.00"), ("2024-03", "churn", "-49.00"),
                             ("2024-05", "reactivation", "99.00")]


def test_first_month_of_the_series_is_new_even_for_an_old_line(tmp_path):
    tables = one_subscription([plan("P", "10")], [item("I", "S1", "P")], created="2019-07-01")
    result = run(tmp_path, tables, as_of="2024-01-31")
    assert moves(result) == [("2019-07", "new", "10.00")]


# ------------------------------------------------------------------------------ rule 1: reporting account


def test_reporting_account_is_crm_account_else_customer(tmp_path):
    tables = {
        "crm_accounts": [account("A1")],
        "billing_customers": [customer("C1", "A1"), customer("C2", "A1"), customer("C3", "")],
        "billing_plans": [plan("P", "10")],
        "billing_subscriptions": [subscription("S1", "C1", "2024-01-01"), subscription("S2", "C2", "2024-01-01"),
                                  subscription("S3", "C3", "2024-01-01")],
        "billing_subscription_items": [item("I1", "S1", "P"), item("I2", "S2", "P", "2"), item("I3", "S3", "P")],
        "crm_contracts": [contract("K1", "A1", "2024-01-01", amount="5")],
    }
    result = run(tmp_path, tables, as_of="2024-01-31")
    assert result["mrr"] == {(date(2024, 1, 1), "A1"): Decimal("35.00"), (date(2024, 1, 1), "C3"): Decimal("10.00")}


# ------------------------------------------------------------------------------ rule 9: rejected rows


def test_unknown_account_rejects_the_customer_and_cascades(tmp_path):
    tables = one_subscription([plan("P", "10")], [item("I", "S1", "P")],
                              billing_discounts=[discount("D", "S1", "10")],
                              billing_invoices=[{"invoice_id": "N1", "customer_id": "C1", "status": "paid"}],
                              billing_invoice_lines=[{"invoice_line_id": "L1", "invoice_id": "N1",
                                                      "line_type": "subscription", "amount": "10"}])
    tables["billing_customers"] = [customer("C1", "A9")]
    result = run(tmp_path, tables, as_of="2024-01-31")
    assert result["mrr"] == {}
    assert result["rejected"] == {("billing_customers", "C1"), ("billing_subscriptions", "S1"),
                                  ("billing_subscription_items", "I"), ("billing_discounts", "D"),
                                  ("billing_invoices", "N1"), ("billing_invoice_lines", "L1")}


def test_conflicting_duplicate_keys_reject_all_rows_and_exact_duplicates_collapse(tmp_path):
    tables = one_subscription([plan("P", "10")], [item("I1", "S1", "P"), item("I1", "S1", "P"),
                                                  item("I2", "S2", "P")],
                              billing_subscriptions=[subscription("S2", "C1", "2024-01-01"),
                                                     subscription("S2", "C1", "2024-01-02")])
    result = run(tmp_path, tables, as_of="2024-01-31")
    assert series(result) == {"2024-01": "10.00"}  # I1 once, S2 and its item gone
    assert result["rejected"] == {("billing_subscriptions", "S2"), ("billing_subscription_items", "I2")}


@pytest.mark.parametrize(("table", "row", "key"), [
    ("billing_subscription_items", item("X", "S1", "P", "1", "2024-03-01", "2024-03-01"), "X"),
    ("billing_subscription_items", item("X", "S1", "P", "-1"), "X"),
    ("billing_subscription_items", item("X", "S1", "P", "1", "2024-02-30"), "X"),
    ("billing_subscription_items", item("X", "S1", "NOPE"), "X"),
    ("billing_subscription_items", item("X", "S9", "P"), "X"),
    ("billing_discounts", discount("X", "S1", "150"), "X"),
    ("billing_discounts", discount("X", "S1", "", "-5"), "X"),
    ("billing_discounts", discount("X", "S1", "", "10000000000"), "X"),  # 10 billion a period: beyond exact decimals
    ("billing_subscription_items", item("X", "S1", "P", "1000000000"), "X"),  # 10 x 10^9
    ("billing_plans", plan("X", "10", "fortnight"), "X"),
    ("billing_plans", plan("X", "10", "month", "0"), "X"),
    ("billing_plans", plan("X", "10", "month", "1.5"), "X"),
    ("billing_plans", plan("X", "-10"), "X"),
    ("billing_plans", plan("X", ""), "X"),
    ("billing_subscriptions", subscription("X", "C1", ""), "X"),
    ("billing_customers", customer("", "A1"), ""),
    ("crm_contracts", contract("X", "A1", "2024-02-01", "2024-01-01"), "X"),
    ("crm_contracts", contract("X", "A1", "2024-01-01", status="signed"), "X"),
    ("crm_contracts", contract("X", "A1", "2024-01-01", frequency="biweekly"), "X"),
    ("crm_contracts", contract("X", "A1", "2024-01-01", currency="CHF"), "X"),
    ("crm_contracts", contract("X", "A1", ""), "X"),
    ("crm_contracts", contract("X", "A1", "2024-01-01", amount="10000000000"), "X"),
    ("fx_rates", rate("2024-01-01", "EUR", "0"), "2024-01-01|EUR"),
    ("fx_rates", rate("2024-01-01", "EUR", "abc"), "2024-01-01|EUR"),
    ("crm_churn_reasons", {"account_id": "A9", "churned_on": "2024-01-31"}, "A9|2024-01-31"),
    ("kpi_goals", {"period_type": "week", "period_start": "2024-01-01", "metric": "nrr", "target": "1",
                   "direction": "at_least"}, "week|2024-01-01|nrr|at_least"),
    ("kpi_goals", {"period_type": "quarter", "period_start": "2024-02-01", "metric": "nrr", "target": "1",
                   "direction": "at_least"}, "quarter|2024-02-01|nrr|at_least"),
    ("kpi_goals", {"period_type": "month", "period_start": "2024-01-01", "metric": "happiness", "target": "1",
                   "direction": "at_least"}, "month|2024-01-01|happiness|at_least"),
    ("sales_marketing_spend", {"month": "2024-01-01", "category": "ads", "amount": "5", "currency": "JPY"},
     "2024-01-01|ads|5|JPY"),
    ("sales_marketing_spend", {"month": "2024-01-01", "category": "ads", "amount": "5", "currency": ""},
     "2024-01-01|ads|5|"),
])
def test_bad_rows_are_rejected_and_left_out(tmp_path, table, row, key):
    tables = one_subscription([plan("P", "10")], [item("I", "S1", "P")], **{table: [row]})
    result = run(tmp_path, tables, as_of="2024-01-31")
    assert result["rejected"] == {(table, key)}
    assert series(result) == {"2024-01": "10.00"}


def test_an_item_in_a_currency_without_rate_is_rejected_but_its_plan_is_not(tmp_path):
    tables = one_subscription([plan("P", "10"), plan("J", "12000", currency="JPY")],
                              [item("I", "S1", "P"), item("IJ", "S1", "J")])
    result = run(tmp_path, tables, as_of="2024-01-31")
    assert result["rejected"] == {("billing_subscription_items", "IJ")}
    assert series(result) == {"2024-01": "10.00"}


def test_a_conflicting_fx_rate_key_is_composite_and_both_rows_go(tmp_path):
    tables = one_subscription([plan("P", "100", currency="EUR")], [item("I", "S1", "P")],
                              fx_rates=[rate("2024-01-01", "EUR", "1.1"), rate("2024-01-01", "EUR", "1.2"),
                                        rate("2024-01-15", "EUR", "1.3")])
    result = run(tmp_path, tables, as_of="2024-01-31")
    assert result["rejected"] == {("fx_rates", "2024-01-01|EUR")}
    assert series(result) == {"2024-01": "130.00"}


# ------------------------------------------------------------------------------ reading the files


def test_missing_optional_files_are_empty_tables(tmp_path):
    tables = one_subscription([plan("P", "10")], [item("I", "S1", "P")])
    folder = write_raw_folder(tmp_path / "raw", tables)
    assert sorted(p.stem for p in folder.iterdir()) == sorted(t for t, spec in CONTRACT.items() if spec[2])
    assert series(compute(folder, date(2024, 1, 31))) == {"2024-01": "10.00"}


def test_parquet_files_read_like_csv(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    tables = one_subscription([plan("P", "12.5")], [item("I", "S1", "P", "2")])
    folder = write_raw_folder(tmp_path / "raw", tables)
    (folder / "billing_subscription_items.csv").unlink()
    pq.write_table(pa.table({"subscription_item_id": ["I"], "subscription_id": ["S1"], "plan_id": ["P"],
                             "quantity": [2], "valid_from": [date(2024, 1, 1)], "valid_to": [None]}),
                   folder / "billing_subscription_items.parquet")
    assert series(compute(folder, date(2024, 1, 31))) == {"2024-01": "25.00"}
