"""Four hand-made companies of edge cases for end-to-end builds: one account per case, its id names the case.

Written for an independent check of the rules (issue 3) against a second, blind re-implementation, on which
the warehouse and both references agreed to the cent; kept so that a change to the money path is held to them.
The comment beside a case gives what the rules make of it (months are 2025 unless said otherwise).

- intervals_rounding_and_discounts (USD only): every billing interval and count, half cents after normalising,
  rounding once per account, percent and amount discounts and their windows, subscription and item windows.
- currencies_and_contracts: several currencies in one account, rates moving in the month a line starts or ends,
  rates dated on the snapshot day, a currency's first rate after its first month, contracts beside subscriptions,
  converted parts that add up to exactly half a cent (found by a fuzz against the blind re-implementation),
  fx effects of exactly half a cent, rising and falling, whose double estimate falls just short of the half.
- dates_and_large_amounts (2023-2024): the leap day, lines ending on the 1st, amounts up to just under
  10 billion a period (and at it: rejected), half cents at that scale and ones whose double estimate falls just
  below the half (as MRR and as seat and plan changes), six-decimal prices.
- bad_rows_and_cascades: a bad row of each kind rule 9 names, next to a good line of 100 a month, and the
  rows a rejection takes with it (a third blind check planted 165 such rows; this keeps a cross-section).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from raw_folder import account, contract, customer, discount, item, plan, rate, subscription

Tables = dict[str, list[dict]]

# The as_of each company's cases are about.
AS_OF = {
    "intervals_rounding_and_discounts": date(2025, 7, 1),
    "currencies_and_contracts": date(2025, 6, 15),
    "dates_and_large_amounts": date(2024, 3, 1),
    "bad_rows_and_cascades": date(2025, 6, 15),
}


class Company:
    """The raw tables of one company, filled case by case."""

    def __init__(self) -> None:
        self.tables: Tables = defaultdict(list)

    def add(self, table: str, *rows: dict) -> None:
        self.tables[table].extend(rows)

    def plans(self, *rows: tuple[str, ...]) -> None:
        """(plan_id, interval, interval_count, unit_amount[, currency]) each, all of product `core`."""
        for plan_id, interval, count, amount, *currency in rows:
            self.add("billing_plans", plan(plan_id, amount, interval, count, *currency, product_id="core"))

    def account(self, account_id: str) -> None:
        self.add("crm_accounts", account(account_id, account_name=account_id, created_at="2023-01-01"))

    def customer(self, customer_id: str, account_id: str, currency: str = "USD") -> None:
        self.add("billing_customers", customer(customer_id, account_id, currency=currency, created_at="2023-01-01"))

    def subscription(self, subscription_id: str, customer_id: str, created: str, **columns: str) -> None:
        self.add("billing_subscriptions", subscription(subscription_id, customer_id, created, **columns))

    def items(self, *rows: dict) -> None:
        self.add("billing_subscription_items", *rows)

    def discounts(self, *rows: dict) -> None:
        self.add("billing_discounts", *rows)

    def subscribed(self, account_id: str, currency: str = "USD", created: str = "2025-01-01",
                   **subscription_columns: str) -> str:
        """Account <id>, its customer c_<id> and subscription s_<id>, without items; returns the subscription id."""
        self.account(account_id)
        self.customer(f"c_{account_id}", account_id, currency)
        self.subscription(f"s_{account_id}", f"c_{account_id}", created, **subscription_columns)
        return f"s_{account_id}"

    def one_item(self, account_id: str, plan_id: str, quantity: str = "1", created: str = "2025-01-01",
                 **subscription_columns: str) -> str:
        """subscribed(account_id) with one item i_<id>; returns the subscription id."""
        subscription_id = self.subscribed(account_id, created=created, **subscription_columns)
        self.items(item(f"i_{account_id}", subscription_id, plan_id, quantity))
        return subscription_id

    def contracted(self, account_id: str, start: str, end: str, frequency: str, amount: str, currency: str = "USD",
                   status: str = "active", suffix: str = "") -> None:
        """A CRM contract k_<id><suffix> of account <id>, the account itself with the first."""
        if not suffix:
            self.account(account_id)
        self.add("crm_contracts", contract(f"k_{account_id}{suffix}", account_id, start, end, frequency, amount,
                                           currency, status))


def intervals_rounding_and_discounts() -> Tables:
    """Build at as_of 2025-07-01: the as_of month is measured on its first day."""
    company = Company()
    company.plans(
        ("m100", "month", "1", "100.00"), ("m150", "month", "1", "150.00"), ("m10005", "month", "1", "10.005"),
        ("m5", "month", "1", "5.00"), ("free", "month", "1", "0.00"), ("m0004", "month", "1", "0.004"),
        ("w1_10", "week", "1", "10.00"), ("w3_001", "week", "3", "0.01"), ("w4_1203", "week", "4", "12.03"),
        ("w1_0015", "week", "1", "0.015"), ("d1_1", "day", "1", "1.00"), ("d2_006", "day", "2", "0.06"),
        ("d6_002", "day", "6", "0.02"), ("m2_001", "month", "2", "0.01"), ("m6_600", "month", "6", "600.00"),
        ("m3_300", "month", "3", "300.00"), ("y3_3618", "year", "3", "36.18"), ("y1_006", "year", "1", "0.06"),
        ("y1_1200", "year", "1", "1200.00"), ("y1_2400", "year", "1", "2400.00"), ("m_6dp", "month", "1", "33.333333"),
    )
    one_item = company.one_item
    one_item("A_week1", "w1_10")              # 10 x 52 / 12 = 43.333 -> 43.33
    one_item("A_week3", "w3_001")             # 0.01 x 52 / 36 = 0.0144 -> 0.01
    one_item("A_week4", "w4_1203")            # 12.03 x 52 / 48 = 13.0325 -> 13.03
    one_item("A_week_tie", "w1_0015")         # 0.015 x 52 / 12 = 0.065 -> 0.07 (half away from zero)
    one_item("A_day1", "d1_1")                # 365 / 12 = 30.4166 -> 30.42
    one_item("A_day2_tie", "d2_006", "2")     # 0.12 x 365 / 24 = 1.825 -> 1.83
    one_item("A_day6", "d6_002")              # 0.02 x 365 / 72 = 0.1013 -> 0.10
    one_item("A_month2_tie", "m2_001")        # 0.005 -> 0.01
    one_item("A_month6", "m6_600")            # 100.00
    one_item("A_year3_tie", "y3_3618")        # 36.18 / 36 = 1.005 -> 1.01
    one_item("A_annual_tie", "y1_006")        # 0.005 -> 0.01
    one_item("A_round0", "m0004")             # 0.004 -> 0.00: never active
    one_item("A_6dp", "m_6dp", "3")           # 99.999999 -> 100.00
    one_item("A_null_qty", "m100", "")        # no quantity is 1: 100.00

    # Rounded once per account: two subscriptions of 0.005 are 0.01, two items of 10.005 are 20.01.
    company.subscribed("A_two_halves")
    company.items(item("i_A_two_halves", "s_A_two_halves", "y1_006"))
    company.subscription("s_A_two_halves_2", "c_A_two_halves", "2025-01-01")
    company.items(item("i_A_two_halves_2", "s_A_two_halves_2", "y1_006"))
    subscription_id = company.subscribed("A_line_vs_acct")
    company.items(item("i_A_line_vs_acct_1", subscription_id, "m10005"),
                  item("i_A_line_vs_acct_2", subscription_id, "m10005"))

    # Discounts.
    subscription_id = one_item("A_pct_amt_rows", "m100")  # Jan-Feb 100, Mar-Apr 65, May on 75
    company.discounts(
        discount("d_A_pct_amt_rows_p", subscription_id, percent="25", valid_from="2025-03-01"),
        discount("d_A_pct_amt_rows_a", subscription_id, amount="10.00", valid_from="2025-03-15", valid_to="2025-05-01"),
    )
    # An amount off larger than one of two subscriptions: each is floored at zero on its own, the account has 100.
    company.subscribed("A_amt_exceeds")
    company.items(item("i_A_amt_exceeds", "s_A_amt_exceeds", "m100"))
    company.subscription("s_A_amt_exceeds_2", "c_A_amt_exceeds", "2025-01-01")
    company.items(item("i_A_amt_exceeds_2", "s_A_amt_exceeds_2", "m100"))
    company.discounts(discount("d_A_amt_exceeds", "s_A_amt_exceeds_2", amount="150.00"))
    # Two amounts off adding up past the price: churn in March, reactivation at 40 in May.
    subscription_id = one_item("A_amt_sum", "m100")
    company.discounts(
        discount("d_A_amt_sum_1", subscription_id, amount="60.00", valid_from="2025-03-01"),
        discount("d_A_amt_sum_2", subscription_id, amount="60.00", valid_from="2025-03-01", valid_to="2025-05-01"),
    )
    subscription_id = one_item("A_disc_to_1st", "m100")  # Jan-Feb 50, from March 100
    company.discounts(discount("d_A_disc_to_1st", subscription_id, percent="50", valid_to="2025-03-01"))
    subscription_id = one_item("A_disc_from_last", "m100")  # March 50 (from the 31st), from April 100 (to the 30th)
    company.discounts(discount("d_A_disc_from_last", subscription_id, percent="50", valid_from="2025-03-31",
                               valid_to="2025-04-30"))
    subscription_id = one_item("A_disc_asof", "m100")  # from the as_of day: July 90
    company.discounts(discount("d_A_disc_asof", subscription_id, amount="10.00", valid_from="2025-07-01"))
    subscription_id = one_item("A_amt_year", "y1_1200")  # (1200 - 600) / 12 = 50
    company.discounts(discount("d_A_amt_year", subscription_id, amount="600.00"))
    subscription_id = one_item("A_amt_day", "d1_1")  # (1 - 0.5) x 365 / 12 = 15.2083 -> 15.21
    company.discounts(discount("d_A_amt_day", subscription_id, amount="0.50"))
    subscription_id = one_item("A_amt_quarter", "m3_300")  # (300 - 30) / 3 = 90
    company.discounts(discount("d_A_amt_quarter", subscription_id, amount="30.00"))
    subscription_id = one_item("A_pct_multi", "m100")  # 100 x 0.9 x 0.8 x 0.5 = 36
    company.discounts(*(discount(f"d_A_pct_multi_{percent}", subscription_id, percent=percent)
                        for percent in ("10", "20", "50")))
    subscription_id = one_item("A_pct_4dp", "m100")  # 66.6667 -> 66.67
    company.discounts(discount("d_A_pct_4dp", subscription_id, percent="33.3333"))
    subscription_id = one_item("A_disc_empty", "m100")  # a discount of nothing and one of zero: 100
    company.discounts(discount("d_A_disc_empty_none", subscription_id),
                      discount("d_A_disc_empty_zero", subscription_id, percent="0", amount="0"))
    subscription_id = one_item("A_pct100_amt", "m100")  # 100% and an amount off, floored at zero: never active
    company.discounts(discount("d_A_pct100_amt", subscription_id, percent="100", amount="10.00"))
    subscription_id = one_item("A_disc_before_sub", "m100")  # January 90, from February 100
    company.discounts(discount("d_A_disc_before_sub", subscription_id, percent="10", valid_from="2024-06-01",
                               valid_to="2025-02-01"))

    # Subscription and item windows.
    subscription_id = company.subscribed("A_item_before_create", created="2025-03-10")  # from March
    company.items(item("i_A_item_before_create", subscription_id, "m100", "1", valid_from="2024-12-01"))
    one_item("A_trial_after_end", "m100", trial_end="2025-05-01", ended="2025-04-01")  # never active
    one_item("A_trial_end_1st", "m100", trial_end="2025-03-01")     # from March
    one_item("A_trial_end_last", "m100", trial_end="2025-02-28")    # from February
    one_item("A_end_1st", "m100", ended="2025-04-01")               # Jan-Mar, churn in April
    one_item("A_end_last", "m100", ended="2025-04-30")              # Jan-Mar, churn in April
    one_item("A_end_asof", "m100", ended="2025-07-01")              # Jan-Jun, churn in July
    one_item("A_start_asof", "m100", created="2025-07-01")          # new in July
    one_item("A_early", "m100", created="2024-12-31")               # from December 2024 (its snapshot day)
    one_item("A_canceled_status", "m100", canceled="2025-02-01", status="canceled")  # never ended: 100 on

    # Changes.
    subscription_id = company.subscribed("A_plan_seat")  # Jan-Feb 200, from March 750
    company.items(item("i_A_plan_seat_1", subscription_id, "m100", "2", valid_to="2025-03-10"),
                  item("i_A_plan_seat_2", subscription_id, "m150", "2", "2025-03-10", "2025-03-20"),
                  item("i_A_plan_seat_3", subscription_id, "m150", "5", valid_from="2025-03-20"))
    subscription_id = company.subscribed("A_plan_change_1st")  # Jan-Mar 100, from April 200
    company.items(item("i_A_plan_change_1st_1", subscription_id, "m100", "1", valid_to="2025-04-01"),
                  item("i_A_plan_change_1st_2", subscription_id, "y1_2400", "1", valid_from="2025-04-01"))
    subscription_id = company.subscribed("A_free_plus")  # 5
    company.items(item("i_A_free_plus_1", subscription_id, "free", "10"),
                  item("i_A_free_plus_2", subscription_id, "m5", "1"))
    one_item("A_free_only", "free", "3")  # never active
    subscription_id = company.subscribed("A_seats_to_0")  # Jan-Mar 300, churn in April
    company.items(item("i_A_seats_to_0_1", subscription_id, "m100", "3", valid_to="2025-04-01"),
                  item("i_A_seats_to_0_2", subscription_id, "m100", "0", valid_from="2025-04-01"))
    # New in January (100), churn in March, reactivation in April (200), churn in May, reactivation in June (300).
    company.subscribed("A_churn_react", ended="2025-03-01")
    company.items(item("i_A_churn_react", "s_A_churn_react", "m100", "1"))
    for seats, (created, ended) in ((2, ("2025-04-15", "2025-05-10")), (3, ("2025-06-05", ""))):
        company.subscription(f"s_A_churn_react_{seats}", "c_A_churn_react", created, ended=ended)
        company.items(item(f"i_A_churn_react_{seats}", f"s_A_churn_react_{seats}", "m100", str(seats)))

    # Invoices never change MRR: a one-time fee and a tax line.
    company.add("billing_invoices", {"invoice_id": "in_A_week1", "customer_id": "c_A_week1",
                                     "invoice_date": "2025-02-01", "status": "paid", "currency": "USD"})
    company.add("billing_invoice_lines",
                {"invoice_line_id": "il_A_week1_1", "invoice_id": "in_A_week1", "subscription_id": "s_A_week1",
                 "line_type": "one_time", "amount": "500.00", "period_start": "2025-02-01",
                 "period_end": "2025-02-01"},
                {"invoice_line_id": "il_A_week1_2", "invoice_id": "in_A_week1", "subscription_id": "s_A_week1",
                 "line_type": "tax", "amount": "20.00", "period_start": "2025-02-01", "period_end": "2025-03-01"})
    return company.tables


def currencies_and_contracts() -> Tables:
    """Build at as_of 2025-06-15: June is measured on the 15th, with the EUR rate dated that day."""
    company = Company()
    company.plans(
        ("u100", "month", "1", "100.00", "USD"), ("e100", "month", "1", "100.00", "EUR"),
        ("e50", "month", "1", "50.00", "EUR"), ("g100", "month", "1", "100.00", "GBP"),
        ("e10", "month", "1", "10.00", "EUR"), ("k1000", "month", "1", "1000.00", "SEK"),
        ("n001", "month", "1", "0.01", "NOK"), ("u_y006", "year", "1", "0.06", "USD"),
        ("e_y1200", "year", "1", "1200.00", "EUR"), ("d100", "month", "1", "100.00", "DKK"),
        ("f3302", "month", "1", "33.02", "CHF"), ("f3303", "month", "1", "33.03", "CHF"),
        ("f3395", "month", "1", "33.95", "CHF"), ("u_tail", "month", "1", "0.01474234059", "USD"),
        ("p1001", "month", "1", "10.01", "PLN"), ("p14382", "month", "1", "143.82", "PLN"),
        ("z_fx_tie", "month", "1", "59532712.70", "CZK"), ("h_fx_tie", "month", "1", "59532712.70", "HUF"),
    )
    company.add(
        "fx_rates",
        rate("2025-01-01", "EUR", "1.0"), rate("2025-02-28", "EUR", "1.0005"), rate("2025-03-31", "EUR", "1.0"),
        rate("2025-05-01", "EUR", "1.2"), rate("2025-06-15", "EUR", "1.25"), rate("2025-06-16", "EUR", "1.3"),
        rate("2025-04-15", "GBP", "1.30"), rate("2025-06-01", "GBP", "1.25"),  # GBP's first rate after January
        rate("2025-01-01", "SEK", "0.1"), rate("2025-04-30", "SEK", "0.09"),  # a gap; a change on a snapshot day
        rate("2025-12-01", "CAD", "0.7"),  # CAD's only rate is after as_of
        rate("2025-01-01", "NOK", "0.6"), rate("2025-03-01", "NOK", "0.3"), rate("2025-05-01", "NOK", "0.6"),
        rate("2025-01-01", "DKK", "0.15"), rate("2025-01-01", "dkk", "0.15"),  # read alike: one rate, no conflict
        rate("2025-01-01", "CHF", "1.0826025765941"),
        rate("2025-01-01", "PLN", "1.1"), rate("2025-06-01", "PLN", "1.100030517578125"),  # up by exactly 2^-15
        rate("2025-01-01", "CZK", "0.5051"), rate("2025-06-01", "CZK", "0.8551"),
        rate("2025-01-01", "HUF", "0.8551"), rate("2025-06-01", "HUF", "0.5051"),
    )

    # Customers in three currencies, 330 in January; EUR seats 1 -> 2 from May 10th as the EUR rate moves
    # 1.0 -> 1.2: expansion 100 at last month's rate, fx 40.
    company.account("B_multi_cust")
    for currency, plan_id in (("usd", "u100"), ("eur", "e100"), ("gbp", "g100")):
        customer_id, subscription_id = f"c_B_multi_cust_{currency}", f"s_B_multi_cust_{currency}"
        company.customer(customer_id, "B_multi_cust", currency.upper())
        company.subscription(subscription_id, customer_id, "2025-01-01")
        if currency == "eur":
            company.items(item("i_B_multi_cust_eur_1", subscription_id, plan_id, "1", valid_to="2025-05-10"),
                          item("i_B_multi_cust_eur_2", subscription_id, plan_id, "2", valid_from="2025-05-10"))
        else:
            company.items(item(f"i_B_multi_cust_{currency}", subscription_id, plan_id))
    # USD 100 and EUR 100: in the months EUR is at 1.0 the plans tie for primary plan, and e100, the smaller id,
    # is the account's plan slice.
    company.account("B_plan_tie")
    for currency, plan_id in (("usd", "u100"), ("eur", "e100")):
        company.customer(f"c_B_plan_tie_{currency}", "B_plan_tie", currency.upper())
        company.subscription(f"s_B_plan_tie_{currency}", f"c_B_plan_tie_{currency}", "2025-01-01")
        company.items(item(f"i_B_plan_tie_{currency}", f"s_B_plan_tie_{currency}", plan_id))
    # A new EUR subscription in the month the rate moves (1.0 -> 1.2): expansion 50 at last month's rate, fx 10.
    company.one_item("B_new_currency", "u100")
    company.subscription("s_B_new_currency_eur", "c_B_new_currency", "2025-05-05")
    company.items(item("i_B_new_currency_eur", "s_B_new_currency_eur", "e50"))
    # The EUR subscription ends in the month the rate moves: contraction 50, fx 0.
    company.one_item("B_drop_currency", "u100")
    company.subscription("s_B_drop_currency_eur", "c_B_drop_currency", "2025-01-01", ended="2025-05-02")
    company.items(item("i_B_drop_currency_eur", "s_B_drop_currency_eur", "e50"))
    # EUR 10: February 10.005 -> 10.01 (fx +0.01), March back (fx -0.01), May 12.00, June 12.50.
    company.items(item("i_B_fx_tie", company.subscribed("B_fx_tie", "EUR"), "e10"))
    # A USD contract beside an EUR subscription: 100 EUR and a quarterly 300 (100 a month) from February.
    company.items(item("i_B_contract_and_sub", company.subscribed("B_contract_and_sub", "EUR"), "e100"))
    company.contracted("B_contract_and_sub", "2025-02-01", "", "quarterly", "300.00", suffix="_q")
    # Half cents from a subscription and a contract: 0.005 + 0.005 = 0.01.
    company.items(item("i_B_contract_sub_halves", company.subscribed("B_contract_sub_halves"), "u_y006"))
    company.contracted("B_contract_sub_halves", "2025-01-01", "", "quarterly", "0.015", suffix="_q")
    company.contracted("B_contract_tie", "2025-01-01", "", "annual", "0.06")  # 0.005 -> 0.01
    # GBP's first rate (1.30) is dated April 15th: it prices January to May; June at 1.25.
    company.items(item("i_B_gbp_late_rate", company.subscribed("B_gbp_late_rate", "GBP"), "g100"))
    # SEK: January to March 100; from April 90 (a rate dated on April's snapshot day).
    company.items(item("i_B_sek_gap", company.subscribed("B_sek_gap", "SEK"), "k1000"))
    # CAD's only rate is after as_of: that first rate prices every month, 70.
    company.contracted("B_cad_future", "2025-01-01", "", "monthly", "100.00", "CAD")
    # NOK 0.01: 0.006 -> 0.01 in Jan-Feb; 0.003 -> 0.00 in March, a churn; 0.006 -> 0.01 in May, a reactivation.
    company.items(item("i_B_nok_fx_churn", company.subscribed("B_nok_fx_churn", "NOK"), "n001"))
    # 600 EUR a half year = 100 EUR a month, from January 15th.
    company.contracted("B_contract_semi_eur", "2025-01-15", "2025-07-15", "semiannual", "600.00", "EUR")
    # 100 to April 1st and a cancelled 50 (it still counts) from February to May 1st, a draft of 999 that never
    # counts: January 100, Feb-Mar 150, April 50, churn in May.
    company.contracted("B_contract_end_1st", "2025-01-01", "2025-04-01", "monthly", "100.00")
    company.contracted("B_contract_end_1st", "2025-02-01", "2025-05-01", "monthly", "50.00", status="cancelled",
                       suffix="_c")
    company.contracted("B_contract_end_1st", "2025-01-01", "", "monthly", "999.00", status="draft", suffix="_d")
    company.contracted("B_contract_end_asof", "2025-01-01", "2025-06-16", "monthly", "100.00")  # June counts
    company.contracted("B_contract_start_after_asof", "2025-06-20", "", "monthly", "100.00")  # not yet in June
    # 100 EUR less 20 EUR off, and a quarterly contract of 30 EUR (10 a month): 90 EUR.
    subscription_id = company.subscribed("B_eur_disc_contract", "EUR")
    company.items(item("i_B_eur_disc_contract", subscription_id, "e100"))
    company.discounts(discount("d_B_eur_disc_contract", subscription_id, amount="20.00"))
    company.contracted("B_eur_disc_contract", "2025-01-01", "", "quarterly", "30.00", "EUR", suffix="_q")
    # EUR seats 1 -> 2 from May 20th as the rate moves 1.0 -> 1.2: expansion 100 at last month's rate, fx 40.
    subscription_id = company.subscribed("B_fx_and_seat", "EUR")
    company.items(item("i_B_fx_and_seat_1", subscription_id, "e100", "1", valid_to="2025-05-20"),
                  item("i_B_fx_and_seat_2", subscription_id, "e100", "2", valid_from="2025-05-20"))
    # EUR seats 3 -> 1 from May 20th as the rate moves 1.0 -> 1.2: contraction 200 at last month's rate, fx 20.
    subscription_id = company.subscribed("B_fx_and_contraction", "EUR")
    company.items(item("i_B_fx_and_contraction_1", subscription_id, "e100", "3", valid_to="2025-05-20"),
                  item("i_B_fx_and_contraction_2", subscription_id, "e100", "1", valid_from="2025-05-20"))
    # Its contraction in May has reasons in April and May: the latest, product_gap, explains it (issue 4).
    company.add("crm_churn_reasons",
                {"account_id": "B_fx_and_contraction", "churned_on": "2025-04-20", "reason_code": "price",
                 "notes": "asked for a discount"},
                {"account_id": "B_fx_and_contraction", "churned_on": "2025-05-20", "reason_code": "product_gap",
                 "notes": "two seats moved to a rival tool"})
    # An annual 1200 EUR less 120 EUR off: 90 EUR a month.
    subscription_id = company.subscribed("B_eur_annual_amt", "EUR")
    company.items(item("i_B_eur_annual_amt", subscription_id, "e_y1200"))
    company.discounts(discount("d_B_eur_annual_amt", subscription_id, amount="120.00"))
    # Converted parts add up with every decimal of amount x rate: CHF 33.02 + 33.03 + 33.95 at 1.0826025765941 is
    # 108.26025765941, and USD 0.01474234059 makes exactly 108.275: 108.28 (each product cut to 12 decimals: 108.27).
    company.subscribed("B_parts_exact")
    for plan_id in ("f3302", "f3303", "f3395", "u_tail"):
        company.subscription(f"s_B_parts_exact_{plan_id}", "c_B_parts_exact", "2025-01-01")
        company.items(item(f"i_B_parts_exact_{plan_id}", f"s_B_parts_exact_{plan_id}", plan_id))
    # PLN 163.84 in three parts, 180.224 -> 180.22 in May; in June the rate moves by exactly 2^-15, which moves MRR
    # by exactly half a cent (180.229 -> 180.23): fx 0.01 and no expansion.
    company.subscribed("B_fx_half")
    for part, plan_id in enumerate(("p1001", "p1001", "p14382")):
        company.subscription(f"s_B_fx_half_{part}", "c_B_fx_half", "2025-01-01")
        company.items(item(f"i_B_fx_half_{part}", f"s_B_fx_half_{part}", plan_id))
    # CZK 59,532,712.70 as the rate moves 0.5051 -> 0.8551 in June: an fx effect of exactly 20,836,449.445, whose
    # double estimate (2,083,644,944.4999998 cents) falls just below the half: fx 20,836,449.45 and no expansion.
    company.items(item("i_B_fx_large_tie", company.subscribed("B_fx_large_tie", "CZK"), "z_fx_tie"))
    # The same in HUF as the rate falls 0.8551 -> 0.5051: fx -20,836,449.45 (half away from zero), no contraction.
    company.items(item("i_B_fx_large_tie_down", company.subscribed("B_fx_large_tie_down", "HUF"), "h_fx_tie"))
    # A customer without an account reports as itself, in two currencies: 100 from February, 230 from March.
    company.customer("B_cust_no_acct", "")
    company.subscription("s_B_cust_no_acct_u", "B_cust_no_acct", "2025-02-01")
    company.subscription("s_B_cust_no_acct_g", "B_cust_no_acct", "2025-03-01")
    company.items(item("i_B_cust_no_acct_u", "s_B_cust_no_acct_u", "u100"),
                  item("i_B_cust_no_acct_g", "s_B_cust_no_acct_g", "g100"))
    # Rows that differ only in how staging reads a value are exact duplicates, not conflicting keys: the DKK
    # rate written twice (15.00 a month), a subscription whose status is `active` and `Active` (100), one whose
    # id is 3000 and 3000.0 (100).
    company.items(item("i_B_dkk_case", company.subscribed("B_dkk_case", "DKK"), "d100"))
    company.items(item("i_B_status_case", company.subscribed("B_status_case", status="active"), "u100"))
    company.subscription("s_B_status_case", "c_B_status_case", "2025-01-01", status="Active")
    company.account("B_float_id")
    company.customer("c_B_float_id", "B_float_id")
    company.subscription("3000", "c_B_float_id", "2025-01-01")
    company.subscription("3000.0", "c_B_float_id", "2025-01-01")
    company.items(item("i_B_float_id", "3000", "u100"))
    return company.tables


def dates_and_large_amounts() -> Tables:
    """Build at as_of 2024-03-01: March is measured on its first day, February on the 29th."""
    company = Company()
    company.plans(
        ("m100", "month", "1", "100.00"),
        ("big_m", "month", "1", "999.99"),  # x 9,999,999 seats = 9,999,899,000.01 a period
        ("big_y_tie", "year", "1", "1200000000.06"),  # / 12 = 100,000,000.005 -> .01
        ("big_w_tie", "week", "1", "700000000.385"),  # x 3 x 52 / 12 = 9,100,000,005.005 -> .01
        ("big_9e9", "month", "1", "9000000000.00"),
        ("over_limit", "month", "1", "1000000.00"),  # x 10,000 seats = 10 billion a period: rejected
        ("exp_notation", "month", "1", "1.5e1"),  # 15
        ("micro", "month", "1", "0.000001"),
        ("micro5", "month", "1", "0.000005"),
        ("ic_2dot0", "month", "2.0", "100.00"),  # interval count written 2.0: 50
        ("tie_100k", "month", "1", "100000.285"),
        ("tie_top", "month", "1", "99960978.655"),
        ("big_99999999", "month", "1", "99999999.00"),
    )
    one_item = company.one_item
    one_item("C_leap_from", "m100", created="2024-02-29")                       # new in February
    one_item("C_leap_to", "m100", created="2024-01-10", ended="2024-02-29")     # January, churn in February
    one_item("C_end_mar1", "m100", created="2024-01-01", ended="2024-03-01")    # Jan-Feb, churn in March
    one_item("C_start_mar1", "m100", created="2024-03-01")                      # new in March
    one_item("C_big_seats", "big_m", "9999999", created="2024-01-01")           # 9,999,899,000.01
    one_item("C_big_year_tie", "big_y_tie", created="2024-01-01")               # 100,000,000.01
    one_item("C_big_week_tie", "big_w_tie", "3", created="2024-01-01")          # 9,100,000,005.01
    subscription_id = company.subscribed("C_big_sum", created="2024-01-01")     # 27,000,000,000.00
    company.items(*(item(f"i_C_big_sum_{number}", subscription_id, "big_9e9") for number in range(3)))
    subscription_id = one_item("C_big_pct", "big_9e9", created="2024-01-01")    # 9e9 x 0.666667 = 6,000,003,000.00
    company.discounts(discount("d_C_big_pct", subscription_id, percent="33.3333"))
    one_item("C_over_limit", "over_limit", "10000", created="2024-01-01")       # item rejected: never active
    one_item("C_exp_notation", "exp_notation", created="2024-01-01")            # 15.00
    one_item("C_micro_seats", "micro", "10000000", created="2024-01-01")        # 10.00
    one_item("C_micro_round0", "micro5", created="2024-01-01")                  # 0.00: never active
    one_item("C_ic_2dot0", "ic_2dot0", created="2024-01-01")                    # 50.00
    # Exactly half a cent, where the double estimate of the cents falls just below the half (10,000,028.4999999981
    # and 9,996,097,865.4999981 cents): the estimate's margin, not the 10 billion cents cap, sends them exact.
    one_item("C_tie_100k", "tie_100k", created="2024-01-01")                    # 100,000.29
    one_item("C_tie_top", "tie_top", created="2024-01-01")                      # 99,960,978.66
    # The same half cent as a seat change in February beside a larger plan change (a second subscription of
    # 99,999,999.00): seat change 99,960,978.66, and the cent the roundings leave goes to the plan change.
    subscription_id = company.subscribed("C_driver_tie", created="2024-01-01")  # 99,960,978.66 -> 299,921,956.31
    company.items(item("i_C_driver_tie_1", subscription_id, "tie_top", "1", valid_to="2024-02-01"),
                  item("i_C_driver_tie_2", subscription_id, "tie_top", "2", valid_from="2024-02-01"))
    company.subscription("s_C_driver_tie_2", "c_C_driver_tie", "2024-02-01")
    company.items(item("i_C_driver_tie_3", "s_C_driver_tie_2", "big_99999999"))
    # And as a plan change (a second subscription from February) beside a larger seat change (99,999,999.00 x 1 -> 2).
    subscription_id = company.subscribed("C_driver_plan_tie", created="2024-01-01")  # -> 299,960,976.66 in February
    company.items(item("i_C_driver_plan_tie_1", subscription_id, "big_99999999", "1", valid_to="2024-02-01"),
                  item("i_C_driver_plan_tie_2", subscription_id, "big_99999999", "2", valid_from="2024-02-01"))
    company.subscription("s_C_driver_plan_tie_2", "c_C_driver_plan_tie", "2024-02-01")
    company.items(item("i_C_driver_plan_tie_3", "s_C_driver_plan_tie_2", "tie_top"))
    subscription_id = one_item("C_pct_round", "m100", created="2024-01-01")     # 100.0000000000001% is 100%: churn
    company.discounts(discount("d_C_pct_round", subscription_id, percent="100.0000000000001", valid_from="2024-02-01"))
    one_item("C_early", "m100", created="2023-11-30", ended="2023-12-01")       # November 2023 only
    subscription_id = company.subscribed("C_no_snapshot", created="2024-01-01")  # never active
    company.items(item("i_C_no_snapshot", subscription_id, "m100", "1", "2024-01-05", "2024-01-20"))
    one_item("C_trial_eq_end", "m100", created="2024-01-01", trial_end="2024-02-01", ended="2024-02-01")  # never
    return company.tables


def bad_rows_and_cascades() -> Tables:
    """Build at as_of 2025-06-15. Every X_ account also has a good item of 100 a month (i_<id>), which must
    survive its bad neighbour: the account's MRR stays 100 unless its comment says otherwise."""
    company = Company()
    company.plans(("m100", "month", "1", "100.00"), ("g100", "month", "1", "100.00", "GBP"),
                  ("jpy", "month", "1", "1000", "JPY"), ("bad_amount", "month", "1", "abc"),
                  ("fortnight", "fortnight", "1", "10"))
    company.add("fx_rates", rate("2025-01-01", "GBP", "1.25"),
                rate("2025-03-01", "GBP", "1.30"), rate("2025-03-01", "GBP", "1.40"))  # conflict: both go
    one_item = company.one_item
    for account_id, bad_item in (
        ("X_unknown_plan", {"plan_id": "nope"}),
        ("X_item_window", {"valid_from": "2025-02-01", "valid_to": "2025-02-01"}),
        ("X_item_negative_qty", {"quantity": "-1"}),
        ("X_item_bad_qty", {"quantity": "12,50"}),
        ("X_item_bad_date", {"valid_from": "2025-02-30"}),
        ("X_plan_no_rate", {"plan_id": "jpy"}),          # the item goes, the plan stays
        ("X_plan_bad_amount", {"plan_id": "bad_amount"}),  # the plan goes, and its item with it
        ("X_plan_bad_interval", {"plan_id": "fortnight"}),
    ):
        subscription_id = one_item(account_id, "m100")
        company.items({**item(f"i_{account_id}_bad", subscription_id, "m100", "1"), **bad_item})
    for account_id, bad_discount in (
        ("X_pct_over", {"percent_off": "150"}),
        ("X_pct_under", {"percent_off": "-0.0001"}),
        ("X_amount_negative", {"amount_off": "-5"}),
        ("X_discount_window", {"percent_off": "10", "valid_from": "2025-03-01", "valid_to": "2025-02-01"}),
        ("X_discount_bad_number", {"percent_off": "1.2.3"}),
    ):
        subscription_id = one_item(account_id, "m100")
        company.discounts({**discount(f"d_{account_id}", subscription_id), **bad_discount})
    company.discounts(discount("d_X_unknown_subscription", "s_nope", percent="10"))

    # Duplicates: an exact copy counts once (100, not 200); two rows of one key that differ both go, with
    # the rows under them.
    company.items(item("i_X_item_copy", one_item("X_item_copy", "m100"), "m100", "1"))
    one_item("X_subscription_copy", "m100")
    company.subscription("s_X_subscription_copy", "c_X_subscription_copy", "2025-01-01")
    one_item("X_subscription_conflict", "m100")
    company.subscription("s_X_subscription_conflict_2", "c_X_subscription_conflict", "2025-01-01")
    company.subscription("s_X_subscription_conflict_2", "c_X_subscription_conflict", "2025-02-01")
    company.items(item("i_X_subscription_conflict_child", "s_X_subscription_conflict_2", "m100"))
    company.discounts(discount("d_X_subscription_conflict_child", "s_X_subscription_conflict_2", percent="10"))

    # A customer of an unknown account goes, and its subscription, item and discount with it.
    company.customer("c_X_orphan", "nope")
    company.subscription("s_X_orphan", "c_X_orphan", "2025-01-01")
    company.items(item("i_X_orphan", "s_X_orphan", "m100"))
    company.discounts(discount("d_X_orphan", "s_X_orphan", percent="10"))
    company.subscription("s_X_unknown_customer", "c_nope", "2025-01-01")
    company.items(item("i_X_unknown_customer", "s_X_unknown_customer", "m100"))

    # Contracts: each bad one goes; the good one of its account stays (100).
    company.contracted("X_contracts", "2025-01-01", "", "monthly", "100.00")
    company.contracted("X_contracts", "2025-01-01", "", "monthly", "-100.00", suffix="_negative")
    company.contracted("X_contracts", "2025-01-01", "", "biweekly", "100.00", suffix="_frequency")
    company.contracted("X_contracts", "2025-01-01", "", "monthly", "100.00", status="", suffix="_status")
    company.contracted("X_contracts", "2025-03-01", "2025-02-01", "monthly", "100.00", suffix="_window")
    company.add("crm_contracts", contract("k_X_unknown_account", "nope", "2025-01-01"))

    # GBP: the March rates conflict and both go, so 1.25 prices every month (125).
    company.items(item("i_X_gbp", company.subscribed("X_gbp", "GBP"), "g100"))

    # Invoices: a line of an unknown invoice and a negative one-time fee go; a negative proration stays.
    company.add("billing_invoices", {"invoice_id": "in_X", "customer_id": "c_X_gbp", "invoice_date": "2025-02-01",
                                     "status": "paid", "currency": "GBP"})
    company.add("billing_invoice_lines",
                {"invoice_line_id": "il_X_unknown_invoice", "invoice_id": "in_nope", "line_type": "one_time",
                 "amount": "10"},
                {"invoice_line_id": "il_X_negative_fee", "invoice_id": "in_X", "line_type": "one_time",
                 "amount": "-10"},
                {"invoice_line_id": "il_X_negative_proration", "invoice_id": "in_X", "line_type": "proration",
                 "amount": "-10"})
    return company.tables

