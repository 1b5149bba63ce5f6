"""``cadre-warehouse publish-postgres``: the current publication (``published/``) loaded into PostgreSQL again, after
a run whose PostgreSQL step failed (docs/operations.md), or onto a new server.

It takes the warehouse's run lock, as a run does: no run can swap ``published/`` while it reads it, and a release
it loads can never replace a newer one a run has just published there.
"""

from __future__ import annotations

import sys

from cli import Exit
from engines.postgres import redacted
from ingest.settings import Settings
from orchestration.run_lock import LockTimeout, warehouse_lock
from publishing.postgres import PostgresPublishError, publish_release


def publish_postgres(settings: Settings) -> Exit:
    """Load ``settings.published`` into ``settings.publish_postgres_url``; print what happened; the exit code.
    The caller has checked that both exist."""
    try:
        with warehouse_lock(settings.warehouse, settings.lock_timeout_seconds, say=lambda m: print(m, flush=True)):
            release = settings.published.resolve()
            print(f"Công bố lên PostgreSQL / publishing to PostgreSQL: release {release.name} → "
                  f"{redacted(settings.publish_postgres_url)}", flush=True)
            done = publish_release(release, settings.publish_postgres_url, settings.postgres_reader_password,
                                   settings.postgres_lock_timeout_seconds)
    except (LockTimeout, PostgresPublishError) as error:
        print(error, file=sys.stderr)
        print("Kết quả / result: PostgreSQL vẫn là bản trước / PostgreSQL still serves the previous release "
              "(mã thoát / exit code 1)")
        return Exit.FAILURE
    for table, count in done.row_counts.items():
        print(f"  cadre.{table:24} {count:>8} dòng / rows")
    print(f"Kết quả / result: đã công bố lên PostgreSQL / published to PostgreSQL, schema cadre (release "
          f"{done.release_id}; mã thoát / exit code 0)")
    return Exit.PUBLISHED
