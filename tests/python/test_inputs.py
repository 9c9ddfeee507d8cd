"""inputs.py: raw files are checked against the contract and loaded as text into `raw`, one row per file row."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from contract_files import CONTRACT, required_names, write_csv, write_required, write_table

from mrr_warehouse.errors import InputError
from mrr_warehouse.inputs import TEXT_VALUE, load_inputs

PLAN_COLUMNS = CONTRACT.table("billing_plans").columns


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_required(tmp_path / "data")


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def _query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _problems(data_dir: Path, database: Path) -> list[str]:
    with pytest.raises(InputError) as raised:
        load_inputs(data_dir, database)
    return raised.value.problems


# ------------------------------------------------------------------------------------------ loading


def test_every_contract_column_is_varchar_in_contract_order_then_row_number(data_dir, database):
    load_inputs(data_dir, database)
    for table in CONTRACT.tables:
        described = _query(database, f"describe raw.{table.name}")
        assert [(row[0], row[1]) for row in described] == [
            *[(column, "VARCHAR") for column in table.columns], ("_row_number", "BIGINT")]


def test_csv_columns_are_matched_by_name_not_position(data_dir, database):
    shuffled = list(reversed(PLAN_COLUMNS))
    write_table(data_dir, "billing_plans", [{"plan_id": "P1", "unit_amount": "10.50", "currency": "EUR"}], shuffled)
    load_inputs(data_dir, database)
    assert _query(database, "select plan_id, unit_amount, currency from raw.billing_plans") == [("P1", "10.50", "EUR")]


def test_header_names_are_matched_trimmed_and_case_insensitively(data_dir, database):
    header = [f"  {column.upper()} " for column in PLAN_COLUMNS]
    write_csv(data_dir / "billing_plans.csv", header, [["P1", *[""] * (len(header) - 1)]])
    load_inputs(data_dir, database)
    assert _query(database, "select plan_id from raw.billing_plans") == [("P1",)]


def test_row_number_is_the_one_based_data_row_of_the_file(data_dir, database):
    rows = [{"plan_id": "P1"}, {"plan_id": "P2", "plan_name": "two\nlines, quoted"}, {"plan_id": "P3"}]
    write_table(data_dir, "billing_plans", rows)
    load_inputs(data_dir, database)
    assert _query(database, "select _row_number, plan_id, plan_name from raw.billing_plans order by _row_number") == [
        (1, "P1", None), (2, "P2", "two\nlines, quoted"), (3, "P3", None)]


def test_row_number_follows_file_order_on_a_large_multithreaded_read(data_dir, database, tmp_path):
    header = ", ".join(f"'' as {column}" for column in PLAN_COLUMNS[1:])
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select cast(i as varchar) as plan_id, {header} from range(1, 300001) as t(i) order by i) "
            "to ? (header)", [str(data_dir / "billing_plans.csv")])
    load_inputs(data_dir, database)
    assert _query(database, "select count(*), count(*) filter (where _row_number <> cast(plan_id as bigint)) "
                            "from raw.billing_plans") == [(300000, 0)]


def test_values_are_trimmed_and_blank_values_become_null(data_dir, database):
    (data_dir / "billing_plans.csv").write_text(
        ",".join(PLAN_COLUMNS) + "\n" + '  P1 ,"",   ,"\t x\t",,,"  ",\n', encoding="utf-8")
    load_inputs(data_dir, database)
    assert _query(database, "select plan_id, product_id, product_name, plan_name, billing_interval, unit_amount "
                            "from raw.billing_plans") == [("P1", None, None, "x", None, None)]


@pytest.mark.parametrize("value", [
    None, "", " ", "x", " x", "x ", "\tx\n", "\r\n", "\fx\r", "a b", " a b ", "x\n\n",
    "\x01x", "x\x7f", "\vx\v", "\u00a0x\u00a0", "\u2003x", "é ", " é", "  \t  ",
])
def test_trimming_skips_the_regular_expression_without_changing_any_value(value):
    """TEXT_VALUE looks at the first and last character before running the regular expression: it must
    give exactly what the regular expression alone gives (ASCII whitespace only, as RE2's \\s)."""
    plain = r"nullif(regexp_replace($1, '^\s+|\s+$', '', 'g'), '')"
    with duckdb.connect() as connection:
        fast, slow = connection.execute(f"select {TEXT_VALUE.format('$1')}, {plain}", [value]).fetchone()
    assert fast == slow


def test_utf8_byte_order_mark_is_not_part_of_the_first_column_name(data_dir, database):
    (data_dir / "billing_plans.csv").write_bytes(("\ufeff" + ",".join(PLAN_COLUMNS) + "\nP1" + "," * 7 + "\n")
                                                 .encode("utf-8"))
    load_inputs(data_dir, database)
    assert _query(database, "select plan_id from raw.billing_plans") == [("P1",)]


def test_parquet_columns_become_text_with_dates_as_iso_days(data_dir, database):
    (data_dir / "billing_subscriptions.csv").unlink()
    table = pa.table({
        "subscription_id": pa.array([1, 2], pa.int64()),
        "customer_id": pa.array([" C1 ", ""]),
        "created_at": pa.array([date(2024, 3, 1), date(2024, 12, 31)], pa.date32()),
        "trial_end": pa.array([datetime(2024, 3, 15), datetime(2024, 3, 15, 10, 30)], pa.timestamp("us")),
        "canceled_at": pa.array([None, None], pa.date32()),
        "ended_at": pa.array([Decimal("1.50"), None], pa.decimal128(10, 2)),
        "status": pa.array(["active", None]),
    })
    pq.write_table(table, data_dir / "billing_subscriptions.parquet")
    load_inputs(data_dir, database)
    assert _query(database, "select * from raw.billing_subscriptions order by _row_number") == [
        ("1", "C1", "2024-03-01", "2024-03-15", None, "1.50", "active", 1),
        ("2", None, "2024-12-31", "2024-03-15 10:30:00", None, None, None, 2),
    ]


def test_parquet_timestamps_with_a_time_zone_at_utc_midnight_are_days(data_dir, database):
    (data_dir / "billing_subscriptions.csv").unlink()
    created = pa.array([datetime(2024, 3, 4), datetime(2024, 3, 4, 22)], pa.timestamp("us", tz="UTC"))
    columns = CONTRACT.table("billing_subscriptions").columns
    table = pa.table({column: created if column == "created_at" else pa.array(["S1", "S2"]) for column in columns})
    pq.write_table(table, data_dir / "billing_subscriptions.parquet")
    load_inputs(data_dir, database)
    assert _query(database, "select subscription_id, created_at from raw.billing_subscriptions order by 1") == [
        ("S1", "2024-03-04"), ("S2", "2024-03-04 22:00:00+00")]


def test_parquet_strings_stored_as_bare_binary_are_read_as_utf8(data_dir, database):
    (data_dir / "crm_accounts.csv").unlink()
    columns = CONTRACT.table("crm_accounts").columns
    values = {column: pa.array([b"A1" if column == "account_id" else None], pa.binary()) for column in columns}
    values["account_name"] = pa.array([" Acme Größe ".encode()], pa.binary())
    pq.write_table(pa.table(values), data_dir / "crm_accounts.parquet")
    load_inputs(data_dir, database)
    assert _query(database, "select account_id, account_name from raw.crm_accounts") == [("A1", "Acme Größe")]


def test_parquet_binary_that_is_not_utf8_is_an_error_naming_row_and_column(data_dir, database):
    (data_dir / "crm_accounts.csv").unlink()
    columns = CONTRACT.table("crm_accounts").columns
    values = {column: pa.array([b"A1", b"A2"] if column == "account_id" else [None, None], pa.binary())
              for column in columns}
    values["account_name"] = pa.array([b"fine", b"\xff\xfe"], pa.binary())
    pq.write_table(pa.table(values), data_dir / "crm_accounts.parquet")
    assert _problems(data_dir, database) == [
        f"{data_dir / 'crm_accounts.parquet'}: row 2, column account_name: not UTF-8 text "
        f"(expected columns: {', '.join(columns)})"]


def test_a_parquet_column_named_file_row_number_is_an_unknown_column_like_any_other(data_dir, database, caplog):
    (data_dir / "billing_plans.csv").unlink()
    values = {column: pa.array(["P2", "P1"] if column == "plan_id" else [None, None], pa.string())
              for column in PLAN_COLUMNS}
    pq.write_table(pa.table({**values, "file_row_number": pa.array([7, 9], pa.int64())}),
                   data_dir / "billing_plans.parquet")
    with caplog.at_level(logging.WARNING):
        load_inputs(data_dir, database)
    assert _query(database, "select plan_id, _row_number from raw.billing_plans order by 2") == [("P2", 1), ("P1", 2)]
    assert "ignoring unknown column 'file_row_number'" in caplog.text


def test_parquet_columns_named_both_file_row_number_and_ordinality_are_an_error(data_dir, database):
    (data_dir / "billing_plans.csv").unlink()
    values = {column: pa.array(["P1"]) for column in PLAN_COLUMNS}
    pq.write_table(pa.table({**values, "ordinality": pa.array([100]), "File_Row_Number": pa.array([7])}),
                   data_dir / "billing_plans.parquet")
    [problem] = _problems(data_dir, database)
    assert problem.startswith(f"{data_dir / 'billing_plans.parquet'}: has columns named both file_row_number and "
                              "ordinality")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_folder_named_like_a_hive_partition_does_not_replace_a_column(tmp_path, database, suffix):
    data_dir = write_required(tmp_path / "region=EMEA")
    columns = CONTRACT.table("crm_accounts").columns
    (data_dir / "crm_accounts.csv").unlink()
    row = {column: "NA" if column == "region" else "A1" if column == "account_id" else "" for column in columns}
    if suffix == ".csv":
        write_table(data_dir, "crm_accounts", [row])
    else:
        pq.write_table(pa.table({column: pa.array([value]) for column, value in row.items()}),
                       data_dir / "crm_accounts.parquet")
    load_inputs(data_dir, database)
    assert _query(database, "select account_id, region from raw.crm_accounts") == [("A1", "NA")]


def test_a_parquet_column_repeated_in_another_case_is_an_error_as_in_csv(data_dir, database):
    (data_dir / "crm_accounts.csv").unlink()
    columns = CONTRACT.table("crm_accounts").columns
    values = [pa.array(["A1"]) for _ in columns] + [pa.array(["A2"])]
    pq.write_table(pa.table(values, names=[*columns, "ACCOUNT_ID"]), data_dir / "crm_accounts.parquet")
    assert _problems(data_dir, database) == [
        f"{data_dir / 'crm_accounts.parquet'}: column 'account_id' appears 2 times "
        f"(expected columns: {', '.join(columns)})"]


def test_csv_lines_may_end_in_a_lone_carriage_return(data_dir, database):
    (data_dir / "billing_plans.csv").write_bytes((",".join(PLAN_COLUMNS) + "\rP1" + "," * 7 + "\rP2" + "," * 7 + "\r")
                                                 .encode("utf-8"))
    load_inputs(data_dir, database)
    assert _query(database, "select plan_id, _row_number from raw.billing_plans order by 2") == [("P1", 1), ("P2", 2)]


def test_missing_optional_file_is_an_empty_table_with_every_column(data_dir, database):
    load_inputs(data_dir, database)
    assert _query(database, "select count(*) from raw.crm_contracts") == [(0,)]
    assert [row[0] for row in _query(database, "describe raw.crm_contracts")] == [
        *CONTRACT.table("crm_contracts").columns, "_row_number"]


def test_manifest_records_each_table_file_and_row_count(data_dir, database):
    write_table(data_dir, "billing_plans", [{"plan_id": "P1"}, {"plan_id": "P2"}])
    counts = load_inputs(data_dir, database)
    manifest = {row[0]: row[1:] for row in _query(database, "select * from raw._load_manifest")}
    assert set(manifest) == set(CONTRACT.names)
    assert manifest["billing_plans"] == (str((data_dir / "billing_plans.csv").resolve()), 2)
    assert manifest["crm_contracts"] == (None, 0)
    assert counts["billing_plans"] == 2


def test_reloading_replaces_the_previous_raw_tables(data_dir, database):
    write_table(data_dir, "billing_plans", [{"plan_id": "P1"}, {"plan_id": "P2"}])
    load_inputs(data_dir, database)
    write_table(data_dir, "billing_plans", [{"plan_id": "P9"}])
    load_inputs(data_dir, database)
    assert _query(database, "select plan_id from raw.billing_plans") == [("P9",)]


def test_paths_with_quotes_and_semicolons_are_data_not_sql(tmp_path):
    odd = tmp_path / "it's \"odd\"; drop table x; --"
    write_required(odd / "data'; select 1; --")
    write_table(odd / "data'; select 1; --", "billing_plans", [{"plan_id": "O'Brien; --"}])
    database = odd / "db'\"; --.duckdb"
    load_inputs(odd / "data'; select 1; --", database)
    assert _query(database, "select plan_id from raw.billing_plans") == [("O'Brien; --",)]


# ------------------------------------------------------------------------------------------ problems


def test_a_file_no_table_reads_is_a_warning_naming_the_table_it_resembles(data_dir, database, caplog):
    write_table(data_dir, "fx_rate", [{"rate_date": "2024-01-31", "currency": "EUR", "rate_to_usd": "1.1"}],
                CONTRACT.table("fx_rates").columns)
    (data_dir / "crm_contracts.csv.gz").write_bytes(b"")
    (data_dir / "notes").mkdir()
    (data_dir / ".DS_Store").write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="mrr_warehouse"):
        load_inputs(data_dir, database)
    assert [message for message in caplog.messages if "ignored" in message] == [
        f"{data_dir / 'crm_contracts.csv.gz'}: ignored, not the file of any raw table (<table>.csv or "
        "<table>.parquet); did you mean crm_contracts.csv or crm_contracts.parquet?",
        f"{data_dir / 'fx_rate.csv'}: ignored, not the file of any raw table (<table>.csv or <table>.parquet); "
        "did you mean fx_rates.csv or fx_rates.parquet?",
        f"{data_dir / 'notes'}: ignored, not the file of any raw table (<table>.csv or <table>.parquet)",
    ]


