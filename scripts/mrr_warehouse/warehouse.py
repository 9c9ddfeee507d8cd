"""Read-only access to a published warehouse, as `mrr report`, `mrr check` and `mrr export` (and BI tools) read it.

The published file is only ever opened read-only here: a build replaces it with an atomic rename, so a
reader never blocks a build and never sees half of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from mrr_warehouse.errors import UsageError
from mrr_warehouse.inputs import open_database


def open_warehouse(database_path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse at database_path; UsageError when there is none yet."""
    path = Path(database_path)
    if not path.is_file():
        raise UsageError(f"{path}: no warehouse there yet; run `mrr build` first")
    return open_database(path, read_only=True)


def fetch(connection: duckdb.DuckDBPyConnection, path: Path, relation: str, sql: str,
          params: Sequence[object] = ()) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of a query on `relation`; UsageError when the warehouse at path does not have it."""
    try:
        cursor = connection.execute(sql, list(params))
    except duckdb.CatalogException as error:
        raise UsageError(f"{path}: has no {relation}; run `mrr build` first") from error
    rows = cursor.fetchall()
    return [column[0] for column in cursor.description], rows


def tables_in_schema(connection: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """Names of the tables and views of `schema` in the connection's database, sorted."""
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? order by table_name", [schema]).fetchall()
    return [str(row[0]) for row in rows]

