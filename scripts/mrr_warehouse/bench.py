"""`mrr bench`: how long `mrr build` takes, and how much memory, next to plain-DuckDB references on the same data.

For each size (accounts, smallest first):
1. the raw extract comes from `mrr generate` (Parquet, months + 1 months ending END_MONTH; the last one is the
   "new month"), or from the cache folder when it was generated before with the same accounts, months and seed;
2. analyses/lower_bound_account_mrr.sql and analyses/naive_account_mrr.sql, compiled by dbt once per bench (they
   share a macro), run in plain DuckDB, each in a child process that first loads the same files into a fresh
   database with the project's loader (load included);
3. `mrr build --full-refresh` runs with as_of = the last day of month M (the new month excluded);
4. both references are compared with marts.fct_mrr (rows with mrr > 0), to the cent;
5. `mrr build` runs again on the same database with as_of = the last day of month M + 1 (incremental).
Every step is a child process, timed wall-clock; its process tree's resident memory is summed over the tree's
processes (pages they share count twice) and sampled every 50 ms from /proc. Only the generated input is reused
between runs, never a build. The table is printed and written, with more detail, to the cache folder as JSON.
`python -m mrr_warehouse.bench DATA DATABASE SQL AS_OF RESULT` is the reference-query child (not for users).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from mrr_warehouse import generate
from mrr_warehouse.build import SILENT_DBT_ARGS, dbt_settings, run_dbt
from mrr_warehouse.errors import UsageError
from mrr_warehouse.inputs import load_inputs
from mrr_warehouse.project import project_root
from mrr_warehouse.report import format_table

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_MONTHS = 60
DEFAULT_SEED = 42
# The new month. Fixed, so that cached extracts stay valid and runs on different days compare.
END_MONTH = date(2025, 12, 1)
DATA_FORMAT = "parquet"
POLL_SECONDS = 0.05
GIGABYTE = 1024**3
SLOWEST_NODES = 10
REFERENCES = {"lower bound": "lower_bound_account_mrr", "naive": "naive_account_mrr"}
COLUMNS = ("accounts", "active account-months", "input rows", "full build s", "incremental s", "peak RSS GB",
           "lower bound s", "naive s", "full/lower bound", "naive/full")
RESULTS_FILE = "bench-results.json"


@dataclass
class Step:
    """One timed child process: wall seconds, peak RSS of its process tree, and why it failed (None: it passed)."""

    seconds: float
    peak_rss_gb: float | None
    error: str | None = None
    log: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class SizeResult:
    accounts: int
    data_dir: str
    input_rows: int
    generate_seconds: float | None  # None: the extract was reused from the cache
    active_account_months: int | None = None
    references_match_fct_mrr: dict[str, bool] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)

    def seconds(self, step: str) -> float | None:
        result = self.steps.get(step)
        return result.seconds if result is not None and result.error is None else None


# ---------------------------------------------------------------------------------------------------
# The subcommand
# ---------------------------------------------------------------------------------------------------


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `bench` subcommand; its namespace's `func(args)` runs the benchmark and returns the exit code."""
    parser = subparsers.add_parser(
        "bench", help="time full and incremental builds against plain-DuckDB references on generated data",
        description="Generate (or reuse) synthetic extracts, then per size time the reference queries of analyses/, "
        "a full `mrr build` and an incremental one-month `mrr build`, with the peak memory of each process tree.")
    parser.add_argument("--sizes", type=_parse_sizes, default=",".join(map(str, DEFAULT_SIZES)), metavar="N,N,...",
                        help="accounts per run, comma-separated (default: %(default)s)")
    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS,
                        help="months of history before the new month (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=None, metavar="DIR",
                        help="folder for generated extracts, builds and results (default: target/bench-data)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed (default: %(default)s)")
    parser.set_defaults(func=_run)
    return parser


def _parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        sizes = ()
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"expected positive account counts like 10000,100000, got {text!r}")
    return sizes


