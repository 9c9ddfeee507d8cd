"""build.py: the warehouse is built in a temporary file and published atomically, only when dbt build succeeded.

dbt is replaced by a fake invoke here (it writes to the file it is pointed at, as dbt would), except in the
last test, which runs real dbt on a one-model project to check the handover of the DuckDB file.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from mrr_warehouse.build import AS_OF_ENV, DATABASE_ENV, TEMP_DIR_ENV, build, check_result
from mrr_warehouse.errors import BuildError, InputError
from mrr_warehouse.project import PROJECT_DIR_ENV, project_root


def _node(unique_id: str, status: str, message: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(node=SimpleNamespace(unique_id=unique_id), status=status, message=message)


def _result(success: bool, *nodes: SimpleNamespace, exception: Exception | None = None) -> SimpleNamespace:
    return SimpleNamespace(success=success, exception=exception, result=SimpleNamespace(results=list(nodes)))


PARSED_MANIFEST = object()


class FakeDbt:
    """Stands in for dbtRunner.invoke: records the call, writes a marts table into the database it is given.

    `dbt parse` (run on a thread while the files load) is recorded apart and returns PARSED_MANIFEST.
    """

    def __init__(self, result: SimpleNamespace) -> None:
        self.result = result
        self.calls: list[dict] = []
        self.parses: list[dict] = []

    def invoke(self, runner: dbtRunner, args: list[str]) -> SimpleNamespace:
        settings = {"as_of": os.environ[AS_OF_ENV], "database_setting": os.environ[DATABASE_ENV],
                    "spill_setting": os.environ[TEMP_DIR_ENV], "cyclic_gc": gc.isenabled()}
        if args[0] == "parse":
            self.parses.append({"args": args, **settings})
            return SimpleNamespace(success=True, exception=None, result=PARSED_MANIFEST)
        database = Path.cwd() / os.environ[DATABASE_ENV]  # a bare file name, opened from its folder
        self.calls.append({"args": args, "database": database, "manifest": runner.manifest,
                           "spill_folder": Path.cwd() / os.environ[TEMP_DIR_ENV], **settings})
        with duckdb.connect(str(database)) as connection:
            connection.execute("create schema marts; create table marts.mrr_bridge_monthly as select 1 as built")
        return self.result


def _install(monkeypatch: pytest.MonkeyPatch, result: SimpleNamespace) -> FakeDbt:
    fake = FakeDbt(result)
    monkeypatch.setattr(dbtRunner, "invoke", lambda runner, args, **kwargs: fake.invoke(runner, args))
    return fake


def _leftovers(folder: Path, target: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path != target)


def test_failed_dbt_build_leaves_the_published_file_byte_identical(monkeypatch, data_dir, published):
    before = published.read_bytes()
    fake = _install(monkeypatch, _result(False, _node("model.mrr_warehouse.fct_mrr", "error", "boom")))
    with pytest.raises(BuildError, match=re.escape("model.mrr_warehouse.fct_mrr")):
        build(data_dir, date(2026, 10, 31), published)
    assert fake.calls[0]["database"] != published
    assert fake.calls[0]["database"].parent.parent == published.parent
    assert published.read_bytes() == before
    assert _leftovers(published.parent, published) == []


def test_bad_input_never_runs_dbt_and_leaves_the_published_file_byte_identical(monkeypatch, data_dir, published):
    before = published.read_bytes()
    fake = _install(monkeypatch, _result(True))
    (data_dir / "crm_accounts.csv").unlink()
    with pytest.raises(InputError, match="crm_accounts"):
        build(data_dir, None, published)
    assert fake.calls == []
    assert published.read_bytes() == before
    assert _leftovers(published.parent, published) == []


def test_successful_build_replaces_the_published_file_with_the_new_one(monkeypatch, data_dir, published):
    fake = _install(monkeypatch, _result(True, _node("model.mrr_warehouse.fct_mrr", "success")))
    assert build(data_dir, date(2026, 10, 31), published, full_refresh=True) == published.resolve()
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("select built from marts.mrr_bridge_monthly").fetchall() == [(1,)]
        assert connection.execute("select plan_id from raw.billing_plans").fetchall() == [("P1",)]
        tables = connection.execute("select table_name from information_schema.tables").fetchall()
    assert ("previous",) not in tables
    assert fake.calls[0]["database"].name == published.name  # dbt-duckdb names the catalog after the file
    assert _leftovers(published.parent, published) == []


def test_a_build_into_a_folder_that_does_not_exist_yet_creates_it(monkeypatch, data_dir, tmp_path):
    _install(monkeypatch, _result(True))
    target = tmp_path / "new" / "deeper" / "warehouse.duckdb"
    assert build(data_dir, date(2026, 10, 31), target, full_refresh=True) == target.resolve()
    with duckdb.connect(str(target), read_only=True) as connection:
        assert connection.execute("select built from marts.mrr_bridge_monthly").fetchall() == [(1,)]
    assert _leftovers(target.parent, target) == []


def test_dbt_is_pointed_at_the_project_with_as_of_in_the_environment_which_is_restored(
        monkeypatch, data_dir, published):
    monkeypatch.setenv(DATABASE_ENV, "somewhere_else.duckdb")
    monkeypatch.delenv(AS_OF_ENV, raising=False)
    working_directory = Path.cwd()
    fake = _install(monkeypatch, _result(True))
    build(data_dir, date(2026, 10, 31), published, full_refresh=True)
    args = fake.calls[0]["args"]
    root = str(project_root())
    assert args[0] == "build"
    assert args[args.index("--project-dir") + 1] == root
    assert args[args.index("--profiles-dir") + 1] == root
    assert "--vars" not in args  # a changed var would make dbt parse the whole project again
    assert fake.calls[0]["as_of"] == "2026-10-31"
    assert fake.calls[0]["database_setting"] == published.name  # the same every build: the profile is unchanged
    assert "--full-refresh" in args
    assert os.environ[DATABASE_ENV] == "somewhere_else.duckdb"
    assert AS_OF_ENV not in os.environ
    assert Path.cwd() == working_directory


def test_the_project_is_parsed_while_the_files_load_in_the_environment_of_the_build(
        monkeypatch, data_dir, published):
    fake = _install(monkeypatch, _result(True))
    build(data_dir, date(2026, 10, 31), published, full_refresh=True)
    (parse,), (run,) = fake.parses, fake.calls
    assert parse["args"][0] == "parse"
    root = str(project_root())
    assert parse["args"][parse["args"].index("--project-dir") + 1] == root
    assert run["manifest"] is PARSED_MANIFEST  # dbt builds from the parsed project, without parsing it again
    # What the profile reads is the same in both: otherwise the build's dbt would have to parse it all again.
    for setting in ("as_of", "database_setting", "spill_setting"):
        assert parse[setting] == run[setting], setting


def test_the_cyclic_garbage_collector_is_off_while_dbt_runs_and_back_on_after(monkeypatch, data_dir, published):
    assert gc.isenabled()
    fake = _install(monkeypatch, _result(True))
    build(data_dir, date(2026, 10, 31), published, full_refresh=True)
    assert fake.parses[0]["cyclic_gc"] is False
    assert fake.calls[0]["cyclic_gc"] is False
    assert gc.isenabled()


def test_a_failed_build_turns_the_cyclic_garbage_collector_back_on(monkeypatch, data_dir, published):
    _install(monkeypatch, _result(False, _node("model.mrr_warehouse.fct_mrr", "error", "boom")))
    with pytest.raises(BuildError):
        build(data_dir, date(2026, 10, 31), published, full_refresh=True)
    assert gc.isenabled()


def test_duckdb_spills_into_the_work_folder_under_a_name_that_never_changes(monkeypatch, data_dir, published):
    monkeypatch.delenv(TEMP_DIR_ENV, raising=False)
    fake = _install(monkeypatch, _result(True))
    build(data_dir, date(2026, 10, 31), published, full_refresh=True)
    build(data_dir, date(2026, 10, 31), published, full_refresh=True)
    first, second = fake.calls
    assert first["spill_folder"].parent == first["database"].parent  # DuckDB creates one folder level, no more
    assert first["spill_setting"] == second["spill_setting"]  # a changed profile would make dbt re-parse
    assert first["database_setting"] == second["database_setting"]


def test_a_spill_folder_given_relative_to_where_mrr_runs_stays_there(monkeypatch, data_dir, published, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(TEMP_DIR_ENV, "spill")
    fake = _install(monkeypatch, _result(True))
    build(data_dir, date(2026, 10, 31), published, full_refresh=True)
    assert fake.calls[0]["spill_folder"] == tmp_path / "spill"


def test_without_as_of_the_build_is_as_of_today(monkeypatch, data_dir, published):
    monkeypatch.setenv(AS_OF_ENV, "2020-01-31")
    fake = _install(monkeypatch, _result(True))
    build(data_dir, None, published)
    assert fake.calls[0]["as_of"] == ""  # macros/run_vars.sql: no var, no MRR_AS_OF -> today
    assert "--full-refresh" not in fake.calls[0]["args"]


def test_build_error_names_every_failed_or_errored_node_and_only_those():
    result = _result(False, _node("model.p.ok", "success"), _node("test.p.warned", "warn", "1 row"),
                     _node("test.p.bridge_identity", "fail", "Got 3 results,\nconfigured to fail"),
                     _node("model.p.broken", "error", "Binder Error"), _node("model.p.after", "skipped"))
    with pytest.raises(BuildError) as raised:
        check_result(result)
    message = str(raised.value)
    assert "test.p.bridge_identity (fail: Got 3 results, configured to fail)" in message
    assert "model.p.broken (error: Binder Error)" in message
    assert "model.p.ok" not in message
    assert "test.p.warned" not in message
    assert "\n" not in message


def test_a_dbt_exception_without_node_results_is_a_build_error():
    with pytest.raises(BuildError, match="Compilation Error in model x"):
        check_result(SimpleNamespace(success=False, exception=RuntimeError("Compilation Error in model x"),
                                     result=None))


def test_warnings_alone_do_not_fail_the_build():
    check_result(_result(True, _node("test.p.warned", "warn", "3 rows")))


def test_real_dbt_build_publishes_a_closed_self_contained_file(tmp_path, monkeypatch, data_dir, published):
    """dbt-duckdb keeps its DuckDB file open after invoke: build must close it before moving it into place."""
    project = _one_model_project(tmp_path / "project")
    monkeypatch.setenv(PROJECT_DIR_ENV, str(project))
    build(data_dir, date(2026, 10, 31), published)
    assert not Path(f"{published}.wal").exists()
    assert not [path for path in _open_files() if path.startswith(str(published.parent))]
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("select plans, as_of from main_marts.summary").fetchall() == [(1, "2026-10-31")]
    (project / "tests" / "plans_are_never_there.sql").write_text("select * from {{ ref('summary') }}\n")
    before = published.read_bytes()
    with pytest.raises(BuildError, match=re.escape("test.tiny.plans_are_never_there")):
        build(data_dir, date(2026, 10, 31), published)
    assert published.read_bytes() == before


def test_a_project_that_does_not_parse_fails_the_build_with_dbts_message(tmp_path, monkeypatch, data_dir,
                                                                         published):
    project = _one_model_project(tmp_path / "project")
    (project / "models" / "broken.sql").write_text("select * from {{ ref('no_such_model') }}\n")
    monkeypatch.setenv(PROJECT_DIR_ENV, str(project))
    before = published.read_bytes()
    with pytest.raises(BuildError, match="no_such_model"):
        build(data_dir, date(2026, 10, 31), published)
    assert published.read_bytes() == before


def _open_files() -> list[str]:
    """Paths this process holds open (Linux); dbt-duckdb would otherwise keep the published file open."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to list open files")
    return [str(link.readlink()) for link in Path("/proc/self/fd").iterdir() if link.exists()]


def _one_model_project(folder: Path) -> Path:
    """A dbt project with the real profile and raw contract and one model reading a raw table and MRR_AS_OF."""
    (folder / "models" / "staging").mkdir(parents=True)
    (folder / "tests").mkdir()
    root = project_root()
    shutil.copy(root / "profiles.yml", folder / "profiles.yml")
    for sources in (root / "models" / "staging").glob("*sources.yml"):
        shutil.copy(sources, folder / "models" / "staging" / sources.name)
    (folder / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nconfig-version: 2\nprofile: mrr_warehouse\nseed-paths: []\n"
        "models:\n  tiny:\n    +schema: marts\n    +materialized: table\n")
    (folder / "models" / "summary.sql").write_text(
        "select count(*) as plans, '{{ env_var(\"MRR_AS_OF\") }}' as as_of\n"
        "from {{ source('billing', 'billing_plans') }}\n")
    return folder
