"""The warehouse's configuration, read in one place.

Every setting is an environment variable with a documented default (docs/lake-contract.md). The CLI and the Dagster
resources both call :func:`load_settings`, so a nightly run and a hand-started run see the same values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The dbt project beside the packages: the repository's in a checkout, site-packages' in an installed wheel.
DEFAULT_DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

# Only for development: production sets its own secret (docs/operations.md), otherwise person keys can be
# recomputed by anyone who has a name and a birth date.
DEVELOPMENT_PERSON_KEY_SECRET = "cadre-warehouse-development-secret"


@dataclass(frozen=True)
class Settings:
    inbox: Path
    warehouse: Path
    dbt_project_dir: Path
    max_reject_share: float
    person_key_secret: str
    max_uncompressed_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int
    duckdb_memory_limit: str
    log_level: str
    lock_timeout_seconds: float

    @property
    def seeds(self) -> Path:
        """The reference data: dbt's seeds, which ingest reads too."""
        return self.dbt_project_dir / "seeds"

    @property
    def archive(self) -> Path:
        return self.warehouse / "archive"

    @property
    def lake(self) -> Path:
        return self.warehouse / "lake"

    @property
    def parsed(self) -> Path:
        """One record per archived file and parser version: what parsing it found."""
        return self.warehouse / "parsed"

    @property
    def feedback(self) -> Path:
        return self.warehouse / "feedback"

    @property
    def work_database(self) -> Path:
        return self.warehouse / "work" / "warehouse.duckdb"

    @property
    def quality(self) -> Path:
        return self.warehouse / "quality"

    @property
    def published(self) -> Path:
        return self.warehouse / "published"


class SettingsError(ValueError):
    """A setting has a value the warehouse cannot use (a usage error, exit code 2)."""


def _number(env: dict[str, str], name: str, default: str, kind: type) -> int | float:
    raw = env.get(name, default)
    try:
        return kind(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a {kind.__name__}") from None


def load_settings(
    inbox: str | Path | None = None,
    warehouse: str | Path | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    """Settings from explicit arguments, else the environment, else the defaults; paths made absolute."""
    env = dict(os.environ if env is None else env)
    share = _number(env, "CADRE_MAX_REJECT_SHARE", "0.05", float)
    if not 0 <= share <= 1:
        raise SettingsError(f"CADRE_MAX_REJECT_SHARE={share} must be between 0 and 1")
    return Settings(
        inbox=Path(inbox or env.get("CADRE_INBOX") or "data/inbox").resolve(),
        warehouse=Path(warehouse or env.get("CADRE_WAREHOUSE") or "data/warehouse").resolve(),
        dbt_project_dir=Path(env.get("CADRE_DBT_PROJECT_DIR") or DEFAULT_DBT_PROJECT_DIR).resolve(),
        max_reject_share=share,
        person_key_secret=env.get("CADRE_PERSON_KEY_SECRET") or DEVELOPMENT_PERSON_KEY_SECRET,
        max_uncompressed_bytes=int(_number(env, "CADRE_MAX_UNCOMPRESSED_MB", "200", float) * 1024 * 1024),
        max_rows=int(_number(env, "CADRE_MAX_ROWS", "300000", int)),
        max_columns=int(_number(env, "CADRE_MAX_COLUMNS", "200", int)),
        max_cells=int(_number(env, "CADRE_MAX_CELLS", "5000000", int)),
        duckdb_memory_limit=env.get("CADRE_DUCKDB_MEMORY_LIMIT") or "1GB",
        log_level=env.get("CADRE_LOG_LEVEL") or "INFO",
        lock_timeout_seconds=_number(env, "CADRE_LOCK_TIMEOUT_SECONDS", "3600", float),
    )

