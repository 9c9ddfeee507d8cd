"""contract.py: the raw contract is read from the sources YAML files, the single list of tables and columns."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mrr_warehouse.contract import ContractError, load_contract


def _write_sources(folder: Path, name: str, sources: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump({"version": 2, "sources": sources}, sort_keys=False))


def _table(name: str, columns: list[str], **meta: object) -> dict:
    return {"name": name, "meta": meta, "columns": [{"name": column} for column in columns]}


def test_project_contract_has_the_thirteen_raw_tables_and_the_five_required_files():
    contract = load_contract()
    assert contract.schema == "raw"
    assert sorted(contract.names) == sorted([
        "crm_accounts", "crm_contracts", "crm_churn_reasons", "billing_customers", "billing_plans",
        "billing_subscriptions", "billing_subscription_items", "billing_discounts", "billing_invoices",
        "billing_invoice_lines", "fx_rates", "kpi_goals", "sales_marketing_spend"])
    assert {table.name for table in contract.tables if table.required} == {
        "crm_accounts", "billing_customers", "billing_plans", "billing_subscriptions", "billing_subscription_items"}
    assert contract.table("fx_rates").columns == ("rate_date", "currency", "rate_to_reporting")
    assert contract.table("fx_rates").primary_key == ("rate_date", "currency")


def test_columns_keep_yaml_order_and_meta_is_read_from_the_table_or_its_config(tmp_path):
    _write_sources(tmp_path, "_a__sources.yml", [{"name": "a", "schema": "raw", "tables": [
        _table("t1", ["z", "a", "m"], required=True, primary_key=["a", "z"]),
        {"name": "t2", "config": {"meta": {"required": False, "primary_key": ["k"]}}, "columns": [{"name": "k"}]},
    ]}])
    (tmp_path / "_models.yml").write_text("version: 2\nmodels:\n  - name: not_a_source\n")
    contract = load_contract(tmp_path)
    assert contract.names == ("t1", "t2")
    assert contract.table("t1").columns == ("z", "a", "m")
    assert contract.table("t1").primary_key == ("a", "z")
    assert contract.table("t1").required is True
    assert contract.table("t2").required is False


def test_tables_of_several_files_are_all_read(tmp_path):
    _write_sources(tmp_path, "_a__sources.yml", [{"name": "a", "schema": "raw", "tables": [
        _table("t1", ["k"], required=True, primary_key=["k"])]}])
    _write_sources(tmp_path, "_b__sources.yml", [{"name": "b", "schema": "raw", "tables": [
        _table("t2", ["k"], required=False, primary_key=["k"])]}])
    assert load_contract(tmp_path).names == ("t1", "t2")


@pytest.mark.parametrize(("table", "message"), [
    (_table("t", ["k"], required="yes", primary_key=["k"]), "meta.required"),
    (_table("t", ["k"], primary_key=["k"]), "meta.required"),
    (_table("t", ["k"], required=True, primary_key=["nope"]), "primary_key"),
    (_table("t", ["k"], required=True), "primary_key"),
    (_table("t", ["k", "k"], required=True, primary_key=["k"]), "declared twice"),
    (_table("t", [], required=True, primary_key=["k"]), "no columns"),
])
def test_malformed_table_is_a_contract_error(tmp_path, table, message):
    _write_sources(tmp_path, "_a__sources.yml", [{"name": "a", "schema": "raw", "tables": [table]}])
    with pytest.raises(ContractError, match=message):
        load_contract(tmp_path)


def test_raw_tables_must_share_one_schema(tmp_path):
    _write_sources(tmp_path, "_a__sources.yml", [
        {"name": "a", "schema": "raw", "tables": [_table("t1", ["k"], required=True, primary_key=["k"])]},
        {"name": "b", "schema": "other", "tables": [_table("t2", ["k"], required=True, primary_key=["k"])]},
    ])
    with pytest.raises(ContractError, match="one schema"):
        load_contract(tmp_path)


def test_a_table_declared_twice_is_a_contract_error(tmp_path):
    _write_sources(tmp_path, "_a__sources.yml", [{"name": "a", "schema": "raw", "tables": [
        _table("t1", ["k"], required=True, primary_key=["k"]), _table("t1", ["k"], required=True, primary_key=["k"])]}])
    with pytest.raises(ContractError, match="declared twice"):
        load_contract(tmp_path)
