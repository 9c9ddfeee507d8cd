"""The keys that stand in for account and customer ids in the month models (value_fingerprint in
macros/splits.sql), and the one_value_per_key data test that fails the build if two ids ever share one.

A build on real data only ever shows that the test passes, so these run it on hand-written rows through `dbt show`.
"""

from __future__ import annotations

from pathlib import Path

from warehouse_builds import show_inline

IDS = "select * from (values ('acct_1'), ('acct_1'), ('acct_2'), (null)) as ids(account_id)"


def test_an_id_always_gets_the_same_key_and_no_id_gets_none(tmp_path: Path):
    rows = show_inline(f"select account_id, {{{{ value_fingerprint('account_id') }}}} as account_key from ({IDS})",
                       tmp_path)
    keys = {account_id: {key for other, key in rows if other == account_id} for account_id, _ in rows}
    assert keys[None] == {None}
    assert len(keys["acct_1"]) == len(keys["acct_2"]) == 1
    assert keys["acct_1"] != keys["acct_2"]


def one_value_per_key_failures(rows: str, tmp_path: Path) -> list[tuple]:
    model = f"(select * from (values {rows}) as keyed(account_key, account_id))"
    return show_inline(f"{{{{ test_one_value_per_key(\"{model}\", 'account_key', 'account_id') }}}}", tmp_path)


def test_a_key_shared_by_two_ids_fails(tmp_path: Path):
    assert one_value_per_key_failures("(1, 'a'), (1, 'a'), (1, 'b'), (2, 'c')", tmp_path) == [(1, 2)]


def test_keys_of_one_id_each_pass(tmp_path: Path):
    assert one_value_per_key_failures("(1, 'a'), (1, 'a'), (2, 'b'), (null, 'c'), (null, 'd')", tmp_path) == []
