"""macros/materializations.sql: on DuckDB a table or view model replaces its old relation in place.

Real dbt on a two-model project that uses the project's materializations: a table `plans` with a pre-hook and a
post-hook that log into a table of their own, and a view `plan_count` reading it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from mrr_warehouse.build import run_dbt
from mrr_warehouse.errors import BuildError
from mrr_warehouse.project import project_root


def _plans_model(plan_id: str) -> str:
    return ("{{ config(materialized='table', pre_hook=\"insert into main.hook_log values ('pre')\", "
            f"post_hook=\"insert into main.hook_log values ('post')\") }}}}\nselect {plan_id} as plan_id\n")


def _project(folder: Path) -> Path:
    (folder / "models").mkdir(parents=True)
    (folder / "macros").mkdir()
    shutil.copy(project_root() / "macros" / "materializations.sql", folder / "macros")
    (folder / "dbt_project.yml").write_text(
        "name: in_place\nversion: '1.0'\nconfig-version: 2\nprofile: in_place\nseed-paths: []\n"
        "on-run-start: ['create table if not exists main.hook_log (hook text)']\n")
    (folder / "profiles.yml").write_text(
        "in_place:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: '{folder / 'warehouse.duckdb'}'\n      threads: 1\n")
    (folder / "models" / "plans.sql").write_text(_plans_model("1"))
    (folder / "models" / "plan_count.sql").write_text(
        "{{ config(materialized='view') }}\nselect count(*) as plans, max(plan_id) as top from {{ ref('plans') }}\n")
    return folder


def _run(project: Path) -> None:
    run_dbt(["run", "--project-dir", str(project), "--profiles-dir", str(project), "--target-path",
             str(project / "target"), "--log-path", str(project / "logs"), "--log-level", "none",
             "--log-level-file", "debug"], project / "warehouse.duckdb", {})


def _query(project: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(project / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _relations(project: Path) -> dict[str, str]:
    return dict(_query(project, "select table_name, table_type from information_schema.tables "
                                "where table_name != 'hook_log'"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = _project(tmp_path / "project")
    _run(project)
    return project


def test_a_rebuilt_table_and_view_have_the_new_rows_and_leave_no_temporary_or_backup_relation(project):
    (project / "models" / "plans.sql").write_text(_plans_model("2"))
    _run(project)
    assert _query(project, "select plans, top from plan_count") == [(1, 2)]
    assert _relations(project) == {"plans": "BASE TABLE", "plan_count": "VIEW"}
    log = (project / "logs" / "dbt.log").read_text()
    assert "__dbt_tmp" not in log and "__dbt_backup" not in log  # dbt-duckdb's own swap was not used


def test_the_hooks_of_a_table_model_run_before_and_after_it_every_build(project):
    _run(project)
    assert [hook for (hook,) in _query(project, "select hook from hook_log")] == ["pre", "post", "pre", "post"]


def test_a_view_that_becomes_a_table_replaces_the_view(project):
    (project / "models" / "plan_count.sql").write_text(
        "{{ config(materialized='table') }}\nselect count(*) as plans, max(plan_id) as top from {{ ref('plans') }}\n")
    _run(project)
    assert _relations(project) == {"plans": "BASE TABLE", "plan_count": "BASE TABLE"}


def test_a_table_whose_query_fails_keeps_its_old_rows(project):
    (project / "models" / "plans.sql").write_text(_plans_model("cast('not a number' as integer)"))
    with pytest.raises(BuildError, match=re.escape("model.in_place.plans")):
        _run(project)
    assert _query(project, "select plan_id from plans") == [(1,)]
