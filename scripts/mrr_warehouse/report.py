"""The last months of the MRR bridge (`marts.mrr_bridge_monthly`) as an aligned text table."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

from mrr_warehouse.errors import UsageError
from mrr_warehouse.warehouse import fetch, open_warehouse

BRIDGE = "marts.mrr_bridge_monthly"
RECOMPUTE_WINDOW = "intermediate.int_mrr_recompute_window"
SLICE_RECOMPUTE_WINDOW = "intermediate.int_slice_recompute_window"
DEFAULT_MONTHS = 12


def bridge_report(database_path: Path | str, months: int = DEFAULT_MONTHS) -> str:
    """The last `months` months of the bridge, oldest first, read through a read-only connection."""
    if months < 1:
        raise UsageError(f"--months must be at least 1, got {months}")
    path = Path(database_path)
    with closing(open_warehouse(path)) as connection:
        columns, rows = fetch(connection, path, BRIDGE, f"select * from {BRIDGE} order by month desc limit ?", [months])
    return format_table(columns, rows[::-1])


def recomputed_months(database_path: Path | str) -> str:
    """Which months the last build recomputed; the month models kept the others from the build before.

    The slices recompute earlier months too when accounts' attributes changed (int_slice_recompute_window).
    """
    path = Path(database_path)
    with closing(open_warehouse(path)) as connection:
        _, rows = fetch(connection, path, SLICE_RECOMPUTE_WINDOW,
                        f"select months.recompute_from_month, slices.recompute_from_month, "
                        f"(select min(month) from marts.fct_mrr), (select max(month) from marts.fct_mrr) "
                        f"from {RECOMPUTE_WINDOW} as months cross join {SLICE_RECOMPUTE_WINDOW} as slices")
    first_recomputed, first_slice_recomputed, first_month, last_month = rows[0]
    if first_month is None or first_recomputed <= first_month:
        return "every month was computed"
    if first_slice_recomputed < first_recomputed:
        slices = ("every month" if first_slice_recomputed <= first_month
                  else f"the months from {first_slice_recomputed:%Y-%m} on")
        kept = "every month" if first_recomputed > last_month else f"the months before {first_recomputed:%Y-%m}"
        return f"account attributes changed: the slices recomputed {slices}, the other month models kept {kept}"
    if first_recomputed > last_month:
        return "no input changed: every month was kept"
    return f"months from {first_recomputed:%Y-%m} on were recomputed, earlier ones kept"


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
