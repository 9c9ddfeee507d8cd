"""What `mrr build` says it recomputed, from the two windows and fct_mrr's months (no dbt needed)."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

import duckdb
import pytest

from mrr_warehouse.report import recomputed_months

FIRST, LAST = date(2024, 1, 1), date(2024, 12, 1)
AFTER_LAST = date(2025, 1, 1)


def _warehouse(folder: Path, month_models_from: date, slices_from: date) -> Path:
    path = folder / "warehouse.duckdb"
    with closing(duckdb.connect(str(path))) as connection:
        connection.execute("create schema marts; create schema intermediate")
        connection.execute("create table marts.fct_mrr as select unnest([?, ?]) as month", [FIRST, LAST])
        for table, month in (("int_mrr_recompute_window", month_models_from),
                             ("int_slice_recompute_window", slices_from)):
            connection.execute(f"create table intermediate.{table} as select ?::date as recompute_from_month", [month])
    return path


@pytest.mark.parametrize(("month_models_from", "slices_from", "said"), [
    (FIRST, FIRST, "every month was computed"),
    (AFTER_LAST, AFTER_LAST, "no input changed: every month was kept"),
    (date(2024, 11, 1), date(2024, 11, 1), "months from 2024-11 on were recomputed, earlier ones kept"),
    (AFTER_LAST, date(2024, 4, 1),
     "account attributes changed: the slices recomputed the months from 2024-04 on, the other month models "
     "kept every month"),
    (date(2024, 11, 1), FIRST,
     "account attributes changed: the slices recomputed every month, the other month models kept the months "
     "before 2024-11"),
])
def test_the_message_names_what_each_window_recomputed(tmp_path, month_models_from, slices_from, said):
    assert recomputed_months(_warehouse(tmp_path, month_models_from, slices_from)) == said
