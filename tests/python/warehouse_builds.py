"""Real builds for tests: copies of the demo seeds to change, builds that keep dbt's artifacts out of the
project's target/ and leave out dbt unit tests (see dbt_environment), and read-only queries on the result.

    data = copy_seeds(tmp_path / "data")
    set_value(data, "billing_subscriptions", "sub_001", "ended_at", "2026-06-10")
    run_build(data, AS_OF, tmp_path / "w" / "warehouse.duckdb", full_refresh=True)
    mart_checksums(database)   # {mart: (rows, md5 of its rows in sorted order)}
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator, Sequence
from contextlib import chdir, closing, contextmanager
from datetime import date
from pathlib import Path

import duckdb
from dbt.cli.main import dbtRunner

from mrr_warehouse.build import DATABASE_ENV, build, environment
from mrr_warehouse.contract import load_contract
from mrr_warehouse.inputs import quote_identifier
from mrr_warehouse.project import default_data_dir, project_root

AS_OF = date(2026, 10, 31)
CONTRACT = load_contract()
# A backdated cancellation: this open subscription of the demo company ended on this date after all.
CANCELLED_SUBSCRIPTION, CANCELLED_ON = "sub_001", "2026-06-10"


# ---------------------------------------------------------------------------------------------------
# Input folders
# ---------------------------------------------------------------------------------------------------


def copy_seeds(folder: Path) -> Path:
    """The bundled demo company's CSV files, copied to folder (created)."""
    folder.mkdir(parents=True)
    for path in sorted(default_data_dir().glob("*.csv")):
        shutil.copyfile(path, folder / path.name)
    return folder