def test_a_required_table_without_rows_is_a_warning(data_dir, database, caplog):
    write_table(data_dir, "billing_plans", [{"plan_id": "P1"}])
    with caplog.at_level(logging.WARNING, logger="mrr_warehouse"):
        load_inputs(data_dir, database)
    assert caplog.messages == [f"{data_dir / name}.csv: a header and no rows, yet every company has {name}: "
                               "is the extract complete?" for name in required_names() if name != "billing_plans"]


def test_extra_column_is_a_warning_and_is_dropped(data_dir, database, caplog):
    write_table(data_dir, "billing_plans", [{"plan_id": "P1", "notes": "x"}], [*PLAN_COLUMNS, "notes"])
    with caplog.at_level(logging.WARNING, logger="mrr_warehouse"):
        load_inputs(data_dir, database)
    assert any("billing_plans.csv" in message and "'notes'" in message for message in caplog.messages)
    assert "notes" not in [row[0] for row in _query(database, "describe raw.billing_plans")]


def test_missing_required_file_names_the_file_and_expected_columns(data_dir, database):
    (data_dir / "crm_accounts.csv").unlink()
    [problem] = _problems(data_dir, database)
    assert "crm_accounts.csv" in problem
    assert "missing required file" in problem
    assert ", ".join(CONTRACT.table("crm_accounts").columns) in problem


