"""Row accounting: every raw row is accepted, rejected or collapsed into an exact duplicate (`mrr check`).

`marts.source_row_accounting` states it per source table; `mrr check` prints that table and checks it
twice over: the arithmetic (raw = accepted + rejected + collapsed duplicates) and, independently of dbt,
raw_rows against `count(*)` of the loader's `raw.<table>` in the same file. `mrr build --strict` uses
rejected_counts() to refuse a build with any rejected row.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import astuple, dataclass
from pathlib import Path

import duckdb

from mrr_warehouse.contract import load_contract
from mrr_warehouse.inputs import quote_identifier
from mrr_warehouse.report import format_table
from mrr_warehouse.warehouse import fetch, open_warehouse, tables_in_schema

ACCOUNTING = "marts.source_row_accounting"
RAW_SCHEMA = "raw"
ACCOUNTING_SQL = (f"select source_table, raw_rows, accepted_rows, rejected_rows, collapsed_duplicate_rows, "
                  f"is_balanced from {ACCOUNTING}")


@dataclass(frozen=True)
class TableAccount:
    """One source table's line of the accounting; loaded_rows is `count(*)` of raw.<table> (None: no such table)."""

    source_table: str
    raw_rows: int
    loaded_rows: int | None
    accepted_rows: int
    rejected_rows: int
    collapsed_duplicate_rows: int
    is_balanced: bool

    def problems(self) -> list[str]:
        explained = self.accepted_rows + self.rejected_rows + self.collapsed_duplicate_rows
        found = []
        if not self.is_balanced or explained != self.raw_rows:
            found.append(f"{self.source_table}: {self.raw_rows} raw rows but {self.accepted_rows} accepted "
                         f"+ {self.rejected_rows} rejected + {self.collapsed_duplicate_rows} collapsed duplicates "
                         f"= {explained}")
        if self.loaded_rows is None:
            found.append(f"{self.source_table}: no table {RAW_SCHEMA}.{self.source_table} in the warehouse")
        elif self.loaded_rows != self.raw_rows:
            found.append(f"{self.source_table}: {ACCOUNTING} counts {self.raw_rows} raw rows but "
                         f"{RAW_SCHEMA}.{self.source_table} holds {self.loaded_rows}")
        return found


def check_accounting(database_path: Path | str) -> tuple[str, list[str]]:
    """(the accounting as a text table, one line per problem) for the warehouse at database_path."""
    path = Path(database_path)
    with closing(open_warehouse(path)) as connection:
        accounts = table_accounts(connection, path)
    columns = ["source_table", "raw_rows", "loaded_rows", "accepted_rows", "rejected_rows",
               "collapsed_duplicate_rows", "is_balanced"]
    text = format_table(columns, [astuple(account) for account in accounts])
    problems = [problem for account in accounts for problem in account.problems()]
    stated = {account.source_table for account in accounts}
    problems += [f"{name}: no row in {ACCOUNTING}" for name in load_contract().names if name not in stated]
    return text, problems


def table_accounts(connection: duckdb.DuckDBPyConnection, path: Path) -> list[TableAccount]:
    """The accounting rows, contract tables first in contract order, each with its own count of raw.<table>."""
    _, rows = fetch(connection, path, ACCOUNTING, ACCOUNTING_SQL)
    raw_tables = set(tables_in_schema(connection, RAW_SCHEMA))
    order = {name: index for index, name in enumerate(load_contract().names)}
    rows.sort(key=lambda row: (order.get(row[0], len(order)), row[0]))
    return [TableAccount(str(name), int(raw), _count_raw(connection, name, raw_tables), int(accepted),
                         int(rejected), int(collapsed), bool(balanced))
            for name, raw, accepted, rejected, collapsed, balanced in rows]


def _count_raw(connection: duckdb.DuckDBPyConnection, table: str, raw_tables: set[str]) -> int | None:
    if table not in raw_tables:
        return None
    row = connection.execute(f"select count(*) from {quote_identifier(RAW_SCHEMA)}.{quote_identifier(table)}")
    return int(row.fetchone()[0])


def rejected_counts(connection: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    """Source table -> rejected rows, for the tables that have any (sorted by table name)."""
    _, rows = fetch(connection, path, ACCOUNTING, f"select source_table, rejected_rows from {ACCOUNTING} "
                    "where rejected_rows > 0 order by source_table")
    return {str(table): int(count) for table, count in rows}

