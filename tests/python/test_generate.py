"""`mrr generate`: a deterministic, contract-exact, referentially clean synthetic extract.

Each test names the property it guards. The extracts are small (1,500 accounts, 24 months) so the
whole file runs in a few seconds.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
try:
    from mrr_warehouse import generate as gen
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(ROOT / "scripts"))
    from mrr_warehouse import generate as gen

END_MONTH = date(2025, 6, 1)
FIRST_DAY_AFTER = "2025-07-01"
ACCOUNTS, MONTHS, SEED = 1500, 24, 11


def _contract() -> dict[str, dict]:
    """Table -> {columns, primary_key, required} from the sources YAML."""
    tables = {}
    for name in ("_crm__sources.yml", "_billing__sources.yml"):
        spec = yaml.safe_load((ROOT / "models" / "staging" / name).read_text())
        for source in spec["sources"]:
            for table in source["tables"]:
                tables[table["name"]] = {
                    "columns": [c["name"] for c in table["columns"]],
                    "primary_key": table["meta"]["primary_key"],
                }
    return tables


CONTRACT = _contract()


def _write(out: Path, fmt: str = "csv", **kwargs) -> dict[str, int]:
    args = {"accounts": ACCOUNTS, "months": MONTHS, "seed": SEED, "end_month": END_MONTH} | kwargs
    return gen.generate(args.pop("accounts"), args.pop("months"), args.pop("seed"), fmt, out, **args)


def _connect(folder: Path, fmt: str) -> duckdb.DuckDBPyConnection:
    """Every table as text, the way the raw schema holds it."""
    con = duckdb.connect()
    for table in CONTRACT:
        path = folder / f"{table}.{fmt}"
        source = (f"read_csv('{path}', all_varchar = true, header = true)" if fmt == "csv"
                  else f"read_parquet('{path}')")
        columns = [row[0] for row in con.execute(f"describe select * from {source}").fetchall()]
        casts = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in columns)
        con.execute(f"create table {table} as select {casts} from {source}")
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv")
    _write(out, "csv")
    return out


@pytest.fixture(scope="module")
def raw(csv_dir: Path) -> duckdb.DuckDBPyConnection:
    return _connect(csv_dir, "csv")


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet")
    _write(out, "parquet")
    return out


# --- determinism ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_writes_identical_bytes(tmp_path: Path, fmt: str) -> None:
    for run, seed in (("a", SEED), ("b", SEED), ("other_seed", SEED + 1)):
        _write(tmp_path / run, fmt, accounts=400, seed=seed)

    def read(run: str, table: str) -> bytes:
        return (tmp_path / run / f"{table}.{fmt}").read_bytes()

    for table in CONTRACT:
        assert read("a", table) == read("b", table), table
    assert read("a", "billing_subscriptions") != read("other_seed", "billing_subscriptions")


# --- the contract -----------------------------------------------------------------------------
def test_generator_contract_matches_sources_yaml() -> None:
    assert {t: list(c) for t, c in gen.CONTRACT.items()} == {
        t: spec["columns"] for t, spec in CONTRACT.items()}


def test_every_table_written_with_contract_columns_in_order(csv_dir: Path,
                                                            parquet_dir: Path) -> None:
    for table, spec in CONTRACT.items():
        header = (csv_dir / f"{table}.csv").read_text().splitlines()[0]
        assert [c.strip('"') for c in header.split(",")] == spec["columns"], table
        assert pq.read_schema(parquet_dir / f"{table}.parquet").names == spec["columns"], table


def test_returned_counts_are_rows_written(tmp_path: Path) -> None:
    counts = _write(tmp_path, accounts=300)
    con = _connect(tmp_path, "csv")
    assert counts == {t: _one(con, f"select count(*) from {t}") for t in CONTRACT}
    assert counts["crm_accounts"] == 300


def test_csv_and_parquet_hold_the_same_extract(raw: duckdb.DuckDBPyConnection,
                                               parquet_dir: Path) -> None:
    parquet = _connect(parquet_dir, "parquet")
    for table in CONTRACT:
        csv_rows = raw.execute(f"select * from {table}").fetchall()
        assert csv_rows == parquet.execute(f"select * from {table}").fetchall(), table
    date_type = pq.read_schema(parquet_dir / "billing_subscriptions.parquet").field("created_at")
    assert str(date_type.type) == "date32[day]"


# --- clean data: keys, references, windows ----------------------------------------------------
def test_primary_keys_are_unique_and_present(raw: duckdb.DuckDBPyConnection) -> None:
    for table, spec in CONTRACT.items():
        key = ", ".join(spec["primary_key"])
        missing = " or ".join(f"{c} is null" for c in spec["primary_key"])
        assert _one(raw, f"select count(*) from {table} where {missing}") == 0, table
        duplicates = f"select count(*) from (select {key} from {table} group by {key} having count(*) > 1)"
        assert _one(raw, duplicates) == 0, table


REFERENCES = [  # (table, column, parent table, parent key)
    ("crm_accounts", "parent_account_id", "crm_accounts", "account_id"),
    ("crm_contracts", "account_id", "crm_accounts", "account_id"),
    ("crm_churn_reasons", "account_id", "crm_accounts", "account_id"),
    ("billing_customers", "account_id", "crm_accounts", "account_id"),
    ("billing_subscriptions", "customer_id", "billing_customers", "customer_id"),
    ("billing_subscription_items", "subscription_id", "billing_subscriptions", "subscription_id"),
    ("billing_subscription_items", "plan_id", "billing_plans", "plan_id"),
    ("billing_discounts", "subscription_id", "billing_subscriptions", "subscription_id"),
    ("billing_invoices", "customer_id", "billing_customers", "customer_id"),
    ("billing_invoice_lines", "invoice_id", "billing_invoices", "invoice_id"),
    ("billing_invoice_lines", "subscription_id", "billing_subscriptions", "subscription_id"),
]


@pytest.mark.parametrize(("table", "column", "parent", "key"), REFERENCES)
def test_every_reference_resolves_when_clean(raw: duckdb.DuckDBPyConnection, table: str,
                                             column: str, parent: str, key: str) -> None:
    orphans = (f"select count(*) from {table} where {column} is not null "
               f"and {column} not in (select {key} from {parent})")
    assert _one(raw, orphans) == 0
    assert _one(raw, f"select count({column}) from {table}") > 0, "reference never exercised"


def test_item_currency_and_interval_are_one_per_subscription(raw: duckdb.DuckDBPyConnection) -> None:
    mixed = """
        select count(*) from (
            select i.subscription_id
            from billing_subscription_items as i
            join billing_plans as p using (plan_id)
            group by i.subscription_id
            having count(distinct p.currency) > 1
                or count(distinct p.billing_interval || p.interval_count) > 1
        )"""
    assert _one(raw, mixed) == 0


WINDOWS = [  # (table, from column, to column): to must be after from when both are set
    ("billing_subscription_items", "valid_from", "valid_to"),
    ("billing_discounts", "valid_from", "valid_to"),
    ("crm_contracts", "start_date", "end_date"),
    ("billing_subscriptions", "created_at", "ended_at"),
    ("billing_subscriptions", "created_at", "trial_end"),
]


@pytest.mark.parametrize(("table", "start", "end"), WINDOWS)
def test_windows_are_valid(raw: duckdb.DuckDBPyConnection, table: str, start: str,
                           end: str) -> None:
    inverted = (f"select count(*) from {table} "
                f"where cast({end} as date) <= cast({start} as date)")
    assert _one(raw, inverted) == 0
    assert _one(raw, f"select count(*) from {table} where {end} is not null") > 0


def test_cancellation_is_requested_before_the_subscription_ends(
        raw: duckdb.DuckDBPyConnection) -> None:
    sql = """select count(*) from billing_subscriptions
             where cast(canceled_at as date) > cast(ended_at as date)
                or cast(canceled_at as date) < cast(created_at as date)"""
    assert _one(raw, sql) == 0


def test_item_rows_of_a_subscription_do_not_overlap(raw: duckdb.DuckDBPyConnection) -> None:
    overlaps = """
        select count(*) from (
            select
                cast(valid_from as date) as valid_from,
                lag(cast(valid_to as date)) over (
                    partition by subscription_id, split_part(plan_id, '_', 2)
                    order by subscription_item_id) as previous_to
            from billing_subscription_items
            where split_part(plan_id, '_', 2) = 'core'
        ) where valid_from < previous_to"""
    assert _one(raw, overlaps) == 0


def test_nothing_happens_after_the_last_month(raw: duckdb.DuckDBPyConnection) -> None:
    after = FIRST_DAY_AFTER
    for table, column in [("crm_accounts", "created_at"), ("billing_customers", "created_at"),
                          ("billing_subscriptions", "created_at"),
                          ("billing_subscriptions", "canceled_at"),
                          ("billing_subscriptions", "ended_at"),
                          ("billing_invoices", "invoice_date"),
                          ("crm_churn_reasons", "churned_on"), ("fx_rates", "rate_date")]:
        assert _one(raw, f"select count(*) from {table} where cast({column} as date) >= '{after}'") == 0
    assert _one(raw, "select min(rate_date) from fx_rates") == "2023-07-01"  # 24 months back


# --- the company is realistic: every lifecycle event the MRR rules handle occurs --------------
LIFECYCLE = {
    "trial that never converts ends on or before trial_end": """
        select count(*) from billing_subscriptions where ended_at <= trial_end""",
    "reactivation: a customer's later subscription after an ended one": """
        select count(*) from billing_subscriptions as a join billing_subscriptions as b
            on a.customer_id = b.customer_id and b.created_at > a.ended_at""",
    "pending cancellation: canceled_at without ended_at": """
        select count(*) from billing_subscriptions where canceled_at is not null and ended_at is null""",
    "seat change: item closed and reopened the same day with another quantity": """
        select count(*) from billing_subscription_items as a join billing_subscription_items as b
            on a.subscription_id = b.subscription_id and a.valid_to = b.valid_from
            and a.quantity != b.quantity""",
    "plan change: item closed and reopened the same day on another plan": """
        select count(*) from billing_subscription_items as a join billing_subscription_items as b
            on a.subscription_id = b.subscription_id and a.valid_to = b.valid_from
            and a.plan_id != b.plan_id""",
    "open item start and empty quantity": """
        select least(count(*) filter (where valid_from is null),
                     count(*) filter (where quantity is null)) from billing_subscription_items""",
    "percent and amount discounts": """
        select least(count(percent_off), count(amount_off)) from billing_discounts""",
    "customers without a CRM account": """
        select count(*) from billing_customers where account_id is null""",
    "accounts with several billing customers": """
        select count(*) from (select account_id from billing_customers
                              where account_id is not null group by 1 having count(*) > 1)""",
    "draft and cancelled contracts": """
        select least(count(*) filter (where status = 'draft'),
                     count(*) filter (where status = 'cancelled')) from crm_contracts""",
    "invoice lines of every type": """
        select count(distinct line_type) = 5 from billing_invoice_lines""",
}


@pytest.mark.parametrize("event", list(LIFECYCLE))
def test_history_holds_lifecycle_event(raw: duckdb.DuckDBPyConnection, event: str) -> None:
    assert _one(raw, LIFECYCLE[event]) > 0


def test_catalogue_bills_monthly_quarterly_annual_weekly_in_three_currencies(
        raw: duckdb.DuckDBPyConnection) -> None:
    used = raw.execute("""
        select distinct p.billing_interval, p.interval_count, p.currency
        from billing_subscription_items as i join billing_plans as p using (plan_id)""").fetchall()
    assert {(i, c) for i, c, _ in used} == {("month", "1"), ("month", "3"), ("year", "1"),
                                            ("week", "1")}
    assert {cur for _, _, cur in used} == {"USD", "EUR", "GBP"}
    assert _one(raw, "select count(distinct product_id) from billing_plans") == 3


def test_fx_rates_move_every_month(raw: duckdb.DuckDBPyConnection) -> None:
    rates = raw.execute("""select currency, count(*), count(distinct rate_to_reporting)
                       from fx_rates group by 1 order by 1""").fetchall()
    assert rates == [("EUR", MONTHS, MONTHS), ("GBP", MONTHS, MONTHS)]


def test_goals_use_known_metrics_and_spend_covers_every_month(
        raw: duckdb.DuckDBPyConnection) -> None:
    kpis_macro = (ROOT / "macros" / "kpis.sql").read_text()
    metrics = [r[0] for r in raw.execute("select distinct metric from kpi_goals").fetchall()]
    assert metrics and all(f"'{m}'" in kpis_macro for m in metrics)
    assert _one(raw, "select count(distinct month) from sales_marketing_spend") == MONTHS


# --- bad rows ---------------------------------------------------------------------------------
BAD_ROW_CHECKS = {
    "unknown_plan_id": """select count(*) from billing_subscription_items
        where plan_id not in (select plan_id from billing_plans)""",
    "negative_quantity": """select count(*) from billing_subscription_items
        where try_cast(quantity as decimal(18, 6)) < 0""",
    "unparseable_date": """select count(*) from billing_subscription_items
        where valid_from is not null and try_cast(valid_from as date) is null""",
    "percent_off_over_100": """select count(*) from billing_discounts
        where try_cast(percent_off as decimal(18, 6)) > 100""",
    "conflicting_duplicate_key": """select count(*) from (
        select subscription_item_id from billing_subscription_items
        group by 1 having count(distinct coalesce(quantity, '')) > 1)""",
    "inverted_window": """select count(*) from billing_discounts
        where try_cast(valid_to as date) <= try_cast(valid_from as date)""",
}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_bad_rows_inject_each_documented_kind(tmp_path: Path, fmt: str) -> None:
    per_kind = 3
    bad = per_kind * len(gen.BAD_ROW_KINDS)
    clean = _write(tmp_path / "clean", fmt, accounts=400)
    dirty = _write(tmp_path / "dirty", fmt, accounts=400, bad_rows=bad)
    assert sum(dirty.values()) - sum(clean.values()) == bad
    con = _connect(tmp_path / "dirty", fmt)
    assert set(BAD_ROW_CHECKS) == set(gen.BAD_ROW_KINDS)
    for kind, sql in BAD_ROW_CHECKS.items():
        assert _one(con, sql) == per_kind, kind
    clean_con = _connect(tmp_path / "clean", fmt)
    assert all(_one(clean_con, sql) == 0 for sql in BAD_ROW_CHECKS.values())


def test_bad_rows_spread_evenly_and_leave_clean_rows_alone(tmp_path: Path) -> None:
    _write(tmp_path / "clean", accounts=400)
    _write(tmp_path / "dirty", accounts=400, bad_rows=8)  # 2 kinds get a second row
    con = _connect(tmp_path / "dirty", "csv")
    assert [_one(con, sql) for sql in BAD_ROW_CHECKS.values()] == [2, 2, 1, 1, 1, 1]
    clean = (tmp_path / "clean" / "billing_subscriptions.csv").read_text()
    assert (tmp_path / "dirty" / "billing_subscriptions.csv").read_text() == clean


def test_parquet_with_bad_rows_is_all_text(tmp_path: Path) -> None:
    _write(tmp_path, "parquet", accounts=200, bad_rows=6)
    for table in CONTRACT:
        types = {str(f.type) for f in pq.read_schema(tmp_path / f"{table}.parquet")}
        assert types == {"string"}, table


# --- arguments and the CLI hook ---------------------------------------------------------------
def test_default_end_month_is_the_month_before_this_one(tmp_path: Path) -> None:
    gen.generate(50, 3, SEED, "csv", tmp_path)
    today = date.today()
    expected = date(today.year - 1, 12, 1) if today.month == 1 else today.replace(
        day=1, month=today.month - 1)
    assert _one(_connect(tmp_path, "csv"), "select max(rate_date) from fx_rates") == str(expected)


@pytest.mark.parametrize("kwargs", [{"accounts": 0}, {"months": 0}, {"seed": -1},
                                    {"bad_rows": -1}, {"fmt": "json"}])
def test_bad_arguments_raise_generate_error(tmp_path: Path, kwargs: dict) -> None:
    fmt = kwargs.pop("fmt", "csv")
    with pytest.raises(gen.GenerateError):
        _write(tmp_path, fmt, **kwargs)


def test_refuses_a_folder_holding_the_other_format(tmp_path: Path) -> None:
    _write(tmp_path, "parquet", accounts=50)
    with pytest.raises(gen.GenerateError, match="parquet"):
        _write(tmp_path, "csv", accounts=50)


def test_register_adds_a_generate_subcommand(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="mrr")
    gen.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["generate", "--accounts", "120", "--months", "6", "--seed", "3",
                              "--format", "parquet", "--out", str(tmp_path),
                              "--end-month", "2024-03"])
    assert args.func(args) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.parquet" for t in CONTRACT)
    assert "crm_accounts: 120 rows" in capsys.readouterr().out
    fx = _connect(tmp_path, "parquet").execute("select min(rate_date), max(rate_date) from fx_rates")
    assert fx.fetchone() == ("2023-10-01", "2024-03-01")
