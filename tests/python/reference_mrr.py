"""A naive, independent reference implementation of the MRR rules (docs: the README's rules 1-9).

Written straight from the rules, for small data only: it loops over every line and month and
keeps every amount as an exact fraction until the one rounding to the cent the rules ask for.
It shares no code with the dbt models, so a pytest can compare the warehouse with it.

    compute(data_dir, as_of) -> {
        'mrr':       {(month, account_id): Decimal},                   # active months + churn months (0)
        'movements': {(month, account_id, movement_type): Decimal},    # signed mrr_change, zero omitted
        'rejected':  {(source_table, source_key)},                     # composite keys joined with '|'
    }

Decisions taken where the rules are silent are marked "Decision:" below.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Optional

# --------------------------------------------------------------------------------------------
# The raw contract: table -> (columns in order, primary key, required file)
# --------------------------------------------------------------------------------------------

CONTRACT: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "crm_accounts": (
        ("account_id", "account_name", "parent_account_id", "segment", "industry", "region", "owner",
         "created_at"),
        ("account_id",), True),
    "crm_contracts": (
        ("contract_id", "account_id", "product_id", "start_date", "end_date", "billing_frequency",
         "amount_per_period", "currency", "status"),
        ("contract_id",), False),
    "crm_churn_reasons": (
        ("account_id", "churned_on", "reason_code", "notes"),
        ("account_id", "churned_on"), False),
    "billing_customers": (
        ("customer_id", "account_id", "customer_name", "email", "currency", "created_at"),
        ("customer_id",), True),
    "billing_plans": (
        ("plan_id", "product_id", "product_name", "plan_name", "billing_interval", "interval_count",
         "unit_amount", "currency"),
        ("plan_id",), True),
    "billing_subscriptions": (
        ("subscription_id", "customer_id", "created_at", "trial_end", "canceled_at", "ended_at", "status"),
        ("subscription_id",), True),
    "billing_subscription_items": (
        ("subscription_item_id", "subscription_id", "plan_id", "quantity", "valid_from", "valid_to"),
        ("subscription_item_id",), True),
    "billing_discounts": (
        ("discount_id", "subscription_id", "percent_off", "amount_off", "valid_from", "valid_to"),
        ("discount_id",), False),
    "billing_invoices": (
        ("invoice_id", "customer_id", "invoice_date", "status", "currency"),
        ("invoice_id",), False),
    "billing_invoice_lines": (
        ("invoice_line_id", "invoice_id", "subscription_id", "line_type", "amount", "period_start",
         "period_end"),
        ("invoice_line_id",), False),
    "fx_rates": (
        ("rate_date", "currency", "rate_to_reporting"),
        ("rate_date", "currency"), False),
    "kpi_goals": (
        ("period_type", "period_start", "metric", "target", "direction"),
        ("period_type", "period_start", "metric"), False),
    "sales_marketing_spend": (
        ("month", "category", "amount", "currency"),
        ("month", "category"), False),
}

BILLING_INTERVAL_FACTOR = {"month": Fraction(1), "year": Fraction(1, 12), "week": Fraction(52, 12),
                           "day": Fraction(365, 12)}
CONTRACT_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}
CONTRACT_STATUSES = {"active", "cancelled", "draft"}
# Decision: the other enumerations the contract spells out are checked too (rule 9 "unknown enumeration").
INVOICE_STATUSES = {"paid", "open", "void", "uncollectible"}
LINE_TYPES = {"subscription", "proration", "one_time", "usage", "tax"}
PERIOD_TYPES = {"month", "quarter", "year"}
DIRECTIONS = {"at_least", "at_most"}

Row = dict[str, Optional[str]]


class BadValue(Exception):
    """A raw value that does not parse or breaks a rule; the row goes to rejected."""


# --------------------------------------------------------------------------------------------
# Reading and parsing
# --------------------------------------------------------------------------------------------

def _text(value: object) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value)
    return None if text.strip() == "" else text


def read_table(data_dir: Path, table: str) -> list[Row]:
    """Rows of <table>.csv (or .parquet) as text, None for empty; a missing file is an empty table."""
    columns = CONTRACT[table][0]
    parquet_path, csv_path = data_dir / f"{table}.parquet", data_dir / f"{table}.csv"
    if parquet_path.exists():
        import pyarrow.parquet as pq

        records = pq.read_table(parquet_path).to_pylist()
    elif csv_path.exists():
        with csv_path.open(newline="", encoding="utf-8-sig") as handle:
            records = list(csv.DictReader(handle))
    else:
        return []
    return [{column: _text(record.get(column)) for column in columns} for record in records]


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_date(text: Optional[str]) -> Optional[date]:
    """Decision: only YYYY-MM-DD (the contract's format) parses; '2025-02-30' does not."""
    if text is None:
        return None
    value = text.strip()
    if not _DATE.match(value):
        raise BadValue(f"date {text!r} does not parse")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise BadValue(f"date {text!r} does not parse") from error


def parse_number(text: Optional[str]) -> Optional[Fraction]:
    if text is None:
        return None
    value = text.strip()
    if not _NUMBER.match(value):
        raise BadValue(f"number {text!r} does not parse")
    return Fraction(Decimal(value))


def parse_whole(text: Optional[str]) -> Optional[int]:
    value = parse_number(text)
    if value is not None and value.denominator != 1:
        raise BadValue(f"whole number {text!r} does not parse")
    return None if value is None else int(value)


def require(row: Row, *columns: str) -> None:
    for column in columns:
        if row[column] is None:
            raise BadValue(f"missing {column}")


def lower(text: Optional[str]) -> Optional[str]:
    return None if text is None else text.strip().lower()


def upper(text: Optional[str]) -> Optional[str]:
    return None if text is None else text.strip().upper()


# --------------------------------------------------------------------------------------------
# Rule 9, per table: collapse exact duplicates, reject conflicting keys, validate values
# --------------------------------------------------------------------------------------------

def source_key(table: str, row: Row) -> str:
    return "|".join(row[column] or "" for column in CONTRACT[table][1])


class Staging:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.rejected: set[tuple[str, str]] = set()

    def reject(self, table: str, key: str) -> None:
        self.rejected.add((table, key))

    def stage(self, table: str, validate) -> dict[str, dict]:
        """key -> validated record. validate(row) returns the record or raises BadValue."""
        distinct_rows = list(dict.fromkeys(tuple(row.items()) for row in read_table(self.data_dir, table)))
        by_key: dict[str, list[Row]] = defaultdict(list)
        for items in distinct_rows:
            row = dict(items)
            by_key[source_key(table, row)].append(row)
        valid: dict[str, dict] = {}
        for key, rows in by_key.items():
            if len(rows) > 1:  # same key, different values: all of them go
                self.reject(table, key)
                continue
            row = rows[0]
            try:
                require(row, *CONTRACT[table][1])
                valid[key] = validate(row)
            except BadValue:
                self.reject(table, key)
        return valid


def _window_check(start: Optional[date], end: Optional[date]) -> None:
    if start is not None and end is not None and end <= start:
        raise BadValue("window end is not after its start")


def _not_negative(value: Optional[Fraction], column: str) -> None:
    if value is not None and value < 0:
        raise BadValue(f"{column} is negative")


@dataclass
class Line:
    """A recurring revenue line: mrr_local a month while valid_from <= snapshot < valid_to."""
    account_id: str
    currency: str
    valid_from: date
    valid_to: Optional[date]
    mrr_local: Fraction
    subscription_id: Optional[str] = None   # None for a CRM contract
    factor: Fraction = Fraction(1)          # monthly factor of the item's interval
    line_id: str = ""

    def counts(self, snapshot: date) -> bool:
        return self.valid_from <= snapshot and (self.valid_to is None or snapshot < self.valid_to)


@dataclass
class Discount:
    subscription_id: str
    percent_off: Optional[Fraction]
    amount_off: Optional[Fraction]
    valid_from: Optional[date]
    valid_to: Optional[date]

    def counts(self, snapshot: date) -> bool:
        return (self.valid_from is None or self.valid_from <= snapshot) and (
            self.valid_to is None or snapshot < self.valid_to)


def _load(data_dir: Path, reporting_currency: str):
    st = Staging(data_dir)

    # fx_rates (rule 6)
    def fx(row: Row) -> dict:
        require(row, "rate_date", "currency", "rate_to_reporting")
        rate = parse_number(row["rate_to_reporting"])
        if rate <= 0:
            raise BadValue("rate is not positive")
        return {"rate_date": parse_date(row["rate_date"]), "currency": upper(row["currency"]), "rate": rate}

    rates: dict[str, list[tuple[date, Fraction]]] = defaultdict(list)
    for record in st.stage("fx_rates", fx).values():
        if record["currency"] != reporting_currency:  # the reporting currency is always 1
            rates[record["currency"]].append((record["rate_date"], record["rate"]))
    for series in rates.values():
        series.sort()

    def has_rate(currency: Optional[str]) -> bool:
        return currency == reporting_currency or currency in rates

    # crm_accounts
    def account(row: Row) -> dict:
        parse_date(row["created_at"])
        # Decision: parent_account_id is a rollup label, not a checked foreign key.
        return {"account_id": row["account_id"]}

    accounts = st.stage("crm_accounts", account)

    # crm_contracts (rule 5)
    def contract(row: Row) -> dict:
        require(row, "account_id", "start_date")
        start, end = parse_date(row["start_date"]), parse_date(row["end_date"])
        amount = parse_number(row["amount_per_period"])
        frequency = lower(row["billing_frequency"])
        # Decision: an empty status is an unknown enumeration value (rejected), not 'active'.
        status = lower(row["status"])
        if frequency not in CONTRACT_MONTHS or status not in CONTRACT_STATUSES:
            raise BadValue("unknown billing_frequency or status")
        if amount is None:
            raise BadValue("missing amount_per_period")
        _not_negative(amount, "amount_per_period")
        _window_check(start, end)
        if row["account_id"] not in accounts:
            raise BadValue("unknown account")
        currency = upper(row["currency"])
        if not has_rate(currency):
            raise BadValue("currency has no rate")
        return {"account_id": row["account_id"], "start": start, "end": end, "status": status,
                "mrr_local": amount / CONTRACT_MONTHS[frequency], "currency": currency}

    contracts = st.stage("crm_contracts", contract)

    # crm_churn_reasons: informational; the account must be a valid CRM account.
    def churn_reason(row: Row) -> dict:
        parse_date(row["churned_on"])
        if row["account_id"] not in accounts:
            raise BadValue("unknown account")
        return {}

    st.stage("crm_churn_reasons", churn_reason)

    # billing_customers (rule 1)
    def customer(row: Row) -> dict:
        parse_date(row["created_at"])
        if row["account_id"] is not None and row["account_id"] not in accounts:
            raise BadValue("unknown account")
        return {"reporting_account_id": row["account_id"] or row["customer_id"]}

    customers = st.stage("billing_customers", customer)

    # billing_plans
    def plan(row: Row) -> dict:
        require(row, "billing_interval", "unit_amount", "currency")
        interval = lower(row["billing_interval"])
        if interval not in BILLING_INTERVAL_FACTOR:
            raise BadValue("unknown billing_interval")
        interval_count = parse_whole(row["interval_count"])
        interval_count = 1 if interval_count is None else interval_count
        if interval_count < 1:
            raise BadValue("interval_count below 1")
        unit_amount = parse_number(row["unit_amount"])
        _not_negative(unit_amount, "unit_amount")
        return {"unit_amount": unit_amount, "currency": upper(row["currency"]),
                "factor": BILLING_INTERVAL_FACTOR[interval] / interval_count}

    plans = st.stage("billing_plans", plan)

    # billing_subscriptions (rule 3, subscription part)
    def subscription(row: Row) -> dict:
        require(row, "customer_id", "created_at")
        created, trial_end = parse_date(row["created_at"]), parse_date(row["trial_end"])
        parse_date(row["canceled_at"])  # canceled_at never ends MRR, but must parse
        ended = parse_date(row["ended_at"])
        if row["customer_id"] not in customers:
            raise BadValue("unknown customer")
        start = max(created, trial_end) if trial_end is not None else created
        return {"account_id": customers[row["customer_id"]]["reporting_account_id"],
                "start": start, "end": ended}

    subscriptions = st.stage("billing_subscriptions", subscription)

    # billing_subscription_items (rule 3)
    def item(row: Row) -> dict:
        require(row, "subscription_id", "plan_id")
        quantity = parse_number(row["quantity"])
        quantity = Fraction(1) if quantity is None else quantity
        _not_negative(quantity, "quantity")
        valid_from, valid_to = parse_date(row["valid_from"]), parse_date(row["valid_to"])
        _window_check(valid_from, valid_to)
        if row["subscription_id"] not in subscriptions:
            raise BadValue("unknown subscription")
        if row["plan_id"] not in plans:
            raise BadValue("unknown plan")
        priced = plans[row["plan_id"]]
        if not has_rate(priced["currency"]):
            raise BadValue("currency has no rate")
        sub = subscriptions[row["subscription_id"]]
        line_from = sub["start"] if valid_from is None else max(valid_from, sub["start"])
        ends = [end for end in (valid_to, sub["end"]) if end is not None]
        return {"line": Line(
            account_id=sub["account_id"], currency=priced["currency"], valid_from=line_from,
            valid_to=min(ends) if ends else None,
            mrr_local=priced["unit_amount"] * quantity * priced["factor"],
            subscription_id=row["subscription_id"], factor=priced["factor"],
            line_id=row["subscription_item_id"])}

    items = st.stage("billing_subscription_items", item)

    # billing_discounts (rule 4)
    def discount(row: Row) -> dict:
        require(row, "subscription_id")
        percent, amount = parse_number(row["percent_off"]), parse_number(row["amount_off"])
        if percent is not None and not 0 <= percent <= 100:
            raise BadValue("percent_off outside 0-100")
        _not_negative(amount, "amount_off")
        valid_from, valid_to = parse_date(row["valid_from"]), parse_date(row["valid_to"])
        _window_check(valid_from, valid_to)
        if row["subscription_id"] not in subscriptions:
            raise BadValue("unknown subscription")
        return {"discount": Discount(row["subscription_id"], percent, amount, valid_from, valid_to)}

    discounts = st.stage("billing_discounts", discount)

    # Invoices never affect MRR (rule 7) but their bad rows are still rejected (rule 9).
    def invoice(row: Row) -> dict:
        require(row, "customer_id")
        parse_date(row["invoice_date"])
        if lower(row["status"]) not in INVOICE_STATUSES:
            raise BadValue("unknown status")
        if row["customer_id"] not in customers:
            raise BadValue("unknown customer")
        return {}

    invoices = st.stage("billing_invoices", invoice)

    def invoice_line(row: Row) -> dict:
        require(row, "invoice_id", "line_type", "amount")
        line_type = lower(row["line_type"])
        if line_type not in LINE_TYPES:
            raise BadValue("unknown line_type")
        amount = parse_number(row["amount"])
        # Decision: proration lines may be negative (credits); any other negative line is bad.
        if line_type != "proration":
            _not_negative(amount, "amount")
        parse_date(row["period_start"])
        parse_date(row["period_end"])
        if row["invoice_id"] not in invoices:
            raise BadValue("unknown invoice")
        if row["subscription_id"] is not None and row["subscription_id"] not in subscriptions:
            raise BadValue("unknown subscription")
        return {}

    st.stage("billing_invoice_lines", invoice_line)

    def goal(row: Row) -> dict:
        require(row, "target", "direction")
        parse_date(row["period_start"])
        parse_number(row["target"])
        if lower(row["period_type"]) not in PERIOD_TYPES or lower(row["direction"]) not in DIRECTIONS:
            raise BadValue("unknown period_type or direction")
        return {}

    st.stage("kpi_goals", goal)

    def spend(row: Row) -> dict:
        require(row, "amount")
        parse_date(row["month"])
        _not_negative(parse_number(row["amount"]), "amount")
        # Decision: empty currency = the reporting currency; a currency with no rate is rejected.
        if not has_rate(upper(row["currency"]) or reporting_currency):
            raise BadValue("currency has no rate")
        return {}

    st.stage("sales_marketing_spend", spend)

    lines = [record["line"] for record in items.values()]
    lines += [
        Line(account_id=c["account_id"], currency=c["currency"], valid_from=c["start"], valid_to=c["end"],
             mrr_local=c["mrr_local"], line_id=key)
        for key, c in contracts.items()
        if c["status"] != "draft"
    ]
    return lines, [record["discount"] for record in discounts.values()], dict(rates), st.rejected


# --------------------------------------------------------------------------------------------
# Rules 2-8
# --------------------------------------------------------------------------------------------

def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def snapshot(month: date, as_of: date) -> date:
    return min(next_month(month) - timedelta(days=1), as_of)


def round_cents(amount: Fraction) -> Decimal:
    """Half away from zero, to the cent."""
    cents = abs(amount) * 100
    whole = int(cents)
    if cents - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(whole) / 100 * (1 if amount >= 0 else -1)).quantize(Decimal("0.01"))


