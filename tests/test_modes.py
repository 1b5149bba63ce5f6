"""Personal data at rest: what a run writes in the warehouse's working folders is the service user's alone (or its
group's with CADRE_SHARE_WITH_GROUP=1); the published release and the validation reports (which show no person key)
are readable by everyone and changed by no one."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from ingest.modes import prepare_warehouse
from ingest.settings import load_settings

PRIVATE_FOLDERS = ("archive", "lake", "parsed", "work", "feedback", "logs")
OPEN_FOLDERS = ("releases", "quality")


def _modes(warehouse: Path) -> dict[str, int]:
    """Every folder and file under ``warehouse`` (not the folder itself, nor the ``published`` link) → its mode."""
    return {str(p.relative_to(warehouse)): stat.S_IMODE(p.lstat().st_mode)
            for p in sorted(warehouse.rglob("*")) if not p.is_symlink()}


def _expected(path: str, folder: bool, private: tuple[int, int]) -> int:
    parts = Path(path).parts
    if parts[0] == "releases":
        return 0o755 if len(parts) == 1 else (0o555 if folder else 0o444)
    if parts[0] == "quality":
        return 0o755 if folder else 0o444
    return private[0] if folder else private[1]


def _run_over_a_small_inbox(run_cli, write_small_roster, root: Path, env: dict[str, str] | None = None):
    # One unknown ethnicity: a rejected row, so feedback/ gets a file too.
    write_small_roster(root / "inbox" / "cao_loc_2020.xlsx", "Huyện Cao Lộc", date(2020, 10, 15), unknown_ethnicity=1)
    done = run_cli(root / "inbox", root / "warehouse", env=env)
    assert done.returncode == 0, done.explain()
    return done.warehouse


def _assert_modes(warehouse: Path, private: tuple[int, int]) -> None:
    modes = _modes(warehouse)
    for folder in PRIVATE_FOLDERS + OPEN_FOLDERS:
        assert any(p.startswith(f"{folder}/") and (warehouse / p).is_file() for p in modes), f"nothing in {folder}/"
    assert any(p.startswith("releases/") and p.endswith(".parquet") for p in modes)
    wrong = {p: oct(m) for p, m in modes.items() if m != _expected(p, (warehouse / p).is_dir(), private)}
    assert wrong == {}


@pytest.mark.slow
def test_a_run_writes_private_folders_0700_files_0600_and_a_read_only_release(run_cli, write_small_roster,
                                                                               tmp_path):
    _assert_modes(_run_over_a_small_inbox(run_cli, write_small_roster, tmp_path), (0o700, 0o600))


@pytest.mark.slow
def test_a_group_shared_warehouse_is_0750_and_0640_and_its_release_stays_read_only(run_cli, write_small_roster,
                                                                                   tmp_path):
    warehouse = _run_over_a_small_inbox(run_cli, write_small_roster, tmp_path, env={"CADRE_SHARE_WITH_GROUP": "1"})
    _assert_modes(warehouse, (0o750, 0o640))


def test_a_run_closes_the_private_folders_an_older_warehouse_left_open(tmp_path):
    warehouse = tmp_path / "warehouse"
    for folder in PRIVATE_FOLDERS:
        (warehouse / folder).mkdir(parents=True, mode=0o755)
        (warehouse / folder).chmod(0o755)
    before = os.umask(0o022)
    try:
        prepare_warehouse(load_settings(inbox=tmp_path / "inbox", warehouse=warehouse, env={}))
        assert os.umask(0o022) == 0o077
    finally:
        os.umask(before)
    assert {f: oct(stat.S_IMODE((warehouse / f).stat().st_mode)) for f in PRIVATE_FOLDERS} == \
        {f: "0o700" for f in PRIVATE_FOLDERS}


def test_share_with_group_that_is_no_flag_is_a_usage_error(cli, tmp_path):
    (tmp_path / "inbox").mkdir()
    done = cli("run", "--inbox", tmp_path / "inbox", "--warehouse", tmp_path / "warehouse",
               env={"CADRE_SHARE_WITH_GROUP": "yes"})
    assert done.returncode == 2
    assert "CADRE_SHARE_WITH_GROUP='yes'" in done.stderr
