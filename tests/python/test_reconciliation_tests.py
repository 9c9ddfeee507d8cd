"""The singular data tests that reconcile marts with each other fail when one cent goes astray.

They check each month's sums, every account weighted by a number drawn from its id, before they compare
account by account (macros/reconciliation.sql), and match accounts on a 64-bit key of the id
(macros/splits.sql) rather than the id itself; on real data they only ever show that they pass, so each
is run here on a copy of the demo warehouse with one value changed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from warehouse_builds import AS_OF, dbt_environment

from mrr_warehouse.build import dbt_settings, environment, run_dbt
from mrr_warehouse.errors import BuildError
from mrr_warehouse.project import project_root

BROKEN_RECONCILIATIONS = [
    pytest.param("assert_movements_explain_every_account_change", """
        update marts.fct_mrr_movements set mrr_change = mrr_change + 0.01
        where (month, account_id, movement_type) = (
            select (month, account_id, movement_type) from marts.fct_mrr_movements
            where movement_type = 'expansion' order by month, account_id limit 1)""",
                 id="a cent added to an account's expansion"),
    # The month's movements still add up to the change in its total MRR: only the accounts are wrong.
    pytest.param("assert_movements_explain_every_account_change", """
        create temp table pair as
            select month, min(account_id) as gaining_account, max(account_id) as losing_account
            from marts.fct_mrr_movements where movement_type = 'expansion' and mrr_change > 0.01
            group by month having count(*) > 1 order by month limit 1;
        update marts.fct_mrr_movements set mrr_change = mrr_change + 0.01
        where movement_type = 'expansion' and (month, account_id) = (select (month, gaining_account) from pair);
        update marts.fct_mrr_movements set mrr_change = mrr_change - 0.01
        where movement_type = 'expansion' and (month, account_id) = (select (month, losing_account) from pair)""",
                 id="a cent of one account's expansion moved to another's"),
    pytest.param("assert_movements_explain_every_account_change", """
        delete from marts.fct_mrr
        where (month, account_id) = (
            select (month, account_id) from marts.fct_mrr where mrr = 0 order by month, account_id limit 1)""",
                 id="a churn month missing from fct_mrr"),
    pytest.param("assert_product_movements_reconcile_to_accounts", """
        update marts.fct_mrr_product_movements set mrr_change = mrr_change + 0.01
        where (month, account_id, product_id, movement_type) = (
            select (month, account_id, product_id, movement_type) from marts.fct_mrr_product_movements
            where movement_type = 'new' order by month, account_id, product_id limit 1)""",
                 id="a cent added to a product's new MRR"),
    # The account-month's product movements still add up to its total change: only the type is wrong.
    pytest.param("assert_product_movements_reconcile_to_accounts", """
        create temp table moved as
            select month, account_id, product_id from marts.fct_mrr_product_movements
            where movement_type = 'new' order by month, account_id, product_id limit 1;
        update marts.fct_mrr_product_movements set mrr_change = mrr_change - 0.01
        where (month, account_id, product_id) = (select (month, account_id, product_id) from moved)
            and movement_type = 'new';
        insert into marts.fct_mrr_product_movements (month, account_id, product_id, movement_type, mrr_change)
            select month, account_id, product_id, 'fx', 0.01 from moved""",
                 id="a cent of a product's new MRR moved to its fx"),
    pytest.param("assert_product_movements_reconcile_to_accounts", """
        create temp table pair as
            select month, min(account_id) as gaining_account, max(account_id) as losing_account
            from marts.fct_mrr_product_movements where movement_type = 'new' and mrr_change > 0.01
            group by month having count(distinct account_id) > 1 order by month limit 1;
        update marts.fct_mrr_product_movements set mrr_change = mrr_change + 0.01
        where rowid = (select min(movements.rowid)
                       from marts.fct_mrr_product_movements as movements join pair using (month)
                       where movement_type = 'new' and account_id = gaining_account);
        update marts.fct_mrr_product_movements set mrr_change = mrr_change - 0.01
        where rowid = (select min(movements.rowid)
                       from marts.fct_mrr_product_movements as movements join pair using (month)
                       where movement_type = 'new' and mrr_change > 0.01 and account_id = losing_account)""",
                 id="a cent of one account's product new MRR moved to another's"),
    pytest.param("assert_reported_history_matches_fct_mrr", """
        update history.mrr_as_reported set mrr = mrr + 0.01
        where (account_id, month) = (
            select (account_id, month) from history.mrr_as_reported
            where superseded_as_of is null order by month, account_id limit 1)""",
                 id="a cent added to a reported figure"),
    pytest.param("assert_reported_history_matches_fct_mrr", """
        delete from history.mrr_as_reported
        where (account_id, month) = (
            select (account_id, month) from history.mrr_as_reported
            where superseded_as_of is null and mrr = 0 order by month, account_id limit 1)""",
                 id="a churn month's reported 0 missing"),
    pytest.param("assert_reported_history_matches_fct_mrr", """
        insert into history.mrr_as_reported (month, account_id, mrr, reported_as_of, superseded_as_of)
            select month, account_id, mrr, cast(reported_as_of - interval 1 day as date), null
            from history.mrr_as_reported
            where superseded_as_of is null order by month, account_id limit 1""",
                 id="two current versions of one account-month"),
]
RECONCILIATIONS = sorted({case.values[0] for case in BROKEN_RECONCILIATIONS})


def run_tests(database: Path, names: list[str]) -> None:
    """`dbt test --select names` on database as built at AS_OF, with dbt's target/ and logs/ beside it."""
    root = str(project_root())
    with environment(dbt_environment(database.parent)):
        run_dbt(["test", "--select", *names, "--project-dir", root, "--profiles-dir", root], database,
                dbt_settings(database, AS_OF))


def test_the_reconciliations_pass_on_the_demo_warehouse(demo_warehouse_copy):
    run_tests(demo_warehouse_copy, RECONCILIATIONS)


@pytest.mark.parametrize(("test_name", "breaking_sql"), BROKEN_RECONCILIATIONS)
def test_a_reconciliation_fails_when_one_cent_goes_astray(test_name, breaking_sql, demo_warehouse_copy):
    with duckdb.connect(str(demo_warehouse_copy)) as connection:
        connection.execute(breaking_sql)
    with pytest.raises(BuildError, match=f"{test_name} \\(fail"):
        run_tests(demo_warehouse_copy, [test_name])
