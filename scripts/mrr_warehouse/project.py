"""Where the dbt project and its defaults live.

The package is installed in editable mode from `scripts/mrr_warehouse/`, so the project root is two
folders up; MRR_PROJECT_DIR overrides it (e.g. for an installed, non-editable package).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR_ENV = "MRR_PROJECT_DIR"


def project_root() -> Path:
    """The folder holding dbt_project.yml."""
    override = os.environ.get(PROJECT_DIR_ENV)
    return Path(override).resolve() if override else Path(__file__).resolve().parents[2]


def default_database() -> Path:
    """The published warehouse: `warehouse.duckdb` in the project root."""
    return project_root() / "warehouse.duckdb"


def default_data_dir() -> Path:
    """The bundled demo company: one CSV per raw table in `seeds/`."""
    return project_root() / "seeds"


def staging_dir() -> Path:
    """The folder whose sources YAML files are the raw contract."""
    return project_root() / "models" / "staging"
