"""Hypothesis strategies for whole raw extracts: every contract table with a valid chain (account -> customer ->
subscription -> item on a plan) and random rows around it, mixing valid values with bad dates, negative, non-numeric
and huge amounts, unknown enumerations, unknown references, keys that collide and exact duplicate rows.
Written to files with raw_folder.write_raw_folder.
"""

from __future__ import annotations

from datetime import date

import hypothesis.strategies as st
from reference_mrr import CONTRACT

IDS = {
    "account_id": ["A1", "A2", "A3"], "parent_account_id": ["A1", "A2"], "customer_id": ["C1", "C2", "C3"],
    "plan_id": ["P1", "P2"], "subscription_id": ["S1", "S2", "S3"], "subscription_item_id": ["I1", "I2", "I3"],
    "discount_id": ["D1", "D2"], "invoice_id": ["N1", "N2"], "invoice_line_id": ["L1", "L2"],
    "contract_id": ["K1", "K2"], "product_id": ["prod_a", "prod_b"],
}
ENUMERATIONS = {
    "billing_interval": ["month", "year", "week", "day", "fortnight"],
    "billing_frequency": ["monthly", "quarterly", "semiannual", "annual", "weekly"],
    "status": ["active", "canceled", "cancelled", "draft", "paid", "open", "void", "trialing", "x"],
    "line_type": ["subscription", "proration", "one_time", "usage", "tax", "gift"],
    "period_type": ["month", "quarter", "year", "week"],
    "metric": ["new_mrr", "churn_mrr", "nrr", "closing_mrr", "happiness"],
    "direction": ["at_least", "at_most", "sideways"],
    "currency": ["USD", "USD", "EUR", "GBP", "usd", "XX"],
}
NUMERIC = {"interval_count", "unit_amount", "quantity", "percent_off", "amount_off", "amount", "rate_to_reporting",
           "target", "amount_per_period"}
DATES = {"created_at", "trial_end", "canceled_at", "ended_at", "valid_from", "valid_to", "invoice_date",
         "period_start", "period_end", "rate_date", "start_date", "end_date", "churned_on", "month"}

good_dates = st.dates(date(2024, 1, 1), date(2026, 12, 31)).map(date.isoformat)
bad_dates = st.sampled_from(["2025-02-30", "2025-1-5", "someday", "31/12/2025", "1969-12-01", "2999-01-01"])
good_numbers = st.sampled_from(["1", "2", "3", "12", "49.90", "100", "1000.005", "0"])
bad_numbers = st.sampled_from(["-5", "-0.01", "abc", "1,000", "1e3", "NaN", "99999999999999"])
texts = st.sampled_from(["x", "Zürich", "O'Brien; --", "smb", "enterprise", "EMEA", "a@b.example.com"])


def _value(column: str) -> st.SearchStrategy[str | None]:
    """Mostly valid values for the column, sometimes bad ones, sometimes empty."""
    if column in IDS:
        valid = st.sampled_from(IDS[column])
        invalid = st.sampled_from(["UNKNOWN", "a'b"])
    elif column in DATES:
        valid, invalid = good_dates, bad_dates
    elif column in NUMERIC:
        valid, invalid = good_numbers, bad_numbers
    elif column in ENUMERATIONS:
        valid, invalid = st.sampled_from(ENUMERATIONS[column]), st.just("UNKNOWN")
    else:
        valid, invalid = texts, st.just("")
    return st.one_of(valid, valid, valid, invalid, st.none())


VALID_CHAIN = {
    "crm_accounts": {"account_id": "A1", "segment": "smb", "created_at": "2024-01-01"},
    "billing_customers": {"customer_id": "C1", "account_id": "A1", "currency": "USD", "created_at": "2024-01-01"},
    "billing_plans": {"plan_id": "P1", "billing_interval": "month", "interval_count": "1", "unit_amount": "100",
                      "currency": "USD"},
    "billing_subscriptions": {"subscription_id": "S1", "customer_id": "C1", "created_at": "2024-02-01",
                              "status": "active"},
    "billing_subscription_items": {"subscription_item_id": "I1", "subscription_id": "S1", "plan_id": "P1",
                                   "quantity": "2"},
}
ONLY_THE_VALID_CHAIN = {table: [row] for table, row in VALID_CHAIN.items()}
# The chain with a price that does not parse: its plan and item are rejected, so the company has no revenue yet.
NO_REVENUE_YET = {**ONLY_THE_VALID_CHAIN, "billing_plans": [{**VALID_CHAIN["billing_plans"], "unit_amount": "abc"}]}


@st.composite
def raw_tables(draw: st.DrawFn) -> dict[str, list[dict]]:
    tables = {}
    for table, (columns, _key, required) in CONTRACT.items():
        if not required and draw(st.booleans()):
            continue  # an absent optional file is an empty table
        rows = draw(st.lists(st.fixed_dictionaries({column: _value(column) for column in columns}), max_size=4))
        rows = ([VALID_CHAIN[table]] if table in VALID_CHAIN else []) + rows
        if rows and draw(st.booleans()):
            rows.append(dict(draw(st.sampled_from(rows))))  # an exact duplicate row
        tables[table] = rows
    return tables
