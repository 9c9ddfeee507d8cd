"""Property (issue 6): however the raw rows change between two builds, the incremental build gives exactly the marts
of a --full-refresh build, and they are what the independent reference computes (conformance.py), the reported
history included.

Build A: --full-refresh on Hypothesis's first raw tables (raw_strategies.py) at as_of, then an incremental build on
the second ones at a later as_of (the same day up to 80 days on). The second tables are the first ones with any
set of tables drawn anew: none (only as_of moved), some, or all. Build B: --full-refresh on the second tables at the
later as_of. Every mart but the restatement history (build A reported twice, B once) must hold the same rows.
test_incremental.py proves the same on a generated company with a backdated cancellation; this one on small hostile
extracts, where rows are rejected, collide and disappear between builds. Each example is three real builds (~20 s),
so there are few, chosen deterministically (derandomize) so CI runs the same ones.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date, timedelta

import duckdb
import hypothesis.strategies as st
from conformance import history_report, mart_reports
from hypothesis import HealthCheck, Phase, example, given, settings
from raw_folder import write_raw_folder
from raw_strategies import NO_REVENUE_YET, ONLY_THE_VALID_CHAIN, raw_tables
from reference_mrr import CONTRACT, compute
from warehouse_builds import mart_checksums, run_build

from mrr_warehouse.errors import InputError

EXAMPLES = 2
# Edits of the valid chain's rows (raw_strategies.VALID_CHAIN, which starts in February 2024), each changing MRR
# back to the chain's first months: what an incremental build must notice in months it built before.
CHAIN_EDITS = [
    ("billing_subscription_items", "quantity", "3"),
    ("billing_plans", "unit_amount", "120.5"),
    ("billing_subscriptions", "ended_at", "2025-03-15"),
    ("billing_subscriptions", "created_at", "2024-06-01"),
    ("billing_subscriptions", "created_at", "2023-11-01"),
]


# The valid chain alone, a month later: it starts four months later and ends a year sooner at another price and
# quantity; or it starts three months sooner.
@example(first=ONLY_THE_VALID_CHAIN, redrawn=ONLY_THE_VALID_CHAIN, tables_redrawn=set(),
         chain_edits=set(CHAIN_EDITS[:4]), as_of=date(2026, 3, 31), days_later=30)
@example(first=ONLY_THE_VALID_CHAIN, redrawn=ONLY_THE_VALID_CHAIN, tables_redrawn=set(),
         chain_edits={CHAIN_EDITS[4]}, as_of=date(2026, 3, 31), days_later=30)
# A first build with nothing to report (its one price does not parse) reported its months at 0 all the same.
@example(first=NO_REVENUE_YET, redrawn=ONLY_THE_VALID_CHAIN, tables_redrawn={"billing_plans"},
         chain_edits={CHAIN_EDITS[0]}, as_of=date(2026, 3, 31), days_later=30)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
@given(first=raw_tables(), redrawn=raw_tables(), tables_redrawn=st.sets(st.sampled_from(sorted(CONTRACT))),
       chain_edits=st.sets(st.sampled_from(CHAIN_EDITS), min_size=1),
       as_of=st.dates(date(2025, 6, 1), date(2026, 10, 31)), days_later=st.integers(0, 80))
def test_an_incremental_build_after_any_change_equals_a_full_refresh(
        tmp_path_factory, first, redrawn, tables_redrawn, chain_edits, as_of, days_later):
    second = {table: rows for table, rows in first.items() if table not in tables_redrawn}
    second.update({table: rows for table, rows in redrawn.items() if table in tables_redrawn})
    for table, column, value in sorted(chain_edits):  # two edits of one column: the later value, every run
        chain_row, *other_rows = second[table]  # a required table: its valid chain row comes first
        second[table] = [{**chain_row, column: value}, *other_rows]
    later = as_of + timedelta(days=days_later)
    root = tmp_path_factory.mktemp("incremental-property")
    incremental, full_refresh = root / "a" / "warehouse.duckdb", root / "b" / "warehouse.duckdb"
    first_data, second_data = write_raw_folder(root / "first", first), write_raw_folder(root / "second", second)
    try:
        run_build(first_data, as_of, incremental, full_refresh=True)
        run_build(second_data, later, full_refresh, full_refresh=True)
    except InputError:
        return  # files the loader refuses, with a clear message (test_build_properties.py)
    run_build(second_data, later, incremental)
    assert _without_restatements(mart_checksums(incremental)) == _without_restatements(mart_checksums(full_refresh))
    later_reference = compute(second_data, later)
    # A second build of the same as_of replaces that as_of's report rather than adding one (test_history.py).
    earlier_reference = later_reference if later == as_of else compute(first_data, as_of)
    with closing(duckdb.connect(str(incremental), read_only=True)) as warehouse:
        reports = (mart_reports(warehouse, later_reference),
                   history_report(warehouse, earlier_reference, later_reference))
    report = "\n".join(report for report in reports if report)
    assert not report, report


def _without_restatements(checksums: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    return {mart: checksum for mart, checksum in checksums.items() if mart != "mrr_restatements"}
