"""The simulated company behind `mrr generate` (see `generate` for the command and the extract's
shape). Everything is vectorised with numpy and pyarrow: Python loops run over tables and over a
handful of event kinds, never over rows, so 1,000,000 accounts x 60 months fit in a few minutes.

The company (all shares are per row, drawn from the seed):
- Plans: products core (4 seat-priced tiers), analytics and support (flat add-ons), each billed
  monthly, quarterly (month x 3), annually or weekly, priced in USD, EUR and GBP.
- Accounts: created over the history at a growing rate; segment smb / mid_market / enterprise;
  5% are prospects that never buy; 3% of smaller accounts roll up to an enterprise parent.
- Customers: one per buying account, some accounts have 2-3 (possibly in another currency);
  self-serve customers without a CRM account (empty account_id) are 5% on top.
- Subscriptions: free trials (some never convert: they end on or before trial_end), lifetimes
  ending on a billing-period boundary (some mid-period), canceled_at before ended_at, pending
  cancellations (canceled_at without ended_at), and 12% of churned customers reactivating later
  with a new subscription.
- Items: seat changes and plan up/downgrades close the current item row and open a new one on
  the change day; add-ons are added late or removed for some; some windows are open.
- Discounts (percent or amount per billing period, limited or forever), sales-led CRM contracts
  for a share of enterprise accounts (renewals with uplift, early cancellations, draft renewals),
  monthly EUR/GBP rates as a random walk, a sample of 1-2 invoices per paid subscription, churn
  reasons, KPI goals and sales & marketing spend derived from the simulated business.

Nothing is dated on or after the first day after `end_month`, except what is known in advance
(trial ends, contract and discount end dates, draft renewals).

`bad_rows=N` appends N rows that staging must reject, spread evenly over BAD_ROW_KINDS (the
tables that receive them are written as text; with parquet every table is, so that an
unparseable date can be represented). Tables without bad rows keep the bytes of a clean run.

Each table draws from its own stream of SeedSequence(seed), so changing how one table is
simulated does not reshuffle the others.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from mrr_warehouse.generate import BAD_ROW_KINDS, CONTRACT, GenerateError

# --------------------------------------------------------------------------------------------
# Shape of the company. Index order: SEGMENTS, REGIONS, CURRENCIES, INTERVALS, TIERS.
# --------------------------------------------------------------------------------------------
SEGMENTS = ("smb", "mid_market", "enterprise")
SEGMENT_SHARE = (0.70, 0.22, 0.08)
REGIONS = ("NA", "EMEA", "UKI", "APAC", "LATAM")
REGION_SHARE = (0.46, 0.24, 0.12, 0.12, 0.06)
CURRENCIES = ("USD", "EUR", "GBP")
REGION_CURRENCY = np.array([0, 1, 2, 0, 0])
APPROX_USD_RATE = np.array([1.0, 1.08, 1.27])  # FX walk starting points, used to price locally
# Buying motion by segment: self-serve billing, sales-led contract only, both, prospect.
SELF_SERVE, CONTRACT_ONLY, HYBRID, PROSPECT = range(4)
MOTION_BY_SEGMENT = ((0.95, 0.0, 0.0, 0.05), (0.93, 0.0, 0.02, 0.05), (0.55, 0.25, 0.15, 0.05))
EXTRA_CUSTOMERS_BY_SEGMENT = ((0.95, 0.04, 0.01), (0.84, 0.12, 0.04), (0.65, 0.25, 0.10))
ORPHAN_CUSTOMER_SHARE = 0.05  # billing customers without a CRM account, per account
PARENT_SHARE = 0.03

# Billing intervals: (plan label, billing_interval, interval_count, months per period, price x).
INTERVALS = (
    ("monthly", "month", 1, 1.0, 1.0),
    ("quarterly", "month", 3, 3.0, 3 * 0.95),
    ("annual", "year", 1, 12.0, 12 * 0.85),
    ("weekly", "week", 1, 12 / 52, 12 / 52 * 1.1),
)
MONTHLY, QUARTERLY, ANNUAL, WEEKLY = range(4)
MONTHS_PER_PERIOD = np.array([i[3] for i in INTERVALS])
INTERVAL_BY_SEGMENT = ((0.70, 0.05, 0.15, 0.10), (0.50, 0.20, 0.30, 0.0), (0.20, 0.20, 0.60, 0.0))
TIERS = ("starter", "pro", "business", "enterprise")
TIER_SEAT_PRICE_USD = (15.0, 39.0, 69.0, 119.0)
TIER_BY_SEGMENT = ((0.6, 0.4, 0.0, 0.0), (0.0, 0.5, 0.5, 0.0), (0.0, 0.0, 0.4, 0.6))
ADDONS = (("analytics", "Analytics", 199.0), ("support", "Premium Support", 499.0))
ADDON_SHARE = ((0.12, 0.30, 0.45), (0.02, 0.12, 0.40))  # by segment, per add-on
N_CORE_PLANS = len(TIERS) * len(INTERVALS) * len(CURRENCIES)

TRIAL_SHARE = np.array([0.55, 0.35, 0.10])
TRIAL_CONVERSION = np.array([0.65, 0.75, 0.85])
LIFETIME_MONTHS = np.array([28.0, 45.0, 70.0])
LIFETIME_BY_INTERVAL = np.array([1.0, 1.2, 1.5, 0.6])
MID_PERIOD_END_SHARE = 0.15
PENDING_CANCEL_SHARE = 0.03
REACTIVATION_SHARE = 0.12
CHANGES_PER_PAID_MONTH = np.array([0.04, 0.08, 0.10])
MAX_CHANGES = 12
DISCOUNT_SHARE = np.array([0.10, 0.15, 0.20])
PERCENTS_OFF = (np.array([10, 15, 20, 25, 30, 50, 100]),
                np.array([0.25, 0.2, 0.2, 0.15, 0.08, 0.1, 0.02]))
AMOUNT_OFF_PER_MONTH = np.array([5.0, 10.0, 20.0, 50.0])
CONTRACT_TERMS = (np.array([12, 24, 36]), np.array([0.7, 0.2, 0.1]))
CONTRACT_FREQUENCIES = ("monthly", "quarterly", "semiannual", "annual")
FREQUENCY_MONTHS = np.array([1, 3, 6, 12])
CONTRACT_FREQUENCY_SHARE = (0.1, 0.2, 0.1, 0.6)

INDUSTRIES = ("software", "fintech", "healthcare", "retail", "manufacturing", "media",
              "education", "logistics", "real_estate", "professional_services", "nonprofit",
              "public_sector")
OWNERS = ("Avery Brooks", "Jordan Lee", "Sam Patel", "Morgan Diaz", "Riley Chen", "Casey Novak",
          "Taylor Okafor", "Jamie Rossi", "Quinn Muller", "Drew Larsen", "Robin Sato",
          "Alex Dubois", "Kai Andersen", "Noa Levi", "Emery Walsh", "Rowan Silva")
NAME_WORDS = (
    ("Blue", "Bright", "North", "Silver", "Rapid", "Clear", "Summit", "Harbor", "Golden", "Red",
     "Quiet", "Bold", "Prime", "Urban", "Green", "Iron", "Lunar", "Polar", "Swift", "True"),
    ("River", "Peak", "Forge", "Pixel", "Beacon", "Orbit", "Cedar", "Vector", "Signal", "Harvest",
     "Anchor", "Atlas", "Canvas", "Delta", "Ember", "Falcon", "Grove", "Lattice", "Meadow", "Quartz"),
    ("Labs", "Inc", "Ltd", "GmbH", "Group", "Systems", "Analytics", "Health", "Studio", "Partners",
     "Logistics", "Foods", "Media", "Capital", "Works"),
)
SUBSIDIARY_SUFFIXES = ("EMEA", "UK", "US", "APAC", "Subsidiary", "Innovation Lab")
PERSON_NAMES = (
    ("Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Keiko", "Liam"),
    ("Adler", "Baker", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Hall", "Ito", "Jensen"),
)
CHURN_REASONS = ("price", "product_gap", "competitor", "budget_cut", "went_out_of_business",
                 "poor_onboarding", "acquired", "other")
CHURN_REASON_SHARE = (0.22, 0.18, 0.16, 0.14, 0.08, 0.1, 0.04, 0.08)
CHURN_NOTES = ("Said it was too expensive for the value", "Missing a feature they needed",
               "Moved to a competitor", "Budget frozen for the year", "Company closed",
               "Never finished onboarding", "Acquired by another company", "No reason given")
SPEND_CATEGORIES = (  # (category, currency index, share of acquisition spend)
    ("paid_search", 0, 0.22), ("paid_social", 0, 0.12), ("content", 0, 0.06), ("events", 0, 0.08),
    ("emea_field_marketing", 1, 0.07), ("uk_partnerships", 2, 0.04),
    ("sales_compensation", 0, 0.33), ("marketing_tools", 0, 0.08),
)
ACQUISITION_COST_USD = np.array([1500.0, 20000.0, 150000.0])  # by segment: payback ~1 year

NO_DATE = np.int64(-(2**62))  # null date sentinel in the int64 day arrays
DAYS_PER_MONTH = 30.44
STREAMS = ("accounts", "customers", "subscriptions", "items", "discounts", "contracts",
           "churn", "invoices", "fx", "kpi", "spend", "bad_rows")

Frame = dict[str, np.ndarray]


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------
def write_extract(accounts: int, months: int, seed: int, fmt: str, out_dir: Path, end_month: date,
                  bad_rows: int) -> dict[str, int]:
    """Simulate the company and write its tables to out_dir (arguments checked by the caller)."""
    cal = _calendar(end_month, months)
    rngs = dict(zip(STREAMS, (np.random.default_rng(s)
                              for s in np.random.SeedSequence(seed).spawn(len(STREAMS))), strict=True))
    tables = _build_tables(rngs, accounts, cal)
    if bad_rows:
        tables = _inject_bad_rows(rngs["bad_rows"], tables, bad_rows)
        if fmt == "parquet":  # one type for every column of the extract: text
            tables = {name: _as_text(table) for name, table in tables.items()}
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        _write(table, out_dir / f"{name}.{fmt}", fmt)
    return {name: table.num_rows for name, table in tables.items()}


# --------------------------------------------------------------------------------------------
# Calendar and vectorised date helpers (dates are int64 days since 1970-01-01)
# --------------------------------------------------------------------------------------------
class _Calendar:
    def __init__(self, start: int, months: int) -> None:
        first = np.datetime64(start, "D").astype("datetime64[M]")
        self.months = months
        self.month_starts = (first + np.arange(months + 1)).astype("datetime64[D]").astype(np.int64)
        self.start = int(self.month_starts[0])
        self.extract = int(self.month_starts[-1])  # first day after the history
        self.first_month = int(first.astype(np.int64))


def _calendar(end_month: date, months: int) -> _Calendar:
    end = np.datetime64(end_month, "D").astype("datetime64[M]")
    return _Calendar(int((end - (months - 1)).astype("datetime64[D]").astype(np.int64)), months)


def _month_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _add_months(days: np.ndarray, count: np.ndarray | int) -> np.ndarray:
    """Same day of month `count` months later, clamped to the month's last day."""
    month = days.astype("datetime64[D]").astype("datetime64[M]")
    day_of_month = days - month.astype("datetime64[D]").astype(np.int64)
    target = month + np.asarray(count, dtype=np.int64)
    target_start = target.astype("datetime64[D]").astype(np.int64)
    target_length = (target + 1).astype("datetime64[D]").astype(np.int64) - target_start
    return target_start + np.minimum(day_of_month, target_length - 1)


