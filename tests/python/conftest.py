"""Shared real builds, each built once per test run and only read afterwards (tests that change a
warehouse work on a copy of it). With pytest-xdist every worker has session fixtures of its own, so the
builds go through built_once: the first worker to ask builds, the others wait for it and read the same files.

- demo_warehouse: the demo company, plus one account whose ids are SQL, from a folder whose name is SQL (the
  tests of `mrr check`, `mrr export`, --strict, idempotency, hostile inputs, readers during builds, the port);
- edge_company: each hand-made company of edge_companies.py at the as_of its cases are about (the edge-case
  tests and the port).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import edge_companies
import pytest
from contract_files import write_required, write_table
from raw_folder import write_raw_folder
from warehouse_builds import AS_OF, append_rows, copy_seeds, run_build

HOSTILE_FOLDER = "it's; drop table x; --"
HOSTILE_ACCOUNT = "'; drop table raw.crm_accounts; --"
HOSTILE_CUSTOMER = 'cus_"; select 1; --'
HOSTILE_SUBSCRIPTION = "sub_'); delete from raw.billing_plans; --"
HOSTILE_ACCOUNT_MRR = 198  # 2 seats of plan_pro_m_usd (99.00 a month), from 2025-02 on, never ended


@dataclass(frozen=True)
class Warehouse:
    data: Path
    database: Path


def add_hostile_account(data: Path) -> None:
    append_rows(data, "crm_accounts", [{
        "account_id": HOSTILE_ACCOUNT, "account_name": "Robert'); drop table students; --", "segment": "smb",
        "industry": "software", "region": "EMEA", "owner": "O'Brien", "created_at": "2025-01-15"}])
    append_rows(data, "billing_customers", [{
        "customer_id": HOSTILE_CUSTOMER, "account_id": HOSTILE_ACCOUNT, "customer_name": "Bobby Tables",
        "email": "bobby@tables.example.com", "currency": "USD", "created_at": "2025-01-15"}])
    append_rows(data, "billing_subscriptions", [{
        "subscription_id": HOSTILE_SUBSCRIPTION, "customer_id": HOSTILE_CUSTOMER, "created_at": "2025-02-01",
        "status": "active"}])
    append_rows(data, "billing_subscription_items", [{
        "subscription_item_id": "si_';--", "subscription_id": HOSTILE_SUBSCRIPTION, "plan_id": "plan_pro_m_usd",
        "quantity": "2"}])


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The demo seeds + the hostile account, from `<tmp>/it's; drop table x; --/`, built at AS_OF into
    `<tmp>/it's; drop table x; --.out/warehouse.duckdb` with --full-refresh. Read it, never write to it."""
    return _demo_paths(built_once(tmp_path_factory, "demo", _build_demo))


def _demo_paths(root: Path) -> Warehouse:
    return Warehouse(data=root / HOSTILE_FOLDER, database=root / f"{HOSTILE_FOLDER}.out" / "warehouse.duckdb")


def _build_demo(root: Path) -> None:
    demo = _demo_paths(root)
    add_hostile_account(copy_seeds(demo.data))
    run_build(demo.data, AS_OF, demo.database, full_refresh=True)


@dataclass(frozen=True)
class BuiltCompany:
    name: str
    data: Path
    as_of: date
    database: Path


@pytest.fixture(scope="session", params=sorted(edge_companies.AS_OF))
def edge_company(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BuiltCompany:
    name, as_of = request.param, edge_companies.AS_OF[request.param]

    def build(root: Path) -> None:
        data = write_raw_folder(root / "data", getattr(edge_companies, name)())
        run_build(data, as_of, root / "out" / "warehouse.duckdb", full_refresh=True)

    root = built_once(tmp_path_factory, name, build)
    return BuiltCompany(name, root / "data", as_of, root / "out" / "warehouse.duckdb")


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name` of this test run, filled by build(folder) in the first process that asks for it.

    Under xdist the run's temporary folder is the parent of each worker's; a file lock makes a second worker
    wait for the build instead of repeating it (each ~10-25 s of dbt on a core the other worker needs)."""
    base = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        base = base.parent
    root, built = base / name, base / f"{name}.built"
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            build(root)
            built.touch()
    return root


@pytest.fixture
def demo_warehouse_copy(demo_warehouse: Warehouse, tmp_path: Path) -> Path:
    """A copy of the demo warehouse's file, for a test to change."""
    copy = tmp_path / demo_warehouse.database.name
    shutil.copyfile(demo_warehouse.database, copy)
    return copy


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The smallest raw folder the loader accepts: the required files, one plan."""
    folder = write_required(tmp_path / "data")
    write_table(folder, "billing_plans", [{"plan_id": "P1"}])
    return folder


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A previously published warehouse: a real DuckDB file whose bytes the tests compare."""
    target = tmp_path / "out" / "warehouse.duckdb"
    target.parent.mkdir()
    with duckdb.connect(str(target)) as connection:
        connection.execute("create table previous as select 42 as answer")
    return target
