"""Who may read what a run writes: the warehouse's working folders only the service user (or its group), the
publication everyone.

A run sets its process's umask before it writes anything, so every writer in it — ingest, DuckDB under dbt, Great
Expectations, Dagster — creates private files without being told; child processes (dbt, the parse workers) inherit
it. A umask only covers what is created: folders a warehouse made before (0755, by earlier versions) are tightened
here, at the start of every run, and so are copies, which keep their source's mode (``give_run_modes``). The
release's own modes are publishing's (``publishing.release``). Not here: which
folders hold personal data (``ingest.settings``).
"""

from __future__ import annotations

import os
from pathlib import Path

from ingest.settings import Settings


def prepare_warehouse(settings: Settings) -> None:
    """Create ``settings.warehouse`` if it is missing (with the umask the process was started with: it leads BI
    users to ``published``), then set the run's umask and close the private folders that exist already."""
    settings.warehouse.mkdir(parents=True, exist_ok=True)
    os.umask(settings.umask)
    for folder in settings.private_folders:
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(0o777 & ~settings.umask)


def give_run_modes(folder: Path, settings: Settings) -> None:
    """Give every file under ``folder`` the mode the run's umask gives new files: dagster-dbt copies the project's
    ``partial_parse.msgpack`` into the run's dbt target folder, and a copy keeps its source's mode (0644 from
    ``make install``), which dbt's own rewrite of the file keeps too."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(0o666 & ~settings.umask)