def _run(args: argparse.Namespace) -> int:
    """Exit code 1 when a step failed or a reference disagreed with marts.fct_mrr (the table says which)."""
    results = bench(args.sizes, args.months, args.seed, args.cache)
    return 0 if all(not _problems(result) for result in results) else 1


def bench(sizes: Sequence[int], months: int = DEFAULT_MONTHS, seed: int = DEFAULT_SEED,
          cache_dir: Path | None = None, echo: Callable[[str], None] = print) -> list[SizeResult]:
    """Run every size, smallest first; print the table and write it as JSON into cache_dir. Returns the results."""
    if months < 1:
        raise UsageError(f"--months must be at least 1, got {months}")
    cache = Path(cache_dir or project_root() / "target" / "bench-data").resolve()
    if cache.exists() and not cache.is_dir():
        raise UsageError(f"--cache {cache}: not a folder")
    cache.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    queries = compile_reference_queries(cache / "reference-queries")
    results = []
    for accounts in sorted(sizes):
        echo(f"bench: {accounts:,} accounts x {months} months (+1 new month)...")
        results.append(bench_size(accounts, months, seed, cache, queries, echo))
    environment = _environment(load_before, os.getloadavg())
    echo(render(results, environment))
    _write_json(cache / RESULTS_FILE, months, seed, environment, results)
    return results


# ---------------------------------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------------------------------


def compile_reference_queries(folder: Path) -> dict[str, Path]:
    """The analyses REFERENCES names, compiled by dbt into plain DuckDB SQL files in folder: {table: file}."""
    folder.mkdir(parents=True, exist_ok=True)
    root = str(project_root())
    args = ["compile", "--select", *REFERENCES.values(), "--project-dir", root, "--profiles-dir", root,
            "--target-path", str(folder / "dbt-target"), "--log-path", str(folder), *SILENT_DBT_ARGS]
    database = folder / "compile.duckdb"  # dbt connects while compiling; nothing is written to it
    result = run_dbt(args, database, dbt_settings(database, None))
    queries = {}
    for node in (node_result.node for node_result in result.result.results):
        queries[node.name] = folder / f"{node.name}.sql"
        queries[node.name].write_text(node.compiled_code, encoding="utf-8")
    return queries