def test_a_missing_required_file_names_the_misspelt_one_that_is_there(data_dir, database):
    (data_dir / "crm_accounts.csv").rename(data_dir / "CRM_Accounts.csv")
    write_table(data_dir, "crm_contracts")
    [problem] = _problems(data_dir, database)
    assert problem.startswith(f"{data_dir / 'crm_accounts.csv'}: missing required file crm_accounts.csv "
                              "(or crm_accounts.parquet); CRM_Accounts.csv is there (expected columns: ")


def test_a_folder_or_a_broken_link_named_as_a_tables_file_is_an_error(data_dir, database):
    (data_dir / "fx_rates.csv").mkdir()
    (data_dir / "crm_contracts.parquet").symlink_to(data_dir / "nowhere.parquet")
    problems = _problems(data_dir, database)
    assert sorted(problem.split(";")[0] for problem in problems) == [
        f"{data_dir / 'crm_contracts.parquet'}: not a file (a folder, or a link to nothing)",
        f"{data_dir / 'fx_rates.csv'}: not a file (a folder, or a link to nothing)"]


def test_missing_column_names_file_column_and_expected_columns(data_dir, database):
    write_table(data_dir, "billing_plans", [], [column for column in PLAN_COLUMNS if column != "currency"])
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv" in problem
    assert "missing column 'currency'" in problem
    assert ", ".join(PLAN_COLUMNS) in problem


