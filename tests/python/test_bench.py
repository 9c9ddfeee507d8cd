"""`mrr bench` and the reference queries of analyses/ it times.

The end-to-end test runs the real benchmark on a small extract (1,000 accounts x 12 months + 1), so it costs two
real builds (~25 s); the rest is fast.
"""

from __future__ import annotations

import json
import sys
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from mrr_warehouse import bench
from mrr_warehouse.cli import build_parser

ACCOUNTS, MONTHS, SEED = 1000, 12, 5
REFERENCE_TABLES = tuple(bench.REFERENCES.values())


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[bench.SizeResult], str, Path]:
    cache = tmp_path_factory.mktemp("bench")
    printed: list[str] = []
    results = bench.bench([ACCOUNTS], MONTHS, SEED, cache, echo=printed.append)
    return results, "\n".join(printed), cache


def test_bench_runs_every_step_and_prints_one_row_under_every_column(bench_run):
    results, printed, _cache = bench_run
    assert {label: step.error for label, step in results[0].steps.items()} == {
        "lower bound": None, "naive": None, "full": None, "incremental": None}
    table = printed[printed.index("accounts  active account-months"):].splitlines()
    header, row = table[0], table[2]
    for column in bench.COLUMNS:
        assert column in header
    assert row.split()[0] == f"{ACCOUNTS:,}"
    assert "failed" not in printed and "NOT match" not in printed
    assert len(row.split()) == len(bench.COLUMNS)


def test_bench_counts_active_account_months_of_the_full_build_and_both_references_match_it(bench_run):
    results, _printed, _cache = bench_run
    result = results[0]
    assert result.references_match_fct_mrr == {"lower bound": True, "naive": True}
    assert result.active_account_months > 0
    assert result.steps["lower bound"].details["rows"] == result.active_account_months
    assert result.steps["naive"].details["rows"] == result.active_account_months


def test_bench_writes_its_table_as_json_into_the_cache(bench_run):
    results, _printed, cache = bench_run
    document = json.loads((cache / bench.RESULTS_FILE).read_text())
    assert document["table"]["columns"] == list(bench.COLUMNS)
    assert document["table"]["rows"][0][:3] == [ACCOUNTS, results[0].active_account_months, results[0].input_rows]
    assert document["sizes"][0]["steps"]["full"]["details"]["slowest_nodes"]


def test_the_generated_extract_is_reused_by_size_months_and_seed(bench_run):
    _results, _printed, cache = bench_run
    folder, counts, seconds = bench.ensure_data(cache, ACCOUNTS, MONTHS, SEED)
    assert seconds is None  # reused, not generated again
    assert counts["crm_accounts"] == ACCOUNTS
    # Nothing but the tables' files: a build warns about any other file in --data.
    assert sorted(path.name for path in folder.iterdir()) == sorted(f"{table}.parquet" for table in counts)
    assert "ignored" not in (cache / "runs" / f"accounts-{ACCOUNTS}" / "full.log").read_text()


@pytest.mark.parametrize("table", REFERENCE_TABLES)
def test_reference_query_gives_exactly_fct_mrr_active_rows_for_the_new_month_too(bench_run, table):
    """Rules 1-7 on clean data: each (month, account_id, mrr > 0) of the incremental build, to the cent."""
    _results, _printed, cache = bench_run
    warehouse = cache / "runs" / f"accounts-{ACCOUNTS}" / "warehouse.duckdb"
    _, new_month_as_of = bench.as_of_dates()
    sql = (cache / "reference-queries" / f"{table}.sql").read_text()
    with closing(duckdb.connect(str(warehouse))) as connection:
        connection.execute(f"set variable as_of = date '{new_month_as_of.isoformat()}'")
        connection.execute(sql)
        fct_mrr = "select month, account_id, mrr from marts.fct_mrr where mrr > 0"
        reference = f"select month, account_id, mrr from {table}"
        missing = connection.execute(f"({fct_mrr}) except all ({reference}) order by all limit 5").fetchall()
        extra = connection.execute(f"({reference}) except all ({fct_mrr}) order by all limit 5").fetchall()
        months = connection.execute(f"select count(distinct month), max(month) from {table}").fetchone()
    assert (missing, extra) == ([], [])
    assert months == (MONTHS + 1, new_month_as_of.replace(day=1))


def test_the_reference_queries_are_the_analyses_compiled_with_their_shared_macro(bench_run):
    _results, _printed, cache = bench_run
    for table in REFERENCE_TABLES:
        compiled = (cache / "reference-queries" / f"{table}.sql").read_text()
        assert f"create or replace table {table} as" in compiled
        assert "from raw.billing_subscription_items" in compiled and "select * from final" in compiled
        assert "{%" not in compiled and "{{" not in compiled


def test_peak_memory_is_summed_over_the_whole_process_tree(tmp_path):
    """A child whose own child holds 300 MB: the peak counts the grandchild."""
    grandchild = "import time; block = bytearray(300 * 1024 * 1024); time.sleep(1)"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}], check=True)"
    step = bench.measure([sys.executable, "-c", child], tmp_path / "tree.log")
    assert step.error is None
    assert step.peak_rss_gb >= 0.3
    assert step.seconds >= 1


def test_a_failing_step_is_reported_with_its_reason_not_raised(tmp_path):
    command = [sys.executable, "-c", "import sys; print('mrr: error: dbt build failed: boom'); sys.exit(2)"]
    step = bench.measure(command, tmp_path / "failing.log")
    assert step.error.startswith("exit code 2: mrr: error: dbt build failed: boom")
    result = bench.SizeResult(ACCOUNTS, "data", 10, None, steps={"full": step})
    rendered = bench.render([result], bench._environment((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)))
    assert "failed" in rendered.splitlines()[2]
    assert "full failed: exit code 2: mrr: error: dbt build failed: boom" in rendered
    assert "incremental skipped" in rendered


def test_sizes_run_smallest_first_and_bad_sizes_are_refused(capsys):
    parser = build_parser()
    assert parser.parse_args(["bench", "--sizes", "100000,10000"]).sizes == (10_000, 100_000)
    with pytest.raises(SystemExit) as raised:
        parser.parse_args(["bench", "--sizes", "ten"])
    assert raised.value.code == 2
    assert "positive account counts" in capsys.readouterr().err
