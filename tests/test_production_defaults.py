"""Production defaults: without CADRE_PERSON_KEY_SECRET, only a demo inbox may use the development secret.

A real run refuses to start — the command line with exit 2, a Dagster run failed — with a message in Vietnamese and
English saying how to set the secret; CADRE_ALLOW_DEV_SECRET=1 runs anyway and warns.
"""

from __future__ import annotations

from datetime import date

import dagster as dg
import pytest

from ingest.receive import scan_inbox
from ingest.settings import DEMO_INBOX_MARKER, check_person_key_secret, load_settings
from orchestration.ingest_assets import build_lake_assets
from orchestration.partitions import unit_partitions, unit_partitions_table
from orchestration.resources import warehouse_lock_resource, warehouse_resource

NO_SECRET = {"CADRE_PERSON_KEY_SECRET": ""}
HOW_TO = "CADRE_PERSON_KEY_SECRET=$(openssl rand -hex 32)"


def _inbox(write_small_roster, tmp_path):
    inbox = tmp_path / "inbox"
    write_small_roster(inbox / "cao_loc_2020.xlsx", "Huyện Cao Lộc", date(2020, 10, 15))
    return inbox


def test_a_run_without_a_secret_on_real_data_exits_2_saying_how_to_set_it(cli, write_small_roster, tmp_path):
    done = cli("run", "--inbox", _inbox(write_small_roster, tmp_path), "--warehouse", tmp_path / "warehouse",
               env=NO_SECRET)
    assert done.returncode == 2, done.stderr
    assert "chưa đặt CADRE_PERSON_KEY_SECRET" in done.stderr and "CADRE_PERSON_KEY_SECRET is not set" in done.stderr
    assert HOW_TO in done.stderr
    assert not (tmp_path / "warehouse").exists()


def test_a_dagster_run_without_a_secret_on_real_data_fails_with_the_same_message(write_small_roster, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.delenv("CADRE_PERSON_KEY_SECRET")
    inbox, warehouse = _inbox(write_small_roster, tmp_path), tmp_path / "warehouse"
    settings = load_settings(inbox=inbox, warehouse=warehouse)
    lake = build_lake_assets(unit_partitions(settings), unit_partitions_table(settings))
    result = dg.materialize([lake], partition_key="183", raise_on_error=False,
                            resources={"warehouse": warehouse_resource(settings),
                                       "warehouse_lock": warehouse_lock_resource(settings)})
    assert not result.success
    errors = [str(event.event_specific_data.error) for event in result.all_events if event.is_failure]
    assert any(HOW_TO in error and "CADRE_PERSON_KEY_SECRET is not set" in error for error in errors), errors
    assert not (warehouse / "archive").exists()


@pytest.mark.slow
def test_allow_dev_secret_runs_without_a_secret_and_warns(run_cli, write_small_roster, tmp_path):
    done = run_cli(_inbox(write_small_roster, tmp_path), tmp_path / "warehouse",
                   env=NO_SECRET | {"CADRE_ALLOW_DEV_SECRET": "1"})
    assert done.returncode == 0, done.explain()
    assert "WARNING: running with the public development secret (CADRE_ALLOW_DEV_SECRET=1)" in done.stderr
    assert "CẢNH BÁO" in done.stderr


@pytest.mark.slow
def test_the_demo_inbox_runs_without_a_secret(cli, run_cli, tmp_path):
    assert cli("demo", "--out", tmp_path / "inbox").returncode == 0
    done = run_cli(tmp_path / "inbox", tmp_path / "warehouse", env=NO_SECRET)
    assert done.returncode == 0, done.explain()
    assert "development secret" not in done.stderr


def test_the_demo_marker_makes_an_inbox_a_demo_inbox_and_is_not_received(write_small_roster, tmp_path):
    inbox = _inbox(write_small_roster, tmp_path)
    settings = load_settings(inbox=inbox, env={})
    with pytest.raises(ValueError, match="CADRE_PERSON_KEY_SECRET is not set"):
        check_person_key_secret(settings)
    (inbox / DEMO_INBOX_MARKER).write_text("demo\n", encoding="utf-8")
    assert check_person_key_secret(settings) is None
    assert [f.file_name for f in scan_inbox(inbox)] == ["cao_loc_2020.xlsx"]


def test_a_secret_of_its_own_needs_no_demo_inbox(write_small_roster, tmp_path):
    settings = load_settings(inbox=_inbox(write_small_roster, tmp_path), env={"CADRE_PERSON_KEY_SECRET": "s3cr3t"})
    assert check_person_key_secret(settings) is None
