"""Find, check and load the raw files of the source contract into the `raw` schema of a DuckDB file.

For each contract table, `<table>.csv` or `<table>.parquet` in the data folder becomes `raw.<table>`
with every contract column as VARCHAR (contract order; trimmed, empty = NULL) plus `_row_number`, the
1-based data row of the file. Casting and rejecting bad values is staging's job, in SQL.

Everything the user can get wrong is gathered first (files, headers, Parquet schemas) and raised as
one InputError listing every problem; rows are then read by DuckDB itself, never row by row in Python.
Paths and values reach SQL only as parameters; identifiers are quoted.
"""

from __future__ import annotations

import csv
import difflib
import logging
import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from mrr_warehouse.contract import Contract, RawTable, load_contract
from mrr_warehouse.errors import InputError, UsageError

LOGGER = logging.getLogger(__name__)

MANIFEST_TABLE = "_load_manifest"
ROW_NUMBER_COLUMN = "_row_number"
FORMATS = (".csv", ".parquet")
# Every value: leading and trailing whitespace removed, then empty -> NULL. (A regular expression constant
# keeps this fast: trim() with a character list costs twice as much on millions of rows.) Only values that
# start or end with a character up to a space can have whitespace to remove (the expression's \s is
# ASCII), and looking at those two characters first skips the regular expression for almost every value:
# 0.76 -> 0.48 s for the four text columns of 2.8M invoice lines.
TEXT_VALUE = (r"nullif(case when ascii({0}) <= 32 or ascii(right({0}, 1)) <= 32 "
              r"then regexp_replace({0}, '^\s+|\s+$', '', 'g') else {0} end, '')")
NUMBER_OR_DATE_TYPE = re.compile(r"U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|DATE|BOOLEAN")
HEADER_BYTE_LIMIT = 1 << 20
LINE_END = re.compile(rb"\r\n?|\n")
# DuckDB would read a folder named like `region=EMEA` on the path as a Hive partition, a column that
# replaces the file's own: hive_partitioning = false keeps the file's values.
READ_CSV = (
    "read_csv($path, header = true, auto_detect = false, all_varchar = true, delim = ',', quote = '\"', "
    "escape = '\"', columns = $columns, strict_mode = true, encoding = 'utf-8', hive_partitioning = false) "
    "with ordinality"
)
READ_PARQUET = "read_parquet($path, file_row_number = true, hive_partitioning = false)"
READ_PARQUET_NUMBERED = "read_parquet($path, hive_partitioning = false) with ordinality"
TAKEN_DATABASE_NAMES = frozenset({"raw", "staging", "intermediate", "marts", "history", "main", "system", "temp"})
# DuckDB errors that mean "this file cannot be read as declared", as opposed to a bug in our SQL.
FILE_ERRORS = (duckdb.InvalidInputException, duckdb.IOException, duckdb.ConversionException)


class _Problem(Exception):
    """One or more problems with one file, each a full message line."""

    def __init__(self, *problems: str) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class SourceFile:
    """How to read one contract table: the file (None = optional and absent) and one text expression per column."""

    table: RawTable
    path: Path | None
    reader: str = ""
    expressions: tuple[str, ...] = ()
    row_number: str = ""
    params: dict[str, object] = field(default_factory=dict)


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_inputs(data_dir: Path | str, database_path: Path | str, contract: Contract | None = None) -> dict[str, int]:
    """Load every contract table from data_dir into `raw` of database_path; return rows loaded per table.

    Raises InputError listing every problem. Nothing in the database changes when the files' headers or
    schemas are wrong; when a file's body cannot be read the `raw` schema is dropped rather than left half-loaded.
    """
    check_database_name(Path(database_path))
    contract = contract or load_contract()
    with closing(duckdb.connect()) as scratch:
        sources = plan_inputs(Path(data_dir), contract, scratch)
    create_folder_of(Path(database_path))
    with closing(open_database(Path(database_path))) as connection:
        counts = _load_all(connection, contract.schema, sources)
    for source in sources:
        if source.table.required and counts[source.table.name] == 0:
            LOGGER.warning("%s: a header and no rows, yet every company has %s: is the extract complete?",
                           source.path, source.table.name)
    return counts