def test_every_problem_is_listed_at_once_and_nothing_is_written(tmp_path, database):
    data_dir = tmp_path / "empty"
    data_dir.mkdir()
    write_table(data_dir, "crm_contracts", [], ["contract_id", "account_id"])
    problems = _problems(data_dir, database)
    assert len(problems) == len(required_names()) + len(CONTRACT.table("crm_contracts").columns) - 2
    assert all(any(name in problem for problem in problems) for name in required_names())
    assert not database.exists()


def test_problems_in_headers_leave_a_previous_load_untouched(data_dir, database):
    write_table(data_dir, "billing_plans", [{"plan_id": "P1"}])
    load_inputs(data_dir, database)
    (data_dir / "crm_accounts.csv").unlink()
    _problems(data_dir, database)
    assert _query(database, "select plan_id from raw.billing_plans") == [("P1",)]


def test_csv_and_parquet_for_one_table_is_an_error(data_dir, database):
    pq.write_table(pa.table({"plan_id": ["P1"]}), data_dir / "billing_plans.parquet")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv and billing_plans.parquet" in problem


def test_a_table_file_in_another_format_is_an_error(data_dir, database):
    (data_dir / "crm_accounts.csv").rename(data_dir / "crm_accounts.xlsx")
    [problem] = _problems(data_dir, database)
    assert "crm_accounts.xlsx" in problem
    assert "not a CSV or Parquet file" in problem


