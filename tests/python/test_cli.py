"""cli.py: user errors end as one `mrr: error:` line per problem on stderr and exit code 2; reports are aligned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from contract_files import CONTRACT, required_names, write_required, write_table

from mrr_warehouse.cli import build_parser, main

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _script_environment() -> dict[str, str]:
    """This environment, with this checkout's package first on the path of a child `python`."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(SCRIPTS), os.environ.get("PYTHONPATH", "")])}


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("mrr: error: ")]


def test_missing_files_exit_2_with_one_line_per_problem_in_a_real_process(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    completed = subprocess.run(
        [sys.executable, "-m", "mrr_warehouse", "load", "--data", str(empty), "--database", str(tmp_path / "w.duckdb")],
        capture_output=True, text=True, env=_script_environment(), check=False)
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert lines == _error_lines(completed.stderr)
    assert len(lines) == len(required_names())
    for name in required_names():
        assert sum(f"{name}.csv" in line for line in lines) == 1


def test_the_script_exits_hard_after_flushing_what_main_printed(demo_warehouse, capsys):
    """run() skips the interpreter's teardown: piped output must still arrive whole, with main's exit code."""
    assert main(["report", "--database", str(demo_warehouse.database), "--months", "24"]) == 0
    printed = capsys.readouterr().out
    completed = subprocess.run(
        [sys.executable, "-m", "mrr_warehouse", "report", "--database", str(demo_warehouse.database), "--months", "24"],
        capture_output=True, text=True, env=_script_environment(), check=False)
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, printed, "")


def test_the_script_runs_main_without_the_cyclic_garbage_collector():
    """Collecting dbt's leftovers once a build has run delays its publishing; the exit frees them anyway."""
    program = ("import gc\nfrom mrr_warehouse import cli\n"
               "cli.main = lambda: print('collector on' if gc.isenabled() else 'collector off') or 3\ncli.run()")
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                               env=_script_environment(), check=False)
    assert (completed.returncode, completed.stdout, completed.stderr) == (3, "collector off\n", "")


def test_missing_column_exits_2_naming_file_and_column(tmp_path, capsys):
    data = write_required(tmp_path / "data")
    write_table(data, "crm_accounts", [], ["account_id", "account_name"])
    assert main(["load", "--data", str(data), "--database", str(tmp_path / "w.duckdb")]) == 2
    lines = _error_lines(capsys.readouterr().err)
    assert len(lines) == len(CONTRACT.table("crm_accounts").columns) - 2
    assert all("crm_accounts.csv: missing column" in line for line in lines)


@pytest.mark.parametrize("as_of", ["2026-13-01", "31/10/2026", "20261031", "tomorrow"])
def test_bad_as_of_exits_2_with_one_line_before_anything_is_built(tmp_path, capsys, as_of):
    database = tmp_path / "w.duckdb"
    assert main(["build", "--as-of", as_of, "--data", str(tmp_path), "--database", str(database)]) == 2
    captured = capsys.readouterr()
    assert _error_lines(captured.err) == [f"mrr: error: --as-of must be a date YYYY-MM-DD, got {as_of!r}"]
    assert captured.err.count("\n") == 1
    assert not database.exists()


@pytest.mark.parametrize(("name", "named"), [("it's", "'"), ('say"when', '"'), ("back\\slash", "\\"),
                                             ("a;b", ";"), ("(x)", "( or )")])
def test_a_database_name_dbt_cannot_quote_exits_2_before_anything_is_built(tmp_path, capsys, name, named):
    database = tmp_path / "out" / f"{name}.duckdb"
    assert main(["build", "--as-of", "2026-10-31", "--database", str(database)]) == 2
    assert _error_lines(capsys.readouterr().err) == [
        f"mrr: error: {database}: the database file name cannot hold {named}: use letters, digits, spaces and _ - . $"]
    assert not database.parent.exists()


@pytest.mark.parametrize("name", ["raw", "Marts", "system", "main"])
def test_a_database_named_like_a_schema_or_catalog_exits_2_before_anything_is_built(tmp_path, capsys, name):
    database = tmp_path / "out" / f"{name}.duckdb"
    assert main(["build", "--as-of", "2026-10-31", "--database", str(database)]) == 2
    assert _error_lines(capsys.readouterr().err) == [
        f"mrr: error: {database}: a database file cannot be named {name}, the name of a schema of the warehouse "
        "or of a DuckDB catalog; choose another name"]
    assert not database.parent.exists()


def test_load_into_a_database_named_like_a_schema_exits_2(tmp_path, capsys):
    database = tmp_path / "raw.duckdb"
    assert main(["load", "--database", str(database)]) == 2
    assert _error_lines(capsys.readouterr().err) == [
        f"mrr: error: {database}: a database file cannot be named raw, the name of a schema of the warehouse "
        "or of a DuckDB catalog; choose another name"]
    assert not database.exists()


def test_load_warns_about_an_unknown_column_and_succeeds(tmp_path, capsys):
    data = write_required(tmp_path / "data")
    write_table(data, "crm_accounts", [], [*CONTRACT.table("crm_accounts").columns, "favourite_colour"])
    assert main(["load", "--data", str(data), "--database", str(tmp_path / "w.duckdb")]) == 0
    captured = capsys.readouterr()
    assert "mrr: warning: " in captured.err
    assert "'favourite_colour'" in captured.err
    assert "loaded 0 rows in 13 tables" in captured.out


def test_report_prints_the_last_n_months_oldest_first_in_aligned_columns(tmp_path, capsys):
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("""
            create schema marts;
            create table marts.mrr_bridge_monthly as
            select cast(month as date) as month, cast(1000 * i + 0.5 as decimal(18, 2)) as closing_mrr,
                   cast(i as integer) as closing_customers
            from (select i, date '2025-01-01' + to_months(i) as month from range(14) as t(i))""")
    assert main(["report", "--database", str(database), "--months", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["month", "closing_mrr", "closing_customers"]
    assert [line.split()[0] for line in lines[2:]] == ["2025-12-01", "2026-01-01", "2026-02-01"]
    assert lines[-1].split() == ["2026-02-01", "13,000.50", "13"]
    assert len({len(line) for line in lines}) == 1  # numbers right-aligned to one edge


def test_report_without_a_warehouse_exits_2(tmp_path, capsys):
    assert main(["report", "--database", str(tmp_path / "missing.duckdb")]) == 2
    assert len(_error_lines(capsys.readouterr().err)) == 1


def test_report_of_a_database_without_marts_exits_2(tmp_path, capsys):
    database = tmp_path / "w.duckdb"
    duckdb.connect(str(database)).close()
    assert main(["report", "--database", str(database)]) == 2
    assert "marts.mrr_bridge_monthly" in capsys.readouterr().err


def test_subcommands_registered():
    parser = build_parser()
    for command in ("build", "load", "report"):
        assert parser.parse_args([command]).func is not None
