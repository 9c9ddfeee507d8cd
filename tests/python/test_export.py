"""`mrr export --out DIR` (issue 5, BI tools): every mart as DIR/<table>.parquet with the mart's exact rows,
read-only, with the output path passed to DuckDB as data (quotes and semicolons in it are just characters).

Reads the session's demo_warehouse (conftest.py).
"""

from __future__ import annotations

from contextlib import closing

import duckdb
from warehouse_builds import mart_checksums, mart_tables, parquet_checksum, query

from mrr_warehouse.cli import main

HOSTILE_OUT = "\"it's\"; copy marts.fct_mrr to 'x.csv'; --"


def test_export_writes_every_mart_with_its_exact_rows_to_a_folder_named_like_sql(demo_warehouse, tmp_path, capsys):
    out = tmp_path / HOSTILE_OUT / "parquet"
    with closing(duckdb.connect(str(demo_warehouse.database), read_only=True)):  # export must open it read-only
        assert main(["export", "--out", str(out), "--database", str(demo_warehouse.database)]) == 0
    marts = mart_tables(demo_warehouse.database)
    assert "fct_mrr" in marts
    assert sorted(path.name for path in out.iterdir()) == sorted(f"{table}.parquet" for table in marts)
    checksums = mart_checksums(demo_warehouse.database)
    for table in marts:
        assert parquet_checksum(out / f"{table}.parquet") == checksums[table], table
    assert f"wrote {len(marts)} Parquet files" in capsys.readouterr().out
    assert sorted(path.name for path in tmp_path.iterdir()) == [HOSTILE_OUT]
    assert query(demo_warehouse.database, "select count(*) > 0 from marts.fct_mrr") == [(True,)]


def test_export_replaces_files_of_an_earlier_export(demo_warehouse, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "fct_mrr.parquet").write_text("an older export")
    assert main(["export", "--out", str(out), "--database", str(demo_warehouse.database)]) == 0
    assert parquet_checksum(out / "fct_mrr.parquet") == mart_checksums(demo_warehouse.database)["fct_mrr"]


def test_export_without_a_warehouse_exits_2(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "out"), "--database", str(tmp_path / "missing.duckdb")]) == 2
    assert "run `mrr build` first" in capsys.readouterr().err


def test_export_onto_a_file_exits_2(demo_warehouse, tmp_path, capsys):
    not_a_folder = tmp_path / "out"
    not_a_folder.write_text("")
    assert main(["export", "--out", str(not_a_folder), "--database", str(demo_warehouse.database)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"mrr: error: --out {not_a_folder}: exists and is not a folder"]
