"""The raw source contract, read from the dbt sources YAML files under models/staging.

Those files are the single list of raw tables and columns: dbt documents and tests them, and the
loader reads them through this module. Per table: its columns in order, `meta.required` (a missing file
is an error) and `meta.primary_key`. `meta` may also sit under `config:` (where newer dbt wants it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mrr_warehouse.project import staging_dir


class ContractError(ValueError):
    """The sources YAML is malformed: a bug in the project, not in the user's files."""


@dataclass(frozen=True)
class RawTable:
    name: str
    columns: tuple[str, ...]
    required: bool
    primary_key: tuple[str, ...]


@dataclass(frozen=True)
class Contract:
    schema: str
    tables: tuple[RawTable, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(table.name for table in self.tables)

    def table(self, name: str) -> RawTable:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)


def load_contract(folder: Path | None = None) -> Contract:
    """Every source table declared in the YAML files of `folder` (default: models/staging), in file order."""
    folder = folder or staging_dir()
    entries = [entry for path in _yaml_files(folder) for entry in _source_tables(path)]
    if not entries:
        raise ContractError(f"no source tables declared in {folder}")
    schemas = {schema for schema, _ in entries}
    if len(schemas) != 1:
        raise ContractError(f"raw tables must share one schema, found {sorted(schemas)}")
    tables = tuple(table for _, table in entries)
    _check_unique("table", [table.name for table in tables], str(folder))
    return Contract(schema=schemas.pop(), tables=tables)


def _yaml_files(folder: Path) -> list[Path]:
    return sorted([*folder.rglob("*.yml"), *folder.rglob("*.yaml")])


def _source_tables(path: Path) -> Iterator[tuple[str, RawTable]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for source in document.get("sources") or []:
        schema = source.get("schema") or source["name"]
        for table in source.get("tables") or []:
            yield schema, _raw_table(table, f"{path.name}: {table.get('name')}")


def _raw_table(table: dict[str, Any], where: str) -> RawTable:
    meta = (table.get("config") or {}).get("meta") or table.get("meta") or {}
    columns = tuple(str(column["name"]) for column in table.get("columns") or [])
    primary_key = tuple(str(column) for column in meta.get("primary_key") or [])
    required = meta.get("required")
    if not columns:
        raise ContractError(f"{where}: no columns")
    _check_unique("column", list(columns), where)
    if not isinstance(required, bool):
        raise ContractError(f"{where}: meta.required must be true or false, got {required!r}")
    unknown_key = [column for column in primary_key if column not in columns]
    if not primary_key or unknown_key:
        raise ContractError(f"{where}: meta.primary_key must list some of its columns, got {list(primary_key)}")
    return RawTable(name=str(table["name"]), columns=columns, required=required, primary_key=primary_key)


def _check_unique(kind: str, names: list[str], where: str) -> None:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ContractError(f"{where}: {kind} declared twice: {', '.join(repeated)}")
