"""`mrr generate`: a synthetic raw extract of a SaaS company, in the raw source contract.

One file per raw table of models/staging/_crm__sources.yml and _billing__sources.yml, named
`<table>.csv` or `<table>.parquet`, columns in contract order. The same arguments give the same
bytes. This module holds the command, its checks and the extract's shape (tables and columns,
formats, the kinds of bad rows); the company itself is simulated in `synthetic`, imported only
when data is written: NumPy and pyarrow take ~0.1 s to import, which every other `mrr` command
(a build among them) would otherwise pay at start-up.

`register(subparsers)` adds the `generate` subcommand (its namespace's `func(args)` runs it);
mistakes a user can make raise GenerateError.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from mrr_warehouse.errors import MrrError

# The raw contract: tables and their columns, in the order of the sources YAML (a pytest keeps
# them equal).
CONTRACT: dict[str, tuple[str, ...]] = {
    "crm_accounts": (
        "account_id", "account_name", "parent_account_id", "segment", "industry", "region",
        "owner", "created_at",
    ),
    "crm_contracts": (
        "contract_id", "account_id", "product_id", "start_date", "end_date", "billing_frequency",
        "amount_per_period", "currency", "status",
    ),
    "crm_churn_reasons": ("account_id", "churned_on", "reason_code", "notes"),
    "billing_customers": (
        "customer_id", "account_id", "customer_name", "email", "currency", "created_at",
    ),
    "billing_plans": (
        "plan_id", "product_id", "product_name", "plan_name", "billing_interval",
        "interval_count", "unit_amount", "currency",
    ),
    "billing_subscriptions": (
        "subscription_id", "customer_id", "created_at", "trial_end", "canceled_at", "ended_at",
        "status",
    ),
    "billing_subscription_items": (
        "subscription_item_id", "subscription_id", "plan_id", "quantity", "valid_from",
        "valid_to",
    ),
    "billing_discounts": (
        "discount_id", "subscription_id", "percent_off", "amount_off", "valid_from", "valid_to",
    ),
    "billing_invoices": ("invoice_id", "customer_id", "invoice_date", "status", "currency"),
    "billing_invoice_lines": (
        "invoice_line_id", "invoice_id", "subscription_id", "line_type", "amount",
        "period_start", "period_end",
    ),
    "fx_rates": ("rate_date", "currency", "rate_to_reporting"),
    "kpi_goals": ("period_type", "period_start", "metric", "target", "direction"),
    "sales_marketing_spend": ("month", "category", "amount", "currency"),
}

FORMATS = ("csv", "parquet")

# Bad row kinds for robustness tests: kind -> (table it is appended to, what is wrong).
BAD_ROW_KINDS: dict[str, tuple[str, str]] = {
    "unknown_plan_id": ("billing_subscription_items", "plan_id is not in billing_plans"),
    "negative_quantity": ("billing_subscription_items", "quantity below 0"),
    "unparseable_date": ("billing_subscription_items", "valid_from is not a date"),
    "percent_off_over_100": ("billing_discounts", "percent_off above 100"),
    "conflicting_duplicate_key": (
        "billing_subscription_items",
        ("a second row with an existing subscription_item_id and another quantity "
         "(staging rejects both, so the original item is lost too)"),
    ),
    "inverted_window": ("billing_discounts", "valid_to before valid_from"),
}


class GenerateError(MrrError, ValueError):
    """A generate request the user can fix (bad argument, output folder in the way)."""


def generate(
    accounts: int,
    months: int,
    seed: int,
    fmt: str,
    out_dir: Path,
    end_month: date | None = None,
    bad_rows: int = 0,
) -> dict[str, int]:
    """Write every raw table of the contract to out_dir; return rows written per table.

    History covers `months` months ending with `end_month` (default: the month before the
    current one). Same arguments, same bytes.
    """
    _check_arguments(accounts, months, seed, fmt, bad_rows)
    out_dir = Path(out_dir)
    _check_out_dir(out_dir, fmt)
    from mrr_warehouse import synthetic  # here, not at the top: see the module docstring

    return synthetic.write_extract(accounts, months, seed, fmt, out_dir,
                                   end_month or _default_end_month(), bad_rows)


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `generate` subcommand to an argparse subparsers object.

    The parsed namespace carries `func`, which runs the generator and returns exit code 0.
    """
    parser = subparsers.add_parser(
        "generate",
        help="write a synthetic raw extract of a SaaS company",
        description="Write one file per raw table (the source contract) for a synthetic SaaS "
        "company: plans, accounts, customers, subscriptions with trials, seat and plan changes, "
        "churn and reactivation, discounts, contracts, FX rates, invoices, goals and spend.",
    )
    parser.add_argument("--accounts", type=int, default=1000, help="CRM accounts (default 1000)")
    parser.add_argument("--months", type=int, default=36, help="months of history (default 36)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--end-month", type=_parse_month, default=None,
                        help="last month, YYYY-MM (default: the month before this one)")
    parser.add_argument("--bad-rows", type=int, default=0,
                        help="append this many rows staging must reject: "
                        + ", ".join(BAD_ROW_KINDS))
    parser.set_defaults(func=_run)
    return parser


def _run(args: argparse.Namespace) -> int:
    counts = generate(args.accounts, args.months, args.seed, args.fmt, args.out,
                      end_month=args.end_month, bad_rows=args.bad_rows)
    for name, rows in counts.items():
        print(f"{name}: {rows} rows")
    print(f"wrote {len(counts)} {args.fmt} files to {args.out}")
    return 0


def _parse_month(text: str) -> date:
    try:
        return date.fromisoformat(text if len(text) > 7 else f"{text}-01").replace(day=1)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {text!r}") from error


def _check_arguments(accounts: int, months: int, seed: int, fmt: str, bad_rows: int) -> None:
    if accounts < 1:
        raise GenerateError(f"accounts must be at least 1, got {accounts}")
    if not 1 <= months <= 1200:
        raise GenerateError(f"months must be between 1 and 1200, got {months}")
    if seed < 0:
        raise GenerateError(f"seed must not be negative, got {seed}")
    if fmt not in FORMATS:
        raise GenerateError(f"format must be csv or parquet, got {fmt!r}")
    if bad_rows < 0:
        raise GenerateError(f"bad_rows must not be negative, got {bad_rows}")


def _check_out_dir(out_dir: Path, fmt: str) -> None:
    """Refuse a folder holding the other format's files: a loader could pick either."""
    if out_dir.exists() and not out_dir.is_dir():
        raise GenerateError(f"output path is not a folder: {out_dir}")
    other = next(f for f in FORMATS if f != fmt)
    clashes = [t for t in CONTRACT if (out_dir / f"{t}.{other}").exists()]
    if clashes:
        raise GenerateError(f"{out_dir} already holds {clashes[0]}.{other}; "
                            f"remove the {other} files or choose another folder")


def _default_end_month() -> date:
    today = date.today()
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)
