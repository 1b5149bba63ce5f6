"""The warehouse's configuration, read in one place.

Every setting is an environment variable with a documented default (docs/lake-contract.md). The CLI and the Dagster
resources both call :func:`load_settings`, so a nightly run and a hand-started run see the same values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# The dbt project beside the packages: the repository's in a checkout, site-packages' in an installed wheel.
DEFAULT_DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

# Only for development: production sets its own secret (docs/operations.md), otherwise person keys can be
# recomputed by anyone who has a name and a birth date. A run uses it only on a demo inbox, or when told to.
DEVELOPMENT_PERSON_KEY_SECRET = "cadre-warehouse-development-secret"
# `cadre-warehouse demo` leaves this file in the inbox it writes: its rosters are synthetic, so the development
# secret protects nothing there. A dotfile, so ingest never receives it (ingest.receive.IGNORED_PREFIXES).
DEMO_INBOX_MARKER = ".cadre-demo-inbox"

# Names, birth dates and person keys lie in the warehouse's working folders: a run creates what it writes there
# readable by the service user only, or by its group too with CADRE_SHARE_WITH_GROUP=1 (docs/operations.md).
PRIVATE_UMASK = 0o077
GROUP_SHARED_UMASK = 0o027
# The warehouse folder and releases/ only lead to the publication, which BI users of any account read: its files
# are never written again once published, so they are read-only for their owner too. quality/ is open the same way:
# its validation reports show no person key (expectations/runner.py), and the newest is published with the release.
OPEN_FOLDER_MODE = 0o755
RELEASE_FOLDER_MODE = 0o555
RELEASE_FILE_MODE = 0o444
# The province's time: the nightly schedule, and every time a person reads (reports, the command's output).
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Where dbt builds the working warehouse (CADRE_ENGINE): DuckDB in <warehouse>/work/, or the PostgreSQL database
# libpq's environment names (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD or PGPASSFILE; docs/deploy.md).
ENGINES = ("duckdb", "postgres")


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
    share_with_group: bool
    allow_development_secret: bool
    runs_kept: int
    """How many runs' validation reports (quality/) and command-line logs (logs/) are kept."""
    engine: str = "duckdb"
    """Where dbt builds the working warehouse: one of ENGINES."""
    publish_postgres_url: str | None = field(default=None, repr=False)
    """CADRE_PUBLISH_POSTGRES_URL: a PostgreSQL database every publication goes to as well (None: none). It holds a
    password: never logged, never shown (engines.postgres.redacted)."""
    postgres_reader_password: str | None = field(default=None, repr=False)
    """CADRE_POSTGRES_READER_PASSWORD: the password of the read-only role cadre_reader on that database."""
    postgres_lock_timeout_seconds: float = 60.0
    """CADRE_POSTGRES_LOCK_TIMEOUT_SECONDS: how long the PostgreSQL swap waits for BI queries in flight on the
    published tables before the publication there gives up (publishing.postgres)."""

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
    def logs(self) -> Path:
        """The Dagster and dbt log of each ``cadre-warehouse run``: its terminal shows a summary instead."""
        return self.warehouse / "logs"

    @property
    def published(self) -> Path:
        return self.warehouse / "published"

    @property
    def private_folders(self) -> tuple[Path, ...]:
        """The folders of ``warehouse`` closed to other users: those that hold personal data, or what was read from
        it, and the run logs, which are the operators'."""
        return (self.archive, self.lake, self.parsed, self.feedback, self.work_database.parent, self.logs)

    @property
    def umask(self) -> int:
        """The umask of a run's process: whatever writes the working folders (ingest, DuckDB, dbt, Great
        Expectations, Dagster) creates folders 0700 and files 0600, or 0750 and 0640 when shared with the group."""
        return GROUP_SHARED_UMASK if self.share_with_group else PRIVATE_UMASK

    @property
    def is_demo_inbox(self) -> bool:
        return (self.inbox / DEMO_INBOX_MARKER).is_file()