def as_of_dates(end_month: date = END_MONTH) -> tuple[date, date]:
    """(last day of month M, last day of month M + 1 = the new month)."""
    following = (end_month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return end_month - timedelta(days=1), following - timedelta(days=1)


def bench_size(accounts: int, months: int, seed: int, cache: Path, queries: dict[str, Path],
               echo: Callable[[str], None] = print) -> SizeResult:
    data_dir, counts, generate_seconds = ensure_data(cache, accounts, months, seed)
    made = "reused" if generate_seconds is None else f"generated in {generate_seconds:.1f} s"
    echo(f"bench:   extract: {sum(counts.values()):,} rows, {made} ({data_dir})")
    result = SizeResult(accounts, str(data_dir), sum(counts.values()), generate_seconds)
    run_dir = cache / "runs" / f"accounts-{accounts}"
    shutil.rmtree(run_dir, ignore_errors=True)  # never reuse a build
    run_dir.mkdir(parents=True)
    full_as_of, new_month_as_of = as_of_dates()
    for label, table in REFERENCES.items():
        result.steps[label] = _reference_step(data_dir, run_dir, queries[table], full_as_of)
        echo(_progress(label, result.steps[label]))
    warehouse = run_dir / "warehouse.duckdb"
    for label, as_of, full_refresh in (("full", full_as_of, True), ("incremental", new_month_as_of, False)):
        result.steps[label] = _build_step(data_dir, warehouse, as_of, full_refresh, run_dir, label)
        echo(_progress(f"{label} build", result.steps[label]))
        if label == "full":
            _check_against_fct_mrr(result, warehouse, run_dir)
        if result.steps[label].error is not None:
            break  # the incremental build needs the full one
    for table in REFERENCES.values():
        (run_dir / f"{table}.duckdb").unlink(missing_ok=True)
    return result


def _progress(label: str, step: Step) -> str:
    outcome = f"failed: {step.error}" if step.error else f"{step.seconds:.1f} s"
    return f"bench:   {label}: {outcome}"


def ensure_data(cache: Path, accounts: int, months: int, seed: int) -> tuple[Path, dict[str, int], float | None]:
    """The cached extract for (accounts, months, seed), generated first when missing: (folder, rows per table, s)."""
    folder = cache / "data" / f"accounts-{accounts}_months-{months}+1_seed-{seed}_end-{END_MONTH:%Y-%m}"
    # Beside the extract, not in it: a build warns about every file in --data that no table reads.
    counts_file = folder.with_name(folder.name + ".row_counts.json")
    if counts_file.is_file() and folder.is_dir():
        return folder, json.loads(counts_file.read_text(encoding="utf-8")), None
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    started = time.perf_counter()
    counts = generate.generate(accounts, months + 1, seed, DATA_FORMAT, partial, end_month=END_MONTH)
    seconds = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    counts_file.write_text(json.dumps(counts, indent=2), encoding="utf-8")  # last: its extract is complete
    return folder, counts, seconds


def _build_step(data_dir: Path, warehouse: Path, as_of: date, full_refresh: bool, run_dir: Path, label: str) -> Step:
    command = [sys.executable, "-m", "mrr_warehouse", "build", "--data", str(data_dir), "--database", str(warehouse),
               "--as-of", as_of.isoformat()]
    target_path = run_dir.parent.parent / "dbt-target"  # shared by every run, so dbt parses partially as usual
    run_results = target_path / "run_results.json"
    run_results.unlink(missing_ok=True)  # a build that stops early writes none: never report the previous one's
    step = measure([*command, "--full-refresh"] if full_refresh else command, run_dir / f"{label}.log",
                   {"DBT_TARGET_PATH": str(target_path), "DBT_LOG_PATH": str(run_dir / "dbt-logs")})
    if run_results.is_file():
        kept = run_dir / f"{label}-run_results.json"
        shutil.copyfile(run_results, kept)
        step.details = slowest_nodes(kept)
    return step


def _reference_step(data_dir: Path, run_dir: Path, sql: Path, as_of: date) -> Step:
    table = sql.stem
    database, result_file = run_dir / f"{table}.duckdb", run_dir / f"{table}.json"
    command = [sys.executable, "-m", "mrr_warehouse.bench", str(data_dir), str(database), str(sql),
               as_of.isoformat(), str(result_file)]
    step = measure(command, run_dir / f"{table}.log")
    if step.error is None:
        step.details = json.loads(result_file.read_text(encoding="utf-8"))
    return step


def _check_against_fct_mrr(result: SizeResult, warehouse: Path, run_dir: Path) -> None:
    """Active account-months of the full build, and whether each reference gave exactly its (month, account, mrr).

    Without a full build the lower bound's row count stands in (the same rows whenever both pass).
    """
    if result.steps["full"].error is not None:
        lower_bound = result.steps["lower bound"]
        result.active_account_months = None if lower_bound.error else lower_bound.details.get("rows")
        return
    with closing(duckdb.connect()) as connection:
        connection.execute("attach ? as warehouse (read_only)", [str(warehouse)])
        active = "select month, account_id, mrr from warehouse.marts.fct_mrr where mrr > 0"
        result.active_account_months = connection.execute(f"select count(*) from ({active})").fetchone()[0]
        for label, table in REFERENCES.items():
            if result.steps[label].error is None:
                connection.execute(f"attach ? as {table} (read_only)", [str(run_dir / f"{table}.duckdb")])
                reference = f"select month, account_id, mrr from {table}.{table}"
                result.references_match_fct_mrr[label] = _same_rows(connection, active, reference)


def _same_rows(connection: duckdb.DuckDBPyConnection, left: str, right: str) -> bool:
    differences = f"select count(*) from (({left}) except all ({right})) union all " \
                  f"select count(*) from (({right}) except all ({left}))"
    return all(count == 0 for (count,) in connection.execute(differences).fetchall())


def slowest_nodes(run_results: Path, limit: int = SLOWEST_NODES) -> dict[str, Any]:
    """dbt's own elapsed time and its slowest nodes from a run_results.json."""
    document = json.loads(run_results.read_text(encoding="utf-8"))
    nodes = sorted(document.get("results", []), key=lambda node: node.get("execution_time", 0), reverse=True)
    return {"dbt_elapsed_seconds": round(document.get("elapsed_time", 0.0), 2),
            "slowest_nodes": [[node["unique_id"], round(node["execution_time"], 2)] for node in nodes[:limit]]}


# ---------------------------------------------------------------------------------------------------
# Timing a child process and the memory of its process tree
# ---------------------------------------------------------------------------------------------------


def measure(command: Sequence[str], log: Path, extra_env: dict[str, str] | None = None) -> Step:
    """Run command with its output in log; wall seconds and the peak summed RSS of its process tree."""
    env = {**os.environ, **(extra_env or {}), "PYTHONPATH": _python_path()}
    peak = 0
    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=output, stderr=subprocess.STDOUT, env=env)
        try:
            peak = _wait_sampling_rss(process)
        finally:
            if process.poll() is None:  # interrupted: leave no runaway child behind
                process.kill()
                process.wait()
        seconds = time.perf_counter() - started
    error = None if process.returncode == 0 else _failure_reason(log, process.returncode)
    return Step(round(seconds, 2), round(peak / GIGABYTE, 2) if peak else None, error, str(log))


