"""Write raw files for loader tests, shaped by the real contract (models/staging sources YAML).

    write_table(folder, "billing_plans", [{"plan_id": "P1", "unit_amount": "10"}])
    write_required(folder)        # every required table, header only
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from mrr_warehouse.contract import load_contract

CONTRACT = load_contract()


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]] = (), encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_table(folder: Path, table: str, rows: Sequence[dict[str, str]] = (),
                columns: Sequence[str] | None = None) -> Path:
    """`<table>.csv` with the given columns (default: the contract's, in order); missing values are empty."""
    columns = list(columns or CONTRACT.table(table).columns)
    folder.mkdir(parents=True, exist_ok=True)
    return write_csv(folder / f"{table}.csv", columns, [[row.get(column, "") for column in columns] for row in rows])


def write_required(folder: Path) -> Path:
    for table in CONTRACT.tables:
        if table.required:
            write_table(folder, table.name)
    return folder


def required_names() -> list[str]:
    return [table.name for table in CONTRACT.tables if table.required]