class SettingsError(ValueError):
    """A setting has a value the warehouse cannot use (a usage error, exit code 2)."""


def _number(env: dict[str, str], name: str, default: str, kind: type) -> int | float:
    raw = env.get(name, default)
    try:
        return kind(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a {kind.__name__}") from None


def _flag(env: dict[str, str], name: str) -> bool:
    raw = env.get(name, "")
    if raw not in ("", "0", "1"):
        raise SettingsError(f"{name}={raw!r} must be 1 (on) or 0 (off)")
    return raw == "1"


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
    runs_kept = _number(env, "CADRE_RUNS_KEPT", "30", int)
    if runs_kept < 1:
        raise SettingsError(f"CADRE_RUNS_KEPT={runs_kept} must be 1 or more (the newest report is published)")
    engine = env.get("CADRE_ENGINE") or "duckdb"
    if engine not in ENGINES:
        raise SettingsError(f"CADRE_ENGINE={engine!r} must be one of {', '.join(ENGINES)}")
    publish_url = env.get("CADRE_PUBLISH_POSTGRES_URL") or None
    if publish_url and not publish_url.startswith(("postgresql://", "postgres://")):
        # Not the value itself: it may hold a password.
        raise SettingsError("CADRE_PUBLISH_POSTGRES_URL must be a URL postgresql://user:password@host:port/database")
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
        duckdb_memory_limit=env.get("CADRE_DUCKDB_MEMORY_LIMIT") or "768MB",
        log_level=env.get("CADRE_LOG_LEVEL") or "INFO",
        lock_timeout_seconds=_number(env, "CADRE_LOCK_TIMEOUT_SECONDS", "3600", float),
        share_with_group=_flag(env, "CADRE_SHARE_WITH_GROUP"),
        allow_development_secret=_flag(env, "CADRE_ALLOW_DEV_SECRET"),
        runs_kept=int(runs_kept),
        engine=engine,
        publish_postgres_url=publish_url,
        postgres_reader_password=env.get("CADRE_POSTGRES_READER_PASSWORD") or None,
        postgres_lock_timeout_seconds=_number(env, "CADRE_POSTGRES_LOCK_TIMEOUT_SECONDS", "60", float),
    )


def check_person_key_secret(settings: Settings) -> str | None:
    """Whether a run may start with these settings' person-key secret: None if it may (a secret of its own, or a
    demo inbox), a warning to give on this run if the development secret is allowed explicitly
    (CADRE_ALLOW_DEV_SECRET=1). Raises SettingsError if the development secret would key real people."""
    if settings.person_key_secret != DEVELOPMENT_PERSON_KEY_SECRET or settings.is_demo_inbox:
        return None
    if settings.allow_development_secret:
        return ("CẢNH BÁO: đang dùng mã bí mật phát triển công khai (CADRE_ALLOW_DEV_SECRET=1): ai có mã nguồn và "
                "danh sách họ tên đều đối chiếu được khóa cá nhân. / WARNING: running with the public development "
                "secret (CADRE_ALLOW_DEV_SECRET=1): anyone with the source code and a list of names can match the "
                "person keys. Set CADRE_PERSON_KEY_SECRET before real data arrives.")
    raise SettingsError(
        "chưa đặt CADRE_PERSON_KEY_SECRET: hãy đặt một giá trị ngẫu nhiên dài, ví dụ "
        "CADRE_PERSON_KEY_SECRET=$(openssl rand -hex 32), trong tệp môi trường của dịch vụ (docs/operations.md). / "
        "CADRE_PERSON_KEY_SECRET is not set, and the development secret in the source code would let anyone match "
        "the person keys: set a long random value, e.g. CADRE_PERSON_KEY_SECRET=$(openssl rand -hex 32), in the "
        "services' environment file (docs/operations.md). Only a demo inbox (`cadre-warehouse demo`) runs without "
        "it; CADRE_ALLOW_DEV_SECRET=1 runs anyway, with a warning."
    )