def _wait_sampling_rss(process: subprocess.Popen) -> int:
    peak = 0
    while True:
        peak = max(peak, tree_rss(process.pid))
        try:
            process.wait(timeout=POLL_SECONDS)
            return peak
        except subprocess.TimeoutExpired:
            continue


def tree_rss(root: int) -> int:
    """Resident bytes of root and all its descendants, from /proc (0 where there is no /proc)."""
    children: dict[int, list[int]] = defaultdict(list)
    for pid, parent in _parents():
        children[parent].append(pid)
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += _rss(pid)
        pending.extend(children.get(pid, ()))
    return total


def _parents() -> list[tuple[int, int]]:
    pairs = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text(encoding="utf-8")
        except OSError:  # the process ended meanwhile
            continue
        pairs.append((int(entry.name), int(stat.rsplit(")", 1)[1].split()[1])))
    return pairs


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text(encoding="utf-8").split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _python_path() -> str:
    """The folder holding this package first, so the children import this very code."""
    return os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")]))


def _failure_reason(log: Path, returncode: int) -> str:
    lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("mrr: error:")]
    last = (errors or lines or [""])[-1]
    return f"exit code {returncode}{': ' if last else ''}{last[:300]} (log: {log})"


# ---------------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------------


def render(results: Sequence[SizeResult], environment: dict[str, Any]) -> str:
    rows = [_row(result) for result in results]
    notes = [
        "full / incremental: wall seconds of `mrr build` in a child process (start-up, load of the raw files, "
        "every model and test, publish); the incremental build adds the new month to the full build's database.",
        "lower bound / naive: wall seconds of a child that loads the same files with the same loader "
        "(" + ", ".join(f"{_load_seconds(result)} s" for result in results) + ") and runs the query of analyses/.",
        "peak RSS GB: the larger of the two builds that passed, summed over each build's process tree.",
        f"machine: {environment['cpu_count']} CPUs, {environment['memory_gb']} GB; load average "
        f"{environment['load_average_before'][0]:.2f} before, {environment['load_average_after'][0]:.2f} after.",
    ]
    notes += [problem for result in results for problem in _problems(result)]
    return "\n".join([format_table(COLUMNS, rows), "", *notes])


