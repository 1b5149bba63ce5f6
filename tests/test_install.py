"""An installed wheel, not the checkout, is enough: ``pip install .`` then ``cadre-warehouse demo`` works.

The wheel is built from the repository and installed without its dependencies into a new virtualenv; those come
from this test run's virtualenv through a path entry, which adds its packages but none of its own ``.pth`` hooks,
so the project's modules (and the seeds the demo reads) can only come from the wheel.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("installed")
    # pip builds in the source folder: a copy keeps build/ and *.egg-info out of the checkout.
    source = root / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "data", "target", "logs", "build", "*.egg-info", "work", ".dagster_home", "__pycache__"))
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", root / "wheels", source, cwd=root)
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=root)
    python = venv / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root).stdout.strip()
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    [wheel] = (root / "wheels").glob("cadre_warehouse-*.whl")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", wheel, cwd=root)
    return venv


def test_the_project_modules_come_from_the_installed_wheel(installed, tmp_path):
    where = _run(installed / "bin" / "python", "-c",
                 "import samples, ingest.settings as s; print(samples.__file__); print(s.load_settings().seeds)",
                 cwd=tmp_path).stdout.split()
    assert all(Path(p).is_relative_to(installed) for p in where), where
    assert (Path(where[1]) / "units.csv").is_file()


def test_the_installed_wheel_describes_the_dbt_tests_from_its_own_data(installed, tmp_path):
    text = _run(installed / "bin" / "python", "-c",
                "from orchestration.dbt_checks import KINDS_FILE, describe_test; print(KINDS_FILE); "
                "print(describe_test({'test_metadata': {'name': 'not_null', 'kwargs': {'column_name': 'x'}}}))",
                cwd=tmp_path).stdout.splitlines()
    assert Path(text[0]).is_relative_to(installed) and text[1] == "Cột x không có giá trị rỗng / x is never NULL"


def test_the_installed_command_writes_the_demo_inbox(installed, tmp_path):
    done = _run(installed / "bin" / "cadre-warehouse", "demo", "--out", tmp_path / "inbox", cwd=tmp_path)
    entries = list((tmp_path / "inbox").iterdir())
    written = sorted(p.suffix for p in entries if not p.name.startswith("."))
    assert done.stdout.startswith(f"wrote {len(written)} demo submissions")
    assert len(written) == 88 and {".xlsx", ".xls", ".csv"} <= set(written)
    # the demo inbox says it is one (synthetic rosters may use the development person-key secret)
    assert [p.name for p in entries if p.name.startswith(".")] == [".cadre-demo-inbox"]