def test_empty_file_without_header_is_an_error(data_dir, database):
    (data_dir / "crm_accounts.csv").write_bytes(b"")
    [problem] = _problems(data_dir, database)
    assert "crm_accounts.csv" in problem
    assert "no header" in problem


def test_header_in_another_encoding_is_an_error(data_dir, database):
    write_csv(data_dir / "billing_plans.csv", ["plan_íd", *PLAN_COLUMNS[1:]], encoding="latin-1")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv" in problem
    assert "UTF-8" in problem


def test_rows_in_another_encoding_are_an_error_naming_the_file_and_line(data_dir, database):
    write_csv(data_dir / "billing_plans.csv", PLAN_COLUMNS, [["P1", "Café", *[""] * 6]], encoding="latin-1")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv: data row 1, line 2 of the file; Invalid unicode" in problem
    assert "utf-8" in problem.lower()


def test_a_row_with_the_wrong_number_of_fields_is_an_error(data_dir, database):
    (data_dir / "billing_plans.csv").write_text(",".join(PLAN_COLUMNS) + "\nP1,x\n", encoding="utf-8")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv: data row 1, line 2 of the file; Expected Number of Columns: 8 Found: 2" in problem
    assert "\n" not in problem


def test_a_bad_row_after_a_value_holding_line_breaks_is_named_by_data_row_and_file_line(data_dir, database):
    header = ",".join(PLAN_COLUMNS)
    (data_dir / "billing_plans.csv").write_text(f'{header}\nP1,"two\nlines",,,,,,\nP2,,,,,,,\nP3,,,,,,,,x\n',
                                                encoding="utf-8")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv: data row 3, line 5 of the file; Expected Number of Columns: 8 Found: 9" in problem


