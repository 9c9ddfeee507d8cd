"""A built warehouse against the Python reference (reference_mrr.py), row for row, as readable reports.

Each report is empty when the marts agree with the reference, else it lists the first mismatches:

    reference = compute(data_dir, as_of)
    report = mrr_report(connection, reference)
    assert not report, report

mrr_report, movements_report and rejected_report compare what the reference computes by the rules (issue 3).
DERIVED_MART_REPORTS work the other marts out from it as the README's Metrics section defines them (issue 4),
without the SQL; history_report compares the reported history after two builds with both builds' references.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from math import floor

import duckdb
from reference_mrr import movements_of, round_cents, round_half_away, snapshot

SHOWN = 25


def mrr_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """marts.fct_mrr against the reference's MRR per month and account (rules 1 to 7)."""
    rows = warehouse.execute("select month, account_id, mrr from marts.fct_mrr").fetchall()
    return _describe("fct_mrr", reference["mrr"], *_keyed(rows, 2))


def movements_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """marts.fct_mrr_movements against the reference's movements per month, account and type (rule 8)."""
    rows = warehouse.execute(
        "select month, account_id, movement_type, mrr_change from marts.fct_mrr_movements").fetchall()
    return _describe("fct_mrr_movements", reference["movements"], *_keyed(rows, 3))


def rejected_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """Rule 9 against the reference: the rows of marts.rejected_rows per (table, key), one per distinct raw row
    (every row of a conflicting key), and marts.source_row_accounting: each table's raw rows are accepted,
    rejected or collapsed exact duplicates."""
    rows = warehouse.execute(
        "select source_table, source_key, count(*) from marts.rejected_rows group by source_table, source_key"
    ).fetchall()
    actual = {(table, key or ""): count for table, key, count in rows}
    expected = reference["rejected_rows"]
    lines = []
    for label, keys in (("rejected by the reference only", expected.keys() - actual.keys()),
                        ("rejected by the warehouse only", actual.keys() - expected.keys())):
        if keys:
            lines.append(f"{label} ({len(keys)}): " + ", ".join(f"{t}:{k}" for t, k in sorted(keys)[:SHOWN]))
    lines += [f"rejected_rows | {table}:{key}: reference {count} rows, warehouse {actual[(table, key)]}"
              for (table, key), count in sorted(expected.items())
              if (table, key) in actual and actual[(table, key)] != count]
    accounting = {(table,): {**counts, "is_balanced": True} for table, counts in reference["row_accounting"].items()}
    lines += _mart_mismatches(warehouse, "source_row_accounting", ["source_table"], accounting)
    return _first_lines(lines)


# Issue 4's bridges and rates, from the reference's MRR and movements alone. Movement type -> bridge column and
# the sign that makes it a magnitude (contraction and churn are negative movements, positive bridge columns).
BRIDGE_FLOWS = {"new": ("new_mrr", 1), "expansion": ("expansion_mrr", 1), "reactivation": ("reactivation_mrr", 1),
                "contraction": ("contraction_mrr", -1), "churn": ("churn_mrr", -1), "fx": ("fx_mrr", 1)}