def _read(folder: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(folder: Path, table: str, header: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows({column: row.get(column, "") for column in header} for row in rows)


def set_value(folder: Path, table: str, key: str, column: str, value: str) -> dict[str, str]:
    """Set `column` of the row whose (single-column) primary key is `key`; return the row as it was."""
    header, rows = _read(folder, table)
    key_column = CONTRACT.table(table).primary_key[0]
    matching = [row for row in rows if row[key_column] == key]
    assert len(matching) == 1, f"{table} has {len(matching)} rows with {key_column} = {key!r}"
    before = dict(matching[0])
    matching[0][column] = value
    _write(folder, table, header, rows)
    return before


def copy_seeds_with_backdated_cancellation(folder: Path) -> Path:
    """The demo seeds where CANCELLED_SUBSCRIPTION, open in the seeds, ended on CANCELLED_ON."""
    data = copy_seeds(folder)
    before = set_value(data, "billing_subscriptions", CANCELLED_SUBSCRIPTION, "ended_at", CANCELLED_ON)
    assert before["ended_at"] == "", f"{CANCELLED_SUBSCRIPTION} has ended in the seeds already"
    return data


def append_rows(folder: Path, table: str, new_rows: Sequence[dict[str, str]]) -> None:
    header, rows = _read(folder, table)
    _write(folder, table, header, [*rows, *new_rows])


def count_rows(folder: Path, table: str) -> int:
    return len(_read(folder, table)[1]) if (folder / f"{table}.csv").exists() else 0


# ---------------------------------------------------------------------------------------------------
# Building and reading
# ---------------------------------------------------------------------------------------------------


def dbt_environment(folder: Path) -> dict[str, str]:
    """Environment for the builds of these tests: dbt's target/ and logs/ in folder (the project's target/ is left
    alone)."""
    return {"DBT_TARGET_PATH": str(folder / "dbt-target"), "DBT_LOG_PATH": str(folder / "dbt-logs")}


def show_inline(sql: str, folder: Path) -> list[tuple]:
    """Every row of `dbt show --inline sql` (Jinja and project macros allowed) on an empty DuckDB file in folder."""
    root = str(project_root())
    # A bare file name, opened in folder, as builds do: the same profile each time, so the partial parse holds.
    settings = {**dbt_environment(folder), DATABASE_ENV: "empty.duckdb"}
    with chdir(folder), environment(settings), partial_parse_shared(settings, "empty.duckdb"):
        result = dbtRunner().invoke(["show", "--inline", sql, "--project-dir", root, "--profiles-dir", root,
                                     "--limit", "-1", "--quiet"])
    assert result.success, result.exception
    return [tuple(row) for row in result.result.results[0].agate_table.rows]


def run_build(data: Path, as_of: date, database: Path, **options: object) -> Path:
    """mrr_warehouse.build.build into database (its folder is created), in dbt_environment(a folder beside it)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    settings = dbt_environment(_dbt_folder_of(database))
    with environment(settings), partial_parse_shared(settings, database.name):
        return build(data, as_of, database, **options)


def _dbt_folder_of(database: Path) -> Path:
    return database.parent.parent / f"{database.parent.name}-dbt"


def run_results(database: Path) -> dict:
    """dbt's run_results.json of the last run_build into database."""
    return json.loads((Path(dbt_environment(_dbt_folder_of(database))["DBT_TARGET_PATH"]) / "run_results.json")
                      .read_text(encoding="utf-8"))


PARTIAL_PARSE = "partial_parse.msgpack"
# This process's last partial parse per (project, database file name): what dbt's partial parsing keeps.
_partial_parses: dict[tuple[Path, str], bytes] = {}


@contextmanager
def partial_parse_shared(settings: dict[str, str], database_name: str) -> Iterator[None]:
    """Start a build in its new dbt target folder (settings: dbt_environment's) from the partial parse this
    process's last build left.

    Each build here has a target folder of its own, so dbt would parse the whole project every time (~3-6 s,
    a third of a demo build). dbt checks a partial parse it finds (every file's checksum, the profile, vars and
    env vars) and parses again what differs, as it does in a target folder of long standing. The database's
    file name is in the key because the profile holds it: any other name would make dbt parse everything.
    """
    target = Path(settings["DBT_TARGET_PATH"])
    key, path = (project_root(), database_name), target / PARTIAL_PARSE
    if key in _partial_parses and not path.exists():
        target.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_partial_parses[key])
    try:
        yield
    finally:
        if path.exists():
            _partial_parses[key] = path.read_bytes()


def query(database: Path, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    with closing(duckdb.connect(str(database), read_only=True)) as connection:
        return connection.execute(sql, list(params)).fetchall()


def mart_tables(database: Path) -> list[str]:
    rows = query(database, "select table_name from information_schema.tables "
                           "where table_catalog = current_database() and table_schema = 'marts' order by 1")
    return [row[0] for row in rows]


# (row count, md5 of every row as text in sorted order) of the relation `{}`: equal checksums = equal contents.
CHECKSUM_SQL = ("select count(*), md5(coalesce(string_agg(cast(t as varchar), chr(10) order by cast(t as varchar)), "
                "'')) from {} as t")


def mart_checksums(database: Path) -> dict[str, tuple[int, str]]:
    """Per mart: CHECKSUM_SQL's (row count, md5)."""
    return {table: query(database, CHECKSUM_SQL.format(f"marts.{quote_identifier(table)}"))[0]
            for table in mart_tables(database)}


def parquet_checksum(path: Path) -> tuple[int, str]:
    with closing(duckdb.connect()) as connection:
        return connection.execute(CHECKSUM_SQL.format("read_parquet($path)"), {"path": str(path)}).fetchone()


def bridge_identity_violations(database: Path) -> list[tuple]:
    """Months of marts.mrr_bridge_monthly where closing != opening + movements, opening != the previous month's
    closing (0 before the first month), or the month does not follow the previous one."""
    return query(database, """
        select month, opening_mrr, closing_mrr, previous_month, previous_closing_mrr
        from (
            select
                *,
                lag(month) over (order by month) as previous_month,
                lag(closing_mrr, 1, 0) over (order by month) as previous_closing_mrr
            from marts.mrr_bridge_monthly
        )
        where closing_mrr != opening_mrr + new_mrr + expansion_mrr + reactivation_mrr
                             - contraction_mrr - churn_mrr + fx_mrr
            or opening_mrr != previous_closing_mrr
            or month != coalesce(previous_month + interval 1 month, month)
        order by month""")