@pytest.mark.parametrize("rows", ["P1,,,,,,,\r\nP2,SECRET,,,,,,,x\r\n", 'P1,,,,,,,\nP2,"SECRET\nmore",,,,,,,x\n',
                                  'P1,"a\r\nb",,,,,,\r\nP2,SECRET,,,,,,,x\r\n'])
def test_a_bad_row_spanning_lines_or_in_a_crlf_file_is_not_repeated_in_the_error(data_dir, database, rows):
    header = ",".join(PLAN_COLUMNS)
    newline = "\r\n" if "\r\n" in rows else "\n"
    (data_dir / "billing_plans.csv").write_bytes(f"{header}{newline}{rows}".encode())
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv: data row 2, line " in problem
    assert "Expected Number of Columns: 8 Found: 9" in problem
    assert "SECRET" not in problem
    assert "more" not in problem


def test_blank_lines_before_a_bad_row_count_as_lines_not_as_data_rows(data_dir, database):
    header = ",".join(PLAN_COLUMNS)
    (data_dir / "billing_plans.csv").write_text(f"{header}\nP1,,,,,,,\n\n\nP2,,,,,,,\nP3,,,,,,,,x\n", encoding="utf-8")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv: data row 3, line 6 of the file; Expected Number of Columns: 8 Found: 9" in problem


def test_a_bad_row_after_a_value_longer_than_the_csv_modules_default_limit_is_still_located(data_dir, database):
    header = ",".join(PLAN_COLUMNS)
    long_name = "x" * 200_000
    (data_dir / "billing_plans.csv").write_text(f'{header}\nP1,,,"{long_name}\n",,,,\nP2,,,,,,,,x\n',
                                                encoding="utf-8")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv: data row 2, line 4 of the file; Expected Number of Columns: 8 Found: 9" in problem


def test_an_unterminated_quote_names_the_line_but_not_the_rest_of_the_file(data_dir, database):
    rows = [f'P{index},prod,name,,month,1,49.00,USD' for index in range(1, 50)]
    rows[2] = rows[2].replace(",", ',"', 1)
    (data_dir / "billing_plans.csv").write_text(",".join(PLAN_COLUMNS) + "\n" + "\n".join(rows) + "\n",
                                                encoding="utf-8")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv: data row 3, line 4 of the file; Value with unterminated quote found" in problem
    assert "P40" not in problem


def test_header_and_rows_ending_lines_differently_is_an_error_saying_so(data_dir, database):
    rows = "".join(f"P{index},prod,name,,month,1,49.00,USD\n" for index in range(3))
    (data_dir / "billing_plans.csv").write_bytes((",".join(PLAN_COLUMNS) + "\r\n" + rows).encode("utf-8"))
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv" in problem
    assert "LF or all CRLF" in problem


def test_semicolon_separated_file_is_reported_as_not_comma_separated(data_dir, database):
    (data_dir / "billing_plans.csv").write_text(";".join(PLAN_COLUMNS) + "\nP1;;;;;;;\n", encoding="utf-8")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv" in problem
    assert "not comma-separated" in problem
    assert ", ".join(PLAN_COLUMNS) in problem


def test_binary_file_named_csv_is_an_error(data_dir, database):
    (data_dir / "billing_plans.csv").write_bytes(b"PK\x03\x04\x00\x00binary\x00\xff\xfe")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.csv" in problem


def test_file_named_parquet_that_is_not_parquet_is_an_error(data_dir, database):
    (data_dir / "billing_plans.csv").unlink()
    (data_dir / "billing_plans.parquet").write_text("plan_id\nP1\n")
    [problem] = _problems(data_dir, database)
    assert "billing_plans.parquet" in problem
    assert "Parquet" in problem
    assert "LINE 1" not in problem  # DuckDB's echo of our own SQL is no help to whoever fixes the file
    assert "read_parquet" not in problem


def test_data_folder_that_does_not_exist_is_an_error(tmp_path, database):
    [problem] = _problems(tmp_path / "nowhere", database)
    assert "nowhere" in problem
