"""Readers are never blocked and never see half a build; a killed build changes nothing (issue 5).

1. A real `mrr build` process is killed with SIGKILL once dbt has built its first node: the published file is
   byte-identical and readable, and the build's work folder is left behind.
2. On that same file, two reader processes (warehouse_reader.py) query in a loop, one through a read-only
   connection held open throughout, one through a new read-only connection each time, while two builds with
   different inputs run and publish. Every answer must be one published warehouse (fct_mrr and the bridge from the
   same build; the held reader keeps the one it opened, the other sees each build in turn), no reader sees an
   error, the builds are not blocked, the file the reader holds open is never written to, and the killed
   build's work folder is removed by the next build (only work folders whose build process is gone are).

Starts from a copy of the session's demo_warehouse (conftest.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest
from warehouse_builds import AS_OF, copy_seeds_with_backdated_cancellation, dbt_environment, run_build
from warehouse_reader import read

from mrr_warehouse.build import ABANDONED_UNOWNED_SECONDS, OWNER_FILE, remove_abandoned_work_dirs

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
READER = Path(__file__).with_name("warehouse_reader.py")
DBT_NODE_DONE = re.compile(r"\b1 of \d+ (OK|PASS)\b")
KILL_DEADLINE_SECONDS = 120
READER_DEADLINE_SECONDS = 30
LATER_AS_OF = date(2026, 11, 30)


def _answer(database: Path) -> list[str]:
    with closing(duckdb.connect(str(database), read_only=True)) as connection:
        return read(connection)


def _leftovers(database: Path) -> list[Path]:
    return sorted(database.parent.glob(f".{database.name}.building-*"))


# ---------------------------------------------------------------------------------------------------
# A build killed midway
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KilledBuild:
    database: Path
    answer_before: list[str]
    answer_after: list[str]
    unchanged: bool
    killed_after: str
    leftovers: list[Path]


def _kill_once_dbt_is_running(command: list[str], env: dict[str, str]) -> str:
    """Run command; SIGKILL it as soon as dbt reports its first finished node; return that line."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    watchdog = threading.Timer(KILL_DEADLINE_SECONDS, process.kill)
    watchdog.start()
    try:
        for line in process.stdout:
            if DBT_NODE_DONE.search(line):
                process.kill()  # SIGKILL: no cleanup of any kind runs
                return line.strip()
        pytest.fail(f"the build ended (exit code {process.wait()}) before dbt reported a node")
    finally:
        watchdog.cancel()
        process.kill()
        process.wait()
        process.stdout.close()


@pytest.fixture(scope="module")
def killed_build(demo_warehouse, tmp_path_factory: pytest.TempPathFactory) -> KilledBuild:
    root = tmp_path_factory.mktemp("killed")
    database = root / "published" / "warehouse.duckdb"
    database.parent.mkdir()
    shutil.copyfile(demo_warehouse.database, database)
    before, answer_before = database.read_bytes(), _answer(database)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SCRIPTS), os.environ.get("PYTHONPATH", "")]),
           "PYTHONUNBUFFERED": "1", **dbt_environment(root)}
    killed_after = _kill_once_dbt_is_running(
        [sys.executable, "-m", "mrr_warehouse", "build", "--data", str(demo_warehouse.data), "--database",
         str(database), "--as-of", LATER_AS_OF.isoformat()], env)
    return KilledBuild(database=database, answer_before=answer_before, answer_after=_answer(database),
                       unchanged=database.read_bytes() == before, killed_after=killed_after,
                       leftovers=_leftovers(database))


def test_a_build_killed_midway_leaves_the_published_file_byte_identical_and_readable(killed_build):
    assert killed_build.killed_after  # dbt was running: the kill hit a build in progress
    assert killed_build.leftovers, "the killed build left no work folder: was it killed midway?"
    assert killed_build.unchanged
    assert killed_build.answer_after == killed_build.answer_before
    assert not Path(f"{killed_build.database}.wal").exists()


