"""``cadre-warehouse`` as a scheduler calls it: a subprocess, judged by its exit code and what it prints.

The demo run (conftest ``demo_run``) is ``cadre-warehouse demo`` then ``cadre-warehouse run`` over its 88 files.
"""

from __future__ import annotations

import re

import duckdb
import pytest

from samples.demo import demo_files

STATUSES = ("accepted", "accepted_with_rejects", "quarantined", "rejected", "superseded", "duplicate")
CONTRACT_TABLES = ("indicators", "submissions", "training_recruitment")


def _published_counts(stdout: str) -> dict[str, int]:
    """``  indicators     805 rows`` lines after ``published <release>:``."""
    _, found, tail = stdout.partition("\npublished ")
    assert found, "no 'published …:' block in stdout"
    return {name: int(count) for name, count in re.findall(r"^  (\w+) +(\d+) rows$", tail, flags=re.MULTILINE)}


@pytest.mark.slow
def test_run_over_the_demo_inbox_exits_0(demo_run):
    assert demo_run.returncode == 0, demo_run.explain()


@pytest.mark.slow
def test_run_prints_one_summary_line_per_demo_file(demo_published, demo_run):
    lines = demo_run.stdout.splitlines()
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        counts = {name: (accepted, rejected, status) for name, accepted, rejected, status in con.execute(
            "select file_name, rows_accepted, rows_rejected, status from submissions").fetchall()}
    files = demo_files()
    assert len(files) == 88
    for f in files:
        pattern = re.compile(rf"^{re.escape(f.file_name[:44])} +{f.unit_code} +{f.as_of.isoformat()}"
                             rf" +(\d+) +(\d+)  ({'|'.join(STATUSES)})$")
        matches = [m for line in lines if (m := pattern.match(line))]
        assert len(matches) == 1, f"{f.file_name}: {len(matches)} summary lines"
        accepted, rejected, status = matches[0].groups()
        assert (int(accepted), int(rejected), status) == counts[f.file_name]
        # a district's demo roster has hundreds of people, a commune's dozens
        assert int(accepted) > (300 if len(f.unit_code) == 3 else 15)


@pytest.mark.slow
def test_run_prints_the_published_tables_with_their_row_counts(demo_published, demo_run):
    printed = _published_counts(demo_run.stdout)
    assert set(CONTRACT_TABLES) <= set(printed)
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        actual = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in printed}
    assert printed == actual
    assert printed["submissions"] == 88
    assert all(printed[t] > 0 for t in CONTRACT_TABLES)


@pytest.mark.slow
def test_run_publishes_duckdb_and_parquet_of_the_contract_tables(demo_published):
    assert demo_published.is_symlink()
    assert demo_published.resolve().parent == (demo_published.parent / "releases").resolve()
    assert (demo_published / "warehouse.duckdb").is_file()
    assert (demo_published / "report.html").is_file()
    for table in CONTRACT_TABLES:
        path = demo_published / "parquet" / f"{table}.parquet"
        assert path.is_file() and path.stat().st_size > 0, path


def test_missing_inbox_folder_is_a_usage_error(cli, tmp_path):
    done = cli("run", "--inbox", tmp_path / "no_such_inbox", "--warehouse", tmp_path / "warehouse")
    assert done.returncode == 2, done.stderr
    assert "no_such_inbox" in done.stderr and "not a folder" in done.stderr
    assert not (tmp_path / "warehouse").exists()


def test_reject_share_that_is_no_number_is_a_usage_error(cli, tmp_path):
    (tmp_path / "inbox").mkdir()
    done = cli("run", "--inbox", tmp_path / "inbox", "--warehouse", tmp_path / "warehouse",
               env={"CADRE_MAX_REJECT_SHARE": "abc"})
    assert done.returncode == 2, done.stderr
    assert "CADRE_MAX_REJECT_SHARE='abc'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "warehouse").exists()


@pytest.mark.parametrize("args", [("run", "--no-such-option"), (), ("publish",)], ids=["option", "none", "command"])
def test_arguments_argparse_refuses_are_a_usage_error(cli, args):
    done = cli(*args)
    assert done.returncode == 2
    assert done.stderr.startswith("usage: cadre-warehouse")
