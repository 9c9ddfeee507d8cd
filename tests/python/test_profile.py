"""profiles.yml: the DuckDB settings the 1M build relies on are in effect in dbt's sessions.

They are config_options, set once when dbt-duckdb opens the database (as per-cursor `settings` they were
re-run on every node); this checks that a node's session still sees them, from the environment.
"""

from __future__ import annotations

from warehouse_builds import show_inline

from mrr_warehouse.build import TEMP_DIR_ENV

SETTINGS = ("select current_setting('memory_limit'), current_setting('preserve_insertion_order'), "
            "current_setting('temp_directory')")


def test_memory_limit_spill_folder_and_insertion_order_come_from_the_profile(monkeypatch, tmp_path):
    monkeypatch.setenv("MRR_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv(TEMP_DIR_ENV, str(tmp_path / "spill"))
    assert show_inline(SETTINGS, tmp_path) == [("953.6 MiB", False, str(tmp_path / "spill"))]