def check_database_name(target: Path) -> None:
    """DuckDB names the database (its catalog) after the file: a schema's name (`raw.x` would be ambiguous)
    or one of DuckDB's own catalogs fails midway."""
    if target.stem.casefold() in TAKEN_DATABASE_NAMES:
        raise UsageError(f"{target}: a database file cannot be named {target.stem}, the name of a schema of the "
                         "warehouse or of a DuckDB catalog; choose another name")


def create_folder_of(database: Path) -> None:
    """Create the folder a database file goes in (and its parents), as a new --database path needs."""
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{database}: cannot create the folder {database.parent}: {error.strerror}") from error


def open_database(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the DuckDB file at path; UsageError when it cannot be opened (folder missing, locked...)."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except FILE_ERRORS as error:
        raise UsageError(f"{path}: cannot open the database: {_reason(error)}") from error


def plan_inputs(data_dir: Path, contract: Contract, connection: duckdb.DuckDBPyConnection) -> list[SourceFile]:
    """Locate and inspect every contract table's file; raise InputError with all problems found."""
    if not data_dir.is_dir():
        raise InputError([f"{data_dir}: not a folder (expected one CSV or Parquet file per raw table)"])
    sources, problems = [], []
    for table in contract.tables:
        try:
            sources.append(_plan_table(data_dir, table, contract, connection))
        except _Problem as problem:
            problems.extend(problem.problems)
    if problems:
        raise InputError(problems)
    _warn_about_unread(data_dir, contract, {source.path for source in sources})
    return sources


def _warn_about_unread(data_dir: Path, contract: Contract, read: set[Path | None]) -> None:
    """Warn about each file no table reads: a misspelt optional table (fx_rate.csv, FX_Rates.csv,
    fx_rates.csv.gz) would otherwise load as absent without a word. Hidden files are left alone."""
    tables = [table.name for table in contract.tables]
    for path in sorted(data_dir.iterdir()):
        if path in read or path.name.startswith("."):
            continue
        table = _resembles(path, tables)
        hint = f"; did you mean {table}.csv or {table}.parquet?" if table else ""
        LOGGER.warning("%s: ignored, not the file of any raw table (<table>.csv or <table>.parquet)%s", path, hint)


# ---------------------------------------------------------------------------------------------------
# Finding and inspecting files
# ---------------------------------------------------------------------------------------------------


def _expected(table: RawTable) -> str:
    return f"expected columns: {', '.join(table.columns)}"


def _plan_table(data_dir: Path, table: RawTable, contract: Contract,
                connection: duckdb.DuckDBPyConnection) -> SourceFile:
    path = _locate(data_dir, table, [other.name for other in contract.tables])
    if path is None:
        return SourceFile(table=table, path=None)
    if path.suffix.lower() == ".csv":
        return _plan_csv(table, path)
    return _plan_parquet(table, path, connection)


def _locate(data_dir: Path, table: RawTable, tables: list[str]) -> Path | None:
    entries = sorted(path for path in data_dir.iterdir() if path.stem == table.name)
    readable = [path for path in entries if path.suffix.lower() in FORMATS]
    if len(readable) > 1:
        files = " and ".join(path.name for path in readable)
        raise _Problem(f"{data_dir}: both {files} are present; keep one ({_expected(table)})")
    if readable and not readable[0].is_file():
        raise _Problem(f"{readable[0]}: not a file (a folder, or a link to nothing); give {table.name}'s rows as a "
                       f"CSV or Parquet file ({_expected(table)})")
    if readable:
        return readable[0]
    named = [path for path in entries if path.is_file()]
    if named:
        raise _Problem(f"{named[0]}: not a CSV or Parquet file; give {table.name}.csv or {table.name}.parquet "
                       f"({_expected(table)})")
    if table.required:
        resembling = [path.name for path in sorted(data_dir.iterdir()) if _resembles(path, tables) == table.name]
        hint = f"; {' and '.join(resembling)} {'is' if len(resembling) == 1 else 'are'} there" if resembling else ""
        raise _Problem(f"{data_dir / (table.name + '.csv')}: missing required file {table.name}.csv "
                       f"(or {table.name}.parquet){hint} ({_expected(table)})")
    return None


def _resembles(path: Path, table_names: list[str]) -> str | None:
    """The table name a file's name looks like a misspelling of (FX_Rates.csv, fx_rate.csv.gz), if any."""
    if path.name.startswith("."):
        return None
    close = difflib.get_close_matches(path.name.split(".")[0].strip().casefold(), table_names, n=1)
    return close[0] if close else None


def _plan_csv(table: RawTable, path: Path) -> SourceFile:
    header = _csv_header(table, path)
    if len(header) == 1 < len(table.columns):
        raise _Problem(f"{path}: the header is a single column {header[0]!r}: the file is not comma-separated "
                       f"({_expected(table)})")
    positions = _match_columns(table, path, header)
    return SourceFile(
        table=table,
        path=path,
        reader=READ_CSV,
        expressions=tuple(TEXT_VALUE.format(quote_identifier(f"c{positions[column]}")) for column in table.columns),
        row_number="ordinality",
        params={"columns": {f"c{index}": "VARCHAR" for index in range(len(header))}},
    )


def _csv_header(table: RawTable, path: Path) -> list[str]:
    """The first line of the file as CSV fields (only that line is read here; DuckDB reads the rest).

    Lines may end in LF, CRLF or a lone CR (old Mac exports): DuckDB reads all three.
    """
    try:
        with path.open("rb") as handle:
            first_line = LINE_END.split(handle.readline(HEADER_BYTE_LIMIT), maxsplit=1)[0]
        text = first_line.decode("utf-8-sig")
    except OSError as error:
        raise _Problem(f"{path}: cannot be read: {error.strerror} ({_expected(table)})") from error
    except UnicodeDecodeError as error:
        raise _Problem(f"{path}: not UTF-8 text, so not a CSV file this loader reads; save it as UTF-8 "
                       f"({_expected(table)})") from error
    if not text.strip():
        raise _Problem(f"{path}: empty file or empty first line, no header row ({_expected(table)})")
    if "\0" in text:
        raise _Problem(f"{path}: binary content, not a CSV file ({_expected(table)})")
    try:
        return next(csv.reader([text]))
    except csv.Error as error:
        raise _Problem(f"{path}: the header row is not valid CSV: {error} ({_expected(table)})") from error


def _plan_parquet(table: RawTable, path: Path, connection: duckdb.DuckDBPyConnection) -> SourceFile:
    try:
        schema = connection.execute("describe select * from read_parquet($path, hive_partitioning = false)",
                                    {"path": str(path)}).fetchall()
        file_names = _parquet_column_names(connection, path)
    except FILE_ERRORS as error:
        raise _Problem(f"{path}: not a readable Parquet file: {_reason(error)} ({_expected(table)})") from error
    # DuckDB renames a repeated name (account_id twice reads as account_id and account_id_1): the file's
    # own names find the repeat, DuckDB's name the column in SQL.
    names = [str(row[0]) for row in schema]
    types = [str(row[1]) for row in schema]
    positions = _match_columns(table, path, file_names)
    # A file column of that name would clash with the one the option adds; counting rows is slower but works.
    own_row_numbers = "file_row_number" in (name.casefold() for name in file_names)
    if own_row_numbers and "ordinality" in (name.casefold() for name in file_names):
        raise _Problem(f"{path}: has columns named both file_row_number and ordinality, one of which the loader "
                       f"needs to number rows; rename or drop one ({_expected(table)})")
    row_number = "ordinality" if own_row_numbers else "file_row_number + 1"
    return SourceFile(
        table=table,
        path=path,
        reader=READ_PARQUET_NUMBERED if own_row_numbers else READ_PARQUET,
        expressions=tuple(_parquet_text(names[positions[column]], types[positions[column]], row_number)
                          for column in table.columns),
        row_number=row_number,
    )


def _parquet_column_names(connection: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """The file's top-level column names as written (parquet_schema lists the tree depth first, root first)."""
    elements = connection.execute("select name, coalesce(num_children, 0) from parquet_schema($path)",
                                  {"path": str(path)}).fetchall()
    names, index = [], 1
    for _ in range(elements[0][1]):
        names.append(str(elements[index][0]))
        index = _after_subtree(elements, index)
    return names


def _after_subtree(elements: list[tuple[str, int]], index: int) -> int:
    following = index + 1
    for _ in range(elements[index][1]):
        following = _after_subtree(elements, following)
    return following


def _parquet_text(name: str, type_name: str, row_number: str) -> str:
    """A Parquet column as text: timestamps at midnight (in UTC, when they have a time zone) as
    YYYY-MM-DD, like dates; strings stored as bare BINARY decoded as UTF-8 (a cast would write
    'Größe' as escaped bytes; bytes that are not UTF-8 stop the load, naming the row and column);
    anything else cast.

    Only text columns are trimmed: a number or a date cast to text has no blanks to remove, and the
    regular expression was ~40% of loading a million-account company.
    """
    column = quote_identifier(name)
    if NUMBER_OR_DATE_TYPE.fullmatch(type_name):
        return f"cast({column} as varchar)"
    if type_name.startswith("TIMESTAMP"):
        utc = f"timezone('UTC', {column})" if "TIME ZONE" in type_name else column
        return (f"case when {utc} = date_trunc('day', {utc}) then strftime({utc}, '%Y-%m-%d') "
                f"else cast({column} as varchar) end")
    if type_name == "BLOB":
        quoted_name = name.replace("'", "''")
        undecodable = f"'row ' || ({row_number}) || ', column {quoted_name}: not UTF-8 text'"
        return TEXT_VALUE.format(f"coalesce(try(decode({column})), "
                                 f"case when {column} is not null then error({undecodable}) end)")
    return TEXT_VALUE.format(f"cast({column} as varchar)")


def _match_columns(table: RawTable, path: Path, names: list[str]) -> dict[str, int]:
    """Contract column -> its position among the file's columns (names compared trimmed, case-insensitive).

    A missing or repeated contract column is a problem; an unknown column is a warning and is dropped.
    """
    normalized = [name.strip().casefold() for name in names]
    problems = [f"{path}: missing column '{column}' ({_expected(table)})"
                for column in table.columns if column.casefold() not in normalized]
    problems += [f"{path}: column '{column}' appears {normalized.count(column.casefold())} times ({_expected(table)})"
                 for column in table.columns if normalized.count(column.casefold()) > 1]
    if problems:
        raise _Problem(*problems)
    known = {column.casefold() for column in table.columns}
    for name, key in zip(names, normalized, strict=True):
        if key not in known:
            LOGGER.warning("%s: ignoring unknown column '%s' (%s)", path, name, _expected(table))
    return {column: normalized.index(column.casefold()) for column in table.columns}


# ---------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------


def _load_all(connection: duckdb.DuckDBPyConnection, schema: str, sources: list[SourceFile]) -> dict[str, int]:
    connection.execute("set preserve_insertion_order = true; set enable_progress_bar = false")
    connection.execute(f"drop schema if exists {quote_identifier(schema)} cascade")
    connection.execute(f"create schema {quote_identifier(schema)}")
    # A Parquet file of a few row groups is read by one or two threads, so one table at a time left a core
    # idle (at 1M accounts: 16 s one by one, 10 s two at a time). Largest first, so the last to finish is small.
    by_size = sorted(sources, key=_file_size, reverse=True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        outcomes = {name: (count, problem) for name, count, problem
                    in pool.map(lambda source: _load_or_explain(connection, schema, source), by_size)}
    counts = {source.table.name: outcomes[source.table.name][0] for source in sources}
    problems = [problem for _, problem in (outcomes[source.table.name] for source in sources) if problem]
    if problems:
        connection.execute(f"drop schema {quote_identifier(schema)} cascade")
        raise InputError(problems)
    _write_manifest(connection, schema, sources, counts)
    return counts


def _file_size(source: SourceFile) -> int:
    return source.path.stat().st_size if source.path else 0


def _load_or_explain(connection: duckdb.DuckDBPyConnection, schema: str,
                     source: SourceFile) -> tuple[str, int, str | None]:
    """Load source on a cursor of its own (one per thread): (table, rows loaded, None) or (table, 0, problem)."""
    with closing(connection.cursor()) as cursor:
        try:
            return source.table.name, _load_table(cursor, schema, source), None
        except FILE_ERRORS as error:
            reason = _reason(error)
            if source.reader == READ_CSV and source.path:
                reason = _csv_row_and_line(source.path, reason)
            return source.table.name, 0, f"{source.path}: {reason} ({_expected(source.table)})"


def _csv_row_and_line(path: Path, reason: str) -> str:
    """DuckDB's "CSV Error on Line: N" counts records, blank lines and the header included: once a quoted value
    holds a line break or a blank line comes first, neither the data row nor the line is N - 1. Say the data
    row, as rejected_rows numbers rows, and the line it starts on."""
    located = re.match(r"CSV Error on Line: (\d+)", reason)
    place = _find_record(path, int(located.group(1))) if located else None
    if not located or not place:
        return reason
    data_row, line = place
    return f"data row {data_row}, line {line} of the file" + reason[located.end():]


def _find_record(path: Path, record: int) -> tuple[int, int] | None:
    """(data row, first line) of CSV record number `record` (1 = the header; a blank line is a record but no
    data row), or None. Read in Python, but only once a load has failed."""
    data_rows = 0
    # A value over the csv module's default limit of 128 KiB would stop the count; DuckDB reads up to 2 MB.
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 26))
    try:
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            reader = csv.reader(handle)
            # Stop at the record before: the bad one may be an unterminated quote that runs to the end.
            for number, fields in enumerate(reader, start=1):
                data_rows += number > 1 and fields != []
                if number == record - 1:
                    return data_rows + 1, reader.line_num + 1
    except (OSError, csv.Error):
        return None
    return None


def _load_table(connection: duckdb.DuckDBPyConnection, schema: str, source: SourceFile) -> int:
    target = f"{quote_identifier(schema)}.{quote_identifier(source.table.name)}"
    if source.path is None:
        columns = [f"{quote_identifier(column)} varchar" for column in source.table.columns]
        columns.append(f"{quote_identifier(ROW_NUMBER_COLUMN)} bigint")
        connection.execute(f"create table {target} ({', '.join(columns)})")
        return 0
    select_list = [f"{expression} as {quote_identifier(column)}"
                   for column, expression in zip(source.table.columns, source.expressions, strict=True)]
    select_list.append(f"cast({source.row_number} as bigint) as {quote_identifier(ROW_NUMBER_COLUMN)}")
    params = {"path": str(source.path), **source.params}
    connection.execute(f"create table {target} as select {', '.join(select_list)} from {source.reader}", params)
    return _count(connection, target)


def _count(connection: duckdb.DuckDBPyConnection, target: str) -> int:
    row = connection.execute(f"select count(*) from {target}").fetchone()
    return int(row[0]) if row else 0


def _write_manifest(connection: duckdb.DuckDBPyConnection, schema: str, sources: Iterable[SourceFile],
                    counts: dict[str, int]) -> None:
    manifest = f"{quote_identifier(schema)}.{quote_identifier(MANIFEST_TABLE)}"
    connection.execute(f"create table {manifest} (table_name varchar, file_path varchar, row_count bigint)")
    rows = [(source.table.name, str(source.path.resolve()) if source.path else None, counts[source.table.name])
            for source in sources]
    connection.executemany(f"insert into {manifest} values (?, ?, ?)", rows)


def _reason(error: Exception) -> str:
    """DuckDB's reason in one line, without its advice, its parser options, the offending line's content or our SQL.

    The content follows "Original Line:" and the reason is the last line after it: the content may span
    lines (a quoted line break, a CRLF file's record starting on a line of its own, or where a quote is
    unterminated the rest of the file, personal data included); all of it goes.
    """
    text = re.split(r"\n\s*(?:Possible|file = |LINE \d+:)", str(error))[0]
    located, _, offending = text.partition("\nOriginal Line:")
    if offending:
        text = located + "\n" + ([line for line in offending.splitlines() if line.strip()] or [""])[-1]
    if "state machine reached an invalid state" in text:
        text = "not readable as CSV (do all lines end the same way, all LF or all CRLF, and are quotes balanced?)"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return re.sub(r"^[A-Za-z ]+ Error: ", "", "; ".join(lines)) or type(error).__name__