def _work_dir(database: Path, suffix: str, owner: int | None, host: str | None = None) -> Path:
    folder = database.parent / f".{database.name}.building-{suffix}"
    folder.mkdir()
    if owner is not None:
        (folder / OWNER_FILE).write_text(f"{host or socket.gethostname()} {owner}\n")
    return folder


def test_only_work_folders_of_dead_builds_of_the_same_target_on_this_host_are_removed(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    dead_pid = int(finished.stdout)
    dead = _work_dir(database, "dead", dead_pid)
    kept = [_work_dir(database, "alive", os.getpid()), _work_dir(database, "new", None),
            _work_dir(database, "elsewhere", dead_pid, host="another-host"),
            _work_dir(tmp_path / "other.duckdb", "dead", dead_pid)]
    unowned_old = _work_dir(database, "old", None)
    hours_ago = time.time() - 2 * ABANDONED_UNOWNED_SECONDS
    os.utime(unowned_old, (hours_ago, hours_ago))
    assert remove_abandoned_work_dirs(database) == [dead, unowned_old]
    assert sorted(tmp_path.iterdir()) == sorted(kept)


# ---------------------------------------------------------------------------------------------------
# A reader in another process while builds publish
# ---------------------------------------------------------------------------------------------------


class Reader:
    """warehouse_reader.py in a child process (mode held or fresh), and what it wrote."""

    def __init__(self, mode: str, database: Path, folder: Path) -> None:
        self.observations, self.stop_file = folder / f"{mode}.jsonl", folder / f"{mode}.stop"
        self.process = subprocess.Popen([sys.executable, str(READER), mode, str(database), str(self.observations),
                                         str(self.stop_file)], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.observations.read_text().splitlines()]

    def answers(self) -> list[list[str]]:
        return [record["answer"] for record in self.records() if "answer" in record]

    def errors(self) -> list[str]:
        return [record["error"] for record in self.records() if "error" in record]

    def wait_for(self, answer: list[str]) -> None:
        deadline = time.monotonic() + READER_DEADLINE_SECONDS
        while answer not in self.answers():
            assert time.monotonic() < deadline, f"the reader never saw {answer}"
            time.sleep(0.05)

    def stop(self) -> dict:
        self.stop_file.touch()
        assert self.process.wait(timeout=READER_DEADLINE_SECONDS) == 0
        self.process.stdout.close()
        return self.records()[-1]["summary"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _open_file(pid: int, database: Path) -> Path:
    """/proc/<pid>/fd/<n> of the file pid has open at database's path (readable even once unlinked); Linux only."""
    fds = Path(f"/proc/{pid}/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc to see which file a process has open")
    (opened,) = [fd for fd in fds.iterdir() if str(fd.readlink()).startswith(str(database))]
    return opened


def test_readers_are_not_blocked_and_see_one_whole_build_at_a_time(killed_build, demo_warehouse, tmp_path):
    database = killed_build.database
    restated = copy_seeds_with_backdated_cancellation(tmp_path / "restated")
    published, original = [_answer(database)], _digest(database)
    held, fresh = Reader("held", database, tmp_path), Reader("fresh", database, tmp_path)
    try:
        for data, as_of in ((restated, AS_OF), (demo_warehouse.data, LATER_AS_OF)):
            run_build(data, as_of, database)
            assert held.process.poll() is None  # the held connection stayed open through the build
            assert _leftovers(database) == []  # the killed build's folder went with the first build
            published.append(_answer(database))
            fresh.wait_for(published[-1])
        # Publishing replaced the path with a new file; the file the held reader has open was never written to.
        assert _digest(_open_file(held.process.pid, database)) == original != _digest(database)
    finally:
        summaries = [held.stop(), fresh.stop()]
    assert len({tuple(answer) for answer in published}) == 3, "the builds must publish different warehouses"
    assert all(answer[2] == answer[3] for answer in published)  # fct_mrr's last month = the bridge's closing
    assert held.answers() == published[:1]  # a held connection keeps reading the file it opened, whole
    assert fresh.answers() == published  # each new connection reads one whole published build, in order
    assert held.errors() == fresh.errors() == []
    assert [summary["errors"] for summary in summaries] == [0, 0]
    assert all(summary["answers"] > 0 for summary in summaries)
