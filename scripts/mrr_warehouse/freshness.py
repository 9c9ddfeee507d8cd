"""Stale inputs: warn when the newest business date in the raw files lies far before as_of.

An extract that stopped being refreshed still builds, and its last months then show everybody churning
or nobody arriving. After loading, the newest business date on or before as_of, over the columns in
BUSINESS_DATES (read leniently: anything DuckDB can cast to a date counts, anything else is skipped),
must be at most `stale_after_days` days before as_of; else a warning (not an error) says so.
Dates after as_of (scheduled changes, typos such as 2062) are ignored: they do not make an extract fresh.
"""

from __future__ import annotations

import logging
from contextlib import closing
from datetime import date
from pathlib import Path

import duckdb

from mrr_warehouse.errors import UsageError
from mrr_warehouse.inputs import open_database, quote_identifier

LOGGER = logging.getLogger(__name__)

DEFAULT_STALE_AFTER_DAYS = 45
RAW_SCHEMA = "raw"
BUSINESS_DATES: tuple[tuple[str, str], ...] = (
    ("billing_subscription_items", "valid_from"),
    ("billing_subscriptions", "created_at"),
    ("billing_invoices", "invoice_date"),
    ("crm_contracts", "start_date"),
    ("fx_rates", "rate_date"),
)


def check_stale_after_days(days: int) -> None:
    if days < 0:
        raise UsageError(f"--stale-after-days must be 0 or more, got {days}")


def warn_if_stale(database_path: Path, as_of: date, stale_after_days: int = DEFAULT_STALE_AFTER_DAYS) -> None:
    """Log a warning when the inputs loaded into database_path look older than stale_after_days before as_of."""
    with closing(open_database(database_path, read_only=True)) as connection:
        newest = newest_business_date(connection, as_of)
    columns = ", ".join(f"{table}.{column}" for table, column in BUSINESS_DATES)
    if newest is None:
        LOGGER.warning("the inputs hold no business date on or before as_of %s (looked at %s); is the extract empty?",
                       as_of, columns)
    elif (as_of - newest).days > stale_after_days:
        LOGGER.warning("the inputs look stale: their newest business date is %s, %d days before as_of %s "
                       "(more than --stale-after-days %d; looked at %s); is the extract up to date?",
                       newest, (as_of - newest).days, as_of, stale_after_days, columns)


def newest_business_date(connection: duckdb.DuckDBPyConnection, as_of: date) -> date | None:
    """The latest value of the BUSINESS_DATES columns that reads as a date on or before as_of, or None."""
    dates = " union all ".join(
        f"select try_cast({quote_identifier(column)} as date) as business_date "
        f"from {quote_identifier(RAW_SCHEMA)}.{quote_identifier(table)}"
        for table, column in BUSINESS_DATES)
    row = connection.execute(f"select max(business_date) from ({dates}) where business_date <= $as_of",
                             {"as_of": as_of}).fetchone()
    return row[0] if row else None
