"""The models run unchanged on PostgreSQL and give the marts DuckDB gives, to the cent.

DuckDB is the embedded default, not the only engine: what is DuckDB's own lives in dispatched macros with a
default__ (or postgres__) version. This builds the raw tables of the demo warehouse and of each edge company
on a throwaway PostgreSQL server (the `postgres` output of profiles.yml) and compares every mart, row by
row, with the DuckDB build. Skipped where no PostgreSQL server binaries are installed (Debian's
`postgresql` package puts them under /usr/lib/postgresql/<version>/bin).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg2
import pytest
from dbt.cli.main import dbtRunner
from warehouse_builds import AS_OF, mart_tables

from mrr_warehouse.build import environment
from mrr_warehouse.inputs import quote_identifier
from mrr_warehouse.project import project_root


def _postgres_binaries() -> Path | None:
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists():
            return folder
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


POSTGRES_BINARIES = _postgres_binaries()
pytestmark = pytest.mark.skipif(POSTGRES_BINARIES is None, reason="no PostgreSQL server binaries (initdb)")
PORT = "54329"


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[dict[str, str]]:
    """A PostgreSQL server of its own in a temporary folder, reached by a Unix socket only (no TCP port to
    collide with), and the MRR_PG_* settings that point the project's `postgres` output at it (database
    `postgres`, where the tests create a database per build)."""
    assert POSTGRES_BINARIES is not None
    with tempfile.TemporaryDirectory(prefix="mrr-postgres-") as folder:
        root = Path(folder)
        # initdb and postgres refuse to run as root: there they run as the postgres user.
        as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if as_owner:
            shutil.chown(root, "postgres")
        data = root / "data"
        subprocess.run([*as_owner, str(POSTGRES_BINARIES / "initdb"), "-D", str(data), "-U", "mrr", "--auth=trust",
                        "--encoding=UTF8", "--no-sync"], check=True, capture_output=True)
        pg_ctl = [*as_owner, str(POSTGRES_BINARIES / "pg_ctl"), "-D", str(data)]
        subprocess.run([*pg_ctl, "-w", "-l", str(root / "server.log"),
                        "-o", f"-k {root} -c listen_addresses= -p {PORT} -F", "start"], check=True, capture_output=True)
        try:
            yield {"MRR_PG_HOST": str(root), "MRR_PG_PORT": PORT, "MRR_PG_USER": "mrr",
                   "MRR_PG_DATABASE": "postgres"}
        finally:
            subprocess.run([*pg_ctl, "-m", "immediate", "stop"], check=False, capture_output=True)


def _connect(settings: dict[str, str]):
    return psycopg2.connect(host=settings["MRR_PG_HOST"], port=settings["MRR_PG_PORT"],
                            user=settings["MRR_PG_USER"], dbname=settings["MRR_PG_DATABASE"])


def copy_raw_tables(database: Path, settings: dict[str, str]) -> None:
    """The raw schema of a DuckDB warehouse (text columns and bigint row numbers, as `mrr load` writes it),
    copied into schema raw of the Postgres database."""
    postgres_types = {"VARCHAR": "text", "BIGINT": "bigint"}
    with closing(duckdb.connect(str(database), read_only=True)) as source, closing(_connect(settings)) as target:
        cursor = target.cursor()
        cursor.execute("create schema raw")
        tables = source.execute("select table_name from information_schema.tables "
                                "where table_catalog = current_database() and table_schema = 'raw'").fetchall()
        for (table,) in tables:
            columns = source.execute(
                "select column_name, data_type from information_schema.columns where table_catalog = "
                "current_database() and table_schema = 'raw' and table_name = ? order by ordinal_position",
                [table]).fetchall()
            name = f"raw.{quote_identifier(table)}"
            cursor.execute(f"create table {name} ("
                           + ", ".join(f"{quote_identifier(column)} {postgres_types[kind]}" for column, kind in columns)
                           + ")")
            rows = io.StringIO()
            csv.writer(rows).writerows([r"\N" if value is None else value for value in row]
                                       for row in source.execute(f"select * from {name}").fetchall())
            rows.seek(0)
            cursor.copy_expert(f"copy {name} from stdin with (format csv, null '\\N')", rows)
        target.commit()


def _comparable(value: object) -> object:
    """Values as both engines mean them: decimals by value (not by scale), doubles to 12 significant digits."""
    if isinstance(value, Decimal):
        return value.normalize() if value else Decimal(0)
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _rows(cursor, table: str) -> Counter:
    cursor.execute(f"select * from marts.{quote_identifier(table)}")
    return Counter(tuple(_comparable(value) for value in row) for row in cursor.fetchall())


def create_database_with_raw_tables(warehouse: Path, server: dict[str, str], database: str) -> dict[str, str]:
    """A new database of the server holding the raw tables of a DuckDB warehouse; returns its settings."""
    with closing(_connect(server)) as connection:
        connection.autocommit = True
        connection.cursor().execute(f"create database {quote_identifier(database)}")
    settings = {**server, "MRR_PG_DATABASE": database}
    copy_raw_tables(warehouse, settings)
    return settings


def dbt_on_postgres(settings: dict[str, str], as_of: date, folder: Path, *arguments: str) -> None:
    """One dbt command against the project's `postgres` output; fails the test naming each node that failed."""
    root = str(project_root())
    with environment({**settings, "MRR_TARGET": "postgres", "MRR_AS_OF": as_of.isoformat(),
                      "DBT_TARGET_PATH": str(folder / "target"), "DBT_LOG_PATH": str(folder / "logs")}):
        result = dbtRunner().invoke([*arguments, "--project-dir", root, "--profiles-dir", root, "--quiet"])
    assert result.success, [(node.node.unique_id, node.message) for node in result.result or []
                            if node.status not in ("success", "pass", "warn")]