def _day_between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A uniform day in [low, high) per row (high > low)."""
    return low + (rng.random(len(low)) * (high - low)).astype(np.int64)


def _growth_dates(rng: np.random.Generator, n: int, cal: _Calendar) -> np.ndarray:
    """Creation days over the history, at a rate growing 4x from the first to the last month."""
    growth = np.log(4.0) / max(cal.months - 1, 1)
    weights = np.exp(growth * np.arange(cal.months))
    month = rng.choice(cal.months, size=n, p=weights / weights.sum())
    starts = cal.month_starts
    return np.sort(_day_between(rng, starts[month], starts[month + 1]))


# --------------------------------------------------------------------------------------------
# Small vectorised building blocks
# --------------------------------------------------------------------------------------------
def _pick(rng: np.random.Generator, shares_by_group: Any, group: np.ndarray) -> np.ndarray:
    """Per row, an option index drawn with the probabilities of that row's group."""
    cumulative = np.cumsum(np.asarray(shares_by_group, dtype=float), axis=1)
    cumulative[:, -1] = 1.0
    draw = rng.random(len(group))
    return (draw[:, None] >= cumulative[group]).sum(axis=1)


def _group_starts(keys: np.ndarray) -> np.ndarray:
    """Index of the first row of each row's group (keys sorted)."""
    position = np.arange(len(keys))
    is_start = np.ones(len(keys), dtype=bool)
    is_start[1:] = keys[1:] != keys[:-1]
    return np.maximum.accumulate(np.where(is_start, position, 0))


def _rank_in_group(keys: np.ndarray) -> np.ndarray:
    return np.arange(len(keys)) - _group_starts(keys)


