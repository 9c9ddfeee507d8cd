"""The last months of the MRR bridge (`marts.mrr_bridge_monthly`) as an aligned text table."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from mrr_warehouse.errors import UsageError
from mrr_warehouse.inputs import open_database

BRIDGE = "marts.mrr_bridge_monthly"
DEFAULT_MONTHS = 12


def bridge_report(database_path: Path | str, months: int = DEFAULT_MONTHS) -> str:
    """The last `months` months of the bridge, oldest first, read through a read-only connection."""
    if months < 1:
        raise UsageError(f"--months must be at least 1, got {months}")
    path = Path(database_path)
    if not path.is_file():
        raise UsageError(f"{path}: no warehouse there yet; run `mrr build` first")
    with closing(open_database(path, read_only=True)) as connection:
        columns, rows = _last_months(connection, path, months)
    return format_table(columns, rows)


def _last_months(connection: duckdb.DuckDBPyConnection, path: Path, months: int) -> tuple[list[str], list[tuple]]:
    try:
        cursor = connection.execute(f"select * from {BRIDGE} order by month desc limit ?", [months])
    except duckdb.CatalogException as error:
        raise UsageError(f"{path}: has no {BRIDGE}; run `mrr build` first") from error
    rows = cursor.fetchall()
    return [column[0] for column in cursor.description], rows[::-1]


def format_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to their widest cell; text left-aligned, numbers right-aligned with thousands separators."""
    cells = [[_format_cell(value) for value in row] for row in rows]
    numeric = [any(isinstance(row[index], int | float | Decimal) for row in rows) for index in range(len(columns))]
    widths = [max([len(name), *(len(row[index]) for row in cells)]) for index, name in enumerate(columns)]
    lines = [columns, ["-" * width for width in widths], *cells]
    return "\n".join(_format_line(line, widths, numeric) for line in lines)


def _format_line(line: Sequence[str], widths: Sequence[int], numeric: Sequence[bool]) -> str:
    padded = [cell.rjust(width) if right else cell.ljust(width)
              for cell, width, right in zip(line, widths, numeric, strict=True)]
    return "  ".join(padded).rstrip()


def _format_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal | float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