def build_on_postgres(warehouse: Path, as_of: date, server: dict[str, str], database: str,
                      folder: Path) -> dict[str, Counter]:
    """The raw tables of a DuckDB warehouse built with `dbt build` (data tests included) in a new database of
    the server; returns the rows of each of the warehouse's marts there."""
    settings = create_database_with_raw_tables(warehouse, server, database)
    dbt_on_postgres(settings, as_of, folder, "build", "--exclude", "test_type:unit")
    with closing(_connect(settings)) as connection:
        return {table: _rows(connection.cursor(), table) for table in mart_tables(warehouse)}


def assert_same_marts(warehouse: Path, postgres_marts: dict[str, Counter]) -> None:
    with closing(duckdb.connect(str(warehouse), read_only=True)) as connection:
        assert sum(_rows(connection.cursor(), "fct_mrr").values()) > 0
        for table, postgres_rows in postgres_marts.items():
            duckdb_rows = _rows(connection.cursor(), table)
            only_duckdb, only_postgres = duckdb_rows - postgres_rows, postgres_rows - duckdb_rows
            assert not only_duckdb and not only_postgres, (table, list(only_duckdb)[:3], list(only_postgres)[:3])


def test_demo_company_has_the_same_marts_on_postgres(demo_warehouse, postgres_server, tmp_path):
    marts = build_on_postgres(demo_warehouse.database, AS_OF, postgres_server, "demo", tmp_path)
    # The demo company fills every mart (restatements need a second build): no comparison of empty tables.
    assert [table for table, rows in marts.items() if not rows and table != "mrr_restatements"] == []
    assert_same_marts(demo_warehouse.database, marts)


def test_edge_company_has_the_same_marts_on_postgres(edge_company, postgres_server, tmp_path):
    # Half cents of converted parts, every interval, discounts at 100%, leap days, amounts just under 10
    # billion, and a bad row of each kind: the default__ and postgres__ macros of the money path and the parsers.
    marts = build_on_postgres(edge_company.database, edge_company.as_of, postgres_server, edge_company.name, tmp_path)
    assert_same_marts(edge_company.database, marts)


def test_unit_tests_pass_on_postgres(demo_warehouse, postgres_server, tmp_path):
    # Every business rule's unit test, on Postgres. dbt compares a unit test's rows as text, typed as the
    # model's columns: a numeric column whose precision and scale Postgres dropped (a case without an else,
    # arithmetic, a window function) keeps each value's own scale, and 100.50 is not the expected 100.5.
    # The relations the tests read must exist: built empty, and every numeric column of them typed.
    settings = create_database_with_raw_tables(demo_warehouse.database, postgres_server, "unit_tests")
    dbt_on_postgres(settings, AS_OF, tmp_path, "build", "--empty", "--exclude", "test_type:unit", "test_type:data")
    with closing(_connect(settings)) as connection:
        cursor = connection.cursor()
        cursor.execute("select table_name, column_name from information_schema.columns where data_type = 'numeric' "
                       "and numeric_scale is null and table_schema not in ('raw', 'pg_catalog')")
        assert cursor.fetchall() == []
    dbt_on_postgres(settings, AS_OF, tmp_path, "test", "--select", "test_type:unit")
