"""A naive, independent reference implementation of the MRR rules (docs: the README's rules 1-9).

Written straight from the rules, for small data only: it loops over every line and month and
keeps every amount as an exact fraction until the one rounding to the cent the rules ask for.
It shares no code with the dbt models, so a pytest can compare the warehouse with it.

    compute(data_dir, as_of) -> {
        'as_of':     date,
        'months':    [date],                                           # reporting months (rule 2), in order
        'mrr':       {(month, account_id): Decimal},                   # active months + churn months (0)
        'movements': {(month, account_id, movement_type): Decimal},    # signed mrr_change, zero omitted
        'rejected':  {(source_table, source_key)},                     # composite keys joined with '|'
        'rejected_rows': {(source_table, source_key): int},           # distinct raw rows rejected per key
        'row_accounting': {source_table: {raw_rows, accepted_rows, rejected_rows, collapsed_duplicate_rows}},
        'fx_effects': {(month, account_id): Decimal},                  # rounded fx effect of each month with lines
        'product_exact': {(month, account_id, product_id): (mrr, fx effect)},  # exact Fractions, counted lines
        'plan_gross': {(month, account_id, plan_id): Fraction},         # undiscounted MRR, counted lines
        'counted_lines': {month: [Line]}, 'discounts': [Discount], 'rates': {month: {currency: Fraction}},
        'accounts':  {account_id: {created_at, account_name, parent_account_id, segment, ...}},  # valid CRM rows
        'customers': {customer_id: {reporting_account_id, created_at}},  # valid billing customers
        'churn_reasons': [{account_id, churned_on, reason_code, notes}],  # the valid rows
        'spend':     {month: Decimal},                                 # sales and marketing spend, converted
        'goals':     [{period_type, period_start, metric, target, direction}],  # the valid kpi_goals rows
    }

Decisions taken where the rules are silent are marked "Decision:" below.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

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
        ("period_type", "period_start", "metric", "direction"), False),
    "sales_marketing_spend": (
        ("month", "category", "amount", "currency"),
        ("month", "category", "amount", "currency"), False),
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
# Decision: a goal names one of the README's metrics that is a column of the bridges; any other is rejected.
GOAL_METRICS = {
    "new_mrr", "expansion_mrr", "reactivation_mrr", "contraction_mrr", "churn_mrr", "fx_mrr", "gained_mrr", "lost_mrr",
    "net_new_mrr", "new_customers", "reactivated_customers", "churned_customers", "expansion_rate", "contraction_rate",
    "churn_rate", "gross_mrr_churn_rate", "net_mrr_churn_rate", "logo_churn_rate", "nrr", "grr", "opening_mrr",
    "closing_mrr", "arr", "opening_customers", "closing_customers", "arpa", "quick_ratio",
}

Row = dict[str, str | None]


class BadValueError(Exception):
    """A raw value that does not parse or breaks a rule; the row goes to rejected."""


# --------------------------------------------------------------------------------------------
# Reading and parsing
# --------------------------------------------------------------------------------------------

# Decision: every value is read without leading and trailing ASCII whitespace (an id ' sub_1 ' is
# 'sub_1'), and a value left empty is missing.
_WHITESPACE = " \t\n\r\f"


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value).strip(_WHITESPACE)
    return text or None


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
    return [{column: _value(column, record.get(column)) for column in columns} for record in records]


# Decision: enumerations are read lower-cased and currencies upper-cased, like ids before them, as the values
# are read: two rows that differ only there are exact duplicates, and keys compare alike (`eur` is `EUR`).
ENUMERATION_COLUMNS = {"status", "billing_interval", "billing_frequency", "line_type", "reason_code", "period_type",
                       "metric", "direction"}


def _value(column: str, raw: object) -> str | None:
    text = _text(raw)
    if column.endswith("_id"):
        return _clean_id(text)
    if column in ENUMERATION_COLUMNS:
        return lower(text)
    return upper(text) if column == "currency" else text


_WHOLE_NUMBER_WITH_ZERO_FRACTION = re.compile(r"^-?\d+\.0+$")


def _clean_id(text: str | None) -> str | None:
    """Decision: an id written as a float of a whole number ("1000.0") is that whole number ("1000")."""
    if text is not None and _WHOLE_NUMBER_WITH_ZERO_FRACTION.match(text):
        return text.split(".")[0]
    return text


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_date(text: str | None) -> date | None:
    """Decision: only YYYY-MM-DD (the contract's format) parses; '2025-02-30' does not."""
    if text is None:
        return None
    if not _DATE.match(text):
        raise BadValueError(f"date {text!r} does not parse")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise BadValueError(f"date {text!r} does not parse") from error


def parse_number(text: str | None, decimals: int | None = 12) -> Fraction | None:
    """Decision: an amount keeps 12 decimals, rounded half away from zero beyond (599.8800000000001 is
    599.88); decimals=None reads every decimal (ratios: rates, percent off, goal targets)."""
    if text is None:
        return None
    if not _NUMBER.match(text):
        raise BadValueError(f"number {text!r} does not parse")
    number = Fraction(Decimal(text))
    if decimals is None:
        return number
    return round_half_away(number, decimals)


def parse_whole(text: str | None) -> int | None:
    value = parse_number(text)
    if value is not None and value.denominator != 1:
        raise BadValueError(f"whole number {text!r} does not parse")
    return None if value is None else int(value)


def require(row: Row, *columns: str) -> None:
    for column in columns:
        if row[column] is None:
            raise BadValueError(f"missing {column}")


def lower(text: str | None) -> str | None:
    return None if text is None else text.lower()


def upper(text: str | None) -> str | None:
    return None if text is None else text.upper()


# --------------------------------------------------------------------------------------------
# Rule 9, per table: collapse exact duplicates, reject conflicting keys, validate values
# --------------------------------------------------------------------------------------------

def source_key(table: str, row: Row) -> str:
    return "|".join(row[column] or "" for column in CONTRACT[table][1])


class Staging:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.rejected_rows: Counter[tuple[str, str]] = Counter()
        self.row_accounting: dict[str, dict[str, int]] = {}

    @property
    def rejected(self) -> set[tuple[str, str]]:
        return set(self.rejected_rows)

    def reject(self, table: str, key: str, distinct_rows: int = 1) -> None:
        self.rejected_rows[(table, key)] += distinct_rows

    def stage(self, table: str, validate) -> dict[str, dict]:
        """key -> validated record. validate(row) returns the record or raises BadValueError."""
        raw_rows = read_table(self.data_dir, table)
        distinct_rows = list(dict.fromkeys(tuple(row.items()) for row in raw_rows))
        by_key: dict[str, list[Row]] = defaultdict(list)
        for items in distinct_rows:
            row = dict(items)
            by_key[source_key(table, row)].append(row)
        valid: dict[str, dict] = {}
        for key, rows in by_key.items():
            if len(rows) > 1:  # same key, different values: all of them go
                self.reject(table, key, len(rows))
                continue
            row = rows[0]
            try:
                require(row, *CONTRACT[table][1])
                valid[key] = validate(row)
            except BadValueError:
                self.reject(table, key)
        # Every raw row is accepted, rejected or an exact duplicate of one of those.
        self.row_accounting[table] = {
            "raw_rows": len(raw_rows),
            "accepted_rows": len(valid),
            "rejected_rows": len(distinct_rows) - len(valid),
            "collapsed_duplicate_rows": len(raw_rows) - len(distinct_rows),
        }
        return valid


def _window_check(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end <= start:
        raise BadValueError("window end is not after its start")


def _not_negative(value: Fraction | None, column: str) -> None:
    if value is not None and value < 0:
        raise BadValueError(f"{column} is negative")


def _within_limit(amount_per_period: Fraction | None, what: str) -> None:
    """Decision: 10 billion or more per billing period is rejected (the warehouse's exact decimals would overflow)."""
    if amount_per_period is not None and abs(amount_per_period) >= 10**10:
        raise BadValueError(f"{what} is 10 billion or more per billing period")


@dataclass
class Line:
    """A recurring revenue line: mrr_local a month while valid_from <= snapshot < valid_to."""
    account_id: str
    currency: str
    valid_from: date
    valid_to: date | None
    mrr_local: Fraction
    subscription_id: str | None = None   # None for a CRM contract
    factor: Fraction = Fraction(1)          # monthly factor of the item's interval
    line_id: str = ""
    product_id: str | None = None
    plan_id: str | None = None              # None for a CRM contract

    def counts(self, snapshot: date) -> bool:
        return self.valid_from <= snapshot and (self.valid_to is None or snapshot < self.valid_to)


@dataclass
class Discount:
    subscription_id: str
    percent_off: Fraction | None
    amount_off: Fraction | None
    valid_from: date | None
    valid_to: date | None

    def counts(self, snapshot: date) -> bool:
        return (self.valid_from is None or self.valid_from <= snapshot) and (
            self.valid_to is None or snapshot < self.valid_to)


class RawData:
    """The raw folder staged table by table, parents first, so a bad parent rejects its children."""

    def __init__(self, data_dir: Path, reporting_currency: str) -> None:
        self.staging = Staging(data_dir)
        self.reporting_currency = reporting_currency
        self.rates: dict[str, list[tuple[date, Fraction]]] = defaultdict(list)
        for record in self.staging.stage("fx_rates", self.fx_rate).values():
            if record["currency"] != reporting_currency:  # the reporting currency is always 1
                self.rates[record["currency"]].append((record["rate_date"], record["rate"]))
        for series in self.rates.values():
            series.sort()
        stage = self.staging.stage
        self.accounts = stage("crm_accounts", self.account)
        self.contracts = stage("crm_contracts", self.contract)
        self.churn_reasons = stage("crm_churn_reasons", self.churn_reason)
        self.customers = stage("billing_customers", self.customer)
        self.plans = stage("billing_plans", self.plan)
        self.subscriptions = stage("billing_subscriptions", self.subscription)
        self.items = stage("billing_subscription_items", self.item)
        self.discounts = stage("billing_discounts", self.discount)
        self.invoices = stage("billing_invoices", self.invoice)
        stage("billing_invoice_lines", self.invoice_line)
        self.goals = stage("kpi_goals", self.goal)
        self.marketing_spend = stage("sales_marketing_spend", self.spend)

    @property
    def rejected(self) -> set[tuple[str, str]]:
        return self.staging.rejected

    def lines(self) -> list[Line]:
        lines = [record["line"] for record in self.items.values()]
        lines += [
            Line(account_id=c["account_id"], currency=c["currency"], valid_from=c["start"], valid_to=c["end"],
                 mrr_local=c["mrr_local"], line_id=key, product_id=c["product_id"])
            for key, c in self.contracts.items()
            if c["status"] != "draft"  # rule 5: drafts never count
        ]
        return lines

    def has_rate(self, currency: str | None) -> bool:
        return currency == self.reporting_currency or currency in self.rates

    # ---------------------------------------------------------------- one validator per table
    # Each returns the parsed record or raises BadValueError (the row goes to rejected).

    @staticmethod
    def fx_rate(row: Row) -> dict:
        require(row, "rate_date", "currency", "rate_to_reporting")
        # Decision: a rate keeps 15 decimals, rounded half away from zero (more are rounded, not rejected).
        rate = round_half_away(parse_number(row["rate_to_reporting"], decimals=None), 15)
        if rate <= 0:
            raise BadValueError("rate is not positive")
        return {"rate_date": parse_date(row["rate_date"]), "currency": upper(row["currency"]), "rate": rate}

    @staticmethod
    def account(row: Row) -> dict:
        created_at = parse_date(row["created_at"])
        # Decision: parent_account_id is a rollup label, not a checked foreign key.
        return {"created_at": created_at, **{column: row[column] for column in (
            "account_name", "parent_account_id", "segment", "region", "industry", "owner")}}

    def contract(self, row: Row) -> dict:
        require(row, "account_id", "start_date", "amount_per_period")
        start, end = parse_date(row["start_date"]), parse_date(row["end_date"])
        amount = parse_number(row["amount_per_period"])
        frequency = lower(row["billing_frequency"])
        # Decision: an empty status is an unknown enumeration value (rejected), not 'active'.
        if frequency not in CONTRACT_MONTHS or lower(row["status"]) not in CONTRACT_STATUSES:
            raise BadValueError("unknown billing_frequency or status")
        _not_negative(amount, "amount_per_period")
        _window_check(start, end)
        if row["account_id"] not in self.accounts:
            raise BadValueError("unknown account")
        currency = upper(row["currency"])
        if not self.has_rate(currency):
            raise BadValueError("currency has no rate")
        _within_limit(amount, "amount_per_period")
        return {"account_id": row["account_id"], "start": start, "end": end, "status": lower(row["status"]),
                "mrr_local": amount / CONTRACT_MONTHS[frequency], "currency": currency, "product_id": row["product_id"]}

    def churn_reason(self, row: Row) -> dict:
        churned_on = parse_date(row["churned_on"])
        if row["account_id"] not in self.accounts:
            raise BadValueError("unknown account")
        return {"account_id": row["account_id"], "churned_on": churned_on, "reason_code": row["reason_code"],
                "notes": row["notes"]}

    def customer(self, row: Row) -> dict:
        created_at = parse_date(row["created_at"])
        if row["account_id"] is not None and row["account_id"] not in self.accounts:
            raise BadValueError("unknown account")
        return {"reporting_account_id": row["account_id"] or row["customer_id"], "created_at": created_at}  # rule 1

    @staticmethod
    def plan(row: Row) -> dict:
        require(row, "billing_interval", "unit_amount", "currency")
        interval = lower(row["billing_interval"])
        if interval not in BILLING_INTERVAL_FACTOR:
            raise BadValueError("unknown billing_interval")
        interval_count = parse_whole(row["interval_count"])
        interval_count = 1 if interval_count is None else interval_count
        if interval_count < 1:
            raise BadValueError("interval_count below 1")
        unit_amount = parse_number(row["unit_amount"])
        _not_negative(unit_amount, "unit_amount")
        return {"unit_amount": unit_amount, "currency": upper(row["currency"]),
                "factor": BILLING_INTERVAL_FACTOR[interval] / interval_count, "product_id": row["product_id"]}

    def subscription(self, row: Row) -> dict:
        require(row, "customer_id", "created_at")
        created, trial_end = parse_date(row["created_at"]), parse_date(row["trial_end"])
        parse_date(row["canceled_at"])  # canceled_at never ends MRR, but must parse
        ended = parse_date(row["ended_at"])
        if row["customer_id"] not in self.customers:
            raise BadValueError("unknown customer")
        start = max(created, trial_end) if trial_end is not None else created  # rule 3: trials never count
        return {"account_id": self.customers[row["customer_id"]]["reporting_account_id"],
                "start": start, "end": ended}

    def item(self, row: Row) -> dict:
        require(row, "subscription_id", "plan_id")
        quantity = parse_number(row["quantity"])
        quantity = Fraction(1) if quantity is None else quantity
        _not_negative(quantity, "quantity")
        valid_from, valid_to = parse_date(row["valid_from"]), parse_date(row["valid_to"])
        _window_check(valid_from, valid_to)
        if row["subscription_id"] not in self.subscriptions:
            raise BadValueError("unknown subscription")
        if row["plan_id"] not in self.plans:
            raise BadValueError("unknown plan")
        priced = self.plans[row["plan_id"]]
        if not self.has_rate(priced["currency"]):
            raise BadValueError("currency has no rate")
        _within_limit(priced["unit_amount"] * quantity, "unit_amount x quantity")
        sub = self.subscriptions[row["subscription_id"]]
        ends = [end for end in (valid_to, sub["end"]) if end is not None]
        return {"line": Line(
            account_id=sub["account_id"], currency=priced["currency"],
            valid_from=sub["start"] if valid_from is None else max(valid_from, sub["start"]),
            valid_to=min(ends) if ends else None,
            mrr_local=priced["unit_amount"] * quantity * priced["factor"],
            subscription_id=row["subscription_id"], factor=priced["factor"],
            line_id=row["subscription_item_id"], product_id=priced["product_id"], plan_id=row["plan_id"])}

    def discount(self, row: Row) -> dict:
        require(row, "subscription_id")
        # Decision: percent_off is a ratio kept at 12 decimals, rounded (a third written as a float counts).
        percent, amount = parse_number(row["percent_off"], decimals=None), parse_number(row["amount_off"])
        percent = None if percent is None else round_half_away(percent, 12)
        if percent is not None and not 0 <= percent <= 100:
            raise BadValueError("percent_off outside 0-100")
        _not_negative(amount, "amount_off")
        valid_from, valid_to = parse_date(row["valid_from"]), parse_date(row["valid_to"])
        _window_check(valid_from, valid_to)
        if row["subscription_id"] not in self.subscriptions:
            raise BadValueError("unknown subscription")
        _within_limit(amount, "amount_off")
        return {"discount": Discount(row["subscription_id"], percent, amount, valid_from, valid_to)}

    # Invoices never affect MRR (rule 7) but their bad rows are still rejected (rule 9).
    def invoice(self, row: Row) -> dict:
        require(row, "customer_id")
        parse_date(row["invoice_date"])
        # Decision: an empty invoice status is no reason (it never decides MRR; only contract status does).
        if row["status"] is not None and lower(row["status"]) not in INVOICE_STATUSES:
            raise BadValueError("unknown status")
        if row["customer_id"] not in self.customers:
            raise BadValueError("unknown customer")
        return {}

    def invoice_line(self, row: Row) -> dict:
        require(row, "invoice_id", "line_type", "amount")
        line_type = lower(row["line_type"])
        if line_type not in LINE_TYPES:
            raise BadValueError("unknown line_type")
        amount = parse_number(row["amount"])
        # Decision: proration lines may be negative (credits); any other negative line is bad.
        if line_type != "proration":
            _not_negative(amount, "amount")
        parse_date(row["period_start"])
        parse_date(row["period_end"])
        if row["invoice_id"] not in self.invoices:
            raise BadValueError("unknown invoice")
        if row["subscription_id"] is not None and row["subscription_id"] not in self.subscriptions:
            raise BadValueError("unknown subscription")
        return {}

    @staticmethod
    def goal(row: Row) -> dict:
        require(row, "target", "direction")
        start = parse_date(row["period_start"])
        parse_number(row["target"], decimals=None)
        period_type = lower(row["period_type"])
        if period_type not in PERIOD_TYPES or lower(row["direction"]) not in DIRECTIONS:
            raise BadValueError("unknown period_type or direction")
        if row["metric"] not in GOAL_METRICS:
            raise BadValueError("unknown metric")
        if start is not None:
            first_month = {"month": start.month, "quarter": (start.month - 1) // 3 * 3 + 1, "year": 1}[period_type]
            if (start.day, start.month) != (1, first_month):
                raise BadValueError("period_start is not the first day of its period")
        return {"period_type": period_type, "period_start": start, "metric": row["metric"],
                "target": parse_number(row["target"]), "direction": lower(row["direction"])}

    def spend(self, row: Row) -> dict:
        require(row, "amount", "currency")
        day = parse_date(row["month"])
        amount = parse_number(row["amount"])
        _not_negative(amount, "amount")
        currency = upper(row["currency"])
        if not self.has_rate(currency):
            raise BadValueError("currency has no rate")
        return {"month": day and month_start(day), "amount": amount, "currency": currency}


# --------------------------------------------------------------------------------------------
# Rules 2-8
# --------------------------------------------------------------------------------------------

def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def snapshot(month: date, as_of: date) -> date:
    return min(next_month(month) - timedelta(days=1), as_of)


def round_half_away(amount: Fraction, decimals: int) -> Fraction:
    return Fraction(_rounded_units(amount, decimals), 10**decimals)


def round_cents(amount: Fraction) -> Decimal:
    """Half away from zero, to the cent."""
    return Decimal(_rounded_units(amount, 2)).scaleb(-2)


def _rounded_units(amount: Fraction, decimals: int) -> int:
    """amount x 10^decimals, rounded half away from zero to a whole number (in integers: Fraction steps are slow)."""
    whole, remainder = divmod(abs(amount.numerator) * 10**decimals, amount.denominator)
    whole += 2 * remainder >= amount.denominator
    return whole if amount >= 0 else -whole


def rate_on(rates: dict[str, list[tuple[date, Fraction]]], currency: str, day: date,
            reporting_currency: str) -> Fraction:
    if currency == reporting_currency:
        return Fraction(1)
    series = rates[currency]
    known = [rate for rate_date, rate in series if rate_date <= day]
    return known[-1] if known else series[0][1]  # before the first rate: the first rate


def discounted_lines(lines: list[Line], discounts: list[Discount], day: date) -> list[tuple[Line, Fraction]]:
    """Each line counting at the snapshot `day` with its local MRR, discounts applied (rules 3-5). A subscription's
    discounted MRR is shared among its lines by their own MRR (issue 4's product split; the account adds them up)."""
    counted: list[tuple[Line, Fraction]] = []
    by_subscription: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if not line.counts(day):
            continue
        if line.subscription_id is None:
            counted.append((line, line.mrr_local))
        else:
            by_subscription[line.subscription_id].append(line)
    for subscription_id, sub_lines in by_subscription.items():
        active = [d for d in discounts if d.subscription_id == subscription_id and d.counts(day)]
        percent_factor = Fraction(1)
        for d in active:
            if d.percent_off is not None:
                percent_factor *= 1 - d.percent_off / 100
        amount_off = sum((d.amount_off for d in active if d.amount_off is not None), Fraction(0))
        # Decision (README): a subscription's items share one interval and currency. Should they not,
        # each (currency, monthly factor) group of its items is discounted as a subscription of its
        # own: the amount off comes off each group at the group's factor, never below zero.
        groups: dict[tuple[str, Fraction], list[Line]] = defaultdict(list)
        for line in sub_lines:
            groups[(line.currency, line.factor)].append(line)
        for (_currency, factor), group in groups.items():
            gross = sum((line.mrr_local for line in group), Fraction(0))
            discounted = max(gross * percent_factor - amount_off * factor, Fraction(0))
            counted += [(line, discounted * line.mrr_local / gross if gross else Fraction(0)) for line in group]
    return counted


def reporting_months(lines: list[Line], as_of: date) -> list[date]:
    """Rule 2: from the first month in which any line counts through the month of as_of."""
    starts = [line.valid_from for line in lines if line.valid_from <= as_of]
    if not starts:
        return []
    months, month = [], month_start(min(starts))
    while month <= month_start(as_of):
        months.append(month)
        month = next_month(month)
    while months and not any(line.counts(snapshot(months[0], as_of)) for line in lines):
        months.pop(0)
    return months


def movements_of(previous: Decimal, current: Decimal, fx: Decimal, ever_active: bool) -> dict[str, Decimal]:
    """Rule 8 for one account and month: movement type -> signed mrr_change (zero amounts left out)."""
    if previous == 0 and current > 0:
        return {"reactivation" if ever_active else "new": current}
    if previous > 0 and current == 0:
        return {"churn": -previous}
    if previous == 0 or current == 0:
        return {}
    business = current - previous - fx
    changes = {"expansion" if business > 0 else "contraction": business} if business else {}
    return {**changes, "fx": fx} if fx else changes


def compute(data_dir: Path, as_of: date, reporting_currency: str = "USD") -> dict:
    reporting_currency = reporting_currency.upper()
    raw = RawData(Path(data_dir), reporting_currency)
    lines, rates = raw.lines(), dict(raw.rates)
    discounts = [record["discount"] for record in raw.discounts.values()]
    months = reporting_months(lines, as_of)

    lines_by_month: dict[date, list[tuple[Line, Fraction]]] = {}
    local_by_month: dict[date, dict[str, dict[str, Fraction]]] = {}
    rate_by_month: dict[date, dict[str, Fraction]] = {}
    for month in months:
        day = snapshot(month, as_of)
        lines_by_month[month] = discounted_lines(lines, discounts, day)
        local_by_month[month] = defaultdict(lambda: defaultdict(Fraction))
        for line, amount in lines_by_month[month]:
            local_by_month[month][line.account_id][line.currency] += amount
        rate_by_month[month] = {c: rate_on(rates, c, day, reporting_currency) for c in {*rates, reporting_currency}}

    mrr: dict[tuple[date, str], Decimal] = {}
    fx_effects: dict[tuple[date, str], Decimal] = {}
    movements: dict[tuple[date, str, str], Decimal] = {}
    for account_id in sorted({line.account_id for line in lines}):
        previous, ever_active = Decimal("0.00"), False
        for index, month in enumerate(months):
            local = local_by_month[month].get(account_id, {})
            rate_now = rate_by_month[month]
            rate_before = rate_by_month[months[index - 1]] if index else rate_now
            current = round_cents(sum((amount * rate_now[c] for c, amount in local.items()), Fraction(0)))
            fx = round_cents(sum((amount * (rate_now[c] - rate_before[c]) for c, amount in local.items()),
                                 Fraction(0)))
            if current > 0 or previous > 0:  # active months and churn months (MRR 0)
                mrr[(month, account_id)] = current
            if local:  # an account whose lines round to 0.00 still moves its family's fx (parent rollup)
                fx_effects[(month, account_id)] = fx
            for kind, change in movements_of(previous, current, fx, ever_active).items():
                movements[(month, account_id, kind)] = change
            ever_active = ever_active or current > 0
            previous = current
    return {"as_of": as_of, "months": months, "mrr": mrr, "movements": movements, "rejected": raw.rejected,
            "rejected_rows": dict(raw.staging.rejected_rows), "row_accounting": raw.staging.row_accounting,
            "fx_effects": fx_effects, "accounts": raw.accounts, "customers": raw.customers,
            "product_exact": product_exact(months, lines_by_month, rate_by_month),
            "plan_gross": plan_gross(lines_by_month, rate_by_month),
            # Issue 4's seat, price and plan drivers value each month's lines as they stand.
            "counted_lines": {month: [line for line, _amount in counted] for month, counted in lines_by_month.items()},
            "discounts": discounts, "rates": rate_by_month,
            "churn_reasons": list(raw.churn_reasons.values()), "goals": list(raw.goals.values()),
            "spend": converted_spend(raw.marketing_spend.values(), rate_by_month)}


def product_exact(months: list[date], lines_by_month: dict[date, list[tuple[Line, Fraction]]],
                  rate_by_month: dict[date, dict[str, Fraction]]) -> dict[tuple[date, str, str], tuple]:
    """Issue 4's product split: each account-product-month's exact MRR and fx effect in the reporting currency
    (Decision: a line without a product is product '(none)'). fct_mrr_product_movements shares the account's
    rounded figures out by these."""
    exact: dict[tuple[date, str, str], list[Fraction]] = defaultdict(lambda: [Fraction(0), Fraction(0)])
    for index, month in enumerate(months):
        rate_now = rate_by_month[month]
        rate_before = rate_by_month[months[index - 1]] if index else rate_now
        for line, amount in lines_by_month[month]:
            parts = exact[(month, line.account_id, line.product_id or "(none)")]
            parts[0] += amount * rate_now[line.currency]
            parts[1] += amount * (rate_now[line.currency] - rate_before[line.currency])
    return {key: (mrr, fx) for key, (mrr, fx) in exact.items()}


def plan_gross(lines_by_month: dict[date, list[tuple[Line, Fraction]]], rate_by_month: dict[date, dict[str, Fraction]]
               ) -> dict[tuple[date, str, str], Fraction]:
    """Issue 4's plan slice: each account-plan-month's gross (undiscounted) MRR in the reporting currency, of the
    lines counting that month (Decision: a CRM contract counts as the plan 'crm_contract')."""
    gross: dict[tuple[date, str, str], Fraction] = defaultdict(Fraction)
    for month, counted in lines_by_month.items():
        for line, _discounted in counted:
            gross[(month, line.account_id, line.plan_id or "crm_contract")] += line.mrr_local * rate_by_month[month][
                line.currency]
    return dict(gross)


def converted_spend(records, rate_by_month: dict[date, dict[str, Fraction]]) -> dict[date, Decimal]:
    """Issue 4's CAC: each reporting month's sales and marketing spend at its rates, rounded to the cent once."""
    spend = {month: Fraction(0) for month in rate_by_month}
    for record in records:
        if record["month"] in spend:
            spend[record["month"]] += record["amount"] * rate_by_month[record["month"]][record["currency"]]
    return {month: round_cents(amount) for month, amount in spend.items()}


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