def _group_cumsum(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    total = np.cumsum(values)
    first = _group_starts(keys)
    return total - total[first] + values[first]


def _previous(values: np.ndarray, fill: Any) -> np.ndarray:
    """values shifted one row down (row i holds row i-1); safe for empty arrays."""
    out = np.full_like(values, fill)
    out[1:] = values[:-1]
    return out


def _following(values: np.ndarray, fill: Any) -> np.ndarray:
    """values shifted one row up (row i holds row i+1); safe for empty arrays."""
    out = np.full_like(values, fill)
    out[:-1] = values[1:]
    return out


def _take(frame: Frame, index: np.ndarray) -> Frame:
    return {key: column[index] for key, column in frame.items()}


def _concat(frames: list[Frame]) -> Frame:
    return {key: np.concatenate([f[key] for f in frames]) for key in frames[0]}


def _effective_end(subs: Frame, cal: _Calendar) -> np.ndarray:
    """ended_at, or the first day after the history for subscriptions still running."""
    return np.where(subs["ended"] == NO_DATE, cal.extract, np.minimum(subs["ended"], cal.extract))


def _core_plan(tier: np.ndarray, interval: np.ndarray, currency: np.ndarray) -> np.ndarray:
    return (tier * len(INTERVALS) + interval) * len(CURRENCIES) + currency


def _addon_plan(addon: int, interval: np.ndarray, currency: np.ndarray) -> np.ndarray:
    return N_CORE_PLANS + (addon * len(INTERVALS) + interval) * len(CURRENCIES) + currency


# --------------------------------------------------------------------------------------------
# Simulation: who buys what, when
# --------------------------------------------------------------------------------------------
def _plan_catalogue() -> Frame:
    """72 plans: 4 core tiers and 2 add-ons, x 4 intervals x 3 currencies (index = plan id)."""
    core = np.array(TIER_SEAT_PRICE_USD)
    addon = np.array([a[2] for a in ADDONS])
    product = np.r_[np.zeros(N_CORE_PLANS, int), np.repeat([1, 2], N_CORE_PLANS // 4)]
    tier = np.r_[np.repeat(np.arange(len(TIERS)), N_CORE_PLANS // 4), np.full(N_CORE_PLANS // 2, -1)]
    interval = np.tile(np.repeat(np.arange(len(INTERVALS)), len(CURRENCIES)), 6)
    currency = np.tile(np.arange(len(CURRENCIES)), 6 * len(INTERVALS))
    monthly_usd = np.where(product == 0, core[np.maximum(tier, 0)], addon[np.maximum(product - 1, 0)])
    local = monthly_usd * np.array([i[4] for i in INTERVALS])[interval] / APPROX_USD_RATE[currency]
    unit = np.where(local >= 5, np.ceil(local) - 0.01, np.round(local, 2))
    return {"product": product, "tier": tier, "interval": interval, "currency": currency,
            "unit_amount": unit, "monthly_factor": 1 / MONTHS_PER_PERIOD[interval]}


def _simulate_accounts(rng: np.random.Generator, n: int, cal: _Calendar) -> Frame:
    segment = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARE)
    region = rng.choice(len(REGIONS), size=n, p=REGION_SHARE)
    enterprise = np.flatnonzero(segment == 2)
    child = (segment != 2) & (rng.random(n) < PARENT_SHARE) & (len(enterprise) > 0)
    parent = np.where(child, enterprise[rng.integers(0, max(len(enterprise), 1), n)]
                      if len(enterprise) else -1, -1)
    return {
        "created": _growth_dates(rng, n, cal),  # sorted: account ids follow creation
        "segment": segment,
        "region": region,
        "currency": REGION_CURRENCY[region],
        "motion": _pick(rng, MOTION_BY_SEGMENT, segment),
        "parent": parent,
        "industry": rng.integers(0, len(INDUSTRIES), n),
        "owner": rng.integers(0, len(OWNERS), n),
        "name_words": np.stack([rng.integers(0, len(w), n) for w in NAME_WORDS], axis=1),
    }


def _simulate_customers(rng: np.random.Generator, acc: Frame, cal: _Calendar) -> Frame:
    buying = np.flatnonzero((acc["motion"] == SELF_SERVE) | (acc["motion"] == HYBRID))
    count = 1 + _pick(rng, EXTRA_CUSTOMERS_BY_SEGMENT, acc["segment"][buying])
    account = np.repeat(buying, count)
    rank = _rank_in_group(account)
    lag = np.where(rank == 0, rng.integers(0, 15, len(account)), rng.integers(30, 721, len(account)))
    created = acc["created"][account] + lag
    keep = (rank == 0) | (created < cal.extract)  # later customers only once they exist
    own_currency = rng.random(len(account)) < 0.7
    linked = {
        "account": account, "rank": rank, "segment": acc["segment"][account],
        "created": np.minimum(created, cal.extract - 1),
        "currency": np.where((rank == 0) | own_currency, acc["currency"][account],
                             rng.integers(0, len(CURRENCIES), len(account))),
        "name_extra": rng.integers(0, len(SUBSIDIARY_SUFFIXES), len(account)),
    }
    linked = _take(linked, np.flatnonzero(keep))
    orphans = round(len(acc["created"]) * ORPHAN_CUSTOMER_SHARE)
    orphan = {
        "account": np.full(orphans, -1), "rank": np.zeros(orphans, int),
        "segment": np.zeros(orphans, int), "created": _growth_dates(rng, orphans, cal),
        "currency": REGION_CURRENCY[rng.choice(len(REGIONS), size=orphans, p=REGION_SHARE)],
        "name_extra": rng.integers(0, len(PERSON_NAMES[0]) * len(PERSON_NAMES[1]), orphans),
    }
    customers = _concat([linked, orphan])
    per_account = np.bincount(customers["account"][customers["account"] >= 0],
                              minlength=len(acc["created"]))
    customers["single_self_serve"] = (customers["account"] >= 0) & (
        per_account[customers["account"]] == 1) & (acc["motion"][customers["account"]] == SELF_SERVE)
    return customers


def _lifecycle(rng: np.random.Generator, subs: Frame, converts: np.ndarray, cal: _Calendar) -> Frame:
    """ended_at and canceled_at from a lifetime that ends on a billing-period boundary."""
    n = len(converts)
    created, interval = subs["created"], subs["interval"]
    has_trial = subs["trial_end"] != NO_DATE
    paid_start = np.where(has_trial, subs["trial_end"], created)
    alive = rng.exponential(LIFETIME_MONTHS[subs["segment"]] * LIFETIME_BY_INTERVAL[interval])
    weekly = interval == WEEKLY
    period_months = np.where(weekly, 1, MONTHS_PER_PERIOD[interval]).astype(np.int64)
    periods = np.maximum(1, np.ceil(alive / period_months)).astype(np.int64)
    weeks = np.maximum(1, np.ceil(alive * DAYS_PER_MONTH / 7)).astype(np.int64)
    ended = np.where(weekly, paid_start + 7 * weeks, _add_months(paid_start, periods * period_months))
    mid_period = rng.random(n) < MID_PERIOD_END_SHARE
    ended = np.where(mid_period, np.maximum(paid_start + 1, ended - rng.integers(1, 16, n)), ended)
    ended = np.where(converts, ended, _day_between(rng, created + 1, paid_start + 1))
    canceled = np.where(converts & ~mid_period,
                        np.maximum(created, ended - rng.integers(0, 31, n)), ended)
    running = ended >= cal.extract
    pending = running & converts & (rng.random(n) < PENDING_CANCEL_SHARE) & (
        paid_start < cal.extract - 1)
    pending_day = np.maximum(paid_start, cal.extract - rng.integers(1, 31, n))
    return {
        "paid_start": paid_start,
        "paid": converts & (paid_start < cal.extract),
        "ended": np.where(running, NO_DATE, ended),
        "canceled": np.where(running, np.where(pending, pending_day, NO_DATE), canceled),
    }


def _seats(rng: np.random.Generator, segment: np.ndarray) -> np.ndarray:
    floor, median, spread = np.array([1, 5, 20]), np.array([2, 15, 100]), np.array([0.8, 0.6, 0.7])
    draw = rng.lognormal(np.log(median[segment]), spread[segment])
    return floor[segment] + np.round(draw).astype(np.int64)


def _simulate_subscriptions(rng: np.random.Generator, cust: Frame, cal: _Calendar) -> Frame:
    n = len(cust["created"])
    segment = cust["segment"]
    trial = rng.random(n) < TRIAL_SHARE[segment]
    first = {
        "customer": np.arange(n), "segment": segment, "currency": cust["currency"],
        "created": cust["created"], "interval": _pick(rng, INTERVAL_BY_SEGMENT, segment),
        "tier": _pick(rng, TIER_BY_SEGMENT, segment), "seats": _seats(rng, segment),
        "trial_end": np.where(trial, cust["created"] + np.where(rng.random(n) < 0.7, 14, 30),
                              NO_DATE),
    }
    converts = ~trial | (rng.random(n) < TRIAL_CONVERSION[segment])
    first.update(_lifecycle(rng, first, converts, cal))
    comeback = first["paid"] & (first["ended"] != NO_DATE) & (rng.random(n) < REACTIVATION_SHARE)
    back_on = first["ended"] + rng.integers(60, 366, n)
    again = _take(first, np.flatnonzero(comeback & (back_on < cal.extract)))
    again["created"] = back_on[comeback & (back_on < cal.extract)]
    again["trial_end"] = np.full(len(again["created"]), NO_DATE)
    factor = rng.uniform(0.6, 1.4, len(again["created"]))
    again["seats"] = np.maximum(1, np.round(again["seats"] * factor)).astype(np.int64)
    again.update(_lifecycle(rng, again, np.ones(len(again["created"]), bool), cal))
    subs = _concat([first, again])
    subs = _take(subs, np.lexsort((subs["created"], subs["customer"])))
    trialing = subs["trial_end"] >= cal.extract
    subs["status"] = np.where(subs["ended"] != NO_DATE, 2, np.where(
        trialing, 1, np.where(rng.random(len(trialing)) < 0.02, 3, 0)))
    return subs


def _base_item_rows(rng: np.random.Generator, subs: Frame, cal: _Calendar) -> Frame:
    """The core item of each subscription, one row per stretch between seat or plan changes."""
    n = len(subs["created"])
    room = _effective_end(subs, cal) - subs["paid_start"]
    expected = CHANGES_PER_PAID_MONTH[subs["segment"]] * np.maximum(room, 0) / DAYS_PER_MONTH
    changes = np.where(subs["paid"] & (room >= 2),
                       np.minimum(rng.poisson(expected), MAX_CHANGES), 0)
    event_sub = np.repeat(np.arange(n), changes)
    event_day = _day_between(rng, subs["paid_start"][event_sub] + 1,
                             subs["paid_start"][event_sub] + room[event_sub])
    order = np.lexsort((event_day, event_sub))
    event_sub, event_day = event_sub[order], event_day[order]
    repeat = (event_sub == _previous(event_sub, -1)) & (event_day == _previous(event_day, NO_DATE))
    event_sub, event_day = event_sub[~repeat], event_day[~repeat]
    m = len(event_sub)
    plan_change = rng.random(m) < 0.2
    tier_step = np.where(plan_change, np.where(rng.random(m) < 0.75, 1, -1), 0)
    seat_step = np.where(plan_change, 0.0, rng.normal(0.05, 0.3, m))
    sub = np.r_[np.arange(n), event_sub]
    start = np.r_[subs["created"], event_day]
    order = np.lexsort((start, sub))
    sub, start = sub[order], start[order]
    tier_step, seat_step = np.r_[np.zeros(n, int), tier_step][order], np.r_[np.zeros(n), seat_step][order]
    tier = np.clip(subs["tier"][sub] + _group_cumsum(tier_step, sub), 0, len(TIERS) - 1)
    quantity = np.maximum(1, np.round(subs["seats"][sub] * np.exp(_group_cumsum(seat_step, sub))))
    rank = _rank_in_group(sub)
    unchanged = (rank > 0) & (tier_step == 0) & (quantity == _previous(quantity, 0))
    quantity = quantity + unchanged
    next_same = sub == _following(sub, -1)
    close_at_end = np.where(rng.random(n) < 0.4, subs["ended"], NO_DATE)
    open_start = rng.random(n) < 0.4
    return {
        "sub": sub, "kind": np.zeros(len(sub), int), "seq": rank,
        "plan": _core_plan(tier, subs["interval"][sub], subs["currency"][sub]),
        "quantity": quantity.astype(float),
        "valid_from": np.where((rank == 0) & open_start[sub], NO_DATE, start),
        "valid_to": np.where(next_same, _following(start, NO_DATE), close_at_end[sub]),
    }


def _addon_item_rows(rng: np.random.Generator, subs: Frame, cal: _Calendar) -> Frame:
    """Analytics and support add-ons: some added later, some removed again."""
    frames = []
    end = _effective_end(subs, cal)
    for addon, shares in enumerate(ADDON_SHARE):
        sub = np.flatnonzero(subs["paid"] & (rng.random(len(end)) < np.array(shares)[subs["segment"]]))
        k = len(sub)
        paid_start, stop = subs["paid_start"][sub], end[sub]
        late = (rng.random(k) < 0.5) & (stop - paid_start >= 3)
        start = np.where(late, _day_between(rng, paid_start + 1, np.maximum(stop - 1, paid_start + 2)),
                         subs["created"][sub])
        removed = (rng.random(k) < 0.15) & (stop - start >= 2)
        removal = _day_between(rng, start + 1, np.maximum(stop, start + 2))
        frames.append({
            "sub": sub, "kind": np.full(k, addon + 1), "seq": np.zeros(k, int),
            "plan": _addon_plan(addon, subs["interval"][sub], subs["currency"][sub]),
            "quantity": np.where(rng.random(k) < 0.5, np.nan, 1.0),
            "valid_from": np.where(late | (rng.random(k) < 0.5), start, NO_DATE),
            "valid_to": np.where(removed, removal, NO_DATE),
        })
    return _concat(frames)


def _simulate_items(rng: np.random.Generator, subs: Frame, cal: _Calendar) -> Frame:
    items = _concat([_base_item_rows(rng, subs, cal), _addon_item_rows(rng, subs, cal)])
    return _take(items, np.lexsort((items["seq"], items["kind"], items["sub"])))


def _simulate_discounts(rng: np.random.Generator, subs: Frame, cal: _Calendar) -> Frame:
    n = len(subs["created"])
    sub = np.flatnonzero(subs["paid"] & (rng.random(n) < DISCOUNT_SHARE[subs["segment"]]))
    k = len(sub)
    paid_start = subs["paid_start"][sub]
    percent = rng.random(k) < 0.75
    months = rng.choice([3, 6, 12, 0], size=k, p=[0.3, 0.3, 0.2, 0.2])
    per_period = np.maximum(MONTHS_PER_PERIOD[subs["interval"][sub]], 0.25)
    amount = AMOUNT_OFF_PER_MONTH[rng.integers(0, len(AMOUNT_OFF_PER_MONTH), k)] * per_period
    first = {
        "sub": sub,
        "percent_off": np.where(percent, rng.choice(PERCENTS_OFF[0], size=k, p=PERCENTS_OFF[1]),
                                np.nan),
        "amount_off": np.where(percent, np.nan, np.round(amount, 2)),
        "valid_from": np.where(rng.random(k) < 0.3, NO_DATE, paid_start),
        "valid_to": np.where(months > 0, _add_months(paid_start, months), NO_DATE),
    }
    later = _add_months(paid_start, 6)
    stack = np.flatnonzero((rng.random(k) < 0.05) & (later < cal.extract))
    second = {"sub": sub[stack], "percent_off": np.full(len(stack), 10.0),
              "amount_off": np.full(len(stack), np.nan), "valid_from": later[stack],
              "valid_to": np.full(len(stack), NO_DATE)}
    discounts = _concat([first, second])
    return _take(discounts, np.lexsort((discounts["valid_from"], discounts["sub"])))


def _signed_contracts(rng: np.random.Generator, acc: Frame, cal: _Calendar) -> Frame:
    """Term contracts of sales-led accounts: renewals with uplift until the account leaves."""
    account = np.flatnonzero((acc["motion"] == CONTRACT_ONLY) | (acc["motion"] == HYBRID))
    start0 = acc["created"][account] + rng.integers(0, 46, len(account))
    account, start0 = account[start0 < cal.extract], start0[start0 < cal.extract]
    m = len(account)
    evergreen = rng.random(m) < 0.1
    term = np.where(evergreen, 1, rng.choice(CONTRACT_TERMS[0], size=m, p=CONTRACT_TERMS[1]))
    possible = (_month_of(np.full(m, cal.extract - 1)) - _month_of(start0)) // term + 1
    life = np.where(evergreen, np.ceil(rng.exponential(60.0, m)), rng.geometric(0.15, m))
    signed = np.minimum(possible, life).astype(np.int64)
    frequency = np.where(evergreen, 0, rng.choice(4, size=m, p=CONTRACT_FREQUENCY_SHARE))
    acv = rng.lognormal(np.log(48000), 0.8, m) / APPROX_USD_RATE[acc["currency"][account]]
    row = np.repeat(np.arange(m), np.where(evergreen, 1, signed))
    k = _rank_in_group(row)
    start = _add_months(start0[row], k * term[row])
    end = _add_months(start, np.where(evergreen[row], signed[row], term[row]))
    last = row != _following(row, -1)
    churned = (signed < possible)[row] & last
    early = churned & ~evergreen[row] & (rng.random(len(row)) < 0.25)
    end = np.where(early, _add_months(start, rng.integers(1, np.maximum(term[row], 2))), end)
    per_period = FREQUENCY_MONTHS[frequency[row]] / 12
    return {
        "account": account[row], "product": np.zeros(len(row), int), "start": start,
        "end": np.where(evergreen[row] & ~churned, NO_DATE, end),
        "frequency": frequency[row],
        "amount": np.round(acv[row] * 1.07**k * per_period),
        "currency": acc["currency"][account[row]],
        "status": np.where(early | (evergreen[row] & churned), 1, 0),  # active, cancelled
        "last": last, "churned": churned, "term": term[row], "evergreen": evergreen[row], "k": k,
    }


def _simulate_contracts(rng: np.random.Generator, acc: Frame, cal: _Calendar) -> Frame:
    """Signed contracts, plus draft renewals and parallel analytics contracts."""
    signed = _signed_contracts(rng, acc, cal)
    n = len(signed["start"])
    draft = signed["last"] & ~signed["evergreen"] & (signed["status"] == 0) & (
        rng.random(n) < np.where(signed["churned"], 0.4, 0.3))
    drafts = _take(signed, np.flatnonzero(draft))
    drafts["start"] = drafts["end"]
    drafts["end"] = _add_months(drafts["start"], drafts["term"])
    drafts["amount"] = np.round(drafts["amount"] * 1.07)
    drafts["status"] = np.full(len(drafts["start"]), 2)
    drafts["churned"] = np.zeros(len(drafts["start"]), bool)
    first_term = signed["k"] == 0
    extra = first_term & ~signed["evergreen"] & (rng.random(n) < 0.15)
    analytics = _take(signed, np.flatnonzero(extra))
    analytics["product"] = np.ones(len(analytics["start"]), int)
    analytics["amount"] = np.round(analytics["amount"] * 0.15)
    analytics["churned"] = np.zeros(len(analytics["start"]), bool)
    contracts = _concat([signed, drafts, analytics])
    return _take(contracts, np.lexsort((contracts["product"], contracts["start"],
                                        contracts["account"])))


def _simulate_churn_reasons(rng: np.random.Generator, acc: Frame, cust: Frame, subs: Frame,
                            contracts: Frame) -> Frame:
    """Reasons for accounts whose only customer's subscription ended, and lost contract accounts."""
    ended = subs["paid"] & (subs["ended"] != NO_DATE) & cust["single_self_serve"][subs["customer"]]
    from_subs = (cust["account"][subs["customer"][ended]], subs["ended"][ended])
    lost = contracts["churned"] & (acc["motion"][contracts["account"]] == CONTRACT_ONLY)
    account = np.r_[from_subs[0], contracts["account"][lost]]
    day = np.r_[from_subs[1], contracts["end"][lost]]
    recorded = rng.random(len(account)) < 0.85
    account, day = account[recorded], day[recorded]
    order = np.lexsort((day, account))
    k = len(order)
    reason = rng.choice(len(CHURN_REASONS), size=k, p=CHURN_REASON_SHARE)
    return {"account": account[order], "day": day[order], "reason": reason,
            "has_note": rng.random(k) < 0.7}


# --------------------------------------------------------------------------------------------
# Invoices (a sample: the first invoice and one later renewal per paid subscription)
# --------------------------------------------------------------------------------------------
def _simulate_invoices(rng: np.random.Generator, subs: Frame, plans: Frame,
                       cal: _Calendar) -> tuple[Frame, Frame]:
    sub = np.flatnonzero(subs["paid"])
    paid_start, end = subs["paid_start"][sub], _effective_end(subs, cal)[sub]
    interval = subs["interval"][sub]
    weekly = interval == WEEKLY
    step = np.where(weekly, 1, MONTHS_PER_PERIOD[interval]).astype(np.int64)
    periods = np.where(weekly, (end - 1 - paid_start) // 7,
                       (_month_of(end - 1) - _month_of(paid_start)) // step) + 1
    k = 1 + (rng.random(len(sub)) * np.maximum(periods - 1, 1)).astype(np.int64)
    renewal = np.where(weekly, paid_start + 7 * k, _add_months(paid_start, k * step))
    second = (periods >= 2) & (rng.random(len(sub)) < 0.8) & (renewal < end)
    inv = {
        "sub": np.r_[sub, sub[second]],
        "date": np.r_[paid_start, renewal[second]],
        "renewal": np.r_[np.zeros(len(sub), bool), np.ones(second.sum(), bool)],
    }
    inv = _take(inv, np.lexsort((inv["sub"], inv["date"])))
    s = inv["sub"]
    weekly = subs["interval"][s] == WEEKLY
    inv["period_end"] = np.where(weekly, inv["date"] + 7, _add_months(
        inv["date"], np.where(weekly, 1, MONTHS_PER_PERIOD[subs["interval"][s]]).astype(np.int64)))
    recent = inv["date"] >= cal.extract - 30
    draw = rng.random(len(s))
    inv["status"] = np.where(recent & (draw < 0.5), 1, np.select(
        [draw < 0.95, draw < 0.97], [0, 2], 3))  # paid, open, void, uncollectible
    plan = _core_plan(subs["tier"][s], subs["interval"][s], subs["currency"][s])
    price = plans["unit_amount"][plan] * subs["seats"][s]
    return inv, _invoice_lines(rng, inv, subs, price)


def _invoice_lines(rng: np.random.Generator, inv: Frame, subs: Frame, price: np.ndarray) -> Frame:
    n = len(price)
    number = np.arange(n)
    segment = subs["segment"][inv["sub"]]
    proration = inv["renewal"] & (rng.random(n) < 0.1)
    onboarding = ~inv["renewal"] & (rng.random(n) < 0.12)
    usage = rng.random(n) < 0.15
    parts = [  # (invoice rows, line type, amount, period start, period end)
        (number, 0, price, inv["date"], inv["period_end"]),
        (number[proration], 1, np.round(price[proration] * rng.uniform(-0.3, 0.5, proration.sum()), 2),
         inv["date"][proration] - rng.integers(1, 21, proration.sum()), inv["date"][proration]),
        (number[onboarding], 2, np.array([250.0, 1500.0, 5000.0])[segment[onboarding]],
         inv["date"][onboarding], inv["date"][onboarding] + 1),
        (number[usage], 3, np.round(rng.lognormal(np.log(40), 1.0, usage.sum())
                                    * np.array([1, 5, 20])[segment[usage]], 2),
         inv["date"][usage], inv["period_end"][usage]),
    ]
    lines = _concat([{"inv": p[0], "type": np.full(len(p[0]), p[1]), "amount": p[2],
                      "period_start": p[3], "period_end": p[4]} for p in parts])
    subtotal = np.bincount(lines["inv"], weights=lines["amount"], minlength=n)
    currency = subs["currency"][inv["sub"]]
    taxed = np.flatnonzero((rng.random(n) < np.array([0.45, 0.9, 0.9])[currency]) & (subtotal > 0))
    tax = {"inv": taxed, "type": np.full(len(taxed), 4),
           "amount": np.round(subtotal[taxed] * np.array([0.07, 0.2, 0.2])[currency[taxed]], 2),
           "period_start": np.full(len(taxed), NO_DATE), "period_end": np.full(len(taxed), NO_DATE)}
    lines = _concat([lines, tax])
    return _take(lines, np.lexsort((lines["type"], lines["inv"])))


# --------------------------------------------------------------------------------------------
# Finance reference data: FX walk, KPI goals and spend derived from the simulated business
# --------------------------------------------------------------------------------------------
def _simulate_fx(rng: np.random.Generator, cal: _Calendar) -> np.ndarray:
    """Rate to USD per month (rows) and currency (columns); USD is 1."""
    steps = rng.normal(0.0, 0.018, size=(cal.months, 2))
    steps[0] = 0.0
    walk = APPROX_USD_RATE[1:] * np.exp(np.cumsum(steps, axis=0))
    return np.c_[np.ones(cal.months), np.round(walk, 6)]


def _monthly_mrr_usd(subs: Frame, items: Frame, contracts: Frame, plans: Frame, rates: np.ndarray,
                     cal: _Calendar) -> np.ndarray:
    """Approximate MRR per month before discounts (for goals and spend, not for the marts)."""
    s = items["sub"]
    start = np.maximum(np.where(items["valid_from"] == NO_DATE, subs["created"][s],
                                items["valid_from"]), subs["paid_start"][s])
    end = np.minimum(np.where(items["valid_to"] == NO_DATE, cal.extract, items["valid_to"]),
                     _effective_end(subs, cal)[s])
    plan = items["plan"]
    value = plans["unit_amount"][plan] * np.nan_to_num(items["quantity"], nan=1.0) * plans[
        "monthly_factor"][plan]
    counted = subs["paid"][s] & (start < end)
    signed = contracts["status"] != 2
    c_end = np.where(contracts["end"] == NO_DATE, cal.extract, contracts["end"])
    c_value = contracts["amount"] / FREQUENCY_MONTHS[contracts["frequency"]]
    mrr = np.zeros(cal.months)
    for currency in range(len(CURRENCIES)):
        local = np.zeros(cal.months + 1)
        for first, last, amount in (
            (start, end, np.where(counted & (plans["currency"][plan] == currency), value, 0.0)),
            (contracts["start"], c_end, np.where(signed & (contracts["currency"] == currency),
                                                 c_value, 0.0)),
        ):
            local += _window_sum(first, last, amount, cal)
        mrr += local[:-1] * rates[:, currency]
    return mrr


def _window_sum(first: np.ndarray, last: np.ndarray, amount: np.ndarray, cal: _Calendar) -> np.ndarray:
    """Per month, the sum of amounts whose [first, last) window counts in that month."""
    begin = np.clip(_month_of(first) - cal.first_month, 0, cal.months)
    stop = np.clip(_month_of(last) - cal.first_month, 0, cal.months)
    diff = np.bincount(begin, amount, cal.months + 1) - np.bincount(stop, amount, cal.months + 1)
    return np.cumsum(diff)


def _new_accounts_by_month(acc: Frame, cal: _Calendar) -> np.ndarray:
    buyers = acc["motion"] != PROSPECT
    month = _month_of(acc["created"][buyers]) - cal.first_month
    cost = ACQUISITION_COST_USD[acc["segment"][buyers]]
    return np.stack([np.bincount(month, minlength=cal.months),
                     np.bincount(month, weights=cost, minlength=cal.months)], axis=1)


# Goal metrics: names from the project's kpi_metrics() macro (README, Metrics).
KPI_METRICS = ("closing_mrr", "net_new_mrr", "new_customers", "churn_mrr", "logo_churn_rate",
               "nrr", "grr", "new_mrr", "arr")
AT_LEAST, AT_MOST = 0, 1


def _kpi_goals(rng: np.random.Generator, mrr: np.ndarray, new: np.ndarray, cal: _Calendar) -> Frame:
    """Monthly, quarterly and yearly targets a little ahead of the simulated business."""
    m = cal.months
    ahead = rng.uniform(1.0, 1.1, m)
    growth = np.diff(mrr, prepend=0.0)
    month = np.arange(m)
    calendar_month = (cal.first_month + month) % 12
    quarter = np.flatnonzero((calendar_month % 3 == 0) | (month == 0))
    year = np.flatnonzero((calendar_month == 0) | (month == 0))
    quarter_end = np.minimum(quarter + 2 - calendar_month[quarter] % 3, m - 1)
    year_end = np.minimum(year + 11 - calendar_month[year], m - 1)
    quarter_start = _add_months(cal.month_starts[quarter], -(calendar_month[quarter] % 3))
    year_start = _add_months(cal.month_starts[year], -calendar_month[year])
    new_in_quarter = mrr[quarter_end] - np.r_[0.0, mrr][quarter]  # net growth as a floor
    goals = [  # (period type, period starts, metric, targets, direction)
        (0, cal.month_starts[:-1], "closing_mrr", np.round(mrr * ahead, -2), AT_LEAST),
        (0, cal.month_starts[:-1], "net_new_mrr", np.round(growth * ahead, -2), AT_LEAST),
        (0, cal.month_starts[:-1], "new_customers", np.ceil(new[:, 0] * ahead), AT_LEAST),
        (0, cal.month_starts[:-1], "churn_mrr", np.round(mrr * 0.015, -1), AT_MOST),
        (0, cal.month_starts[:-1], "logo_churn_rate", np.full(m, 0.02), AT_MOST),
        (1, quarter_start, "nrr", np.round(rng.uniform(1.02, 1.06, len(quarter)), 2), AT_LEAST),
        (1, quarter_start, "grr", np.round(rng.uniform(0.88, 0.92, len(quarter)), 2), AT_LEAST),
        (1, quarter_start, "new_mrr", np.round(np.maximum(new_in_quarter, 0) * 1.3, -2), AT_LEAST),
        (2, year_start, "arr", np.round(12 * mrr[year_end] * rng.uniform(1.0, 1.2, len(year)), -3),
         AT_LEAST),
    ]
    return _concat([{"type": np.full(len(starts), kind), "start": starts,
                     "metric": np.full(len(starts), KPI_METRICS.index(metric)),
                     "target": np.asarray(target, dtype=float),
                     "direction": np.full(len(starts), direction)}
                    for kind, starts, metric, target, direction in goals])


def _spend(rng: np.random.Generator, new: np.ndarray, rates: np.ndarray, cal: _Calendar) -> Frame:
    m, k = cal.months, len(SPEND_CATEGORIES)
    share = np.array([c[2] for c in SPEND_CATEGORIES])
    currency = np.array([c[1] for c in SPEND_CATEGORIES])
    usd = (new[:, 1][:, None] + 2000.0) * share[None, :] * rng.lognormal(0, 0.15, (m, k))
    local = usd / rates[:, currency]
    return {"month": np.repeat(cal.month_starts[:-1], k), "category": np.tile(np.arange(k), m),
            "amount": np.round(local.ravel(), 2), "currency": np.tile(currency, m)}


# --------------------------------------------------------------------------------------------
# Arrow tables in contract order
# --------------------------------------------------------------------------------------------
def _ids(prefix: str, count: int) -> pa.Array:
    width = max(6, len(str(count)))
    numbers = pc.cast(pa.array(np.arange(1, count + 1)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")


def _dates(days: np.ndarray) -> pa.Array:
    missing = days == NO_DATE
    return pa.array(np.where(missing, 0, days).astype(np.int32), mask=missing).cast(pa.date32())


def _money(values: np.ndarray, scale: int = 2) -> pa.Array:
    missing = np.isnan(values)
    rounded = np.round(np.where(missing, 0.0, values), scale)
    return pa.array(rounded, mask=missing).cast(pa.decimal128(18, scale), safe=False)


def _words(vocabulary: tuple[str, ...], index: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pc.take(pa.array(vocabulary), pa.array(index, mask=missing))


def _refs(ids: pa.Array, index: np.ndarray) -> pa.Array:
    """Foreign key ids by row index; negative index = empty."""
    return pc.take(ids, pa.array(np.maximum(index, 0), mask=index < 0))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _accounts_table(acc: Frame, ids: pa.Array) -> pa.Table:
    words = acc["name_words"]
    name = _join(_words(NAME_WORDS[0], words[:, 0]), " ", _words(NAME_WORDS[1], words[:, 1]),
                 " ", _words(NAME_WORDS[2], words[:, 2]))
    return _table("crm_accounts", [
        ids, name, _refs(ids, acc["parent"]), _words(SEGMENTS, acc["segment"]),
        _words(INDUSTRIES, acc["industry"]), _words(REGIONS, acc["region"]),
        _words(OWNERS, acc["owner"]), _dates(acc["created"]),
    ])


def _customers_table(cust: Frame, ids: pa.Array, account_ids: pa.Array,
                     account_names: pa.Array) -> pa.Table:
    linked = cust["account"] >= 0
    extra = cust["name_extra"]
    person = _join(_words(PERSON_NAMES[0], extra % len(PERSON_NAMES[0])), " ",
                   _words(PERSON_NAMES[1], extra // len(PERSON_NAMES[0]) % len(PERSON_NAMES[1])))
    account_name = _refs(account_names, cust["account"])
    subsidiary = _join(account_name, " ", _words(SUBSIDIARY_SUFFIXES,
                                                 extra % len(SUBSIDIARY_SUFFIXES)))
    name = pc.if_else(pa.array(~linked), person,
                      pc.if_else(pa.array(cust["rank"] == 0), account_name, subsidiary))
    email = _join("billing+", ids, "@example.com")
    return _table("billing_customers", [
        ids, _refs(account_ids, cust["account"]), name, email,
        _words(CURRENCIES, cust["currency"]), _dates(cust["created"]),
    ])


def _plans_table(plans: Frame, ids: pa.Array) -> pa.Table:
    product_ids = ("core", "analytics", "support")
    product_names = ("Core Platform", ADDONS[0][1], ADDONS[1][1])
    labels = tuple(t.title() for t in TIERS) + tuple(a[1] for a in ADDONS)
    label = np.where(plans["tier"] >= 0, plans["tier"], len(TIERS) + plans["product"] - 1)
    plan_name = _join(_words(labels, label), " ",
                      _words(tuple(i[0].title() for i in INTERVALS), plans["interval"]),
                      " (", _words(CURRENCIES, plans["currency"]), ")")
    return _table("billing_plans", [
        ids, _words(product_ids, plans["product"]), _words(product_names, plans["product"]),
        plan_name, _words(tuple(i[1] for i in INTERVALS), plans["interval"]),
        pa.array(np.array([i[2] for i in INTERVALS])[plans["interval"]]),
        _money(plans["unit_amount"]), _words(CURRENCIES, plans["currency"]),
    ])


def _plan_ids(plans: Frame) -> pa.Array:
    tier = pc.if_else(pa.array(plans["tier"] >= 0),
                      _join(_words(TIERS, np.maximum(plans["tier"], 0)), "_"), "")
    product = _words(("core", "analytics", "support"), plans["product"])
    cadence = _words(tuple(i[0] for i in INTERVALS), plans["interval"])
    currency = pc.utf8_lower(_words(CURRENCIES, plans["currency"]))
    return _join("plan_", product, "_", tier, cadence, "_", currency)


def _subscriptions_table(subs: Frame, ids: pa.Array, customer_ids: pa.Array) -> pa.Table:
    return _table("billing_subscriptions", [
        ids, _refs(customer_ids, subs["customer"]), _dates(subs["created"]),
        _dates(subs["trial_end"]), _dates(subs["canceled"]), _dates(subs["ended"]),
        _words(("active", "trialing", "canceled", "past_due"), subs["status"]),
    ])


def _items_table(items: Frame, sub_ids: pa.Array, plan_ids: pa.Array) -> pa.Table:
    missing = np.isnan(items["quantity"])
    quantity = pa.array(np.where(missing, 0, items["quantity"]).astype(np.int64), mask=missing)
    return _table("billing_subscription_items", [
        _ids("si_", len(items["sub"])), _refs(sub_ids, items["sub"]), _refs(plan_ids, items["plan"]),
        quantity, _dates(items["valid_from"]), _dates(items["valid_to"]),
    ])


def _discounts_table(discounts: Frame, sub_ids: pa.Array) -> pa.Table:
    return _table("billing_discounts", [
        _ids("disc_", len(discounts["sub"])), _refs(sub_ids, discounts["sub"]),
        _money(discounts["percent_off"]), _money(discounts["amount_off"]),
        _dates(discounts["valid_from"]), _dates(discounts["valid_to"]),
    ])


def _contracts_table(contracts: Frame, account_ids: pa.Array) -> pa.Table:
    return _table("crm_contracts", [
        _ids("ctr_", len(contracts["account"])), _refs(account_ids, contracts["account"]),
        _words(("core", "analytics"), contracts["product"]), _dates(contracts["start"]),
        _dates(contracts["end"]), _words(CONTRACT_FREQUENCIES, contracts["frequency"]),
        _money(contracts["amount"]), _words(CURRENCIES, contracts["currency"]),
        _words(("active", "cancelled", "draft"), contracts["status"]),
    ])


def _churn_table(churn: Frame, account_ids: pa.Array) -> pa.Table:
    return _table("crm_churn_reasons", [
        _refs(account_ids, churn["account"]), _dates(churn["day"]),
        _words(CHURN_REASONS, churn["reason"]), _words(CHURN_NOTES, churn["reason"], ~churn["has_note"]),
    ])


def _invoices_tables(inv: Frame, lines: Frame, subs: Frame, sub_ids: pa.Array,
                     customer_ids: pa.Array) -> tuple[pa.Table, pa.Table]:
    invoice_ids = _ids("in_", len(inv["sub"]))
    invoices = _table("billing_invoices", [
        invoice_ids, _refs(customer_ids, subs["customer"][inv["sub"]]), _dates(inv["date"]),
        _words(("paid", "open", "void", "uncollectible"), inv["status"]),
        _words(CURRENCIES, subs["currency"][inv["sub"]]),
    ])
    line_types = ("subscription", "proration", "one_time", "usage", "tax")
    invoice_lines = _table("billing_invoice_lines", [
        _ids("il_", len(lines["inv"])), _refs(invoice_ids, lines["inv"]),
        _refs(sub_ids, np.where(lines["type"] == 2, -1, inv["sub"][lines["inv"]])),
        _words(line_types, lines["type"]), _money(lines["amount"]),
        _dates(lines["period_start"]), _dates(lines["period_end"]),
    ])
    return invoices, invoice_lines


def _fx_table(rates: np.ndarray, cal: _Calendar) -> pa.Table:
    m = cal.months
    return _table("fx_rates", [
        _dates(np.repeat(cal.month_starts[:-1], 2)), _words(CURRENCIES, np.tile([1, 2], m)),
        _money(rates[:, 1:].ravel(), scale=6),
    ])


def _kpi_table(goals: Frame) -> pa.Table:
    return _table("kpi_goals", [
        _words(("month", "quarter", "year"), goals["type"]), _dates(goals["start"]),
        _words(KPI_METRICS, goals["metric"]), _money(goals["target"], scale=4),
        _words(("at_least", "at_most"), goals["direction"]),
    ])


def _spend_table(spend: Frame) -> pa.Table:
    return _table("sales_marketing_spend", [
        _dates(spend["month"]), _words(tuple(c[0] for c in SPEND_CATEGORIES), spend["category"]),
        _money(spend["amount"]), _words(CURRENCIES, spend["currency"]),
    ])


def _table(name: str, columns: list[pa.Array]) -> pa.Table:
    return pa.Table.from_arrays(columns, names=list(CONTRACT[name]))


def _build_tables(rngs: dict[str, np.random.Generator], n: int, cal: _Calendar) -> dict[str, pa.Table]:
    acc = _simulate_accounts(rngs["accounts"], n, cal)
    cust = _simulate_customers(rngs["customers"], acc, cal)
    subs = _simulate_subscriptions(rngs["subscriptions"], cust, cal)
    items = _simulate_items(rngs["items"], subs, cal)
    discounts = _simulate_discounts(rngs["discounts"], subs, cal)
    contracts = _simulate_contracts(rngs["contracts"], acc, cal)
    churn = _simulate_churn_reasons(rngs["churn"], acc, cust, subs, contracts)
    plans = _plan_catalogue()
    inv, lines = _simulate_invoices(rngs["invoices"], subs, plans, cal)
    rates = _simulate_fx(rngs["fx"], cal)
    mrr = _monthly_mrr_usd(subs, items, contracts, plans, rates, cal)
    new = _new_accounts_by_month(acc, cal)

    account_ids = _ids("acct_", n)
    accounts = _accounts_table(acc, account_ids)
    customer_ids = _ids("cus_", len(cust["account"]))
    sub_ids = _ids("sub_", len(subs["customer"]))
    plan_ids = _plan_ids(plans)
    invoices, invoice_lines = _invoices_tables(inv, lines, subs, sub_ids, customer_ids)
    tables = {
        "crm_accounts": accounts,
        "crm_contracts": _contracts_table(contracts, account_ids),
        "crm_churn_reasons": _churn_table(churn, account_ids),
        "billing_customers": _customers_table(cust, customer_ids, account_ids,
                                              accounts.column("account_name").combine_chunks()),
        "billing_plans": _plans_table(plans, plan_ids),
        "billing_subscriptions": _subscriptions_table(subs, sub_ids, customer_ids),
        "billing_subscription_items": _items_table(items, sub_ids, plan_ids),
        "billing_discounts": _discounts_table(discounts, sub_ids),
        "billing_invoices": invoices,
        "billing_invoice_lines": invoice_lines,
        "fx_rates": _fx_table(rates, cal),
        "kpi_goals": _kpi_table(_kpi_goals(rngs["kpi"], mrr, new, cal)),
        "sales_marketing_spend": _spend_table(_spend(rngs["spend"], new, rates, cal)),
    }
    return {name: tables[name] for name in CONTRACT}


# --------------------------------------------------------------------------------------------
# Bad rows and writing
# --------------------------------------------------------------------------------------------
def _as_text(table: pa.Table) -> pa.Table:
    return table.cast(pa.schema([(name, pa.string()) for name in table.column_names]))


def _inject_bad_rows(rng: np.random.Generator, tables: dict[str, pa.Table],
                     count: int) -> dict[str, pa.Table]:
    """Append `count` bad rows, as evenly as possible over BAD_ROW_KINDS (in that order).

    The tables that receive bad rows become text; the others are left as they are.
    """
    kinds = list(BAD_ROW_KINDS)
    per_kind = [len(range(i, count, len(kinds))) for i in range(len(kinds))]
    tables = dict(tables)
    for table in {t for t, _ in BAD_ROW_KINDS.values()}:
        tables[table] = _as_text(tables[table])
    items = tables["billing_subscription_items"]
    subs = _as_text(tables["billing_subscriptions"])
    if items.num_rows == 0 or subs.num_rows == 0:
        raise GenerateError("bad_rows needs subscriptions to attach to; generate more accounts")
    makers: dict[str, Callable[[int], pa.Table]] = {
        "unknown_plan_id": lambda k: _bad_items(rng, items, k, plan_id=_numbered("plan_unknown_", k)),
        "negative_quantity": lambda k: _bad_items(rng, items, k, quantity=pc.cast(
            pa.array(-rng.integers(1, 20, k)), pa.string())),
        "unparseable_date": lambda k: _bad_items(rng, items, k, valid_from=pa.array(
            np.array(["not a date", "2024-02-30", "31/12/2024"])[np.arange(k) % 3])),
        "percent_off_over_100": lambda k: _bad_discounts(rng, subs, k, "150", None),
        "conflicting_duplicate_key": lambda k: _conflicting_items(rng, items, k),
        "inverted_window": lambda k: _bad_discounts(rng, subs, k, "10", -30),
    }
    for kind, k in zip(kinds, per_kind, strict=True):
        if k:
            table = BAD_ROW_KINDS[kind][0]
            tables[table] = pa.concat_tables([tables[table], makers[kind](k)])
    return tables


def _numbered(prefix: str, count: int) -> pa.Array:
    return _join(prefix, pc.cast(pa.array(np.arange(1, count + 1)), pa.string()))


def _bad_items(rng: np.random.Generator, items: pa.Table, k: int, **replace: pa.Array) -> pa.Table:
    rows = items.take(pa.array(rng.integers(0, items.num_rows, k)))
    key = "subscription_item_id"
    bad_ids = _join(rows.column(key).combine_chunks(), "_bad_", next(iter(replace)), "_",
                    _numbered("", k))
    rows = rows.set_column(0, key, bad_ids)
    for column, values in replace.items():
        rows = rows.set_column(rows.column_names.index(column), column, values)
    return rows


def _conflicting_items(rng: np.random.Generator, items: pa.Table, k: int) -> pa.Table:
    """Copies of existing items (same key) with another quantity; distinct originals."""
    if k > items.num_rows:
        raise GenerateError(f"at most {items.num_rows} conflicting duplicates fit this extract")
    rows = items.take(pa.array(rng.choice(items.num_rows, size=k, replace=False)))
    quantity = pc.cast(pc.add(pc.cast(pc.fill_null(rows.column("quantity"), "1"), pa.int64()), 1),
                       pa.string())
    return rows.set_column(rows.column_names.index("quantity"), "quantity", quantity)


def _bad_discounts(rng: np.random.Generator, subs: pa.Table, k: int, percent: str,
                   to_shift: int | None) -> pa.Table:
    rows = subs.take(pa.array(rng.integers(0, subs.num_rows, k)))
    start = rows.column("created_at").combine_chunks()
    start_days = pc.cast(pc.cast(start, pa.date32()), pa.int32()).to_numpy(zero_copy_only=False)
    valid_to = (pa.nulls(k, pa.string()) if to_shift is None
                else pc.cast(_dates(start_days.astype(np.int64) + to_shift), pa.string()))
    label = "percent" if to_shift is None else "window"
    return _table("billing_discounts", [
        _join("disc_bad_", label, "_", _numbered("", k)), rows.column("subscription_id").combine_chunks(),
        pa.array([percent] * k), pa.nulls(k, pa.string()), start, valid_to,
    ])


def _write(table: pa.Table, path: Path, fmt: str) -> None:
    if fmt == "csv":
        options = pa_csv.WriteOptions(quoting_style="needed")
        pa_csv.write_csv(table, path, write_options=options)
    else:
        pq.write_table(table, path, compression="zstd")
