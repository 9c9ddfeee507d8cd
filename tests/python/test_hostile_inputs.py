"""Input paths and values are data, never SQL (issue 5, security): a data folder, a database folder and ids
made of quotes, semicolons and comments build like any other, and the ids reach the marts intact.

Uses the session's demo_warehouse (conftest.py): the demo seeds plus one account `'; drop table
raw.crm_accounts; --`, loaded from a folder named `it's; drop table x; --`.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import HOSTILE_ACCOUNT, HOSTILE_ACCOUNT_MRR, HOSTILE_FOLDER, HOSTILE_SUBSCRIPTION
from warehouse_builds import AS_OF, count_rows, query


def test_a_folder_named_like_sql_is_loaded_from_and_built_into(demo_warehouse):
    assert HOSTILE_FOLDER in str(demo_warehouse.data)
    assert HOSTILE_FOLDER in str(demo_warehouse.database)
    manifest = query(demo_warehouse.database, "select file_path from raw._load_manifest where table_name = ?",
                     ["crm_accounts"])
    assert manifest == [(str(demo_warehouse.data / "crm_accounts.csv"),)]


def test_an_account_id_made_of_sql_reaches_dim_accounts_and_fct_mrr_intact(demo_warehouse):
    dim = query(demo_warehouse.database, "select account_id, account_source, current_mrr, is_active "
                                         "from marts.dim_accounts where account_id = ?", [HOSTILE_ACCOUNT])
    assert dim == [(HOSTILE_ACCOUNT, "crm", Decimal(HOSTILE_ACCOUNT_MRR), True)]
    months = query(demo_warehouse.database, "select month, mrr from marts.fct_mrr where account_id = ? "
                                            "order by month", [HOSTILE_ACCOUNT])
    assert [month.isoformat() for month, _ in months][:1] == ["2025-02-01"]
    assert months[-1][0] == AS_OF.replace(day=1)
    assert {mrr for _, mrr in months} == {Decimal(HOSTILE_ACCOUNT_MRR)}


def test_the_sql_in_the_values_ran_nowhere(demo_warehouse):
    for table in ("crm_accounts", "billing_plans", "billing_subscriptions"):
        (loaded,) = query(demo_warehouse.database, f"select count(*) from raw.{table}")[0]
        assert loaded == count_rows(demo_warehouse.data, table), table
    rejected = query(demo_warehouse.database, "select source_key from marts.rejected_rows where source_key in (?, ?)",
                     [HOSTILE_ACCOUNT, HOSTILE_SUBSCRIPTION])
    assert rejected == []
