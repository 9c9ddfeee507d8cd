"""Property (rules 3 to 8): a company of valid rows, its money as awkward as the contract allows (raw_strategies.
valid_companies: prices to 4 decimals, intervals of every kind with counts that do not divide a year, fractional
seats, stacked percent and amount discounts, rates to 15 decimals, contracts of every frequency), builds every mart
to the cent as the independent reference computes it (conformance.py).

test_build_properties.py draws hostile rows around one valid chain, so few of its lines earn money; here every line
can. Each example is one build (~8 s): few examples, chosen deterministically (derandomize) so CI runs the same ones.
"""

from __future__ import annotations

from contextlib import closing
from datetime import date

import duckdb
import hypothesis.strategies as st
from conformance import mart_reports
from hypothesis import HealthCheck, Phase, given, settings
from raw_folder import write_raw_folder
from raw_strategies import valid_companies
from reference_mrr import compute
from warehouse_builds import run_build

EXAMPLES = 3


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.generate], suppress_health_check=list(HealthCheck))
@given(tables=valid_companies(), as_of=st.dates(date(2025, 3, 1), date(2027, 1, 15)))
def test_awkward_money_builds_to_the_cent_as_the_reference_computes(tmp_path_factory, tables, as_of):
    root = tmp_path_factory.mktemp("money")
    data = write_raw_folder(root / "data", tables)
    database = root / "warehouse" / "warehouse.duckdb"
    run_build(data, as_of, database, full_refresh=True)
    with closing(duckdb.connect(str(database), read_only=True)) as warehouse:
        report = mart_reports(warehouse, compute(data, as_of))
    assert not report, report