def rate_on(rates: dict[str, list[tuple[date, Fraction]]], currency: str, day: date,
            reporting_currency: str) -> Fraction:
    if currency == reporting_currency:
        return Fraction(1)
    series = rates[currency]
    known = [rate for rate_date, rate in series if rate_date <= day]
    return known[-1] if known else series[0][1]  # before the first rate: the first rate


def local_mrr_by_account(lines: list[Line], discounts: list[Discount], day: date
                         ) -> dict[str, dict[str, Fraction]]:
    """account -> currency -> local MRR at the snapshot `day`, discounts applied (rules 3-5)."""
    local: dict[str, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    by_subscription: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if not line.counts(day):
            continue
        if line.subscription_id is None:
            local[line.account_id][line.currency] += line.mrr_local
        else:
            by_subscription[line.subscription_id].append(line)
    for subscription_id, sub_lines in by_subscription.items():
        active = [d for d in discounts if d.subscription_id == subscription_id and d.counts(day)]
        percent_factor = Fraction(1)
        for d in active:
            if d.percent_off is not None:
                percent_factor *= 1 - d.percent_off / 100
        amount_off = sum((d.amount_off for d in active if d.amount_off is not None), Fraction(0))
        # Decision: a subscription's interval and currency are those of its items. Should its items
        # disagree, the amount off is taken once, at the interval and in the currency of the
        # earliest-starting item; the floor at zero holds within that currency.
        first = min(sub_lines, key=lambda line: (line.valid_from, line.line_id))
        gross: dict[str, Fraction] = defaultdict(Fraction)
        for line in sub_lines:
            gross[line.currency] += line.mrr_local
        for currency, amount in gross.items():
            net = amount * percent_factor
            if currency == first.currency:
                net -= amount_off * first.factor
            local[first.account_id][currency] += max(net, Fraction(0))
    return local


def compute(data_dir: Path, as_of: date, reporting_currency: str = "USD") -> dict:
    reporting_currency = reporting_currency.upper()
    lines, discounts, rates, rejected = _load(Path(data_dir), reporting_currency)

    as_of_month = month_start(as_of)
    months: list[date] = []
    candidates = [line for line in lines if line.valid_from <= as_of]
    if candidates:
        month = month_start(min(line.valid_from for line in candidates))
        while month <= as_of_month:
            months.append(month)
            month = next_month(month)
    # Rule 2: the calendar starts at the first month in which any line counts.
    while months and not any(line.counts(snapshot(months[0], as_of)) for line in lines):
        months.pop(0)

    local_by_month: dict[date, dict[str, dict[str, Fraction]]] = {}
    rate_by_month: dict[date, dict[str, Fraction]] = {}
    currencies = set(rates) | {reporting_currency}
    for month in months:
        day = snapshot(month, as_of)
        local_by_month[month] = local_mrr_by_account(lines, discounts, day)
        rate_by_month[month] = {c: rate_on(rates, c, day, reporting_currency) for c in currencies}

    accounts = sorted({line.account_id for line in lines})
    mrr: dict[tuple[date, str], Decimal] = {}
    movements: dict[tuple[date, str, str], Decimal] = {}
    zero = Decimal("0.00")
    for account_id in accounts:
        previous, previous_month, ever_active = zero, None, False
        for month in months:
            local = local_by_month[month].get(account_id, {})
            rates_now = rate_by_month[month]
            current = round_cents(sum((amount * rates_now[c] for c, amount in local.items()), Fraction(0)))
            if current > 0:
                mrr[(month, account_id)] = current
            if previous == 0 and current > 0:
                kind = "reactivation" if ever_active else "new"
                movements[(month, account_id, kind)] = current
            elif previous > 0 and current == 0:
                mrr[(month, account_id)] = zero
                movements[(month, account_id, "churn")] = -previous
            elif previous > 0 and current > 0:
                rates_before = rate_by_month[previous_month]
                fx = round_cents(sum((amount * (rates_now[c] - rates_before[c]) for c, amount in local.items()),
                                     Fraction(0)))
                business = current - previous - fx
                if business > 0:
                    movements[(month, account_id, "expansion")] = business
                elif business < 0:
                    movements[(month, account_id, "contraction")] = business
                if fx != 0:
                    movements[(month, account_id, "fx")] = fx
            ever_active = ever_active or current > 0
            previous, previous_month = current, month
    return {"mrr": mrr, "movements": movements, "rejected": rejected}


def monthly_totals(result: dict) -> dict[date, tuple[Decimal, int]]:
    """month -> (closing MRR, number of active accounts), for reports and eyeballing."""
    totals: dict[date, list] = defaultdict(lambda: [Decimal("0.00"), 0])
    for (month, _account), value in result["mrr"].items():
        totals[month][0] += value
        totals[month][1] += 1 if value > 0 else 0
    return {month: (total[0], total[1]) for month, total in sorted(totals.items())}


if __name__ == "__main__":  # python tests/python/reference_mrr.py seeds 2026-10-31
    import sys

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "seeds")
    as_of_date = date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else date.today()
    outcome = compute(folder, as_of_date)
    for month_key, (closing, active) in monthly_totals(outcome).items():
        print(month_key, closing, active)
    for table, key in sorted(outcome["rejected"]):
        print("rejected", table, key)
