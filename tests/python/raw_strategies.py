"""Hypothesis strategies for whole raw extracts: every contract table with a valid chain (account -> customer ->
subscription -> item on a plan) and random rows around it, mixing valid values with bad dates, negative, non-numeric
and huge amounts, unknown enumerations, unknown references, keys that collide and exact duplicate rows.
Written to files with raw_folder.write_raw_folder.
"""

from __future__ import annotations

from datetime import date, timedelta

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


# ------------------------------------------------------------------------------ valid companies, awkward money

CURRENCIES = ["USD", "EUR", "GBP"]
FIRST_DAY = date(2024, 1, 1)


def _day(offset: int) -> str:
    return (FIRST_DAY + timedelta(days=offset)).isoformat()


def _decimal_text(low: int, high: int, max_places: int) -> st.SearchStrategy[str]:
    """A number from low to high written with up to max_places decimals ('49.9', '0.0005', '12')."""
    @st.composite
    def draw_text(draw: st.DrawFn) -> str:
        places = draw(st.integers(0, max_places))
        units = str(draw(st.integers(low * 10**places, high * 10**places))).rjust(places + 1, "0")
        return f"{units[:-places]}.{units[-places:]}" if places else units
    return draw_text()


def _optional_day(draw: st.DrawFn, earliest: int, latest: int) -> str | None:
    offset = draw(st.one_of(st.none(), st.integers(earliest, latest)))
    return None if offset is None else _day(offset)


def _window(draw: st.DrawFn, earliest: int) -> tuple[str | None, str | None]:
    """[valid_from, valid_to) as texts, either end open, never empty."""
    start = draw(st.one_of(st.none(), st.integers(earliest, 1000)))
    end = _optional_day(draw, (earliest if start is None else start) + 1, 1100)
    return (None if start is None else _day(start)), end


def _plans(draw: st.DrawFn) -> list[dict]:
    """Three groups of two plans (products a and b); a group's plans share one interval and currency."""
    plans = []
    for group in range(1, 4):
        interval = draw(st.sampled_from(["month", "year", "week", "day"]))
        count = draw(st.sampled_from([None, "1", "3", "6", "7", "12", "13"]))
        currency = draw(st.sampled_from(CURRENCIES))
        plans += [{"plan_id": f"P{group}{variant}", "product_id": f"prod_{variant}", "billing_interval": interval,
                   "interval_count": count, "unit_amount": draw(_decimal_text(0, 5000, 4)), "currency": currency}
                  for variant in "ab"]
    return plans


def _subscription(draw: st.DrawFn, s: int) -> tuple[dict, list[dict], list[dict]]:
    """Subscription S<s>, its items (plans of one group, fractional seats too) and its discounts."""
    created = draw(st.integers(0, 800))
    subscription = {"subscription_id": f"S{s}", "customer_id": draw(st.sampled_from(["C1", "C2", "C3", "C4", "C5"])),
                    "created_at": _day(created), "trial_end": _optional_day(draw, created - 10, created + 60),
                    "ended_at": _optional_day(draw, created + 1, 1100), "status": "active"}
    group = draw(st.integers(1, 3))
    items = []
    for n in range(draw(st.integers(1, 3))):
        valid_from, valid_to = _window(draw, created - 30)
        items.append({"subscription_item_id": f"I{s}{n}", "subscription_id": f"S{s}",
                      "plan_id": f"P{group}{draw(st.sampled_from('ab'))}",
                      "quantity": draw(st.one_of(st.none(), st.integers(0, 60).map(str), _decimal_text(0, 5, 2))),
                      "valid_from": valid_from, "valid_to": valid_to})
    discounts = []
    for n in range(draw(st.integers(0, 3))):
        valid_from, valid_to = _window(draw, 0)
        kind = draw(st.sampled_from(["percent", "amount", "both"]))
        discounts.append({"discount_id": f"D{s}{n}", "subscription_id": f"S{s}",
                          "percent_off": draw(_decimal_text(0, 100, 4)) if kind != "amount" else None,
                          "amount_off": draw(_decimal_text(0, 300, 2)) if kind != "percent" else None,
                          "valid_from": valid_from, "valid_to": valid_to})
    return subscription, items, discounts


def _contract(draw: st.DrawFn, k: int) -> dict:
    start = draw(st.integers(0, 900))
    return {"contract_id": f"K{k}", "account_id": draw(st.sampled_from(["A1", "A2", "A3", "A4"])),
            "product_id": "prod_k", "start_date": _day(start), "end_date": _optional_day(draw, start + 1, 1100),
            "billing_frequency": draw(st.sampled_from(["monthly", "quarterly", "semiannual", "annual"])),
            "amount_per_period": draw(_decimal_text(0, 20000, 2)), "currency": draw(st.sampled_from(CURRENCIES)),
            "status": draw(st.sampled_from(["active", "cancelled", "draft"]))}


@st.composite
def valid_companies(draw: st.DrawFn) -> dict[str, list[dict]]:
    """A company of valid rows only, its money as awkward as the contract allows: prices to 4 decimals, every
    billing interval with counts that do not divide a year, fractional seats, stacked percent and amount discounts,
    rates to 15 decimals, contracts of every frequency and status, in three currencies."""
    parents = {"A3": draw(st.sampled_from([None, "A1", "A2"])), "A4": draw(st.sampled_from([None, "A1", "A3"]))}
    accounts = [{"account_id": f"A{n}", "parent_account_id": parents.get(f"A{n}"),
                 "segment": draw(st.sampled_from(["smb", "enterprise"])), "created_at": "2023-12-01"}
                for n in range(1, 5)]
    customers = [{"customer_id": f"C{n}", "account_id": draw(st.sampled_from([None, "A1", "A2", "A3", "A4"])),
                  "currency": draw(st.sampled_from(CURRENCIES)), "created_at": "2023-12-01"} for n in range(1, 6)]
    subscriptions = [_subscription(draw, s) for s in range(1, draw(st.integers(2, 8)))]
    rates = [{"rate_date": _day(offset), "currency": currency,  # a rate of 0 would not be valid: 1 instead
              "rate_to_reporting": draw(_decimal_text(0, 2, 15).map(lambda rate: rate if rate.strip("0.") else "1"))}
             for currency in ["EUR", "GBP"]
             for offset in sorted(draw(st.sets(st.integers(0, 1100), min_size=1, max_size=8)))]
    return {"crm_accounts": accounts, "billing_customers": customers, "billing_plans": _plans(draw),
            "billing_subscriptions": [subscription for subscription, _, _ in subscriptions],
            "billing_subscription_items": [item for _, items, _ in subscriptions for item in items],
            "billing_discounts": [discount for _, _, discounts in subscriptions for discount in discounts],
            "fx_rates": rates, "crm_contracts": [_contract(draw, k) for k in range(draw(st.integers(0, 3)))]}
