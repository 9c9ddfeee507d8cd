"""Write a folder of raw CSV files (the source contract) from Python dicts, so tests stay short.

    write_raw_folder(tmp_path, {
        "billing_plans": [{"plan_id": "P1", "billing_interval": "month", "unit_amount": "100", "currency": "USD"}],
        ...
    })

Every file gets the contract's header in contract order; columns a row does not name are empty.
Required tables that are not given are written with their header only. One-line builders make the rows:
`plan("P", "1000", "month", "3")`, `item("I", "S1", "P", quantity="2")`, `rate("2024-01-31", "EUR", "1.1")`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from reference_mrr import CONTRACT


def write_raw_folder(folder: Path, tables: dict[str, list[dict]], *, write_required: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    unknown = set(tables) - set(CONTRACT)
    if unknown:
        raise KeyError(f"not contract tables: {sorted(unknown)}")
    for table, (columns, _key, required) in CONTRACT.items():
        if table not in tables and not (required and write_required):
            continue
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in tables.get(table, []):
                extra = set(row) - set(columns)
                if extra:
                    raise KeyError(f"{table} has no columns {sorted(extra)}")
                writer.writerow(["" if row.get(column) is None else str(row[column]) for column in columns])
    return folder


# ------------------------------------------------------------------------------ one row of a table


def account(account_id: str, **columns) -> dict:
    return {"account_id": account_id, **columns}


def customer(customer_id: str, account_id: str = "", **columns) -> dict:
    return {"customer_id": customer_id, "account_id": account_id, **columns}


def plan(plan_id: str, amount: str = "100", interval: str = "month", count: str = "", currency: str = "USD",
         **columns) -> dict:
    return {"plan_id": plan_id, "billing_interval": interval, "interval_count": count, "unit_amount": amount,
            "currency": currency, **columns}


def subscription(subscription_id: str, customer_id: str, created: str, trial_end: str = "", ended: str = "",
                 canceled: str = "", **columns) -> dict:
    return {"subscription_id": subscription_id, "customer_id": customer_id, "created_at": created,
            "trial_end": trial_end, "canceled_at": canceled, "ended_at": ended, **columns}


def item(item_id: str, subscription_id: str, plan_id: str, quantity: str = "", valid_from: str = "",
         valid_to: str = "") -> dict:
    return {"subscription_item_id": item_id, "subscription_id": subscription_id, "plan_id": plan_id,
            "quantity": quantity, "valid_from": valid_from, "valid_to": valid_to}


def discount(discount_id: str, subscription_id: str, percent: str = "", amount: str = "", valid_from: str = "",
             valid_to: str = "") -> dict:
    return {"discount_id": discount_id, "subscription_id": subscription_id, "percent_off": percent,
            "amount_off": amount, "valid_from": valid_from, "valid_to": valid_to}


def contract(contract_id: str, account_id: str, start: str, end: str = "", frequency: str = "monthly",
             amount: str = "100", currency: str = "USD", status: str = "active") -> dict:
    return {"contract_id": contract_id, "account_id": account_id, "start_date": start, "end_date": end,
            "billing_frequency": frequency, "amount_per_period": amount, "currency": currency, "status": status}


def rate(day: str, currency: str, value: str) -> dict:
    return {"rate_date": day, "currency": currency, "rate_to_reporting": value}
