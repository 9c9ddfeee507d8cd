"""The marts' constraints: the database refuses a row that breaks the rule, whoever writes it.

Each case inserts into a copy of the demo warehouse a row that breaks one rule, then the same row with the
rule kept, so the refusal comes from the constraint and not from the row's shape.
"""

from __future__ import annotations

from contextlib import closing

import duckdb
import pytest

MRR_COLUMNS = "(month, account_id, mrr, is_churn_month)"
MOVEMENT_COLUMNS = "(month, account_id, movement_type, mrr_change)"
PRODUCT_MOVEMENT_COLUMNS = "(month, account_id, product_id, movement_type, mrr_change)"
DRIVER_COLUMNS = "(month, account_id, business_change, seat_change, price_change, plan_change)"

BROKEN_AND_KEPT = [
    pytest.param("fct_mrr", MRR_COLUMNS,
                 "('2031-01-01', 'A001', -5.00, false)",
                 "('2031-01-01', 'A001', 5.00, false)",
                 id="account MRR below zero"),
    pytest.param("fct_mrr", MRR_COLUMNS,
                 "('2031-01-01', 'A001', 0.00, false)",
                 "('2031-01-01', 'A001', 0.00, true)",
                 id="no MRR in a month that is not a churn month"),
    pytest.param("fct_mrr", MRR_COLUMNS,
                 "('2031-01-01', 'A001', 5.00, true)",
                 "('2031-01-01', 'A001', 0.00, true)",
                 id="MRR in a churn month"),
    pytest.param("fct_mrr", MRR_COLUMNS,
                 "('2031-01-01', 'A001', null, false)",
                 "('2031-01-01', 'A001', 1.00, false)",
                 id="no MRR at all"),
    pytest.param("fct_mrr_movements", MOVEMENT_COLUMNS,
                 "('2031-01-01', 'A001', 'churn', 5.00)",
                 "('2031-01-01', 'A001', 'churn', -5.00)",
                 id="churn that adds MRR"),
    pytest.param("fct_mrr_movements", MOVEMENT_COLUMNS,
                 "('2031-01-01', 'A001', 'expansion', -5.00)",
                 "('2031-01-01', 'A001', 'expansion', 5.00)",
                 id="expansion that takes MRR away"),
    pytest.param("fct_mrr_movements", MOVEMENT_COLUMNS,
                 "('2031-01-01', 'A001', 'fx', 0.00)",
                 "('2031-01-01', 'A001', 'fx', -0.01)",
                 id="a movement of zero"),
    pytest.param("fct_mrr_movements", MOVEMENT_COLUMNS,
                 "('2031-01-01', 'A001', 'upgrade', 5.00)",
                 "('2031-01-01', 'A001', 'reactivation', 5.00)",
                 id="a movement type the rules do not have"),
    pytest.param("fct_mrr_product_movements", PRODUCT_MOVEMENT_COLUMNS,
                 "('2031-01-01', 'A001', 'p1', 'downgrade', 3.00)",
                 "('2031-01-01', 'A001', 'p1', 'downgrade', -3.00)",
                 id="a product downgrade that adds MRR"),
    pytest.param("fct_mrr_product_movements", PRODUCT_MOVEMENT_COLUMNS,
                 "('2031-01-01', 'A001', 'p1', 'upsell', -1.00)",
                 "('2031-01-01', 'A001', 'p1', 'upsell', 1.00)",
                 id="an upsell that takes MRR away"),
    pytest.param("fct_mrr_product_movements", PRODUCT_MOVEMENT_COLUMNS,
                 "('2031-01-01', 'A001', 'p1', 'cross_sell', 0.00)",
                 "('2031-01-01', 'A001', 'p1', 'cross_sell', -0.01)",
                 id="a cross-sell of zero (a cent of rounding may turn one)"),
    pytest.param("fct_mrr_product_movements", PRODUCT_MOVEMENT_COLUMNS,
                 "('2031-01-01', 'A001', null, 'upsell', 1.00)",
                 "('2031-01-01', 'A001', '(none)', 'upsell', 1.00)",
                 id="a product movement without a product"),
    pytest.param("fct_mrr_expansion_drivers", DRIVER_COLUMNS,
                 "('2031-01-01', 'A001', 10.00, 4.00, 1.00, 4.00)",
                 "('2031-01-01', 'A001', 10.00, 4.00, 2.00, 4.00)",
                 id="drivers that do not add up to the change"),
    pytest.param("fct_mrr_expansion_drivers", DRIVER_COLUMNS,
                 "('2031-01-01', 'A001', 0.00, 1.00, -1.00, 0.00)",
                 "('2031-01-01', 'A001', 0.01, 1.00, -0.99, 0.00)",
                 id="drivers of no change"),
    pytest.param("mrr_bridge_monthly_by_slice", "(month, slice_type, slice_value)",
                 "('2031-01-01', 'segment', null)",
                 "('2031-01-01', 'segment', '(none)')",
                 id="a slice row without a slice value (key columns are not null)"),
]


@pytest.mark.parametrize(("table", "columns", "broken", "kept"), BROKEN_AND_KEPT)
def test_a_fact_refuses_a_row_that_breaks_its_rule(demo_warehouse_copy, table, columns, broken, kept):
    with closing(duckdb.connect(str(demo_warehouse_copy))) as connection:
        with pytest.raises(duckdb.ConstraintException):
            connection.execute(f"insert into marts.{table} {columns} values {broken}")
        connection.execute(f"insert into marts.{table} {columns} values {kept}")
