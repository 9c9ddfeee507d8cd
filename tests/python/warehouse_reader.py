"""A BI tool's stand-in, run as a separate process by test_readers_during_builds.py:

    python warehouse_reader.py held|fresh DATABASE OBSERVATIONS STOP

Until the file STOP exists, queries DATABASE read-only in a loop: `held` through one connection kept for the
process's whole life (a dashboard left open), `fresh` through a new connection each time (a dashboard
refreshing; it needs its own process: DuckDB shares one open database per file and process, so a new connection
next to a held one would still see the file the held one opened). Prints `ready` after its first answer. Appends
to OBSERVATIONS (JSON lines, flushed) each distinct answer the first time it sees it and every error, and at the
end a summary line.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TextIO

import duckdb

# Between queries: busy readers that still leave the builds most of the CPU (a new connection costs ~20 ms).
PAUSE_SECONDS = {"held": 0.02, "fresh": 0.1}
# fct_mrr's size and total, and the last month of fct_mrr against the bridge's closing: two marts, one build.
READ_SQL = """
    select
        (select count(*) from marts.fct_mrr) as fct_mrr_rows,
        (select sum(mrr) from marts.fct_mrr) as fct_mrr_total,
        (select sum(mrr) from marts.fct_mrr where month = (select max(month) from marts.mrr_bridge_monthly))
            as fct_mrr_last_month,
        (select closing_mrr from marts.mrr_bridge_monthly order by month desc limit 1) as bridge_closing
"""


def read(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """READ_SQL's answer as text (exact decimals)."""
    return [str(value) for value in connection.execute(READ_SQL).fetchone()]


def main(mode: str, database: str, observations: str, stop: str) -> None:
    if mode == "held":
        with closing(duckdb.connect(database, read_only=True, config={"threads": 1})) as connection:
            _loop(lambda: read(connection), PAUSE_SECONDS[mode], Path(observations), Path(stop))
    else:
        _loop(lambda: _read_fresh(database), PAUSE_SECONDS[mode], Path(observations), Path(stop))


def _loop(reader: Callable[[], list[str]], pause: float, observations: Path, stop: Path) -> None:
    seen: set[tuple[str, ...]] = set()
    counts = {"answers": 0, "errors": 0}
    reader()
    print("ready", flush=True)
    with observations.open("a") as out:
        while not stop.exists():
            try:
                answer = reader()
            except duckdb.Error as error:
                counts["errors"] += 1
                _write(out, {"error": f"{type(error).__name__}: {error}"})
                continue
            counts["answers"] += 1
            if tuple(answer) not in seen:
                seen.add(tuple(answer))
                _write(out, {"answer": answer, "at": time.time()})
            time.sleep(pause)
        _write(out, {"summary": counts})


def _read_fresh(database: str) -> list[str]:
    with closing(duckdb.connect(database, read_only=True, config={"threads": 1})) as connection:
        return read(connection)


def _write(out: TextIO, record: dict) -> None:
    out.write(json.dumps(record) + "\n")
    out.flush()


if __name__ == "__main__":
    main(*sys.argv[1:5])