CUSTOMER_EVENTS = {"new": "new_customers", "reactivation": "reactivated_customers", "churn": "churned_customers"}
# Period type -> the first month of a month's period, and the bridge mart of that period.
PERIOD_STARTS = {
    "quarter": lambda month: month.replace(month=(month.month - 1) // 3 * 3 + 1),
    "year": lambda month: month.replace(month=1),
}
PERIOD_BRIDGES = {"quarter": "mrr_bridge_quarterly", "year": "mrr_bridge_yearly"}
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def bridges_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """The monthly, quarterly and yearly bridges and their rates (issue 4) against the reference's, column by column:
    amounts and customer counts exactly, rates to 12 significant digits (the marts hold them as doubles)."""
    monthly = _reference_monthly_bridge(reference)
    expected = {"mrr_bridge_monthly": monthly, "mrr_kpis_monthly": _with_rates(monthly)}
    for period_type, period_start in PERIOD_STARTS.items():
        expected[PERIOD_BRIDGES[period_type]] = _with_rates(_reference_period_bridge(monthly, period_start))
    lines = []
    for mart, rows in expected.items():
        key_column = "month" if mart.endswith("monthly") else "period_start"
        lines += _mart_mismatches(warehouse, mart, [key_column], {(key,): row for key, row in rows.items()})
    return _first_lines(lines)


SLICE_TYPES = ("segment", "region", "industry", "owner")


def slices_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """mrr_bridge_monthly_by_slice against the reference's account-months bridged per month and value of each
    account attribute ('(none)' without one) and per primary plan: the plan of most gross MRR that month, to a
    millionth, ties to the smallest id; in a churn month, last month's."""
    ranked = defaultdict(list)
    for (month, account, plan), gross in reference["plan_gross"].items():
        ranked[(month, account)].append((-round_half_away(gross, 6), plan))
    primary_plans = {key: min(plans)[1] for key, plans in ranked.items()}

    def slices(month: date, account: str):
        attributes = reference["accounts"].get(account, {})
        plan_month = month if reference["mrr"][(month, account)] > 0 else _months_later(month, -1)
        return [(month, slice_type, attributes.get(slice_type) or "(none)") for slice_type in SLICE_TYPES] + [
            (month, "plan", primary_plans[(plan_month, account)])]

    expected = _bridged(_customer_months(reference["mrr"], reference["movements"]), slices)
    return _first_lines(_mart_mismatches(warehouse, "mrr_bridge_monthly_by_slice",
                                         ["month", "slice_type", "slice_value"], expected))


def parent_rollup_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """mrr_bridge_monthly_parent_rollup against the reference with every CRM account and the accounts below it as
    one customer: their MRR and rounded fx effects added up, then rule 8 again (issue 4). A parent that is not a
    valid account ends the climb; a loop of parents is one customer under its smallest account, with the accounts
    below it."""
    accounts = reference["accounts"]

    def top_parent(account: str) -> str:
        chain = [account]
        while (parent := accounts[chain[-1]]["parent_account_id"]) in accounts:
            if parent in chain:
                return min(chain[chain.index(parent):])
            chain.append(parent)
        return chain[-1]

    tops = {account: top_parent(account) for account in accounts}
    family_sizes = defaultdict(int)
    for top in tops.values():
        family_sizes[top] += 1
    customer = {account: top for account, top in tops.items() if family_sizes[top] > 1}
    mrr, fx_effects = defaultdict(lambda: Decimal("0.00")), defaultdict(lambda: Decimal("0.00"))
    for (month, account), amount in reference["mrr"].items():
        mrr[(month, customer.get(account, account))] += amount
    for (month, account), amount in reference["fx_effects"].items():
        fx_effects[(month, customer.get(account, account))] += amount
    movements, months = {}, reference["months"]
    for name in {name for _month, name in mrr}:
        previous, ever_active = Decimal("0.00"), False
        for month in months:
            current = mrr.get((month, name), Decimal("0.00"))
            for kind, change in movements_of(previous, current, fx_effects[(month, name)], ever_active).items():
                movements[(month, name, kind)] = change
            ever_active, previous = ever_active or current > 0, current
    expected = {(month,): row for month, row in _monthly_bridge(months, mrr, movements).items()}
    return _first_lines(_mart_mismatches(warehouse, "mrr_bridge_monthly_parent_rollup", ["month"], expected))


def product_movements_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """fct_mrr_product_movements against the reference's account figures shared out over products (issue 4, README
    Metrics): each month's rounded MRR by the products' exact MRR, and, while the account stays active, its fx
    movement by their exact fx effects (largest-remainder cents both), unless only rates moved the same products,
    when each product's change is its fx. Then new, reactivation and churn as the account's; cross_sell,
    product_churn, upsell and downgrade for the rest of a product's change."""
    mrr, movements = reference["mrr"], reference["movements"]
    products = defaultdict(dict)
    for (month, account, product), exact in reference["product_exact"].items():
        products[(month, account)][product] = exact
    product_mrr = {
        (month, account, product): share
        for (month, account), total in mrr.items() if total > 0
        for product, share in _largest_remainder(
            {product: exact[0] for product, exact in products[(month, account)].items()}, total).items()
    }
    first_active = _first_active_months(mrr)
    expected = {}
    for (month, account), closing in mrr.items():
        previous = _months_later(month, -1)
        opening = mrr.get((previous, account), Decimal("0.00"))
        pairs = {product: (product_mrr.get((previous, account, product), Decimal("0.00")),
                           product_mrr.get((month, account, product), Decimal("0.00")))
                 for product in {*products[(previous, account)], *products[(month, account)]}}
        fx_exact = {product: exact[1] for product, exact in products[(month, account)].items()}
        # A product at 0.00 both months can still carry fx: its share is split out like the others'.
        pairs = {product: pair for product, pair in pairs.items() if pair != (0, 0) or fx_exact.get(product)}
        fx = _product_fx(pairs, fx_exact,
                         {kind: movements.get((month, account, kind), Decimal("0.00")) for kind in BRIDGE_FLOWS}
                         if opening > 0 and closing > 0 else {})
        account_status = "new" if month == first_active[account] else "reactivation" if opening == 0 else (
            "churn" if closing == 0 else "active")
        for product, pair in pairs.items():
            for kind, amount in _product_movement(account_status, pair, fx[product]).items():
                if amount:
                    expected[(month, account, product, kind)] = {"mrr_change": amount}
    return _first_lines(_mart_mismatches(warehouse, "fct_mrr_product_movements",
                                         ["month", "account_id", "product_id", "movement_type"], expected))


def drivers_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """fct_mrr_expansion_drivers against the reference's lines (README Metrics): per account-month with expansion or
    contraction, at last month's rates, seat_change = the change of plans held both months, plan_change = plans (or
    contracts, each its own) held in one month only, each valued at its subscription's percent discount of last
    month (this month's if new) and rounded on its own; price_change = the rest. A subscription held in one month
    only counts what its amounts off took off with the first of its plans (by plan id, per currency and interval).
    The rounding left over goes to price_change where a subscription is discounted in one of the two months, else to
    the larger of seat and plan change."""
    discounts = defaultdict(list)
    for discount in reference["discounts"]:
        discounts[discount.subscription_id].append(discount)
    lines_of = defaultdict(list)
    for month, lines in reference["counted_lines"].items():
        for line in lines:
            lines_of[(month, line.account_id)].append(line)
    expected = {}
    for (month, account, kind), change in reference["movements"].items():
        if kind not in ("expansion", "contraction"):
            continue
        previous = _months_later(month, -1)
        both = {month: lines_of[(month, account)], previous: lines_of[(previous, account)]}
        held_before = {line.subscription_id for line in both[previous]}
        held_either = held_before | {line.subscription_id for line in both[month]}
        paid = {subscription: _percent_paid(discounts[subscription], snapshot(
                    previous if subscription in held_before else month, reference["as_of"]))
                for subscription in held_either if subscription in discounts}
        held = {which: defaultdict(Fraction) for which in both}
        for which, lines in both.items():
            for line in lines:
                held[which][(line.plan_id or f"crm_contract:{line.line_id}", line.currency)] += (
                    line.mrr_local * paid.get(line.subscription_id, Fraction(1)))
        held_now = {line.subscription_id for line in both[month]}
        for subscription in paid.keys() - (held_before & held_now):
            which = previous if subscription in held_before else month
            for plan, amount_off in _amounts_off_taken(
                    [line for line in both[which] if line.subscription_id == subscription], discounts[subscription],
                    paid[subscription], snapshot(which, reference["as_of"])).items():
                held[which][plan] -= amount_off
        seat, plan = _seat_and_plan_change(held[month], held[previous], reference["rates"][previous])
        rest = change - seat - plan
        discounted = any(discount.counts(snapshot(which, reference["as_of"]))
                         for which, lines in both.items() for subscription in {line.subscription_id for line in lines}
                         for discount in discounts.get(subscription, []))
        goes_to = "price" if discounted or (seat == 0 and plan == 0) else "seat" if abs(seat) >= abs(plan) else "plan"
        expected[(month, account)] = {
            "business_change": change, "seat_change": seat + rest * (goes_to == "seat"),
            "price_change": rest * (goes_to == "price"), "plan_change": plan + rest * (goes_to == "plan"),
        }
    return _first_lines(_mart_mismatches(warehouse, "fct_mrr_expansion_drivers", ["month", "account_id"], expected))


def _amounts_off_taken(lines: list, discounts: list, percent_paid: Fraction, day: date) -> dict[tuple, Fraction]:
    """(first plan, currency) -> what a subscription's amounts off counting on `day` take off its lines at
    percent_paid, per group of one currency and interval (rule 4: never more than the group is worth)."""
    amount_off = sum((d.amount_off for d in discounts if d.counts(day) and d.amount_off is not None), Fraction(0))
    groups = defaultdict(list)
    for line in lines:
        groups[(line.currency, line.factor)].append(line)
    taken = {}
    for (currency, factor), group in groups.items():
        paid = sum((line.mrr_local for line in group), Fraction(0)) * percent_paid
        taken[(min(line.plan_id for line in group), currency)] = min(amount_off * factor, paid)
    return taken


def _percent_paid(discounts: list, day: date) -> Fraction:
    """The share of its price a subscription pays under the percent discounts counting on `day`."""
    paid = Fraction(1)
    for discount in discounts:
        if discount.counts(day) and discount.percent_off is not None:
            paid *= 1 - discount.percent_off / 100
    return paid


def _seat_and_plan_change(current: dict[tuple, Fraction], previous: dict[tuple, Fraction],
                          rate: dict[str, Fraction]) -> tuple[Decimal, Decimal]:
    """(plan, currency) -> local MRR of two months: the change of plans held both months, and of the others."""
    def converted(amounts, plans) -> Fraction:
        return sum((amounts[plan] * rate[plan[1]] for plan in plans), Fraction(0))

    seat = converted(current, current.keys() & previous.keys()) - converted(previous, current.keys() & previous.keys())
    plan = converted(current, current.keys() - previous.keys()) - converted(previous, previous.keys() - current.keys())
    return round_cents(seat), round_cents(plan)


def _product_movement(account_status: str, pair: tuple[Decimal, Decimal], fx: Decimal) -> dict[str, Decimal]:
    """A product's signed movements in a month, by what the account did then."""
    opening, closing = pair
    if account_status in ("new", "reactivation"):
        return {account_status: closing}
    if account_status == "churn":
        return {"churn": -opening}
    change = closing - opening - fx
    kind = "cross_sell" if opening == 0 else "product_churn" if closing == 0 else (
        "upsell" if change > 0 else "downgrade")
    return {kind: change, "fx": fx}


def _product_fx(pairs: dict[str, tuple], fx_exact: dict[str, Fraction], account_flows: dict[str, Decimal]
                ) -> dict[str, Decimal]:
    """Each product's share of the account's fx movement (account_flows is empty unless it stays active)."""
    account_fx = account_flows.get("fx", Decimal("0.00"))
    if not account_fx:
        return dict.fromkeys(pairs, Decimal("0.00"))
    only_rates_moved = not account_flows["expansion"] and not account_flows["contraction"] and all(
        opening > 0 and closing > 0 for opening, closing in pairs.values())
    if only_rates_moved:
        return {product: closing - opening for product, (opening, closing) in pairs.items()}
    return _largest_remainder({product: fx_exact.get(product, Fraction(0)) for product in pairs}, account_fx)


def _largest_remainder(weights: dict[str, Fraction], total: Decimal) -> dict[str, Decimal]:
    """total in whole cents over the keys: each its weight's cents (to 6 decimals) rounded down, then the cents
    still missing one each to the largest remainders, ties to the smallest key."""
    cents = {key: round_half_away(weight * 100, 6) for key, weight in weights.items()}
    floors = {key: floor(value) for key, value in cents.items()}
    missing = int(total * 100) - sum(floors.values())
    ranked = sorted(weights, key=lambda key: (floors[key] - cents[key], key))
    return {key: Decimal(floors[key] + (rank < missing)) / 100 for rank, key in enumerate(ranked)}


def history_report(warehouse: duckdb.DuckDBPyConnection, earlier: dict, later: dict) -> str:
    """mrr_as_reported and mrr_restatements after a build at earlier["as_of"], then one at later["as_of"] on the same
    warehouse, against the two references: each build reports the account-months complete at its as_of (fct_mrr's,
    churn months included); a figure the later build computes differently, or no longer has, is superseded as of the
    later build, which reports its own figure beside it."""
    def complete(reference: dict) -> dict[tuple[date, str], Decimal]:
        return {key: mrr for key, mrr in reference["mrr"].items() if _period_end(key[0], 1) <= reference["as_of"]}

    first, second = complete(earlier), complete(later)
    versions_of = {}  # (month, account) -> [(reported_as_of, version)], oldest first
    for (month, account) in first.keys() | second.keys():
        before, now = first.get((month, account)), second.get((month, account))
        own = versions_of[(month, account)] = []
        if before is not None:
            own.append((earlier["as_of"], {"mrr": before,
                                           "superseded_as_of": None if now == before else later["as_of"]}))
        if now is not None and now != before:
            own.append((later["as_of"], {"mrr": now, "superseded_as_of": None}))
    versions = {(account, month, as_of): version
                for (month, account), own in versions_of.items() for as_of, version in own}
    lines = _mart_mismatches(warehouse, "mrr_as_reported", ["account_id", "month", "reported_as_of"], versions,
                             schema="history")
    restated = restatements_from_reports([(earlier["as_of"], first), (later["as_of"], second)])
    return _first_lines(lines + _mart_mismatches(warehouse, "mrr_restatements", ["month", "account_id"], restated))


def restatements_from_reports(reports: list[tuple[date, dict[tuple[date, str], Decimal]]]) -> dict[tuple, dict]:
    """mrr_restatements' rows, (month, account) -> columns, from what each build reported (its as_of and the
    account-months complete at it, oldest build first). A month's figures run from the first build it was complete
    at, absent counting as 0; it is listed when a figure differs from the one before, dated by the last such build."""
    restated = {}
    for month, account in {key for _, reported in reports for key in reported}:
        figures = [(as_of, reported.get((month, account), Decimal("0.00"))) for as_of, reported in reports
                   if _period_end(month, 1) <= as_of]
        changed = [as_of for (_, before), (as_of, after) in pairwise(figures) if after != before]
        if changed:
            (first_as_of, first), (_, current) = figures[0], figures[-1]
            restated[(month, account)] = {
                "first_reported_mrr": first, "first_reported_as_of": first_as_of, "current_mrr": current,
                "mrr_restated_by": current - first, "restated_as_of": changed[-1],
                "reported_versions": len(changed) + 1,
            }
    return restated


def _customer_months(mrr: dict[tuple[date, str], Decimal], movements: dict[tuple, Decimal]) -> list[tuple]:
    """(month, customer, bridge row) for each month a customer has MRR or churns: its own one-customer bridge."""
    flows = defaultdict(dict)
    for (month, name, kind), change in movements.items():
        flows[(month, name)][kind] = change
    rows = []
    for (month, name), closing in mrr.items():
        if closing == 0 and not flows[(month, name)]:
            continue  # zero MRR without a churn: no month of this customer's
        opening = mrr.get((_months_later(month, -1), name), Decimal("0.00"))
        moved = flows[(month, name)]
        rows.append((month, name, {
            "opening_mrr": opening, "closing_mrr": closing,
            **{column: sign * moved.get(kind, Decimal("0.00")) for kind, (column, sign) in BRIDGE_FLOWS.items()},
            "opening_customers": int(opening > 0), "closing_customers": int(closing > 0),
            **{column: int(kind in moved) for kind, column in CUSTOMER_EVENTS.items()},
        }))
    return rows


def _bridged(customer_months: list[tuple], keys) -> dict[tuple, dict]:
    """Customer-month bridge rows added up per key (keys(month, customer) names the keys a row counts in)."""
    grouped = defaultdict(list)
    for month, name, row in customer_months:
        for key in keys(month, name):
            grouped[key].append(row)
    return {key: _with_totals(_bridge_sums(rows)) for key, rows in grouped.items()}


def _bridge_sums(rows: list[dict]) -> dict:
    columns = ["opening_mrr", "closing_mrr", *(column for column, _sign in BRIDGE_FLOWS.values())]
    counts = ["opening_customers", "closing_customers", *CUSTOMER_EVENTS.values()]
    return {**{column: sum((row[column] for row in rows), Decimal("0.00")) for column in columns},
            **{column: sum(row[column] for row in rows) for column in counts}}


def accounts_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """dim_accounts against the reference: every valid CRM account and every valid billing customer without one
    (rule 1), with their first and last active months and the MRR of the as_of month."""
    attributes = ("account_name", "parent_account_id", "segment", "industry", "region", "owner")
    expected = {(account,): {"account_source": "crm", **{column: record[column] for column in attributes},
                             "created_at": record["created_at"]}
                for account, record in reference["accounts"].items()}
    # A customer without an account whose own id is a CRM account's reports as that account (README, Decisions).
    expected |= {(record["reporting_account_id"],): {"account_source": "billing", **dict.fromkeys(attributes),
                                                     "created_at": record["created_at"]}
                 for record in reference["customers"].values()
                 if record["reporting_account_id"] not in reference["accounts"]}
    active_months = defaultdict(list)
    for (month, account), mrr in reference["mrr"].items():
        if mrr > 0:
            active_months[account].append(month)
    as_of_month = reference["as_of"].replace(day=1)
    for (account,), row in expected.items():
        months = active_months.get(account, [])
        current = reference["mrr"].get((as_of_month, account), Decimal("0.00"))
        row |= {"first_active_month": min(months, default=None), "last_active_month": max(months, default=None),
                "current_mrr": current, "is_active": current > 0}
    return _first_lines(_mart_mismatches(warehouse, "dim_accounts", ["account_id"], expected))


def cohorts_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """marts.cohort_retention against cohorts by first active month, worked out from the reference's MRR."""
    first_active = _first_active_months(reference["mrr"])
    cohorts = defaultdict(lambda: {"cohort_customers": 0, "cohort_starting_mrr": Decimal("0.00")})
    retained = defaultdict(lambda: {"customers_retained": 0, "mrr_retained": Decimal("0.00")})
    for (month, account), mrr in reference["mrr"].items():
        cohort = first_active[account]
        if month == cohort:
            cohorts[cohort]["cohort_customers"] += 1
            cohorts[cohort]["cohort_starting_mrr"] += mrr
        retained[(cohort, month)]["customers_retained"] += mrr > 0
        retained[(cohort, month)]["mrr_retained"] += mrr
    expected = {}
    for cohort, size in cohorts.items():
        for month in (month for month in reference["months"] if month >= cohort):
            row = {**size, **retained[(cohort, month)],
                   "months_since_start": (month.year - cohort.year) * 12 + month.month - cohort.month}
            row["logo_retention"] = Fraction(row["customers_retained"], row["cohort_customers"])
            row["revenue_retention"] = (Fraction(row["mrr_retained"]) / Fraction(row["cohort_starting_mrr"])
                                        if row["cohort_starting_mrr"] else None)
            expected[(cohort, month)] = row
    return _first_lines(_mart_mismatches(warehouse, "cohort_retention", ["cohort_month", "month"], expected))


def period_to_date_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """mrr_period_to_date against the reference's bridge: the quarter and the year of the as_of month through that
    month, beside the same number of months from the start of the period before (issue 4)."""
    monthly = _reference_monthly_bridge(reference)
    if not monthly:
        return ""
    as_of_month, expected = max(monthly), {}
    for period_type, period_start in PERIOD_STARTS.items():
        current_start = period_start(as_of_month)
        months_to_date = (as_of_month.year - current_start.year) * 12 + as_of_month.month - current_start.month + 1
        previous_start = _months_later(current_start, -PERIOD_MONTHS[period_type])
        row = {"current_period_start": current_start, "months_to_date": months_to_date}
        for which, start in (("current", current_start), ("previous", previous_start)):
            rows = [monthly[month] for month in sorted(monthly)
                    if start <= month < _months_later(start, months_to_date)]
            row[f"{which}_opening_mrr"] = rows[0]["opening_mrr"] if rows else Decimal("0.00")
            for column in [*(flow for flow, _sign in BRIDGE_FLOWS.values()), "net_new_mrr"]:
                row[f"{which}_{column}"] = sum((month_row[column] for month_row in rows), Decimal("0.00"))
            row[f"{which}_closing_mrr"] = rows[-1]["closing_mrr"] if rows else Decimal("0.00")
        row["net_new_mrr_change"] = row["current_net_new_mrr"] - row["previous_net_new_mrr"]
        expected[(period_type,)] = row
    return _first_lines(_mart_mismatches(warehouse, "mrr_period_to_date", ["period_type"], expected))


# How an open period's actual runs on to its end (README, Metrics): flows and rates at the same pace, retention as
# 1 + its flows, levels from their value at the period's start, the rest as they stand.
GOAL_PROJECTIONS = {
    **dict.fromkeys(["new_mrr", "expansion_mrr", "reactivation_mrr", "contraction_mrr", "churn_mrr", "fx_mrr",
                     "gained_mrr", "lost_mrr", "net_new_mrr", "new_customers", "reactivated_customers",
                     "churned_customers", "expansion_rate", "contraction_rate", "churn_rate", "gross_mrr_churn_rate",
                     "net_mrr_churn_rate", "logo_churn_rate"], "pace"),
    "nrr": "retention", "grr": "retention",
    "closing_mrr": "level", "arr": "level", "closing_customers": "level", "arpa": "level",
    "opening_mrr": "fixed", "opening_customers": "fixed", "quick_ratio": "fixed",
}


def goals_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """kpi_goal_attainment against every valid goal's actual in the reference's bridges, its run-rate projection for
    the open period (rounded to 10 decimals) and on_track in the goal's direction (issue 4)."""
    monthly = _reference_monthly_bridge(reference)
    periods = {"month": _with_rates(monthly)}
    for period_type, period_start in PERIOD_STARTS.items():
        periods[period_type] = _with_rates(_reference_period_bridge(monthly, period_start))
    as_of, expected = reference["as_of"], {}
    for goal in reference["goals"]:
        start, metric = goal["period_start"], goal["metric"]
        row = periods[goal["period_type"]].get(start)
        end = _period_end(start, PERIOD_MONTHS[goal["period_type"]]) if row else None
        actual = _exact(row and row[metric])
        is_complete = (end or start) <= as_of
        projected = actual if is_complete or GOAL_PROJECTIONS[metric] == "fixed" else _projected(
            actual, _level_at_start(metric, row), GOAL_PROJECTIONS[metric],
            Fraction((end - start).days + 1, (as_of - start).days + 1) if row else None)
        on_track = None if projected is None else (
            projected >= goal["target"] if goal["direction"] == "at_least" else projected <= goal["target"])
        expected[(goal["period_type"], start, metric, goal["direction"])] = {
            "target": goal["target"], "actual": actual, "is_complete": is_complete, "projected_actual": projected,
            "on_track": on_track,
        }
    return _first_lines(_mart_mismatches(
        warehouse, "kpi_goal_attainment", ["period_type", "period_start", "metric", "direction"], expected))


def _exact(value) -> Fraction | None:
    return None if value is None else Fraction(value)


def _level_at_start(metric: str, row: dict | None) -> Fraction | None:
    """A level metric's value when its period started, from the period's opening; None without one."""
    if row is None or metric not in ("closing_mrr", "arr", "closing_customers", "arpa"):
        return None
    opening, customers = Fraction(row["opening_mrr"]), row["opening_customers"]
    return {"closing_mrr": opening, "arr": 12 * opening, "closing_customers": Fraction(customers),
            "arpa": opening / customers if customers else None}[metric]


def _projected(actual: Fraction | None, at_start: Fraction | None, projection: str,
               scale: Fraction | None) -> Fraction | None:
    if actual is None or scale is None:
        return None
    if projection == "retention":
        value = 1 + (actual - 1) * scale
    elif projection == "level":
        at_start = actual if at_start is None else at_start
        value = at_start + (actual - at_start) * scale
    else:
        value = actual * scale
    return round_half_away(value, 10)


def unit_economics_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """unit_economics_monthly against CAC, LTV and payback (issue 4) worked out from the reference's bridge and spend:
    CAC = spend / new customers, LTV = ARPA / the logo churn rate averaged over this month and the two before
    (months without one left out), payback = CAC / (new MRR / new customers)."""
    def ratio(numerator, denominator) -> Fraction | None:
        return None if numerator is None or not denominator else Fraction(numerator) / Fraction(denominator)

    kpis = _with_rates(_reference_monthly_bridge(reference))
    months = list(kpis)
    expected = {}
    for index, month in enumerate(months):
        row = kpis[month]
        churn_rates = [kpis[earlier]["logo_churn_rate"] for earlier in months[max(0, index - 2):index + 1]]
        churn_rates = [rate for rate in churn_rates if rate is not None]
        trailing = sum(churn_rates) / len(churn_rates) if churn_rates else None
        spend, new_customers = reference["spend"][month], row["new_customers"]
        expected[(month,)] = {
            "sales_marketing_spend": spend, "new_customers": new_customers, "cac": ratio(spend, new_customers),
            "arpa": row["arpa"], "new_customer_arpa": ratio(row["new_mrr"], new_customers),
            "logo_churn_rate": row["logo_churn_rate"], "trailing_3m_logo_churn_rate": trailing,
            "ltv": ratio(row["arpa"], trailing),
            "cac_payback_months": ratio(ratio(spend, new_customers), ratio(row["new_mrr"], new_customers)),
        }
    return _first_lines(_mart_mismatches(warehouse, "unit_economics_monthly", ["month"], expected))


def losses_report(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """fct_mrr_losses and lost_mrr_by_reason_quarterly against the reference's churn and contraction movements,
    each with the account's latest churn reason dated in the movement's month or the month before (issue 4):
    a churn without one is 'unknown', a contraction without one is no loss of this drill-down."""
    reasons = defaultdict(list)
    for reason in reference["churn_reasons"]:
        reasons[reason["account_id"]].append(reason)
    losses = {}
    for (month, account, kind), change in reference["movements"].items():
        if kind not in ("churn", "contraction"):
            continue
        window = (_months_later(month, -1), _months_later(month, 1))
        latest = max((reason for reason in reasons[account] if window[0] <= reason["churned_on"] < window[1]),
                     key=lambda reason: reason["churned_on"], default={})
        if kind == "contraction" and latest.get("reason_code") is None:
            continue
        losses[(month, account, kind)] = {
            "quarter_start": PERIOD_STARTS["quarter"](month), "lost_mrr": -change,
            "reason_code": latest.get("reason_code") or "unknown", "churned_on": latest.get("churned_on"),
            "notes": latest.get("notes"),
        }
    by_quarter = defaultdict(list)
    for (month, account, _kind), loss in losses.items():
        by_quarter[loss["quarter_start"]].append((-loss["lost_mrr"], account, month))
    for ranked in by_quarter.values():
        for rank, (_lost, account, month) in enumerate(sorted(ranked), start=1):
            kind = "churn" if (month, account, "churn") in losses else "contraction"
            losses[(month, account, kind)]["loss_rank_in_quarter"] = rank
    lines = _mart_mismatches(warehouse, "fct_mrr_losses", ["month", "account_id", "movement_type"], losses)
    return _first_lines(lines + _mart_mismatches(warehouse, "lost_mrr_by_reason_quarterly",
                                                 ["quarter_start", "reason_code"], _losses_by_reason(losses)))


def _losses_by_reason(losses: dict[tuple, dict]) -> dict[tuple, dict]:
    """Per quarter and reason: lost MRR by movement, accounts, and the account that lost most (its losses added)."""
    groups = defaultdict(lambda: {"lost_mrr": Decimal("0.00"), "churn_mrr": Decimal("0.00"),
                                  "contraction_mrr": Decimal("0.00"), "by_account": defaultdict(Decimal)})
    for (_month, account, kind), loss in losses.items():
        group = groups[(loss["quarter_start"], loss["reason_code"])]
        group["lost_mrr"] += loss["lost_mrr"]
        group[f"{kind}_mrr"] += loss["lost_mrr"]
        group["by_account"][account] += loss["lost_mrr"]
    expected = {}
    for key, group in groups.items():
        by_account = group.pop("by_account")
        largest_mrr, largest_account = min((-lost, account) for account, lost in by_account.items())
        expected[key] = {**group, "accounts_lost": len(by_account), "largest_loss_account_id": largest_account,
                         "largest_loss_mrr": -largest_mrr}
    return expected


def _period_end(start: date, months: int) -> date:
    """The last day of the `months` months from `start`."""
    return _months_later(start, months) - timedelta(days=1)


def _first_active_months(mrr: dict[tuple[date, str], Decimal]) -> dict[str, date]:
    """Each account's first month with MRR."""
    first_active: dict[str, date] = {}
    for (month, account), amount in sorted(mrr.items()):
        if amount > 0:
            first_active.setdefault(account, month)
    return first_active


def _months_later(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _mart_mismatches(warehouse: duckdb.DuckDBPyConnection, mart: str, key_columns: list[str],
                     expected: dict[tuple, dict], where: str = "true", schema: str = "marts") -> list[str]:
    """One line per key found on one side only and per expected column whose value the mart does not have."""
    result = warehouse.execute(f"select * from {schema}.{mart} where {where}")
    names = [column[0] for column in result.description]
    actual = {}
    for values in result.fetchall():
        row = dict(zip(names, values, strict=True))
        actual[tuple(_key_part(row[column]) for column in key_columns)] = row
    lines = []
    if actual.keys() != expected.keys():
        lines.append(f"{mart}: keys only in the reference {sorted(expected.keys() - actual.keys())[:5]}, "
                     f"only in the warehouse {sorted(actual.keys() - expected.keys())[:5]}")
    for key in sorted(expected.keys() & actual.keys()):
        label = " | ".join(str(part) for part in key)
        lines += [f"{mart} | {label} | {column}: reference {_shown(want)}, warehouse {actual[key].get(column, '-')}"
                  for column, want in expected[key].items()
                  if column not in actual[key] or not _agrees(want, actual[key][column])]
    return lines


def _first_lines(lines: list[str]) -> str:
    return "\n".join(lines[:SHOWN] + ([f"... {len(lines) - SHOWN} more"] if len(lines) > SHOWN else []))


def _reference_monthly_bridge(reference: dict) -> dict[date, dict]:
    return _monthly_bridge(reference["months"], reference["mrr"], reference["movements"])


def _monthly_bridge(months: list[date], mrr: dict[tuple[date, str], Decimal],
                    movements: dict[tuple, Decimal]) -> dict[date, dict]:
    """Customer-months added up per month, every reporting month included (one without any: zeros)."""
    bridged = _bridged(_customer_months(mrr, movements), lambda month, _name: [(month,)])
    return {month: bridged.get((month,)) or _with_totals(_bridge_sums([])) for month in months}


def _reference_period_bridge(monthly: dict[date, dict], period_start) -> dict[date, dict]:
    """Opening of the first month, closing of the last, flows and customer events summed over the months."""
    periods: dict[date, list[dict]] = defaultdict(list)
    for month, row in sorted(monthly.items()):
        periods[period_start(month)].append(row)
    summed = [column for column, _sign in BRIDGE_FLOWS.values()] + list(CUSTOMER_EVENTS.values())
    return {
        start: _with_totals({
            "opening_mrr": rows[0]["opening_mrr"], "opening_customers": rows[0]["opening_customers"],
            **{column: sum(row[column] for row in rows) for column in summed},
            "closing_mrr": rows[-1]["closing_mrr"], "closing_customers": rows[-1]["closing_customers"],
        })
        for start, rows in periods.items()
    }


def _with_totals(row: dict) -> dict:
    """A bridge row with net new MRR (fx left out, as in the README) and ARR."""
    gained = row["new_mrr"] + row["expansion_mrr"] + row["reactivation_mrr"]
    return {**row, "net_new_mrr": gained - row["churn_mrr"] - row["contraction_mrr"], "arr": 12 * row["closing_mrr"]}


def _with_rates(rows: dict[date, dict]) -> dict[date, dict]:
    """Bridge rows with issue 4's KPI columns, rates as exact fractions (None where undefined)."""
    def ratio(numerator, denominator) -> Fraction | None:
        return Fraction(numerator) / Fraction(denominator) if denominator else None

    def kpis(row: dict) -> dict:
        opening, expansion = row["opening_mrr"], row["expansion_mrr"]
        gained = row["new_mrr"] + expansion + row["reactivation_mrr"]
        lost = row["churn_mrr"] + row["contraction_mrr"]
        return {
            "gained_mrr": gained,
            "lost_mrr": lost,
            "expansion_rate": ratio(expansion, opening),
            "contraction_rate": ratio(row["contraction_mrr"], opening),
            "churn_rate": ratio(row["churn_mrr"], opening),
            "gross_mrr_churn_rate": ratio(lost, opening),
            "net_mrr_churn_rate": ratio(lost - expansion, opening),
            "nrr": ratio(opening + expansion - lost, opening),
            "grr": ratio(opening - lost, opening),
            "logo_churn_rate": ratio(row["churned_customers"], row["opening_customers"]),
            "quick_ratio": ratio(gained, lost),
            "arpa": ratio(row["closing_mrr"], row["closing_customers"]),
        }

    return {key: {**row, **kpis(row)} for key, row in rows.items()}


def _agrees(expected, actual) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, Fraction):
        return abs(Fraction(actual) - expected) <= abs(expected) * Fraction(1, 10**12)
    return expected == actual


def _shown(value):
    return float(value) if isinstance(value, Fraction) else value


def _key_part(value):
    """A key column as the reference keys it: a month DuckDB returned as a timestamp is a date."""
    return value.date() if isinstance(value, datetime) else value


def _keyed(rows, width: int) -> tuple[dict, list]:
    """(key -> value) from rows whose last column is the value; also the keys seen twice."""
    keyed, repeated = {}, []
    for row in rows:
        key = (_key_part(row[0]), *row[1:width])
        if key in keyed:
            repeated.append(key)
        keyed[key] = Decimal(row[width]).quantize(Decimal("0.01"))
    return keyed, repeated


def _describe(name: str, expected: dict, actual: dict, repeated: list) -> str:
    lines = [f"{name}: {len(repeated)} duplicated keys in the warehouse: {repeated[:SHOWN]}"] if repeated else []
    mismatches = [
        (key, expected.get(key), actual.get(key))
        for key in sorted(expected.keys() | actual.keys(), key=lambda k: tuple(map(str, k)))
        if expected.get(key) != actual.get(key)
    ]
    if mismatches:
        lines.append(f"{name}: {len(mismatches)} mismatches (reference vs warehouse), first {SHOWN}:")
        lines.append(f"    {'key':<58} {'reference':>12} {'warehouse':>12}")
        for key, want, got in mismatches[:SHOWN]:
            label = " | ".join(str(part) for part in key)
            lines.append(f"    {label:<58} {want or '-'!s:>12} {got or '-'!s:>12}")
    return "\n".join(lines)


# The marts worked out from the reference's MRR, movements, valid rows and counted lines: a test runs each against
# a warehouse.
DERIVED_MART_REPORTS = (accounts_report, bridges_report, slices_report, parent_rollup_report, cohorts_report,
                        losses_report, period_to_date_report, goals_report, unit_economics_report,
                        product_movements_report, drivers_report)
# Every mart a single build can be compared on.
MART_REPORTS = (mrr_report, movements_report, rejected_report, *DERIVED_MART_REPORTS)


def mart_reports(warehouse: duckdb.DuckDBPyConnection, reference: dict) -> str:
    """Every mart against the reference, the reports that found a difference one after another."""
    return "\n".join(report for report in (report_of(warehouse, reference) for report_of in MART_REPORTS) if report)
