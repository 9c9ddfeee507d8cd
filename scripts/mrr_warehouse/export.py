"""`mrr export`: every table of schema `marts` as `<table>.parquet`, for BI tools that prefer files.

The warehouse is opened read-only. DuckDB's COPY writes each file; the output path reaches SQL as a
parameter, never pasted into it. Each file is written under a temporary name and renamed into place, so
a tool reading the folder sees the previous export or the new one, never half a file.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import duckdb

from mrr_warehouse.errors import UsageError
from mrr_warehouse.inputs import quote_identifier
from mrr_warehouse.warehouse import open_warehouse, tables_in_schema

MARTS_SCHEMA = "marts"
PARTIAL_SUFFIX = ".partial"


def export_marts(database_path: Path | str, out_dir: Path | str) -> list[Path]:
    """Write DIR/<table>.parquet for every table of `marts`; return the files written, sorted."""
    out = Path(out_dir)
    _prepare(out)
    path = Path(database_path)
    with closing(open_warehouse(path)) as connection:
        tables = tables_in_schema(connection, MARTS_SCHEMA)
        if not tables:
            raise UsageError(f"{path}: has no tables in schema {MARTS_SCHEMA}; run `mrr build` first")
        return [_export_table(connection, table, out) for table in tables]


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--out {out}: cannot create the folder: {error.strerror}") from error


def _export_table(connection: duckdb.DuckDBPyConnection, table: str, out: Path) -> Path:
    final = out / f"{table}.parquet"
    partial = out / f".{table}.parquet{PARTIAL_SUFFIX}"
    relation = f"{quote_identifier(MARTS_SCHEMA)}.{quote_identifier(table)}"
    try:
        connection.execute(f"copy (select * from {relation}) to $path (format parquet)", {"path": str(partial)})
    except duckdb.IOException as error:
        partial.unlink(missing_ok=True)
        raise UsageError(f"--out {out}: cannot write {final.name}: {error}") from error
    partial.replace(final)
    return final
