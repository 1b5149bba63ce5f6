"""A full disk is an infrastructure failure (exit 1, the disk named), never a blocked quality gate (exit 3), and the
previous publication stays whole. The working folder (`<warehouse>/work`, where dbt builds) is a small tmpfs the
test mounts and fills; where mounting is not allowed, the test is skipped."""

from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def small_work_disk(tmp_path):
    """``<tmp>/warehouse/work`` on a 64 MB tmpfs, unmounted afterwards."""
    work = tmp_path / "warehouse" / "work"
    work.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", str(work)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield work
    finally:
        subprocess.run(["umount", "-l", str(work)], check=False)


def _fill(folder: Path) -> None:
    """Leave no free block on ``folder``'s filesystem."""
    with (folder / "filler").open("wb") as filler:
        try:
            while True:
                filler.write(b"\0" * (1 << 20))
        except OSError:
            pass
    stat = os.statvfs(folder)
    assert stat.f_bavail * stat.f_frsize < 1 << 20


def test_a_full_disk_exits_1_naming_it_and_keeps_the_previous_publication(
        small_work_disk, write_small_roster, run_cli, tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    write_small_roster(inbox / "cao_loc_2020.xlsx", "Huyện Cao Lộc", date(2020, 10, 15))
    first = run_cli(inbox, warehouse)
    assert first.returncode == 0, first.explain()
    release = os.readlink(warehouse / "published")
    before = _tree(warehouse / "published")

    _fill(small_work_disk)
    write_small_roster(inbox / "cao_loc_2025.xlsx", "Xã Cao Lộc", date(2025, 10, 15), people=12)
    second = run_cli(inbox, warehouse)

    output = second.stdout + second.stderr
    assert second.returncode == 1, second.explain()
    assert f"the disk holding the warehouse {warehouse} is full" in second.stdout, second.stdout[-3000:]
    assert "quality gate blocked" not in output
    assert "check failed" not in second.stdout
    assert os.readlink(warehouse / "published") == release
    assert _tree(warehouse / "published") == before