def _row(result: SizeResult) -> list[object]:
    full, lower, naive = result.seconds("full"), result.seconds("lower bound"), result.seconds("naive")
    peaks = [step.peak_rss_gb for label in ("full", "incremental")
             if (step := result.steps.get(label)) and step.error is None and step.peak_rss_gb is not None]
    return [result.accounts, _or_dash(result.active_account_months), result.input_rows,
            *(_seconds_cell(result, label) for label in ("full", "incremental")), max(peaks) if peaks else "-",
            *(_seconds_cell(result, label) for label in ("lower bound", "naive")),
            _ratio(full, lower), _ratio(naive, full)]


def _seconds_cell(result: SizeResult, label: str) -> object:
    step = result.steps.get(label)
    if step is None:
        return "skipped"
    return "failed" if step.error else step.seconds


def _ratio(numerator: float | None, denominator: float | None) -> object:
    return round(numerator / denominator, 2) if numerator and denominator else "-"


def _or_dash(value: object) -> object:
    return "-" if value is None else value


def _load_seconds(result: SizeResult) -> str:
    step = result.steps.get("lower bound")
    seconds = step.details.get("load_seconds") if step else None
    return f"{result.accounts:,}: {seconds:.1f}" if seconds is not None else f"{result.accounts:,}: -"


def _problems(result: SizeResult) -> list[str]:
    problems = [f"{result.accounts:,} accounts: {label} failed: {step.error}"
                for label, step in result.steps.items() if step.error]
    problems += [f"{result.accounts:,} accounts: {label} does NOT match marts.fct_mrr"
                 for label, matches in result.references_match_fct_mrr.items() if not matches]
    if "full" in result.steps and "incremental" not in result.steps:
        problems.append(f"{result.accounts:,} accounts: incremental skipped (no full build to add a month to)")
    return problems


def _environment(load_before: tuple[float, float, float], load_after: tuple[float, float, float]) -> dict[str, Any]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpu_count": os.cpu_count(), "memory_gb": round(memory / GIGABYTE, 1),
            "load_average_before": [round(value, 2) for value in load_before],
            "load_average_after": [round(value, 2) for value in load_after]}


def _write_json(path: Path, months: int, seed: int, environment: dict[str, Any],
                results: Sequence[SizeResult]) -> None:
    full_as_of, new_month_as_of = as_of_dates()
    document = {
        "months": months, "seed": seed, "end_month": END_MONTH.isoformat(), "full_as_of": full_as_of.isoformat(),
        "incremental_as_of": new_month_as_of.isoformat(), "environment": environment,
        "table": {"columns": list(COLUMNS), "rows": [_row(result) for result in results]},
        "sizes": [asdict(result) for result in results],
    }
    path.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")


# ---------------------------------------------------------------------------------------------------
# The reference-query child: python -m mrr_warehouse.bench DATA DATABASE SQL AS_OF RESULT
# ---------------------------------------------------------------------------------------------------


def run_reference_query(data_dir: Path, database: Path, sql_file: Path, as_of: date) -> dict[str, Any]:
    """Load data_dir into a fresh database with the project's loader, then run one compiled query of analyses/."""
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    load_inputs(data_dir, database)
    loaded = time.perf_counter()
    with closing(duckdb.connect(str(database))) as connection:
        connection.execute(f"set variable as_of = date '{as_of.isoformat()}'")
        connection.execute(sql_file.read_text(encoding="utf-8"))
        queried = time.perf_counter()
        rows = connection.execute(f"select count(*) from {sql_file.stem}").fetchone()[0]
    return {"load_seconds": round(loaded - started, 2), "query_seconds": round(queried - loaded, 2), "rows": rows}


def _reference_main(argv: Sequence[str]) -> int:
    data_dir, database, sql_file, as_of, result_file = argv
    result = run_reference_query(Path(data_dir), Path(database), Path(sql_file), date.fromisoformat(as_of))
    Path(result_file).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_reference_main(sys.argv[1:]))
