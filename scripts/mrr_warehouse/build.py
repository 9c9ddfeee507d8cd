"""Build the warehouse: load the raw files into a fresh DuckDB file, run `dbt build` on it, publish atomically.

The new file is built in a temporary folder next to the target, under the target's own file name (dbt-duckdb
names the catalog after the file name, and views keep that name). Only when every model and every
error-level test passed is it moved onto the target with os.replace, so a failed build leaves the
previously published file exactly as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from mrr_warehouse.errors import BuildError, UsageError
from mrr_warehouse.inputs import load_inputs, open_database
from mrr_warehouse.project import default_data_dir, default_database, project_root

DATABASE_ENV = "MRR_DUCKDB_PATH"
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
SHOWN_FAILURES = 10


def build(
    data_dir: Path | str | None = None,
    as_of: date | None = None,
    database_path: Path | str | None = None,
    full_refresh: bool = False,
) -> Path:
    """Load data_dir (default: seeds/) and build every model and test; publish onto database_path.

    Returns the published path. Raises InputError (bad raw files) or BuildError (a node failed);
    in both cases the file at database_path is left untouched.
    """
    target = Path(database_path or default_database()).resolve()
    if not target.parent.is_dir():
        raise UsageError(f"{target}: the folder {target.parent} does not exist")
    work_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        staged = work_dir / target.name
        load_inputs(Path(data_dir or default_data_dir()), staged)
        run_dbt(dbt_build_args(as_of, full_refresh), staged)
        publish(staged, target)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return target


def dbt_build_args(as_of: date | None, full_refresh: bool) -> list[str]:
    root = str(project_root())
    args = ["build", "--project-dir", root, "--profiles-dir", root]
    if as_of is not None:
        args += ["--vars", json.dumps({"as_of": as_of.isoformat()})]
    if full_refresh:
        args.append("--full-refresh")
    return args


def run_dbt(args: Sequence[str], database: Path) -> None:
    """Invoke dbt in-process against database; raise BuildError naming the failed nodes."""
    from dbt.cli.main import dbtRunner  # imported here: dbt takes a while to import, and only builds need it

    with environment({DATABASE_ENV: str(database)}):
        try:
            result = dbtRunner().invoke(list(args))
        finally:
            _release_dbt_database()
    check_result(result)


def _release_dbt_database() -> None:
    """Close the DuckDB instance dbt-duckdb keeps open after invoke (its `keep_open` defaults to true).

    Until it is closed the file is still being written to (and has a .wal beside it), so it cannot be published.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
        DuckDBConnectionManager.close_all_connections()


def check_result(result: Any) -> None:
    """Raise BuildError unless the dbtRunnerResult says every node passed (warnings are fine)."""
    node_results = getattr(result.result, "results", None) or []
    failures = [_describe_failure(node) for node in node_results if str(node.status).lower() in FAILED_STATUSES]
    if failures:
        shown = "; ".join(failures[:SHOWN_FAILURES])
        more = f"; and {len(failures) - SHOWN_FAILURES} more" if len(failures) > SHOWN_FAILURES else ""
        raise BuildError(f"dbt build failed: {shown}{more}")
    if not result.success:
        reason = _one_line(str(result.exception)) if result.exception else "see the dbt output above"
        raise BuildError(f"dbt build failed: {reason}")


def _describe_failure(node_result: Any) -> str:
    """`<unique_id> (<status>: <dbt's message on one line>)`."""
    message = _one_line(str(node_result.message or ""))
    return f"{node_result.node.unique_id} ({node_result.status}{': ' if message else ''}{message})"


def _one_line(text: str) -> str:
    return " ".join(text.split())


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def publish(staged: Path, target: Path) -> None:
    """Atomically replace target with staged (same folder tree, same file system)."""
    _checkpoint(staged)
    _settle_wal(target)
    _fsync(staged)
    staged.replace(target)  # os.replace: atomic on one file system
    _fsync(target.parent)


def _checkpoint(database: Path) -> None:
    """Fold any write-ahead log into the file itself, so the file alone is the whole database."""
    with closing(open_database(database)) as connection:
        connection.execute("checkpoint")


def _settle_wal(target: Path) -> None:
    """A leftover `<target>.wal` would be replayed onto the new file: let DuckDB fold it into the old one first.

    Opening fails when another process is writing to the target; then nothing is published.
    """
    if not Path(f"{target}.wal").exists():
        return
    try:
        _checkpoint(target)
    except UsageError as error:
        raise BuildError(f"not published: {error} (is another process writing to it?)") from error


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
