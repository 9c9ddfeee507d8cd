"""Write a folder of raw CSV files (the source contract) from Python dicts, so tests stay short.

    write_raw_folder(tmp_path, {
        "billing_plans": [{"plan_id": "P1", "billing_interval": "month", "unit_amount": "100", "currency": "USD"}],
        ...
    })

Every file gets the contract's header in contract order; columns a row does not name are empty.
Required tables that are not given are written with their header only.
"""

from __future__ import annotations

import csv
from pathlib import Path

from reference_mrr import CONTRACT


def write_raw_folder(folder: Path, tables: dict[str, list[dict]], *, write_required: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    unknown = set(tables) - set(CONTRACT)
    if unknown:
        raise KeyError(f"not contract tables: {sorted(unknown)}")
    for table, (columns, _key, required) in CONTRACT.items():
        if table not in tables and not (required and write_required):
            continue
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in tables.get(table, []):
                extra = set(row) - set(columns)
                if extra:
                    raise KeyError(f"{table} has no columns {sorted(extra)}")
                writer.writerow(["" if row.get(column) is None else str(row[column]) for column in columns])
    return folder
