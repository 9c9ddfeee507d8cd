"""The `mrr` command. Subcommands only parse their arguments and delegate to the modules that do the work.

Adding a subcommand: write `register(subparsers) -> argparse.ArgumentParser` next to the code it runs
(add_parser, add_argument..., then `set_defaults(func=handler)` with `handler(args) -> exit code`),
and add it to SUBCOMMANDS below. Errors the user can fix are MrrError subclasses: they are caught once,
here, and printed one line per problem as `mrr: error: ...` on stderr, with the error's exit code (2).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from mrr_warehouse import bench, generate
from mrr_warehouse.accounting import check_accounting
from mrr_warehouse.build import build
from mrr_warehouse.errors import AccountingError, MrrError, UsageError
from mrr_warehouse.export import export_marts
from mrr_warehouse.freshness import DEFAULT_STALE_AFTER_DAYS
from mrr_warehouse.inputs import load_inputs
from mrr_warehouse.project import default_data_dir, default_database
from mrr_warehouse.report import DEFAULT_MONTHS, bridge_report, recomputed_months

Registrar = Callable[[Any], argparse.ArgumentParser]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def main(argv: Sequence[str] | None = None) -> int:
    _configure_logging()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except MrrError as error:
        for line in str(error).splitlines() or [type(error).__name__]:
            print(f"mrr: error: {line}", file=sys.stderr)
        return error.exit_code


def run() -> NoReturn:
    """The `mrr` script: main() with the cyclic garbage collector off, then exit without the interpreter's teardown.

    When main() returns, every database it opened is closed (a build has published its file); all a
    normal exit has left to do is free memory, and freeing dbt's parsed project object by object takes
    Python ~0.3 s after each build. So run the exit handlers (logging's, dbt-duckdb's), flush, and
    leave, as mypy does for the same reason. For the same reason the collector stays off: a build
    pauses it while dbt runs (build.cyclic_gc_paused), and turned back on it went through the ~700k
    objects dbt had left, 0.2-0.25 s before the build could publish, to free memory the exit frees anyway.
    """
    gc.disable()
    code = main()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mrr", description="Build and inspect the MRR warehouse.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in SUBCOMMANDS:
        register(subparsers)
    return parser


# ---------------------------------------------------------------------------------------------------
# build / load / report
# ---------------------------------------------------------------------------------------------------


def register_build(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "build", help="load the raw files, run dbt build, publish the warehouse and print the bridge",
        description="Load the raw files into a copy of the published DuckDB file, run `dbt build` (models and "
        "data tests; the month models recompute only the months whose inputs changed) and replace the published "
        "file only if everything passed.")
    _add_data_argument(parser)
    _add_database_argument(parser)
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="snapshot date of the last month (default: today)")
    parser.add_argument("--full-refresh", action="store_true",
                        help="start from an empty file instead of a copy of the published one (drops the reported "
                        "history and the stored months of incremental models) and pass --full-refresh to dbt build")
    parser.add_argument("--strict", action="store_true",
                        help="fail the build, and publish nothing, when any input row is rejected")
    parser.add_argument("--stale-after-days", type=int, default=DEFAULT_STALE_AFTER_DAYS, metavar="N",
                        help="warn when the newest business date in the inputs is more than N days before as_of "
                        "(default: %(default)s)")
    parser.set_defaults(func=_run_build)
    return parser


def _run_build(args: argparse.Namespace) -> int:
    published = build(args.data, parse_as_of(args.as_of), args.database, args.full_refresh,
                      strict=args.strict, stale_after_days=args.stale_after_days)
    print(f"published {published}: {recomputed_months(published)}")
    print(bridge_report(published))
    return 0


def register_load(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "load", help="only load the raw files into the database (then plain `dbt build` works)",
        description="Check the raw files against the source contract and load them into the `raw` schema.")
    _add_data_argument(parser)
    _add_database_argument(parser)
    parser.set_defaults(func=_run_load)
    return parser


def _run_load(args: argparse.Namespace) -> int:
    counts = load_inputs(args.data, args.database)
    print(f"loaded {sum(counts.values()):,} rows in {len(counts)} tables from {args.data} into {args.database}")
    return 0


def register_report(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("report", help="print the last months of the MRR bridge")
    _add_database_argument(parser)
    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS,
                        help="how many months, most recent last (default: %(default)s)")
    parser.set_defaults(func=_run_report)
    return parser


def _run_report(args: argparse.Namespace) -> int:
    print(bridge_report(args.database, args.months))
    return 0


# ---------------------------------------------------------------------------------------------------
# check / export
# ---------------------------------------------------------------------------------------------------


def register_check(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "check", help="prove every raw row was accepted, rejected or collapsed as an exact duplicate",
        description="Print marts.source_row_accounting (per source table: raw = accepted + rejected + collapsed "
        "exact duplicates) and compare its raw rows with the rows of raw.<table> in the same file. Exit code 0 "
        "when every table balances. The warehouse is opened read-only.")
    _add_database_argument(parser)
    parser.set_defaults(func=_run_check)
    return parser


def _run_check(args: argparse.Namespace) -> int:
    table, problems = check_accounting(args.database)
    print(table)
    if problems:
        raise AccountingError("\n".join(problems))
    print("every raw row is accounted for")
    return 0


def register_export(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "export", help="write every mart as a Parquet file",
        description="Write every table of schema marts to DIR/<table>.parquet. The warehouse is opened read-only.")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the Parquet files")
    _add_database_argument(parser)
    parser.set_defaults(func=_run_export)
    return parser


def _run_export(args: argparse.Namespace) -> int:
    files = export_marts(args.database, args.out)
    print(f"wrote {len(files)} Parquet files to {args.out}")
    return 0


# ---------------------------------------------------------------------------------------------------
# Shared arguments and parsing
# ---------------------------------------------------------------------------------------------------


def _add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=default_data_dir(), metavar="DIR",
                        help="folder with one CSV or Parquet file per raw table (default: %(default)s)")


def _add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", type=Path, default=default_database(), metavar="PATH",
                        help="DuckDB file (default: %(default)s)")


def parse_as_of(text: str | None) -> date | None:
    """--as-of as a date; None when not given. Only YYYY-MM-DD is accepted."""
    if text is None:
        return None
    try:
        if ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(f"--as-of must be a date YYYY-MM-DD, got {text!r}")


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (so output captured by tests lands in the right place)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"mrr: {record.levelname.lower()}: {record.getMessage()}", file=sys.stderr)


def _configure_logging() -> None:
    logger = logging.getLogger("mrr_warehouse")
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        logger.addHandler(_StderrHandler())
    logger.setLevel(logging.INFO)


SUBCOMMANDS: tuple[Registrar, ...] = (register_build, register_load, register_report, generate.register,
                                       bench.register, register_check, register_export)
